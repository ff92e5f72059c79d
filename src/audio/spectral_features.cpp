#include "audio/spectral_features.hpp"

#include <algorithm>
#include <cmath>
#include <limits>
#include <string>

#include "audio/librosa_numerics.hpp"
#include "util/error.hpp"

namespace vaesweep::audio {
namespace {



void check_framing(const char* what, int frame_length, int hop_length) {
  if (frame_length < 1) bad_param(what, "frame_length", std::to_string(frame_length), ">= 1");
  if (hop_length < 1) bad_param(what, "hop_length", std::to_string(hop_length), ">= 1");
}

// librosa.util.frame: 1 + (n - frame_length) / hop_length frames; it refuses a signal
// shorter than one frame.
Eigen::Index frames_of(std::size_t n, int frame_length, int hop_length, const char* what) {
  if (n < static_cast<std::size_t>(frame_length)) {
    throw UserError(std::string(what) + ": signal of " + std::to_string(n) + " samples (after padding) is shorter than frame_length = " +
                    std::to_string(frame_length));
  }
  return static_cast<Eigen::Index>(1 + (n - static_cast<std::size_t>(frame_length)) / static_cast<std::size_t>(hop_length));
}

void check_rows(const Eigen::MatrixXd& S, const char* what) {
  if (S.rows() < 2) throw UserError(std::string(what) + ": spectrogram of " + std::to_string(S.rows()) + " rows, expected >= 2");
}

// librosa.fft_frequencies for the n_fft that S implies: k * sr / (2 (rows - 1)).
Eigen::VectorXd bin_frequencies(Eigen::Index rows, int sample_rate) {
  return Eigen::VectorXd::LinSpaced(rows, 0.0, static_cast<double>(rows - 1)) * (sample_rate / (2.0 * static_cast<double>(rows - 1)));
}

}  // namespace

void validate(const RmsParams& p) {
  check_framing("rms", p.frame_length, p.hop_length);
  if (p.pad_mode != PadMode::reflect && p.pad_mode != PadMode::constant) bad_param("rms", "pad_mode", "?", "reflect or constant");
}

void validate(const ZeroCrossingParams& p) {
  check_framing("zero_crossing_rate", p.frame_length, p.hop_length);
  if (!(p.threshold >= 0.0) || !std::isfinite(p.threshold)) bad_param("zero_crossing_rate", "threshold", param_text(p.threshold), "a finite value >= 0");
}

void validate(const SpectralShapeParams& p) {
  if (p.sample_rate <= 0) bad_param("spectral shape", "sample_rate", std::to_string(p.sample_rate), "> 0");
  if (!(p.bandwidth_p > 0.0) || !std::isfinite(p.bandwidth_p)) bad_param("spectral shape", "bandwidth_p", param_text(p.bandwidth_p), "a finite value > 0");
  if (!(p.roll_percent > 0.0 && p.roll_percent < 1.0)) bad_param("spectral shape", "roll_percent", param_text(p.roll_percent), "a value in (0, 1)");
}

Eigen::RowVectorXd rms(const std::vector<float>& y, const RmsParams& p) {
  validate(p);
  if (y.empty()) throw UserError("rms: empty signal");
  const std::vector<double> x = p.center ? pad_signal(y, p.frame_length / 2, p.pad_mode) : std::vector<double>(y.begin(), y.end());
  const Eigen::Index n_frames = frames_of(x.size(), p.frame_length, p.hop_length, "rms");
  Eigen::RowVectorXd out(n_frames);
  for (Eigen::Index t = 0; t < n_frames; ++t) {
    const double* frame = x.data() + static_cast<std::size_t>(t) * static_cast<std::size_t>(p.hop_length);
    out(t) = std::sqrt(Eigen::Map<const Eigen::VectorXd>(frame, p.frame_length).squaredNorm() / p.frame_length);
  }
  return out;
}

Eigen::RowVectorXd zero_crossing_rate(const std::vector<float>& y, const ZeroCrossingParams& p) {
  validate(p);
  if (y.empty()) throw UserError("zero_crossing_rate: empty signal");
  const std::size_t pad = p.center ? static_cast<std::size_t>(p.frame_length / 2) : 0;
  // librosa.zero_crossings: when threshold > 0, values with |y| <= threshold are set to +0;
  // the sign is then numpy.signbit (so -0.0 is negative when threshold = 0). Padding mode
  // 'edge' repeats the end samples.
  std::vector<unsigned char> negative(y.size() + 2 * pad);
  for (std::size_t i = 0; i < negative.size(); ++i) {
    const double v = y[i < pad ? 0 : std::min(i - pad, y.size() - 1)];
    negative[i] = (p.threshold > 0.0 && std::abs(v) <= p.threshold) ? 0 : std::signbit(v);
  }
  const Eigen::Index n_frames = frames_of(negative.size(), p.frame_length, p.hop_length, "zero_crossing_rate");
  // crossings_before[i]: sign changes between consecutive samples among the first i samples.
  std::vector<long> crossings_before(negative.size() + 1, 0);
  for (std::size_t i = 1; i < negative.size(); ++i) crossings_before[i + 1] = crossings_before[i] + (negative[i] != negative[i - 1]);
  Eigen::RowVectorXd out(n_frames);
  for (Eigen::Index t = 0; t < n_frames; ++t) {
    // pad=False: the frame's first sample has no predecessor inside the frame, so changes
    // are counted between samples start..start + frame_length - 1 only.
    const std::size_t start = static_cast<std::size_t>(t) * static_cast<std::size_t>(p.hop_length);
    const long count = crossings_before[start + static_cast<std::size_t>(p.frame_length)] - crossings_before[start + 1];
    out(t) = static_cast<double>(count) / p.frame_length;
  }
  return out;
}

Eigen::RowVectorXd spectral_centroid(const Eigen::MatrixXd& S, const SpectralShapeParams& p) {
  return spectral_shape(S, p).centroid;
}

Eigen::RowVectorXd spectral_bandwidth(const Eigen::MatrixXd& S, const SpectralShapeParams& p) {
  return spectral_shape(S, p).bandwidth;
}

Eigen::RowVectorXd spectral_rolloff(const Eigen::MatrixXd& S, const SpectralShapeParams& p) {
  return spectral_shape(S, p).rolloff;
}

namespace {

// spectral_shape of the magnitudes S, or of sqrt(S) when S holds power: column by column, so
// that each column is read from memory once (into cache) for all three features and its check.
SpectralShape shape_of_columns(const Eigen::MatrixXd& S, bool power, const SpectralShapeParams& p) {
  validate(p);
  check_rows(S, "spectral shape");
  const Eigen::Index rows = S.rows();
  const Eigen::VectorXd f = bin_frequencies(rows, p.sample_rate);
  Eigen::VectorXd magnitude(rows), cumulative(rows);
  SpectralShape out{Eigen::RowVectorXd(S.cols()), Eigen::RowVectorXd(S.cols()), Eigen::RowVectorXd(S.cols())};
  for (Eigen::Index t = 0; t < S.cols(); ++t) {
    // librosa refuses negative (and complex) spectrograms; NaN and Inf are errors at the edge.
    if (!((S.col(t).array() >= 0.0) && (S.col(t).array() <= std::numeric_limits<double>::max())).all()) {
      throw UserError(std::string("spectral shape: frame ") + std::to_string(t) + " is not a spectrogram (finite values >= 0 expected)");
    }
    if (power) {
      magnitude = S.col(t).cwiseSqrt();
    } else {
      magnitude = S.col(t);
    }
    const auto s = magnitude.array();
    // librosa.util.normalize(S, norm=1, axis=0): divide by the L1 norm unless it is below
    // float32's tiny (then by 1, so an all-zero frame gives centroid and bandwidth 0).
    double running = 0.0;
    for (Eigen::Index k = 0; k < rows; ++k) cumulative(k) = running += s(k);  // S >= 0: cumsum[-1] is the L1 norm
    const double inv = running < kFloat32Tiny ? 1.0 : 1.0 / running;
    const double centroid = (f.array() * s).sum() * inv;
    out.centroid(t) = centroid;
    // p = 2 (the default) without pow, which would be most of the cost.
    const double moment = p.bandwidth_p == 2.0 ? (s * (f.array() - centroid).square()).sum()
                                               : (s * (f.array() - centroid).abs().pow(p.bandwidth_p)).sum();
    out.bandwidth(t) = std::pow(moment * inv, 1.0 / p.bandwidth_p);
    // librosa: total_energy = cumsum along frequency, threshold = roll_percent *
    // total_energy[-1], the smallest frequency where total_energy >= threshold (S >= 0 makes
    // it monotone, so the first such bin; the last one always qualifies).
    const double threshold = p.roll_percent * running;
    Eigen::Index k = 0;
    while (k + 1 < rows && cumulative(k) < threshold) ++k;
    out.rolloff(t) = f(k);
  }
  return out;
}

}  // namespace

SpectralShape spectral_shape(const Eigen::MatrixXd& S, const SpectralShapeParams& p) { return shape_of_columns(S, false, p); }

SpectralShape spectral_shape_from_power(const Eigen::MatrixXd& power, const SpectralShapeParams& p) {
  return shape_of_columns(power, true, p);
}

}  // namespace vaesweep::audio
