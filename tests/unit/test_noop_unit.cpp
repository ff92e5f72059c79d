// model.kind = "noop": the engine benchmark stand-in. It trains and clusters nothing, sleeps
// model.noop_seconds and reports one row per (method, k) whose metrics are pseudo-random draws
// from the unit seed. Expected values come from that definition: the rows evaluated_ks gives,
// draws in [0, 1), the same draws for the same seed.
#include <gtest/gtest.h>

#include <cmath>

#include "util/error.hpp"
#include "study/grid.hpp"
#include "pipeline/partition.hpp"
#include "results/records.hpp"
#include "pipeline/unit_runner.hpp"

namespace vaesweep::pipeline {
namespace {

const char* kStudy = R"(
[model]
kind = "noop"
noop_seconds = 0.02
latent_dim = 6
[cluster]
methods = ["kmeans", "dbscan", "spectral"]
[grid]
k = [2, 5]
seed = [1, 2]
)";

// Every number of a row that should be a draw.
std::vector<double> numbers(const results::EvaluationRecord& e) {
  std::vector<double> out = {e.inertia, e.silhouette, e.calinski_harabasz, e.davies_bouldin, e.trustworthiness};
  out.insert(out.end(), e.external.begin(), e.external.end());
  return out;
}

TEST(NoopUnit, OneRowOfDrawsPerMethodAndK) {
  const Grid g = expand_grid(parse_study(kStudy, "s.toml"));
  ASSERT_EQ(g.size(), 2u);
  const WorkUnit unit = g.unit(0);
  const UnitOutcome o = run_unit(unit, data::FeatureTable{}, RunContext{});
  EXPECT_EQ(o.unit.status, results::UnitStatus::ok);
  EXPECT_EQ(o.unit.model, "noop");
  EXPECT_TRUE(std::isnan(o.unit.beta));
  EXPECT_EQ(o.unit.latent_dim, 6);
  EXPECT_EQ(o.unit.device, "cpu");
  EXPECT_EQ(o.unit.active_units, 0);
  EXPECT_GE(o.unit.train_seconds, 0.02);  // it slept
  std::size_t r = 0;
  for (ClusterMethod method : unit.cluster.methods)
    for (int k : evaluated_ks(method, {2, 5})) {
      ASSERT_LT(r, o.evaluations.size());
      const results::EvaluationRecord& e = o.evaluations[r++];
      EXPECT_EQ(e.method, to_string(method));
      EXPECT_EQ(e.k, k);
      EXPECT_EQ(e.status, results::UnitStatus::ok);
      EXPECT_EQ(e.space, "noop");
      EXPECT_EQ(e.clusters_found, k);
      EXPECT_EQ(e.external.size(), 2 * results::external_metric_names().size());  // genre, language
      for (double v : numbers(e)) {
        EXPECT_GE(v, 0.0);
        EXPECT_LT(v, 1.0);
      }
    }
  EXPECT_EQ(r, o.evaluations.size());
  EXPECT_EQ(o.evaluations.size(), 5u);  // kmeans and spectral at 2 and 5, dbscan once
}

TEST(NoopUnit, DrawsFollowTheSeed) {
  const Grid g = expand_grid(parse_study(kStudy, "s.toml"));
  const UnitOutcome a = run_unit(g.unit(0), data::FeatureTable{}, RunContext{});
  const UnitOutcome again = run_unit(g.unit(0), data::FeatureTable{}, RunContext{});
  const UnitOutcome other = run_unit(g.unit(1), data::FeatureTable{}, RunContext{});  // seed 2
  ASSERT_EQ(a.evaluations.size(), other.evaluations.size());
  for (std::size_t r = 0; r < a.evaluations.size(); ++r) {
    EXPECT_EQ(numbers(a.evaluations[r]), numbers(again.evaluations[r]));
    EXPECT_NE(numbers(a.evaluations[r]), numbers(other.evaluations[r]));
  }
  // Rows of one unit draw apart from each other too.
  EXPECT_NE(numbers(a.evaluations[0]), numbers(a.evaluations[1]));
}

TEST(NoopUnit, IsAModelKindWithASleepKey) {
  EXPECT_EQ(parse_model_kind("noop"), ModelKind::noop);
  EXPECT_EQ(to_string(ModelKind::noop), "noop");
  try {
    parse_model_kind("nop");
    FAIL() << "accepted model kind nop";
  } catch (const UserError& e) {
    EXPECT_NE(std::string(e.what()).find("vae, conv_vae, cvae, ae, pca, raw, noop"), std::string::npos) << e.what();
  }
  EXPECT_EQ(model_spec(parse_study("", "s.toml").settings).noop_seconds, 0.0);  // the default
  try {
    parse_study("[model]\nkind = \"noop\"\nnoop_seconds = -1.0\n", "s.toml");
    FAIL() << "accepted a negative sleep";
  } catch (const UserError& e) {
    EXPECT_NE(std::string(e.what()).find("s.toml:3: model.noop_seconds"), std::string::npos) << e.what();
  }
}

}  // namespace
}  // namespace vaesweep::pipeline
