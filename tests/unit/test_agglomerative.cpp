// Agglomerative clustering. Merge heights and node ids come from scipy 1.10's
// scipy.cluster.hierarchy.linkage (hierarchy.ward for ward) and partitions from scikit-learn
// 1.2.1's AgglomerativeClustering(n_clusters=k, linkage=...) on the same inputs
// (tests/data/sklearn/cm_*.csv, made by tests/reference/make_cluster_metrics_reference.py);
// other expectations are analytic. Partitions are compared by ARI, never by cluster numbers.
#include <gtest/gtest.h>

#include <Eigen/Dense>
#include <algorithm>
#include <cmath>
#include <limits>
#include <set>
#include <string>
#include <vector>

#include "cluster/agglomerative.hpp"
#include "util/error.hpp"
#include "metrics/external.hpp"
#include "test_csv_util.hpp"

namespace vc = vaesweep::cluster;
namespace vt = vaesweep::test;

namespace {

const char* const kMethods[] = {"ward", "complete", "average", "single"};

vc::Dendrogram build(const Eigen::MatrixXd& X, const std::string& method) {
  vc::AgglomerativeParams p;
  p.linkage = vc::parse_linkage(method);
  return vc::agglomerative(X, p);
}

std::vector<double> heights(const vc::Dendrogram& t) {
  std::vector<double> h;
  for (const auto& m : t.merges) h.push_back(m.height);
  return h;
}

}  // namespace

TEST(Agglomerative, MatchesScipyLinkageAndSklearnPartitions) {
  // Inputs without tied distances (checked by the generator), and two with many ties, where
  // the merges follow the algorithms' tie order: identical samples (every distance 0) and a
  // small integer grid with duplicates.
  const std::vector<std::string> all = {"ward", "complete", "average", "single"};
  const std::vector<std::pair<std::string, std::vector<std::string>>> cases = {
      {"blobs", all}, {"aniso", all}, {"uniform", all}, {"small", all}, {"identical", all}, {"grid", all},
  };
  for (const auto& [ds, methods] : cases) {
    const Eigen::MatrixXd X = vt::read_matrix("cm_X_" + ds + ".csv");
    for (const std::string& method : methods) {
      SCOPED_TRACE(ds + " " + method);
      const vc::Dendrogram tree = build(X, method);
      ASSERT_EQ(tree.n_samples, X.rows());
      const auto Z = vt::read_csv(vt::sklearn_path("cm_linkage_" + ds + "_" + method + ".csv"));
      ASSERT_EQ(tree.merges.size(), Z.rows.size());
      for (std::size_t i = 0; i < Z.rows.size(); ++i) {
        const auto& m = tree.merges[i];
        // scipy's linkage matrix row: the same two nodes, the same height to the bit (the
        // reference is written with repr, which reads back as the same double), the same size.
        EXPECT_EQ(m.a, Z.integer(i, "a")) << "merge " << i;
        EXPECT_EQ(m.b, Z.integer(i, "b")) << "merge " << i;
        EXPECT_EQ(m.size, Z.integer(i, "size")) << "merge " << i;
        EXPECT_EQ(m.height, Z.number(i, "height")) << "merge " << i;
      }
      // sklearn's labels_ for each k (same partition: ARI exactly 1).
      const auto labels = vt::read_csv(vt::sklearn_path("cm_agglo_" + ds + "_" + method + ".csv"));
      for (const std::string& col : labels.header) {
        const int k = std::stoi(col.substr(1));
        const std::vector<int> got = vc::cut(tree, k);
        EXPECT_EQ(vaesweep::metrics::adjusted_rand_index(labels.int_column(col), got), 1.0) << "k=" << k;
      }
    }
  }
}

TEST(Agglomerative, LinkageTiesMatchScipyToTheBit) {
  // 600 samples in 16-D rounded to one decimal (100,548 distinct distances among 179,700 pairs)
  // with 60 exact duplicates: enough samples for the chain's near lists to overflow and run
  // empty, and ties everywhere, so every merge follows scipy's tie order (the previous chain
  // element first, then the lowest index). Reference: scipy 1.10's linkage(X, method),
  // tests/reference/make_linkage_ties_reference.py.
  const Eigen::MatrixXd X = vt::read_matrix("linkage_ties_X.csv");
  ASSERT_EQ(X.rows(), 600);
  for (const std::string method : {"ward", "complete", "average"}) {
    SCOPED_TRACE(method);
    const vc::Dendrogram tree = build(X, method);
    const auto Z = vt::read_csv(vt::sklearn_path("linkage_ties_" + method + ".csv"));
    ASSERT_EQ(tree.merges.size(), Z.rows.size());
    int differing = 0;
    for (std::size_t i = 0; i < Z.rows.size(); ++i) {
      const auto& m = tree.merges[i];
      const bool same = m.a == Z.integer(i, "a") && m.b == Z.integer(i, "b") && m.size == Z.integer(i, "size") &&
                        m.height == Z.number(i, "height");
      if (!same && differing++ < 5)
        ADD_FAILURE() << "merge " << i << ": " << m.a << " " << m.b << " " << m.height << " " << m.size
                      << ", scipy " << Z.cell(i, "a") << " " << Z.cell(i, "b") << " " << Z.cell(i, "height") << " "
                      << Z.cell(i, "size");
    }
    EXPECT_EQ(differing, 0);
  }
}

TEST(Agglomerative, PlantedLineHasAnalyticHeights) {
  // Five samples on a line at 0, 1, 10, 12, 30. Every method first merges {0, 1} (distance 1)
  // and {10, 12} (distance 2), then joins those two pairs, then adds 30.
  Eigen::MatrixXd X(5, 1);
  X << 0, 1, 10, 12, 30;
  // single: minimum spanning tree edges 1, 2, 9 (1 to 10), 18 (12 to 30).
  // complete: {0,1}-{10,12} = 12, then the farthest pair 0-30.
  // average: mean of 10, 12, 9, 11 = 10.5; then mean of 30, 29, 20, 18 = 24.25.
  // ward (scipy's): sqrt(2 |A||B| / (|A| + |B|)) times the centroid distance:
  //   sqrt(2 * 2 * 2 / 4) * (11 - 0.5) and sqrt(2 * 4 * 1 / 5) * (30 - 5.75).
  const std::vector<std::pair<std::string, std::vector<double>>> expected = {
      {"single", {1, 2, 9, 18}},
      {"complete", {1, 2, 12, 30}},
      {"average", {1, 2, 10.5, 24.25}},
      {"ward", {1, 2, std::sqrt(2.0) * 10.5, std::sqrt(1.6) * 24.25}},
  };
  for (const auto& [method, h] : expected) {
    SCOPED_TRACE(method);
    const vc::Dendrogram tree = build(X, method);
    const std::vector<double> got = heights(tree);
    ASSERT_EQ(got.size(), h.size());
    for (std::size_t i = 0; i < h.size(); ++i) EXPECT_NEAR(got[i], h[i], 1e-12 * h[i]);
    // Node ids as scipy numbers them: samples 0..4, merges 5..8.
    EXPECT_EQ(tree.merges[0].a, 0);
    EXPECT_EQ(tree.merges[0].b, 1);
    EXPECT_EQ(tree.merges[1].a, 2);
    EXPECT_EQ(tree.merges[1].b, 3);
    EXPECT_EQ(tree.merges[2].a, 5);
    EXPECT_EQ(tree.merges[2].b, 6);
    EXPECT_EQ(tree.merges[3].a, 4);
    EXPECT_EQ(tree.merges[3].b, 7);
    EXPECT_EQ(tree.merges[3].size, 5);
    EXPECT_EQ(vc::cut(tree, 2), (std::vector<int>{0, 0, 0, 0, 1}));
    EXPECT_EQ(vc::cut(tree, 3), (std::vector<int>{0, 0, 1, 1, 2}));
  }
}

TEST(Agglomerative, CutGivesEveryKFromOneTree) {
  const Eigen::MatrixXd X = vt::read_matrix("cm_X_uniform.csv");
  const int n = static_cast<int>(X.rows());
  for (const std::string method : kMethods) {
    SCOPED_TRACE(method);
    const vc::Dendrogram tree = build(X, method);
    ASSERT_EQ(tree.merges.size(), static_cast<std::size_t>(n - 1));
    for (std::size_t i = 1; i < tree.merges.size(); ++i)
      EXPECT_LE(tree.merges[i - 1].height, tree.merges[i].height);
    EXPECT_EQ(tree.merges.back().size, n);
    std::vector<int> previous;
    for (int k = 1; k <= n; ++k) {
      const std::vector<int> labels = vc::cut(tree, k);
      ASSERT_EQ(labels.size(), static_cast<std::size_t>(n));
      EXPECT_EQ(labels[0], 0);  // numbered by lowest sample index
      std::set<int> distinct(labels.begin(), labels.end());
      EXPECT_EQ(static_cast<int>(distinct.size()), k);
      EXPECT_EQ(*distinct.begin(), 0);
      EXPECT_EQ(*distinct.rbegin(), k - 1);
      // Nested: the k-cluster partition refines the (k-1)-cluster one.
      if (!previous.empty()) {
        std::vector<int> parent(static_cast<std::size_t>(k), -1);
        for (int s = 0; s < n; ++s) {
          int& p = parent[static_cast<std::size_t>(labels[static_cast<std::size_t>(s)])];
          if (p == -1) p = previous[static_cast<std::size_t>(s)];
          EXPECT_EQ(p, previous[static_cast<std::size_t>(s)]);
        }
      }
      previous = labels;
    }
  }
}

TEST(Agglomerative, TinyInputs) {
  Eigen::MatrixXd one(1, 3);
  one << 1, 2, 3;
  for (const std::string method : kMethods) {
    const vc::Dendrogram tree = build(one, method);
    EXPECT_EQ(tree.n_samples, 1);
    EXPECT_TRUE(tree.merges.empty());
    EXPECT_EQ(vc::cut(tree, 1), std::vector<int>{0});
  }
  Eigen::MatrixXd two(2, 2);
  two << 0, 0, 3, 4;
  for (const std::string method : kMethods) {
    const vc::Dendrogram tree = build(two, method);
    ASSERT_EQ(tree.merges.size(), 1u);
    EXPECT_DOUBLE_EQ(tree.merges[0].height, 5.0);  // every linkage: the distance itself
    EXPECT_EQ(vc::cut(tree, 2), (std::vector<int>{0, 1}));
  }
}

TEST(Agglomerative, RejectsBadInput) {
  vc::AgglomerativeParams p;
  EXPECT_THROW(vc::agglomerative(Eigen::MatrixXd(0, 3), p), vaesweep::UserError);
  EXPECT_THROW(vc::agglomerative(Eigen::MatrixXd(4, 0), p), vaesweep::UserError);
  Eigen::MatrixXd X = Eigen::MatrixXd::Zero(4, 2);
  X(2, 1) = std::numeric_limits<double>::quiet_NaN();
  EXPECT_THROW(vc::agglomerative(X, p), vaesweep::UserError);
  X(2, 1) = std::numeric_limits<double>::infinity();
  p.linkage = vc::Linkage::single;
  EXPECT_THROW(vc::agglomerative(X, p), vaesweep::UserError);
  X(2, 1) = 1e200;  // finite, but its squared distances overflow
  p.linkage = vc::Linkage::ward;
  EXPECT_THROW(vc::agglomerative(X, p), vaesweep::UserError);

  const vc::Dendrogram tree = vc::agglomerative(Eigen::MatrixXd::Identity(4, 4), p);
  EXPECT_THROW(vc::cut(tree, 0), vaesweep::UserError);
  EXPECT_THROW(vc::cut(tree, 5), vaesweep::UserError);
  EXPECT_THROW(vc::cut(tree, -1), vaesweep::UserError);

  EXPECT_THROW(vc::parse_linkage("centroid"), vaesweep::UserError);
  try {
    vc::parse_linkage("Ward");
  } catch (const vaesweep::UserError& e) {
    EXPECT_NE(std::string(e.what()).find("ward, complete, average, single"), std::string::npos);
  }
  for (const std::string method : kMethods) EXPECT_EQ(vc::linkage_name(vc::parse_linkage(method)), method);
}
