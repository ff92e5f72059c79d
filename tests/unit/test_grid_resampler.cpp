// features.resample in units' hashes: it counts only for units that resample a file (their
// features.sample_rate differs from a rate the study's files are stored at, Study::audio_rates),
// and "sinc_best", the only resampler before the key existed, leaves no line; so results files
// of studies whose files needed no resampling, or that resampled with sinc_best, keep their
// hashes. The expected hashes are the grid's own without the key (audio_rates unset: what
// every grid hashed before the key), pinned in test_grid_model_family.cpp.
#include <gtest/gtest.h>

#include "study/grid.hpp"

namespace vaesweep {
namespace {

const char* kStudy = R"(
[model]
kind = "vae"
[grid]
latent_dim = [2, 4]
)";

Grid grid_of(const std::vector<int>* rates, const std::vector<std::string>& overrides = {}) {
  Study study = parse_study(kStudy, "s.toml", overrides);
  if (rates != nullptr) study.audio_rates = *rates;
  return expand_grid(study);
}

TEST(GridResampler, NoFileResampledLeavesEveryHashAsBefore) {
  const Grid before = grid_of(nullptr);
  const std::vector<int> native = {22050};
  for (const char* r : {"soxr_hq", "soxr_vhq", "sinc_best"}) {
    const Grid g = grid_of(&native, {std::string("features.resample=\"") + r + "\""});
    ASSERT_EQ(g.size(), 2u);
    for (std::size_t i = 0; i < g.size(); ++i) {
      EXPECT_EQ(g.config_hash(i), before.config_hash(i)) << r;
      EXPECT_EQ(g.feature_hash(i), before.feature_hash(i)) << r;
      EXPECT_EQ(g.unit(i).canonical.find("features.resample"), std::string::npos) << r;
    }
  }
  // As an axis it makes no units of its own: they would all be the same unit.
  const Grid axis = grid_of(&native, {"grid.features.resample=[\"soxr_hq\", \"sinc_best\"]"});
  EXPECT_EQ(axis.size(), 2u);
  EXPECT_EQ(axis.duplicates_removed(), 2u);
}

TEST(GridResampler, ResampledUnitsHashTheirResamplerButSincBestKeepsTheOldHash) {
  const Grid before = grid_of(nullptr);
  const std::vector<int> mp3s = {22050, 44100};
  const Grid hq = grid_of(&mp3s);  // the default, soxr_hq
  const Grid vhq = grid_of(&mp3s, {"features.resample=\"soxr_vhq\""});
  const Grid sinc = grid_of(&mp3s, {"features.resample=\"sinc_best\""});
  for (std::size_t i = 0; i < before.size(); ++i) {
    EXPECT_EQ(sinc.config_hash(i), before.config_hash(i));
    EXPECT_EQ(sinc.feature_hash(i), before.feature_hash(i));
    EXPECT_NE(hq.config_hash(i), before.config_hash(i));
    EXPECT_NE(hq.feature_hash(i), before.feature_hash(i));
    EXPECT_NE(vhq.config_hash(i), hq.config_hash(i));
    EXPECT_NE(hq.unit(i).canonical.find("features.resample=\"soxr_hq\"\n"), std::string::npos);
  }
}

TEST(GridResampler, OnlyTheSampleRatesThatResampleHashTheResampler) {
  // Files at 22050 Hz, features at 22050 and 44100 Hz: only the 44100 Hz units resample.
  const std::vector<int> native = {22050};
  const Grid g = grid_of(&native, {"grid.features.sample_rate=[22050, 44100]"});
  const Grid unprobed = grid_of(nullptr, {"grid.features.sample_rate=[22050, 44100]"});
  ASSERT_EQ(g.size(), 4u);
  for (std::size_t i = 0; i < g.size(); ++i) {
    const bool at_44k = g.unit(i).canonical.find("features.sample_rate=44100") != std::string::npos;
    EXPECT_EQ(g.config_hash(i) == unprobed.config_hash(i), !at_44k) << g.unit(i).canonical;
    EXPECT_EQ(g.unit(i).canonical.find("features.resample") != std::string::npos, at_44k);
  }
}

}  // namespace
}  // namespace vaesweep
