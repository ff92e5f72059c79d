// DBSCAN's k-nearest distances collected by the agglomerative tree's distance fill
// (cluster/nearest_squared.hpp) and the Clusterer that shares them. Expected values: DBSCAN's own
// ball-tree search (k_distances, which tests/unit/test_dbscan.cpp holds to scikit-learn and to
// direct distances) bit for bit, and the results of the same fits without sharing.
#include <gtest/gtest.h>

#include <Eigen/Dense>
#include <cmath>
#include <limits>
#include <random>
#include <string>
#include <vector>

#include "cluster/agglomerative.hpp"
#include "cluster/dbscan.hpp"
#include "cluster/fit.hpp"
#include "cluster/nearest_squared.hpp"

namespace vc = vaesweep::cluster;

namespace {

// Three blobs (one very tight, so ties of rounded distances occur), uniform noise and exact
// duplicates.
Eigen::MatrixXd planted(Eigen::Index n, int d, unsigned seed) {
  std::mt19937_64 rng(seed);
  std::normal_distribution<double> normal(0.0, 1.0);
  std::uniform_real_distribution<double> unif(-20.0, 20.0);
  Eigen::MatrixXd X(n, d);
  for (Eigen::Index i = 0; i < n; ++i) {
    const int c = static_cast<int>(i % 3);
    for (int k = 0; k < d; ++k) X(i, k) = i >= n * 7 / 8 ? unif(rng) : 5.0 * c + (c == 2 ? 0.02 : 1.0) * normal(rng);
  }
  if (n > 8) {
    X.row(5) = X.row(6);
    X.row(8) = X.row(6);
    X.row(2) = X.row(1);
  }
  return X;
}

vc::ClusteringParams auto_eps(int min_samples, vc::Linkage linkage) {
  vc::ClusteringParams p;
  p.dbscan.eps.reset();
  p.dbscan.min_samples = min_samples;
  p.agglomerative.linkage = linkage;
  return p;
}

}  // namespace

TEST(SharedNearest, TheTreesFillCollectsTheBallTreesNumbersBitForBit) {
  for (const int d : {2, 16}) {
    for (const Eigen::Index n : {Eigen::Index{2}, Eigen::Index{5}, Eigen::Index{300}, Eigen::Index{700}}) {
      const Eigen::MatrixXd X = planted(n, d, 7 + static_cast<unsigned>(n));
      const std::vector<double> second_want = vc::k_distances(X, 2);
      for (const vc::Linkage linkage : {vc::Linkage::ward, vc::Linkage::complete, vc::Linkage::average}) {
        const vc::Dendrogram plain = vc::agglomerative(X, {linkage});
        for (const int k : {1, 2, 5, 10, static_cast<int>(n)}) {
          if (k > n) continue;
          SCOPED_TRACE("d=" + std::to_string(d) + " n=" + std::to_string(n) + " linkage=" + vc::linkage_name(linkage) +
                       " k=" + std::to_string(k));
          vc::NearestSquared nearest;
          nearest.k = k;
          const vc::Dendrogram tree = vc::agglomerative(X, {linkage}, &nearest);
          ASSERT_TRUE(nearest.collected(n));
          const std::vector<double> kth_want = vc::k_distances(X, k);
          for (Eigen::Index i = 0; i < n; ++i) {
            const auto u = static_cast<std::size_t>(i);
            ASSERT_EQ(std::sqrt(nearest.kth[u]), kth_want[u]) << "sample " << i;
            if (k >= 2) ASSERT_EQ(std::sqrt(nearest.second[u]), second_want[u]) << "sample " << i;
            else ASSERT_EQ(nearest.second[u], std::numeric_limits<double>::infinity());
          }
          // Collecting changes nothing in the tree.
          ASSERT_EQ(tree.merges.size(), plain.merges.size());
          for (std::size_t m = 0; m < tree.merges.size(); ++m) {
            EXPECT_EQ(tree.merges[m].a, plain.merges[m].a);
            EXPECT_EQ(tree.merges[m].b, plain.merges[m].b);
            EXPECT_EQ(tree.merges[m].height, plain.merges[m].height);
          }
        }
      }
    }
  }
}

TEST(SharedNearest, DbscanUsesGivenDistancesOnlyWhenTheyFit) {
  const Eigen::MatrixXd X = planted(300, 4, 3);
  vc::DbscanParams p;
  p.eps.reset();
  p.min_samples = 5;
  const vc::DbscanResult own = vc::dbscan(X, p);
  // Distances that are not X's: every sample 0 from its nearest. DBSCAN takes them (the knee
  // becomes 0) when their k is its k, and ignores them otherwise.
  vc::NearestSquared wrong;
  wrong.k = 5;
  wrong.kth.assign(300, 0.0);
  wrong.second.assign(300, 0.0);
  EXPECT_EQ(vc::dbscan(X, p, &wrong).eps, 0.0);
  EXPECT_GT(own.eps, 0.0);
  wrong.k = 4;
  EXPECT_EQ(vc::dbscan(X, p, &wrong).labels, own.labels);
  wrong.k = 5;
  wrong.kth.resize(299);
  EXPECT_EQ(vc::dbscan(X, p, &wrong).labels, own.labels);
  // A fixed eps never reads them.
  p.eps = 1.0;
  wrong.kth.assign(300, 0.0);
  EXPECT_EQ(vc::dbscan(X, p, &wrong).labels, vc::dbscan(X, p).labels);
}

TEST(SharedNearest, PlannedTogetherTheMethodsGiveTheirResultsAlone) {
  const std::vector<vc::Method> both_ward_first = {vc::Method::agglomerative, vc::Method::dbscan};
  for (const Eigen::Index n : {Eigen::Index{5}, Eigen::Index{400}}) {
    const Eigen::MatrixXd X = planted(n, 16, 11);
    for (const vc::Linkage linkage : {vc::Linkage::ward, vc::Linkage::average, vc::Linkage::single}) {
      for (const int ms : {1, 2, 5, static_cast<int>(n) + 3}) {
        SCOPED_TRACE("n=" + std::to_string(n) + " linkage=" + vc::linkage_name(linkage) + " ms=" + std::to_string(ms));
        const vc::ClusteringParams params = auto_eps(ms, linkage);
        vc::Clusterer alone(X, params);
        const vc::Clustering db_alone = alone.fit(vc::Method::dbscan, 0, 0);
        const std::vector<int> ward_alone = alone.fit(vc::Method::agglomerative, 3, 0).labels;
        for (const bool dbscan_first : {false, true}) {
          vc::Clusterer shared(X, params, both_ward_first);
          vc::Clustering db;
          std::vector<int> tree_labels;
          if (dbscan_first) {
            db = shared.fit(vc::Method::dbscan, 0, 0);
            tree_labels = shared.fit(vc::Method::agglomerative, 3, 0).labels;
          } else {
            tree_labels = shared.fit(vc::Method::agglomerative, 3, 0).labels;
            db = shared.fit(vc::Method::dbscan, 0, 0);
          }
          EXPECT_EQ(db.labels, db_alone.labels);
          EXPECT_EQ(db.eps, db_alone.eps);
          EXPECT_EQ(db.noise_fraction, db_alone.noise_fraction);
          EXPECT_EQ(tree_labels, ward_alone);
        }
      }
    }
  }
}
