// The rates a study's audio files are stored at, probed before extraction (they decide whether
// features.resample is in a unit's hash). Planted: folders of WAV files written at known rates.
#include <gtest/gtest.h>

#include <vector>

#include "audio/audio_file.hpp"
#include "study/study.hpp"
#include "data/audio_rates.hpp"
#include "temp_dir.hpp"

namespace vaesweep {
namespace {
namespace fs = std::filesystem;

void write_silence(const fs::path& file, int rate) {
  audio::write_wav(file, std::vector<float>(static_cast<std::size_t>(rate / 10), 0.0f), rate);
}

Study audio_study(const std::vector<std::string>& overrides) {
  std::vector<std::string> all = {"data.source=\"audio\"", "data.labels=[]"};
  all.insert(all.end(), overrides.begin(), overrides.end());
  return parse_study("[model]\nkind = \"pca\"\n", "s.toml", all);
}

TEST(AudioRates, OneCollectionGivesItsDistinctRates) {
  test::TempDir dir;
  fs::create_directories(dir / "a");
  write_silence(dir / "a" / "x.wav", 44100);
  write_silence(dir / "a" / "y.wav", 22050);
  write_silence(dir / "a" / "z.wav", 44100);
  const auto rates = data::probe_audio_rates(audio_study({"data.path=\"" + (dir / "a").string() + "\""}));
  ASSERT_TRUE(rates.has_value());
  EXPECT_EQ(*rates, (std::vector<int>{22050, 44100}));
}

// A data set as a grid axis: the rates of every data set of the grid together, so that a unit
// of the folder at 22050 Hz and one of the folder at 44100 Hz both hash their resampler (before,
// the rates were unknown and no unit hashed it: two resamplers gave one hash).
TEST(AudioRates, DataAxisGivesTheRatesOfEveryDataSet) {
  test::TempDir dir;
  fs::create_directories(dir / "native");
  fs::create_directories(dir / "cd");
  write_silence(dir / "native" / "x.wav", 22050);
  write_silence(dir / "cd" / "y.wav", 44100);
  const std::string axis = "grid.data.path=[\"" + (dir / "native").string() + "\", \"" + (dir / "cd").string() + "\"]";
  Study study = audio_study({axis});  // data.path only as an axis
  const auto rates = data::probe_audio_rates(study);
  ASSERT_TRUE(rates.has_value());
  EXPECT_EQ(*rates, (std::vector<int>{22050, 44100}));
  study.audio_rates = rates;
  EXPECT_EQ(data::resampling_summary(study), "files at 44100 Hz are resampled to 22050 Hz");
}

TEST(AudioRates, AMissingCollectionLeavesTheRatesUnknown) {
  test::TempDir dir;
  EXPECT_FALSE(data::probe_audio_rates(audio_study({"data.path=\"" + (dir / "absent").string() + "\""})).has_value());
}

}  // namespace
}  // namespace vaesweep
