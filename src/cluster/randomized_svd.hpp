#pragma once
// A truncated SVD by random projection (Halko, Martinsson and Tropp 2011, algorithms 4.4 and
// 5.1), with the defaults of scikit-learn 1.2's randomized_svd as PCA(svd_solver="randomized")
// calls it: n_components + 10 random directions, 7 power iterations when n_components is under
// a tenth of min(rows, cols), else 4. Where sklearn re-normalises between power iterations by
// an LU factorisation (permute_l), this uses a thin QR: the same subspace, better conditioned,
// at a cost that is small beside the products with the matrix.
#include <cstdint>

#include <Eigen/Dense>

namespace vaesweep::cluster {

struct RandomizedSvdParams {
  int n_components = 0;    // >= 1 and <= min(rows, cols)
  int n_oversamples = 10;  // extra random directions: the sketch has n_components + n_oversamples columns
  int n_iter = -1;         // power iterations; -1: 7 when n_components < 0.1 * min(rows, cols), else 4
  // The Gaussian test matrix's seed. Fixed by default, so that a matrix has one answer whoever
  // asks: the PCA of a work unit does not depend on the unit's seed.
  std::uint64_t seed = 0x7043415f48616c6bULL;  // "pCA_Halk"
};

struct ThinSvd {
  Eigen::MatrixXd U;  // rows x n_components, orthonormal columns
  Eigen::VectorXd S;  // n_components, decreasing
  Eigen::MatrixXd V;  // cols x n_components, orthonormal columns
};

// The n_components leading singular triplets of A, approximately (exact when A's rank is at
// most n_components + n_oversamples). Signs as returned by the small dense SVD; callers that
// need a convention flip them. The matrix products, which dominate, are CBLAS GEMMs.
ThinSvd randomized_svd(const Eigen::MatrixXd& A, const RandomizedSvdParams& params);

// sklearn's n_iter="auto".
int auto_power_iterations(int n_components, Eigen::Index rows, Eigen::Index cols);

}  // namespace vaesweep::cluster
