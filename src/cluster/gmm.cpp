#include "cluster/gmm.hpp"

#include <algorithm>
#include <cmath>
#include <limits>
#include <numbers>
#include <string>

#include "cluster/kmeans.hpp"
#include "util/error.hpp"
#include "util/matrix_checks.hpp"
#include "util/rng.hpp"

namespace vaesweep::cluster {
namespace {

using Eigen::Index;

void validate(const Eigen::MatrixXd& X, const GmmParams& p) {
  const Index n = X.rows();
  if (n < 1) throw UserError("gmm: X has 0 samples; expected at least 1");
  require_features(X, "gmm");
  check_params(p, n);
  require_finite(X, "gmm");
}

}  // namespace

void check_params(const GmmParams& p, Eigen::Index n) {
  if (p.k < 1 || p.k > n)
    throw UserError("gmm: k = " + std::to_string(p.k) + "; expected 1 <= k <= n_samples = " + std::to_string(n));
  if (!(p.tol >= 0.0) || !std::isfinite(p.tol))
    throw UserError("gmm: tol = " + std::to_string(p.tol) + "; expected a finite value >= 0");
  if (!(p.reg_covar >= 0.0) || !std::isfinite(p.reg_covar))
    throw UserError("gmm: reg_covar = " + std::to_string(p.reg_covar) + "; expected a finite value >= 0");
  if (p.max_iter < 0) throw UserError("gmm: max_iter = " + std::to_string(p.max_iter) + "; expected >= 0");
}

namespace {

// Model parameters: covariances are kept as d x d matrices (diagonal ones for "diag"); the
// precision Cholesky factor is upper triangular (sklearn's precisions_cholesky_), for "diag"
// only its diagonal is used.
struct Model {
  Eigen::VectorXd weights;
  Eigen::MatrixXd means;  // k x d
  std::vector<Eigen::MatrixXd> cov;
  std::vector<Eigen::MatrixXd> prec_chol;
  Eigen::VectorXd log_det;  // log det of each prec_chol
};

[[noreturn]] void ill_defined(int c, double reg_covar) {
  throw UserError("gmm: component " + std::to_string(c) +
                  " has an ill-defined covariance (not positive definite after adding reg_covar = " +
                  std::to_string(reg_covar) +
                  "), e.g. from singleton or collapsed samples; decrease k or increase reg_covar");
}

// sklearn's _compute_precision_cholesky.
void precision_cholesky(Model& m, CovarianceType type, double reg_covar) {
  const auto k = static_cast<int>(m.cov.size());
  const Index d = m.means.cols();
  m.prec_chol.resize(static_cast<std::size_t>(k));
  m.log_det.resize(k);
  for (int c = 0; c < k; ++c) {
    const Eigen::MatrixXd& S = m.cov[static_cast<std::size_t>(c)];
    Eigen::MatrixXd& U = m.prec_chol[static_cast<std::size_t>(c)];
    if (type == CovarianceType::full) {
      Eigen::LLT<Eigen::MatrixXd> llt(S);
      if (llt.info() != Eigen::Success) ill_defined(c, reg_covar);
      const Eigen::MatrixXd L = llt.matrixL();
      if (!(L.diagonal().array() > 0.0).all() || !L.allFinite()) ill_defined(c, reg_covar);
      // U = (L^-1)^T, upper triangular: x^T S^-1 x = |U^T x|^2 ... as sklearn, y = (x - mu) U.
      U = L.triangularView<Eigen::Lower>().solve(Eigen::MatrixXd::Identity(d, d)).transpose();
    } else {
      const Eigen::VectorXd var = S.diagonal();
      if (!(var.array() > 0.0).all()) ill_defined(c, reg_covar);
      U = var.cwiseSqrt().cwiseInverse().asDiagonal();
    }
    m.log_det(c) = U.diagonal().array().log().sum();
  }
}

// sklearn's _estimate_gaussian_parameters (then _initialize / _m_step normalise the weights).
void estimate_parameters(const Eigen::MatrixXd& X, const Eigen::MatrixXd& resp, CovarianceType type,
                         double reg_covar, Model& m) {
  const Index d = X.cols();
  const auto k = static_cast<int>(resp.cols());
  const Eigen::VectorXd nk =
      resp.colwise().sum().transpose().array() + 10.0 * std::numeric_limits<double>::epsilon();
  m.means = (resp.transpose() * X).array().colwise() / nk.array();
  m.cov.resize(static_cast<std::size_t>(k));
  Eigen::MatrixXd diff(X.rows(), d);
  for (int c = 0; c < k; ++c) {
    diff = X.rowwise() - m.means.row(c);
    Eigen::MatrixXd& S = m.cov[static_cast<std::size_t>(c)];
    if (type == CovarianceType::full) {
      // sum_i r_ic (x_i - mu_c)(x_i - mu_c)^T as W^T W with W = sqrt(r) .* diff (a symmetric
      // rank update: half the flops of the general product).
      diff.array().colwise() *= resp.col(c).array().sqrt();
      Eigen::MatrixXd lower = Eigen::MatrixXd::Zero(d, d);
      lower.selfadjointView<Eigen::Lower>().rankUpdate(diff.transpose(), 1.0 / nk(c));
      S = lower.selfadjointView<Eigen::Lower>();
    } else {
      // sum_i r_ic (x_i - mu_c)^2 / nk_c: the same value as sklearn's expanded
      // E[x^2] - 2 mu E[x] + mu^2, without its cancellation.
      const Eigen::VectorXd var = (diff.array().square().colwise() * resp.col(c).array()).colwise().sum().transpose() / nk(c);
      S = var.asDiagonal();
    }
    S.diagonal().array() += reg_covar;
  }
  m.weights = nk;
}

// sklearn's _estimate_weighted_log_prob then _estimate_log_prob_resp: fills log_resp (n x k)
// and returns the mean over samples of log p(x_i).
double e_step(const Eigen::MatrixXd& X, const Model& m, CovarianceType type, Eigen::MatrixXd& log_resp) {
  const Index n = X.rows();
  const Index d = X.cols();
  const auto k = static_cast<Index>(m.weights.size());
  const double c0 = static_cast<double>(d) * std::log(2.0 * std::numbers::pi);
  log_resp.resize(n, k);
  Eigen::MatrixXd Y(n, d);
  for (Index c = 0; c < k; ++c) {
    const Eigen::MatrixXd& U = m.prec_chol[static_cast<std::size_t>(c)];
    // (x - mu) U = x U - mu U, as sklearn (one triangular product, no centred copy of X).
    if (type == CovarianceType::full) {
      Y.noalias() = X * U.triangularView<Eigen::Upper>();
      Y.rowwise() -= m.means.row(c) * U.triangularView<Eigen::Upper>();
    } else {
      Y = (X.rowwise() - m.means.row(c)) * U.diagonal().asDiagonal();
    }
    log_resp.col(c) = (-0.5 * (c0 + Y.rowwise().squaredNorm().array()) + m.log_det(c) + std::log(m.weights(c))).matrix();
  }
  double total = 0.0;
  for (Index i = 0; i < n; ++i) {
    const double mx = log_resp.row(i).maxCoeff();
    const double lse = mx + std::log((log_resp.row(i).array() - mx).exp().sum());
    log_resp.row(i).array() -= lse;
    total += lse;
  }
  return total / static_cast<double>(n);
}

// sklearn's _n_parameters.
double n_parameters(Index k, Index d, CovarianceType type) {
  const double cov = type == CovarianceType::full ? static_cast<double>(k * d * (d + 1)) / 2.0
                                                  : static_cast<double>(k * d);
  return cov + static_cast<double>(k * d) + static_cast<double>(k - 1);
}

}  // namespace

CovarianceType parse_covariance_type(std::string_view name) {
  return parse_named(kCovarianceTypeNames, std::string(name), "gmm covariance type");
}

GmmResult gaussian_mixture(const Eigen::MatrixXd& X_in, const GmmParams& params) {
  validate(X_in, params);
  const Index n = X_in.rows();
  // EM runs on centred data (the likelihood is translation invariant): x U - mu U in the E-step
  // then loses nothing to cancellation when the data sit far from the origin.
  const Eigen::RowVectorXd offset = X_in.colwise().mean();
  const Eigen::MatrixXd X = X_in.rowwise() - offset;
  const int k = params.k;
  const CovarianceType type = params.covariance_type;

  // Initialisation (init_params="kmeans"): one-hot responsibilities from one k-means run.
  KMeansParams kp;
  kp.k = k;
  kp.n_init = 1;
  kp.seed = derive_seed(params.seed, {kGmmInitStream});
  const std::vector<int> init = kmeans(X, kp).labels;
  Eigen::MatrixXd resp = Eigen::MatrixXd::Zero(n, k);
  for (Index i = 0; i < n; ++i) resp(i, init[static_cast<std::size_t>(i)]) = 1.0;
  Model m;
  estimate_parameters(X, resp, type, params.reg_covar, m);
  m.weights /= static_cast<double>(n);
  precision_cholesky(m, type, params.reg_covar);

  GmmResult out;
  double lower_bound = -std::numeric_limits<double>::infinity();
  Eigen::MatrixXd log_resp;
  for (int it = 1; it <= params.max_iter; ++it) {
    const double prev = lower_bound;
    lower_bound = e_step(X, m, type, log_resp);
    resp = log_resp.array().exp();
    estimate_parameters(X, resp, type, params.reg_covar, m);
    m.weights /= m.weights.sum();
    precision_cholesky(m, type, params.reg_covar);
    out.n_iter = it;
    if (std::abs(lower_bound - prev) < params.tol) {
      out.converged = true;
      break;
    }
  }

  // Final E-step under the returned parameters: labels and score(X).
  out.mean_log_likelihood = e_step(X, m, type, log_resp);
  out.labels.resize(static_cast<std::size_t>(n));
  for (Index i = 0; i < n; ++i) {
    Index arg = 0;
    log_resp.row(i).maxCoeff(&arg);
    out.labels[static_cast<std::size_t>(i)] = static_cast<int>(arg);
  }
  out.lower_bound = params.max_iter > 0 ? lower_bound : out.mean_log_likelihood;
  out.bic = -2.0 * out.mean_log_likelihood * static_cast<double>(n) +
            n_parameters(k, X.cols(), type) * std::log(static_cast<double>(n));
  out.weights = std::move(m.weights);
  out.means = m.means.rowwise() + offset;
  out.covariances = std::move(m.cov);
  return out;
}

}  // namespace vaesweep::cluster
