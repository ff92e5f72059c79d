// Resampling (src/audio/resample.hpp).
// Expected values are analytic: a band-limited resampler keeps a tone below both Nyquist
// frequencies (its frequency, amplitude and timing) and removes one above the new Nyquist;
// the output length is librosa's ceil(n * to / from). Real-data parity after a resampling
// round trip is in test_librosa_preset_parity.cpp.
#include <gtest/gtest.h>

#include <cmath>
#include <limits>
#include <numbers>
#include <vector>

#include "audio/resample.hpp"
#include "core/error.hpp"

namespace {

using namespace vaesweep::audio;

std::vector<float> sine(double hz, double amplitude, std::size_t n, int rate) {
  std::vector<float> y(n);
  for (std::size_t i = 0; i < n; ++i) {
    y[i] = static_cast<float>(amplitude * std::sin(2.0 * std::numbers::pi * hz * static_cast<double>(i) / rate));
  }
  return y;
}

// Least-squares fit of a sin(w i) + b cos(w i) over y[first, first + n), n spanning whole
// periods (then the two regressors are orthogonal: a = 2/n sum y sin, b = 2/n sum y cos).
struct Fit {
  double amplitude, phase, residual_rms;
};
Fit fit_sine(const std::vector<float>& y, double hz, int rate, std::size_t first, std::size_t n) {
  const double w = 2.0 * std::numbers::pi * hz / rate;
  double a = 0.0, b = 0.0;
  for (std::size_t i = first; i < first + n; ++i) {
    a += y[i] * std::sin(w * static_cast<double>(i));
    b += y[i] * std::cos(w * static_cast<double>(i));
  }
  a *= 2.0 / static_cast<double>(n);
  b *= 2.0 / static_cast<double>(n);
  double sq = 0.0;
  for (std::size_t i = first; i < first + n; ++i) {
    const double r = y[i] - a * std::sin(w * static_cast<double>(i)) - b * std::cos(w * static_cast<double>(i));
    sq += r * r;
  }
  return {std::hypot(a, b), std::atan2(b, a), std::sqrt(sq / static_cast<double>(n))};
}

int sign_changes(const std::vector<float>& y, std::size_t first, std::size_t n) {
  int count = 0;
  for (std::size_t i = first + 1; i < first + n; ++i) count += (y[i] < 0.0f) != (y[i - 1] < 0.0f);
  return count;
}

TEST(AudioResample, EqualRatesAreTheIdentity) {
  const std::vector<float> y = sine(440.0, 0.3, 1000, 22050);
  EXPECT_EQ(resample(y, 22050, 22050), y);
}

TEST(AudioResample, OutputLengthIsCeilOfNTimesTheRatio) {
  // ceil(n * to / from), as librosa.resample sizes its output.
  EXPECT_EQ(resample(std::vector<float>(1001, 0.1f), 44100, 22050).size(), 501u);   // 500.5
  EXPECT_EQ(resample(std::vector<float>(1001, 0.1f), 22050, 44100).size(), 2002u);
  EXPECT_EQ(resample(std::vector<float>(441, 0.1f), 44100, 48000).size(), 480u);    // exactly 480
  EXPECT_EQ(resample(std::vector<float>(442, 0.1f), 44100, 48000).size(), 482u);    // 481.09
  EXPECT_EQ(resample(std::vector<float>(1, 0.1f), 8000, 16000).size(), 2u);
  EXPECT_TRUE(resample({}, 44100, 22050).empty());
}

TEST(AudioResample, DownsamplingKeepsA1kHzSine) {
  // 1 kHz at amplitude 0.5, 44100 -> 22050 Hz: over 1 s (1000 whole periods) away from the
  // ends, the output is 0.5 sin(2 pi 1000 t) with the same timing (phase 0: libsamplerate
  // compensates its filter delay), 2000 zero crossings, and a residual at the level of the
  // converter's noise floor (SRC_SINC_BEST_QUALITY: about -97 dB; 1e-4 of the amplitude
  // leaves room for float32 samples).
  const std::vector<float> y = resample(sine(1000.0, 0.5, 88200, 44100), 44100, 22050);
  ASSERT_EQ(y.size(), 44100u);
  const Fit fit = fit_sine(y, 1000.0, 22050, 11025, 22050);
  EXPECT_NEAR(fit.amplitude, 0.5, 1e-3);
  EXPECT_NEAR(fit.phase, 0.0, 1e-3);
  EXPECT_LT(fit.residual_rms, 1e-4 * 0.5);
  EXPECT_NEAR(sign_changes(y, 11025, 22050), 2000, 1);
}

TEST(AudioResample, UpsamplingKeepsA1kHzSine) {
  // The same tone 22050 -> 44100 Hz: 1000 whole periods are 44100 samples.
  const std::vector<float> y = resample(sine(1000.0, 0.5, 44100, 22050), 22050, 44100);
  ASSERT_EQ(y.size(), 88200u);
  const Fit fit = fit_sine(y, 1000.0, 44100, 22050, 44100);
  EXPECT_NEAR(fit.amplitude, 0.5, 1e-3);
  EXPECT_NEAR(fit.phase, 0.0, 1e-3);
  EXPECT_LT(fit.residual_rms, 1e-4 * 0.5);
  EXPECT_NEAR(sign_changes(y, 22050, 44100), 2000, 1);
}

TEST(AudioResample, DownsamplingRemovesToneAboveTheNewNyquist) {
  // 15 kHz is above 11025 Hz, the Nyquist frequency of 22050 Hz: a band-limited converter
  // removes it instead of aliasing it to 7050 Hz. 1e-3 of the amplitude is -60 dB, well within
  // SRC_SINC_BEST_QUALITY's stop band.
  const std::vector<float> y = resample(sine(15000.0, 0.5, 88200, 44100), 44100, 22050);
  double sq = 0.0;
  for (std::size_t i = 2000; i < y.size() - 2000; ++i) sq += static_cast<double>(y[i]) * y[i];
  EXPECT_LT(std::sqrt(sq / static_cast<double>(y.size() - 4000)), 1e-3 * 0.5);
}

TEST(AudioResample, InvalidInputIsAUserError) {
  const std::vector<float> y(100, 0.1f);
  EXPECT_THROW(resample(y, 0, 22050), vaesweep::UserError);
  EXPECT_THROW(resample(y, 22050, -1), vaesweep::UserError);
  EXPECT_THROW(resample(y, 100, 44100), vaesweep::UserError);  // ratio 441 > 256
  std::vector<float> bad = y;
  bad[3] = std::numeric_limits<float>::quiet_NaN();
  EXPECT_THROW(resample(bad, 44100, 22050), vaesweep::UserError);
}

}  // namespace
