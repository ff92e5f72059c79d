#pragma once
// PCA with scikit-learn 1.2's numbers: PCA(n_components, svd_solver="full" or "randomized")
// fitted and transformed in one go (fit_transform), including its sign convention.
#include <array>
#include <string>

#include <Eigen/Dense>

#include "util/named.hpp"

namespace vaesweep::cluster {

// full: the exact thin SVD of the centred data (LAPACK's gesdd in sklearn, Eigen's BDCSVD
// here). randomized: the leading components by random projection (randomized_svd.hpp), with a
// fixed seed; near exact when the spectrum beyond n_components + 10 is small, and for wide
// tables (thousands of columns) orders of magnitude faster.
enum class PcaSolver { full, randomized };
inline constexpr std::array<Named<PcaSolver>, 2> kPcaSolverNames = {
    {{PcaSolver::full, "full"}, {PcaSolver::randomized, "randomized"}}};

// A name of kPcaSolverNames; UserError listing them otherwise.
PcaSolver parse_pca_solver(const std::string& name);
std::string to_string(PcaSolver solver);

// sklearn 1.2's svd_solver="auto" for an integer n_components on an n x d X: randomized when
// max(n, d) > 500 and n_components < 0.8 * min(n, d), else full.
PcaSolver auto_pca_solver(Eigen::Index n, Eigen::Index d, int n_components);

struct PcaResult {
  Eigen::MatrixXd components;          // n_components x d, orthonormal rows
  Eigen::VectorXd mean;                // d: per-feature mean removed before projecting
  Eigen::VectorXd explained_variance;  // n_components: S^2 / (n - 1), decreasing
  double total_variance = 0;           // sum of the per-feature variances (ddof 1): the ratios' denominator
  Eigen::MatrixXd transformed;         // n x n_components: (X - mean) * components^T
};

// X is n x d (rows are samples), finite, n >= 2. Throws vaesweep::UserError when
// n_components is outside [1, min(n, d)], when n < 2 (the variance would divide by 0), or when
// X holds NaN/Inf. Signs follow sklearn 1.2's svd_flip with the decision on U (which its
// randomized solver takes too, through its transposed problem): in every column of U
// (equivalently of `transformed`) the entry of largest magnitude is positive, the first one on
// ties.
PcaResult pca(const Eigen::MatrixXd& X, int n_components, PcaSolver solver = PcaSolver::full);

}  // namespace vaesweep::cluster
