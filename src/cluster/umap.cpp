#include "cluster/umap.hpp"

#include <Spectra/MatOp/SparseSymMatProd.h>
#include <Spectra/SymEigsSolver.h>

#include <Eigen/Eigenvalues>
#include <Eigen/SVD>
#include <algorithm>
#include <cmath>
#include <cstddef>
#include <limits>
#include <numbers>
#include <stdexcept>
#include <string>
#include <utility>
#include <vector>

#include "util/error.hpp"
#include "util/matrix_checks.hpp"
#include "util/rng.hpp"
#include "neighbours/exact_knn.hpp"

namespace vaesweep::cluster {
namespace {

using Eigen::Index;
using SpMat = Eigen::SparseMatrix<double>;

// umap-learn's constants (umap_.py).
constexpr double kSmoothKTolerance = 1e-5;
constexpr double kMinKDistScale = 1e-3;
constexpr int kSmoothKIterations = 64;
// Eigenproblems up to this size are solved densely (exact, and Lanczos needs n > 2 nev).
constexpr Index kDenseEigenMax = 256;
// Lanczos restarts at most (umap-learn allows 5n).
constexpr Index kMaxRestarts = 1000;

std::string num(double v) { return std::to_string(v); }

void validate(const Eigen::MatrixXd& X, const UmapParams& p) {
  const Index n = X.rows();
  if (n == 0) throw UserError("umap: X has 0 samples; expected at least 3");
  require_features(X, "umap");
  if (p.n_neighbors < 2 || p.n_neighbors >= n)
    throw UserError("umap: n_neighbors = " + std::to_string(p.n_neighbors) +
                    "; expected 2 <= n_neighbors < n_samples = " + std::to_string(n));
  if (p.n_components < 1 || p.n_components >= n)
    throw UserError("umap: n_components = " + std::to_string(p.n_components) +
                    "; expected 1 <= n_components < n_samples = " + std::to_string(n));
  if (p.n_epochs < 0)
    throw UserError("umap: n_epochs = " + std::to_string(p.n_epochs) + "; expected >= 1, or 0 for automatic");
  auto positive = [](double v) { return std::isfinite(v) && v > 0.0; };
  auto non_negative = [](double v) { return std::isfinite(v) && v >= 0.0; };
  if (!positive(p.spread)) throw UserError("umap: spread = " + num(p.spread) + "; expected a finite value > 0");
  if (!non_negative(p.min_dist) || p.min_dist > p.spread)
    throw UserError("umap: min_dist = " + num(p.min_dist) + "; expected 0 <= min_dist <= spread = " + num(p.spread));
  if (!positive(p.learning_rate))
    throw UserError("umap: learning_rate = " + num(p.learning_rate) + "; expected a finite value > 0");
  if (!non_negative(p.negative_sample_rate))
    throw UserError("umap: negative_sample_rate = " + num(p.negative_sample_rate) + "; expected a finite value >= 0");
  if (!positive(p.repulsion_strength))
    throw UserError("umap: repulsion_strength = " + num(p.repulsion_strength) + "; expected a finite value > 0");
  if (!non_negative(p.local_connectivity))
    throw UserError("umap: local_connectivity = " + num(p.local_connectivity) + "; expected a finite value >= 0");
  if (!(p.set_op_mix_ratio >= 0.0 && p.set_op_mix_ratio <= 1.0))
    throw UserError("umap: set_op_mix_ratio = " + num(p.set_op_mix_ratio) + "; expected a value in [0, 1]");
  require_finite(X, "umap");
}

// ---- random numbers, spelled out so that they do not depend on the standard library -------

double uniform01(Rng& rng) { return static_cast<double>(rng() >> 11) * 0x1.0p-53; }  // [0, 1)

double uniform(Rng& rng, double lo, double hi) { return lo + (hi - lo) * uniform01(rng); }

double normal(Rng& rng) {  // Box-Muller, one value per call
  const double u1 = 1.0 - uniform01(rng);  // (0, 1]
  const double u2 = uniform01(rng);
  return std::sqrt(-2.0 * std::log(u1)) * std::cos(2.0 * std::numbers::pi * u2);
}

// ---- fuzzy simplicial set --------------------------------------------------------------------

// umap-learn's smooth_knn_dist (n_iter 64, bandwidth 1): per sample, rho (distance to the
// local_connectivity-th nearest neighbour, interpolated) and sigma such that
// sum_j exp(-max(0, d_j - rho) / sigma) over the neighbours but the first is log2(k).
void smooth_knn_dist(const Eigen::MatrixXd& dist, double local_connectivity, Eigen::VectorXd& sigma,
                     Eigen::VectorXd& rho) {
  const Index n = dist.rows();
  const Index k = dist.cols();
  const double target = std::log2(static_cast<double>(k));
  const double mean_all = dist.mean();
  sigma.resize(n);
  rho.setZero(n);
  std::vector<double> nonzero;
  for (Index i = 0; i < n; ++i) {
    nonzero.clear();
    for (Index j = 0; j < k; ++j)
      if (dist(i, j) > 0.0) nonzero.push_back(dist(i, j));
    const auto n_nonzero = static_cast<double>(nonzero.size());
    if (n_nonzero >= local_connectivity) {
      const auto index = static_cast<std::size_t>(std::floor(local_connectivity));
      const double interpolation = local_connectivity - static_cast<double>(index);
      if (index > 0) {
        rho(i) = nonzero[index - 1];
        if (interpolation > kSmoothKTolerance) rho(i) += interpolation * (nonzero[index] - nonzero[index - 1]);
      } else {
        rho(i) = interpolation * nonzero[0];
      }
    } else if (!nonzero.empty()) {
      rho(i) = *std::max_element(nonzero.begin(), nonzero.end());
    }

    double lo = 0.0;
    double hi = std::numeric_limits<double>::infinity();
    double mid = 1.0;
    for (int it = 0; it < kSmoothKIterations; ++it) {
      double psum = 0.0;
      for (Index j = 1; j < k; ++j) {
        const double d = dist(i, j) - rho(i);
        psum += d > 0.0 ? std::exp(-(d / mid)) : 1.0;
      }
      if (std::abs(psum - target) < kSmoothKTolerance) break;
      if (psum > target) {
        hi = mid;
        mid = (lo + hi) / 2.0;
      } else {
        lo = mid;
        if (std::isinf(hi))
          mid *= 2.0;
        else
          mid = (lo + hi) / 2.0;
      }
    }
    sigma(i) = mid;
    const double floor_scale = rho(i) > 0.0 ? dist.row(i).mean() : mean_all;
    if (sigma(i) < kMinKDistScale * floor_scale) sigma(i) = kMinKDistScale * floor_scale;
  }
}

// compute_membership_strengths + the fuzzy set union/intersection mix of umap-learn's
// fuzzy_simplicial_set.
SpMat fuzzy_simplicial_set(const KnnGraph& knn, double local_connectivity, double mix) {
  const Index n = knn.indices.rows();
  const Index k = knn.indices.cols();
  Eigen::VectorXd sigma, rho;
  smooth_knn_dist(knn.distances, local_connectivity, sigma, rho);
  std::vector<Eigen::Triplet<double>> trip;
  trip.reserve(static_cast<std::size_t>(n * k));
  for (Index i = 0; i < n; ++i)
    for (Index j = 0; j < k; ++j) {
      const int l = knn.indices(i, j);
      if (l == i) continue;  // membership 0: eliminated
      const double d = knn.distances(i, j) - rho(i);
      const double v = (d <= 0.0 || sigma(i) == 0.0) ? 1.0 : std::exp(-(d / sigma(i)));
      if (v != 0.0) trip.emplace_back(static_cast<int>(i), l, v);
    }
  SpMat A(n, n);
  A.setFromTriplets(trip.begin(), trip.end());
  const SpMat At = A.transpose();
  const SpMat P = A.cwiseProduct(At);
  SpMat G = mix * (A + At - P) + (1.0 - mix) * P;
  G.prune([](const Index&, const Index&, const double& v) { return v != 0.0; });
  G.makeCompressed();
  return G;
}

// ---- spectral initialisation -----------------------------------------------------------------

// Flip each column so that its entry of largest magnitude is positive (first on ties): the
// eigensolvers' signs are arbitrary; this makes them a function of the graph.
void fix_signs(Eigen::MatrixXd& V) {
  for (Index c = 0; c < V.cols(); ++c) {
    Index arg = 0;
    for (Index i = 1; i < V.rows(); ++i)
      if (std::abs(V(i, c)) > std::abs(V(arg, c))) arg = i;
    if (V(arg, c) < 0) V.col(c) *= -1.0;
  }
}

// Eigenvectors 2..dim+1 (by increasing eigenvalue) of the normalised Laplacian
// I - D^-1/2 G D^-1/2 of a connected graph, as umap-learn's spectral_layout (eigsh "SM",
// ncv max(2 nev + 1, sqrt n), tol 1e-4, v0 = ones, maxiter 5n), computed as the largest
// eigenvectors of D^-1/2 G D^-1/2. Restarts are capped at 1000 (typical graphs need < 10) so
// that a pathological graph cannot stall a sweep. Returns false when the solver does not
// converge.
bool laplacian_eigenvectors(const SpMat& G, int dim, Eigen::MatrixXd& out) {
  const Index n = G.rows();
  const Index nev = dim + 1;
  Eigen::VectorXd inv_sqrt_deg(n);
  for (Index j = 0; j < n; ++j) inv_sqrt_deg(j) = 1.0 / std::sqrt(G.col(j).sum());
  const SpMat M = inv_sqrt_deg.asDiagonal() * G * inv_sqrt_deg.asDiagonal();
  if (n <= kDenseEigenMax || 2 * nev + 1 > n) {
    const Eigen::MatrixXd Md = Eigen::MatrixXd(M);
    Eigen::SelfAdjointEigenSolver<Eigen::MatrixXd> es(Md);  // ascending eigenvalues
    if (es.info() != Eigen::Success) return false;
    out.resize(n, dim);
    for (int c = 0; c < dim; ++c) out.col(c) = es.eigenvectors().col(n - 2 - c);
  } else {
    const Index ncv = std::min<Index>(n, std::max<Index>(2 * nev + 1, static_cast<Index>(std::sqrt(static_cast<double>(n)))));
    Spectra::SparseSymMatProd<double> op(M);
    Spectra::SymEigsSolver<Spectra::SparseSymMatProd<double>> eigs(op, nev, ncv);
    const Eigen::VectorXd v0 = Eigen::VectorXd::Ones(n);
    eigs.init(v0.data());
    try {
      eigs.compute(Spectra::SortRule::LargestAlge, std::min<Index>(5 * n, kMaxRestarts), 1e-4,
                   Spectra::SortRule::LargestAlge);
    } catch (const std::runtime_error&) {
      return false;  // a failed inner decomposition: same as not converging
    }
    if (eigs.info() != Spectra::CompInfo::Successful) return false;
    const Eigen::MatrixXd V = eigs.eigenvectors();  // by decreasing eigenvalue of M
    if (V.cols() < nev) return false;
    out = V.middleCols(1, dim);
  }
  fix_signs(out);
  return out.allFinite();
}

// Connected components, labelled in order of their lowest vertex (as scipy's).
int connected_components(const SpMat& G, std::vector<int>& label) {
  const Index n = G.rows();
  label.assign(static_cast<std::size_t>(n), -1);
  std::vector<Index> stack;
  int nc = 0;
  for (Index s = 0; s < n; ++s) {
    if (label[static_cast<std::size_t>(s)] >= 0) continue;
    label[static_cast<std::size_t>(s)] = nc;
    stack.assign(1, s);
    while (!stack.empty()) {
      const Index v = stack.back();
      stack.pop_back();
      for (SpMat::InnerIterator it(G, v); it; ++it) {
        int& l = label[static_cast<std::size_t>(it.row())];
        if (l < 0) {
          l = nc;
          stack.push_back(it.row());
        }
      }
    }
    ++nc;
  }
  return nc;
}

// Meta positions of the components (umap-learn's multi_component_layout): +-unit vectors when
// there are at most 2 dim of them, else the centroids projected on their principal axes
// (see the header), scaled to a largest coordinate of 1.
Eigen::MatrixXd component_meta_layout(const Eigen::MatrixXd& X, const std::vector<int>& label, int nc, int dim) {
  Eigen::MatrixXd meta = Eigen::MatrixXd::Zero(nc, dim);
  if (nc <= 2 * dim) {
    const int k = (nc + 1) / 2;
    for (int c = 0; c < nc; ++c) meta(c, c % k) = c < k ? 1.0 : -1.0;
    return meta;
  }
  Eigen::MatrixXd C = Eigen::MatrixXd::Zero(nc, X.cols());
  std::vector<double> count(static_cast<std::size_t>(nc), 0.0);
  for (Index i = 0; i < X.rows(); ++i) {
    C.row(label[static_cast<std::size_t>(i)]) += X.row(i);
    count[static_cast<std::size_t>(label[static_cast<std::size_t>(i)])] += 1.0;
  }
  for (int c = 0; c < nc; ++c) C.row(c) /= count[static_cast<std::size_t>(c)];
  C.rowwise() -= C.colwise().mean();
  Eigen::BDCSVD<Eigen::MatrixXd> svd(C, Eigen::ComputeThinU);
  const Index r = std::min<Index>(dim, svd.singularValues().size());
  meta.leftCols(r) = svd.matrixU().leftCols(r) * svd.singularValues().head(r).asDiagonal();
  fix_signs(meta);
  const double scale = meta.cwiseAbs().maxCoeff();
  if (scale > 0.0 && std::isfinite(scale)) return meta / scale;
  // All centroids coincide: spread the components evenly on the first axes instead.
  meta.setZero();
  for (int c = 0; c < nc; ++c) {
    const double t = 2.0 * std::numbers::pi * c / nc;
    meta(c, 0) = std::cos(t);
    if (dim > 1) meta(c, 1) = std::sin(t);
  }
  return meta;
}

// umap-learn's spectral_layout (one component) and multi_component_layout (several).
// `all_spectral` is cleared when some part fell back to random positions.
Eigen::MatrixXd spectral_layout(const Eigen::MatrixXd& X, const SpMat& G, int dim, const std::vector<int>& label,
                                int nc, Rng& rng, bool& all_spectral) {
  const Index n = G.rows();
  Eigen::MatrixXd Y(n, dim);
  all_spectral = true;
  if (nc == 1) {
    if (!laplacian_eigenvectors(G, dim, Y)) {
      all_spectral = false;
      for (Index i = 0; i < n; ++i)
        for (int c = 0; c < dim; ++c) Y(i, c) = uniform(rng, -10.0, 10.0);
    }
    return Y;
  }
  const Eigen::MatrixXd meta = component_meta_layout(X, label, nc, dim);
  std::vector<std::vector<int>> members(static_cast<std::size_t>(nc));
  for (Index i = 0; i < n; ++i) members[static_cast<std::size_t>(label[static_cast<std::size_t>(i)])].push_back(static_cast<int>(i));
  std::vector<int> local(static_cast<std::size_t>(n), -1);
  for (int c = 0; c < nc; ++c) {
    const auto& mem = members[static_cast<std::size_t>(c)];
    const auto s = static_cast<Index>(mem.size());
    double data_range = std::numeric_limits<double>::infinity();
    for (int o = 0; o < nc; ++o) {
      const double d = (meta.row(o) - meta.row(c)).norm();
      if (d > 0.0) data_range = std::min(data_range, d / 2.0);
    }
    if (!std::isfinite(data_range)) data_range = 1.0;

    Eigen::MatrixXd V;
    bool ok = false;
    if (s >= 2 * dim) {
      for (Index t = 0; t < s; ++t) local[static_cast<std::size_t>(mem[static_cast<std::size_t>(t)])] = static_cast<int>(t);
      std::vector<Eigen::Triplet<double>> trip;
      for (Index t = 0; t < s; ++t)
        for (SpMat::InnerIterator it(G, mem[static_cast<std::size_t>(t)]); it; ++it)
          trip.emplace_back(local[static_cast<std::size_t>(it.row())], static_cast<int>(t), it.value());
      SpMat Gc(s, s);
      Gc.setFromTriplets(trip.begin(), trip.end());
      ok = laplacian_eigenvectors(Gc, dim, V);
    }
    if (ok) {
      V *= data_range / V.cwiseAbs().maxCoeff();
      for (Index t = 0; t < s; ++t) Y.row(mem[static_cast<std::size_t>(t)]) = V.row(t) + meta.row(c);
    } else {
      if (s >= 2 * dim) all_spectral = false;  // tiny components are random by design
      for (Index t = 0; t < s; ++t)
        for (int d = 0; d < dim; ++d)
          Y(mem[static_cast<std::size_t>(t)], d) = uniform(rng, -data_range, data_range) + meta(c, d);
    }
  }
  return Y;
}

// ---- SGD layout ------------------------------------------------------------------------------

double clip4(double v) { return v > 4.0 ? 4.0 : (v < -4.0 ? -4.0 : v); }

// d2^b for d2 > 0: exp(b ln d2) is accurate to a few ulps here and much cheaper than pow,
// which dominates the layout's run time otherwise.
double pow_b(double d2, double b) { return std::exp(b * std::log(d2)); }

// A uniform index in [0, n) from 64 random bits (Lemire's multiply-shift: no division).
__extension__ using Uint128 = unsigned __int128;
std::uint64_t below(Rng& rng, std::uint64_t n) { return static_cast<std::uint64_t>((static_cast<Uint128>(rng()) * n) >> 64); }

// umap-learn's optimize_layout_euclidean with move_other = True (fit_transform). Y is n x dim,
// row-major.
void optimize_layout(std::vector<double>& Y, int dim, const SpMat& G, int n_epochs, double a, double b,
                     const UmapParams& p, Rng& rng) {
  const auto n = static_cast<std::uint64_t>(G.rows());
  // Edges in scipy COO order after sum_duplicates (row, then column); G is symmetric, so
  // column-major storage read column by column gives exactly that order with (col, row).
  std::vector<int> head, tail;
  std::vector<double> weight;
  for (Index j = 0; j < G.outerSize(); ++j)
    for (SpMat::InnerIterator it(G, j); it; ++it) {
      head.push_back(static_cast<int>(j));
      tail.push_back(static_cast<int>(it.row()));
      weight.push_back(it.value());
    }
  const std::size_t m = weight.size();
  if (m == 0) return;
  const double wmax = *std::max_element(weight.begin(), weight.end());
  // make_epochs_per_sample: an edge of weight w is sampled every n_epochs / (n_epochs w / wmax)
  // epochs (all weights are > 0 here).
  std::vector<double> eps(m), next(m), eps_neg(m), next_neg(m);
  const bool negatives = p.negative_sample_rate > 0.0;
  for (std::size_t e = 0; e < m; ++e) {
    const double n_samples = static_cast<double>(n_epochs) * (weight[e] / wmax);
    eps[e] = static_cast<double>(n_epochs) / n_samples;
    next[e] = eps[e];
    eps_neg[e] = negatives ? eps[e] / p.negative_sample_rate : 0.0;
    next_neg[e] = eps_neg[e];
  }

  const double gamma = p.repulsion_strength;
  double alpha = p.learning_rate;
  for (int epoch = 0; epoch < n_epochs; ++epoch) {
    const auto now = static_cast<double>(epoch);
    for (std::size_t e = 0; e < m; ++e) {
      if (next[e] > now) continue;
      const int j = head[e];
      double* cur = &Y[static_cast<std::size_t>(j) * static_cast<std::size_t>(dim)];
      double* oth = &Y[static_cast<std::size_t>(tail[e]) * static_cast<std::size_t>(dim)];
      double d2 = 0.0;
      for (int d = 0; d < dim; ++d) d2 += (cur[d] - oth[d]) * (cur[d] - oth[d]);
      double gc = 0.0;
      if (d2 > 0.0) {
        const double pb = pow_b(d2, b);
        gc = -2.0 * a * b * (pb / d2) / (a * pb + 1.0);  // d2^(b-1) = d2^b / d2
      }
      for (int d = 0; d < dim; ++d) {
        const double g = clip4(gc * (cur[d] - oth[d]));
        cur[d] += g * alpha;
        oth[d] -= g * alpha;
      }
      next[e] += eps[e];
      if (!negatives) continue;

      const int n_neg = static_cast<int>((now - next_neg[e]) / eps_neg[e]);
      for (int q = 0; q < n_neg; ++q) {
        const auto k = static_cast<int>(below(rng, n));
        const double* neg = &Y[static_cast<std::size_t>(k) * static_cast<std::size_t>(dim)];
        d2 = 0.0;
        for (int d = 0; d < dim; ++d) d2 += (cur[d] - neg[d]) * (cur[d] - neg[d]);
        if (d2 > 0.0) {
          gc = 2.0 * gamma * b / ((0.001 + d2) * (a * pow_b(d2, b) + 1.0));
        } else if (j == k) {
          continue;
        } else {
          gc = 0.0;
        }
        for (int d = 0; d < dim; ++d) cur[d] += (gc > 0.0 ? clip4(gc * (cur[d] - neg[d])) : 4.0) * alpha;
      }
      next_neg[e] += static_cast<double>(n_neg) * eps_neg[e];
    }
    alpha = p.learning_rate * (1.0 - now / static_cast<double>(n_epochs));
  }
}

}  // namespace

UmapCurve find_ab_params(double spread, double min_dist) {
  if (!(std::isfinite(spread) && spread > 0.0))
    throw UserError("umap: spread = " + num(spread) + "; expected a finite value > 0");
  if (!(std::isfinite(min_dist) && min_dist >= 0.0 && min_dist <= spread))
    throw UserError("umap: min_dist = " + num(min_dist) + "; expected 0 <= min_dist <= spread = " + num(spread));
  // np.linspace(0, 3 spread, 300) and the target curve.
  constexpr int kPoints = 300;
  std::vector<double> x(kPoints), y(kPoints);
  const double stop = spread * 3.0;
  const double step = stop / (kPoints - 1);
  for (int i = 0; i < kPoints; ++i) {
    x[i] = i == kPoints - 1 ? stop : i * step;
    y[i] = x[i] < min_dist ? 1.0 : std::exp(-(x[i] - min_dist) / spread);
  }
  // Levenberg-Marquardt from (1, 1), as scipy's curve_fit, with the analytic Jacobian,
  // iterated to convergence (MINPACK stops at a relative change of 1.5e-8).
  auto residuals = [&](double a, double b, Eigen::VectorXd& r, Eigen::MatrixXd* J) {
    r.resize(kPoints);
    if (J) J->resize(kPoints, 2);
    for (int i = 0; i < kPoints; ++i) {
      const double xp = x[i] > 0.0 ? std::pow(x[i], 2.0 * b) : 0.0;
      const double den = 1.0 + a * xp;
      r(i) = 1.0 / den - y[i];
      if (J) {
        (*J)(i, 0) = -xp / (den * den);
        (*J)(i, 1) = x[i] > 0.0 ? -a * xp * 2.0 * std::log(x[i]) / (den * den) : 0.0;
      }
    }
    return r.squaredNorm();
  };
  double a = 1.0, b = 1.0, lambda = 1e-3;
  Eigen::VectorXd r, r_try;
  Eigen::MatrixXd J;
  double cost = residuals(a, b, r, &J);
  for (int it = 0; it < 500; ++it) {
    const Eigen::Matrix2d JtJ = J.transpose() * J;
    const Eigen::Vector2d g = J.transpose() * r;
    bool improved = false;
    while (lambda < 1e12) {
      Eigen::Matrix2d A = JtJ;
      A.diagonal() += lambda * JtJ.diagonal().cwiseMax(1e-300);
      const Eigen::Vector2d delta = A.ldlt().solve(-g);
      const double a_try = a + delta(0), b_try = b + delta(1);
      if (a_try > 0.0 && b_try > 0.0) {
        const double c_try = residuals(a_try, b_try, r_try, nullptr);
        if (c_try < cost) {
          const bool tiny = std::abs(delta(0)) <= 1e-15 * std::abs(a) && std::abs(delta(1)) <= 1e-15 * std::abs(b);
          a = a_try;
          b = b_try;
          cost = residuals(a, b, r, &J);
          lambda = std::max(lambda / 10.0, 1e-15);
          improved = !tiny;
          break;
        }
      }
      lambda *= 10.0;
    }
    if (!improved) break;
  }
  return {a, b};
}

KnnGraph exact_knn(const Eigen::MatrixXd& X, int k) {
  const Index n = X.rows();
  if (n == 0) throw UserError("exact_knn: X has 0 samples; expected at least 1");
  if (k < 1 || k > n)
    throw UserError("exact_knn: k = " + std::to_string(k) + "; expected 1 <= k <= n_samples = " + std::to_string(n));
  // umap-learn puts the sample itself first (at distance 0, even before its duplicates), then
  // its k - 1 nearest others in neighbours::nearest_others' order.
  const neighbours::Neighbours nn = neighbours::nearest_others(X, k - 1, "exact_knn");
  KnnGraph out;
  out.indices.resize(n, k);
  out.distances.resize(n, k);
  for (Index i = 0; i < n; ++i) {
    out.indices(i, 0) = static_cast<int>(i);
    out.distances(i, 0) = 0.0;
    for (int t = 0; t < k - 1; ++t) {
      out.indices(i, t + 1) = nn.at(i, t);
      out.distances(i, t + 1) = std::sqrt(nn.sq_at(i, t));
    }
  }
  return out;
}

UmapResult umap(const Eigen::MatrixXd& X, const UmapParams& params) {
  validate(X, params);
  const Index n = X.rows();
  const int dim = params.n_components;
  UmapResult res;
  const UmapCurve ab = find_ab_params(params.spread, params.min_dist);
  res.a = ab.a;
  res.b = ab.b;

  res.graph = fuzzy_simplicial_set(exact_knn(X, params.n_neighbors), params.local_connectivity,
                                   params.set_op_mix_ratio);

  // simplicial_set_embedding: epochs, then edges too weak to be sampled even once are dropped.
  const int default_epochs = n <= 10000 ? 500 : 200;
  res.n_epochs = params.n_epochs > 0 ? params.n_epochs : default_epochs;
  SpMat G = res.graph;
  if (G.nonZeros() > 0) {
    const double gmax = Eigen::Map<const Eigen::VectorXd>(G.valuePtr(), G.nonZeros()).maxCoeff();
    const double threshold = gmax / static_cast<double>(res.n_epochs > 10 ? res.n_epochs : default_epochs);
    G.prune([threshold](const Index&, const Index&, const double& v) { return !(v < threshold); });
    G.makeCompressed();
  }
  std::vector<int> label;
  res.n_graph_components = connected_components(G, label);

  Rng init_rng(derive_seed(params.seed, {0}));
  Eigen::MatrixXd Y0(n, dim);
  if (params.init == UmapInit::spectral) {
    Y0 = spectral_layout(X, G, dim, label, res.n_graph_components, init_rng, res.spectral_init);
    // noisy_scale_coords(max_coord=10, noise=1e-4)
    const double maxabs = Y0.cwiseAbs().maxCoeff();
    if (maxabs > 0.0) Y0 *= 10.0 / maxabs;
    for (Index i = 0; i < n; ++i)
      for (int c = 0; c < dim; ++c) Y0(i, c) += 1e-4 * normal(init_rng);
  } else {
    res.spectral_init = false;
    for (Index i = 0; i < n; ++i)
      for (int c = 0; c < dim; ++c) Y0(i, c) = uniform(init_rng, -10.0, 10.0);
  }
  // Every coordinate rescaled to [0, 10] before the layout, as umap-learn 0.5.
  std::vector<double> Y(static_cast<std::size_t>(n) * static_cast<std::size_t>(dim));
  for (int c = 0; c < dim; ++c) {
    const double lo = Y0.col(c).minCoeff();
    const double range = Y0.col(c).maxCoeff() - lo;
    for (Index i = 0; i < n; ++i)
      Y[static_cast<std::size_t>(i) * static_cast<std::size_t>(dim) + static_cast<std::size_t>(c)] =
          range > 0.0 ? 10.0 * (Y0(i, c) - lo) / range : 5.0;
  }

  Rng sgd_rng(derive_seed(params.seed, {1}));
  optimize_layout(Y, dim, G, res.n_epochs, res.a, res.b, params, sgd_rng);

  res.embedding.resize(n, dim);
  for (Index i = 0; i < n; ++i)
    for (int c = 0; c < dim; ++c)
      res.embedding(i, c) = Y[static_cast<std::size_t>(i) * static_cast<std::size_t>(dim) + static_cast<std::size_t>(c)];
  return res;
}

}  // namespace vaesweep::cluster
