#include "audio/resample.hpp"

#include <samplerate.h>

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <string>

#include "core/error.hpp"

namespace vaesweep::audio {

std::vector<float> resample(const std::vector<float>& y, int from_rate, int to_rate) {
  if (from_rate <= 0 || to_rate <= 0) {
    throw UserError("resample: sample rates must be > 0, got " + std::to_string(from_rate) + " -> " + std::to_string(to_rate) + " Hz");
  }
  const double ratio = static_cast<double>(to_rate) / from_rate;
  if (!src_is_valid_ratio(ratio)) {
    throw UserError("resample: ratio " + std::to_string(to_rate) + " / " + std::to_string(from_rate) +
                    " Hz is outside libsamplerate's [1/256, 256]");
  }
  if (!std::all_of(y.begin(), y.end(), [](float v) { return std::isfinite(v); })) {
    throw UserError("resample: the signal holds a NaN or infinite sample");
  }
  if (from_rate == to_rate) return y;
  if (y.empty()) return {};
  // ceil(n * to / from) in integers: librosa's ceil(n * ratio) without its float rounding.
  const std::uint64_t n = y.size();
  const std::uint64_t n_out = (n * static_cast<std::uint64_t>(to_rate) + static_cast<std::uint64_t>(from_rate) - 1) /
                              static_cast<std::uint64_t>(from_rate);
  std::vector<float> out(n_out, 0.0f);
  SRC_DATA data{};
  data.data_in = y.data();
  data.input_frames = static_cast<long>(n);
  data.data_out = out.data();
  data.output_frames = static_cast<long>(n_out);
  data.end_of_input = 1;
  data.src_ratio = ratio;
  // One call converts the whole signal; libsamplerate aligns output sample 0 with input sample
  // 0 (its filter delay is compensated), so only the length needs fixing: it writes at most
  // n_out samples and the rest stay 0.
  const int error = src_simple(&data, SRC_SINC_BEST_QUALITY, 1);
  if (error != 0) throw std::runtime_error(std::string("libsamplerate: ") + src_strerror(error));
  return out;
}

}  // namespace vaesweep::audio
