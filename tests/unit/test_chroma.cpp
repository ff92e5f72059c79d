// Chroma and tuning (src/audio/chroma.hpp).
// Expected values are analytic, worked out in each test's comment; parity with librosa's
// published GTZAN chroma_stft columns is in test_librosa_preset_parity.cpp.
#include <gtest/gtest.h>

#include <cmath>
#include <numbers>
#include <vector>

#include "audio/chroma.hpp"
#include "audio/spectrogram.hpp"
#include "util/error.hpp"

namespace {

using namespace vaesweep::audio;

// 440 Hz detuned by `bins` semitones.
double detuned_a4(double bins) { return 440.0 * std::pow(2.0, bins / 12.0); }

std::vector<float> tone(double hz, double seconds, int sample_rate = 22050) {
  std::vector<float> y(static_cast<std::size_t>(seconds * sample_rate));
  for (std::size_t i = 0; i < y.size(); ++i) {
    y[i] = static_cast<float>(0.5 * std::sin(2.0 * std::numbers::pi * hz * static_cast<double>(i) / sample_rate));
  }
  return y;
}

TEST(AudioChroma, PitchTuningIsTheFullestHistogramBin) {
  // 12 log2(f / 27.5) mod 1 is the deviation from the A440 grid in semitones: 3 peaks at
  // +0.105 (one an octave up: same residual) and 2 at -0.205 put the mode in bin [0.10, 0.11),
  // whose left edge is returned.
  const std::vector<double> f{detuned_a4(0.105), detuned_a4(0.105), 2.0 * detuned_a4(0.105), detuned_a4(-0.205), detuned_a4(-0.205)};
  EXPECT_NEAR(pitch_tuning(f), 0.10, 1e-12);
  // resolution 0.1: bins of width 0.1, the mode [0.1, 0.2).
  EXPECT_NEAR(pitch_tuning(f, 0.1), 0.1, 1e-12);
  // A residual of 0.955 is -0.045 from the next tone: bin [-0.05, -0.04).
  EXPECT_NEAR(pitch_tuning({detuned_a4(-0.045)}), -0.05, 1e-12);
  // Exactly on the grid: bin [0, 0.01).
  EXPECT_NEAR(pitch_tuning({440.0, 27.5}), 0.0, 1e-12);
  // Nothing positive to go by: 0 (librosa warns and returns 0).
  EXPECT_EQ(pitch_tuning({}), 0.0);
  EXPECT_EQ(pitch_tuning({0.0, -5.0}), 0.0);
}

TEST(AudioChroma, EstimateTuningOfADetunedTone) {
  // A tone 0.25 (or -0.3) semitone off A440 estimates that tuning within the 0.01 resolution
  // (the left edge of the bin holding the deviation). n_fft = 16384 (1.35 Hz bins, 5 cents at
  // 440 Hz): piptrack's parabolic interpolation of a Hann-windowed power spectrum is biased
  // by up to about a tenth of a bin, i.e. 0.04 semitone with 2048-point bins at 440 Hz.
  for (double bins : {0.25, -0.3, 0.0}) {
    SpectralParams stft;
    stft.n_fft = 16384;
    stft.hop_length = 4096;
    const Eigen::MatrixXd S = power_spectrogram(tone(detuned_a4(bins), 3.0), stft);
    TuningParams p;
    p.piptrack.n_fft = 16384;
    EXPECT_NEAR(estimate_tuning(S, p), bins, 0.01 + 1e-9) << bins;
  }
}

TEST(AudioChroma, PiptrackInterpolatesTheParabolaVertex) {
  // sr 1600, n_fft 16: bins every 100 Hz, fmax clipped to 800 Hz, fmin 150 Hz.
  // Frame 0: S = 1, 4, 3 at bins 3, 4, 5: the parabola through them peaks at
  //   shift = ((3 - 1) / 2) / (2 * 4 - 3 - 1) = 0.25 -> 425 Hz, height 4 + (3 - 1) / 4 * 0.25.
  // Frame 1: 5 at bin 2 (200 Hz, symmetric neighbours: no shift); 0.4 at bin 5 is below
  //   0.1 * max = 0.5, so no peak.
  // Frame 2: a peak at bin 1 (100 Hz) is below fmin. Frame 3: silence, no peak.
  Eigen::MatrixXd S = Eigen::MatrixXd::Zero(9, 4);
  S(3, 0) = 1.0;
  S(4, 0) = 4.0;
  S(5, 0) = 3.0;
  S(2, 1) = 5.0;
  S(5, 1) = 0.4;
  S(1, 2) = 5.0;
  PiptrackParams p;
  p.sample_rate = 1600;
  p.n_fft = 16;
  const Pitches pitches = piptrack(S, p);
  EXPECT_DOUBLE_EQ(pitches.frequency(4, 0), 425.0);
  EXPECT_DOUBLE_EQ(pitches.magnitude(4, 0), 4.125);
  EXPECT_DOUBLE_EQ(pitches.frequency(2, 1), 200.0);
  EXPECT_DOUBLE_EQ(pitches.magnitude(2, 1), 5.0);
  // Nothing else is a peak.
  EXPECT_EQ((pitches.frequency.array() > 0.0).count(), 2);
  EXPECT_EQ((pitches.magnitude.array() != 0.0).count(), 2);
}

TEST(AudioChroma, FilterbankColumnsAndRolls) {
  // Without octave weighting every FFT bin's column has unit L2 norm; base_c only rolls the
  // rows by 3 (A first -> C first); raising the tuning by one whole chroma bin moves every
  // FFT bin one chroma down: row c of the tuned bank is row c + 1 of the untuned one.
  ChromaParams p;
  p.octwidth = 0.0;
  const Eigen::MatrixXd fb = chroma_filterbank(p, 0.0);
  ASSERT_EQ(fb.rows(), 12);
  ASSERT_EQ(fb.cols(), 1025);
  for (Eigen::Index k = 0; k < fb.cols(); ++k) EXPECT_NEAR(fb.col(k).norm(), 1.0, 1e-12) << k;
  ChromaParams a_first = p;
  a_first.base_c = false;
  const Eigen::MatrixXd fb_a = chroma_filterbank(a_first, 0.0);
  const Eigen::MatrixXd fb_up = chroma_filterbank(p, 1.0);
  for (int c = 0; c < 12; ++c) {
    EXPECT_TRUE(fb.row(c).isApprox(fb_a.row((c + 3) % 12), 1e-15)) << c;
    EXPECT_TRUE(fb_up.row(c).isApprox(fb.row((c + 1) % 12), 1e-9)) << c;
  }
  // The default octave weighting (a Gaussian around 5 octaves above 27.5 Hz) only scales columns.
  const Eigen::MatrixXd weighted = chroma_filterbank(ChromaParams{}, 0.0);
  for (Eigen::Index k : {1, 40, 400, 1024}) {
    const double scale = weighted(0, k) / fb(0, k);
    EXPECT_TRUE(weighted.col(k).isApprox(scale * fb.col(k), 1e-12)) << k;
  }
}

TEST(AudioChroma, ChromaOfAnA4ToneIsA) {
  // A4 maps to chroma index 9 when C is first (C C# D D# E F F# G G# A A# B), 0 when A is.
  // Each frame is divided by its maximum (so its maximum is 1); the silent frames of the
  // second half stay all 0.
  std::vector<float> y = tone(440.0, 2.0);
  std::fill(y.begin() + 22050, y.end(), 0.0f);
  const Eigen::MatrixXd power = power_spectrogram(y, SpectralParams{});
  const Eigen::MatrixXd chroma = chroma_stft(power);
  ASSERT_EQ(chroma.rows(), 12);
  ASSERT_EQ(chroma.cols(), power.cols());
  for (Eigen::Index t = 2; t < 38; ++t) {
    Eigen::Index arg = -1;
    EXPECT_DOUBLE_EQ(chroma.col(t).maxCoeff(&arg), 1.0) << t;
    EXPECT_EQ(arg, 9) << t;
  }
  for (Eigen::Index t = 48; t < chroma.cols(); ++t) EXPECT_EQ(chroma.col(t).cwiseAbs().maxCoeff(), 0.0) << t;
  ChromaParams a_first;
  a_first.base_c = false;
  a_first.tuning = 0.0;
  Eigen::Index arg = -1;
  chroma_stft(power, a_first).col(10).maxCoeff(&arg);
  EXPECT_EQ(arg, 0);
}

TEST(AudioChroma, InvalidInputIsAUserError) {
  const Eigen::MatrixXd S = Eigen::MatrixXd::Ones(1025, 3);
  ChromaParams c;
  c.n_chroma = 0;
  EXPECT_THROW(chroma_stft(S, c), vaesweep::UserError);
  c = ChromaParams{};
  c.octwidth = -1.0;
  EXPECT_THROW(chroma_filterbank(c, 0.0), vaesweep::UserError);
  EXPECT_THROW(chroma_filterbank(ChromaParams{}, std::nan("")), vaesweep::UserError);
  EXPECT_THROW(chroma_stft(Eigen::MatrixXd::Ones(1024, 3)), vaesweep::UserError);  // not 1 + n_fft/2 rows
  EXPECT_THROW(chroma_stft(-S), vaesweep::UserError);
  TuningParams t;
  t.resolution = 0.0;
  EXPECT_THROW(estimate_tuning(S, t), vaesweep::UserError);
  PiptrackParams p;
  p.fmax = 100.0;  // below fmin
  EXPECT_THROW(piptrack(S, p), vaesweep::UserError);
  EXPECT_THROW(pitch_tuning({440.0}, 1.5), vaesweep::UserError);
}

}  // namespace
