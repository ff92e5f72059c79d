#pragma once
// Per-frame time-domain and spectral-shape features with librosa (0.7/0.8) parity, the ones
// of the published GTZAN feature table: rms, zero_crossing_rate, spectral_centroid,
// spectral_bandwidth and spectral_rolloff. Each returns one value per frame (1 x frames).
//
// The time-domain features frame y themselves (librosa.util.frame, frame t starting at
// t * hop_length of the padded signal); the spectral ones take a magnitude spectrogram
// S = |STFT| ((1 + n_fft/2) x frames, e.g. power_spectrogram(y, p).cwiseSqrt()), as librosa
// does when given S, so that one STFT serves every feature.
//
// librosa computes in float32, these in double: values agree to about float32 precision, and
// the rolloff (a bin frequency) of a frame can differ by one bin where the float32 cumulative
// sum lands on the other side of the threshold.
#include <vector>

#include <Eigen/Dense>

#include "audio/spectrogram.hpp"

namespace vaesweep::audio {

// librosa.feature.rms(y, frame_length, hop_length, center, pad_mode).
struct RmsParams {
  int frame_length = 2048;              // samples per frame, >= 1
  int hop_length = 512;                 // samples between frame starts, >= 1
  bool center = true;                   // pad y by frame_length / 2 on both sides
  PadMode pad_mode = PadMode::reflect;  // librosa's default for rms
};

// librosa.feature.zero_crossing_rate(y, frame_length, hop_length, center) with
// librosa.zero_crossings' defaults (threshold 1e-10, zero_pos=True, pad=False). librosa always
// pads with mode 'edge' here (repeat the end samples), whatever the STFT's pad mode.
struct ZeroCrossingParams {
  int frame_length = 2048;  // samples per frame, >= 1
  int hop_length = 512;     // samples between frame starts, >= 1
  bool center = true;       // pad y by frame_length / 2 on both sides, mode 'edge'
  double threshold = 1e-10; // |y| <= threshold counts as 0 (positive), >= 0
};

// librosa.feature.spectral_centroid / spectral_bandwidth / spectral_rolloff given S.
// The bin frequencies are librosa.fft_frequencies(sr, n_fft) with n_fft = 2 (rows - 1), as
// librosa infers it from S: f_k = k sr / n_fft.
struct SpectralShapeParams {
  int sample_rate = 22050;     // Hz, > 0
  double bandwidth_p = 2.0;    // spectral_bandwidth's p, > 0 (p = 2: a standard deviation)
  double roll_percent = 0.85;  // spectral_rolloff's fraction of the frame's total, in (0, 1)
};

// Each throws vaesweep::UserError naming the first invalid field, its value and what is
// expected. The functions below call them.
void validate(const RmsParams& p);
void validate(const ZeroCrossingParams& p);
void validate(const SpectralShapeParams& p);

// sqrt(mean(frame^2)) per frame. Frames: 1 + (len(padded y) - frame_length) / hop_length;
// y (after padding) must hold at least one frame (vaesweep::UserError otherwise).
Eigen::RowVectorXd rms(const std::vector<float>& y, const RmsParams& p = {});

// Fraction of the frame_length entries of each frame where the sign (|y| <= threshold counts
// as positive) differs from the previous sample's; a frame's first entry never counts
// (pad=False). Same framing and length rule as rms.
Eigen::RowVectorXd zero_crossing_rate(const std::vector<float>& y, const ZeroCrossingParams& p = {});

// sum_k f_k S_k / sum_k S_k per frame (a frame whose L1 norm is below float32's smallest
// normal number is not normalised, as librosa.util.normalize does: an all-zero frame gives 0).
// S: magnitudes >= 0, at least 2 rows (vaesweep::UserError otherwise).
Eigen::RowVectorXd spectral_centroid(const Eigen::MatrixXd& S, const SpectralShapeParams& p = {});

// (sum_k (S_k / sum_j S_j) |f_k - centroid|^p)^(1/p) per frame (norm=True), with the
// centroid above and the same rule for frames of near-zero norm.
Eigen::RowVectorXd spectral_bandwidth(const Eigen::MatrixXd& S, const SpectralShapeParams& p = {});

// Per frame the smallest f_k whose cumulative sum S_0 + ... + S_k reaches roll_percent times
// the frame's total (an all-zero frame gives 0).
Eigen::RowVectorXd spectral_rolloff(const Eigen::MatrixXd& S, const SpectralShapeParams& p = {});

// The three above in one pass over S (the same values).
struct SpectralShape {
  Eigen::RowVectorXd centroid, bandwidth, rolloff;
};
SpectralShape spectral_shape(const Eigen::MatrixXd& S, const SpectralShapeParams& p = {});

// The same for S = sqrt(power), taking the square roots frame by frame instead of
// materialising S: what the preset does with its power spectrogram.
SpectralShape spectral_shape_from_power(const Eigen::MatrixXd& power, const SpectralShapeParams& p = {});

}  // namespace vaesweep::audio
