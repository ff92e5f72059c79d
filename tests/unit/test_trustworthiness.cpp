// Trustworthiness. Reference values come from scikit-learn 1.2.1's
// sklearn.manifold.trustworthiness on the same inputs (tests/data/sklearn/um_tw_expected.csv,
// made by tests/reference/make_umap_reference.py); the rest are analytic cases.
#include <gtest/gtest.h>

#include <Eigen/Dense>
#include <cmath>
#include <limits>
#include <string>

#include "util/error.hpp"
#include "metrics/trustworthiness.hpp"
#include "test_csv_util.hpp"

namespace vm = vaesweep::metrics;
namespace vt = vaesweep::test;

TEST(Trustworthiness, EqualsSklearn) {
  // Tie-free cases must match sklearn exactly (the sum of ranks is an integer). Digits has
  // integer features, hence exact distance ties, where sklearn's order is numpy's unstable
  // argsort: there the value must equal sklearn's formula with stable ranks (the script's
  // `stable` column) and sit within a few rank steps of sklearn's own.
  const auto cases = vt::read_csv(vt::sklearn_path("um_tw_expected.csv"));
  ASSERT_GE(cases.rows.size(), 10u);
  int tie_free = 0;
  for (std::size_t r = 0; r < cases.rows.size(); ++r) {
    SCOPED_TRACE(cases.cell(r, "case"));
    Eigen::MatrixXd X = vt::read_matrix(cases.cell(r, "X"));
    X.array() += cases.number(r, "shift");
    const Eigen::MatrixXd E = vt::read_matrix(cases.cell(r, "E"));
    const int k = cases.integer(r, "n_neighbors");
    const double t = vm::trustworthiness(X, E, k);
    EXPECT_NEAR(t, cases.number(r, "stable"), 1e-9);
    if (cases.integer(r, "tie_free") == 1) {
      EXPECT_NEAR(t, cases.number(r, "sklearn"), 1e-9);
      ++tie_free;
    } else {
      EXPECT_NEAR(t, cases.number(r, "sklearn"), 1e-5);
    }
  }
  EXPECT_GE(tie_free, 8);
}

TEST(Trustworthiness, PerfectEmbeddingScoresOne) {
  // The embedding is the data itself, or a rigid motion and scaling of it: ranks agree.
  Eigen::MatrixXd X(12, 2);
  for (int i = 0; i < 12; ++i) X.row(i) << std::cos(0.3 * i * i), std::sin(1.7 * i) + 0.1 * i;
  EXPECT_DOUBLE_EQ(vm::trustworthiness(X, X, 3), 1.0);
  Eigen::Matrix2d R;
  R << std::cos(0.4), -std::sin(0.4), std::sin(0.4), std::cos(0.4);
  const Eigen::MatrixXd E = ((X * R.transpose()) * 3.0).rowwise() + Eigen::RowVector2d(5, -1);
  EXPECT_DOUBLE_EQ(vm::trustworthiness(X, E, 5), 1.0);
}

TEST(Trustworthiness, HandComputedCase) {
  // Points on a line at 0, 1, 3, 7, 15; the embedding swaps the two ends (15, 1, 3, 7, 0);
  // k = 2. Per sample: embedded 2-NN -> their ranks in X -> penalty sum max(0, r - 2):
  //   0: {3, 2} -> ranks {3, 2} -> 1      1: {4, 2} -> {4, 2} -> 2      2: {1, 4} -> {1, 4} -> 2
  //   3: {2, 1} -> {1, 2} -> 0            4: {1, 2} -> {3, 2} -> 1
  // Sum 6, T = 1 - 6 * 2 / (5 * 2 * (10 - 6 - 1)) = 0.6 (sklearn gives 0.6 too).
  Eigen::MatrixXd X(5, 1), E(5, 1);
  X << 0, 1, 3, 7, 15;
  E << 15, 1, 3, 7, 0;
  EXPECT_NEAR(vm::trustworthiness(X, E, 2), 0.6, 1e-15);
}

TEST(Trustworthiness, TiesRankedByIndex) {
  // X on a line: 0, -1, 1, 10, 20, 30, 40, so samples 1 and 2 tie at distance 1 from sample
  // 0. The embedding moves sample 2 to 0.5: sample 0's embedded nearest neighbour is 2, which
  // ranks 2nd in X with ties by index (1st the other way round): penalty 1, nothing elsewhere
  // (the ties of samples 4 and 5 are resolved the same way in both spaces).
  // T = 1 - 1 * 2 / (7 * 1 * (14 - 3 - 1)) = 1 - 2/70. sklearn agrees here (numpy's argsort
  // uses a stable insertion sort below 17 elements).
  Eigen::MatrixXd X(7, 1), E(7, 1);
  X << 0, -1, 1, 10, 20, 30, 40;
  E << 0, -1, 0.5, 10, 20, 30, 40;
  EXPECT_NEAR(vm::trustworthiness(X, E, 1), 1.0 - 2.0 / 70.0, 1e-15);
}

TEST(Trustworthiness, RejectsBadInput) {
  const Eigen::MatrixXd X = Eigen::MatrixXd::Random(10, 3);
  const Eigen::MatrixXd E = Eigen::MatrixXd::Random(10, 2);
  EXPECT_NO_THROW(vm::trustworthiness(X, E, 4));
  EXPECT_THROW(vm::trustworthiness(X, E, 5), vaesweep::UserError);  // 5 >= 10 / 2
  EXPECT_THROW(vm::trustworthiness(X, E, 0), vaesweep::UserError);
  EXPECT_THROW(vm::trustworthiness(X, E.topRows(9), 2), vaesweep::UserError);
  EXPECT_THROW(vm::trustworthiness(Eigen::MatrixXd(0, 3), Eigen::MatrixXd(0, 2), 1), vaesweep::UserError);
  EXPECT_THROW(vm::trustworthiness(Eigen::MatrixXd(10, 0), E, 2), vaesweep::UserError);
  Eigen::MatrixXd bad = X;
  bad(3, 1) = std::numeric_limits<double>::quiet_NaN();
  EXPECT_THROW(vm::trustworthiness(bad, E, 2), vaesweep::UserError);
  Eigen::MatrixXd bad_e = E;
  bad_e(7, 0) = std::numeric_limits<double>::infinity();
  try {
    vm::trustworthiness(X, bad_e, 2);
    FAIL() << "expected UserError";
  } catch (const vaesweep::UserError& e) {
    EXPECT_NE(std::string(e.what()).find("X_embedded(7, 0)"), std::string::npos) << e.what();
  }
}
