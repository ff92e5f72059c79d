// Resampling (src/audio/resample.hpp).
// Expected values are analytic: a band-limited resampler keeps a tone below both Nyquist
// frequencies (its frequency, amplitude and timing) and removes one above the new Nyquist;
// the output length is librosa's ceil(n * to / from). A round trip on the GTZAN clips bounds
// what resampling does to MFCC means; parity of the GTZAN-table preset after a round trip is
// in test_librosa_preset_parity.cpp.
#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <filesystem>
#include <iostream>
#include <limits>
#include <numbers>
#include <vector>

#include "audio/audio_file.hpp"
#include "audio/frame_statistics.hpp"
#include "audio/resample.hpp"
#include "audio/spectrogram.hpp"
#include "util/error.hpp"

namespace {

using namespace vaesweep::audio;
namespace fs = std::filesystem;

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
  // ceil(n * to / from), as librosa.resample sizes its output, whichever resampler.
  for (Resampler r : {Resampler::soxr_hq, Resampler::soxr_vhq, Resampler::sinc_best}) {
    SCOPED_TRACE(to_string(r));
    EXPECT_EQ(resample(std::vector<float>(1001, 0.1f), 44100, 22050, r).size(), 501u);   // 500.5
    EXPECT_EQ(resample(std::vector<float>(1001, 0.1f), 22050, 44100, r).size(), 2002u);
    EXPECT_EQ(resample(std::vector<float>(441, 0.1f), 44100, 48000, r).size(), 480u);    // exactly 480
    EXPECT_EQ(resample(std::vector<float>(442, 0.1f), 44100, 48000, r).size(), 482u);    // 481.09
    EXPECT_EQ(resample(std::vector<float>(1, 0.1f), 8000, 16000, r).size(), 2u);
    EXPECT_TRUE(resample({}, 44100, 22050, r).empty());
  }
}

// Each resampler of features.resample, the analytic checks alike; the bounds hold for all three
// (the measured values of each are in the comments).
class EachResampler : public ::testing::TestWithParam<Resampler> {};

TEST_P(EachResampler, DownsamplingKeepsA1kHzSine) {
  // 1 kHz at amplitude 0.5, 44100 -> 22050 Hz: over 1 s (1000 whole periods) away from the
  // ends, the output is 0.5 sin(2 pi 1000 t) with the same timing (phase 0: both libraries
  // compensate their filter delay), 2000 zero crossings, and a residual at the level of the
  // converter's noise floor (all three are specified to better than -96 dB; 1e-4 of the
  // amplitude, -80 dB, leaves room for float32 samples).
  const std::vector<float> y = resample(sine(1000.0, 0.5, 88200, 44100), 44100, 22050, GetParam());
  ASSERT_EQ(y.size(), 44100u);
  const Fit fit = fit_sine(y, 1000.0, 22050, 11025, 22050);
  EXPECT_NEAR(fit.amplitude, 0.5, 1e-3);
  EXPECT_NEAR(fit.phase, 0.0, 1e-3);
  EXPECT_LT(fit.residual_rms, 1e-4 * 0.5);
  EXPECT_NEAR(sign_changes(y, 11025, 22050), 2000, 1);
}

TEST_P(EachResampler, UpsamplingKeepsA1kHzSine) {
  // The same tone 22050 -> 44100 Hz: 1000 whole periods are 44100 samples.
  const std::vector<float> y = resample(sine(1000.0, 0.5, 44100, 22050), 22050, 44100, GetParam());
  ASSERT_EQ(y.size(), 88200u);
  const Fit fit = fit_sine(y, 1000.0, 44100, 22050, 44100);
  EXPECT_NEAR(fit.amplitude, 0.5, 1e-3);
  EXPECT_NEAR(fit.phase, 0.0, 1e-3);
  EXPECT_LT(fit.residual_rms, 1e-4 * 0.5);
  EXPECT_NEAR(sign_changes(y, 22050, 44100), 2000, 1);
}

TEST_P(EachResampler, DownsamplingRejectsAToneAboveTheNewNyquistBy90dB) {
  // 15 kHz is above 11025 Hz, the Nyquist frequency of 22050 Hz: a band-limited converter
  // removes it instead of aliasing it to 7050 Hz. Required: at least 90 dB below the input's
  // RMS (amplitude 0.5: 0.354). Measured (RMS of what is left, away from the ends): soxr_hq
  // -142 dB, soxr_vhq -157 dB, sinc_best -148 dB.
  const std::vector<float> y = resample(sine(15000.0, 0.5, 88200, 44100), 44100, 22050, GetParam());
  double sq = 0.0;
  for (std::size_t i = 2000; i < y.size() - 2000; ++i) sq += static_cast<double>(y[i]) * y[i];
  const double rms = std::sqrt(sq / static_cast<double>(y.size() - 4000));
  const double db = 20.0 * std::log10(std::max(rms, 1e-30) / (0.5 / std::sqrt(2.0)));
  RecordProperty("rejection_db", std::to_string(db));
  std::cout << "[ resample ] " << to_string(GetParam()) << ": 15 kHz tone after 44.1 -> 22.05 kHz at " << db << " dB\n";
  EXPECT_LT(db, -90.0);
}

TEST_P(EachResampler, GtzanRoundTripMovesMfccMeansLittle) {
  // Each GTZAN clip (22050 Hz) upsampled to 44100 Hz and back: the round trip removes what
  // lies above the converter's pass band (91% of the 11025 Hz Nyquist frequency, about 10 kHz,
  // for soxr_hq and soxr_vhq; about 96% for sinc_best) and keeps the rest. MFCC-20 means
  // (librosa's mfcc) move by at most 3.5 in absolute terms (their values span about -400 ..
  // 150; the change sits in the coefficients that weigh the top mel bands, in dB, of clips
  // with content up there: country and disco). Measured maxima over the 8 clips: soxr_hq 2.94,
  // soxr_vhq 3.10, sinc_best 1.54 (its wider pass band keeps more of the top band).
  const fs::path dir = fs::path(VAESWEEP_SHARED_DATA_DIR) / "audio" / "gtzan-mini";
  if (!fs::exists(dir)) GTEST_SKIP() << "shared data not found: " << dir;
  double worst = 0.0;
  int clips = 0;
  for (const auto& entry : fs::directory_iterator(dir)) {
    if (entry.path().extension() != ".wav") continue;
    const Audio audio = read_audio(entry.path());
    ASSERT_EQ(audio.sample_rate, 22050);
    const std::vector<float> back = resample(resample(audio.samples, 22050, 44100, GetParam()), 44100, 22050, GetParam());
    ASSERT_EQ(back.size(), audio.samples.size());
    const Eigen::VectorXd before = frame_statistics(mfcc(audio.samples, 20, SpectralParams{}), {Statistic::mean});
    const Eigen::VectorXd after = frame_statistics(mfcc(back, 20, SpectralParams{}), {Statistic::mean});
    worst = std::max(worst, (after - before).cwiseAbs().maxCoeff());
    ++clips;
  }
  ASSERT_EQ(clips, 8);
  std::cout << "[ resample ] " << to_string(GetParam()) << ": round trip moves MFCC means by at most " << worst << "\n";
  EXPECT_LT(worst, 3.5);
}

INSTANTIATE_TEST_SUITE_P(AudioResample, EachResampler,
                         ::testing::Values(Resampler::soxr_hq, Resampler::soxr_vhq, Resampler::sinc_best),
                         [](const ::testing::TestParamInfo<Resampler>& p) { return to_string(p.param); });

TEST(AudioResample, ResamplerNamesRoundTripAndAnUnknownNameListsTheValidOnes) {
  for (Resampler r : {Resampler::soxr_hq, Resampler::soxr_vhq, Resampler::sinc_best})
    EXPECT_EQ(parse_resampler(to_string(r)), r);
  try {
    parse_resampler("kaiser_best");
    FAIL() << "kaiser_best was accepted";
  } catch (const vaesweep::UserError& e) {
    EXPECT_NE(std::string(e.what()).find("features.resample"), std::string::npos) << e.what();
    EXPECT_NE(std::string(e.what()).find("\"kaiser_best\"; valid names are: soxr_hq, soxr_vhq, sinc_best"), std::string::npos)
        << e.what();
  }
}

TEST(AudioResample, InvalidInputIsAUserError) {
  const std::vector<float> y(100, 0.1f);
  EXPECT_THROW(resample(y, 0, 22050), vaesweep::UserError);
  EXPECT_THROW(resample(y, 22050, -1), vaesweep::UserError);
  EXPECT_THROW(resample(y, 100, 44100), vaesweep::UserError);  // ratio 441 > 256
  std::vector<float> bad = y;
  bad[3] = std::numeric_limits<float>::quiet_NaN();
  EXPECT_THROW(resample(bad, 44100, 22050), vaesweep::UserError);
  for (Resampler r : {Resampler::soxr_vhq, Resampler::sinc_best}) {
    EXPECT_THROW(resample(y, 100, 44100, r), vaesweep::UserError);
    EXPECT_THROW(resample(bad, 44100, 22050, r), vaesweep::UserError);
  }
}

}  // namespace
