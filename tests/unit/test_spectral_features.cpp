// Per-frame features (src/audio/spectral_features.hpp).
// Expected values are analytic, worked out in each test's comment; parity with librosa's
// published GTZAN table is in test_librosa_preset_parity.cpp.
#include <gtest/gtest.h>

#include <cmath>
#include <cstdint>
#include <numbers>
#include <random>
#include <vector>

#include "audio/spectral_features.hpp"
#include "audio/spectrogram.hpp"
#include "util/error.hpp"

namespace {

using namespace vaesweep::audio;

constexpr double kSr = 22050.0;

// amplitude * sin(2 pi k n / 2048 + phase): exactly k periods per 2048-sample frame.
std::vector<float> bin_sine(int k, double amplitude, std::size_t n, double phase = 0.0) {
  std::vector<float> y(n);
  for (std::size_t i = 0; i < n; ++i) {
    y[i] = static_cast<float>(amplitude * std::sin(2.0 * std::numbers::pi * k * static_cast<double>(i) / 2048.0 + phase));
  }
  return y;
}

TEST(AudioSpectralFeatures, PadSignalFollowsNumpyPad) {
  // numpy.pad([1, 2, 3], 2, 'reflect') = [3 2 1 2 3 2 1]; with pad 4 numpy reflects again:
  // [1 2 3 2 1 2 3 2 1 2 3]; a single sample is repeated: numpy.pad([5], 2, 'reflect') = [5]*5.
  EXPECT_EQ(pad_signal({1, 2, 3}, 2, PadMode::reflect), (std::vector<double>{3, 2, 1, 2, 3, 2, 1}));
  EXPECT_EQ(pad_signal({1, 2, 3}, 4, PadMode::reflect), (std::vector<double>{1, 2, 3, 2, 1, 2, 3, 2, 1, 2, 3}));
  EXPECT_EQ(pad_signal({5}, 2, PadMode::reflect), (std::vector<double>{5, 5, 5, 5, 5}));
  EXPECT_EQ(pad_signal({1, 2, 3}, 2, PadMode::constant), (std::vector<double>{0, 0, 1, 2, 3, 0, 0}));
}

TEST(AudioSpectralFeatures, RmsOfASineIsAmplitudeOverSqrtTwo) {
  // A frame holding exactly k whole periods has mean(sin^2) = 1/2 exactly, so rms = A / sqrt 2
  // in every frame clear of the padded ends; centred frames: 1 + n / hop of them.
  const std::vector<float> y = bin_sine(40, 0.6, 22050);
  const Eigen::RowVectorXd r = rms(y);
  ASSERT_EQ(r.size(), 1 + 22050 / 512);
  for (Eigen::Index t = 2; t < r.size() - 2; ++t) EXPECT_NEAR(r(t), 0.6 / std::sqrt(2.0), 1e-6) << t;
  RmsParams uncentred;
  uncentred.center = false;
  EXPECT_EQ(rms(y, uncentred).size(), 1 + (22050 - 2048) / 512);
}

TEST(AudioSpectralFeatures, RmsPaddingAtTheEnds) {
  // A constant c: reflect padding repeats c, so every frame has rms |c|; zero padding makes
  // frame 0 half zeros (1024 of its 2048 samples), so rms = |c| / sqrt 2 there.
  const std::vector<float> y(10000, -0.25f);
  const Eigen::RowVectorXd reflect = rms(y);
  for (Eigen::Index t = 0; t < reflect.size(); ++t) EXPECT_NEAR(reflect(t), 0.25, 1e-12) << t;
  RmsParams zeros;
  zeros.pad_mode = PadMode::constant;
  EXPECT_NEAR(rms(y, zeros)(0), 0.25 / std::sqrt(2.0), 1e-12);
}

TEST(AudioSpectralFeatures, ZeroCrossingRateOfASineIsTwiceItsFrequency) {
  // k whole periods per frame cross zero 2k times (the phase keeps samples off 0); the
  // frame's first sample has no predecessor (pad=False), so 2k - 1 or 2k of them count:
  // |zcr - 2 f / sr| <= 1 / 2048 with f = k sr / 2048.
  for (int k : {5, 40, 300}) {
    const Eigen::RowVectorXd z = zero_crossing_rate(bin_sine(k, 0.5, 22050, 0.3));
    ASSERT_EQ(z.size(), 1 + 22050 / 512);
    const double expected = 2.0 * (k * kSr / 2048.0) / kSr;
    for (Eigen::Index t = 2; t < z.size() - 2; ++t) EXPECT_NEAR(z(t), expected, 1.0 / 2048.0 + 1e-12) << k << " " << t;
  }
}

TEST(AudioSpectralFeatures, ZeroCrossingRatePadsWithTheEdgeSample) {
  // +1, -1, +1, ...: 2047 changes in an interior frame. Frame 0 with 'edge' padding holds
  // 1024 copies of y[0] then y[0..1023]: changes only between the 1024 signal samples, 1023.
  std::vector<float> y(8192);
  for (std::size_t i = 0; i < y.size(); ++i) y[i] = i % 2 == 0 ? 1.0f : -1.0f;
  const Eigen::RowVectorXd z = zero_crossing_rate(y);
  EXPECT_DOUBLE_EQ(z(0), 1023.0 / 2048.0);
  EXPECT_DOUBLE_EQ(z(8), 2047.0 / 2048.0);
  // |y| <= threshold counts as +0: an alternating 1e-11 signal never crosses; -0.0 is not negative.
  for (std::size_t i = 0; i < y.size(); ++i) y[i] = i % 2 == 0 ? 1e-11f : (i % 4 == 1 ? -1e-11f : -0.0f);
  EXPECT_EQ(zero_crossing_rate(y).maxCoeff(), 0.0);
  // threshold 0 zeroes nothing and numpy.signbit(-0.0) is true: 1e-11, -0.0, ... alternates.
  ZeroCrossingParams exact;
  exact.threshold = 0.0;
  for (std::size_t i = 0; i < y.size(); ++i) y[i] = i % 2 == 0 ? 1e-11f : -0.0f;
  EXPECT_DOUBLE_EQ(zero_crossing_rate(y, exact)(8), 2047.0 / 2048.0);
}

// Magnitude spectrogram of y with librosa's STFT defaults.
Eigen::MatrixXd magnitude(const std::vector<float>& y) { return power_spectrogram(y, SpectralParams{}).cwiseSqrt(); }

TEST(AudioSpectralFeatures, ShapeOfAToneAtABinCentre) {
  // A periodic-Hann windowed sine at bin k: magnitudes 1/4, 1/2, 1/4 (relative) in bins
  // k - 1, k, k + 1 and 0 elsewhere. Normalised: centroid f_k (symmetric), bandwidth
  // sqrt(2 * 1/4 * df^2) = df / sqrt 2 with df = sr / n_fft, and the cumulative sum reaches
  // 0.25, 0.75, 1: the 85% rolloff is f_(k+1). k = 512 (sr / 4) makes the samples 0, A, 0, -A
  // exactly: float32 rounding noise in every other bin would inflate the bandwidth, whose
  // weights (f - centroid)^2 reach 3e7 Hz^2 far from the tone.
  const int k = 512;
  const double df = kSr / 2048.0;
  std::vector<float> y(22050);
  for (std::size_t i = 0; i < y.size(); ++i) y[i] = i % 4 == 1 ? 0.5f : (i % 4 == 3 ? -0.5f : 0.0f);
  const Eigen::MatrixXd power = power_spectrogram(y, SpectralParams{});
  const Eigen::MatrixXd S = power.cwiseSqrt();
  const SpectralShape s = spectral_shape(S);
  for (Eigen::Index t = 4; t < s.centroid.size() - 4; ++t) {
    EXPECT_NEAR(s.centroid(t), k * df, 1e-6) << t;  // FFT rounding only
    EXPECT_NEAR(s.bandwidth(t), df / std::sqrt(2.0), 1e-6) << t;
    EXPECT_DOUBLE_EQ(s.rolloff(t), (k + 1) * df) << t;
  }
  // The single-feature functions give the same values.
  EXPECT_TRUE(spectral_centroid(S).isApprox(s.centroid));
  EXPECT_TRUE(spectral_bandwidth(S).isApprox(s.bandwidth));
  EXPECT_TRUE(spectral_rolloff(S).isApprox(s.rolloff));
  // ... and so does the shape of sqrt(power) taken frame by frame.
  const SpectralShape from_power = spectral_shape_from_power(power);
  EXPECT_TRUE(from_power.centroid.isApprox(s.centroid, 1e-15));
  EXPECT_TRUE(from_power.bandwidth.isApprox(s.bandwidth, 1e-15));
  EXPECT_EQ(from_power.rolloff, s.rolloff);
}

TEST(AudioSpectralFeatures, ShapeOfWhiteNoise) {
  // White noise has a flat expected magnitude spectrum over 0..sr/2: the normalised
  // spectrum is uniform, so the centroid is near sr/4, the bandwidth near the uniform
  // distribution's standard deviation (sr/2) / sqrt 12, and the cumulative sum is linear,
  // putting the 85% rolloff near 0.85 sr/2. Averaged over ~430 frames: within 1%.
  std::mt19937 rng(7);
  std::vector<float> y(220500);
  for (float& v : y) v = static_cast<float>(static_cast<double>(rng()) / 4294967296.0 - 0.5);
  const SpectralShape s = spectral_shape(magnitude(y));
  EXPECT_NEAR(s.centroid.mean(), kSr / 4.0, 0.01 * kSr / 4.0);
  EXPECT_NEAR(s.bandwidth.mean(), kSr / 2.0 / std::sqrt(12.0), 0.01 * kSr / 2.0 / std::sqrt(12.0));
  EXPECT_NEAR(s.rolloff.mean(), 0.85 * kSr / 2.0, 0.01 * 0.85 * kSr / 2.0);
}

TEST(AudioSpectralFeatures, HandMadeSpectrogram) {
  // 5 bins at sr = 8: f = 0, 1, 2, 3, 4 Hz (librosa.fft_frequencies(8, n_fft = 8)).
  // Frame 0: all mass at 3 Hz -> centroid 3, bandwidth 0, rolloff 3.
  // Frame 1: 1 at 1 Hz and 3 at 3 Hz -> centroid (1 + 9) / 4 = 2.5, bandwidth
  //          sqrt((1 * 1.5^2 + 3 * 0.5^2) / 4) = sqrt(0.75), cumsum 0,1,1,4,4 >= 3.4 at 3 Hz.
  // Frame 2: silence -> 0, 0, 0 (librosa leaves a zero frame unnormalised).
  Eigen::MatrixXd S = Eigen::MatrixXd::Zero(5, 3);
  S(3, 0) = 2.0;
  S(1, 1) = 1.0;
  S(3, 1) = 3.0;
  SpectralShapeParams p;
  p.sample_rate = 8;
  const SpectralShape s = spectral_shape(S, p);
  EXPECT_DOUBLE_EQ(s.centroid(0), 3.0);
  EXPECT_DOUBLE_EQ(s.bandwidth(0), 0.0);
  EXPECT_DOUBLE_EQ(s.rolloff(0), 3.0);
  EXPECT_DOUBLE_EQ(s.centroid(1), 2.5);
  EXPECT_DOUBLE_EQ(s.bandwidth(1), std::sqrt(0.75));
  EXPECT_DOUBLE_EQ(s.rolloff(1), 3.0);
  EXPECT_EQ(s.centroid(2), 0.0);
  EXPECT_EQ(s.bandwidth(2), 0.0);
  EXPECT_EQ(s.rolloff(2), 0.0);
  // roll_percent 0.2: 0.2 * 4 = 0.8 is reached at 1 Hz. p = 1: mean absolute deviation
  // (1.5 + 3 * 0.5) / 4 = 0.75.
  p.roll_percent = 0.2;
  p.bandwidth_p = 1.0;
  EXPECT_DOUBLE_EQ(spectral_rolloff(S, p)(1), 1.0);
  EXPECT_DOUBLE_EQ(spectral_bandwidth(S, p)(1), 0.75);
}

TEST(AudioSpectralFeatures, InvalidInputIsAUserError) {
  const std::vector<float> y(4096, 0.1f);
  RmsParams r;
  r.frame_length = 0;
  EXPECT_THROW(rms(y, r), vaesweep::UserError);
  r = RmsParams{};
  r.center = false;
  EXPECT_THROW(rms(std::vector<float>(100, 0.1f), r), vaesweep::UserError);  // shorter than a frame
  EXPECT_THROW(rms({}, RmsParams{}), vaesweep::UserError);
  ZeroCrossingParams z;
  z.hop_length = 0;
  EXPECT_THROW(zero_crossing_rate(y, z), vaesweep::UserError);
  z = ZeroCrossingParams{};
  z.threshold = -1.0;
  EXPECT_THROW(zero_crossing_rate(y, z), vaesweep::UserError);
  const Eigen::MatrixXd S = Eigen::MatrixXd::Ones(5, 2);
  SpectralShapeParams p;
  p.roll_percent = 1.0;
  EXPECT_THROW(spectral_rolloff(S, p), vaesweep::UserError);
  p = SpectralShapeParams{};
  p.bandwidth_p = 0.0;
  EXPECT_THROW(spectral_bandwidth(S, p), vaesweep::UserError);
  p = SpectralShapeParams{};
  p.sample_rate = 0;
  EXPECT_THROW(spectral_centroid(S, p), vaesweep::UserError);
  EXPECT_THROW(spectral_centroid(-S), vaesweep::UserError);  // not a magnitude spectrogram
  Eigen::MatrixXd nan = S;
  nan(2, 1) = std::nan("");
  EXPECT_THROW(spectral_shape(nan), vaesweep::UserError);
  EXPECT_THROW(spectral_centroid(Eigen::MatrixXd::Ones(1, 3)), vaesweep::UserError);
}

}  // namespace
