// The synthetic corpus (src/audio/synthetic_corpus.hpp).
// Expected values come from the generator's documented contract: the label formula
// (genre i % 4, language (i / 4) % 2), the lyrics alphabets, peak 0.8, byte-identical output for
// the same params, and the planted structure (genre dominant, language weaker but real),
// measured here by leave-one-out nearest-centroid accuracy on standardised 13-MFCC statistics.
#include <gtest/gtest.h>

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <map>
#include <string>
#include <vector>

#include "audio/audio_file.hpp"
#include "audio/frame_statistics.hpp"
#include "audio/spectrogram.hpp"
#include "audio/synthetic_corpus.hpp"
#include "util/error.hpp"
#include "temp_dir.hpp"

namespace {

namespace fs = std::filesystem;
using namespace vaesweep::audio;

class AudioSyntheticCorpusTest : public ::testing::Test {
 protected:
  vaesweep::test::TempDir temp_;
  fs::path dir_ = temp_.path();
};

std::string slurp(const fs::path& p) {
  std::ifstream in(p, std::ios::binary);
  return {std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>()};
}

// A small RFC 4180 reader (quoted fields may hold commas, "" and line breaks).
std::vector<std::vector<std::string>> parse_csv(const std::string& text) {
  std::vector<std::vector<std::string>> rows(1);
  std::string field;
  bool quoted = false;
  for (std::size_t i = 0; i < text.size(); ++i) {
    const char c = text[i];
    if (quoted) {
      if (c == '"' && i + 1 < text.size() && text[i + 1] == '"') {
        field += '"';
        ++i;
      } else if (c == '"') {
        quoted = false;
      } else {
        field += c;
      }
    } else if (c == '"') {
      quoted = true;
    } else if (c == ',') {
      rows.back().push_back(field);
      field.clear();
    } else if (c == '\n') {
      rows.back().push_back(field);
      field.clear();
      rows.emplace_back();
    } else {
      field += c;
    }
  }
  if (rows.back().empty()) rows.pop_back();
  return rows;
}

// Decodes UTF-8 into code points (the generator writes well-formed UTF-8).
std::vector<char32_t> code_points(const std::string& s) {
  std::vector<char32_t> out;
  for (std::size_t i = 0; i < s.size();) {
    const auto b = static_cast<unsigned char>(s[i]);
    int len = b < 0x80 ? 1 : b < 0xE0 ? 2 : b < 0xF0 ? 3 : 4;
    char32_t c = len == 1 ? b : len == 2 ? (b & 0x1F) : len == 3 ? (b & 0x0F) : (b & 0x07);
    for (int k = 1; k < len; ++k) c = (c << 6) | (static_cast<unsigned char>(s[i + static_cast<std::size_t>(k)]) & 0x3F);
    out.push_back(c);
    i += static_cast<std::size_t>(len);
  }
  return out;
}

bool is_separator(char32_t c) { return c == U' ' || c == U'\n' || c == U','; }

TEST_F(AudioSyntheticCorpusTest, DeterministicBalancedAndWellFormed) {
  SyntheticCorpusParams p;
  p.clips = 16;
  p.seconds = 1.0;
  ASSERT_EQ(write_synthetic_corpus(dir_ / "a", p), 16);
  ASSERT_EQ(write_synthetic_corpus(dir_ / "b", p), 16);
  // Same params: byte-identical files.
  EXPECT_EQ(slurp(dir_ / "a" / "manifest.csv"), slurp(dir_ / "b" / "manifest.csv"));
  for (const auto& entry : fs::directory_iterator(dir_ / "a" / "clips")) {
    EXPECT_EQ(slurp(entry.path()), slurp(dir_ / "b" / "clips" / entry.path().filename())) << entry.path();
  }
  EXPECT_FALSE(fs::exists(dir_ / "a" / "manifest.csv.tmp"));
  // Another seed: other audio.
  SyntheticCorpusParams other = p;
  other.seed = 8;
  other.clips = 1;
  write_synthetic_corpus(dir_ / "c", other);
  EXPECT_NE(slurp(dir_ / "a" / "clips" / "clip_0000.wav"), slurp(dir_ / "c" / "clips" / "clip_0000.wav"));

  const auto rows = parse_csv(slurp(dir_ / "a" / "manifest.csv"));
  ASSERT_EQ(rows.size(), 17u);
  EXPECT_EQ(rows[0], (std::vector<std::string>{"path", "language", "genre", "lyrics"}));
  std::map<std::pair<std::string, std::string>, int> cells;
  bool some_multiline = false;
  for (int i = 0; i < 16; ++i) {
    const auto& row = rows[static_cast<std::size_t>(i) + 1];
    ASSERT_EQ(row.size(), 4u) << i;
    EXPECT_EQ(row[0], "clips/clip_00" + std::string(i < 10 ? "0" : "") + std::to_string(i) + ".wav");
    EXPECT_EQ(row[1], kSyntheticLanguages[static_cast<std::size_t>((i / 4) % 2)]);
    EXPECT_EQ(row[2], kSyntheticGenres[static_cast<std::size_t>(i % 4)]);
    ++cells[{row[1], row[2]}];

    const Audio audio = read_audio(dir_ / "a" / row[0]);
    EXPECT_EQ(audio.sample_rate, 22050);
    EXPECT_EQ(audio.samples.size(), 22050u);
    float peak = 0.0f;
    for (float v : audio.samples) peak = std::max(peak, std::abs(v));
    EXPECT_NEAR(peak, 0.8f, 1e-3f) << row[0];

    // Lyrics: 8-30 words; en only ASCII letters, bn only Bengali-block letters, plus separators.
    const std::string& lyrics = row[3];
    some_multiline = some_multiline || lyrics.find('\n') != std::string::npos;
    int words = 0;
    bool in_word = false;
    for (char32_t c : code_points(lyrics)) {
      if (is_separator(c)) {
        in_word = false;
        continue;
      }
      if (!in_word) ++words;
      in_word = true;
      if (row[1] == "en") {
        EXPECT_TRUE((c >= U'a' && c <= U'z') || (c >= U'A' && c <= U'Z')) << "U+" << std::hex << int(c) << " in " << lyrics;
      } else {
        EXPECT_TRUE(c >= 0x0980 && c <= 0x09FF) << "U+" << std::hex << int(c) << " in " << lyrics;
      }
    }
    EXPECT_GE(words, 8) << lyrics;
    EXPECT_LE(words, 30) << lyrics;
  }
  EXPECT_TRUE(some_multiline);  // so the RFC 4180 quoting is exercised
  EXPECT_EQ(cells.size(), 8u);
  for (const auto& [cell, count] : cells) EXPECT_EQ(count, 2) << cell.first << "/" << cell.second;
}

TEST_F(AudioSyntheticCorpusTest, ClipsAreIndependentOfCorpusSize) {
  SyntheticCorpusParams small;
  small.clips = 8;
  small.seconds = 0.5;
  SyntheticCorpusParams large = small;
  large.clips = 160;
  const SyntheticClip a = synthesize_clip(5, small);
  const SyntheticClip b = synthesize_clip(5, large);
  EXPECT_EQ(a.samples, b.samples);
  EXPECT_EQ(a.lyrics, b.lyrics);
  EXPECT_EQ(a.genre, "folk");
  EXPECT_EQ(a.language, "bn");
}

// Leave-one-out nearest-centroid accuracy of labels y (0..k-1) on the rows of z.
double loo_nearest_centroid(const Eigen::MatrixXd& z, const std::vector<int>& y, int k) {
  Eigen::MatrixXd sums = Eigen::MatrixXd::Zero(k, z.cols());
  std::vector<int> counts(static_cast<std::size_t>(k), 0);
  for (Eigen::Index i = 0; i < z.rows(); ++i) {
    sums.row(y[static_cast<std::size_t>(i)]) += z.row(i);
    ++counts[static_cast<std::size_t>(y[static_cast<std::size_t>(i)])];
  }
  int correct = 0;
  for (Eigen::Index i = 0; i < z.rows(); ++i) {
    const int yi = y[static_cast<std::size_t>(i)];
    int best = -1;
    double best_d = 0.0;
    for (int c = 0; c < k; ++c) {
      Eigen::RowVectorXd centroid = sums.row(c);
      int n = counts[static_cast<std::size_t>(c)];
      if (c == yi) {  // leave clip i out of its own class
        centroid -= z.row(i);
        --n;
      }
      centroid /= n;
      const double d = (z.row(i) - centroid).squaredNorm();
      if (best < 0 || d < best_d) {
        best = c;
        best_d = d;
      }
    }
    correct += best == yi ? 1 : 0;
  }
  return static_cast<double>(correct) / static_cast<double>(z.rows());
}

TEST_F(AudioSyntheticCorpusTest, PlantedGenreAndLanguageStructure) {
  // 80 clips (10 per genre x language), written, read back, 13 MFCCs (librosa defaults
  // otherwise), mean/std/skew/kurtosis per coefficient, each column standardised.
  SyntheticCorpusParams p;
  p.clips = 80;
  ASSERT_EQ(write_synthetic_corpus(dir_, p), 80);
  const auto rows = parse_csv(slurp(dir_ / "manifest.csv"));
  ASSERT_EQ(rows.size(), 81u);
  const std::vector<Statistic> stats{Statistic::mean, Statistic::std, Statistic::skew, Statistic::kurtosis};
  Eigen::MatrixXd x(80, 13 * 4);
  std::vector<int> genre, language;
  for (int i = 0; i < 80; ++i) {
    const auto& row = rows[static_cast<std::size_t>(i) + 1];
    const Audio audio = read_audio(dir_ / row[0]);
    x.row(i) = frame_statistics(mfcc(audio.samples, 13, SpectralParams{}), stats).transpose();
    genre.push_back(static_cast<int>(std::find(kSyntheticGenres.begin(), kSyntheticGenres.end(), row[2]) - kSyntheticGenres.begin()));
    language.push_back(row[1] == "bn" ? 1 : 0);
  }
  ASSERT_TRUE(x.allFinite());
  const Eigen::RowVectorXd mean = x.colwise().mean();
  Eigen::MatrixXd z = x.rowwise() - mean;
  const Eigen::RowVectorXd sd = (z.array().square().colwise().mean()).sqrt();
  ASSERT_GT(sd.minCoeff(), 0.0);
  z = z.array().rowwise() / sd.array();

  const double genre_accuracy = loo_nearest_centroid(z, genre, 4);
  const double language_accuracy = loo_nearest_centroid(z, language, 2);
  RecordProperty("genre_accuracy", std::to_string(genre_accuracy));
  RecordProperty("language_accuracy", std::to_string(language_accuracy));
  EXPECT_GE(genre_accuracy, 0.9);
  EXPECT_GE(language_accuracy, 0.7);
  EXPECT_GT(genre_accuracy, language_accuracy);  // genre is the dominant structure
}

TEST_F(AudioSyntheticCorpusTest, InvalidParamsAndUnwritableFolder) {
  SyntheticCorpusParams p;
  p.clips = 0;
  EXPECT_THROW(write_synthetic_corpus(dir_, p), vaesweep::UserError);
  p = SyntheticCorpusParams{};
  p.sample_rate = 100;
  EXPECT_THROW(synthesize_clip(0, p), vaesweep::UserError);
  p = SyntheticCorpusParams{};
  p.seconds = 0.0;
  EXPECT_THROW(validate(p), vaesweep::UserError);

  fs::create_directories(dir_);
  const fs::path file = dir_ / "a_file";
  std::ofstream(file) << "x";
  p = SyntheticCorpusParams{};
  p.clips = 1;
  try {
    write_synthetic_corpus(file, p);
    FAIL() << "no UserError";
  } catch (const vaesweep::UserError& e) {
    EXPECT_NE(std::string(e.what()).find(file.string()), std::string::npos) << e.what();
  }
}

}  // namespace
