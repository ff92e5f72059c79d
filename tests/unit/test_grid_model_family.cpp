// The model family and modality keys in the grid: hashes of studies written before these keys
// existed are unchanged, list-valued axes (the modality ablation), which keys each model kind
// and modality reads, and combinations refused at expansion.
#include <gtest/gtest.h>

#include "study/grid.hpp"
#include "user_error_expect.hpp"

namespace vaesweep {
namespace {

using test::expect_user_error_naming;

Grid grid_of(const std::string& text, const std::vector<std::string>& overrides = {}) {
  return expand_grid(parse_study(text, "s.toml", overrides));
}

// The config hashes vaesweep 48ac779 (before the model family and text keys existed) wrote for
// this study: results files of that version must resume with this one. Its models were trained
// by torch: with model.engine = "torch" they keep their hashes, with the batched engine (the
// default, other numbers) the trained units get new ones and PCA and noop units keep theirs.
TEST(GridModelFamily, HashesOfEarlierStudiesAreUnchanged) {
  const std::string text = R"(
[model]
kind = "noop"
[grid]
model = ["vae", "pca", "noop"]
beta = [1.0, 4.0]
latent_dim = [4, 8]
k = [2, 4]
seed = [1, 2]
)";
  const Grid g = grid_of(text, {"model.engine=\"torch\""});
  ASSERT_EQ(g.size(), 14u);
  EXPECT_EQ(g.config_hash(0), "d4236821e9382bf44b3285cd182a14034d4693c81e126cc8a773bf53912986a7");  // vae beta=1 latent 4 seed 1
  EXPECT_EQ(g.config_hash(7), "9789c24d46ae985b55998a7ba88cdbf8cf45424337d51287424cd2977385b620");  // vae beta=4 latent 8 seed 2
  EXPECT_EQ(g.config_hash(8), "1d9c2e0effaf53ca022d800deef524517a411b3346b1dc83eef473f94bef1844");  // pca latent 4 seed 1
  EXPECT_EQ(g.config_hash(13), "898b0bb4475f28778715f4b28576ae5dcc37016c86ce5ed9856fd76ec078dc57");  // noop seed 2
  EXPECT_EQ(g.feature_hash(0).substr(0, 16), "d9cb1a67ddf89e29");
  const Grid batched = grid_of(text);
  EXPECT_NE(batched.config_hash(0), g.config_hash(0));
  EXPECT_NE(batched.config_hash(7), g.config_hash(7));
  EXPECT_EQ(batched.config_hash(8), g.config_hash(8));
  EXPECT_EQ(batched.config_hash(13), g.config_hash(13));
  EXPECT_NE(batched.unit(0).canonical.find("model.engine=\"batched\"\n"), std::string::npos);
  // Setting a later key to its default changes nothing; away from it, the hash.
  const Grid same = grid_of("[model]\nkind = \"vae\"\nkl_schedule = \"constant\"\n[features]\nmodalities = [\"audio\"]\n");
  const Grid plain = grid_of("[model]\nkind = \"vae\"\n");
  EXPECT_EQ(same.config_hash(0), plain.config_hash(0));
  EXPECT_EQ(same.feature_hash(0), plain.feature_hash(0));
  EXPECT_NE(grid_of("[model]\nkl_schedule = \"linear\"\n").config_hash(0), plain.config_hash(0));
}

TEST(GridModelFamily, ModalitiesAreAnAxisOfLists) {
  const Grid g = grid_of(R"(
[grid]
modalities = [["audio"], ["text"], ["audio", "text"]]
)");
  ASSERT_EQ(g.size(), 3u);
  EXPECT_TRUE(g.unit(0).features.audio && !g.unit(0).features.text);
  EXPECT_TRUE(!g.unit(1).features.audio && g.unit(1).features.text);
  EXPECT_TRUE(g.unit(2).features.audio && g.unit(2).features.text);
  // Three tables: each modality set is its own feature table.
  EXPECT_EQ(g.feature_representatives().size(), 3u);
  EXPECT_NE(g.unit(1).label().find("features.modalities=[text]"), std::string::npos) << g.unit(1).label();
  // Audio keys do not shape text-only units; text keys do not shape audio-only ones.
  EXPECT_EQ(g.unit(1).canonical.find("features.n_mfcc"), std::string::npos);
  const Grid other = grid_of(R"(
[features]
n_mfcc = 20
[text]
dimension = 64
[grid]
modalities = [["audio"], ["text"], ["audio", "text"]]
)");
  EXPECT_NE(other.config_hash(0), g.config_hash(0));  // n_mfcc
  EXPECT_NE(other.config_hash(1), g.config_hash(1));  // text.dimension
  // The same for a feature table, which reads no other [features] key.
  const Grid table = grid_of(R"(
[data]
source = "table"
path = "t.csv"
[text]
path = "lyrics.csv"
[grid]
modalities = [["audio"], ["text"], ["audio", "text"]]
"features.fusion" = ["early", "late"]
)");
  EXPECT_EQ(table.size(), 4u);  // fusion applies to audio + text only
  EXPECT_NE(table.label(3).find("features.fusion=late"), std::string::npos) << table.label(3);
  const Grid audio_only_dim = grid_of("[text]\ndimension = 64\n");
  EXPECT_EQ(audio_only_dim.config_hash(0), grid_of("").config_hash(0));

  expect_user_error_naming([] { grid_of("[grid]\nmodalities = [\"audio\", \"text\"]\n"); },
                           "features.modalities takes a list, so its axis is a list of lists");
  expect_user_error_naming([] { grid_of("[features]\nmodalities = []\n"); }, "expected at least one of");
  expect_user_error_naming([] { grid_of("[features]\nmodalities = [\"audio\", \"video\"]\n"); },
                           "unknown name \"video\"");
}

TEST(GridModelFamily, EachKindReadsItsOwnKeys) {
  const Grid g = grid_of(R"(
[data]
labels = ["genre", "language"]
[model]
condition_on = "genre"
[grid]
model = ["vae", "cvae", "ae"]
beta = [1.0, 4.0]
)");
  // vae and cvae: two betas each; ae has no KL term, so no beta: one unit.
  ASSERT_EQ(g.size(), 5u);
  EXPECT_EQ(g.duplicates_removed(), 1u);
  for (std::size_t i = 0; i < g.size(); ++i) {
    const WorkUnit u = g.unit(i);
    const bool cvae = u.model.kind == ModelKind::cvae;
    EXPECT_EQ(u.canonical.find("model.condition_on") != std::string::npos, cvae) << u.label();
    if (u.model.kind == ModelKind::ae) {
      EXPECT_EQ(u.canonical.find("model.beta"), std::string::npos);
    }
  }
  // The warm-up length matters only to a linear schedule.
  EXPECT_EQ(grid_of("[model]\nwarmup_epochs = 5\n").config_hash(0), grid_of("").config_hash(0));
  EXPECT_NE(grid_of("[model]\nkl_schedule = \"linear\"\nwarmup_epochs = 5\n").config_hash(0),
            grid_of("[model]\nkl_schedule = \"linear\"\n").config_hash(0));
  // Checkpoints and reconstruction examples change no result.
  EXPECT_EQ(grid_of("[model]\ncheckpoints = true\nreconstruction_examples = 4\n").config_hash(0),
            grid_of("").config_hash(0));
}

TEST(GridModelFamily, ImpossibleCombinationsAreRefusedNamingTheKeys) {
  expect_user_error_naming([] { grid_of("[model]\nkind = \"cvae\"\n"); }, "model.condition_on");
  expect_user_error_naming([] { grid_of("[model]\nkind = \"cvae\"\ncondition_on = \"mood\"\n"); },
                           "\"mood\" is not one of data.labels");
  expect_user_error_naming([] { grid_of("[model]\nkind = \"conv_vae\"\n"); },
                           "needs sequence features: features.kind = \"logmel\" or \"mfcc_sequence\", not \"mfcc_stats\"");
  expect_user_error_naming(
      [] { grid_of("[features]\nkind = \"logmel\"\nmodalities = [\"audio\", \"text\"]\n[model]\nkind = \"conv_vae\"\n"); },
      "features.fusion = \"late\"");
  expect_user_error_naming([] { grid_of("[features]\nmodalities = [\"text\"]\n[data]\nsource = \"table\"\npath = \"t.csv\"\n"); },
                           "text.path");
  expect_user_error_naming([] { grid_of("[text]\nsource = \"embeddings\"\n[features]\nmodalities = [\"text\"]\n"); },
                           "needs text.path");
  expect_user_error_naming([] { grid_of("[text]\nlabel_map = [\"eng\"]\n[features]\nmodalities = [\"text\"]\n"); },
                           "text.label_map");
  // Fine: a conv_vae on log-mel patches, with text fused late.
  const Grid ok = grid_of(
      "[features]\nkind = \"logmel\"\nmodalities = [\"audio\", \"text\"]\nfusion = \"late\"\n[model]\nkind = \"conv_vae\"\n");
  EXPECT_EQ(ok.size(), 1u);
}

}  // namespace
}  // namespace vaesweep

namespace vaesweep {
namespace {

// model.engine = "auto" hashes as the engine it resolves to: batched on a CPU (the default
// before auto existed, so those results files resume), stacked on a GPU (other numbers, other
// hashes). conv_vae trained with torch under every engine but stacked: only stacked changes it.
TEST(GridModelFamily, AutoHashesAsTheEngineItResolvesTo) {
  const std::string text = "[features]\nkind = \"logmel\"\n[grid]\nmodel = [\"vae\", \"conv_vae\", \"pca\"]\n";
  const auto hashes = [&](const std::vector<std::string>& overrides, int gpu) {
    Study study = parse_study(text, "s.toml", overrides);
    if (gpu >= 0) resolve_auto_engine(study, gpu == 1);
    const Grid g = expand_grid(study);
    return std::vector<std::string>{g.config_hash(0), g.config_hash(1), g.config_hash(2)};
  };
  const auto unresolved = hashes({}, -1), on_cpu = hashes({}, 0), on_gpu = hashes({}, 1);
  const auto batched = hashes({"model.engine=\"batched\""}, -1), stacked = hashes({"model.engine=\"stacked\""}, -1);
  const auto torch = hashes({"model.engine=\"torch\""}, -1);
  EXPECT_EQ(unresolved, batched);
  EXPECT_EQ(on_cpu, batched);
  EXPECT_EQ(on_gpu, stacked);
  EXPECT_NE(on_gpu[0], batched[0]);                    // vae: stacked is another unit
  EXPECT_EQ(batched[1], torch[1]);                     // conv_vae: batched meant torch
  EXPECT_NE(stacked[1], torch[1]);                     // conv_vae: stacked is another unit
  EXPECT_EQ(stacked[2], torch[2]);                     // pca: no engine at all
  Study study = parse_study(text, "s.toml", {"model.engine=\"torch\""});
  EXPECT_EQ(resolve_auto_engine(study, true), "");     // nothing said auto
}

}  // namespace
}  // namespace vaesweep
