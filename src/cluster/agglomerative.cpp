#include "cluster/agglomerative.hpp"

#include <algorithm>
#include <cmath>
#include <cstddef>
#include <cstdint>
#include <cstring>
#include <limits>
#include <memory>
#include <new>
#include <numeric>
#include <optional>
#include <string>

#include "cluster/simd.hpp"
#include "util/error.hpp"
#include "util/matrix_checks.hpp"

namespace vaesweep::cluster {
namespace {

using Eigen::Index;

void validate(const Eigen::MatrixXd& X) {
  if (X.rows() < 1) throw UserError("agglomerative: X has 0 samples; expected at least 1");
  require_features(X, "agglomerative");
  if (X.rows() > std::numeric_limits<int>::max() / 2)
    throw UserError("agglomerative: X has " + std::to_string(X.rows()) + " samples; expected at most " +
                    std::to_string(std::numeric_limits<int>::max() / 2));
  require_finite(X, "agglomerative");
}

// --- condensed distance matrix ---------------------------------------------------------------

// The upper triangle of an n x n symmetric matrix without its diagonal, row by row (scipy's
// condensed layout): entry (i, j), i < j, is at row_start[i] + j.
class Condensed {
 public:
  explicit Condensed(Index n) : row_start_(static_cast<std::size_t>(n)) {
    for (Index i = 0; i < n; ++i)
      row_start_[static_cast<std::size_t>(i)] = i * n - i * (i + 1) / 2 - i - 1;
    const std::size_t count = static_cast<std::size_t>(n) * static_cast<std::size_t>(n - 1) / 2;
    try {
      data_ = std::make_unique_for_overwrite<double[]>(count);
    } catch (const std::bad_alloc&) {
      throw UserError("agglomerative: cannot allocate the " + std::to_string((count * sizeof(double)) >> 20) +
                      " MiB distance matrix for " + std::to_string(n) + " samples");
    }
  }
  double* row(Index i) { return data_.get() + row_start_[static_cast<std::size_t>(i)]; }  // row(i)[j], j > i
  double& at(Index i, Index j) {  // i != j
    return i < j ? data_[static_cast<std::size_t>(row_start_[static_cast<std::size_t>(i)] + j)]
                 : data_[static_cast<std::size_t>(row_start_[static_cast<std::size_t>(j)] + i)];
  }
  const std::int64_t* row_start() const { return row_start_.data(); }
  double* data() { return data_.get(); }

 private:
  std::vector<std::int64_t> row_start_;
  std::unique_ptr<double[]> data_;
};

// For every cluster, its kNear nearest active clusters in the order (distance, index), which
// makes the first one exactly what scipy's scan finds (smallest distance, lowest index on
// ties). Invariant: every active cluster not in the list compares >= the bound, and the
// bound compares > every listed one. A list that runs empty is unknown ("dirty") until the
// cluster is rescanned.
constexpr int kNear = 4;

class NearLists {
 public:
  explicit NearLists(int n)
      : dist_(static_cast<std::size_t>(n) * kNear),
        index_(static_cast<std::size_t>(n) * kNear),
        len_(static_cast<std::size_t>(n), 0),
        bound_dist_(static_cast<std::size_t>(n), std::numeric_limits<double>::infinity()),
        bound_index_(static_cast<std::size_t>(n), std::numeric_limits<int>::max()) {}

  static bool before(double d1, int i1, double d2, int i2) { return d1 < d2 || (d1 == d2 && i1 < i2); }

  bool dirty(int c) const { return len_[static_cast<std::size_t>(c)] == 0; }
  int nearest(int c) const { return index_[static_cast<std::size_t>(c) * kNear]; }
  double nearest_dist(int c) const { return dist_[static_cast<std::size_t>(c) * kNear]; }
  const double* bound_dist() const { return bound_dist_.data(); }

  // Offers active cluster j at distance d to c's list.
  void offer(int c, double d, int j) {
    const auto uc = static_cast<std::size_t>(c);
    if (!before(d, j, bound_dist_[uc], bound_index_[uc])) return;
    double* dv = dist_.data() + uc * kNear;
    int* iv = index_.data() + uc * kNear;
    int len = len_[uc];
    if (len == kNear) {
      if (!before(d, j, dv[kNear - 1], iv[kNear - 1])) {  // j becomes the bound
        bound_dist_[uc] = d;
        bound_index_[uc] = j;
        return;
      }
      bound_dist_[uc] = dv[kNear - 1];  // the last one leaves the list and becomes the bound
      bound_index_[uc] = iv[kNear - 1];
      --len;
    }
    int s = len;
    while (s > 0 && before(d, j, dv[s - 1], iv[s - 1])) {
      dv[s] = dv[s - 1];
      iv[s] = iv[s - 1];
      --s;
    }
    dv[s] = d;
    iv[s] = j;
    len_[uc] = len + 1;
  }

  // Drops j from c's list if it is there.
  void remove(int c, int j) {
    const auto uc = static_cast<std::size_t>(c);
    double* dv = dist_.data() + uc * kNear;
    int* iv = index_.data() + uc * kNear;
    const int len = len_[uc];
    for (int s = 0; s < len; ++s)
      if (iv[s] == j) {
        for (int t = s + 1; t < len; ++t) {
          dv[t - 1] = dv[t];
          iv[t - 1] = iv[t];
        }
        len_[uc] = len - 1;
        return;
      }
  }

  // Empties c's list before offering it every active cluster (a rescan).
  void reset(int c) {
    const auto uc = static_cast<std::size_t>(c);
    len_[uc] = 0;
    bound_dist_[uc] = std::numeric_limits<double>::infinity();
    bound_index_[uc] = std::numeric_limits<int>::max();
  }

 private:
  std::vector<double> dist_;
  std::vector<int> index_;
  std::vector<int> len_;
  std::vector<double> bound_dist_;
  std::vector<int> bound_index_;
};

// rows[r][j] = sum over features k, in order, of (X(j, k) - xs[r * d + k])^2 for r < 4 and
// j in [jb, je), X column-major with n rows. Each pair's sum is the same sequence of
// roundings as scipy's pdist loop (no fused multiply-add, so every vector width gives the same
// bits); four samples share each load of a coordinate. V (four or eight doubles) is the number
// of columns a pass takes; the columns left go four at a time, then one by one.
template <typename V>
[[gnu::always_inline]] inline void squared_rows4_body(const double* xs, Index d, const double* X, Index n, Index jb,
                                                      Index je, double* const* rows) {
  Index j = jb;
  const auto columns = [&]<typename W>(Index j0) {
    W acc[4] = {};
    for (Index k = 0; k < d; ++k) {
      W p;
      std::memcpy(&p, X + k * n + j0, sizeof p);
      for (int r = 0; r < 4; ++r) {
        const W t = p - xs[r * d + k];
        acc[r] += t * t;
      }
    }
    for (int r = 0; r < 4; ++r) std::memcpy(rows[r] + j0, &acc[r], sizeof acc[r]);
  };
  constexpr Index kLanes = sizeof(V) / sizeof(double);
  for (; j + kLanes <= je; j += kLanes) columns.template operator()<V>(j);
  if constexpr (kLanes > 4)
    for (; j + 4 <= je; j += 4) columns.template operator()<v4d>(j);
  for (; j < je; ++j) {
    double acc[4] = {};
    for (Index k = 0; k < d; ++k) {
      const double c = X[k * n + j];
      for (int r = 0; r < 4; ++r) {
        const double t = c - xs[r * d + k];
        acc[r] += t * t;
      }
    }
    for (int r = 0; r < 4; ++r) rows[r][j] = acc[r];
  }
}

// squared_rows4_body four columns a pass (an AVX2 clone and the baseline) and eight (the AVX-512
// body, where use_avx512()): the same bits.
VAESWEEP_AVX2_CLONES
void squared_rows4(const double* xs, Index d, const double* X, Index n, Index jb, Index je, double* const* rows) {
  squared_rows4_body<v4d>(xs, d, X, n, jb, je, rows);
}
VAESWEEP_AVX512
void squared_rows4_avx512(const double* xs, Index d, const double* X, Index n, Index jb, Index je,
                          double* const* rows) {
  squared_rows4_body<v8d>(xs, d, X, n, jb, je, rows);
}

// Euclidean distances as scipy's pdist computes them (the square root of the sum of squared
// differences over the features in order), and every sample's near list. Rows are filled four
// at a time. `nearest` (optional) is offered every pair's squared distance before its root.
void fill_distances(const Eigen::MatrixXd& X, Condensed& D, NearLists& near, NearestCollector* nearest) {
  const Index n = X.rows();
  const Index d = X.cols();
  constexpr Index kBlock = 1024;
  std::vector<double> xs(static_cast<std::size_t>(4 * d));
  const double* bound = near.bound_dist();
  const auto squared_rows = use_avx512() ? squared_rows4_avx512 : squared_rows4;
  auto pair = [&](Index i, Index j) {  // one entry, the plain way
    double s = 0;
    for (Index k = 0; k < d; ++k) {
      const double t = X(j, k) - X(i, k);
      s += t * t;
    }
    return s;
  };
  // Finishes row i on [jb, je): overflow check, square roots, near-list offers.
  auto finish = [&](Index i, Index jb, Index je) {
    if (je <= jb) return;
    double* row = D.row(i);
    Eigen::Map<Eigen::ArrayXd> part(row + jb, je - jb);
    if (!(part.maxCoeff() <= std::numeric_limits<double>::max()))
      throw UserError("agglomerative: the squared distance between samples " + std::to_string(i) +
                      " and another overflows double; expected |X| below about 1e150");
    if (nearest) nearest->offer_row(i, row, jb, je);
    part = part.sqrt();  // vectorised, correctly rounded like std::sqrt
    // Sample i is a candidate neighbour of every j > i, and row i holds i's candidates above i.
    for (Index j = jb; j < je; ++j)
      if (row[j] <= bound[j]) near.offer(static_cast<int>(j), row[j], static_cast<int>(i));
    for (Index j = jb; j < je; ++j)
      if (row[j] <= bound[i]) near.offer(static_cast<int>(i), row[j], static_cast<int>(j));
  };
  Index i0 = 0;
  for (; i0 + 4 < n; i0 += 4) {
    double* rows[4];
    for (int r = 0; r < 4; ++r) {
      rows[r] = D.row(i0 + r);
      for (Index k = 0; k < d; ++k) xs[static_cast<std::size_t>(r * d + k)] = X(i0 + r, k);
    }
    // The triangle among the four rows, then the four rows against everything after them.
    for (Index r = 0; r < 4; ++r)
      for (Index s = r + 1; s < 4; ++s) rows[r][i0 + s] = pair(i0 + r, i0 + s);
    for (Index r = 0; r < 4; ++r) finish(i0 + r, i0 + r + 1, i0 + 4);
    for (Index jb = i0 + 4; jb < n; jb += kBlock) {
      const Index je = std::min(n, jb + kBlock);
      squared_rows(xs.data(), d, X.data(), n, jb, je, rows);
      for (Index r = 0; r < 4; ++r) finish(i0 + r, jb, je);
    }
  }
  for (; i0 + 1 < n; ++i0) {  // the last rows
    for (Index j = i0 + 1; j < n; ++j) D.row(i0)[j] = pair(i0, j);
    finish(i0, i0 + 1, n);
  }
}

// scipy's Lance-Williams updates (_hierarchy_distance_update.pxi), with scipy's arithmetic
// on distances (not squared distances), for the merge of x and y (sizes nx, ny, at distance
// dxy) seen from cluster i of size ni. Same operations in the same order, so merge heights
// are scipy's to the bit and ties fall the same way. apply_all does it for m clusters at once
// (d_xi[p], d_yi[p], size_i[p] -> out[p]).
double ward_update(double d_xi, double d_yi, double d_xy, int size_x, int size_y, int size_i) {
  const double t = 1.0 / (size_x + size_y + size_i);
  const double v = (size_i + size_x) * t * d_xi * d_xi + (size_i + size_y) * t * d_yi * d_yi -
                   size_i * t * d_xy * d_xy;
  return std::sqrt(std::max(v, 0.0));  // scipy gives NaN where rounding dips below 0
}

// ward_update for m clusters; the AVX2 clone computes four at a time (no fused multiply-add:
// the same bits).
VAESWEEP_AVX2_CLONES
void ward_updates(const double* d_xi, const double* d_yi, const int* size_i, double d_xy, int size_x, int size_y,
                  double* out, std::size_t m) {
  for (std::size_t p = 0; p < m; ++p) out[p] = ward_update(d_xi[p], d_yi[p], d_xy, size_x, size_y, size_i[p]);
}

struct WardUpdate {
  static void apply_all(const double* d_xi, const double* d_yi, const int* size_i, double d_xy, int size_x,
                        int size_y, double* out, std::size_t m) {
    ward_updates(d_xi, d_yi, size_i, d_xy, size_x, size_y, out, m);
  }
};
struct CompleteUpdate {
  static void apply_all(const double* d_xi, const double* d_yi, const int*, double, int, int, double* out,
                        std::size_t m) {
    for (std::size_t p = 0; p < m; ++p) out[p] = std::max(d_xi[p], d_yi[p]);
  }
};
struct AverageUpdate {
  static void apply_all(const double* d_xi, const double* d_yi, const int*, double, int size_x, int size_y,
                        double* out, std::size_t m) {
    for (std::size_t p = 0; p < m; ++p) out[p] = (size_x * d_xi[p] + size_y * d_yi[p]) / (size_x + size_y);
  }
};

struct RawMerge {
  int x, y;
  double dist;
  int size;
};

// scipy's nn_chain (scipy/cluster/_hierarchy.pyx) on the condensed matrix D: the same chain,
// the same merges in the same order, with two changes that leave every decision as it is.
//  - The active clusters are kept in a sorted list, so dead ones cost nothing.
//  - scipy finds the chain tip's nearest neighbour by a scan of its row and column; here each
//    cluster's near list (see NearLists) is kept exact through the Lance-Williams pass of
//    every merge, which sees every changed distance, and a cluster is rescanned only when its
//    list runs empty. That halves the scans (the column half of a scan costs a cache miss per
//    entry); the Lance-Williams pass itself, two column walks per merge, is what remains.
template <typename Update>
std::vector<RawMerge> nn_chain(Condensed& D, int n, NearLists& near) {
  std::vector<RawMerge> out;
  out.reserve(static_cast<std::size_t>(n - 1));
  std::vector<int> size(static_cast<std::size_t>(n), 1);
  std::vector<int> active(static_cast<std::size_t>(n));
  std::iota(active.begin(), active.end(), 0);
  std::vector<int> chain(static_cast<std::size_t>(n));
  int chain_length = 0;
  const std::int64_t* rs = D.row_start();
  double* data = D.data();
  constexpr std::size_t kAhead = 48;  // prefetch distance for column walks
  const double* bound = near.bound_dist();
  std::vector<double> gx, gy, gv;  // per active cluster: d(x, i), d(y, i), the new d(y, i)
  std::vector<int> gs;             // and its size

  auto rescan = [&](int x) {
    near.reset(x);
    const auto px = static_cast<std::size_t>(std::lower_bound(active.begin(), active.end(), x) - active.begin());
    for (std::size_t p = 0; p < px; ++p) {  // clusters below x: column x, one entry per row
      if (p + kAhead < px) __builtin_prefetch(data + rs[active[p + kAhead]] + x);
      const int i = active[p];
      const double dist = data[rs[i] + x];
      if (dist <= bound[x]) near.offer(x, dist, i);
    }
    const double* row_x = data + rs[x];
    for (std::size_t p = px + 1; p < active.size(); ++p) {  // clusters above x: row x
      const int i = active[p];
      const double dist = row_x[i];
      if (dist <= bound[x]) near.offer(x, dist, i);
    }
  };

  for (int k = 0; k < n - 1; ++k) {
    if (chain_length == 0) {
      chain[0] = active[0];
      chain_length = 1;
    }
    int x = 0;
    int y = 0;
    double current_min = 0;
    while (true) {
      x = chain[static_cast<std::size_t>(chain_length - 1)];
      if (near.dirty(x)) rescan(x);
      y = near.nearest(x);
      current_min = near.nearest_dist(x);
      // scipy starts from the previous chain element and takes another only when strictly
      // nearer: the previous one wins when it ties with the nearest.
      if (chain_length > 1) {
        const int prev = chain[static_cast<std::size_t>(chain_length - 2)];
        if (D.at(x, prev) == current_min) {
          y = prev;
          break;
        }
      }
      chain[static_cast<std::size_t>(chain_length)] = y;
      ++chain_length;
    }
    chain_length -= 2;
    if (x > y) std::swap(x, y);  // fastcluster's convention: the merged cluster lives at y
    const int nx = size[static_cast<std::size_t>(x)];
    const int ny = size[static_cast<std::size_t>(y)];
    out.push_back({x, y, current_min, nx + ny});
    size[static_cast<std::size_t>(x)] = 0;
    size[static_cast<std::size_t>(y)] = nx + ny;
    active.erase(std::lower_bound(active.begin(), active.end(), x));

    // Lance-Williams update of the distances to the new cluster y, keeping the lists exact, in
    // three passes: gather d(x, i), d(y, i) and the sizes of the active clusters (column walks
    // for i below x or y), compute every new distance at once (vectorised for ward), then store
    // them and update the near lists.
    double* row_xp = data + rs[x];
    double* row_yp = data + rs[y];
    near.reset(y);
    const std::size_t m = active.size();
    gx.resize(m);
    gy.resize(m);
    gs.resize(m);
    gv.resize(m);
    // The active clusters by position: [0, px) below x (both entries in columns, in the same
    // row i), [px, py) between x and y (d(x, i) in row x, d(y, i) in column y), py is y itself,
    // (py, m) above y (both in rows). One loop per range, so no entry tests which it is.
    const std::size_t px = static_cast<std::size_t>(std::lower_bound(active.begin(), active.end(), x) - active.begin());
    const std::size_t py = static_cast<std::size_t>(std::lower_bound(active.begin() + px, active.end(), y) - active.begin());
    for (std::size_t p = 0; p < px; ++p) {
      if (p + kAhead < py) {
        const double* ahead = data + rs[active[p + kAhead]];
        __builtin_prefetch(ahead + y);
        if (p + kAhead < px) __builtin_prefetch(ahead + x);
      }
      const int i = active[p];
      const double* row_i = data + rs[i];
      gx[p] = row_i[x];
      gy[p] = row_i[y];
      gs[p] = size[static_cast<std::size_t>(i)];
    }
    for (std::size_t p = px; p < py; ++p) {
      if (p + kAhead < py) __builtin_prefetch(data + rs[active[p + kAhead]] + y);
      const int i = active[p];
      gx[p] = row_xp[i];
      gy[p] = data[rs[i] + y];
      gs[p] = size[static_cast<std::size_t>(i)];
    }
    gx[py] = gy[py] = 0;  // a placeholder: y's own entry is skipped below
    gs[py] = 1;
    for (std::size_t p = py + 1; p < m; ++p) {
      const int i = active[p];
      gx[p] = row_xp[i];
      gy[p] = row_yp[i];
      gs[p] = size[static_cast<std::size_t>(i)];
    }
    Update::apply_all(gx.data(), gy.data(), gs.data(), current_min, nx, ny, gv.data(), m);
    // The stores and the near lists, below y (column y) then above y (row y).
    auto lists = [&](int i, std::size_t p) {
      const double v = gv[p];
      if (v <= bound[y]) near.offer(y, v, i);
      if (!near.dirty(i)) {
        // Only entries nearer than the bound can be listed.
        if (gx[p] <= bound[i]) near.remove(i, x);
        if (gy[p] <= bound[i]) near.remove(i, y);
        if (!near.dirty(i) && v <= bound[i]) near.offer(i, v, y);
      }
    };
    for (std::size_t p = 0; p < py; ++p) {
      const int i = active[p];
      lists(i, p);
      data[rs[i] + y] = gv[p];
    }
    for (std::size_t p = py + 1; p < m; ++p) {
      const int i = active[p];
      lists(i, p);
      row_yp[i] = gv[p];
    }
  }
  return out;
}

// scipy's label(): after a stable sort by height, name the merged nodes n, n+1, ... with a
// union-find over the clusters' slots.
Dendrogram label_merges(std::vector<RawMerge> raw, int n, bool take_sqrt) {
  std::stable_sort(raw.begin(), raw.end(), [](const RawMerge& a, const RawMerge& b) { return a.dist < b.dist; });
  std::vector<int> parent(static_cast<std::size_t>(2 * n - 1));
  std::iota(parent.begin(), parent.end(), 0);
  std::vector<int> node_size(static_cast<std::size_t>(2 * n - 1), 1);
  auto find = [&](int v) {
    int root = v;
    while (parent[static_cast<std::size_t>(root)] != root) root = parent[static_cast<std::size_t>(root)];
    while (parent[static_cast<std::size_t>(v)] != root) {
      const int next = parent[static_cast<std::size_t>(v)];
      parent[static_cast<std::size_t>(v)] = root;
      v = next;
    }
    return root;
  };
  Dendrogram tree;
  tree.n_samples = n;
  tree.merges.reserve(raw.size());
  int next = n;
  for (const RawMerge& r : raw) {
    const int rx = find(r.x);
    const int ry = find(r.y);
    Merge m;
    m.a = std::min(rx, ry);
    m.b = std::max(rx, ry);
    m.height = take_sqrt ? std::sqrt(r.dist) : r.dist;
    m.size = node_size[static_cast<std::size_t>(rx)] + node_size[static_cast<std::size_t>(ry)];
    parent[static_cast<std::size_t>(rx)] = next;
    parent[static_cast<std::size_t>(ry)] = next;
    node_size[static_cast<std::size_t>(next)] = m.size;
    ++next;
    tree.merges.push_back(m);
  }
  return tree;
}

// sklearn's mst_linkage_core (Prim from sample 0, distances on the fly) on squared distances.
// The points not yet in the tree are kept compacted (swap-remove), so every pass streams
// contiguous memory; ties go to the lowest sample index, as sklearn's first-minimum scan.
std::vector<RawMerge> prim_mst(const Eigen::MatrixXd& X) {
  const Index n = X.rows();
  const Index d = X.cols();
  Eigen::MatrixXd R = X.bottomRows(n - 1);  // remaining points, column-major
  std::vector<int> id(static_cast<std::size_t>(n - 1));
  std::iota(id.begin(), id.end(), 1);
  std::vector<double> best(static_cast<std::size_t>(n - 1), std::numeric_limits<double>::infinity());
  Eigen::VectorXd current = X.row(0).transpose();
  int current_id = 0;
  std::vector<RawMerge> edges;
  edges.reserve(static_cast<std::size_t>(n - 1));
  constexpr Index kBlock = 256;
  double tmp[kBlock];
  for (Index m = n - 1; m > 0; --m) {
    double new_dist = std::numeric_limits<double>::infinity();
    Index new_pos = 0;
    int new_id = std::numeric_limits<int>::max();
    for (Index jb = 0; jb < m; jb += kBlock) {
      const Index len = std::min(kBlock, m - jb);
      {
        const double* col = R.col(0).data() + jb;
        const double c = current(0);
        for (Index j = 0; j < len; ++j) {
          const double t = col[j] - c;
          tmp[j] = t * t;
        }
      }
      for (Index k = 1; k < d; ++k) {
        const double* col = R.col(k).data() + jb;
        const double c = current(k);
        for (Index j = 0; j < len; ++j) {
          const double t = col[j] - c;
          tmp[j] += t * t;
        }
      }
      double* b = best.data() + jb;
      for (Index j = 0; j < len; ++j) b[j] = std::min(b[j], tmp[j]);
      for (Index j = 0; j < len; ++j) {
        const int idj = id[static_cast<std::size_t>(jb + j)];
        if (b[j] < new_dist || (b[j] == new_dist && idj < new_id)) {
          new_dist = b[j];
          new_pos = jb + j;
          new_id = idj;
        }
      }
    }
    edges.push_back({current_id, new_id, new_dist, 0});
    current = R.row(new_pos).transpose();
    current_id = new_id;
    // Swap-remove new_pos.
    const Index last = m - 1;
    if (new_pos != last) {
      R.row(new_pos) = R.row(last);
      id[static_cast<std::size_t>(new_pos)] = id[static_cast<std::size_t>(last)];
      best[static_cast<std::size_t>(new_pos)] = best[static_cast<std::size_t>(last)];
    }
    id.pop_back();
    best.pop_back();
  }
  return edges;
}

}  // namespace

Linkage parse_linkage(const std::string& name) { return parse_named(kLinkageNames, name, "linkage"); }

std::string linkage_name(Linkage linkage) { return name_of(kLinkageNames, linkage); }

Dendrogram agglomerative(const Eigen::MatrixXd& X, const AgglomerativeParams& params, NearestSquared* nearest) {
  validate(X);
  const int n = static_cast<int>(X.rows());
  if (n == 1) return Dendrogram{1, {}};
  if (params.linkage == Linkage::single) return label_merges(prim_mst(X), n, true);
  if (nearest && (nearest->k < 1 || nearest->k > n))
    throw UserError("agglomerative: nearest k = " + std::to_string(nearest->k) + "; expected 1 <= k <= n_samples = " +
                    std::to_string(n));

  Condensed D(n);
  NearLists near(n);
  std::optional<NearestCollector> collector;
  if (nearest) collector.emplace(n, nearest->k);
  fill_distances(X, D, near, collector ? &*collector : nullptr);
  if (collector) *nearest = collector->result();
  std::vector<RawMerge> raw;
  switch (params.linkage) {
    case Linkage::ward: raw = nn_chain<WardUpdate>(D, n, near); break;
    case Linkage::complete: raw = nn_chain<CompleteUpdate>(D, n, near); break;
    case Linkage::average: raw = nn_chain<AverageUpdate>(D, n, near); break;
    case Linkage::single: break;
  }
  return label_merges(std::move(raw), n, false);
}

void check_cut(int k, Eigen::Index n) {
  if (k < 1 || k > n)
    throw UserError("agglomerative cut: k = " + std::to_string(k) + "; expected 1 <= k <= n_samples = " +
                    std::to_string(n));
}

std::vector<int> cut(const Dendrogram& tree, int k) {
  const int n = tree.n_samples;
  check_cut(k, n);
  VAESWEEP_ASSERT(static_cast<int>(tree.merges.size()) == n - 1, "dendrogram needs n - 1 merges");
  std::vector<int> parent(static_cast<std::size_t>(n));
  std::iota(parent.begin(), parent.end(), 0);
  auto find = [&](int v) {
    while (parent[static_cast<std::size_t>(v)] != v) {
      parent[static_cast<std::size_t>(v)] = parent[static_cast<std::size_t>(parent[static_cast<std::size_t>(v)])];
      v = parent[static_cast<std::size_t>(v)];
    }
    return v;
  };
  std::vector<int> rep(static_cast<std::size_t>(2 * n - 1));  // a sample under each node
  std::iota(rep.begin(), rep.begin() + n, 0);
  for (int i = 0; i < n - k; ++i) {
    const Merge& m = tree.merges[static_cast<std::size_t>(i)];
    const int ra = find(rep[static_cast<std::size_t>(m.a)]);
    const int rb = find(rep[static_cast<std::size_t>(m.b)]);
    parent[static_cast<std::size_t>(std::max(ra, rb))] = std::min(ra, rb);
    rep[static_cast<std::size_t>(n + i)] = std::min(ra, rb);
  }
  std::vector<int> label_of_root(static_cast<std::size_t>(n), -1);
  std::vector<int> labels(static_cast<std::size_t>(n));
  int next = 0;
  for (int s = 0; s < n; ++s) {
    int& l = label_of_root[static_cast<std::size_t>(find(s))];
    if (l < 0) l = next++;
    labels[static_cast<std::size_t>(s)] = l;
  }
  VAESWEEP_ASSERT(next == k, "dendrogram cut gave the wrong number of clusters");
  return labels;
}

}  // namespace vaesweep::cluster
