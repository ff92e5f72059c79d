#include "cluster/dbscan.hpp"

#include <algorithm>
#include <cmath>
#include <cstddef>
#include <cstring>
#include <limits>
#include <numeric>
#include <string>

#include "cluster/simd.hpp"
#include "util/error.hpp"

namespace vaesweep::cluster {
namespace {

using Eigen::Index;

constexpr int kLeafSize = 32;
constexpr int kRows = 4;           // samples per block of the distance kernel
constexpr Index kMaxDimBlock = 64;  // features kept on the stack per block
constexpr double kMaxAbs = 1e150;  // squared distances of larger values could overflow

// out[r * kLeafSize + j] = sum over features k, in order, of (cols[k * ld + j] - xs[r * d + k])^2
// for the kRows samples xs (row-major) and nb <= kLeafSize samples stored feature by feature
// in cols. Each pair's sum is the same sequence of roundings as a plain loop over k (no
// fused multiply-add: the AVX2 clone gives the same bits); the blocking keeps 4 x 4 sums in
// registers and loads each coordinate once per 4 samples.
VAESWEEP_AVX2_CLONES
void block_sq_dists(const double* xs, Index d, const double* cols, Index ld, int nb, double* out) {
  int j = 0;
  for (; j + 4 <= nb; j += 4) {
    v4d acc[kRows] = {};
    for (Index k = 0; k < d; ++k) {
      v4d p;
      std::memcpy(&p, cols + k * ld + j, sizeof p);
      for (int r = 0; r < kRows; ++r) {
        const double xv = xs[r * d + k];
        const v4d t = p - v4d{xv, xv, xv, xv};
        acc[r] += t * t;
      }
    }
    for (int r = 0; r < kRows; ++r) std::memcpy(out + r * kLeafSize + j, &acc[r], sizeof acc[r]);
  }
  for (; j < nb; ++j) {
    double acc[kRows] = {};
    for (Index k = 0; k < d; ++k) {
      const double c = cols[k * ld + j];
      for (int r = 0; r < kRows; ++r) {
        const double t = c - xs[r * d + k];
        acc[r] += t * t;
      }
    }
    for (int r = 0; r < kRows; ++r) out[r * kLeafSize + j] = acc[r];
  }
}

void validate_X(const Eigen::MatrixXd& X, const char* who) {
  if (X.rows() < 1) throw UserError(std::string(who) + ": X has 0 samples; expected at least 1");
  if (X.cols() < 1) throw UserError(std::string(who) + ": X has 0 features; expected at least 1");
  if (X.rows() > std::numeric_limits<int>::max() / 2)
    throw UserError(std::string(who) + ": X has " + std::to_string(X.rows()) + " samples; expected at most " +
                    std::to_string(std::numeric_limits<int>::max() / 2));
  if (!X.allFinite() || X.cwiseAbs().maxCoeff() > kMaxAbs) {
    for (Index j = 0; j < X.cols(); ++j)
      for (Index i = 0; i < X.rows(); ++i)
        if (!std::isfinite(X(i, j)) || std::abs(X(i, j)) > kMaxAbs)
          throw UserError(std::string(who) + ": X(" + std::to_string(i) + ", " + std::to_string(j) + ") = " +
                          std::to_string(X(i, j)) + "; expected finite values of magnitude at most 1e150");
  }
}

// A ball tree: median splits on the widest feature down to leaves of at most kLeafSize
// samples, each node with its centroid and the radius of the ball around it that holds its
// samples. Samples are reordered so that every node is a contiguous range.
class BallTree {
 public:
  struct Node {
    int begin = 0, end = 0;            // sample positions
    int left = -1, right = -1;         // children (both -1 for a leaf)
    int leaf_begin = 0, leaf_end = 0;  // leaves under this node, in leaves() order
    double radius = 0;
  };

  explicit BallTree(const Eigen::MatrixXd& X) : n_(X.rows()), d_(X.cols()) {
    order_.resize(static_cast<std::size_t>(n_));
    std::iota(order_.begin(), order_.end(), 0);
    build(X, 0, static_cast<int>(n_));
    P_.resize(n_, d_);
    for (Index p = 0; p < n_; ++p) P_.row(p) = X.row(order_[static_cast<std::size_t>(p)]);
    rows_ = P_;
    position_.resize(static_cast<std::size_t>(n_));
    for (Index p = 0; p < n_; ++p) position_[static_cast<std::size_t>(order_[static_cast<std::size_t>(p)])] = static_cast<int>(p);
    centers_.resize(d_, static_cast<Index>(nodes_.size()));
    for (std::size_t id = 0; id < nodes_.size(); ++id) {
      Node& nd = nodes_[id];
      const auto block = P_.middleRows(nd.begin, nd.end - nd.begin);
      centers_.col(static_cast<Index>(id)) = block.colwise().mean().transpose();
      nd.radius = std::sqrt((block.rowwise() - centers_.col(static_cast<Index>(id)).transpose()).rowwise().squaredNorm().maxCoeff());
    }
    // Rounding slack for the ball bounds: errors in centroids and radii scale with the
    // magnitude of the coordinates.
    abs_slack_ = 1e-13 * std::sqrt(static_cast<double>(d_)) * (X.cwiseAbs().maxCoeff() + 1e-300);
  }

  Index size() const { return n_; }
  Index dim() const { return d_; }
  const Node& node(int id) const { return nodes_[static_cast<std::size_t>(id)]; }
  int node_count() const { return static_cast<int>(nodes_.size()); }
  const std::vector<int>& leaves() const { return leaves_; }
  int original(int p) const { return order_[static_cast<std::size_t>(p)]; }
  int position(int i) const { return position_[static_cast<std::size_t>(i)]; }

  const double* coords(int p) const { return rows_.data() + static_cast<Index>(p) * d_; }

  // Squared distances from each sample at positions rows[0..count) to the samples of node id
  // (a leaf): calls f(i, dists) with dists[j] for the node's j-th sample, i in [0, count).
  template <typename F>
  void rows_against(const int* rows, int count, int id, F&& f) const {
    const Node& nd = node(id);
    const int nb = nd.end - nd.begin;
    double xs[kRows * kMaxDimBlock];
    std::vector<double> big;  // only when d exceeds the stack block
    double* x = xs;
    if (d_ > kMaxDimBlock) {
      big.resize(static_cast<std::size_t>(kRows * d_));
      x = big.data();
    }
    double out[kRows * kLeafSize];
    for (int g = 0; g < count; g += kRows) {
      const int m = std::min(kRows, count - g);
      for (int r = 0; r < kRows; ++r)  // short groups repeat their last sample
        std::memcpy(x + r * d_, coords(rows[g + std::min(r, m - 1)]), static_cast<std::size_t>(d_) * sizeof(double));
      block_sq_dists(x, d_, P_.data() + nd.begin, n_, nb, out);
      for (int r = 0; r < m; ++r) f(g + r, out + r * kLeafSize);
    }
  }

  // Bounds on the distances between samples of nodes a and b, widened for rounding.
  struct Bounds {
    double lower, upper;
  };
  Bounds bounds(int a, int b) const {
    const double dc = (centers_.col(a) - centers_.col(b)).norm();
    const double ra = node(a).radius;
    const double rb = node(b).radius;
    const double slack = 1e-7 * (dc + ra + rb) + abs_slack_;
    return {dc - ra - rb - slack, dc + ra + rb + slack};
  }

  // False when no sample of node `id` can lie within r of x: |x - centre| > r + radius, with
  // slack for rounding (squared, to spare a square root).
  bool may_reach(const double* x, int id, double r) const {
    double d2 = 0;
    const double* c = centers_.col(id).data();
    for (Index k = 0; k < d_; ++k) {
      const double t = x[k] - c[k];
      d2 += t * t;
    }
    const double rad = node(id).radius;
    const double reach = (r + rad) * (1 + 1e-7) + abs_slack_;
    return d2 <= reach * reach;
  }

  // Calls f(leaf_node, all_within) for every leaf under the root whose samples may lie within
  // eps of leaf node a's (all_within: all of them surely do), restricted to leaf indices
  // >= min_leaf.
  template <typename F>
  void for_each_near_leaf(int a, double eps, int min_leaf, F&& f, std::vector<int>& stack) const {
    stack.clear();
    stack.push_back(0);
    while (!stack.empty()) {
      const int id = stack.back();
      stack.pop_back();
      const Node& nd = node(id);
      if (nd.leaf_end <= min_leaf) continue;
      const Bounds bd = bounds(a, id);
      if (bd.lower > eps) continue;
      if (bd.upper < eps) {
        for (int l = std::max(nd.leaf_begin, min_leaf); l < nd.leaf_end; ++l) f(leaves_[static_cast<std::size_t>(l)], true);
        continue;
      }
      if (nd.left < 0) {
        f(id, false);
        continue;
      }
      stack.push_back(nd.right);
      stack.push_back(nd.left);
    }
  }

 private:
  int build(const Eigen::MatrixXd& X, int begin, int end) {
    const int id = static_cast<int>(nodes_.size());
    nodes_.emplace_back();
    nodes_.back().begin = begin;
    nodes_.back().end = end;
    nodes_.back().leaf_begin = static_cast<int>(leaves_.size());
    if (end - begin <= kLeafSize) {
      leaves_.push_back(id);
      nodes_[static_cast<std::size_t>(id)].leaf_end = static_cast<int>(leaves_.size());
      return id;
    }
    Index best_dim = 0;
    double best_spread = -1;
    for (Index k = 0; k < X.cols(); ++k) {
      double lo = std::numeric_limits<double>::infinity();
      double hi = -lo;
      for (int p = begin; p < end; ++p) {
        const double v = X(order_[static_cast<std::size_t>(p)], k);
        lo = std::min(lo, v);
        hi = std::max(hi, v);
      }
      if (hi - lo > best_spread) {
        best_spread = hi - lo;
        best_dim = k;
      }
    }
    const int mid = begin + (end - begin) / 2;
    std::nth_element(order_.begin() + begin, order_.begin() + mid, order_.begin() + end, [&](int u, int v) {
      const double xu = X(u, best_dim);
      const double xv = X(v, best_dim);
      return xu < xv || (xu == xv && u < v);
    });
    const int left = build(X, begin, mid);
    const int right = build(X, mid, end);
    Node& nd = nodes_[static_cast<std::size_t>(id)];
    nd.left = left;
    nd.right = right;
    nd.leaf_end = static_cast<int>(leaves_.size());
    return id;
  }

  Index n_, d_;
  std::vector<int> order_;     // order_[position] = original index
  std::vector<int> position_;  // position_[original index]
  Eigen::MatrixXd P_;          // samples in tree order, column-major (feature by feature)
  Eigen::Matrix<double, Eigen::Dynamic, Eigen::Dynamic, Eigen::RowMajor> rows_;  // the same, row-major
  Eigen::MatrixXd centers_;    // d x nodes
  std::vector<Node> nodes_;
  std::vector<int> leaves_;    // leaf node ids in position order
  double abs_slack_ = 0;
};

class UnionFind {
 public:
  explicit UnionFind(Index n) : parent_(static_cast<std::size_t>(n)) { std::iota(parent_.begin(), parent_.end(), 0); }
  int find(int v) {
    while (parent_[static_cast<std::size_t>(v)] != v) {
      parent_[static_cast<std::size_t>(v)] = parent_[static_cast<std::size_t>(parent_[static_cast<std::size_t>(v)])];
      v = parent_[static_cast<std::size_t>(v)];
    }
    return v;
  }
  void unite(int a, int b) {
    a = find(a);
    b = find(b);
    if (a != b) parent_[static_cast<std::size_t>(std::max(a, b))] = std::min(a, b);
  }

 private:
  std::vector<int> parent_;
};

// kth_sq / second_sq (by position, optional): every sample's squared distance to its
// min_samples-th and 2nd nearest sample, itself counting as the first, from kth_sq_distances
// on the same tree. They are the same computed distances as pass 1's (each pair's sum over the
// features in order, whichever of its samples is the row), so a sample is core exactly when its
// kth_sq <= eps^2 and has a neighbour exactly when its second_sq <= eps^2: pass 1 is skipped.
// When min_samples > n no sample is core (kth_sq then holds the n-th distances).
DbscanResult run_dbscan(const BallTree& T, double eps, int min_samples, const std::vector<double>* kth_sq = nullptr,
                        const std::vector<double>* second_sq = nullptr) {
  const int n = static_cast<int>(T.size());
  const double eps2 = eps * eps;
  const auto& leaves = T.leaves();
  const int n_leaves = static_cast<int>(leaves.size());
  std::vector<int> stack;
  std::vector<int> rows;
  rows.reserve(kLeafSize);
  auto U = [](int v) { return static_cast<std::size_t>(v); };

  // Pass 1: neighbourhood sizes, each sample counting itself. A pair of samples only needs
  // counting while one of them is undecided (fewer than min_samples neighbours so far). With
  // the k-nearest distances at hand (eps "auto"), the core flags come from them instead.
  std::vector<std::uint8_t> core(U(n));
  std::vector<std::uint8_t> has_neighbour(U(n));  // a sample within eps besides itself
  if (kth_sq) {
    for (int p = 0; p < n; ++p) {
      core[U(p)] = min_samples <= n && (*kth_sq)[U(p)] <= eps2;
      has_neighbour[U(p)] = second_sq && (*second_sq)[U(p)] <= eps2;
    }
  } else {
    std::vector<int> count(U(n), 1);
    std::uint8_t undecided_a[kLeafSize];
    std::uint8_t undecided_b[kLeafSize];
    auto snapshot = [&](const BallTree::Node& nd, std::uint8_t* undec) {
      bool any = false;
      for (int p = nd.begin; p < nd.end; ++p) {
        undec[p - nd.begin] = count[U(p)] < min_samples;
        any = any || undec[p - nd.begin];
      }
      return any;
    };
    for (int la = 0; la < n_leaves; ++la) {
      const int a = leaves[U(la)];
      const BallTree::Node& A = T.node(a);
      T.for_each_near_leaf(a, eps, la, [&](int b, bool all_within) {
        const BallTree::Node& B = T.node(b);
        const bool any_a = snapshot(A, undecided_a);
        const bool any_b = snapshot(B, undecided_b);
        if (!any_a && !any_b) return;
        if (all_within) {
          if (a == b) {
            for (int p = A.begin; p < A.end; ++p) count[U(p)] += A.end - A.begin - 1;
          } else {
            for (int p = A.begin; p < A.end; ++p) count[U(p)] += B.end - B.begin;
            for (int q = B.begin; q < B.end; ++q) count[U(q)] += A.end - A.begin;
          }
          return;
        }
        if (a == b) {  // the leaf with itself: each pair once
          rows.clear();
          for (int p = A.begin; p < A.end; ++p) rows.push_back(p);
          T.rows_against(rows.data(), static_cast<int>(rows.size()), a, [&](int i, const double* dist) {
            const int p = rows[U(i)];
            for (int j = p - A.begin + 1; j < A.end - A.begin; ++j)
              if (dist[j] <= eps2) {
                ++count[U(p)];
                ++count[U(A.begin + j)];
              }
          });
          return;
        }
        // Undecided samples of A against all of B, then undecided samples of B against the
        // decided ones of A: every pair with an undecided end exactly once.
        rows.clear();
        for (int p = A.begin; p < A.end; ++p)
          if (undecided_a[p - A.begin] && T.may_reach(T.coords(p), b, eps)) rows.push_back(p);
        T.rows_against(rows.data(), static_cast<int>(rows.size()), b, [&](int i, const double* dist) {
          int within = 0;
          for (int j = 0; j < B.end - B.begin; ++j)
            if (dist[j] <= eps2) {
              ++within;
              ++count[U(B.begin + j)];
            }
          count[U(rows[U(i)])] += within;
        });
        bool any_decided_a = false;
        for (int j = 0; j < A.end - A.begin; ++j) any_decided_a = any_decided_a || !undecided_a[j];
        if (!any_b || !any_decided_a) return;
        rows.clear();
        for (int q = B.begin; q < B.end; ++q)
          if (undecided_b[q - B.begin] && T.may_reach(T.coords(q), a, eps)) rows.push_back(q);
        T.rows_against(rows.data(), static_cast<int>(rows.size()), a, [&](int i, const double* dist) {
          int within = 0;
          for (int j = 0; j < A.end - A.begin; ++j) within += !undecided_a[j] && dist[j] <= eps2;
          count[U(rows[U(i)])] += within;
        });
      }, stack);
    }
    for (int p = 0; p < n; ++p) {
      core[U(p)] = count[U(p)] >= min_samples;
      has_neighbour[U(p)] = count[U(p)] >= 2;
    }
  }
  std::vector<std::uint8_t> leaf_has_core(U(n_leaves), 0);
  for (int la = 0; la < n_leaves; ++la) {
    const BallTree::Node& A = T.node(leaves[U(la)]);
    for (int p = A.begin; p < A.end; ++p) leaf_has_core[U(la)] |= core[U(p)];
  }

  // Pass 2: connected components of core samples. Pairs of leaves whose cores are already in
  // one component are skipped; when one leaf's cores are all in one component, only the other
  // leaf's cores outside it are tried.
  UnionFind uf(n);
  auto common_root = [&](const BallTree::Node& nd) {  // -1: mixed or no core
    int root = -1;
    for (int p = nd.begin; p < nd.end; ++p) {
      if (!core[U(p)]) continue;
      const int r = uf.find(p);
      if (root >= 0 && r != root) return -1;
      root = r;
    }
    return root;
  };
  // Unites every core sample of `rows` with the cores of leaf `id` within eps.
  auto link = [&](int id) {
    const BallTree::Node& nd = T.node(id);
    T.rows_against(rows.data(), static_cast<int>(rows.size()), id, [&](int i, const double* dist) {
      const int p = rows[U(i)];
      for (int j = 0; j < nd.end - nd.begin; ++j)
        if (dist[j] <= eps2 && core[U(nd.begin + j)]) uf.unite(p, nd.begin + j);
    });
  };
  for (int la = 0; la < n_leaves; ++la) {
    if (!leaf_has_core[U(la)]) continue;
    const int a = leaves[U(la)];
    const BallTree::Node& A = T.node(a);
    T.for_each_near_leaf(a, eps, la, [&](int b, bool all_within) {
      const BallTree::Node& B = T.node(b);
      const int root_b = common_root(B);
      if (root_b < 0 && a != b) {
        bool b_has_core = false;
        for (int q = B.begin; q < B.end && !b_has_core; ++q) b_has_core = core[U(q)];
        if (!b_has_core) return;
      }
      const int root_a = common_root(A);
      if (root_a >= 0 && root_a == root_b) return;
      if (all_within) {
        int first = -1;
        for (const BallTree::Node* nd : {&A, &B})
          for (int p = nd->begin; p < nd->end; ++p)
            if (core[U(p)]) {
              if (first < 0) first = p;
              uf.unite(first, p);
            }
        return;
      }
      // Rows: the cores of one leaf (those outside the other leaf's single component, when it
      // has one), against the other leaf.
      const bool from_b = root_a >= 0;  // A is one component: try B's cores against A
      const BallTree::Node& R = from_b ? B : A;
      const int other = from_b ? a : b;
      const int root = from_b ? root_a : root_b;
      rows.clear();
      for (int p = R.begin; p < R.end; ++p) {
        if (!core[U(p)]) continue;
        if (root >= 0 && uf.find(p) == uf.find(root)) continue;
        if (T.may_reach(T.coords(p), other, eps)) rows.push_back(p);
      }
      link(other);
    }, stack);
  }
  // Clusters numbered by their lowest core sample index (sklearn's growth order).
  std::vector<int> label(U(n), -1);  // by position
  std::vector<int> label_of_root(U(n), -1);
  int n_clusters = 0;
  for (int i = 0; i < n; ++i) {
    const int p = T.position(i);
    if (!core[U(p)]) continue;
    int& l = label_of_root[U(uf.find(p))];
    if (l < 0) l = n_clusters++;
    label[U(p)] = l;
  }

  // Pass 3: border samples join the lowest-numbered cluster among their core neighbours'.
  constexpr int kNone = std::numeric_limits<int>::max();
  std::vector<int> leaf_min_label(U(n_leaves), kNone);
  std::vector<int> node_leaf(U(T.node_count()), -1);  // node id -> leaf index
  for (int la = 0; la < n_leaves; ++la) {
    const int id = leaves[U(la)];
    node_leaf[U(id)] = la;
    const BallTree::Node& A = T.node(id);
    for (int p = A.begin; p < A.end; ++p)
      if (core[U(p)]) leaf_min_label[U(la)] = std::min(leaf_min_label[U(la)], label[U(p)]);
  }
  int best[kLeafSize];
  for (int la = 0; la < n_leaves; ++la) {
    const int a = leaves[U(la)];
    const BallTree::Node& A = T.node(a);
    bool any_candidate = false;
    for (int p = A.begin; p < A.end; ++p) {
      best[p - A.begin] = kNone;
      any_candidate = any_candidate || (!core[U(p)] && has_neighbour[U(p)]);
    }
    if (!any_candidate) continue;
    T.for_each_near_leaf(a, eps, 0, [&](int b, bool all_within) {
      const int leaf_min = leaf_min_label[U(node_leaf[U(b)])];
      if (leaf_min == kNone) return;  // no core in b
      const BallTree::Node& B = T.node(b);
      rows.clear();
      for (int p = A.begin; p < A.end; ++p) {
        if (core[U(p)] || !has_neighbour[U(p)] || best[p - A.begin] <= leaf_min) continue;  // b cannot improve it
        if (all_within)
          best[p - A.begin] = leaf_min;
        else if (T.may_reach(T.coords(p), b, eps))
          rows.push_back(p);
      }
      T.rows_against(rows.data(), static_cast<int>(rows.size()), b, [&](int i, const double* dist) {
        int& bp = best[rows[U(i)] - A.begin];
        for (int j = 0; j < B.end - B.begin; ++j)
          if (dist[j] <= eps2 && core[U(B.begin + j)]) bp = std::min(bp, label[U(B.begin + j)]);
      });
    }, stack);
    for (int p = A.begin; p < A.end; ++p)
      if (best[p - A.begin] != kNone) label[U(p)] = best[p - A.begin];
  }

  DbscanResult r;
  r.labels.resize(U(n));
  r.is_core.resize(U(n));
  int noise = 0;
  for (int p = 0; p < n; ++p) {
    const auto i = U(T.original(p));
    r.labels[i] = label[U(p)];
    r.is_core[i] = core[U(p)];
    noise += label[U(p)] < 0;
  }
  r.n_clusters = n_clusters;
  r.noise_fraction = static_cast<double>(noise) / n;
  r.eps = eps;
  return r;
}

// Squared k-th nearest distances by position: every leaf collects the k smallest distances
// of its samples, from itself first, then from the other nodes nearest first (by the lower
// bound of their ball), pruning nodes and samples that cannot beat the current k-th.
// second (optional): the squared distance to the 2nd nearest (infinity when k = 1).
std::vector<double> kth_sq_distances(const BallTree& T, int k, std::vector<double>* second = nullptr) {
  const int n = static_cast<int>(T.size());
  const auto ku = static_cast<std::size_t>(k);
  std::vector<double> kth(static_cast<std::size_t>(n));
  if (second) second->assign(static_cast<std::size_t>(n), std::numeric_limits<double>::infinity());
  std::vector<double> top;  // per sample of the leaf: k ascending squared distances
  std::vector<std::pair<double, int>> stack;
  std::vector<int> rows;
  rows.reserve(kLeafSize);
  for (int a : T.leaves()) {
    const BallTree::Node& A = T.node(a);
    const int m = A.end - A.begin;
    top.assign(static_cast<std::size_t>(m) * ku, std::numeric_limits<double>::infinity());
    double worst = std::numeric_limits<double>::infinity();  // max over the leaf of the k-th
    auto scan_leaf = [&](int id) {
      const BallTree::Node& nd = T.node(id);
      rows.clear();
      for (int p = A.begin; p < A.end; ++p)
        if (T.may_reach(T.coords(p), id, std::sqrt(top[static_cast<std::size_t>(p - A.begin) * ku + ku - 1])))
          rows.push_back(p);
      T.rows_against(rows.data(), static_cast<int>(rows.size()), id, [&](int i, const double* dist) {
        double* t = top.data() + static_cast<std::size_t>(rows[static_cast<std::size_t>(i)] - A.begin) * ku;
        for (int j = 0; j < nd.end - nd.begin; ++j) {
          const double v = dist[j];
          if (!(v < t[k - 1])) continue;
          int s = k - 1;
          while (s > 0 && t[s - 1] > v) {
            t[s] = t[s - 1];
            --s;
          }
          t[s] = v;
        }
      });
      worst = 0;
      for (int p = 0; p < m; ++p) worst = std::max(worst, top[static_cast<std::size_t>(p) * ku + ku - 1]);
    };
    scan_leaf(a);
    stack.clear();
    stack.emplace_back(-std::numeric_limits<double>::infinity(), 0);
    while (!stack.empty()) {
      const auto [lower, id] = stack.back();
      stack.pop_back();
      if (lower > 0 && lower * lower > worst) continue;
      const BallTree::Node& nd = T.node(id);
      if (nd.left < 0) {
        if (id != a) scan_leaf(id);
        continue;
      }
      const double ll = T.bounds(a, nd.left).lower;
      const double lr = T.bounds(a, nd.right).lower;
      // Push the farther child first so that the nearer one is visited first.
      if (ll <= lr) {
        stack.emplace_back(lr, nd.right);
        stack.emplace_back(ll, nd.left);
      } else {
        stack.emplace_back(ll, nd.left);
        stack.emplace_back(lr, nd.right);
      }
    }
    for (int p = 0; p < m; ++p) kth[static_cast<std::size_t>(A.begin + p)] = top[static_cast<std::size_t>(p) * ku + ku - 1];
    if (second && k >= 2)
      for (int p = 0; p < m; ++p) (*second)[static_cast<std::size_t>(A.begin + p)] = top[static_cast<std::size_t>(p) * ku + 1];
  }
  return kth;
}

}  // namespace

double knee_of_k_distances(std::vector<double> y) {
  if (y.empty()) throw UserError("knee_of_k_distances: got 0 values; expected at least 1");
  for (std::size_t i = 0; i < y.size(); ++i)
    if (!std::isfinite(y[i]) || y[i] < 0)
      throw UserError("knee_of_k_distances: value " + std::to_string(i) + " is " + std::to_string(y[i]) +
                      "; expected finite distances >= 0");
  std::sort(y.begin(), y.end());
  const std::size_t n = y.size();
  if (n < 3 || y[n - 1] == y[0]) return y[n - 1];
  const double range = y[n - 1] - y[0];
  const double last = static_cast<double>(n - 1);
  double best = -std::numeric_limits<double>::infinity();
  std::size_t best_i = 0;
  for (std::size_t i = 0; i < n; ++i) {
    const double v = static_cast<double>(i) / last - (y[i] - y[0]) / range;
    if (v > best) {
      best = v;
      best_i = i;
    }
  }
  return y[best_i];
}

std::vector<double> k_distances(const Eigen::MatrixXd& X, int k) {
  validate_X(X, "k_distances");
  if (k < 1 || k > X.rows())
    throw UserError("k_distances: k = " + std::to_string(k) + "; expected 1 <= k <= n_samples = " +
                    std::to_string(X.rows()));
  const BallTree T(X);
  const std::vector<double> by_position = kth_sq_distances(T, k);
  std::vector<double> out(by_position.size());
  for (std::size_t p = 0; p < by_position.size(); ++p)
    out[static_cast<std::size_t>(T.original(static_cast<int>(p)))] = std::sqrt(by_position[p]);
  return out;
}

void check_params(const DbscanParams& params) {
  if (params.min_samples < 1)
    throw UserError("dbscan: min_samples = " + std::to_string(params.min_samples) + "; expected >= 1");
  if (params.eps && !(std::isfinite(*params.eps) && *params.eps > 0))
    throw UserError("dbscan: eps = " + std::to_string(*params.eps) + "; expected a finite value > 0 (or \"auto\")");
}

DbscanResult dbscan(const Eigen::MatrixXd& X, const DbscanParams& params, const NearestSquared* nearest) {
  validate_X(X, "dbscan");
  check_params(params);
  const BallTree T(X);
  double eps = 0;
  if (params.eps) {
    eps = *params.eps;
  } else {
    const int k = std::min<int>(params.min_samples, static_cast<int>(X.rows()));
    std::vector<double> second;
    std::vector<double> kth;
    if (nearest && nearest->k == k && nearest->collected(X.rows())) {
      // The same numbers the search below would find, already at hand: reordered by position.
      kth.resize(static_cast<std::size_t>(T.size()));
      second.resize(kth.size());
      for (std::size_t p = 0; p < kth.size(); ++p) {
        const auto original = static_cast<std::size_t>(T.original(static_cast<int>(p)));
        kth[p] = nearest->kth[original];
        second[p] = nearest->second[original];
      }
    } else {
      kth = kth_sq_distances(T, k, &second);
    }
    std::vector<double> kd(kth.size());
    for (std::size_t p = 0; p < kth.size(); ++p) kd[p] = std::sqrt(kth[p]);
    eps = knee_of_k_distances(std::move(kd));
    return run_dbscan(T, eps, params.min_samples, &kth, &second);
  }
  return run_dbscan(T, eps, params.min_samples);
}

}  // namespace vaesweep::cluster
