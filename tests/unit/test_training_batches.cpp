// Which units train together: the units of one architecture (differing in seed, beta, KL
// schedule, learning rate) form batches of at most 8 models, adjacent in the plan, split so that
// every rank gets a share; everything else trains alone, in its place.
#include <gtest/gtest.h>

#include <algorithm>
#include <map>
#include <numeric>
#include <set>

#include "study/grid.hpp"
#include "study/study.hpp"
#include "pipeline/training_batches.hpp"
#include "pipeline/unit_runner.hpp"

namespace vaesweep::pipeline {
namespace {

const char* kStudy = R"(
[data]
source = "synthetic"
[grid]
model = ["vae", "pca", "ae"]
latent_dim = [4, 8]
beta = [1.0, 4.0]
"model.learning_rate" = [1e-3, 3e-3]
seed = [1, 2, 3]
)";

std::vector<std::size_t> all_indices(const Grid& grid) {
  std::vector<std::size_t> order(grid.size());
  std::iota(order.begin(), order.end(), 0);
  return order;
}

// The batches of a batched order, as lists of grid indices.
std::vector<std::vector<std::size_t>> batches_of(const BatchedOrder& b) {
  std::vector<std::vector<std::size_t>> out;
  for (std::size_t i = 0; i < b.order.size(); ++i) {
    if (b.joins_previous.empty() || !b.joins_previous[i]) out.emplace_back();
    out.back().push_back(b.order[i]);
  }
  return out;
}

TEST(TrainingBatches, OneArchitecturePerBatchAtMostEightAndEveryUnitOnce) {
  const Study study = parse_study(kStudy, "s.toml");
  const Grid grid = expand_grid(study);
  const std::vector<std::size_t> order = all_indices(grid);
  const BatchedOrder b = batch_for_training(study, grid, order, 1);
  ASSERT_EQ(b.joins_previous.size(), b.order.size());
  std::vector<std::size_t> sorted = b.order;
  std::sort(sorted.begin(), sorted.end());
  EXPECT_EQ(sorted, order);
  // vae: 2 latents x 2 betas x 2 rates x 3 seeds = 24 units, 12 per latent_dim: batches 8 + 4.
  // ae has no beta: 2 latents x 2 rates x 3 seeds, 6 per latent_dim: one batch each. pca alone.
  std::map<std::string, std::vector<std::size_t>> sizes;
  for (const auto& batch : batches_of(b)) {
    const WorkUnit first = grid.unit(batch.front());
    for (std::size_t i : batch) {
      const WorkUnit u = grid.unit(i);
      EXPECT_EQ(u.model.kind, first.model.kind);
      EXPECT_EQ(u.model.latent_dim, first.model.latent_dim);
      EXPECT_EQ(training_batch_key(u), training_batch_key(first));
    }
    sizes[to_string(first.model.kind)].push_back(batch.size());
  }
  EXPECT_EQ(sizes["vae"], (std::vector<std::size_t>{8, 4, 8, 4}));
  EXPECT_EQ(sizes["ae"], (std::vector<std::size_t>{6, 6}));
  EXPECT_EQ(sizes["pca"], (std::vector<std::size_t>(6, 1)));
  // A batch's betas and seeds differ: they are the point of training together.
  const auto first_vae = batches_of(b).front();
  std::set<std::pair<double, std::uint64_t>> members;
  for (std::size_t i : first_vae) members.insert({grid.unit(i).model.beta, grid.unit(i).seed});
  EXPECT_GT(members.size(), 1u);
}

TEST(TrainingBatches, ABatchTakesItsFirstUnitsPlaceAndTheRestKeepTheirOrder) {
  const Study study = parse_study(kStudy, "s.toml");
  const Grid grid = expand_grid(study);
  std::vector<std::size_t> order = all_indices(grid);
  std::reverse(order.begin(), order.end());
  const BatchedOrder b = batch_for_training(study, grid, order, 1);
  // Units that train alone (pca) appear in the relative order they had.
  std::vector<std::size_t> alone_before, alone_after;
  for (std::size_t i : order)
    if (training_batch_key(grid.unit(i)).empty()) alone_before.push_back(i);
  for (std::size_t i : b.order)
    if (training_batch_key(grid.unit(i)).empty()) alone_after.push_back(i);
  EXPECT_EQ(alone_before, alone_after);
  // The first unit of the plan starts the first batch.
  EXPECT_EQ(b.order.front(), order.front());
}

TEST(TrainingBatches, SmallGroupsAreSharedAcrossRanks) {
  const Study study = parse_study("[grid]\nseed = [1, 2, 3, 4, 5, 6, 7, 8, 9, 10]\n", "s.toml");
  const Grid grid = expand_grid(study);
  // 10 models on 2 ranks: two batches of 5 rather than 8 + 2 (a rank would wait on the other).
  std::vector<std::size_t> sizes;
  for (const auto& batch : batches_of(batch_for_training(study, grid, all_indices(grid), 2))) sizes.push_back(batch.size());
  EXPECT_EQ(sizes, (std::vector<std::size_t>{5, 5}));
  sizes.clear();
  for (const auto& batch : batches_of(batch_for_training(study, grid, all_indices(grid), 1, 3))) sizes.push_back(batch.size());
  EXPECT_EQ(sizes, (std::vector<std::size_t>{3, 3, 3, 1}));
}

TEST(TrainingBatches, TorchEngineConvAndOneModelPerBatchTrainAlone) {
  for (const char* text : {"[model]\nengine = \"torch\"\n[grid]\nseed = [1, 2, 3]\n",
                           "[model]\nkind = \"pca\"\n[grid]\nseed = [1, 2, 3]\n"}) {
    const Study study = parse_study(text, "s.toml");
    const Grid grid = expand_grid(study);
    const BatchedOrder b = batch_for_training(study, grid, all_indices(grid), 1);
    EXPECT_EQ(b.order, all_indices(grid)) << text;
    EXPECT_TRUE(std::none_of(b.joins_previous.begin(), b.joins_previous.end(), [](auto j) { return j != 0; })) << text;
  }
  const Study study = parse_study("[grid]\nseed = [1, 2, 3]\n", "s.toml");
  const Grid grid = expand_grid(study);
  const BatchedOrder b = batch_for_training(study, grid, all_indices(grid), 1, 1);
  EXPECT_TRUE(std::none_of(b.joins_previous.begin(), b.joins_previous.end(), [](auto j) { return j != 0; }));
}

TEST(TrainingBatches, TheKeySeparatesWhatChangesTheNetworkAndNotWhatDoesNot) {
  const auto key = [](const std::string& text) {
    return training_batch_key(expand_grid(parse_study(text, "s.toml")).unit(0));
  };
  const std::string base = key("[model]\nbeta = 1.0\n");
  EXPECT_FALSE(base.empty());
  EXPECT_EQ(key("[model]\nbeta = 4.0\nlearning_rate = 0.01\nkl_schedule = \"linear\"\n[study]\nseed = 9\n"), base);
  EXPECT_EQ(key("[cluster]\nmethods = [\"agglomerative\"]\n"), base);
  EXPECT_NE(key("[model]\nlatent_dim = 3\n"), base);
  EXPECT_NE(key("[model]\nhidden = [32]\n"), base);
  EXPECT_NE(key("[model]\nepochs = 7\n"), base);
  EXPECT_NE(key("[model]\nbatch_size = 7\n"), base);
  EXPECT_NE(key("[model]\nkind = \"ae\"\n"), base);
  EXPECT_NE(key("[data]\nclips = 33\n"), base);
  EXPECT_TRUE(key("[model]\nengine = \"torch\"\n").empty());
}

}  // namespace
}  // namespace vaesweep::pipeline
