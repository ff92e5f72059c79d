// DBSCAN and its k-distance helpers. Expected labels, core samples and k-distances come from
// scikit-learn 1.2.1 (DBSCAN(eps, min_samples) and NearestNeighbors(n_neighbors=k)) on the
// same inputs (tests/data/sklearn/cm_*.csv, made by
// tests/reference/make_cluster_metrics_reference.py, which also checks that no pairwise
// distance lies within 1e-6 relative of eps); the knee values come from that script's numpy
// implementation of the rule in dbscan.hpp. Other expectations are analytic or come from a
// direct O(n^2) implementation of sklearn's algorithm written here.
#include <gtest/gtest.h>

#include <Eigen/Dense>
#include <algorithm>
#include <cmath>
#include <limits>
#include <random>
#include <string>
#include <vector>

#include "cluster/dbscan.hpp"
#include "util/error.hpp"
#include "metrics/external.hpp"
#include "test_csv_util.hpp"

namespace vc = vaesweep::cluster;
namespace vt = vaesweep::test;

namespace {

vc::DbscanParams params(double eps, int min_samples) {
  vc::DbscanParams p;
  p.eps = eps;
  p.min_samples = min_samples;
  return p;
}

// Squared distances summed feature by feature, as dbscan.hpp documents.
Eigen::MatrixXd squared_distances(const Eigen::MatrixXd& X) {
  const Eigen::Index n = X.rows();
  const Eigen::MatrixXd XT = X.transpose();
  Eigen::MatrixXd D2(n, n);
  for (Eigen::Index i = 0; i < n; ++i)
    for (Eigen::Index j = 0; j < n; ++j) {
      const double* a = XT.col(i).data();
      const double* b = XT.col(j).data();
      double d2 = 0;
      for (Eigen::Index k = 0; k < XT.rows(); ++k) d2 += (b[k] - a[k]) * (b[k] - a[k]);
      D2(i, j) = d2;
    }
  return D2;
}

// sklearn's dbscan_inner on neighbourhoods from direct distances: the reference semantics.
vc::DbscanResult naive_dbscan(const Eigen::MatrixXd& D2, double eps, int min_samples) {
  const int n = static_cast<int>(D2.rows());
  std::vector<std::vector<int>> nb(static_cast<std::size_t>(n));
  for (int i = 0; i < n; ++i)
    for (int j = 0; j < n; ++j)
      if (D2(i, j) <= eps * eps) nb[static_cast<std::size_t>(i)].push_back(j);
  vc::DbscanResult r;
  r.labels.assign(static_cast<std::size_t>(n), -1);
  r.is_core.assign(static_cast<std::size_t>(n), 0);
  for (int i = 0; i < n; ++i)
    r.is_core[static_cast<std::size_t>(i)] = nb[static_cast<std::size_t>(i)].size() >= static_cast<std::size_t>(min_samples);
  int label = 0;
  for (int i = 0; i < n; ++i) {
    if (r.labels[static_cast<std::size_t>(i)] != -1 || !r.is_core[static_cast<std::size_t>(i)]) continue;
    std::vector<int> stack = {i};
    while (!stack.empty()) {
      const int v = stack.back();
      stack.pop_back();
      if (r.labels[static_cast<std::size_t>(v)] != -1) continue;
      r.labels[static_cast<std::size_t>(v)] = label;
      if (r.is_core[static_cast<std::size_t>(v)])
        for (int w : nb[static_cast<std::size_t>(v)])
          if (r.labels[static_cast<std::size_t>(w)] == -1) stack.push_back(w);
    }
    ++label;
  }
  r.n_clusters = label;
  return r;
}

void expect_same(const vc::DbscanResult& got, const vc::DbscanResult& want) {
  ASSERT_EQ(got.labels.size(), want.labels.size());
  EXPECT_EQ(got.is_core, want.is_core);
  EXPECT_EQ(got.n_clusters, want.n_clusters);
  int noise = 0;
  for (std::size_t i = 0; i < want.labels.size(); ++i) {
    EXPECT_EQ(got.labels[i] == -1, want.labels[i] == -1) << "sample " << i;
    noise += want.labels[i] == -1;
  }
  EXPECT_DOUBLE_EQ(got.noise_fraction, static_cast<double>(noise) / static_cast<double>(want.labels.size()));
  EXPECT_EQ(vaesweep::metrics::adjusted_rand_index(want.labels, got.labels), 1.0);
  // Documented: cluster numbers follow sklearn's growth order and border samples join the
  // lowest-numbered cluster among their core neighbours', so labels are equal outright.
  EXPECT_EQ(got.labels, want.labels);
}

}  // namespace

TEST(Dbscan, MatchesSklearnOnEveryReferenceCase) {
  const auto cases = vt::read_csv(vt::sklearn_path("cm_dbscan_expected.csv"));
  ASSERT_GE(cases.rows.size(), 13u);
  for (std::size_t r = 0; r < cases.rows.size(); ++r) {
    const std::string name = cases.cell(r, "case");
    SCOPED_TRACE(name);
    const Eigen::MatrixXd X = vt::read_matrix("cm_X_" + cases.cell(r, "dataset") + ".csv");
    const double eps = cases.number(r, "eps");
    const auto got = vc::dbscan(X, params(eps, cases.integer(r, "min_samples")));
    const auto ref = vt::read_csv(vt::sklearn_path("cm_dbscan_" + name + ".csv"));
    vc::DbscanResult want;
    want.labels = ref.int_column("label");
    for (int c : ref.int_column("core")) want.is_core.push_back(static_cast<std::uint8_t>(c));
    want.n_clusters = cases.integer(r, "n_clusters");
    expect_same(got, want);
    EXPECT_EQ(got.eps, eps);
    int n_core = 0;
    for (auto c : got.is_core) n_core += c;
    EXPECT_EQ(n_core, cases.integer(r, "n_core"));
  }
}

TEST(Dbscan, KDistancesAndKneeMatchReference) {
  const auto cases = vt::read_csv(vt::sklearn_path("cm_kdist_expected.csv"));
  ASSERT_GE(cases.rows.size(), 5u);
  for (std::size_t r = 0; r < cases.rows.size(); ++r) {
    const std::string ds = cases.cell(r, "dataset");
    const int k = cases.integer(r, "k");
    SCOPED_TRACE(ds + " k=" + std::to_string(k));
    const Eigen::MatrixXd X = vt::read_matrix("cm_X_" + ds + ".csv");
    const auto want = vt::read_csv(vt::sklearn_path("cm_kdist_" + ds + "_" + std::to_string(k) + ".csv"));
    const std::vector<double> got = vc::k_distances(X, k);
    ASSERT_EQ(got.size(), want.rows.size());
    for (std::size_t i = 0; i < got.size(); ++i) {
      const double w = want.number(i, "kdist");
      EXPECT_NEAR(got[i], w, 1e-9 * std::max(1.0, w)) << "sample " << i;
    }
    const double knee = cases.number(r, "knee_eps");
    EXPECT_NEAR(vc::knee_of_k_distances(got), knee, 1e-9 * std::max(1.0, knee));
    // "auto" uses exactly that knee with k = min_samples.
    vc::DbscanParams p;
    p.eps.reset();
    p.min_samples = k;
    const auto res = vc::dbscan(X, p);
    EXPECT_EQ(res.eps, vc::knee_of_k_distances(got));
    expect_same(res, naive_dbscan(squared_distances(X), res.eps, k));
  }
}

TEST(Dbscan, KneeRuleAnalytic) {
  // A flat curve then a jump: the knee is the last point before the jump (farthest below the
  // chord from (0, 1) to (1, 10) after scaling).
  EXPECT_EQ(vc::knee_of_k_distances({1, 1, 1, 1, 1, 1, 1, 1, 1, 10}), 1.0);
  EXPECT_EQ(vc::knee_of_k_distances({10, 1, 1.1, 1.2, 1.3, 1.4, 1.5, 9, 1.6}), 1.6);  // order-free
  EXPECT_EQ(vc::knee_of_k_distances({2, 2, 2}), 2.0);  // flat
  EXPECT_EQ(vc::knee_of_k_distances({3, 1}), 3.0);     // fewer than 3 values: the largest
  EXPECT_EQ(vc::knee_of_k_distances({0.5}), 0.5);
  EXPECT_THROW(vc::knee_of_k_distances({}), vaesweep::UserError);
  EXPECT_THROW(vc::knee_of_k_distances({1, std::nan("")}), vaesweep::UserError);
  EXPECT_THROW(vc::knee_of_k_distances({1, -1}), vaesweep::UserError);
}

TEST(Dbscan, PlantedLineWithSharedBorder) {
  // eps = 0.5, min_samples = 4 on a line (every value is exact in binary, so the distance
  // 0.5 between the border sample 0 and its neighbours is exactly eps: inclusive).
  // Cluster B (listed first) has cores {0.5, 0.75, 1} (4 samples within 0.5 each, 0.5 counting
  // sample 0) and border 1.25 (3); cluster A mirrors it. Sample 0 has 3 neighbours (itself,
  // -0.5, 0.5): a border sample of both clusters, it joins cluster 0 (B's, the one sklearn
  // grows first). 5 is alone: noise. (sklearn 1.2.1 gives these labels and cores.)
  Eigen::MatrixXd X(10, 1);
  X << 0.5, 0.75, 1.0, 1.25, -1.25, -1.0, -0.75, -0.5, 0.0, 5.0;
  const auto r = vc::dbscan(X, params(0.5, 4));
  EXPECT_EQ(r.labels, (std::vector<int>{0, 0, 0, 0, 1, 1, 1, 1, 0, -1}));
  EXPECT_EQ(r.is_core, (std::vector<std::uint8_t>{1, 1, 1, 0, 0, 1, 1, 1, 0, 0}));
  EXPECT_EQ(r.n_clusters, 2);
  EXPECT_DOUBLE_EQ(r.noise_fraction, 0.1);
  // With min_samples = 5 nothing is core: no sample has more than 4 samples within 0.5.
  const auto none = vc::dbscan(X, params(0.5, 5));
  EXPECT_EQ(none.n_clusters, 0);
  EXPECT_DOUBLE_EQ(none.noise_fraction, 1.0);
  // min_samples = 1: every sample is core, clusters are the eps-connected components.
  const auto all = vc::dbscan(X, params(0.5, 1));
  EXPECT_EQ(all.labels, (std::vector<int>{0, 0, 0, 0, 0, 0, 0, 0, 0, 1}));
}

TEST(Dbscan, AgreesWithDirectImplementationOnManyInputs) {
  // Larger than many tree leaves, with tight clusters (whole node pairs within eps), sparse
  // noise and duplicates, in 2 and 16 dimensions.
  std::mt19937_64 rng(11);
  std::normal_distribution<double> normal(0.0, 1.0);
  std::uniform_real_distribution<double> unif(-20.0, 20.0);
  for (const int d : {2, 16}) {
    Eigen::MatrixXd X(640, d);
    for (Eigen::Index i = 0; i < X.rows(); ++i) {
      const int c = static_cast<int>(i % 4);
      for (int k = 0; k < d; ++k) X(i, k) = i >= 560 ? unif(rng) : 6.0 * c + (c == 3 ? 0.05 : 1.0) * normal(rng);
    }
    X.row(5) = X.row(6);  // duplicates
    X.row(7) = X.row(6);
    const Eigen::MatrixXd D2 = squared_distances(X);
    for (const double eps : {0.3, 1.0, 6.0}) {
      for (const int ms : {1, 3, 10}) {
        SCOPED_TRACE("d=" + std::to_string(d) + " eps=" + std::to_string(eps) + " ms=" + std::to_string(ms));
        expect_same(vc::dbscan(X, params(eps, ms)), naive_dbscan(D2, eps, ms));
      }
    }
    // k-distances against the sorted direct distances.
    for (const int k : {1, 2, 7}) {
      const std::vector<double> kd = vc::k_distances(X, k);
      for (Eigen::Index i = 0; i < X.rows(); i += 37) {
        std::vector<double> all;
        for (Eigen::Index j = 0; j < X.rows(); ++j) all.push_back(std::sqrt(D2(i, j)));
        std::nth_element(all.begin(), all.begin() + (k - 1), all.end());
        const double want = all[static_cast<std::size_t>(k - 1)];
        EXPECT_NEAR(kd[static_cast<std::size_t>(i)], want, 1e-12 * (1 + want));
      }
    }
  }
}

TEST(Dbscan, AutoEpsGivesTheResultOfThatEpsGivenExplicitly) {
  // With eps "auto" the core flags come from the k-distances instead of counting the
  // neighbourhoods: the result must be that of passing the knee's eps explicitly, and the
  // direct implementation's. Tight clusters with ties, sparse noise, duplicates, min_samples 1,
  // 2 and above n.
  std::mt19937_64 rng(23);
  std::normal_distribution<double> normal(0.0, 1.0);
  std::uniform_real_distribution<double> unif(-20.0, 20.0);
  for (const int d : {2, 16}) {
    for (const Eigen::Index n : {Eigen::Index{4}, Eigen::Index{300}, Eigen::Index{700}}) {
      Eigen::MatrixXd X(n, d);
      for (Eigen::Index i = 0; i < n; ++i) {
        const int c = static_cast<int>(i % 3);
        for (int k = 0; k < d; ++k) X(i, k) = i >= n * 7 / 8 ? unif(rng) : 5.0 * c + (c == 2 ? 0.02 : 1.0) * normal(rng);
      }
      if (n > 8) {
        X.row(5) = X.row(6);  // duplicates
        X.row(8) = X.row(6);
        X.row(2) = X.row(1);
      }
      const Eigen::MatrixXd D2 = squared_distances(X);
      for (const int ms : {1, 2, 5, 10}) {
        SCOPED_TRACE("d=" + std::to_string(d) + " n=" + std::to_string(n) + " ms=" + std::to_string(ms));
        vc::DbscanParams p;
        p.eps.reset();
        p.min_samples = ms;
        const vc::DbscanResult got = vc::dbscan(X, p);
        expect_same(got, naive_dbscan(D2, got.eps, ms));
        if (got.eps > 0) {
          const vc::DbscanResult fixed = vc::dbscan(X, params(got.eps, ms));
          expect_same(got, fixed);
        }
      }
    }
  }
}

TEST(Dbscan, IdenticalSamples) {
  // sklearn: every sample has all n samples within any eps > 0: one cluster when
  // n >= min_samples, else all noise.
  const Eigen::MatrixXd X = Eigen::MatrixXd::Constant(6, 3, 2.5);
  auto r = vc::dbscan(X, params(1e-9, 6));
  EXPECT_EQ(r.labels, std::vector<int>(6, 0));
  EXPECT_EQ(r.n_clusters, 1);
  r = vc::dbscan(X, params(100.0, 7));
  EXPECT_EQ(r.labels, std::vector<int>(6, -1));
  EXPECT_EQ(r.n_clusters, 0);
  // "auto": every k-distance is 0, so eps is 0 and exact duplicates are neighbours.
  vc::DbscanParams p;
  p.eps.reset();
  p.min_samples = 3;
  r = vc::dbscan(X, p);
  EXPECT_EQ(r.eps, 0.0);
  EXPECT_EQ(r.labels, std::vector<int>(6, 0));
  // A single sample: core when min_samples is 1.
  r = vc::dbscan(Eigen::MatrixXd::Zero(1, 2), params(0.5, 1));
  EXPECT_EQ(r.labels, std::vector<int>{0});
  r = vc::dbscan(Eigen::MatrixXd::Zero(1, 2), params(0.5, 2));
  EXPECT_EQ(r.labels, std::vector<int>{-1});
}

TEST(Dbscan, RejectsBadInput) {
  const Eigen::MatrixXd X = Eigen::MatrixXd::Random(10, 3);
  EXPECT_THROW(vc::dbscan(Eigen::MatrixXd(0, 3), params(0.5, 5)), vaesweep::UserError);
  EXPECT_THROW(vc::dbscan(Eigen::MatrixXd(5, 0), params(0.5, 5)), vaesweep::UserError);
  EXPECT_THROW(vc::dbscan(X, params(0.0, 5)), vaesweep::UserError);
  EXPECT_THROW(vc::dbscan(X, params(-1.0, 5)), vaesweep::UserError);
  EXPECT_THROW(vc::dbscan(X, params(std::numeric_limits<double>::infinity(), 5)), vaesweep::UserError);
  EXPECT_THROW(vc::dbscan(X, params(std::nan(""), 5)), vaesweep::UserError);
  EXPECT_THROW(vc::dbscan(X, params(0.5, 0)), vaesweep::UserError);
  Eigen::MatrixXd bad = X;
  bad(3, 1) = std::numeric_limits<double>::quiet_NaN();
  EXPECT_THROW(vc::dbscan(bad, params(0.5, 5)), vaesweep::UserError);
  bad(3, 1) = -std::numeric_limits<double>::infinity();
  EXPECT_THROW(vc::dbscan(bad, params(0.5, 5)), vaesweep::UserError);
  EXPECT_THROW(vc::k_distances(bad, 2), vaesweep::UserError);
  EXPECT_THROW(vc::k_distances(X, 0), vaesweep::UserError);
  EXPECT_THROW(vc::k_distances(X, 11), vaesweep::UserError);
  try {
    vc::dbscan(X, params(0.5, 0));
  } catch (const vaesweep::UserError& e) {
    EXPECT_NE(std::string(e.what()).find("min_samples = 0"), std::string::npos);
  }
}
