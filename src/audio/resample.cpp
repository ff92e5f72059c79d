#include "audio/resample.hpp"

#include <samplerate.h>
#include <soxr.h>

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <stdexcept>
#include <string>

#include "util/error.hpp"

namespace vaesweep::audio {
namespace {

std::vector<float> resample_sinc_best(const std::vector<float>& y, double ratio, std::vector<float> out) {
  SRC_DATA data{};
  data.data_in = y.data();
  data.input_frames = static_cast<long>(y.size());
  data.data_out = out.data();
  data.output_frames = static_cast<long>(out.size());
  data.end_of_input = 1;
  data.src_ratio = ratio;
  // One call converts the whole signal; libsamplerate aligns output sample 0 with input sample
  // 0 (its filter delay is compensated), so only the length needs fixing: it writes at most
  // out.size() samples and the rest stay 0.
  const int error = src_simple(&data, SRC_SINC_BEST_QUALITY, 1);
  if (error != 0) throw std::runtime_error(std::string("libsamplerate: ") + src_strerror(error));
  return out;
}

std::vector<float> resample_soxr(const std::vector<float>& y, int from_rate, int to_rate, unsigned long quality,
                                 std::vector<float> out) {
  // soxr_oneshot flushes the filter at the end of the input and, like python-soxr (librosa's
  // soxr_hq), returns output aligned with the input; it writes at most out.size() samples.
  const soxr_io_spec_t io = soxr_io_spec(SOXR_FLOAT32_I, SOXR_FLOAT32_I);
  const soxr_quality_spec_t q = soxr_quality_spec(quality, 0);
  // One thread: extraction already runs one file per thread.
  const soxr_runtime_spec_t runtime = soxr_runtime_spec(1);
  std::size_t done = 0;
  const soxr_error_t error = soxr_oneshot(from_rate, to_rate, 1, y.data(), y.size(), nullptr, out.data(), out.size(),
                                          &done, &io, &q, &runtime);
  if (error != nullptr) throw std::runtime_error(std::string("libsoxr: ") + error);
  return out;
}

}  // namespace

Resampler parse_resampler(const std::string& name) {
  return parse_named(kResamplerNames, name, "resampler (features.resample)");
}

std::string to_string(Resampler r) { return name_of(kResamplerNames, r); }

std::vector<float> resample(const std::vector<float>& y, int from_rate, int to_rate, Resampler resampler) {
  if (from_rate <= 0 || to_rate <= 0) {
    throw UserError("resample: sample rates must be > 0, got " + std::to_string(from_rate) + " -> " + std::to_string(to_rate) + " Hz");
  }
  const double ratio = static_cast<double>(to_rate) / from_rate;
  if (!src_is_valid_ratio(ratio)) {
    throw UserError("resample: ratio " + std::to_string(to_rate) + " / " + std::to_string(from_rate) +
                    " Hz is outside [1/256, 256]");
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
  switch (resampler) {
    case Resampler::soxr_hq: return resample_soxr(y, from_rate, to_rate, SOXR_HQ, std::move(out));
    case Resampler::soxr_vhq: return resample_soxr(y, from_rate, to_rate, SOXR_VHQ, std::move(out));
    case Resampler::sinc_best: return resample_sinc_best(y, ratio, std::move(out));
  }
  VAESWEEP_ASSERT(false, "unhandled resampler");
}

}  // namespace vaesweep::audio
