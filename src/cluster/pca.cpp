#include "cluster/pca.hpp"

#include <algorithm>
#include <cmath>
#include <string>

#include "cluster/randomized_svd.hpp"
#include "util/error.hpp"
#include "util/matrix_checks.hpp"

namespace vaesweep::cluster {
namespace {

using Eigen::Index;

void check_input(const Eigen::MatrixXd& X, int n_components) {
  const Index n = X.rows();
  const Index d = X.cols();
  if (n < 2) throw UserError("pca: X has " + std::to_string(n) + " samples; expected at least 2");
  if (n_components < 1 || n_components > std::min(n, d))
    throw UserError("pca: n_components = " + std::to_string(n_components) +
                    "; expected 1 <= n_components <= min(n_samples, n_features) = " +
                    std::to_string(std::min(n, d)));
  require_finite(X, "pca");
}

// The leading n_components singular triplets of the centred data, by the chosen solver.
ThinSvd leading_svd(const Eigen::MatrixXd& Xc, int n_components, PcaSolver solver) {
  if (solver == PcaSolver::randomized) {
    RandomizedSvdParams params;
    params.n_components = n_components;
    return randomized_svd(Xc, params);
  }
  // Thin SVD like LAPACK's gesdd with full_matrices=False; BDCSVD scales to large n.
  Eigen::BDCSVD<Eigen::MatrixXd> svd(Xc, Eigen::ComputeThinU | Eigen::ComputeThinV);
  return {svd.matrixU().leftCols(n_components), svd.singularValues().head(n_components),
          svd.matrixV().leftCols(n_components)};
}

}  // namespace

PcaSolver parse_pca_solver(const std::string& name) { return parse_named(kPcaSolverNames, name, "PCA solver"); }

std::string to_string(PcaSolver solver) { return name_of(kPcaSolverNames, solver); }

PcaSolver auto_pca_solver(Index n, Index d, int n_components) {
  if (std::max(n, d) <= 500) return PcaSolver::full;
  return n_components < 0.8 * static_cast<double>(std::min(n, d)) ? PcaSolver::randomized : PcaSolver::full;
}

PcaResult pca(const Eigen::MatrixXd& X, int n_components, PcaSolver solver) {
  check_input(X, n_components);
  const Index n = X.rows();
  PcaResult out;
  out.mean = X.colwise().mean().transpose();
  const Eigen::MatrixXd Xc = X.rowwise() - out.mean.transpose();
  ThinSvd svd = leading_svd(Xc, n_components, solver);
  Eigen::MatrixXd& U = svd.U;
  Eigen::MatrixXd& V = svd.V;

  // svd_flip(u_based_decision=True) decides on all n rows of U; only the kept columns matter.
  for (Index c = 0; c < n_components; ++c) {
    Index arg = 0;
    for (Index i = 1; i < n; ++i)  // first maximum on ties, as np.argmax
      if (std::abs(U(i, c)) > std::abs(U(arg, c))) arg = i;
    if (U(arg, c) < 0) {
      U.col(c) *= -1.0;
      V.col(c) *= -1.0;
    }
  }

  out.components = V.transpose();
  out.explained_variance = svd.S.array().square() / static_cast<double>(n - 1);
  out.total_variance = Xc.squaredNorm() / static_cast<double>(n - 1);
  out.transformed = U * svd.S.asDiagonal();  // = Xc * V, as sklearn's fit_transform returns it
  return out;
}

}  // namespace vaesweep::cluster
