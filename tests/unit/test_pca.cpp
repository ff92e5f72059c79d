// PCA. Expected arrays come from scikit-learn 1.2.1's PCA(n_components, svd_solver="full")
// .fit_transform on the same data (tests/data/sklearn/pca_*.csv, made by
// tests/reference/make_sklearn_reference.py); the solver tests compare with its "full" and
// "randomized" solvers on planted low-rank matrices (tests/data/sklearn/pca_solver_*.csv, made
// by tests/reference/make_pca_solver_reference.py); the rest are analytic identities.
#include <gtest/gtest.h>

#include <Eigen/Dense>
#include <limits>
#include <string>

#include "cluster/pca.hpp"
#include "util/error.hpp"
#include "util/rng.hpp"
#include "test_csv_util.hpp"

namespace vc = vaesweep::cluster;
namespace vt = vaesweep::test;

namespace {

constexpr double kTol = 1e-9;

void expect_near(const Eigen::MatrixXd& got, const Eigen::MatrixXd& want, const char* what) {
  ASSERT_EQ(got.rows(), want.rows()) << what;
  ASSERT_EQ(got.cols(), want.cols()) << what;
  EXPECT_LE((got - want).cwiseAbs().maxCoeff(), kTol) << what;
}

// make_pca_solver_reference.py's uniform(): count values in [-1, 1), exact doubles.
Eigen::VectorXd uniform(std::uint64_t stream, Eigen::Index count) {
  Eigen::VectorXd out(count);
  for (Eigen::Index i = 0; i < count; ++i)
    out(i) = static_cast<double>(vaesweep::splitmix64((stream << 32) | static_cast<std::uint64_t>(i)) >> 11) *
                 0x1.0p-52 - 1.0;
  return out;
}

// make_pca_solver_reference.py's planted_matrix(): sum_r (rank - r) u_r v_r^T + noise * E, the
// same additions in the same order.
Eigen::MatrixXd planted_matrix(Eigen::Index rows, Eigen::Index cols, int rank, double noise) {
  const Eigen::VectorXd u = uniform(1, rows * rank), v = uniform(2, rank * cols), e = uniform(3, rows * cols);
  Eigen::MatrixXd X = Eigen::MatrixXd::Zero(rows, cols);
  for (int r = 0; r < rank; ++r)
    for (Eigen::Index i = 0; i < rows; ++i)
      for (Eigen::Index j = 0; j < cols; ++j) X(i, j) += static_cast<double>(rank - r) * (u(i * rank + r) * v(r * cols + j));
  for (Eigen::Index i = 0; i < rows; ++i)
    for (Eigen::Index j = 0; j < cols; ++j) X(i, j) += noise * e(i * cols + j);
  return X;
}

// The sine of the largest principal angle between the row spaces of A and B (orthonormal rows):
// the spectral norm of A's part outside B's span (scipy.linalg.subspace_angles' max, for small
// angles, where acos of the cosines would lose half the digits).
double largest_angle_sine(const Eigen::MatrixXd& A, const Eigen::MatrixXd& B) {
  const Eigen::MatrixXd outside = A - (A * B.transpose()) * B;
  return Eigen::JacobiSVD<Eigen::MatrixXd>(outside).singularValues()(0);
}

}  // namespace

TEST(Pca, MatchesSklearnIncludingSigns) {
  const auto cases = vt::read_csv(vt::sklearn_path("pca_expected.csv"));
  ASSERT_GE(cases.rows.size(), 4u);
  for (std::size_t r = 0; r < cases.rows.size(); ++r) {
    const std::string prefix = cases.cell(r, "prefix");
    SCOPED_TRACE(prefix);
    const Eigen::MatrixXd X = vt::read_matrix("X_" + cases.cell(r, "dataset") + ".csv");
    const auto res = vc::pca(X, cases.integer(r, "n_components"));
    expect_near(res.transformed, vt::read_matrix(prefix + "_transformed.csv"), "transformed");
    expect_near(res.explained_variance, vt::read_matrix(prefix + "_explained_variance.csv"),
                "explained_variance");
    expect_near(res.components, vt::read_matrix(prefix + "_components.csv"), "components");
    expect_near(res.mean, vt::read_matrix(prefix + "_mean.csv"), "mean");
  }
}

TEST(Pca, FullRankRoundTripsAndIsOrthonormal) {
  // Analytic: with every component kept, transformed * components + mean gives X back,
  // components are orthonormal, and the variances sum to the total variance.
  const Eigen::MatrixXd X = vt::read_matrix("X_aniso.csv");
  const auto res = vc::pca(X, static_cast<int>(X.cols()));
  const Eigen::MatrixXd back = (res.transformed * res.components).rowwise() + res.mean.transpose();
  EXPECT_LE((back - X).cwiseAbs().maxCoeff(), 1e-9);
  const Eigen::MatrixXd gram = res.components * res.components.transpose();
  EXPECT_LE((gram - Eigen::MatrixXd::Identity(X.cols(), X.cols())).cwiseAbs().maxCoeff(), 1e-12);
  const double total = (X.rowwise() - X.colwise().mean()).squaredNorm() / static_cast<double>(X.rows() - 1);
  EXPECT_NEAR(res.explained_variance.sum(), total, 1e-9 * total);
}

TEST(Pca, SignConvention) {
  // sklearn 1.2's svd_flip(u_based_decision=True): the largest-|value| entry of every column
  // of U, i.e. of the transformed data, is positive.
  const Eigen::MatrixXd X = vt::read_matrix("X_unbalanced.csv");
  const auto res = vc::pca(X, 3);
  for (Eigen::Index c = 0; c < 3; ++c) {
    Eigen::Index arg = 0;
    res.transformed.col(c).cwiseAbs().maxCoeff(&arg);
    EXPECT_GT(res.transformed(arg, c), 0.0) << "column " << c;
  }
}

TEST(Pca, RejectsBadInput) {
  const Eigen::MatrixXd X = vt::read_matrix("X_wide.csv");  // 8 x 12
  EXPECT_THROW(vc::pca(X, 0), vaesweep::UserError);
  EXPECT_THROW(vc::pca(X, 9), vaesweep::UserError);  // > min(n, d) = 8
  EXPECT_NO_THROW(vc::pca(X, 8));
  Eigen::MatrixXd bad = X;
  bad(3, 4) = std::numeric_limits<double>::quiet_NaN();
  EXPECT_THROW(vc::pca(bad, 2), vaesweep::UserError);
  EXPECT_THROW(vc::pca(X.topRows(1), 1), vaesweep::UserError);  // n = 1: variance undefined
  try {
    vc::pca(X, 9);
    FAIL() << "expected UserError";
  } catch (const vaesweep::UserError& e) {
    const std::string msg = e.what();
    EXPECT_NE(msg.find("n_components = 9"), std::string::npos) << msg;
    EXPECT_NE(msg.find("= 8"), std::string::npos) << msg;
  }
}

// Both solvers against sklearn's on planted low-rank + noise matrices (wide: the transposed
// problem; tall; noisy: noise that buries the weakest planted directions), where a sketch of
// n_components + 10 directions with 7 power iterations is exact to rounding: sklearn's own
// randomized and full components differ by at most 7e-14 radians there
// (pca_solver_expected.csv, sklearn_max_angle). Ratios: explained_variance / total_variance.
TEST(PcaSolver, MatchesSklearnOnPlantedLowRank) {
  const auto cases = vt::read_csv(vt::sklearn_path("pca_solver_expected.csv"));
  ASSERT_EQ(cases.rows.size(), 3u);
  for (std::size_t r = 0; r < cases.rows.size(); ++r) {
    const std::string name = cases.cell(r, "case");
    SCOPED_TRACE(name);
    const Eigen::MatrixXd X = planted_matrix(cases.integer(r, "rows"), cases.integer(r, "cols"),
                                             cases.integer(r, "rank"), cases.number(r, "noise"));
    const int k = cases.integer(r, "n_components");
    const Eigen::MatrixXd sk_components = vt::read_matrix("pca_solver_" + name + "_full_components.csv");
    const Eigen::VectorXd sk_full_ratio = vt::read_matrix("pca_solver_" + name + "_full_ratio.csv");
    const Eigen::VectorXd sk_randomized_ratio = vt::read_matrix("pca_solver_" + name + "_randomized_ratio.csv");
    for (vc::PcaSolver solver : {vc::PcaSolver::full, vc::PcaSolver::randomized}) {
      SCOPED_TRACE(vc::to_string(solver));
      const auto res = vc::pca(X, k, solver);
      const Eigen::VectorXd ratio = res.explained_variance / res.total_variance;
      expect_near(ratio, sk_full_ratio, "ratio vs sklearn full");
      expect_near(ratio, sk_randomized_ratio, "ratio vs sklearn randomized");
      EXPECT_LE(largest_angle_sine(res.components, sk_components), 1e-10);
      // The same vectors with the same signs (svd_flip on U), not only the same span.
      expect_near(res.components, sk_components, "components vs sklearn full");
    }
  }
}

// sklearn 1.2's svd_solver="auto" for an integer n_components.
TEST(PcaSolver, AutoFollowsSklearnsRule) {
  EXPECT_EQ(vc::auto_pca_solver(100, 520, 5), vc::PcaSolver::randomized);   // max > 500, 5 < 80
  EXPECT_EQ(vc::auto_pca_solver(3115, 4096, 32), vc::PcaSolver::randomized);
  EXPECT_EQ(vc::auto_pca_solver(500, 40, 3), vc::PcaSolver::full);          // max(n, d) <= 500
  EXPECT_EQ(vc::auto_pca_solver(600, 40, 32), vc::PcaSolver::full);         // 32 = 0.8 * 40
  EXPECT_EQ(vc::auto_pca_solver(600, 40, 31), vc::PcaSolver::randomized);
}

// A fixed seed: the same input gives the same bits, call after call.
TEST(PcaSolver, RandomizedIsDeterministic) {
  const Eigen::MatrixXd X = planted_matrix(60, 700, 4, 0.5);
  const auto a = vc::pca(X, 3, vc::PcaSolver::randomized);
  const auto b = vc::pca(X, 3, vc::PcaSolver::randomized);
  EXPECT_EQ(a.transformed, b.transformed);
  EXPECT_EQ(a.components, b.components);
}

// A sketch wider than the matrix is cut to min(n, d): the result is then the exact SVD.
TEST(PcaSolver, RandomizedWithEveryComponentIsExact) {
  const Eigen::MatrixXd X = vt::read_matrix("X_wide.csv");  // 8 x 12
  const auto full = vc::pca(X, 7);
  const auto randomized = vc::pca(X, 7, vc::PcaSolver::randomized);
  expect_near(randomized.explained_variance, full.explained_variance, "explained_variance");
  expect_near(randomized.transformed, full.transformed, "transformed");
  EXPECT_THROW(vc::pca(X, 9, vc::PcaSolver::randomized), vaesweep::UserError);
}

TEST(PcaSolver, UnknownNameListsTheValidOnes) {
  EXPECT_EQ(vc::parse_pca_solver("randomized"), vc::PcaSolver::randomized);
  try {
    vc::parse_pca_solver("foo");
    FAIL() << "expected UserError";
  } catch (const vaesweep::UserError& e) {
    EXPECT_NE(std::string(e.what()).find("\"foo\"; valid names are: full, randomized"), std::string::npos) << e.what();
  }
}
