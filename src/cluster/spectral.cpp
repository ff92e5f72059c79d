#include "cluster/spectral.hpp"

#include <Eigen/Sparse>
#include <Spectra/SymEigsSolver.h>

#include <algorithm>
#include <cmath>
#include <memory>
#include <cstddef>
#include <limits>
#include <numeric>
#include <random>
#include <stdexcept>
#include <string>
#include <utility>

#include "cluster/kmeans.hpp"
#include "util/error.hpp"
#include "util/matrix_checks.hpp"
#include "util/rng.hpp"
#include "neighbours/exact_knn.hpp"

namespace vaesweep::cluster {
namespace {

using Eigen::Index;
using SparseRM = Eigen::SparseMatrix<double, Eigen::RowMajor, int>;

constexpr Index kDenseMaxN = 200;           // automatic: dense eigensolver up to this n
constexpr Index kDenseFallbackMaxN = 2000;  // Lanczos failed: dense fallback up to this n
constexpr double kRbfDropBelow = 1e-10;    // RBF: normalised affinities below this are 0
constexpr std::uint64_t kStartVectorStream = 0x5350454c414e4353ULL;  // "SPELANCS"

void validate(const Eigen::MatrixXd& X, const SpectralParams& p) {
  const Index n = X.rows();
  if (n < 1) throw UserError("spectral: X has 0 samples; expected at least 1");
  require_features(X, "spectral");
  check_params(p, n);
  require_finite(X, "spectral");
}

}  // namespace

void check_params(const SpectralParams& p, Eigen::Index n) {
  if (p.k < 1 || p.k > n)
    throw UserError("spectral: k = " + std::to_string(p.k) + "; expected 1 <= k <= n_samples = " +
                    std::to_string(n));
  if (p.affinity == SpectralAffinity::nearest_neighbors && (p.n_neighbors < 2 || p.n_neighbors >= n))
    throw UserError("spectral: n_neighbors = " + std::to_string(p.n_neighbors) +
                    "; expected 2 <= n_neighbors < n_samples = " + std::to_string(n) +
                    " (the point itself counts as one neighbour)");
  if (p.affinity == SpectralAffinity::rbf) {
    if (!(p.gamma > 0.0) || !std::isfinite(p.gamma))
      throw UserError("spectral: gamma = " + std::to_string(p.gamma) + "; expected a finite value > 0");
    if (n > p.rbf_max_n)
      throw UserError("spectral: affinity rbf needs an n x n matrix and n_samples = " + std::to_string(n) +
                      " > rbf_max_n = " + std::to_string(p.rbf_max_n) +
                      "; use affinity nearest_neighbors (or raise rbf_max_n)");
  }
  if (!(p.eigen_tol > 0.0) || !std::isfinite(p.eigen_tol))
    throw UserError("spectral: eigen_tol = " + std::to_string(p.eigen_tol) + "; expected a finite value > 0");
  if (p.n_init < 1) throw UserError("spectral: n_init = " + std::to_string(p.n_init) + "; expected >= 1");
}

namespace {

// The normalised affinity M = D^-1/2 A D^-1/2 (self-loops excluded), sparse or dense, with the
// degrees of A.
struct Graph {
  bool sparse = true;
  SparseRM Ms;
  Eigen::MatrixXd Md;
  Eigen::VectorXd degree;
  Index n() const { return degree.size(); }
};

void normalise(Graph& g) {
  const Index n = g.n();
  Eigen::VectorXd s(n);
  for (Index i = 0; i < n; ++i) s(i) = g.degree(i) > 0 ? 1.0 / std::sqrt(g.degree(i)) : 0.0;
  if (g.sparse) {
    for (Index i = 0; i < n; ++i)
      for (SparseRM::InnerIterator it(g.Ms, i); it; ++it) it.valueRef() *= s(i) * s(it.col());
  } else {
    g.Md = s.asDiagonal() * g.Md * s.asDiagonal();
  }
}

// The k-NN connectivity of sklearn's kneighbors_graph(include_self=True): each point and its
// n_neighbors - 1 nearest others (neighbours/exact_knn.hpp's distance and tie rule).
Graph knn_graph(const Eigen::MatrixXd& X, int n_neighbors) {
  const Index n = X.rows();
  const int m = n_neighbors - 1;
  const std::vector<int> nbr = neighbours::nearest_others(X, m, "spectral").index;
  std::vector<Eigen::Triplet<double, int>> trip;
  trip.reserve(2 * nbr.size());
  for (Index i = 0; i < n; ++i)
    for (int t = 0; t < m; ++t) {
      const int j = nbr[static_cast<std::size_t>(i * m + t)];
      trip.emplace_back(static_cast<int>(i), j, 0.5);
      trip.emplace_back(j, static_cast<int>(i), 0.5);
    }
  Graph g;
  g.sparse = true;
  g.Ms.resize(n, n);
  g.Ms.setFromTriplets(trip.begin(), trip.end());  // duplicates sum: mutual neighbours get 1
  g.Ms.makeCompressed();
  g.degree = Eigen::VectorXd::Zero(n);
  for (Index i = 0; i < n; ++i)
    for (SparseRM::InnerIterator it(g.Ms, i); it; ++it) g.degree(i) += it.value();
  normalise(g);
  return g;
}

Graph rbf_graph(const Eigen::MatrixXd& XT, double gamma) {
  const Index n = XT.cols();
  const Eigen::VectorXd sqn = XT.colwise().squaredNorm().transpose();
  Graph g;
  g.sparse = false;
  g.Md.noalias() = XT.transpose() * XT;
  for (Index j = 0; j < n; ++j)
    for (Index i = 0; i < n; ++i)
      g.Md(i, j) = i == j ? 0.0 : std::exp(-gamma * std::max(0.0, sqn(i) + sqn(j) - 2.0 * g.Md(i, j)));
  g.Md = 0.5 * (g.Md + g.Md.transpose()).eval();  // exactly symmetric
  g.degree = g.Md.rowwise().sum();
  // Affinities that are negligible against both degrees (|M_ij| < kRbfDropBelow) are set to 0,
  // so that groups the kernel separates numerically become separate components (exact null
  // vectors) instead of an eigenvalue cluster no eigensolver resolves.
  for (Index j = 0; j < n; ++j)
    for (Index i = 0; i < n; ++i)
      if (g.Md(i, j) < kRbfDropBelow * std::sqrt(g.degree(i) * g.degree(j))) g.Md(i, j) = 0.0;
  g.degree = g.Md.rowwise().sum();
  normalise(g);
  return g;
}

// Connected components, numbered in order of their lowest point.
std::vector<int> components(const Graph& g, int& count) {
  const Index n = g.n();
  std::vector<int> comp(static_cast<std::size_t>(n), -1);
  std::vector<Index> stack;
  count = 0;
  for (Index s = 0; s < n; ++s) {
    if (comp[static_cast<std::size_t>(s)] >= 0) continue;
    comp[static_cast<std::size_t>(s)] = count;
    stack.push_back(s);
    while (!stack.empty()) {
      const Index i = stack.back();
      stack.pop_back();
      auto visit = [&](Index j) {
        if (comp[static_cast<std::size_t>(j)] < 0) {
          comp[static_cast<std::size_t>(j)] = count;
          stack.push_back(j);
        }
      };
      if (g.sparse) {
        for (SparseRM::InnerIterator it(g.Ms, i); it; ++it)
          if (it.value() != 0.0) visit(it.col());
      } else {
        for (Index j = 0; j < n; ++j)
          if (g.Md(j, i) != 0.0) visit(j);
      }
    }
    ++count;
  }
  return comp;
}

// The exact null vectors of L: one per component of positive volume, D^1/2 1_c / sqrt(vol_c).
// Disjoint supports, so projecting them out is O(n).
struct NullSpace {
  std::vector<int> comp;       // component of each point
  std::vector<int> slot;       // component -> column of the null basis, -1 when none
  Eigen::VectorXd v;           // entry i of the null vector of comp[i] (0 when slot is -1)
  int dim = 0;

  void project(double* x) const {
    Eigen::VectorXd dot = Eigen::VectorXd::Zero(dim);
    const auto n = comp.size();
    for (std::size_t i = 0; i < n; ++i) {
      const int s = slot[static_cast<std::size_t>(comp[i])];
      if (s >= 0) dot(s) += v(static_cast<Index>(i)) * x[i];
    }
    for (std::size_t i = 0; i < n; ++i) {
      const int s = slot[static_cast<std::size_t>(comp[i])];
      if (s >= 0) x[i] -= dot(s) * v(static_cast<Index>(i));
    }
  }
};

// x -> P (2I + M) P x, for Spectra.
class ShiftedOp {
 public:
  using Scalar = double;
  ShiftedOp(const Graph& g, const NullSpace& ns) : g_(g), ns_(ns), tmp_(g.n()) {}
  Index rows() const { return g_.n(); }
  Index cols() const { return g_.n(); }
  void perform_op(const double* x_in, double* y_out) const {
    const Index n = g_.n();
    tmp_ = Eigen::Map<const Eigen::VectorXd>(x_in, n);
    ns_.project(tmp_.data());
    Eigen::Map<Eigen::VectorXd> y(y_out, n);
    if (g_.sparse)
      y.noalias() = g_.Ms * tmp_;
    else
      y.noalias() = g_.Md * tmp_;
    y += 2.0 * tmp_;
    ns_.project(y_out);
  }

 private:
  const Graph& g_;
  const NullSpace& ns_;
  mutable Eigen::VectorXd tmp_;
};

struct Eigs {
  Eigen::VectorXd theta;  // largest first
  Eigen::MatrixXd vec;    // n x nev
  int operations = 0;
};

Eigs dense_eigs(const Graph& g, const NullSpace& ns, Index nev) {
  const Index n = g.n();
  Eigen::MatrixXd Bd = g.sparse ? Eigen::MatrixXd(g.Ms) : g.Md;
  Bd.diagonal().array() += 2.0;
  // P B P: B is symmetric, so P (P B)^T = P B P.
  for (Index j = 0; j < n; ++j) ns.project(Bd.col(j).data());
  Bd.transposeInPlace();
  for (Index j = 0; j < n; ++j) ns.project(Bd.col(j).data());
  Bd = 0.5 * (Bd + Bd.transpose()).eval();
  Eigen::SelfAdjointEigenSolver<Eigen::MatrixXd> es(Bd);
  if (es.info() != Eigen::Success) throw std::runtime_error("spectral: dense eigensolver failed");
  Eigs e;
  e.theta = es.eigenvalues().tail(nev).reverse();
  e.vec = es.eigenvectors().rightCols(nev).rowwise().reverse();
  return e;
}

// Largest nev eigenpairs of P (2I + M) P by implicitly restarted Lanczos; false when it did not
// converge even with a larger subspace.
bool lanczos_eigs(const Graph& g, const NullSpace& ns, Index nev, std::uint64_t seed, double tol, Eigs& out) {
  const Index n = g.n();
  ShiftedOp op(g, ns);
  Rng rng(derive_seed(seed, {kStartVectorStream}));
  std::uniform_real_distribution<double> unif(-0.5, 0.5);
  Eigen::VectorXd v0(n);
  for (Index i = 0; i < n; ++i) v0(i) = unif(rng);
  ns.project(v0.data());
  Index ncv = std::min(n - ns.dim, std::max<Index>(2 * nev + 1, 20));
  out.operations = 0;
  for (int attempt = 0; attempt < 3; ++attempt) {
    if (ncv <= nev) return false;
    Spectra::SymEigsSolver<ShiftedOp> eigs(op, nev, ncv);
    eigs.init(v0.data());
    eigs.compute(Spectra::SortRule::LargestAlge, 1000, tol, Spectra::SortRule::LargestAlge);
    out.operations += static_cast<int>(eigs.num_operations());
    if (eigs.info() == Spectra::CompInfo::Successful) {
      out.theta = eigs.eigenvalues();
      out.vec = eigs.eigenvectors();
      return true;
    }
    ncv = std::min(n - ns.dim, 2 * ncv);
  }
  return false;
}

SpectralResult all_identical(Index n, int k) {
  SpectralResult r;
  r.labels.assign(static_cast<std::size_t>(n), 0);
  r.embedding = Eigen::MatrixXd::Zero(n, k);
  r.embedding.col(0).setConstant(1.0 / std::sqrt(static_cast<double>(n)));
  r.eigenvalues = Eigen::VectorXd::Ones(k);
  r.eigenvalues(0) = 0.0;
  r.n_components = 1;
  return r;
}

}  // namespace

SpectralAffinity parse_spectral_affinity(std::string_view name) {
  return parse_named(kSpectralAffinityNames, std::string(name), "spectral affinity");
}

// The affinity graph spectral_clustering() works on (empty when every point is the same).
struct SpectralGraph {
  Graph g;
};

namespace {

bool all_points_identical(const Eigen::MatrixXd& X) { return ((X.rowwise() - X.row(0)).array() == 0.0).all(); }

Graph affinity_graph(const Eigen::MatrixXd& X, const SpectralParams& params) {
  if (params.affinity == SpectralAffinity::nearest_neighbors) return knn_graph(X, params.n_neighbors);
  const Eigen::RowVectorXd mean = X.colwise().mean();
  const Eigen::MatrixXd XT = (X.rowwise() - mean).transpose();
  return rbf_graph(XT, params.gamma);
}

}  // namespace

std::shared_ptr<const SpectralGraph> spectral_graph(const Eigen::MatrixXd& X, const SpectralParams& params) {
  validate(X, params);
  auto out = std::make_shared<SpectralGraph>();
  if (!all_points_identical(X)) out->g = affinity_graph(X, params);
  return out;
}

SpectralResult spectral_clustering(const Eigen::MatrixXd& X, const SpectralParams& params) {
  return spectral_clustering(X, params, nullptr);
}

SpectralResult spectral_clustering(const Eigen::MatrixXd& X, const SpectralParams& params, const SpectralGraph* graph) {
  validate(X, params);
  const Index n = X.rows();
  const int k = params.k;
  if (all_points_identical(X)) return all_identical(n, k);

  Graph built;
  if (!graph) built = affinity_graph(X, params);
  const Graph& g = graph ? graph->g : built;
  VAESWEEP_ASSERT(g.n() == n, "spectral: the affinity graph was built on another space");

  SpectralResult res;
  NullSpace ns;
  ns.comp = components(g, res.n_components);
  // Null vectors: components of positive volume, the k largest by volume (then lowest first point).
  std::vector<double> vol(static_cast<std::size_t>(res.n_components), 0.0);
  for (Index i = 0; i < n; ++i) vol[static_cast<std::size_t>(ns.comp[static_cast<std::size_t>(i)])] += g.degree(i);
  std::vector<int> order;
  for (int c = 0; c < res.n_components; ++c)
    if (vol[static_cast<std::size_t>(c)] > 0) order.push_back(c);
  std::stable_sort(order.begin(), order.end(),
                   [&](int a, int b) { return vol[static_cast<std::size_t>(a)] > vol[static_cast<std::size_t>(b)]; });
  if (order.size() > static_cast<std::size_t>(k)) order.resize(static_cast<std::size_t>(k));
  ns.slot.assign(static_cast<std::size_t>(res.n_components), -1);
  for (std::size_t s = 0; s < order.size(); ++s) ns.slot[static_cast<std::size_t>(order[s])] = static_cast<int>(s);
  ns.dim = static_cast<int>(order.size());
  ns.v = Eigen::VectorXd::Zero(n);
  for (Index i = 0; i < n; ++i) {
    const int c = ns.comp[static_cast<std::size_t>(i)];
    if (ns.slot[static_cast<std::size_t>(c)] >= 0) ns.v(i) = std::sqrt(g.degree(i) / vol[static_cast<std::size_t>(c)]);
  }

  // Columns of U (eigenvectors of L_sym), smallest eigenvalue first.
  Eigen::MatrixXd U = Eigen::MatrixXd::Zero(n, k);
  res.eigenvalues = Eigen::VectorXd::Zero(k);
  for (Index i = 0; i < n; ++i) {
    const int s = ns.slot[static_cast<std::size_t>(ns.comp[static_cast<std::size_t>(i)])];
    if (s >= 0) U(i, s) = ns.v(i);
  }
  const Index nev = k - ns.dim;
  if (nev > 0) {
    Eigs e;
    bool use_dense = params.eigen_solver == SpectralEigenSolver::dense ||
                     (params.eigen_solver == SpectralEigenSolver::automatic && n <= kDenseMaxN);
    if (!use_dense) {
      res.lanczos = lanczos_eigs(g, ns, nev, params.seed, params.eigen_tol, e);
      res.eigen_operations = e.operations;
      if (!res.lanczos) {
        if (n > kDenseFallbackMaxN)
          throw std::runtime_error("spectral: the Lanczos eigensolver did not converge (n = " + std::to_string(n) +
                                   ", k = " + std::to_string(k) + ", " + std::to_string(e.operations) +
                                   " operator applications)");
        use_dense = true;
      }
    }
    if (use_dense) e = dense_eigs(g, ns, nev);
    U.rightCols(nev) = e.vec;
    res.eigenvalues.tail(nev) = (3.0 - e.theta.array()).max(0.0);  // theta = 2 + (1 - lambda)
  }

  // Embedding: divide by sqrt(degree) (1 for isolated points, as scipy), flip signs so that each
  // column's entry of largest magnitude (the first of equals) is positive.
  for (Index i = 0; i < n; ++i)
    if (g.degree(i) > 0) U.row(i) /= std::sqrt(g.degree(i));
  for (Index j = 0; j < k; ++j) {
    Index arg = 0;
    U.col(j).cwiseAbs().maxCoeff(&arg);
    if (U(arg, j) < 0) U.col(j) = -U.col(j);
  }

  KMeansParams kp;
  kp.k = k;
  kp.n_init = params.n_init;
  kp.seed = derive_seed(params.seed, {kSpectralKMeansStream});
  res.labels = kmeans(U, kp).labels;
  res.embedding = std::move(U);
  return res;
}

}  // namespace vaesweep::cluster
