// neighbours::nearest_others. Expected values: scikit-learn 1.2's
// NearestNeighbors(algorithm="brute").kneighbors() on tie-free blobs, and, on integer points
// with many exact ties and duplicates, the exact (squared distance, index) order computed in
// integers; both written by tests/reference/make_neighbours_reference.py. The small cases
// below are analytic.
#include <gtest/gtest.h>

#include <Eigen/Dense>
#include <cmath>
#include <limits>
#include <random>
#include <vector>

#include "cluster/dbscan.hpp"
#include "util/error.hpp"
#include "neighbours/exact_knn.hpp"
#include "test_csv_util.hpp"

namespace vn = vaesweep::neighbours;
namespace vt = vaesweep::test;

namespace {

// The definition: every other sample, sorted by (squared distance, index).
std::vector<std::pair<double, int>> brute_force(const Eigen::MatrixXd& X, Eigen::Index i) {
  std::vector<std::pair<double, int>> all;
  for (Eigen::Index l = 0; l < X.rows(); ++l)
    if (l != i) all.emplace_back(vn::squared_distance(X, i, l), static_cast<int>(l));
  std::sort(all.begin(), all.end());
  return all;
}

}  // namespace

TEST(Neighbours, MatchesSklearnOnTieFreeBlobs) {
  const Eigen::MatrixXd X = vt::read_matrix("nb_X_blobs.csv");
  const Eigen::MatrixXd index = vt::read_matrix("nb_blobs_index.csv");
  const Eigen::MatrixXd dist = vt::read_matrix("nb_blobs_dist.csv");
  const int m = static_cast<int>(index.cols());
  const vn::Neighbours nn = vn::nearest_others(X, m);
  for (Eigen::Index i = 0; i < X.rows(); ++i)
    for (int r = 0; r < m; ++r) {
      EXPECT_EQ(nn.at(i, r), static_cast<int>(index(i, r))) << i << " " << r;
      EXPECT_NEAR(std::sqrt(nn.sq_at(i, r)), dist(i, r), 1e-12 * (1 + dist(i, r))) << i << " " << r;
    }
}

TEST(Neighbours, TiesAndDuplicatesLowerIndexFirst) {
  const Eigen::MatrixXd X = vt::read_matrix("nb_X_grid.csv");
  const Eigen::MatrixXd index = vt::read_matrix("nb_grid_index.csv");
  const Eigen::MatrixXd sq = vt::read_matrix("nb_grid_sqdist.csv");
  const int m = static_cast<int>(index.cols());
  const vn::Neighbours nn = vn::nearest_others(X, m);
  for (Eigen::Index i = 0; i < X.rows(); ++i)
    for (int r = 0; r < m; ++r) {
      EXPECT_EQ(nn.at(i, r), static_cast<int>(index(i, r))) << i << " " << r;
      EXPECT_EQ(nn.sq_at(i, r), sq(i, r)) << i << " " << r;  // integers: exact
    }
}

TEST(Neighbours, PlantedCases) {
  // A square's corners plus its centre: from the centre (4) all corners tie at 0.5.
  Eigen::MatrixXd S(5, 2);
  S << 0, 0, 1, 0, 0, 1, 1, 1, 0.5, 0.5;
  const vn::Neighbours a = vn::nearest_others(S, 4);
  for (int r = 0; r < 4; ++r) {
    EXPECT_EQ(a.at(4, r), r);
    EXPECT_EQ(a.sq_at(4, r), 0.5);
  }
  // From corner 0: the centre (0.5), then corners 1 and 2 tie at 1, then 3 at 2.
  EXPECT_EQ(a.at(0, 0), 4);
  EXPECT_EQ(a.at(0, 1), 1);
  EXPECT_EQ(a.at(0, 2), 2);
  EXPECT_EQ(a.at(0, 3), 3);
  EXPECT_EQ(a.sq_at(0, 3), 2.0);
  // Duplicates: a sample's copies come first at distance 0, itself left out.
  Eigen::MatrixXd D(4, 2);
  D << 1, 1, 1, 1, 1, 1, 5, 5;
  const vn::Neighbours b = vn::nearest_others(D, 3);
  EXPECT_EQ(b.at(2, 0), 0);
  EXPECT_EQ(b.at(2, 1), 1);
  EXPECT_EQ(b.at(2, 2), 3);
  EXPECT_EQ(b.sq_at(2, 1), 0.0);
  EXPECT_EQ(b.sq_at(2, 2), 32.0);
  // All samples identical: everything ties at 0, neighbours in index order.
  const vn::Neighbours c = vn::nearest_others(Eigen::MatrixXd::Constant(6, 3, 7.25), 5);
  for (int r = 0; r < 5; ++r) EXPECT_EQ(c.at(5, r), r);
  // m = 0: nothing to find.
  EXPECT_TRUE(vn::nearest_others(D, 0).index.empty());
}

TEST(Neighbours, MatchesTheDefinitionFarFromTheOrigin) {
  // Random data shifted by 1e4 (where |x|^2 + |y|^2 - 2 x.y in float is useless) and spread
  // over 6 orders of magnitude of scale; every row against a full sort.
  std::mt19937_64 gen(11);
  std::normal_distribution<double> normal;
  Eigen::MatrixXd X(257, 7);
  for (Eigen::Index i = 0; i < X.rows(); ++i)
    for (Eigen::Index j = 0; j < X.cols(); ++j) X(i, j) = 1e4 + normal(gen) * std::pow(10.0, static_cast<double>(j % 3) - 2);
  for (int m : {1, 9, 256}) {
    const vn::Neighbours nn = vn::nearest_others(X, m);
    for (Eigen::Index i = 0; i < X.rows(); ++i) {
      const auto all = brute_force(X, i);
      for (int r = 0; r < m; ++r) {
        ASSERT_EQ(nn.at(i, r), all[static_cast<std::size_t>(r)].second) << m << " " << i << " " << r;
        ASSERT_EQ(nn.sq_at(i, r), all[static_cast<std::size_t>(r)].first);
      }
    }
  }
}

TEST(Neighbours, DbscanBallTreeKDistancesAreTheSameNumbers) {
  // DBSCAN keeps its ball tree (it serves the k-distances and the clustering on one tree), but
  // its distances are this module's: the k-th distance (the sample itself counting as the
  // first, as sklearn's kneighbors(X)) is the (k - 1)-th nearest other's, bit for bit.
  for (const char* file : {"nb_X_blobs.csv", "nb_X_grid.csv"}) {
    const Eigen::MatrixXd X = vt::read_matrix(file);
    for (int k : {2, 5, 11}) {
      const std::vector<double> kd = vaesweep::cluster::k_distances(X, k);
      const vn::Neighbours nn = vn::nearest_others(X, k - 1);
      for (Eigen::Index i = 0; i < X.rows(); ++i)
        ASSERT_EQ(kd[static_cast<std::size_t>(i)], std::sqrt(nn.sq_at(i, k - 2))) << file << " k " << k << " row " << i;
    }
  }
}

TEST(Neighbours, RejectsBadInput) {
  const Eigen::MatrixXd X = Eigen::MatrixXd::Random(5, 2);
  EXPECT_THROW(vn::nearest_others(X, 5), vaesweep::UserError);  // m must be < n
  EXPECT_THROW(vn::nearest_others(X, -1), vaesweep::UserError);
  EXPECT_THROW(vn::nearest_others(Eigen::MatrixXd(0, 2), 0), vaesweep::UserError);
  Eigen::MatrixXd bad = X;
  bad(3, 1) = std::numeric_limits<double>::quiet_NaN();
  try {
    vn::nearest_others(bad, 2, "caller");
    ADD_FAILURE() << "expected UserError";
  } catch (const vaesweep::UserError& e) {
    EXPECT_NE(std::string(e.what()).find("caller: X(3, 1)"), std::string::npos) << e.what();
  }
}
