#include "audio/librosa_preset.hpp"

#include <algorithm>
#include <cmath>
#include <string>

#include "audio/chroma.hpp"
#include "audio/spectral_features.hpp"
#include "audio/spectrogram.hpp"
#include "util/error.hpp"

namespace vaesweep::audio {
namespace {

constexpr int kMelBands = 128;  // librosa's default n_mels: the upper bound of n_mfcc

void check_n_mfcc(int n_mfcc) {
  if (n_mfcc < 1 || n_mfcc > kMelBands) {
    throw UserError("n_mfcc = " + std::to_string(n_mfcc) + ": expected 1 <= n_mfcc <= " + std::to_string(kMelBands));
  }
}

// Mean and population variance (numpy's var, ddof = 0) over all entries, two passes.
void append_mean_var(const Eigen::ArrayXXd& x, Eigen::VectorXd& out, Eigen::Index& at) {
  const double mean = x.mean();
  out(at++) = mean;
  out(at++) = (x - mean).square().mean();
}

}  // namespace

std::vector<std::string> librosa_preset_feature_names(int n_mfcc) {
  check_n_mfcc(n_mfcc);
  std::vector<std::string> names;
  for (const char* family : {"chroma_stft", "rms", "spectral_centroid", "spectral_bandwidth", "rolloff", "zero_crossing_rate"}) {
    names.push_back(std::string(family) + "_mean");
    names.push_back(std::string(family) + "_var");
  }
  for (int k = 1; k <= n_mfcc; ++k) {
    names.push_back("mfcc" + std::to_string(k) + "_mean");
    names.push_back("mfcc" + std::to_string(k) + "_var");
  }
  return names;
}

Eigen::VectorXd librosa_preset_features(const std::vector<float>& y, int sample_rate, int n_mfcc) {
  check_n_mfcc(n_mfcc);
  if (y.empty()) throw UserError("librosa preset features of an empty signal");
  if (sample_rate <= 0) throw UserError("sample_rate = " + std::to_string(sample_rate) + ": expected > 0");
  if (!std::all_of(y.begin(), y.end(), [](float v) { return std::isfinite(v); })) {
    throw UserError("librosa preset features: the signal holds a NaN or infinite sample");
  }

  SpectralParams stft;  // librosa's defaults, reflect padding
  stft.sample_rate = sample_rate;
  const Eigen::MatrixXd power = power_spectrogram(y, stft);

  ChromaParams chroma;
  chroma.sample_rate = sample_rate;
  chroma.n_fft = stft.n_fft;
  SpectralShapeParams shape;
  shape.sample_rate = sample_rate;
  RmsParams rms_params;
  rms_params.frame_length = stft.n_fft;
  rms_params.hop_length = stft.hop_length;
  ZeroCrossingParams zcr_params;
  zcr_params.frame_length = stft.n_fft;
  zcr_params.hop_length = stft.hop_length;

  Eigen::VectorXd out(12 + 2 * n_mfcc);
  Eigen::Index at = 0;
  append_mean_var(chroma_stft(power, chroma).array(), out, at);
  append_mean_var(rms(y, rms_params).array(), out, at);
  const SpectralShape spectral = spectral_shape_from_power(power, shape);  // magnitude = sqrt(power)
  append_mean_var(spectral.centroid.array(), out, at);
  append_mean_var(spectral.bandwidth.array(), out, at);
  append_mean_var(spectral.rolloff.array(), out, at);
  append_mean_var(zero_crossing_rate(y, zcr_params).array(), out, at);
  const Eigen::MatrixXd m = mfcc_from_power(power, n_mfcc, stft);
  for (int k = 0; k < n_mfcc; ++k) append_mean_var(m.row(k).array(), out, at);
  return out;
}

}  // namespace vaesweep::audio
