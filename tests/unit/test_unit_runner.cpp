// A work unit end to end on the synthetic corpus: planted genre structure is recovered, the
// outcome is deterministic, and a failing unit is recorded instead of stopping anything.
#include <gtest/gtest.h>

#include <algorithm>

#include <cmath>
#include <filesystem>

#include "cluster/pca.hpp"
#include "study/grid.hpp"
#include "data/dataset.hpp"
#include "models/vae.hpp"
#include "pipeline/unit_runner.hpp"
#include "temp_dir.hpp"

namespace vaesweep::pipeline {
namespace {
namespace fs = std::filesystem;

const char* kStudy = R"(
[data]
source = "synthetic"
clips = 80
cache_dir = "%CACHE%"

[model]
hidden = [64, 32]
latent_dim = 4
epochs = 60
batch_size = 32

[grid]
model = ["vae", "pca"]
k = [2, 4]
)";

class UnitRunnerTest : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    models::use_threads(1);
    std::string text = kStudy;
    cache_ = new test::TempDir();
    const std::string cache = cache_->path().string();
    text.replace(text.find("%CACHE%"), 7, cache);
    grid_ = new Grid(expand_grid(parse_study(text, "s.toml")));
    features_ = new data::FeatureTable(data::load_features(grid_->unit(0).data, grid_->unit(0).features));
  }
  static void TearDownTestSuite() {
    delete grid_;
    delete features_;
    delete cache_;
  }
  static const results::EvaluationRecord& at_k(const UnitOutcome& o, int k) {
    for (const auto& e : o.evaluations)
      if (e.k == k) return e;
    throw std::runtime_error("no evaluation for k");
  }
  static test::TempDir* cache_;
  static Grid* grid_;
  static data::FeatureTable* features_;
};
test::TempDir* UnitRunnerTest::cache_ = nullptr;
Grid* UnitRunnerTest::grid_ = nullptr;
data::FeatureTable* UnitRunnerTest::features_ = nullptr;

TEST_F(UnitRunnerTest, VaeLatentsRecoverThePlantedGenres) {
  ASSERT_EQ(grid_->size(), 2u);
  const UnitOutcome o = run_unit(grid_->unit(0), *features_, {});
  EXPECT_EQ(o.unit.status, results::UnitStatus::ok) << o.unit.message;
  EXPECT_EQ(o.unit.model, "vae");
  ASSERT_EQ(o.evaluations.size(), 2u);
  const results::EvaluationRecord& e = at_k(o, 4);
  EXPECT_EQ(e.space, "vae_latent");
  EXPECT_EQ(e.clusters_found, 4);
  // Chance ARI is 0; the corpus plants 4 genres as its dominant structure.
  EXPECT_GT(e.external[0], 0.8) << "ARI(genre) at k = 4";
  EXPECT_GT(e.silhouette, 0.0);
  EXPECT_TRUE(std::isfinite(e.calinski_harabasz) && std::isfinite(e.davies_bouldin));
}

TEST_F(UnitRunnerTest, PcaBaselineAndDeterminism) {
  const UnitOutcome a = run_unit(grid_->unit(1), *features_, {});
  const UnitOutcome b = run_unit(grid_->unit(1), *features_, {});
  EXPECT_EQ(a.unit.model, "pca");
  EXPECT_TRUE(std::isnan(a.unit.beta));
  EXPECT_EQ(at_k(a, 4).space, "pca");
  EXPECT_EQ(at_k(a, 4).silhouette, at_k(b, 4).silhouette);
  EXPECT_EQ(at_k(a, 4).external, at_k(b, 4).external);
  EXPECT_GT(at_k(a, 4).external[0], 0.8);
}

// PCA draws nothing from the unit's seed: units that differ only in seed take the first one's
// fit (reused_fit), with the numbers of a fresh fit; another solver is another fit.
TEST_F(UnitRunnerTest, PcaUnitsThatDifferOnlyInSeedShareOneFit) {
  data::FeatureTable features = *features_;
  features.X(0, 0) += 0.125;  // an input no other test fitted: the first unit below fits it
  WorkUnit first = grid_->unit(1);
  first.evaluation.store_latents = true;
  WorkUnit second = first;
  second.seed = first.seed + 1;
  const UnitOutcome a = run_unit(first, features, {});
  const UnitOutcome b = run_unit(second, features, {});
  ASSERT_EQ(a.unit.status, results::UnitStatus::ok) << a.unit.message;
  ASSERT_EQ(b.unit.status, results::UnitStatus::ok) << b.unit.message;
  EXPECT_EQ(a.unit.reused_fit, 0);
  EXPECT_EQ(b.unit.reused_fit, 1);
  EXPECT_EQ(a.unit.pca_solver, "full");  // auto on 80 rows: full, as sklearn's auto
  EXPECT_EQ(b.unit.pca_solver, "full");
  const Eigen::MatrixXd fresh = cluster::pca(features.X, first.model.latent_dim).transformed;
  const std::vector<double> fresh_rows = [&] {
    std::vector<double> out;
    for (Eigen::Index i = 0; i < fresh.rows(); ++i)
      for (Eigen::Index j = 0; j < fresh.cols(); ++j) out.push_back(fresh(i, j));
    return out;
  }();
  EXPECT_EQ(a.unit.latent, fresh_rows);
  EXPECT_EQ(b.unit.latent, fresh_rows);

  WorkUnit randomized = first;
  randomized.model.pca_solver = "randomized";
  const UnitOutcome r = run_unit(randomized, features, {});
  EXPECT_EQ(r.unit.reused_fit, 0);
  EXPECT_EQ(r.unit.pca_solver, "randomized");
  EXPECT_EQ(run_unit(randomized, features, {}).unit.reused_fit, 1);
}

// A results file whose pca units were fitted with the full solver (every pca unit was, before
// model.pca_solver existed): "auto" keeps full for those configurations' other seeds, so one
// configuration never mixes solvers across seeds; elsewhere it picks as scikit-learn does.
TEST_F(UnitRunnerTest, AutoKeepsTheFullSolverOfAConfigurationsEarlierUnits) {
  // 7 shifted copies of the 80 rows: more than 500 rows, where auto picks randomized.
  data::FeatureTable wide = *features_;
  const Eigen::Index n = features_->X.rows();
  wide.X.resize(7 * n, features_->X.cols());
  wide.ids.clear();
  wide.track_ids.clear();
  for (auto& set : wide.labels) set.codes.clear();
  for (int copy = 0; copy < 7; ++copy) {
    wide.X.middleRows(copy * n, n) = features_->X.array() + 0.01 * copy;
    for (Eigen::Index r = 0; r < n; ++r) {
      wide.ids.push_back(features_->ids[static_cast<std::size_t>(r)] + "/" + std::to_string(copy));
      wide.track_ids.push_back(wide.ids.back());
    }
    for (std::size_t l = 0; l < wide.labels.size(); ++l)
      wide.labels[l].codes.insert(wide.labels[l].codes.end(), features_->labels[l].codes.begin(),
                                  features_->labels[l].codes.end());
  }
  const WorkUnit unit = grid_->unit(1);
  ASSERT_EQ(unit.model.kind, ModelKind::pca);
  ASSERT_EQ(cluster::auto_pca_solver(wide.X.rows(), wide.X.cols(), unit.model.latent_dim), cluster::PcaSolver::randomized);
  EXPECT_EQ(run_unit(unit, wide, {}).unit.pca_solver, "randomized");
  RunContext resumed;
  resumed.full_pca_groups = {unit.group_hash};
  EXPECT_EQ(run_unit(unit, wide, resumed).unit.pca_solver, "full");
  resumed.full_pca_groups = {"another configuration"};
  EXPECT_EQ(run_unit(unit, wide, resumed).unit.pca_solver, "randomized");
}

// Every unit with a latent space gets disentanglement scores per label set and its total
// correlation. PCA's components are uncorrelated by construction: total correlation 0 (to
// rounding); the corpus plants 4 genres, which a linear classifier on the 4 components finds.
TEST_F(UnitRunnerTest, EveryUnitWithALatentSpaceIsScoredForDisentanglement) {
  const UnitOutcome o = run_unit(grid_->unit(1), *features_, {});
  const auto& sets = grid_->unit(1).evaluation.label_sets;
  ASSERT_FALSE(sets.empty());
  ASSERT_EQ(o.unit.disentanglement.size(), sets.size() * results::disentanglement_field_names().size());
  ASSERT_EQ(o.unit.disentangled_rows.size(), sets.size());
  ASSERT_EQ(o.unit.mi_per_dim.size(), sets.size());
  EXPECT_NEAR(o.unit.total_correlation, 0.0, 1e-9);
  const auto genre = std::find(sets.begin(), sets.end(), "genre") - sets.begin();
  ASSERT_LT(genre, static_cast<std::ptrdiff_t>(sets.size()));
  const std::size_t at = static_cast<std::size_t>(genre) * results::disentanglement_field_names().size();
  EXPECT_EQ(o.unit.disentangled_rows[static_cast<std::size_t>(genre)], static_cast<std::int64_t>(features_->rows()));
  EXPECT_GT(o.unit.disentanglement[at + 3], 0.8) << "DCI informativeness for genre";
  EXPECT_NEAR(o.unit.disentanglement[at + 4], std::log(4.0), 0.05) << "H(genre) of 4 near-balanced genres";
  EXPECT_EQ(std::count(o.unit.mi_per_dim[static_cast<std::size_t>(genre)].begin(),
                       o.unit.mi_per_dim[static_cast<std::size_t>(genre)].end(), ';'),
            3);  // 4 dimensions
}

TEST_F(UnitRunnerTest, AFailingUnitIsRecordedNotThrown) {
  WorkUnit bad = grid_->unit(1);
  bad.model.latent_dim = 500;  // more PCA components than features: the unit fails, alone
  const UnitOutcome o = run_unit(bad, *features_, {});
  EXPECT_EQ(o.unit.status, results::UnitStatus::failed);
  EXPECT_FALSE(o.unit.message.empty());
  ASSERT_EQ(o.evaluations.size(), 2u);
  EXPECT_EQ(o.evaluations[0].status, results::UnitStatus::failed);
  EXPECT_TRUE(std::isnan(o.evaluations[0].silhouette));
  EXPECT_TRUE(o.unit.disentanglement.empty());
  EXPECT_TRUE(std::isnan(o.unit.total_correlation));
}

TEST(ClusteringSeed, DependsOnSeedMethodAndK) {
  EXPECT_EQ(clustering_seed(1, "kmeans", 4), clustering_seed(1, "kmeans", 4));
  EXPECT_NE(clustering_seed(1, "kmeans", 4), clustering_seed(2, "kmeans", 4));
  EXPECT_NE(clustering_seed(1, "kmeans", 4), clustering_seed(1, "kmeans", 5));
}

}  // namespace
}  // namespace vaesweep::pipeline
