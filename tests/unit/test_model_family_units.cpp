// Work units of the model family on the synthetic corpus: text-only clustering recovers the
// planted language, a cvae's conditioned label set is withheld (or flagged when allowed), a
// collapsed posterior is marked, hybrid fusion and convolutional units run, checkpoints are saved.
#include <gtest/gtest.h>

#include <cmath>

#include "study/grid.hpp"
#include "util/strings.hpp"
#include "data/dataset.hpp"
#include "models/vae.hpp"
#include "pipeline/unit_runner.hpp"
#include "temp_dir.hpp"

namespace vaesweep::pipeline {
namespace {
namespace fs = std::filesystem;

class ModelFamilyUnits : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    models::use_threads(1);
    cache_ = new test::TempDir();
  }
  static void TearDownTestSuite() { delete cache_; }

  // The grid of a study on an 80-clip synthetic corpus (genre and language planted).
  static Grid grid(const std::string& body, const std::vector<std::string>& overrides = {}) {
    const std::string text = "[data]\nsource = \"synthetic\"\nclips = 80\ncache_dir = \"" + cache_->path().string() +
                             "\"\n" + body;
    return expand_grid(parse_study(text, cache_->path() / "s.toml", overrides));
  }
  static data::FeatureTable table(const WorkUnit& u) { return data::load_features(u.data, u.features, u.text); }

  // External metric `metric` against `set` of evaluation e (label sets in the unit's order).
  static double score(const WorkUnit& u, const results::EvaluationRecord& e, const std::string& set, std::size_t metric = 0) {
    const auto it = std::find(u.evaluation.label_sets.begin(), u.evaluation.label_sets.end(), set);
    return e.external[static_cast<std::size_t>(it - u.evaluation.label_sets.begin()) * results::external_metric_names().size() + metric];
  }
  static test::TempDir* cache_;
};
test::TempDir* ModelFamilyUnits::cache_ = nullptr;

const char* kModel = "[model]\nhidden = [32, 16]\nlatent_dim = 4\nepochs = 40\nbatch_size = 16\n";

TEST_F(ModelFamilyUnits, TextOnlyKMeansRecoversTheLanguage) {
  const Grid g = grid(std::string(kModel) + "[features]\nmodalities = [\"text\"]\n[cluster]\nk = 2\n[grid]\nmodel = [\"raw\", \"vae\"]\n");
  ASSERT_EQ(g.size(), 2u);
  const data::FeatureTable t = table(g.unit(0));
  ASSERT_EQ(t.X.cols(), 384);  // text only: the n-gram embedding, no audio column
  for (std::size_t i = 0; i < g.size(); ++i) {
    const WorkUnit u = g.unit(i);
    const UnitOutcome o = run_unit(u, t, {});
    ASSERT_EQ(o.unit.status, results::UnitStatus::ok) << o.unit.message;
    // Planted: English lyrics in Latin script, Bangla in Bengali script.
    EXPECT_GE(score(u, o.evaluations.at(0), "language"), 0.95) << u.label();
  }
}

TEST_F(ModelFamilyUnits, ConditionedLabelSetIsWithheldOrFlagged) {
  const Grid g = grid(std::string(kModel) + "kind = \"cvae\"\ncondition_on = \"genre\"\n[cluster]\nk = 4\n");
  const WorkUnit u = g.unit(0);
  ASSERT_EQ(u.evaluation.label_sets, (std::vector<std::string>{"genre", "language"}));
  const data::FeatureTable t = table(u);
  const UnitOutcome withheld = run_unit(u, t, {});
  ASSERT_EQ(withheld.unit.status, results::UnitStatus::ok) << withheld.unit.message;
  EXPECT_EQ(withheld.unit.condition_on, "genre");
  EXPECT_EQ(withheld.unit.withheld, "genre");
  const results::EvaluationRecord& e = withheld.evaluations.at(0);
  EXPECT_EQ(e.conditioned, 0);
  for (std::size_t m = 0; m < results::external_metric_names().size(); ++m) EXPECT_TRUE(std::isnan(score(u, e, "genre", m)));
  EXPECT_TRUE(std::isfinite(score(u, e, "language")));
  EXPECT_TRUE(std::isfinite(e.silhouette));

  const Grid allowed = grid(std::string(kModel) + "kind = \"cvae\"\ncondition_on = \"genre\"\n[cluster]\nk = 4\n"
                                                   "[evaluation]\nallow_conditioned_scoring = true\n");
  EXPECT_NE(allowed.config_hash(0), g.config_hash(0));
  const UnitOutcome flagged = run_unit(allowed.unit(0), t, {});
  EXPECT_EQ(flagged.unit.withheld, "");
  EXPECT_EQ(flagged.evaluations.at(0).conditioned, 1);
  EXPECT_TRUE(std::isfinite(score(u, flagged.evaluations.at(0), "genre")));
  EXPECT_NE(conditioning_notice(parse_study("[model]\nkind = \"cvae\"\ncondition_on = \"genre\"\n", "s.toml")).find("withheld"),
            std::string::npos);
}

TEST_F(ModelFamilyUnits, HugeBetaIsMarkedCollapsed) {
  const Grid g = grid(std::string(kModel) + "beta = 1000.0\n[grid]\nmodel = [\"vae\", \"ae\"]\n");
  const data::FeatureTable t = table(g.unit(0));
  const UnitOutcome vae = run_unit(g.unit(0), t, {});
  ASSERT_EQ(vae.unit.status, results::UnitStatus::ok) << vae.unit.message;  // collapsed is still a result, and scored
  EXPECT_EQ(vae.unit.active_units, 0);
  EXPECT_EQ(vae.unit.collapsed, 1);
  // The autoencoder has no KL term: beta does not apply and its codes stay informative.
  const UnitOutcome ae = run_unit(g.unit(1), t, {});
  EXPECT_EQ(ae.unit.model, "ae");
  EXPECT_TRUE(std::isnan(ae.unit.beta));
  EXPECT_EQ(ae.unit.kl, 0.0);
  EXPECT_EQ(ae.unit.collapsed, 0);
  EXPECT_GT(score(g.unit(1), ae.evaluations.at(0), "genre"), 0.5);
}

TEST_F(ModelFamilyUnits, HybridFusionEarlyAndLate) {
  // The audio block down-weighted: k = 2 then follows the text, whose script gives the language.
  const Grid g = grid(std::string(kModel) + "[features]\nmodalities = [\"audio\", \"text\"]\naudio_weight = 0.1\n[cluster]\nk = 2\n"
                                            "[grid]\nmodel = [\"vae\", \"pca\"]\n\"features.fusion\" = [\"early\", \"late\"]\n");
  ASSERT_EQ(g.size(), 4u);
  const data::FeatureTable t = table(g.unit(0));
  ASSERT_EQ(t.blocks.size(), 2u);
  for (std::size_t i = 0; i < g.size(); ++i) {
    const WorkUnit u = g.unit(i);
    const UnitOutcome o = run_unit(u, t, {});
    ASSERT_EQ(o.unit.status, results::UnitStatus::ok) << u.label() << ": " << o.unit.message;
    const std::string& space = o.evaluations.at(0).space;
    EXPECT_EQ(space.size() > 5 && space.substr(space.size() - 5) == "+text", u.features.fusion == Fusion::late) << space;
    if (u.features.fusion == Fusion::late) {
      EXPECT_GE(score(u, o.evaluations.at(0), "language"), 0.95) << u.label();
    }
  }
}

TEST_F(ModelFamilyUnits, ConvolutionalVaeOnLogMelPatches) {
  const Grid g = grid(
      "[features]\nkind = \"logmel\"\nn_mels = 16\nframes = 24\n[model]\nkind = \"conv_vae\"\nhidden = [8, 16]\n"
      "latent_dim = 4\nepochs = 15\nbatch_size = 16\n[grid]\n\"model.convolution\" = [\"1d\", \"2d\"]\n");
  ASSERT_EQ(g.size(), 2u);
  const data::FeatureTable t = table(g.unit(0));
  ASSERT_EQ(t.shape, (std::vector<int>{16, 24}));
  for (std::size_t i = 0; i < g.size(); ++i) {
    const UnitOutcome o = run_unit(g.unit(i), t, {});
    ASSERT_EQ(o.unit.status, results::UnitStatus::ok) << o.unit.message;
    EXPECT_EQ(o.evaluations.at(0).space, "conv_vae_latent");
    EXPECT_EQ(o.unit.epochs_run, 15);
    EXPECT_GT(o.unit.active_units, 0);
  }
}

TEST_F(ModelFamilyUnits, ReconstructionExamplesAreKeptWhenAsked) {
  const Grid g = grid(std::string(kModel) + "reconstruction_examples = 3\n");
  const data::FeatureTable t = table(g.unit(0));
  const UnitOutcome o = run_unit(g.unit(0), t, {});
  ASSERT_EQ(o.unit.status, results::UnitStatus::ok) << o.unit.message;
  // Three examples: the first, middle and last rows (evenly spaced over 80 rows: 0, 40, 79).
  const auto examples = split(o.unit.reconstructions, ';');
  ASSERT_EQ(examples.size(), 3u);
  const std::vector<std::size_t> rows = {0, 40, 79};
  double error = 0;
  for (std::size_t e = 0; e < 3; ++e) {
    const auto colon = examples[e].find(':');
    EXPECT_EQ(examples[e].substr(0, colon), t.ids[rows[e]]);
    const auto halves = split(examples[e].substr(colon + 1), '|');
    ASSERT_EQ(halves.size(), 2u);
    const auto input = split(halves[0], ' '), output = split(halves[1], ' ');
    ASSERT_EQ(input.size(), static_cast<std::size_t>(t.X.cols()));
    ASSERT_EQ(output.size(), input.size());
    for (std::size_t j = 0; j < input.size(); ++j) {
      // The input is the row as the model saw it (float32, printed to 9 digits).
      EXPECT_NEAR(std::stod(input[j]), t.X(static_cast<Eigen::Index>(rows[e]), static_cast<Eigen::Index>(j)),
                  1e-6 * (1 + std::abs(t.X(static_cast<Eigen::Index>(rows[e]), static_cast<Eigen::Index>(j)))));
      error += std::pow(std::stod(output[j]) - std::stod(input[j]), 2);
    }
  }
  // A trained model reconstructs better than predicting zero (the column means) would.
  double baseline = 0;
  for (std::size_t r : rows) baseline += t.X.row(static_cast<Eigen::Index>(r)).squaredNorm();
  EXPECT_LT(error, baseline);
  EXPECT_EQ(run_unit(grid("").unit(0), t, {}).unit.reconstructions, "");
}

TEST_F(ModelFamilyUnits, CheckpointsAreSavedBesideTheResults) {
  const Grid g = grid(std::string(kModel) + "checkpoints = true\n");
  const WorkUnit u = g.unit(0);
  const data::FeatureTable t = table(u);
  test::TempDir out;
  RunContext context;
  context.checkpoint_dir = out / "r.h5.checkpoints";
  context.results_folder = out.path();
  const UnitOutcome o = run_unit(u, t, context);
  ASSERT_EQ(o.unit.status, results::UnitStatus::ok) << o.unit.message;
  EXPECT_EQ(o.unit.checkpoint, "r.h5.checkpoints/" + u.config_hash + ".pt");
  const models::Checkpoint c = models::read_checkpoint(out / o.unit.checkpoint);
  EXPECT_EQ(c.notes.at("config_hash"), u.config_hash);
  EXPECT_EQ(c.notes.at("modalities"), "audio");
  EXPECT_EQ(c.params.latent_dim, 4);
  const Eigen::MatrixXd Z = models::encode_with_checkpoint(out / o.unit.checkpoint, t.X);
  EXPECT_EQ(Z.rows(), static_cast<Eigen::Index>(t.rows()));
  EXPECT_EQ(Z.cols(), 4);
  // Without a checkpoint folder (no results file to sit beside) nothing is saved.
  EXPECT_EQ(run_unit(u, t, {}).unit.checkpoint, "");
}

}  // namespace
}  // namespace vaesweep::pipeline
