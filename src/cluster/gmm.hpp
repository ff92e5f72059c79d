#pragma once
// Gaussian mixture fitted by EM, as scikit-learn 1.2's GaussianMixture(covariance_type="full" or
// "diag", n_init=1, init_params="kmeans"): responsibilities start one-hot from one k-means run,
// EM works in log space with the Cholesky factors of the precision matrices (sklearn's
// _estimate_log_gaussian_prob / _compute_precision_cholesky), and stops when the mean
// log-likelihood lower bound changes by less than tol. Single-threaded, like kmeans.
#include <array>
#include <Eigen/Dense>
#include <cstdint>
#include <string_view>
#include <vector>

#include "util/named.hpp"

namespace vaesweep::cluster {

enum class CovarianceType {
  full,  // one general d x d covariance per component
  diag,  // one diagonal covariance per component
};

inline constexpr std::array<Named<CovarianceType>, 2> kCovarianceTypeNames = {
    {{CovarianceType::full, "full"}, {CovarianceType::diag, "diag"}}};
// A name of kCovarianceTypeNames; anything else throws vaesweep::UserError listing them.
CovarianceType parse_covariance_type(std::string_view name);

struct GmmParams {
  int k = 1;  // mixture components (n_components); 1 <= k <= n (as sklearn)
  CovarianceType covariance_type = CovarianceType::full;
  double tol = 1e-3;        // (>= 0) converged when |lower bound change| < tol, the bound being
                            // the mean log-likelihood per sample (as sklearn)
  double reg_covar = 1e-6;  // (>= 0) added to every covariance's diagonal
  int max_iter = 100;       // EM iterations (>= 0; 0 returns the k-means initialisation)
  std::uint64_t seed = 0;   // init: kmeans(n_init = 1, seed = derive_seed(seed, {kGmmInitStream}))
};

inline constexpr std::uint64_t kGmmInitStream = 0x474d4d494e495453ULL;  // "GMMINITS"

struct GmmResult {
  std::vector<int> labels;                   // n entries in [0, k): argmax responsibility
                                             // (lowest component on ties), under the final
                                             // parameters (sklearn's fit_predict)
  Eigen::VectorXd weights;                   // k mixing weights, summing to 1
  Eigen::MatrixXd means;                     // k x d
  std::vector<Eigen::MatrixXd> covariances;  // k matrices d x d (diagonal for "diag"),
                                             // reg_covar included
  double mean_log_likelihood = 0;  // mean over samples of log p(x) under the final parameters
                                   // (sklearn's score(X))
  double lower_bound = 0;          // the bound of the last iteration (sklearn's lower_bound_:
                                   // computed before the last M-step); with max_iter = 0 it is
                                   // mean_log_likelihood (sklearn leaves -inf)
  double bic = 0;                  // -2 n mean_log_likelihood + n_parameters ln n (sklearn's bic)
  bool converged = false;          // the tol criterion was met within max_iter
  int n_iter = 0;                  // EM iterations run
};

// X is n x d (rows are samples), finite. Invalid parameters, non-finite or empty X throw
// vaesweep::UserError, as does a covariance that is not positive definite even after adding
// reg_covar (sklearn's "ill-defined empirical covariance"; only possible with reg_covar = 0 or
// a tiny reg_covar on data of huge scale). The result depends only on (X, params).
//
// Components that k-means leaves empty (X has fewer distinct points than k, e.g. all points
// identical) follow sklearn: weight 10 eps / n, covariance reg_covar * I, and mean the data
// mean (sklearn's is the origin: EM here runs on centred data); they take no points and
// nothing becomes NaN. All points identical (k = 1 or not): every label is the
// component holding them, its covariance is reg_covar * I, and mean_log_likelihood is the
// (large, finite) density of that Gaussian at its mean.
GmmResult gaussian_mixture(const Eigen::MatrixXd& X, const GmmParams& params);

// The parameter ranges gaussian_mixture() checks, for n samples, without the data
// (vaesweep::UserError as gaussian_mixture()).
void check_params(const GmmParams& params, Eigen::Index n);

}  // namespace vaesweep::cluster
