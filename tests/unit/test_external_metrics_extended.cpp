// Extended external metrics: AMI, homogeneity, completeness, V-measure, Fowlkes-Mallows and
// the all-in-one external_scores. Expected values come from scikit-learn 1.2.1
// (tests/data/sklearn/cm_external_*.csv, made by
// tests/reference/make_cluster_metrics_reference.py) unless a test says it is analytic.
#include <gtest/gtest.h>

#include <cmath>
#include <map>
#include <random>
#include <string>
#include <vector>

#include "util/error.hpp"
#include "metrics/external.hpp"
#include "test_csv_util.hpp"

namespace vm = vaesweep::metrics;
namespace vt = vaesweep::test;

namespace {

constexpr double kTol = 1e-9;

struct Case {
  std::string name;
  std::vector<int> truth, pred;
};

std::vector<Case> reference_cases(const vt::CsvTable& expected) {
  const auto labels = vt::read_csv(vt::sklearn_path("cm_external_labels.csv"));
  std::map<int, Case> by_id;
  for (std::size_t r = 0; r < labels.rows.size(); ++r) {
    Case& c = by_id[labels.integer(r, "case")];
    c.truth.push_back(labels.integer(r, "truth"));
    c.pred.push_back(labels.integer(r, "pred"));
  }
  std::vector<Case> out;
  for (std::size_t r = 0; r < expected.rows.size(); ++r) {
    Case c = by_id.at(expected.integer(r, "case"));
    c.name = expected.cell(r, "name");
    EXPECT_EQ(c.truth.size(), static_cast<std::size_t>(expected.integer(r, "n"))) << c.name;
    out.push_back(std::move(c));
  }
  return out;
}

}  // namespace

TEST(ExternalMetricsExtended, MatchSklearnOnEveryReferenceCase) {
  const auto expected = vt::read_csv(vt::sklearn_path("cm_external_expected.csv"));
  const std::vector<Case> cases = reference_cases(expected);
  ASSERT_GE(cases.size(), 19u);
  for (std::size_t r = 0; r < cases.size(); ++r) {
    const Case& c = cases[r];
    SCOPED_TRACE(c.name);
    // sklearn.metrics.adjusted_mutual_info_score (arithmetic), homogeneity_score,
    // completeness_score, v_measure_score, fowlkes_mallows_score; ARI and NMI too.
    const std::vector<std::pair<std::string, double>> got = {
        {"ari", vm::adjusted_rand_index(c.truth, c.pred)},
        {"nmi", vm::normalized_mutual_info(c.truth, c.pred)},
        {"ami", vm::adjusted_mutual_info(c.truth, c.pred)},
        {"homogeneity", vm::homogeneity(c.truth, c.pred)},
        {"completeness", vm::completeness(c.truth, c.pred)},
        {"v_measure", vm::v_measure(c.truth, c.pred)},
        {"fowlkes_mallows", vm::fowlkes_mallows(c.truth, c.pred)},
    };
    const vm::ExternalScores all = vm::external_scores(c.truth, c.pred);
    const std::vector<double> from_all = {all.ari, all.nmi, all.ami, all.homogeneity,
                                          all.completeness, all.v_measure, all.fowlkes_mallows};
    for (std::size_t m = 0; m < got.size(); ++m) {
      const double want = expected.number(r, got[m].first);
      EXPECT_NEAR(got[m].second, want, kTol) << got[m].first;
      // The all-in-one struct gives the very same numbers as the single functions.
      EXPECT_EQ(from_all[m], got[m].second) << got[m].first;
    }
    EXPECT_EQ(all.purity, vm::purity(c.truth, c.pred));
  }
}

TEST(ExternalMetricsExtended, AnalyticCases) {
  // Identical partitions (up to renaming): every score is 1.
  const std::vector<int> a = {0, 0, 1, 1, 2, 2, 2};
  const std::vector<int> b = {5, 5, -1, -1, 1000, 1000, 1000};
  const vm::ExternalScores s = vm::external_scores(a, b);
  EXPECT_NEAR(s.ami, 1.0, 1e-12);
  EXPECT_NEAR(s.homogeneity, 1.0, 1e-12);
  EXPECT_NEAR(s.completeness, 1.0, 1e-12);
  EXPECT_NEAR(s.v_measure, 1.0, 1e-12);
  EXPECT_DOUBLE_EQ(s.fowlkes_mallows, 1.0);
  EXPECT_DOUBLE_EQ(s.purity, 1.0);
  // Splitting every class in two: homogeneity stays 1 (each cluster is pure), completeness
  // is H(truth) / H(pred) = log 2 / log 4 = 1/2 for two equal classes split into four equal
  // clusters; FMI = sqrt(TP / (TP + FP) * TP / (TP + FN)) with TP = 4, TP + FP = 4 (pairs in
  // one cluster) and TP + FN = 12 (pairs in one class): sqrt(1 * 1/3).
  const std::vector<int> t = {0, 0, 0, 0, 1, 1, 1, 1};
  const std::vector<int> p = {0, 0, 1, 1, 2, 2, 3, 3};
  EXPECT_NEAR(vm::homogeneity(t, p), 1.0, 1e-12);
  EXPECT_NEAR(vm::completeness(t, p), 0.5, 1e-12);
  EXPECT_NEAR(vm::v_measure(t, p), 2 * 0.5 / 1.5, 1e-12);
  EXPECT_NEAR(vm::fowlkes_mallows(t, p), std::sqrt(1.0 / 3.0), 1e-12);
  // AMI is symmetric, like sklearn's.
  EXPECT_NEAR(vm::adjusted_mutual_info(t, p), vm::adjusted_mutual_info(p, t), 1e-12);
}

TEST(ExternalMetricsExtended, AmiIsNearZeroForIndependentLabellings) {
  // The expected mutual information is what makes AMI chance-adjusted: the mean AMI of
  // independent random labellings is close to 0 while their NMI is clearly positive.
  std::mt19937 rng(7);
  std::uniform_int_distribution<int> ten(0, 9);
  double mean_ami = 0;
  double mean_nmi = 0;
  constexpr int kReps = 20;
  for (int rep = 0; rep < kReps; ++rep) {
    std::vector<int> t(200), p(200);
    for (auto& v : t) v = ten(rng);
    for (auto& v : p) v = ten(rng);
    mean_ami += vm::adjusted_mutual_info(t, p) / kReps;
    mean_nmi += vm::normalized_mutual_info(t, p) / kReps;
  }
  EXPECT_LT(std::abs(mean_ami), 0.01);
  EXPECT_GT(mean_nmi, 0.1);
}

TEST(ExternalMetricsExtended, DegenerateInputs) {
  // Empty input: sklearn returns 1.0 for AMI and homogeneity/completeness/V, 0.0 for FMI.
  const std::vector<int> none;
  EXPECT_EQ(vm::adjusted_mutual_info(none, none), 1.0);
  EXPECT_EQ(vm::homogeneity(none, none), 1.0);
  EXPECT_EQ(vm::completeness(none, none), 1.0);
  EXPECT_EQ(vm::v_measure(none, none), 1.0);
  EXPECT_EQ(vm::fowlkes_mallows(none, none), 0.0);
  EXPECT_THROW(vm::external_scores(none, none), vaesweep::UserError);
  // Both sides all singletons (n = 2 and 4, where sklearn's rounding gives 0.0): documented
  // as 1.0 here, identical partitions.
  EXPECT_EQ(vm::adjusted_mutual_info({0, 1}, {1, 0}), 1.0);
  EXPECT_EQ(vm::adjusted_mutual_info({0, 1, 2, 3}, {7, 6, 5, 4}), 1.0);
  // Size mismatch.
  const std::vector<int> three = {0, 1, 2};
  const std::vector<int> two = {0, 1};
  EXPECT_THROW(vm::adjusted_mutual_info(three, two), vaesweep::UserError);
  EXPECT_THROW(vm::homogeneity(three, two), vaesweep::UserError);
  EXPECT_THROW(vm::completeness(three, two), vaesweep::UserError);
  EXPECT_THROW(vm::v_measure(three, two), vaesweep::UserError);
  EXPECT_THROW(vm::fowlkes_mallows(three, two), vaesweep::UserError);
  EXPECT_THROW(vm::external_scores(three, two), vaesweep::UserError);
}

TEST(ExternalMetricsExtended, LargeTablesStayFinite) {
  // 20000 samples, truth in 10 classes against 2000 small clusters: the EMI sum has ~20000
  // (class, cluster) pairs; it must stay finite and in [-1, 1].
  std::mt19937 rng(3);
  std::vector<int> t(20000), p(20000);
  for (std::size_t i = 0; i < t.size(); ++i) {
    t[i] = static_cast<int>(i % 10);
    p[i] = static_cast<int>(rng() % 2000);
  }
  const vm::ExternalScores s = vm::external_scores(t, p);
  EXPECT_TRUE(std::isfinite(s.ami));
  EXPECT_LE(std::abs(s.ami), 1.0);
  EXPECT_LT(std::abs(s.ami), 0.05);  // independent labellings
}
