// Spectral features (src/audio/spectrogram.hpp).
// Expected values:
//  - LibrosaParity: librosa's published GTZAN features (../shared/data/audio/gtzan-mini/
//    librosa_features_30_sec.csv): mfccN_mean / mfccN_var are librosa.feature.mfcc(y,
//    sr=22050, n_mfcc=20) averaged over frames (population variance), librosa < 0.10 (centred
//    frames padded with mode 'reflect'). librosa computes in float32, hence the tolerances.
//  - the other tests: analytic cases, worked out in each test's comment.
#include <gtest/gtest.h>

#include <cmath>
#include <complex>
#include <filesystem>
#include <limits>
#include <numbers>
#include <string>
#include <vector>

#include "audio/audio_file.hpp"
#include "audio/spectrogram.hpp"
#include "util/error.hpp"
#include "test_csv_util.hpp"

namespace {

namespace fs = std::filesystem;
using namespace vaesweep::audio;

struct Row {
  std::string filename;
  std::vector<double> mean, var;  // mfcc1..mfcc20
};

std::vector<Row> read_published_table(const fs::path& csv) {
  const vaesweep::test::CsvTable t = vaesweep::test::read_csv(csv.string());  // no quoted fields
  std::vector<Row> rows;
  for (std::size_t r = 0; r < t.rows.size(); ++r) {
    Row row;
    row.filename = t.cell(r, "filename");
    for (int k = 1; k <= 20; ++k) {
      row.mean.push_back(t.number(r, "mfcc" + std::to_string(k) + "_mean"));
      row.var.push_back(t.number(r, "mfcc" + std::to_string(k) + "_var"));
    }
    rows.push_back(row);
  }
  return rows;
}

// Max |mean - published| and max |var - published| / published over all clips and coefficients.
std::pair<double, double> parity_errors(const fs::path& dir, const std::vector<Row>& rows, PadMode pad_mode) {
  double max_abs = 0.0, max_rel = 0.0;
  SpectralParams p;  // librosa's defaults
  p.pad_mode = pad_mode;
  for (const Row& row : rows) {
    const Audio audio = read_audio(dir / row.filename);
    EXPECT_EQ(audio.sample_rate, 22050) << row.filename;
    const Eigen::MatrixXd m = mfcc(audio.samples, 20, p);
    EXPECT_EQ(m.cols(), 1 + static_cast<Eigen::Index>(audio.samples.size()) / 512);
    for (int k = 0; k < 20; ++k) {
      const double mean = m.row(k).mean();
      const double var = (m.row(k).array() - mean).square().mean();
      max_abs = std::max(max_abs, std::abs(mean - row.mean[static_cast<std::size_t>(k)]));
      max_rel = std::max(max_rel, std::abs(var - row.var[static_cast<std::size_t>(k)]) / row.var[static_cast<std::size_t>(k)]);
    }
  }
  return {max_abs, max_rel};
}

TEST(AudioSpectrogram, LibrosaParityOnGtzanMini) {
  const fs::path dir = fs::path(VAESWEEP_SHARED_DATA_DIR) / "audio" / "gtzan-mini";
  const fs::path csv = dir / "librosa_features_30_sec.csv";
  if (!fs::exists(csv)) GTEST_SKIP() << "shared data not found: " << csv;
  const std::vector<Row> rows = read_published_table(csv);
  ASSERT_EQ(rows.size(), 8u);

  const auto [max_abs, max_rel] = parity_errors(dir, rows, PadMode::reflect);
  EXPECT_LT(max_abs, 1e-3) << "max |mfcc mean - librosa|";
  EXPECT_LT(max_rel, 1e-3) << "max relative error of mfcc var";
  std::ostringstream figures;
  figures << std::scientific << "max abs mean error " << max_abs << ", max rel var error " << max_rel;
  RecordProperty("parity", figures.str());

  // Zero ('constant') padding, librosa >= 0.10's default, does not reproduce the table: the
  // check above is sharp enough to tell the two apart.
  const auto [abs_constant, rel_constant] = parity_errors(dir, rows, PadMode::constant);
  EXPECT_GT(abs_constant, 1e-2);
}

TEST(AudioSpectrogram, MelScaleConversions) {
  // Slaney: 200/3 Hz per mel below 1 kHz, so 1000 Hz = 15 mel; above, 27 mels per log(6.4).
  EXPECT_DOUBLE_EQ(hz_to_mel(1000.0, false), 15.0);
  EXPECT_DOUBLE_EQ(hz_to_mel(500.0, false), 7.5);
  EXPECT_NEAR(hz_to_mel(6400.0, false), 15.0 + 27.0, 1e-12);
  // HTK: 2595 log10(1 + f / 700), so 700 Hz = 2595 log10(2).
  EXPECT_NEAR(hz_to_mel(700.0, true), 2595.0 * std::log10(2.0), 1e-9);
  for (double f : {0.0, 123.0, 999.0, 1000.0, 4321.0, 11025.0}) {
    EXPECT_NEAR(mel_to_hz(hz_to_mel(f, false), false), f, 1e-9 * (1.0 + f));
    EXPECT_NEAR(mel_to_hz(hz_to_mel(f, true), true), f, 1e-9 * (1.0 + f));
  }
}

TEST(AudioSpectrogram, MelFilterbankOnALinearGrid) {
  // sr 8000, n_fft 80: bins every 100 Hz. fmax 1000 Hz lies in the linear part of the Slaney
  // scale, so the 9 + 2 edges are 0, 100, ..., 1000 Hz: filter m peaks at bin m + 1 with
  // height 2 / (200 Hz) = 0.01 (Slaney normalisation) and is 0 on every other bin.
  SpectralParams p;
  p.sample_rate = 8000;
  p.n_fft = 80;
  p.n_mels = 9;
  p.fmax = 1000.0;
  const Eigen::MatrixXd fb = mel_filterbank(p);
  ASSERT_EQ(fb.rows(), 9);
  ASSERT_EQ(fb.cols(), 41);
  for (int m = 0; m < 9; ++m) {
    for (int k = 0; k < 41; ++k) EXPECT_NEAR(fb(m, k), k == m + 1 ? 0.01 : 0.0, 1e-12) << m << "," << k;
  }
}

TEST(AudioSpectrogram, DefaultMelFilterbankShapeAndArea) {
  // librosa's default bank: 128 x 1025, no empty filter; the Slaney normalisation gives each
  // triangle unit area in Hz, so sum_k w * (sr / n_fft) is close to 1 once filters are wide.
  const SpectralParams p;
  const Eigen::MatrixXd fb = mel_filterbank(p);
  ASSERT_EQ(fb.rows(), 128);
  ASSERT_EQ(fb.cols(), 1025);
  for (int m = 0; m < 128; ++m) EXPECT_GT(fb.row(m).maxCoeff(), 0.0) << m;
  EXPECT_NEAR(fb.row(127).sum() * 22050.0 / 2048.0, 1.0, 0.01);
  EXPECT_GE(fb.minCoeff(), 0.0);
}

TEST(AudioSpectrogram, PowerToDb) {
  // 10 log10 of 1, 10, 100 is 0, 10, 20 dB; 1e-12 is floored at amin = 1e-10 (-100 dB) and then
  // at max - top_db = 20 - 80 = -60 dB.
  Eigen::MatrixXd S(2, 2);
  S << 1.0, 10.0, 1e-12, 100.0;
  const Eigen::MatrixXd db = power_to_db(S, 1e-10, 80.0);
  EXPECT_NEAR(db(0, 0), 0.0, 1e-12);
  EXPECT_NEAR(db(0, 1), 10.0, 1e-12);
  EXPECT_NEAR(db(1, 0), -60.0, 1e-12);
  EXPECT_NEAR(db(1, 1), 20.0, 1e-12);
  const Eigen::MatrixXd no_floor = power_to_db(S, 1e-10, std::numeric_limits<double>::infinity());
  EXPECT_NEAR(no_floor(1, 0), -100.0, 1e-12);
  EXPECT_THROW(power_to_db(S, 0.0, 80.0), std::invalid_argument);
  EXPECT_THROW(power_to_db(S, 1e-10, -1.0), std::invalid_argument);
}

TEST(AudioSpectrogram, DctIIOrthonormal) {
  // scipy.fftpack.dct(c * ones(N), type=2, norm='ortho') = [c sqrt(N), 0, ..., 0], and the
  // full orthonormal DCT-II matrix D satisfies D D^T = I.
  const int n = 16;
  const Eigen::MatrixXd D = dct2_ortho_matrix(n, n);
  const Eigen::VectorXd y = D * Eigen::VectorXd::Constant(n, 3.0);
  EXPECT_NEAR(y(0), 3.0 * std::sqrt(16.0), 1e-12);
  for (int k = 1; k < n; ++k) EXPECT_NEAR(y(k), 0.0, 1e-12) << k;
  EXPECT_TRUE((D * D.transpose()).isApprox(Eigen::MatrixXd::Identity(n, n), 1e-12));
  // A cosine at DCT frequency k = 3 has all its energy in coefficient 3.
  Eigen::VectorXd x(n);
  for (int i = 0; i < n; ++i) x(i) = std::cos(std::numbers::pi * 3 * (2 * i + 1) / (2.0 * n));
  const Eigen::VectorXd c = D * x;
  for (int k = 0; k < n; ++k) EXPECT_NEAR(c(k), k == 3 ? std::sqrt(n / 2.0) : 0.0, 1e-12) << k;
  EXPECT_THROW(dct2_ortho_matrix(17, 16), std::invalid_argument);
}

TEST(AudioSpectrogram, SineOnABinCentre) {
  // A sine of amplitude A at bin k = 64 of n_fft = 1024: with a periodic Hann window
  // (sum = n_fft / 2), |X[k]| = A n_fft / 4, |X[k +- 1]| = A n_fft / 8 and every other bin 0.
  SpectralParams p;
  p.n_fft = 1024;
  p.hop_length = 256;
  const double amplitude = 0.5;
  std::vector<float> y(8192);
  for (std::size_t i = 0; i < y.size(); ++i) {
    y[i] = static_cast<float>(amplitude * std::sin(2.0 * std::numbers::pi * 64.0 * static_cast<double>(i) / 1024.0));
  }
  const Eigen::MatrixXd S = power_spectrogram(y, p);
  ASSERT_EQ(S.rows(), 513);
  ASSERT_EQ(S.cols(), 1 + 8192 / 256);
  const double peak = std::pow(amplitude * 1024.0 / 4.0, 2);
  for (int t = 4; t < S.cols() - 4; ++t) {  // frames clear of the padded ends
    Eigen::Index arg = 0;
    S.col(t).maxCoeff(&arg);
    EXPECT_EQ(arg, 64);
    EXPECT_NEAR(S(64, t), peak, 1e-5 * peak);
    EXPECT_NEAR(S(63, t), peak / 4.0, 1e-5 * peak);
    EXPECT_NEAR(S(66, t), 0.0, 1e-5 * peak);
  }
}

TEST(AudioSpectrogram, CentredFramesMatchANaiveDftOfTheReflectPaddedSignal) {
  // Frame 0 covers y padded by n_fft / 2 on the left with numpy.pad(mode='reflect'), i.e.
  // y[8], y[7], ..., y[1], y[0], y[1], ...; check against a direct DFT. Constant mode pads 0.
  SpectralParams p;
  p.n_fft = 16;
  p.hop_length = 4;
  p.n_mels = 4;
  std::vector<float> y(21);
  for (std::size_t i = 0; i < y.size(); ++i) y[i] = static_cast<float>(std::sin(0.7 * static_cast<double>(i)) + 0.1 * static_cast<double>(i));
  for (PadMode mode : {PadMode::reflect, PadMode::constant}) {
    p.pad_mode = mode;
    const Eigen::MatrixXd S = power_spectrogram(y, p);
    ASSERT_EQ(S.cols(), 1 + 21 / 4);
    for (int t : {0, static_cast<int>(S.cols()) - 1}) {
      for (int k = 0; k <= 8; ++k) {
        std::complex<double> acc = 0.0;
        for (int n = 0; n < 16; ++n) {
          int j = t * 4 + n - 8;  // index into y
          double v = 0.0;
          if (mode == PadMode::reflect) {
            if (j < 0) j = -j;
            if (j > 20) j = 40 - j;
            v = y[static_cast<std::size_t>(j)];
          } else if (j >= 0 && j <= 20) {
            v = y[static_cast<std::size_t>(j)];
          }
          const double w = 0.5 - 0.5 * std::cos(2.0 * std::numbers::pi * n / 16.0);
          acc += w * v * std::polar(1.0, -2.0 * std::numbers::pi * k * n / 16.0);
        }
        EXPECT_NEAR(S(k, t), std::norm(acc), 1e-9) << to_string(mode) << " t=" << t << " k=" << k;
      }
    }
  }
}

TEST(AudioSpectrogram, MelSpectrogramIsFilterbankTimesPower) {
  SpectralParams p;
  p.n_fft = 512;
  p.hop_length = 128;
  p.n_mels = 40;
  p.fmin = 50.0;
  p.fmax = 8000.0;
  p.htk = true;
  std::vector<float> y(5000);
  for (std::size_t i = 0; i < y.size(); ++i) y[i] = static_cast<float>(std::sin(0.01 * static_cast<double>(i * i % 9973)));
  const Eigen::MatrixXd direct = mel_filterbank(p) * power_spectrogram(y, p);
  EXPECT_TRUE(mel_spectrogram(y, p).isApprox(direct, 1e-12));
}

TEST(AudioSpectrogram, MfccOfSilence) {
  // All power is 0, so every dB value is 10 log10(amin) = -100; the orthonormal DCT of a
  // constant 128-vector is -100 sqrt(128) in coefficient 0 and 0 elsewhere (librosa gives the
  // same -1131.37 for digital silence).
  const Eigen::MatrixXd m = mfcc(std::vector<float>(22050, 0.0f), 20, SpectralParams{});
  ASSERT_EQ(m.rows(), 20);
  ASSERT_EQ(m.cols(), 1 + 22050 / 512);
  EXPECT_NEAR(m(0, 0), -100.0 * std::sqrt(128.0), 1e-9);
  EXPECT_NEAR(m.bottomRows(19).cwiseAbs().maxCoeff(), 0.0, 1e-9);
}

TEST(AudioSpectrogram, InvalidParametersAreUserErrors) {
  SpectralParams p;
  EXPECT_THROW(mfcc(std::vector<float>(100, 0.0f), 0, p), vaesweep::UserError);
  EXPECT_THROW(mfcc(std::vector<float>(100, 0.0f), 129, p), vaesweep::UserError);
  p.n_fft = 1;
  EXPECT_THROW(mel_filterbank(p), vaesweep::UserError);
  p = SpectralParams{};
  p.fmin = 20000.0;
  EXPECT_THROW(mel_filterbank(p), vaesweep::UserError);
  p = SpectralParams{};
  p.hop_length = 0;
  EXPECT_THROW(power_spectrogram(std::vector<float>(100, 0.0f), p), vaesweep::UserError);
  EXPECT_THROW(power_spectrogram({}, SpectralParams{}), std::invalid_argument);
  try {
    parse_pad_mode("edge");
    FAIL() << "no UserError";
  } catch (const vaesweep::UserError& e) {
    EXPECT_NE(std::string(e.what()).find("reflect, constant"), std::string::npos) << e.what();
  }
  EXPECT_EQ(parse_pad_mode("constant"), PadMode::constant);
}

}  // namespace
