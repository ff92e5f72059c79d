#include "metrics/internal.hpp"

#include <algorithm>
#include <cmath>
#include <cstddef>
#include <cstring>
#include <limits>
#include <string>
#include <utility>
#include <vector>

#include "cluster/simd.hpp"
#include "util/error.hpp"
#include "util/matrix_checks.hpp"
#include "metrics/label_codes.hpp"

namespace vaesweep::metrics {
namespace {

using Eigen::Index;

using Coded = LabelCodes;

// sklearn's check_number_of_labels: 2 to n - 1 distinct labels.
Coded check_label_count(const std::vector<int>& labels, const char* who) {
  Coded c = encode_label_codes(labels);
  const auto n = static_cast<Index>(labels.size());
  if (!(c.n_labels > 1 && c.n_labels < n))
    throw UserError(std::string(who) + ": number of distinct labels is " + std::to_string(c.n_labels) +
                    "; expected 2 to n_samples - 1 = " + std::to_string(n - 1) + " (inclusive)");
  return c;
}

void check_finite(const Eigen::MatrixXd& X, const std::string& w) {
  require_features(X, w);
  require_finite(X, w);
}

Coded check_inputs(const Eigen::MatrixXd& X, const std::vector<int>& labels, const char* who) {
  const std::string w(who);
  if (static_cast<Index>(labels.size()) != X.rows())
    throw UserError(w + ": labels has " + std::to_string(labels.size()) + " entries but X has " +
                    std::to_string(X.rows()) + " rows; expected one label per row");
  check_finite(X, w);
  return check_label_count(labels, who);
}

// L x d cluster means. Walks X column by column so that reads are contiguous.
Eigen::MatrixXd centroids(const Eigen::MatrixXd& X, const Coded& c) {
  Eigen::MatrixXd C = Eigen::MatrixXd::Zero(c.n_labels, X.cols());
  for (Index j = 0; j < X.cols(); ++j)
    for (Index i = 0; i < X.rows(); ++i) C(c.code[static_cast<std::size_t>(i)], j) += X(i, j);
  for (int k = 0; k < c.n_labels; ++k) C.row(k) /= static_cast<double>(c.count[static_cast<std::size_t>(k)]);
  return C;
}

// Squared distance of each row of X to its own cluster's centroid.
Eigen::VectorXd sq_dist_to_centroid(const Eigen::MatrixXd& X, const Eigen::MatrixXd& C, const Coded& c) {
  Eigen::VectorXd r2 = Eigen::VectorXd::Zero(X.rows());
  for (Index j = 0; j < X.cols(); ++j)
    for (Index i = 0; i < X.rows(); ++i) {
      const double diff = X(i, j) - C(c.code[static_cast<std::size_t>(i)], j);
      r2(i) += diff * diff;
    }
  return r2;
}

}  // namespace

namespace {

// Distances come from |x|^2 + |y|^2 - 2 x.y (one GEMM per tile), which loses precision when
// two points are close compared with their norms. Centring shrinks the norms; pairs whose
// squared distance is below kRecompute * (|x|^2 + |y|^2) are recomputed exactly, which
// bounds the relative error of every distance near 1e-12 and makes duplicates exactly 0.
constexpr double kRecompute = 1e-3;
constexpr Index kTileRows = 256;
constexpr Index kTileCols = 2048;

// X centred, one sample per column (XT) and one feature per column (Xc), and each sample's
// squared norm.
struct Centred {
  Eigen::MatrixXd XT;
  Eigen::MatrixXd Xc;
  Eigen::VectorXd sq;
  explicit Centred(const Eigen::MatrixXd& X) {
    const Eigen::RowVectorXd mu = X.colwise().mean();
    XT = (X.rowwise() - mu).transpose();
    Xc = XT.transpose();
    sq = XT.colwise().squaredNorm().transpose();
  }
};

// The tile kernel below replaces Eigen's GEMM (and the elementwise pass after it) where it gives
// the same bits: Eigen's kernel (this build: SSE2, no FMA) sums each product x_i . y_j of a
// block of 4 rows over the features in order, one multiply and one add per feature, from 0, in
// one pass over the depth while it is at most its depth block (measured: 512 features; the
// kernel is used up to kKernelMaxDim). Rows past a multiple of 4 go through another Eigen
// kernel, so a tile whose row count is not a multiple of 4 keeps the GEMM.
constexpr Index kKernelMaxDim = 256;

// For rows [rs, rs + rb) (rb a multiple of 4) and columns [cs, cs + cb) of the centred samples
// (Xc: n x d, column-major): T(i, j) = |x|^2 + |y|^2 - 2 x.y (x.y summed feature by feature in
// order, no fused multiply-add, so every vector width gives the same bits), clamped at 0 and
// square rooted, T column-major with leading dimension ldt. Entries whose squared distance falls
// below kRecompute * (|x|^2 + |y|^2) are listed in `redo` (tile row and column) for the caller,
// which recomputes them exactly; their T entry is meaningless until then. V is the vector type
// (four or eight doubles); rows go 2 V at a time, then one V, then four.
template <typename V>
[[gnu::always_inline]] inline void tile_body(const double* Xc, const double* sq, Index n, Index d, Index rs, Index rb,
                                             Index cs, Index cb, double* T, Index ldt,
                                             std::vector<std::pair<Index, Index>>& redo) {
  using cluster::v4d;
  constexpr Index kCols = 4;
  constexpr int kLanes = sizeof(V) / sizeof(double);
  for (Index j0 = 0; j0 < cb; j0 += kCols) {
    const Index nc = std::min(kCols, cb - j0);
    double ys[kCols * kKernelMaxDim];  // the columns' coordinates, feature by feature
    double ny[kCols];
    for (Index c = 0; c < kCols; ++c) {
      const Index col = cs + j0 + std::min(c, nc - 1);  // a short group repeats its last column
      for (Index k = 0; k < d; ++k) ys[k * kCols + c] = Xc[k * n + col];
      ny[c] = sq[col];
    }
    const auto finish = [&]<typename W>(Index row, const W* acc) {
      constexpr int lanes = sizeof(W) / sizeof(double);
      W nx;
      std::memcpy(&nx, sq + rs + row, sizeof nx);
      for (Index c = 0; c < nc; ++c) {
        const W norms = nx + ny[c];
        W d2 = norms - 2.0 * acc[c];
        const auto cancels = d2 < kRecompute * norms;
        bool any = false;
        for (int r = 0; r < lanes; ++r) any |= cancels[r] != 0;
        if (any)
          for (int r = 0; r < lanes; ++r)
            if (cancels[r]) redo.emplace_back(row + r, j0 + c);
        d2 = d2 < 0.0 ? W{} : d2;
        std::memcpy(T + (j0 + c) * ldt + row, &d2, sizeof d2);
      }
    };
    const auto block = [&]<typename W, int kVecs>(Index i) {
      constexpr int lanes = sizeof(W) / sizeof(double);
      W acc[kVecs][kCols] = {};
      for (Index k = 0; k < d; ++k) {
        W p[kVecs];
        for (int v = 0; v < kVecs; ++v) std::memcpy(&p[v], Xc + k * n + rs + i + v * lanes, sizeof(W));
        for (Index c = 0; c < kCols; ++c) {
          const double yv = ys[k * kCols + c];
          for (int v = 0; v < kVecs; ++v) acc[v][c] += p[v] * yv;
        }
      }
      for (int v = 0; v < kVecs; ++v) finish(i + v * lanes, acc[v]);
    };
    Index i = 0;
    for (; i + 2 * kLanes <= rb; i += 2 * kLanes) block.template operator()<V, 2>(i);
    if constexpr (kLanes > 4)
      for (; i + kLanes <= rb; i += kLanes) block.template operator()<V, 1>(i);
    for (; i < rb; i += 4) block.template operator()<v4d, 1>(i);
    for (Index c = 0; c < nc; ++c) {
      double* t = T + (j0 + c) * ldt;
      for (Index r = 0; r < rb; ++r) t[r] = std::sqrt(t[r]);
    }
  }
}

// tile_body with four doubles a vector (an AVX2 clone and the baseline), and with eight (the
// AVX-512 body, where use_avx512()): the same bits.
VAESWEEP_AVX2_CLONES
void tile_kernel(const double* Xc, const double* sq, Index n, Index d, Index rs, Index rb, Index cs, Index cb,
                 double* T, Index ldt, std::vector<std::pair<Index, Index>>& redo) {
  tile_body<cluster::v4d>(Xc, sq, n, d, rs, rb, cs, cb, T, ldt, redo);
}

VAESWEEP_AVX512
void tile_kernel_avx512(const double* Xc, const double* sq, Index n, Index d, Index rs, Index rb, Index cs, Index cb,
                        double* T, Index ldt, std::vector<std::pair<Index, Index>>& redo) {
  tile_body<cluster::v8d>(Xc, sq, n, d, rs, rb, cs, cb, T, ldt, redo);
}

// sum[i] += add[i] for i < len (the AVX2 clone adds four at a time; the same sums).
VAESWEEP_AVX2_CLONES
void add_to(double* __restrict sum, const double* __restrict add, Index len) {
  for (Index i = 0; i < len; ++i) sum[i] += add[i];
}

// Fills T(0..rb, 0..cb) with the distances of rows [rs, rs + rb) to columns [cs, cs + cb): one
// GEMM, then |x|^2 + |y|^2 - 2 x.y element by element (exact recomputation where it cancels);
// the same numbers from tile_kernel where it applies.
void distance_tile(const Centred& c, Index rs, Index rb, Index cs, Index cb, Eigen::MatrixXd& T) {
  const Index d = c.XT.rows();
  if (rb % 4 == 0 && d <= kKernelMaxDim) {
    thread_local std::vector<std::pair<Index, Index>> redo;
    redo.clear();
    (cluster::use_avx512() ? tile_kernel_avx512 : tile_kernel)(c.Xc.data(), c.sq.data(), c.XT.cols(), d, rs, rb, cs,
                                                                cb, T.data(), T.rows(), redo);
    for (const auto& [i, j] : redo) {
      const double d2 = (c.XT.col(rs + i) - c.XT.col(cs + j)).squaredNorm();
      T(i, j) = std::sqrt(std::max(d2, 0.0));
    }
    return;
  }
  T.topLeftCorner(rb, cb).noalias() = c.XT.middleCols(rs, rb).transpose() * c.XT.middleCols(cs, cb);
  for (Index j = 0; j < cb; ++j) {
    const Index col = cs + j;
    const double nj = c.sq(col);
    double* t = &T(0, j);
    for (Index i = 0; i < rb; ++i) {
      const double norms = c.sq(rs + i) + nj;
      double d2 = norms - 2.0 * t[i];
      if (d2 < kRecompute * norms) d2 = (c.XT.col(rs + i) - c.XT.col(col)).squaredNorm();
      t[i] = std::sqrt(std::max(d2, 0.0));
    }
  }
}

// Calls visit(i, j, distance) for every row i of [rs, rs + rb) and every column j, column by
// column, through tiles of one GEMM each.
template <typename Visit>
void distances_of_rows(const Centred& c, Index rs, Index rb, Eigen::MatrixXd& G, const Visit& visit) {
  const Index n = c.XT.cols();
  for (Index cs = 0; cs < n; cs += kTileCols) {
    const Index cb = std::min(kTileCols, n - cs);
    distance_tile(c, rs, rb, cs, cb, G);
    for (Index j = 0; j < cb; ++j) {
      const double* g = &G(0, j);
      for (Index i = 0; i < rb; ++i) visit(i, cs + j, g[i]);
    }
  }
}

// Adds point i's silhouette to `total`, from its summed distance to every cluster (to cluster
// l in sums[l * stride]); `own` is its cluster. Singletons and a == b == 0 add nothing.
void add_silhouette_term(const Coded& c, int own, const double* sums, Index stride, double& total) {
  const int L = c.n_labels;
  const Index own_size = c.count[static_cast<std::size_t>(own)];
  if (own_size == 1) return;  // singleton cluster: s = 0 by definition
  const double a = sums[own * stride] / static_cast<double>(own_size - 1);
  double b = std::numeric_limits<double>::infinity();
  for (int l = 0; l < L; ++l)
    if (l != own) b = std::min(b, sums[l * stride] / static_cast<double>(c.count[static_cast<std::size_t>(l)]));
  const double den = std::max(a, b);
  if (den > 0.0) total += (b - a) / den;  // a == b == 0 is 0/0, which sklearn maps to 0
}

// The summed silhouettes of points first .. first + count - 1, from each one's summed distance
// to every cluster (point p's in clust(p - first, :)).
double silhouette_terms(const Coded& c, Index first, Index count, const Eigen::MatrixXd& clust) {
  double total = 0.0;
  for (Index i = 0; i < count; ++i)
    add_silhouette_term(c, c.code[static_cast<std::size_t>(first + i)], &clust(i, 0), clust.rows(), total);
  return total;
}

}  // namespace

double silhouette(const Eigen::MatrixXd& X, const std::vector<int>& labels) {
  const Coded c = check_inputs(X, labels, "silhouette");
  const Index n = X.rows();
  const Centred centred(X);
  Eigen::MatrixXd G(std::min(kTileRows, n), std::min(kTileCols, n));
  Eigen::MatrixXd clust(std::min(kTileRows, n), c.n_labels);  // summed distance from each row to each cluster
  double total = 0.0;
  for (Index rs = 0; rs < n; rs += kTileRows) {
    const Index rb = std::min(kTileRows, n - rs);
    clust.topRows(rb).setZero();
    distances_of_rows(centred, rs, rb, G, [&](Index i, Index col, double d) {
      clust(i, c.code[static_cast<std::size_t>(col)]) += d;
    });
    total += silhouette_terms(c, rs, rb, clust);
  }
  return total / static_cast<double>(n);
}

PairwiseDistances::PairwiseDistances(const Eigen::MatrixXd& X) {
  check_finite(X, "pairwise distances");
  const Index n = X.rows();
  const Centred centred(X);
  D_.resize(n, n);
  Eigen::MatrixXd G(std::min(kTileRows, n), std::min(kTileCols, n));
  for (Index rs = 0; rs < n; rs += kTileRows) {
    const Index rb = std::min(kTileRows, n - rs);
    distances_of_rows(centred, rs, rb, G, [&](Index i, Index col, double d) { D_(rs + i, col) = d; });
  }
}

double silhouette(const PairwiseDistances& D, const std::vector<std::size_t>& rows, const std::vector<int>& labels) {
  if (rows.size() != labels.size())
    throw UserError("silhouette: labels has " + std::to_string(labels.size()) + " entries but " +
                    std::to_string(rows.size()) + " rows were given; expected one label per row");
  for (std::size_t r : rows)
    if (static_cast<Index>(r) >= D.size())
      throw UserError("silhouette: row " + std::to_string(r) + " of " + std::to_string(D.size()) + " points");
  const Coded c = check_label_count(labels, "silhouette");
  const auto m = static_cast<Index>(rows.size());
  Eigen::MatrixXd clust = Eigen::MatrixXd::Zero(m, c.n_labels);
  for (Index j = 0; j < m; ++j) {  // column by column, as the streaming silhouette sums
    const auto col = static_cast<Index>(rows[static_cast<std::size_t>(j)]);
    double* out = &clust(0, c.code[static_cast<std::size_t>(j)]);
    for (Index i = 0; i < m; ++i) out[i] += D(static_cast<Index>(rows[static_cast<std::size_t>(i)]), col);
  }
  return silhouette_terms(c, 0, m, clust) / static_cast<double>(m);
}

std::vector<double> silhouettes(const Eigen::MatrixXd& X, const std::vector<RowLabels>& partitions) {
  check_finite(X, "silhouette");
  const Index n = X.rows();
  const Index tile_rows = std::min(kTileRows, n);
  struct Scored {
    Coded c;
    std::vector<int> code_of_row;  // n entries: the row's cluster code, -1 outside the partition
    Eigen::MatrixXd clust;         // summed distance from each row of the tile to each cluster
    double total = 0.0;
  };
  std::vector<Scored> parts(partitions.size());
  for (std::size_t p = 0; p < partitions.size(); ++p) {
    const RowLabels& in = partitions[p];
    if (in.rows.size() != in.labels.size())
      throw UserError("silhouette: labels has " + std::to_string(in.labels.size()) + " entries but " +
                      std::to_string(in.rows.size()) + " rows were given; expected one label per row");
    for (std::size_t i = 0; i < in.rows.size(); ++i)
      if (static_cast<Index>(in.rows[i]) >= n || (i > 0 && in.rows[i] <= in.rows[i - 1]))
        throw UserError("silhouette: row " + std::to_string(in.rows[i]) + " of " + std::to_string(n) +
                        " points; expected increasing rows below the number of points");
    parts[p].c = check_label_count(in.labels, "silhouette");
    parts[p].code_of_row.assign(static_cast<std::size_t>(n), -1);
    for (std::size_t i = 0; i < in.rows.size(); ++i) parts[p].code_of_row[in.rows[i]] = parts[p].c.code[i];
    parts[p].clust.resize(tile_rows, parts[p].c.n_labels);
  }
  const Centred centred(X);
  Eigen::MatrixXd T(tile_rows, std::min(kTileCols, n));
  for (Index rs = 0; rs < n; rs += kTileRows) {
    const Index rb = std::min(kTileRows, n - rs);
    for (Scored& s : parts) s.clust.setZero();
    for (Index cs = 0; cs < n; cs += kTileCols) {
      const Index cb = std::min(kTileCols, n - cs);
      distance_tile(centred, rs, rb, cs, cb, T);
      // Column j of the tile is added to every partition's sums while it is in cache; each
      // (row, cluster) sum runs over the columns in increasing order, as silhouette(D, ...).
      for (Index j = 0; j < cb; ++j)
        for (Scored& s : parts) {
          const int l = s.code_of_row[static_cast<std::size_t>(cs + j)];
          if (l >= 0) add_to(&s.clust(0, l), &T(0, j), rb);
        }
    }
    for (Scored& s : parts)
      for (Index i = 0; i < rb; ++i) {
        const int own = s.code_of_row[static_cast<std::size_t>(rs + i)];
        if (own >= 0) add_silhouette_term(s.c, own, &s.clust(i, 0), s.clust.rows(), s.total);
      }
  }
  std::vector<double> out;
  for (std::size_t p = 0; p < parts.size(); ++p)
    out.push_back(parts[p].total / static_cast<double>(partitions[p].rows.size()));
  return out;
}

double calinski_harabasz(const Eigen::MatrixXd& X, const std::vector<int>& labels) {
  const Coded c = check_inputs(X, labels, "calinski_harabasz");
  const Eigen::MatrixXd C = centroids(X, c);
  const Eigen::RowVectorXd mean = X.colwise().mean();
  double extra = 0.0;
  for (int k = 0; k < c.n_labels; ++k)
    extra += static_cast<double>(c.count[static_cast<std::size_t>(k)]) * (C.row(k) - mean).squaredNorm();
  const double intra = sq_dist_to_centroid(X, C, c).sum();
  if (intra == 0.0) return 1.0;  // sklearn's convention for perfectly tight clusters
  const double n = static_cast<double>(X.rows());
  const double L = c.n_labels;
  return extra * (n - L) / (intra * (L - 1.0));
}

double davies_bouldin(const Eigen::MatrixXd& X, const std::vector<int>& labels) {
  const Coded c = check_inputs(X, labels, "davies_bouldin");
  const int L = c.n_labels;
  const Eigen::MatrixXd C = centroids(X, c);
  const Eigen::VectorXd r = sq_dist_to_centroid(X, C, c).cwiseSqrt();

  Eigen::VectorXd intra = Eigen::VectorXd::Zero(L);
  for (Index i = 0; i < X.rows(); ++i) intra(c.code[static_cast<std::size_t>(i)]) += r(i);
  for (int k = 0; k < L; ++k) intra(k) /= static_cast<double>(c.count[static_cast<std::size_t>(k)]);

  Eigen::MatrixXd cd(L, L);
  for (int a = 0; a < L; ++a)
    for (int b = 0; b < L; ++b) cd(a, b) = (C.row(a) - C.row(b)).norm();

  // np.allclose(v, 0) with its default atol.
  constexpr double kAtol = 1e-8;
  if (intra.cwiseAbs().maxCoeff() <= kAtol || cd.cwiseAbs().maxCoeff() <= kAtol) return 0.0;

  double total = 0.0;
  for (int a = 0; a < L; ++a) {
    double worst = 0.0;  // a zero centroid distance counts as infinitely far (ratio 0), as sklearn
    for (int b = 0; b < L; ++b)
      if (cd(a, b) != 0.0) worst = std::max(worst, (intra(a) + intra(b)) / cd(a, b));
    total += worst;
  }
  return total / static_cast<double>(L);
}

}  // namespace vaesweep::metrics
