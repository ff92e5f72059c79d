#pragma once
// Spectral features with librosa parity: STFT power spectrogram, mel filterbank, power_to_db
// and MFCC, computed in double precision (librosa computes in float32, so results agree to
// about float32 precision).
//
// The defaults of SpectralParams are librosa's: librosa.feature.mfcc(y, sr=22050, n_mfcc=20)
// is mfcc(y, 20, SpectralParams{}). The pieces, as in librosa:
//   frames   centred: y is padded by n_fft/2 on both sides (pad_mode: 'reflect' as in librosa
//            < 0.10, which produced the published GTZAN features; 'constant' (zeros) as in
//            librosa >= 0.10), frame t starts at t * hop_length of the padded signal, and
//            there are 1 + (len(y) + 2 (n_fft/2) - n_fft) / hop_length frames (integer
//            division; 1 + len(y) / hop_length for an even n_fft);
//   window   periodic Hann of length n_fft (scipy.signal.get_window('hann', n_fft));
//   power    |rfft(window * frame)|^2, (1 + n_fft/2) bins;
//   mel      filters.mel(sr, n_fft, n_mels, fmin, fmax, htk, norm='slaney'): triangles on the
//            Slaney (or HTK) mel scale, each scaled by 2 / (upper - lower edge in Hz);
//   dB       10 log10(max(amin, S)) (ref = 1), then floored at max - top_db;
//   mfcc     DCT-II with orthonormal scaling (scipy.fftpack.dct(type=2, norm='ortho')) of
//            the dB mel spectrogram along the mel axis, first n_mfcc rows (no liftering).
//
// All functions are thread-safe. One FFTW r2c plan per n_fft is created (under a mutex) on
// first use and reused for every frame and every call.
#include <array>
#include <cstddef>
#include <string>
#include <vector>

#include <Eigen/Dense>

#include "util/named.hpp"

namespace vaesweep::audio {

// How centred frames are padded at the signal's ends.
enum class PadMode {
  reflect,   // numpy.pad(mode='reflect'): mirror without repeating the edge sample
  constant,  // zeros
};
inline constexpr std::array<Named<PadMode>, 2> kPadModeNames = {{{PadMode::reflect, "reflect"}, {PadMode::constant, "constant"}}};
// A name of kPadModeNames; anything else throws vaesweep::UserError listing them.
PadMode parse_pad_mode(const std::string& name);
std::string to_string(PadMode mode);

struct SpectralParams {
  int sample_rate = 22050;  // Hz, of the signal given
  int n_fft = 2048;         // FFT and window length, >= 2
  int hop_length = 512;     // samples between frame starts, >= 1
  int n_mels = 128;         // mel bands, >= 1
  double fmin = 0.0;        // Hz, lowest mel edge, >= 0
  double fmax = 0.0;        // Hz, highest mel edge; 0 means sample_rate / 2
  bool htk = false;         // mel scale: false = Slaney (librosa's default), true = HTK
  double top_db = 80.0;     // power_to_db floor below the maximum, >= 0; +infinity: no floor
  double amin = 1e-10;      // power_to_db floor on power, > 0
  PadMode pad_mode = PadMode::reflect;  // see above; reflect reproduces the GTZAN table
};

// Throws vaesweep::UserError naming the first invalid field, its value and what is expected.
// Every function below calls it.
void validate(const SpectralParams& p);

// Number of centred frames for a signal of n >= 1 samples (see above).
int frame_count(std::size_t n_samples, const SpectralParams& p);

// y padded by `pad` >= 0 samples on each side as numpy.pad(y, pad, mode) does ('reflect':
// repeated reflection when pad >= len(y), as numpy does; a single sample is repeated). y must
// not be empty (std::invalid_argument).
std::vector<double> pad_signal(const std::vector<float>& y, int pad, PadMode mode);

// Mel scale conversions (librosa.hz_to_mel / mel_to_hz).
double hz_to_mel(double hz, bool htk);
double mel_to_hz(double mel, bool htk);

// (1 + n_fft/2) x frames. y must not be empty (std::invalid_argument).
Eigen::MatrixXd power_spectrogram(const std::vector<float>& y, const SpectralParams& p);

// n_mels x (1 + n_fft/2), Slaney normalisation (librosa.filters.mel(..., norm='slaney')).
Eigen::MatrixXd mel_filterbank(const SpectralParams& p);

// n_mels x frames: mel_filterbank(p) * power_spectrogram(y, p), without materialising the
// power spectrogram (the filterbank is applied band by band).
Eigen::MatrixXd mel_spectrogram(const std::vector<float>& y, const SpectralParams& p);

// n_mels x frames: mel_filterbank(p) * power for a precomputed (1 + n_fft/2) x frames power
// spectrogram (e.g. power_spectrogram(y, p), shared with other features); the same banded
// arithmetic as mel_spectrogram(y, p), hence the same values. Wrong row count:
// std::invalid_argument.
Eigen::MatrixXd mel_spectrogram_from_power(const Eigen::MatrixXd& power, const SpectralParams& p);

// librosa.power_to_db(S, ref=1.0, amin, top_db). amin must be > 0 and top_db >= 0
// (std::invalid_argument otherwise); top_db = +infinity disables the floor.
Eigen::MatrixXd power_to_db(const Eigen::MatrixXd& S, double amin, double top_db);

// n_out x n_in matrix D with D * x = scipy.fftpack.dct(x, type=2, norm='ortho')[:n_out].
// 1 <= n_out <= n_in (std::invalid_argument otherwise).
Eigen::MatrixXd dct2_ortho_matrix(int n_out, int n_in);

// n_mfcc x frames: librosa.feature.mfcc(y, sr, n_mfcc, dct_type=2, norm='ortho', lifter=0)
// with the spectral parameters p. 1 <= n_mfcc <= n_mels (vaesweep::UserError otherwise).
Eigen::MatrixXd mfcc(const std::vector<float>& y, int n_mfcc, const SpectralParams& p);

// mfcc(y, n_mfcc, p) from power = power_spectrogram(y, p) computed once by the caller.
Eigen::MatrixXd mfcc_from_power(const Eigen::MatrixXd& power, int n_mfcc, const SpectralParams& p);

}  // namespace vaesweep::audio
