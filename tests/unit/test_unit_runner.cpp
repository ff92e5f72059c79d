// A work unit end to end on the synthetic corpus: planted genre structure is recovered, the
// outcome is deterministic, and a failing unit is recorded instead of stopping anything.
#include <gtest/gtest.h>

#include <cmath>
#include <filesystem>

#include "core/grid.hpp"
#include "data/dataset.hpp"
#include "models/vae.hpp"
#include "sweep/unit_runner.hpp"
#include "temp_dir.hpp"

namespace vaesweep::sweep {
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
    models::use_single_thread();
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
  static const EvaluationRecord& at_k(const UnitOutcome& o, int k) {
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
  EXPECT_EQ(o.unit.status, "ok") << o.unit.message;
  EXPECT_EQ(o.unit.model, "vae");
  ASSERT_EQ(o.evaluations.size(), 2u);
  const EvaluationRecord& e = at_k(o, 4);
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

TEST_F(UnitRunnerTest, AFailingUnitIsRecordedNotThrown) {
  WorkUnit bad = grid_->unit(1);
  bad.model.latent_dim = 500;  // more PCA components than features: the unit fails, alone
  const UnitOutcome o = run_unit(bad, *features_, {});
  EXPECT_EQ(o.unit.status, "failed");
  EXPECT_FALSE(o.unit.message.empty());
  ASSERT_EQ(o.evaluations.size(), 2u);
  EXPECT_EQ(o.evaluations[0].status, "failed");
  EXPECT_TRUE(std::isnan(o.evaluations[0].silhouette));
}

TEST(ClusteringSeed, DependsOnSeedMethodAndK) {
  EXPECT_EQ(clustering_seed(1, "kmeans", 4), clustering_seed(1, "kmeans", 4));
  EXPECT_NE(clustering_seed(1, "kmeans", 4), clustering_seed(2, "kmeans", 4));
  EXPECT_NE(clustering_seed(1, "kmeans", 4), clustering_seed(1, "kmeans", 5));
}

}  // namespace
}  // namespace vaesweep::sweep
