// Gaussian mixture. Reference scores, BICs and labels come from scikit-learn 1.2.1's
// GaussianMixture(k, covariance_type, random_state=0) with its defaults otherwise, on the same
// data (tests/data/sklearn/sg_gmm_expected.csv, made by
// tests/reference/make_spectral_gmm_reference.py); the k = 1 and degenerate cases are analytic.
// Cluster numbering is never compared directly.
#include <gtest/gtest.h>

#include <Eigen/Dense>
#include <cmath>
#include <limits>
#include <numbers>
#include <set>
#include <string>
#include <vector>

#include "cluster/gmm.hpp"
#include "util/error.hpp"
#include "metrics/external.hpp"
#include "test_csv_util.hpp"

namespace vc = vaesweep::cluster;
namespace vt = vaesweep::test;
using vaesweep::metrics::adjusted_rand_index;

namespace {

vc::GmmParams params(int k, vc::CovarianceType type = vc::CovarianceType::full) {
  vc::GmmParams p;
  p.k = k;
  p.covariance_type = type;
  return p;
}

// Internal consistency: weights sum to 1, covariances symmetric positive definite (diagonal
// for "diag"), labels in range.
void expect_well_formed(const vc::GmmResult& r, Eigen::Index n, int k, Eigen::Index d, vc::CovarianceType type) {
  ASSERT_EQ(r.labels.size(), static_cast<std::size_t>(n));
  for (int l : r.labels) {
    ASSERT_GE(l, 0);
    ASSERT_LT(l, k);
  }
  ASSERT_EQ(r.weights.size(), k);
  EXPECT_NEAR(r.weights.sum(), 1.0, 1e-12);
  EXPECT_TRUE((r.weights.array() > 0).all());
  ASSERT_EQ(r.means.rows(), k);
  ASSERT_EQ(r.means.cols(), d);
  ASSERT_EQ(r.covariances.size(), static_cast<std::size_t>(k));
  for (const auto& S : r.covariances) {
    ASSERT_EQ(S.rows(), d);
    ASSERT_EQ(S.cols(), d);
    EXPECT_EQ(S, S.transpose());
    EXPECT_EQ(Eigen::LLT<Eigen::MatrixXd>(S).info(), Eigen::Success);
    if (type == vc::CovarianceType::diag) {
      EXPECT_EQ((S - Eigen::MatrixXd(S.diagonal().asDiagonal())).norm(), 0.0);
    }
  }
  EXPECT_TRUE(std::isfinite(r.mean_log_likelihood));
}

}  // namespace

TEST(Gmm, MatchesSklearn) {
  // Mean log-likelihood (score) and BIC within 1% of sklearn's, the same partition (ARI >= 0.95
  // against sklearn's labels), converged, on 4 datasets x {full, diag}.
  const auto cases = vt::read_csv(vt::sklearn_path("sg_gmm_expected.csv"));
  ASSERT_GE(cases.rows.size(), 8u);
  for (std::size_t r = 0; r < cases.rows.size(); ++r) {
    const std::string name = cases.cell(r, "case");
    SCOPED_TRACE(name);
    const Eigen::MatrixXd X = vt::read_matrix("sg_X_" + cases.cell(r, "dataset") + ".csv");
    const std::vector<int> sk = vt::read_labels("sg_gmm_labels_" + name + ".csv");
    const int k = cases.integer(r, "k");
    const auto type = vc::parse_covariance_type(cases.cell(r, "covariance_type"));
    const auto res = vc::gaussian_mixture(X, params(k, type));
    expect_well_formed(res, X.rows(), k, X.cols(), type);
    const double score = cases.number(r, "score");
    EXPECT_LE(std::abs(res.mean_log_likelihood - score), 0.01 * std::abs(score))
        << "ours " << res.mean_log_likelihood << " sklearn " << score;
    const double bic = cases.number(r, "bic");
    EXPECT_LE(std::abs(res.bic - bic), 0.01 * std::abs(bic)) << "ours " << res.bic << " sklearn " << bic;
    EXPECT_GE(adjusted_rand_index(sk, res.labels), 0.95);
    EXPECT_TRUE(res.converged);
    EXPECT_LE(res.n_iter, 100);
  }
}

TEST(Gmm, RecoversSeparatedBlobs) {
  // Well separated planted clusters: the planted partition, ARI exactly 1, both types.
  for (auto type : {vc::CovarianceType::full, vc::CovarianceType::diag}) {
    for (const auto& [file, k] : {std::pair<std::string, int>{"sg_X_gmm_blobs5.csv", 5}, {"X_blobs3.csv", 3},
                                  {"X_unbalanced.csv", 4}}) {
      SCOPED_TRACE(file);
      const Eigen::MatrixXd X = vt::read_matrix(file);
      const std::string yfile = file.starts_with("sg_X_") ? "sg_y_" + file.substr(5) : "y_" + file.substr(2);
      const std::vector<int> y = vt::read_labels(yfile);
      const auto res = vc::gaussian_mixture(X, params(k, type));
      EXPECT_EQ(adjusted_rand_index(y, res.labels), 1.0);
      expect_well_formed(res, X.rows(), k, X.cols(), type);
    }
  }
}

TEST(Gmm, SingleComponentIsTheSampleGaussian) {
  // Analytic: k = 1 gives the sample mean and the biased sample covariance + reg_covar I (its
  // diagonal for "diag"); the mean log-likelihood is -(d ln 2 pi + ln det S + tr(S^-1 C)) / 2,
  // with C the biased sample covariance. The bound does not change after the first M-step, so
  // EM stops at iteration 2.
  const Eigen::MatrixXd X = vt::read_matrix("X_aniso.csv");
  const Eigen::Index n = X.rows();
  const Eigen::Index d = X.cols();
  const Eigen::RowVectorXd mu = X.colwise().mean();
  const Eigen::MatrixXd Xc = X.rowwise() - mu;
  const Eigen::MatrixXd C = Xc.transpose() * Xc / static_cast<double>(n);
  for (auto type : {vc::CovarianceType::full, vc::CovarianceType::diag}) {
    SCOPED_TRACE(static_cast<int>(type));
    Eigen::MatrixXd S = type == vc::CovarianceType::full ? C : Eigen::MatrixXd(C.diagonal().asDiagonal());
    S.diagonal().array() += 1e-6;
    const auto res = vc::gaussian_mixture(X, params(1, type));
    EXPECT_LT((res.means.row(0) - mu).norm(), 1e-9);
    EXPECT_LT((res.covariances[0] - S).norm(), 1e-9 * S.norm());
    const Eigen::LLT<Eigen::MatrixXd> llt(S);
    const double logdet = 2.0 * Eigen::MatrixXd(llt.matrixL()).diagonal().array().log().sum();
    const double trace = llt.solve(C).trace();
    const double ll = -0.5 * (static_cast<double>(d) * std::log(2.0 * std::numbers::pi) + logdet + trace);
    EXPECT_NEAR(res.mean_log_likelihood, ll, 1e-9 * std::abs(ll));
    EXPECT_EQ(res.weights(0), 1.0);
    EXPECT_TRUE(res.converged);
    EXPECT_EQ(res.n_iter, 2);
    // BIC: -2 n ll + (parameters) ln n, parameters = d (d + 1) / 2 or d, plus d means.
    const double p = (type == vc::CovarianceType::full ? d * (d + 1) / 2.0 : d) + d;
    EXPECT_NEAR(res.bic, -2.0 * static_cast<double>(n) * res.mean_log_likelihood + p * std::log(n), 1e-6);
  }
}

TEST(Gmm, AllPointsIdentical) {
  // Documented: one component holds every point with covariance reg_covar I; the k-means
  // initialisation leaves the others empty (weight ~ 10 eps / n, mean 0). No NaN; the mean
  // log-likelihood is that of N(x; x, reg_covar I) = -d ln(2 pi reg_covar) / 2.
  const Eigen::MatrixXd X = Eigen::MatrixXd::Constant(20, 3, -4.0);
  for (int k : {1, 3}) {
    for (auto type : {vc::CovarianceType::full, vc::CovarianceType::diag}) {
      const auto res = vc::gaussian_mixture(X, params(k, type));
      expect_well_formed(res, 20, k, 3, type);
      EXPECT_EQ(std::set<int>(res.labels.begin(), res.labels.end()).size(), 1u);
      EXPECT_NEAR(res.mean_log_likelihood, -1.5 * std::log(2.0 * std::numbers::pi * 1e-6), 1e-6);
      EXPECT_TRUE(res.means.allFinite());
    }
  }
}

TEST(Gmm, IterationLimits) {
  const Eigen::MatrixXd X = vt::read_matrix("sg_X_gmm_aniso.csv");
  vc::GmmParams p = params(3, vc::CovarianceType::diag);  // sklearn needs 8 iterations here
  p.max_iter = 1;
  auto res = vc::gaussian_mixture(X, p);
  EXPECT_EQ(res.n_iter, 1);
  EXPECT_FALSE(res.converged);  // one bound only: the change from -inf is not < tol
  p.max_iter = 0;
  res = vc::gaussian_mixture(X, p);
  EXPECT_EQ(res.n_iter, 0);
  EXPECT_FALSE(res.converged);
  expect_well_formed(res, X.rows(), 3, X.cols(), p.covariance_type);
  p.max_iter = 100;
  p.tol = 0;  // never converges by the tol criterion: runs to max_iter
  res = vc::gaussian_mixture(X, p);
  EXPECT_EQ(res.n_iter, 100);
  EXPECT_FALSE(res.converged);
}

TEST(Gmm, TranslationInvariant) {
  // Analytic: shifting every sample by the same vector shifts the means and changes neither
  // the partition, the covariances nor the likelihood (here by 1e7, where x U - mu U on raw
  // data would lose ~7 digits).
  const Eigen::MatrixXd X = vt::read_matrix("sg_X_gmm_overlap.csv");
  Eigen::RowVectorXd shift(3);
  shift << 1e7, -3e7, 5e6;
  const Eigen::MatrixXd Xs = X.rowwise() + shift;
  for (auto type : {vc::CovarianceType::full, vc::CovarianceType::diag}) {
    const auto a = vc::gaussian_mixture(X, params(4, type));
    const auto b = vc::gaussian_mixture(Xs, params(4, type));
    EXPECT_EQ(adjusted_rand_index(a.labels, b.labels), 1.0);
    EXPECT_NEAR(a.mean_log_likelihood, b.mean_log_likelihood, 1e-6);
    for (int c = 0; c < 4; ++c) {
      EXPECT_LT((a.means.row(c) + shift - b.means.row(c)).norm(), 1e-6);
      EXPECT_LT((a.covariances[static_cast<std::size_t>(c)] - b.covariances[static_cast<std::size_t>(c)]).norm(), 1e-6);
    }
  }
}

TEST(Gmm, SameSeedSameResult) {
  const Eigen::MatrixXd X = vt::read_matrix("sg_X_gmm_overlap.csv");
  vc::GmmParams p = params(4);
  p.seed = 99;
  const auto a = vc::gaussian_mixture(X, p);
  const auto b = vc::gaussian_mixture(X, p);
  EXPECT_EQ(a.labels, b.labels);
  EXPECT_EQ(a.means, b.means);
  EXPECT_EQ(a.mean_log_likelihood, b.mean_log_likelihood);
}

TEST(Gmm, RejectsBadInput) {
  const Eigen::MatrixXd X = vt::read_matrix("X_blobs3.csv");  // 90 x 2
  auto expect_user_error = [&](const Eigen::MatrixXd& data, const vc::GmmParams& p, const std::string& part) {
    try {
      vc::gaussian_mixture(data, p);
      ADD_FAILURE() << "expected UserError mentioning " << part;
    } catch (const vaesweep::UserError& e) {
      EXPECT_NE(std::string(e.what()).find(part), std::string::npos) << e.what();
    }
  };
  expect_user_error(X, params(0), "k = 0");
  expect_user_error(X, params(91), "n_samples = 90");
  vc::GmmParams p = params(2);
  p.tol = -1;
  expect_user_error(X, p, "tol");
  p = params(2);
  p.reg_covar = -1e-6;
  expect_user_error(X, p, "reg_covar");
  p = params(2);
  p.max_iter = -1;
  expect_user_error(X, p, "max_iter = -1");
  Eigen::MatrixXd bad = X;
  bad(3, 0) = std::numeric_limits<double>::quiet_NaN();
  expect_user_error(bad, params(2), "X(3, 0)");
  bad(3, 0) = -std::numeric_limits<double>::infinity();
  expect_user_error(bad, params(2), "X(3, 0)");
  expect_user_error(Eigen::MatrixXd(0, 2), params(1), "0 samples");
  // reg_covar = 0 on collapsed data: the covariance is singular (sklearn raises here too).
  p = params(1);
  p.reg_covar = 0;
  expect_user_error(Eigen::MatrixXd::Constant(10, 2, 1.0), p, "ill-defined covariance");
  EXPECT_THROW(vc::parse_covariance_type("spherical"), vaesweep::UserError);
  EXPECT_EQ(vc::parse_covariance_type("diag"), vc::CovarianceType::diag);
}
