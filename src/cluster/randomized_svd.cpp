#include "cluster/randomized_svd.hpp"

#include <cblas.h>

#include <algorithm>
#include <cmath>
#include <numbers>
#include <string>

#include "util/error.hpp"
#include "util/rng.hpp"

namespace vaesweep::cluster {
namespace {

using Eigen::Index;
using Eigen::MatrixXd;

// op(A) * B with op(A) = A or A^T: one GEMM, no copy of A for the transpose.
MatrixXd times(const MatrixXd& A, bool transpose_a, const MatrixXd& B) {
  const Index rows = transpose_a ? A.cols() : A.rows();
  const Index inner = transpose_a ? A.rows() : A.cols();
  VAESWEEP_ASSERT(inner == B.rows(), "randomized_svd: product shapes");
  MatrixXd out(rows, B.cols());
  cblas_dgemm(CblasColMajor, transpose_a ? CblasTrans : CblasNoTrans, CblasNoTrans, static_cast<int>(rows),
              static_cast<int>(B.cols()), static_cast<int>(inner), 1.0, A.data(), static_cast<int>(A.rows()),
              B.data(), static_cast<int>(B.rows()), 0.0, out.data(), static_cast<int>(rows));
  return out;
}

// An orthonormal basis of Y's columns (thin Householder QR).
MatrixXd orthonormal_basis(const MatrixXd& Y) {
  const Eigen::HouseholderQR<MatrixXd> qr(Y);
  return qr.householderQ() * MatrixXd::Identity(Y.rows(), Y.cols());
}

// Standard normal draws by Box-Muller from 53-bit uniforms: the same numbers with every
// standard library (std::normal_distribution's algorithm is the library's choice).
MatrixXd gaussian(Index rows, Index cols, std::uint64_t seed) {
  Rng rng(seed);
  const auto uniform = [&] { return (static_cast<double>(rng() >> 11) + 0.5) * 0x1.0p-53; };  // in (0, 1)
  MatrixXd out(rows, cols);
  double* v = out.data();
  const Index size = out.size();
  for (Index i = 0; i < size; i += 2) {
    const double radius = std::sqrt(-2.0 * std::log(uniform()));
    const double angle = 2.0 * std::numbers::pi * uniform();
    v[i] = radius * std::cos(angle);
    if (i + 1 < size) v[i + 1] = radius * std::sin(angle);
  }
  return out;
}

}  // namespace

int auto_power_iterations(int n_components, Index rows, Index cols) {
  return n_components < 0.1 * static_cast<double>(std::min(rows, cols)) ? 7 : 4;
}

ThinSvd randomized_svd(const MatrixXd& A, const RandomizedSvdParams& params) {
  const Index smaller = std::min(A.rows(), A.cols());
  const int k = params.n_components;
  if (k < 1 || k > smaller)
    throw UserError("randomized_svd: n_components = " + std::to_string(k) + "; expected 1 <= n_components <= " +
                    std::to_string(smaller));
  VAESWEEP_ASSERT(params.n_oversamples >= 0, "randomized_svd: n_oversamples >= 0");
  const int iterations = params.n_iter >= 0 ? params.n_iter : auto_power_iterations(k, A.rows(), A.cols());
  // Work on the tall one of A and A^T (as sklearn's transpose="auto"): M = A or A^T, m >= n.
  const bool wide = A.rows() < A.cols();
  const auto M_times = [&](const MatrixXd& B) { return times(A, wide, B); };    // M B
  const auto Mt_times = [&](const MatrixXd& B) { return times(A, !wide, B); };  // M^T B
  const Index n = wide ? A.rows() : A.cols();
  // More directions than M has columns add nothing: the sketch then spans M's whole range.
  const Index sketch = std::min<Index>(k + params.n_oversamples, smaller);

  // Range finder (Halko et al. algorithm 4.4): Q spans (M M^T)^q M Omega, re-orthonormalised
  // after every product so that the small singular directions are not lost to rounding.
  MatrixXd Q = gaussian(n, sketch, params.seed);
  for (int i = 0; i < iterations; ++i) {
    Q = orthonormal_basis(M_times(Q));
    Q = orthonormal_basis(Mt_times(Q));
  }
  Q = orthonormal_basis(M_times(Q));  // m x sketch

  // M ~ Q Q^T M = Q B; the SVD of the small B (taken of B^T, a tall n x sketch matrix) gives
  // B = Z S W^T, so M ~ (Q Z) S W^T.
  const MatrixXd Bt = Mt_times(Q);
  Eigen::BDCSVD<MatrixXd> small(Bt, Eigen::ComputeThinU | Eigen::ComputeThinV);
  const MatrixXd UM = Q * small.matrixV().leftCols(k);  // m x k
  const MatrixXd VM = small.matrixU().leftCols(k);      // n x k

  ThinSvd out;
  out.S = small.singularValues().head(k);
  // A = M or M^T: the factors swap with the transpose.
  out.U = wide ? VM : UM;
  out.V = wide ? UM : VM;
  return out;
}

}  // namespace vaesweep::cluster
