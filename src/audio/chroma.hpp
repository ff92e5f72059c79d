#pragma once
// Chromagram from a power spectrogram with librosa (0.7/0.8) parity:
// librosa.feature.chroma_stft(y, sr) = normalize_inf(chroma_filterbank(tuning) * |STFT|^2),
// tuning = estimate_tuning(|STFT|^2) (piptrack peaks, then a histogram of their deviation
// from the equal-tempered A440 grid). Computed in double where librosa uses float32; the
// tuning is quantised to the histogram's resolution, so a peak whose float32 deviation lands
// on the other side of a bin edge could move it by one step (0.01 semitone by default; on
// the 8 GTZAN clips of the parity test the estimates agree, chroma to 1e-7).
#include <optional>
#include <vector>

#include <Eigen/Dense>

namespace vaesweep::audio {

// librosa.core.piptrack(S=S, sr, n_fft, fmin, fmax, threshold) with ref = max per frame.
struct PiptrackParams {
  int sample_rate = 22050;  // Hz, > 0
  int n_fft = 2048;         // the STFT's; S must have 1 + n_fft/2 rows
  double fmin = 150.0;      // Hz, lowest peak frequency (inclusive), >= 0
  double fmax = 4000.0;     // Hz, highest (exclusive), > fmin; clipped to sample_rate / 2
  double threshold = 0.1;   // a peak must exceed threshold * the frame's maximum, in [0, 1]
};

// librosa.estimate_tuning(S=S, sr, n_fft, resolution, bins_per_octave) / pitch_tuning.
struct TuningParams {
  PiptrackParams piptrack;
  double resolution = 0.01;  // histogram step in fractions of a bin, in (0, 1)
  int bins_per_octave = 12;  // >= 1
};

// librosa.filters.chroma(sr, n_fft, n_chroma, tuning, ctroct, octwidth, norm=2, base_c) and
// librosa.feature.chroma_stft(S=..., tuning, norm=inf).
struct ChromaParams {
  int sample_rate = 22050;  // Hz, > 0
  int n_fft = 2048;         // the STFT's, >= 2; the power spectrogram has 1 + n_fft/2 rows
  int n_chroma = 12;        // chroma bins per octave, >= 1
  double ctroct = 5.0;      // centre of the octave weighting, in octaves above A440/16 = 27.5 Hz
  double octwidth = 2.0;    // its Gaussian half-width in octaves, > 0; 0: no octave weighting
                            // (librosa's octwidth=None)
  bool base_c = true;       // row 0 is C (else A)
  std::optional<double> tuning;  // in fractions of a chroma bin; nullopt: estimate_tuning on
                                 // the power spectrogram, bins_per_octave = n_chroma (librosa's
                                 // tuning=None)
};

// Each throws vaesweep::UserError naming the first invalid field, its value and what is
// expected. The functions below call them.
void validate(const PiptrackParams& p);
void validate(const TuningParams& p);
void validate(const ChromaParams& p);

struct Pitches {
  Eigen::MatrixXd frequency;  // same shape as S: the interpolated peak frequency in Hz, 0 off peaks
  Eigen::MatrixXd magnitude;  // the interpolated peak height (S + skew), 0 off peaks
};

// Peaks of each frame of S (local maxima along frequency of S * (S > threshold * max of the
// frame), restricted to fmin <= f_k < fmax), refined by parabolic interpolation over the
// neighbouring bins: shift = (S[k+1] - S[k-1]) / 2 / (2 S[k] - S[k+1] - S[k-1]),
// frequency = (k + shift) sr / n_fft, magnitude = S[k] + (S[k+1] - S[k-1]) shift / 4.
// S: (1 + n_fft/2) x frames, finite and >= 0 (vaesweep::UserError otherwise).
Pitches piptrack(const Eigen::MatrixXd& S, const PiptrackParams& p = {});

// The most populated deviation from the equal-tempered grid (A440 based) among frequencies
// > 0: residual = 12 log2(f / 27.5) mod 1 moved into [-0.5, 0.5), histogram with edges
// linspace(-0.5, 0.5, ceil(1 / resolution) + 1) (numpy.histogram; ties: the lowest bin),
// the left edge of the winning bin. No positive frequency: 0.
double pitch_tuning(const std::vector<double>& frequencies, double resolution = 0.01, int bins_per_octave = 12);

// pitch_tuning of the piptrack peaks whose magnitude is >= the median peak magnitude.
double estimate_tuning(const Eigen::MatrixXd& S, const TuningParams& p = {});

// n_chroma x (1 + n_fft/2) filterbank for a tuning (in fractions of a chroma bin): Gaussian
// bumps in octave space per FFT bin (width 2x narrower than the bin spacing in chroma bins,
// at least 1), each FFT bin's column L2-normalised, weighted by a Gaussian in octaves around
// ctroct, rows rolled by 3 (n_chroma / 12) so that C comes first when base_c.
Eigen::MatrixXd chroma_filterbank(const ChromaParams& p, double tuning);

// n_chroma x frames: chroma_filterbank * power, each frame divided by its maximum (a frame
// whose maximum is below float32's smallest normal number is left as it is, as
// librosa.util.normalize does). power: (1 + n_fft/2) x frames, |STFT|^2.
Eigen::MatrixXd chroma_stft(const Eigen::MatrixXd& power, const ChromaParams& p = {});

}  // namespace vaesweep::audio
