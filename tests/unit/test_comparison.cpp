// compare_results: configurations matched by settings, paired differences on shared seeds.
// Expected values: planted per-seed values whose differences are known, and scipy's
// ttest_rel for the p value (scipy.stats.ttest_rel([1.1, 2.3, 2.9], [1, 2, 3]).pvalue).
#include <gtest/gtest.h>

#include <cmath>
#include <map>
#include <tuple>

#include "report/comparison.hpp"

namespace vaesweep::report {
namespace {

// One row per (config, seed) with a silhouette value.
RankInput input(const std::vector<std::tuple<std::string, std::int64_t, double>>& rows) {
  RankInput in;
  in.key_names = {"model", "config", "method", "k", "space", "flags"};
  in.metric_names = {"silhouette"};
  for (const auto& [config, seed, value] : rows) {
    in.keys.push_back({"vae", config, "kmeans", "4", "vae_latent", ""});
    // What rank_input makes of the config (matching_config of its typed axes): beta = 1.0 is 1.
    in.matching_configs[config] = config == "beta=1.0" ? "beta=1" : config;
    in.unit_ids.push_back(config + "/" + std::to_string(seed));
    in.seeds.push_back(seed);
    in.metrics.push_back({value});
  }
  return in;
}

TEST(Comparison, MatchingIgnoresAxisOrderAndNumberFormat) {
  using A = results::AxisValues;
  EXPECT_EQ(matching_config(A{{"beta", 4.0}, {"latent_dim", std::int64_t{8}}, {"model.learning_rate", 0.001}}),
            matching_config(A{{"model.learning_rate", 0.001000000001}, {"latent_dim", std::int64_t{8}}, {"beta", std::int64_t{4}}}));
  EXPECT_NE(matching_config(A{{"beta", 4.0}, {"latent_dim", std::int64_t{8}}}),
            matching_config(A{{"beta", 4.0}, {"latent_dim", std::int64_t{16}}}));
  EXPECT_EQ(matching_config(A{{"features.modalities", "[audio, text]"}, {"features.standardize", true}}),
            "features.modalities=[audio, text] features.standardize=true");
}

TEST(Comparison, IdenticalSameDifferentAndOneSided) {
  const RankInput a = input({{"beta=1", 1, 1.0}, {"beta=1", 2, 2.0}, {"beta=1", 3, 3.0},
                             {"beta=4", 1, 0.5}, {"beta=4", 2, 0.6}, {"beta=4", 3, 0.7},
                             {"beta=8", 1, 0.1}, {"beta=8", 2, 0.2}});
  const RankInput b = input({{"beta=1.0", 1, 1.1}, {"beta=1.0", 2, 2.3}, {"beta=1.0", 3, 2.9},
                             {"beta=4", 1, 0.5}, {"beta=4", 2, 0.6}, {"beta=4", 3, 0.7},
                             {"beta=16", 1, 0.9}});
  RankOptions o;
  o.metric = "silhouette";
  const Comparison c = compare_results(a, b, o);
  ASSERT_EQ(c.configs.size(), 4u);
  std::map<std::string, const ComparedConfig*> by;
  for (const auto& x : c.configs) by[x.key_values[1]] = &x;

  const ComparedConfig& one = *by.at("beta=1");  // paired under A's text, matched with "beta=1.0"
  EXPECT_EQ(one.n_pairs, 3u);
  EXPECT_NEAR(one.diff, (0.1 + 0.3 - 0.1) / 3, 1e-12);
  EXPECT_NEAR(one.max_abs_diff, 0.3, 1e-12);
  EXPECT_NEAR(one.p, 0.4777670321329066, 1e-9);  // scipy.stats.ttest_rel (above)
  EXPECT_EQ(one.agreement, Agreement::same);

  EXPECT_EQ(by.at("beta=4")->agreement, Agreement::identical);
  EXPECT_EQ(by.at("beta=4")->max_abs_diff, 0.0);
  EXPECT_EQ(by.at("beta=8")->agreement, Agreement::only_a);
  EXPECT_EQ(by.at("beta=8")->n_a, 2u);
  EXPECT_EQ(by.at("beta=16")->agreement, Agreement::only_b);
  EXPECT_TRUE(std::isnan(by.at("beta=16")->mean_a));
}

TEST(Comparison, AConsistentShiftIsADifference) {
  std::vector<std::tuple<std::string, std::int64_t, double>> ra, rb;
  for (std::int64_t s = 1; s <= 8; ++s) {
    const double v = 0.1 * static_cast<double>(s % 3);
    ra.emplace_back("beta=1", s, v);
    rb.emplace_back("beta=1", s, v + 0.05 + 0.001 * static_cast<double>(s));
  }
  RankOptions o;
  o.metric = "silhouette";
  const Comparison c = compare_results(input(ra), input(rb), o);
  ASSERT_EQ(c.configs.size(), 1u);
  EXPECT_EQ(c.configs[0].agreement, Agreement::differs);
  EXPECT_NEAR(c.configs[0].diff, 0.05 + 0.001 * 4.5, 1e-12);
  EXPECT_LT(c.configs[0].diff_ci_low, c.configs[0].diff);
  EXPECT_GT(c.configs[0].diff_ci_high, c.configs[0].diff);
}

}  // namespace
}  // namespace vaesweep::report
