#include "cluster/kmeans.hpp"

#include <cblas.h>

#include <algorithm>
#include <cmath>
#include <cstddef>
#include <cstdint>
#include <cstring>
#include <limits>
#include <numeric>
#include <random>
#include <string>

#include "cluster/simd.hpp"
#include "util/error.hpp"
#include "util/matrix_checks.hpp"
#include "util/rng.hpp"

namespace vaesweep::cluster {
namespace {

using Eigen::Index;

void validate(const Eigen::MatrixXd& X, const KMeansParams& p) {
  const Index n = X.rows();
  require_features(X, "kmeans");
  check_params(p, n);
  require_finite(X, "kmeans");
}

}  // namespace

void check_params(const KMeansParams& p, Eigen::Index n) {
  if (p.k < 1 || p.k > n)
    throw UserError("kmeans: k = " + std::to_string(p.k) + "; expected 1 <= k <= n_samples = " +
                    std::to_string(n));
  if (p.n_init < 1) throw UserError("kmeans: n_init = " + std::to_string(p.n_init) + "; expected >= 1");
  if (p.max_iter < 1)
    throw UserError("kmeans: max_iter = " + std::to_string(p.max_iter) + "; expected >= 1");
  if (!(p.tol >= 0.0) || !std::isfinite(p.tol))
    throw UserError("kmeans: tol = " + std::to_string(p.tol) + "; expected a finite value >= 0");
}

namespace {

// Samples per GEMM block of the distances of m points in d dimensions: a multiple of 8, at most
// 512, and (when m d <= 2^15) with m x b x d at most 2^18, the size up to which OpenBLAS (0.3.21)
// runs a GEMM on the calling thread whatever OMP_NUM_THREADS says (k-means is single-threaded:
// sweeps run many units side by side). The block's m x b results stay in the L2 cache.
Index block_size(Index m, Index d) { return std::clamp<Index>(Index{1 << 18} / (m * d) / 8 * 8, 8, 512); }

// D (m x b, column-major) = alpha A^T B for the m points of A (d x m, one per column) and the b
// samples of B (d x b, one per column): OpenBLAS's GEMM (single-threaded: sweeps run many
// units side by side). Each dot is summed by the BLAS's kernel, in its order and with its fused
// multiply-adds, so the values equal a plain loop's to rounding, not to the bit.
void gemm_dots(const double* A, Index m, const double* B, Index b, Index d, double alpha, double* D) {
  cblas_dgemm(CblasColMajor, CblasTrans, CblasNoTrans, static_cast<int>(m), static_cast<int>(b), static_cast<int>(d),
              alpha, A, static_cast<int>(d), B, static_cast<int>(d), 0.0, D, static_cast<int>(m));
}

// Dt (b x m, column-major) = alpha B^T A: the same dots as gemm_dots, one column per point of
// A and the b samples of B down it (each dot still one kernel sum over the d features in order,
// the operands of each multiply-add swapped).
void gemm_dots_by_sample(const double* A, Index m, const double* B, Index b, Index d, double alpha, double* Dt) {
  cblas_dgemm(CblasColMajor, CblasTrans, CblasNoTrans, static_cast<int>(b), static_cast<int>(m), static_cast<int>(d),
              alpha, B, static_cast<int>(d), A, static_cast<int>(d), 0.0, Dt, static_cast<int>(b));
}

// Greedy k-means++ as sklearn's _kmeans_plusplus, for every restart side by side: each new
// centre of restart r is the best (lowest potential) of 2 + floor(ln k) candidates drawn from
// rngs[r] with probability proportional to D^2. Squared distances are sklearn's
// euclidean_distances: |x|^2 + |c|^2 - 2 x.c, clipped at 0, the dots of all the restarts'
// candidates one GEMM a block of samples. XT is d x n (one sample per column), xs its squared
// norms; returns one d x k matrix per restart.
std::vector<Eigen::MatrixXd> kmeans_plusplus(const Eigen::MatrixXd& XT, const Eigen::VectorXd& xs, int k,
                                             std::vector<Rng>& rngs) {
  const Index n = XT.cols();
  const Index d = XT.rows();
  const auto R = static_cast<Index>(rngs.size());
  const Index T = 2 + static_cast<Index>(std::log(static_cast<double>(k)));
  std::vector<Eigen::MatrixXd> C(static_cast<std::size_t>(R), Eigen::MatrixXd(d, k));
  Eigen::MatrixXd closest = Eigen::MatrixXd::Constant(R, n, std::numeric_limits<double>::infinity());  // r x n
  Eigen::MatrixXd A(d, R * T);  // the points whose distances a pass computes, one per column
  Eigen::VectorXd an(R * T);    // their squared norms
  Eigen::MatrixXd D(R * T, block_size(R * T, d));  // the candidates' dots, a block of samples
  Eigen::MatrixXd D1(R, block_size(R, d));          // the new centres' dots
  std::vector<Index> cand(static_cast<std::size_t>(R * T));
  Eigen::VectorXd pots(R * T);

  // closest(r, p) = min(closest(r, p), |x_p - A.col(r)|^2): restart r's new centre is A.col(r).
  const auto add_centres = [&] {
    for (Index bs = 0; bs < n; bs += D1.cols()) {
      const Index bn = std::min(D1.cols(), n - bs);
      gemm_dots(A.data(), R, XT.col(bs).data(), bn, d, -2.0, D1.data());
      for (Index i = 0; i < bn; ++i) {
        const Index p = bs + i;
        const double* dots = D1.col(i).data();
        for (Index r = 0; r < R; ++r)
          closest(r, p) = std::min(closest(r, p), std::max(0.0, (dots[r] + an(r)) + xs(p)));
      }
    }
  };

  for (Index r = 0; r < R; ++r) {
    const Index first = std::uniform_int_distribution<Index>(0, n - 1)(rngs[static_cast<std::size_t>(r)]);
    C[static_cast<std::size_t>(r)].col(0) = XT.col(first);
    A.col(r) = XT.col(first);
    an(r) = xs(first);
  }
  add_centres();

  std::uniform_real_distribution<double> unif(0.0, 1.0);
  std::vector<double> cum(static_cast<std::size_t>(n));
  for (int c = 1; c < k; ++c) {
    for (Index r = 0; r < R; ++r) {
      double s = 0;
      for (Index p = 0; p < n; ++p) cum[static_cast<std::size_t>(p)] = s += closest(r, p);
      const double pot = cum.back();
      for (Index t = 0; t < T; ++t) {
        const double v = unif(rngs[static_cast<std::size_t>(r)]) * pot;
        // np.searchsorted (side="left"), clipped: rounding can put v past the last sum.
        const Index id = std::min<Index>(std::lower_bound(cum.begin(), cum.end(), v) - cum.begin(), n - 1);
        cand[static_cast<std::size_t>(r * T + t)] = id;
        A.col(r * T + t) = XT.col(id);
        an(r * T + t) = xs(id);
      }
    }
    // Every candidate's potential: the sum over the samples of min(closest, distance to it).
    pots.setZero();
    for (Index bs = 0; bs < n; bs += D.cols()) {
      const Index bn = std::min(D.cols(), n - bs);
      gemm_dots(A.data(), R * T, XT.col(bs).data(), bn, d, -2.0, D.data());
      for (Index i = 0; i < bn; ++i) {
        const Index p = bs + i;
        const double x2 = xs(p);
        for (Index r = 0; r < R; ++r) {
          const double cap = closest(r, p);
          for (Index t = 0; t < T; ++t) {
            const Index j = r * T + t;
            pots(j) += std::min(cap, std::max(0.0, (D(j, i) + an(j)) + x2));
          }
        }
      }
    }
    for (Index r = 0; r < R; ++r) {
      Index best = 0;
      for (Index t = 1; t < T; ++t)
        if (pots(r * T + t) < pots(r * T + best)) best = t;  // first minimum wins, as np.argmin
      const Index id = cand[static_cast<std::size_t>(r * T + best)];
      C[static_cast<std::size_t>(r)].col(c) = XT.col(id);
      A.col(r) = XT.col(id);
      an(r) = xs(id);
    }
    if (c + 1 < k) add_centres();  // (the potentials were sums of these same values)
  }
  return C;
}

// sklearn's _relocate_empty_clusters_dense: every empty cluster takes one of the points
// farthest from their (old) center; sums/counts are the M-step accumulators, updated in place.
void relocate_empty(const Eigen::MatrixXd& XT, const Eigen::MatrixXd& C_old, const std::vector<int>& labels,
                    Eigen::MatrixXd& sums, std::vector<Index>& counts) {
  std::vector<int> empty;
  for (std::size_t j = 0; j < counts.size(); ++j)
    if (counts[j] == 0) empty.push_back(static_cast<int>(j));
  if (empty.empty()) return;

  const Index n = XT.cols();
  Eigen::VectorXd dist(n);
  for (Index p = 0; p < n; ++p)
    dist(p) = (XT.col(p) - C_old.col(labels[static_cast<std::size_t>(p)])).squaredNorm();
  if (dist.maxCoeff() == 0.0) return;  // fewer distinct points than clusters: nothing to move

  std::vector<Index> order(static_cast<std::size_t>(n));
  std::iota(order.begin(), order.end(), Index{0});
  const auto n_empty = static_cast<std::ptrdiff_t>(empty.size());
  std::partial_sort(order.begin(), order.begin() + n_empty, order.end(), [&](Index a, Index b) {
    return dist(a) > dist(b) || (dist(a) == dist(b) && a < b);
  });
  for (std::size_t e = 0; e < empty.size(); ++e) {
    const Index far = order[e];
    const int from = labels[static_cast<std::size_t>(far)];
    sums.col(from) -= XT.col(far);
    sums.col(empty[e]) = XT.col(far);
    counts[static_cast<std::size_t>(empty[e])] = 1;
    --counts[static_cast<std::size_t>(from)];
  }
}

// True when the two labellings are equal up to renaming the clusters (sklearn's
// _is_same_clustering, used so that a rounding-level inertia gain does not switch restarts).
bool same_clustering(const std::vector<int>& a, const std::vector<int>& b, int k) {
  std::vector<int> map(static_cast<std::size_t>(k), -1);
  for (std::size_t i = 0; i < a.size(); ++i) {
    int& m = map[static_cast<std::size_t>(a[i])];
    if (m == -1)
      m = b[i];
    else if (m != b[i])
      return false;
  }
  return true;
}

// One restart's Lloyd iterations (sklearn's _kmeans_single_lloyd), advanced one assignment at a
// time by lloyd_all.
struct Run {
  std::vector<int> labels;
  Eigen::MatrixXd C;  // d x k, in centred coordinates
  Eigen::MatrixXd sums;
  std::vector<Index> counts;
  // Hamerly's bounds per sample (empty before the first assignment): upper >= the distance to
  // its centre, lower <= the distance to every other centre, both with rounding slack.
  std::vector<double> upper, lower;
  std::vector<Index> left;  // scratch: the samples an assignment recomputes
  bool changed = true;  // some label changed in the last assignment
  bool done = false;
  bool strict = false;  // stopped because no label changed
  double inertia = 0;
  int n_iter = 0;
};

// For each sample i < bn of a block: the first minimum over l < k of the proxies
// cn[l] + Dt[l ld + i] (Dt holds -2 x.c, one column per centre, the block's samples down it)
// into at[i], its value into best[i] and the smallest proxy of the other centres into
// second[i] (equal to best[i] on a tie). Four samples are one vector: a centre is one compare
// and a few blends for four samples, without branches; the strict "<" in centre order keeps
// the first minimum (ties to the lower index), as a scan for the lowest index of the minimum
// does.
VAESWEEP_AVX2_CLONES
void block_argmins(const double* Dt, Index ld, const double* cn, Index k, Index bn, int* at, double* best,
                   double* second) {
  constexpr double inf = std::numeric_limits<double>::infinity();
  Index i = 0;
  for (; i + 4 <= bn; i += 4) {
    v4d b = {inf, inf, inf, inf};
    v4d s = b;
    v4d a = {0, 0, 0, 0};
    for (Index l = 0; l < k; ++l) {
      v4d v;
      std::memcpy(&v, Dt + l * ld + i, sizeof v);
      v = v4d{cn[l], cn[l], cn[l], cn[l]} + v;
      const auto lower = v < b;
      s = lower ? b : (v < s ? v : s);
      b = lower ? v : b;
      const auto dl = static_cast<double>(l);
      a = lower ? v4d{dl, dl, dl, dl} : a;
    }
    for (int r = 0; r < 4; ++r) {
      at[i + r] = static_cast<int>(a[r]);
      best[i + r] = b[r];
      second[i + r] = s[r];
    }
  }
  for (; i < bn; ++i) {
    double b = inf, s = inf;
    int a = 0;
    for (Index l = 0; l < k; ++l) {
      const double v = cn[l] + Dt[l * ld + i];
      if (v < b) {
        s = b;
        b = v;
        a = static_cast<int>(l);
      } else if (v < s) {
        s = v;
      }
    }
    at[i] = a;
    best[i] = b;
    second[i] = s;
  }
}

// sum[t] = the sum over members[0, count), in that order, of XT(t, member) for t < d: the same
// additions, in the same order, as adding each member's column into a zeroed sum, but the
// running sums stay in registers (16 features at a time) instead of going through memory for
// every sample.
VAESWEEP_AVX2_CLONES
void sum_members(const double* XT, Index d, const Index* members, Index count, double* sum) {
  Index f = 0;
  for (; f + 16 <= d; f += 16) {
    v4d a0 = {0, 0, 0, 0}, a1 = a0, a2 = a0, a3 = a0;
    for (Index m = 0; m < count; ++m) {
      const double* x = XT + members[m] * d + f;
      v4d x0, x1, x2, x3;
      std::memcpy(&x0, x, sizeof x0);
      std::memcpy(&x1, x + 4, sizeof x1);
      std::memcpy(&x2, x + 8, sizeof x2);
      std::memcpy(&x3, x + 12, sizeof x3);
      a0 += x0;
      a1 += x1;
      a2 += x2;
      a3 += x3;
    }
    std::memcpy(sum + f, &a0, sizeof a0);
    std::memcpy(sum + f + 4, &a1, sizeof a1);
    std::memcpy(sum + f + 8, &a2, sizeof a2);
    std::memcpy(sum + f + 12, &a3, sizeof a3);
  }
  for (; f + 4 <= d; f += 4) {
    v4d a = {0, 0, 0, 0};
    for (Index m = 0; m < count; ++m) {
      v4d x;
      std::memcpy(&x, XT + members[m] * d + f, sizeof x);
      a += x;
    }
    std::memcpy(sum + f, &a, sizeof a);
  }
  for (; f < d; ++f) {
    double a = 0;
    for (Index m = 0; m < count; ++m) a += XT[members[m] * d + f];
    sum[f] = a;
  }
}

// Hamerly's bookkeeping for samples [0, n), four at a time: when the centres stepped (move: each
// centre's step, max_move the largest, both computed), a sample's centre is at most its step
// farther and every other centre at most the largest step nearer, so upper grows by the one and
// lower shrinks by the other (widened by a relative 1e-12, far above their rounding). A sample
// is settled when upper^2 + 2 err < lower^2, err = c (|x|^2 + cmax) + tiny bounding the proxies'
// rounding: the proxies would pick its centre again. The others are written to `left`, in
// order, without a branch per sample (a third of them are left on a unit's latent space, so a
// branch would be mispredicted often); returns their count.
VAESWEEP_AVX2_CLONES
Index widen_and_list(const int* labels, const double* move, double max_move, const double* xs, double c, double cmax,
                     double tiny, double* upper, double* lower, Index n, Index* left) {
  Index count = 0;
  Index p = 0;
  const v4d zero = {0, 0, 0, 0};
  for (; p + 4 <= n; p += 4) {
    v4d u, l, x2;
    std::memcpy(&u, upper + p, sizeof u);
    std::memcpy(&l, lower + p, sizeof l);
    std::memcpy(&x2, xs + p, sizeof x2);
    if (move) {
      const v4d step = {move[labels[p]], move[labels[p + 1]], move[labels[p + 2]], move[labels[p + 3]]};
      u = (u + step) * (1 + 1e-12);
      l = (l - max_move) * (1 - 1e-12);
      l = l > zero ? l : zero;
      std::memcpy(upper + p, &u, sizeof u);
      std::memcpy(lower + p, &l, sizeof l);
    }
    const v4d err = c * (x2 + cmax) + tiny;
    const auto settled = (l > u) & (u * u + 2.0 * err < l * l);
    for (int r = 0; r < 4; ++r) {
      left[count] = p + r;
      count += settled[r] ? 0 : 1;
    }
  }
  for (; p < n; ++p) {
    double u = upper[p];
    double l = lower[p];
    if (move) {
      u = (u + move[labels[p]]) * (1 + 1e-12);
      l = std::max(0.0, (l - max_move) * (1 - 1e-12));
      upper[p] = u;
      lower[p] = l;
    }
    const double err = c * (xs[p] + cmax) + tiny;
    const bool settled = l > u && u * u + 2.0 * err < l * l;
    left[count] = p;
    count += settled ? 0 : 1;
  }
  return count;
}

// The assignment step of one run: a sample goes to the centre of the lowest proxy
// |c|^2 - 2 x.c (ties to the lower index), the proxies one GEMM a block of samples (as
// sklearn's _lloyd_iter_chunked_dense). Hamerly's test skips a sample whose bounds prove that
// its centre's proxy is below every other's by more than the proxies' rounding, so the proxies
// would pick it again: only the samples left are gathered into the GEMM's blocks, and they get
// fresh bounds. The skipped samples' labels are what the proxies would give, so labels (and
// with them sums, counts and iterations) are the plain assignment's. With `accumulate`, the
// run's M-step sums and counts are then those of the samples of each centre, added in their
// order; a centre whose samples are the same as at the last assignment keeps its sums, which
// are the same additions.
void assign(const Eigen::MatrixXd& XT, const Eigen::VectorXd& xs, Run& run, const std::vector<double>* move,
            bool accumulate, Eigen::MatrixXd& Xg, Eigen::MatrixXd& Dt) {
  const Index n = XT.cols();
  const Index d = XT.rows();
  const Index k = run.C.cols();
  const Eigen::VectorXd cn = run.C.colwise().squaredNorm().transpose();
  // A proxy plus |x|^2 is within err(x) = c (|x|^2 + max |c|^2) + tiny of the squared distance
  // (the GEMM's d-term dot with fused multiply-adds, the additions; c has margin on (2 d + 8) u),
  // and the bounds' own roundings (squares, square roots) are far inside that margin.
  const double c = 4.0 * static_cast<double>(d + 8) * std::ldexp(1.0, -52);
  constexpr double kTiny = 1e-290;
  const double cmax = cn.maxCoeff();
  const bool first = run.upper.empty();
  if (first) {
    run.upper.assign(static_cast<std::size_t>(n), 0.0);
    run.lower.assign(static_cast<std::size_t>(n), 0.0);
  }
  const Index B = block_size(k, d);
  Xg.resize(d, B);
  Dt.resize(B, k);
  std::vector<Index> idx(static_cast<std::size_t>(B));
  std::vector<int> at(static_cast<std::size_t>(B));
  std::vector<double> best(static_cast<std::size_t>(B)), second(static_cast<std::size_t>(B));
  run.changed = false;
  std::vector<std::uint8_t> dirty(static_cast<std::size_t>(k), first ? 1 : 0);  // membership changed
  Index g = 0;  // samples gathered in the current block
  const auto flush = [&] {
    if (g == 0) return;
    gemm_dots_by_sample(run.C.data(), k, Xg.data(), g, d, -2.0, Dt.data());
    block_argmins(Dt.data(), g, cn.data(), k, g, at.data(), best.data(), second.data());
    for (Index i = 0; i < g; ++i) {
      const auto p = static_cast<std::size_t>(idx[static_cast<std::size_t>(i)]);
      const auto iu = static_cast<std::size_t>(i);
      if (run.labels[p] != at[iu]) {
        run.changed = true;
        if (run.labels[p] >= 0) dirty[static_cast<std::size_t>(run.labels[p])] = 1;
        dirty[static_cast<std::size_t>(at[iu])] = 1;
        run.labels[p] = at[iu];
      }
      const double x2 = xs(static_cast<Index>(p));
      const double err = c * (x2 + cmax) + kTiny;
      run.upper[p] = std::sqrt(std::max(0.0, best[iu] + x2 + 2.0 * err));
      run.lower[p] = std::sqrt(std::max(0.0, second[iu] + x2 - 2.0 * err));
    }
    g = 0;
  };
  // The samples the bounds cannot settle, listed without a branch per sample (which would be
  // mispredicted as often as a third of the samples are left); the bounds are first widened by
  // the centres' last steps, when they moved.
  std::vector<Index>& left = run.left;
  left.resize(static_cast<std::size_t>(n));
  Index count = 0;
  if (first) {
    std::iota(left.begin(), left.end(), Index{0});
    count = n;
  } else {
    const double max_move = move ? *std::max_element(move->begin(), move->end()) * (1 + 1e-12) : 0.0;
    count = widen_and_list(run.labels.data(), move ? move->data() : nullptr, max_move, xs.data(), c, cmax, kTiny,
                           run.upper.data(), run.lower.data(), n, left.data());
  }
  for (Index t = 0; t < count; ++t) {
    const Index p = left[static_cast<std::size_t>(t)];
    Xg.col(g) = XT.col(p);
    idx[static_cast<std::size_t>(g)] = p;
    if (++g == B) flush();
  }
  flush();
  if (accumulate) {
    if (first) {
      run.sums.setZero(d, k);
      run.counts.assign(static_cast<std::size_t>(k), Index{0});
    }
    if (std::find(dirty.begin(), dirty.end(), 1) == dirty.end()) return;
    // The samples of each centre in index order (a stable counting sort), then each changed
    // centre's sums.
    std::vector<Index> start(static_cast<std::size_t>(k) + 1, 0);
    for (int l : run.labels) ++start[static_cast<std::size_t>(l) + 1];
    for (Index j = 0; j < k; ++j) start[static_cast<std::size_t>(j + 1)] += start[static_cast<std::size_t>(j)];
    std::vector<Index> members(static_cast<std::size_t>(n));
    std::vector<Index> fill(start.begin(), start.end() - 1);
    for (Index p = 0; p < n; ++p) members[static_cast<std::size_t>(fill[static_cast<std::size_t>(run.labels[static_cast<std::size_t>(p)])]++)] = p;
    for (Index j = 0; j < k; ++j) {
      if (!dirty[static_cast<std::size_t>(j)]) continue;
      const Index b = start[static_cast<std::size_t>(j)];
      const Index cnt = start[static_cast<std::size_t>(j + 1)] - b;
      sum_members(XT.data(), d, members.data() + b, cnt, run.sums.col(j).data());
      run.counts[static_cast<std::size_t>(j)] = cnt;
    }
  }
}

// sklearn's _kmeans_single_lloyd for every restart, one after another (a restart's bounds and
// scratch are freed when it stops): assignment, relocation, M-step and stopping rule.
void lloyd_all(const Eigen::MatrixXd& XT, const Eigen::VectorXd& xs, std::vector<Run>& runs, int max_iter,
               double tol_abs) {
  const Index d = XT.rows();
  Eigen::MatrixXd Xg, Dt, C_new, sums;
  std::vector<Index> counts;
  std::vector<double> move;
  for (Run& run : runs) {
    const Index k = run.C.cols();
    bool moved = false;  // the centres stepped since the last assignment (by move)
    while (!run.done) {
      assign(XT, xs, run, moved ? &move : nullptr, true, Xg, Dt);
      ++run.n_iter;
      // Relocation moves samples between the sums: on a copy, so that run.sums stay the
      // assignment's (reused for the centres whose samples do not change).
      const bool any_empty = std::find(run.counts.begin(), run.counts.end(), Index{0}) != run.counts.end();
      if (any_empty) {
        sums = run.sums;
        counts = run.counts;
        relocate_empty(XT, run.C, run.labels, sums, counts);
      }
      const Eigen::MatrixXd& S = any_empty ? sums : run.sums;
      const std::vector<Index>& N = any_empty ? counts : run.counts;
      C_new.resize(d, k);
      move.assign(static_cast<std::size_t>(k), 0.0);
      double shift = 0.0;
      for (Index j = 0; j < k; ++j) {
        const Index cnt = N[static_cast<std::size_t>(j)];
        if (cnt > 0)
          C_new.col(j) = S.col(j) / static_cast<double>(cnt);
        else
          C_new.col(j) = run.C.col(j);  // still empty after relocation: stay put
        const double step = (C_new.col(j) - run.C.col(j)).squaredNorm();
        shift += step;
        move[static_cast<std::size_t>(j)] = std::sqrt(step);
      }
      run.C.swap(C_new);
      if (!run.changed) {
        run.strict = run.done = true;
      } else {
        moved = true;
        if (shift <= tol_abs || run.n_iter >= max_iter) run.done = true;
      }
    }
    // The centres moved after the last assignment: relabel so labels match centres.
    if (!run.strict) assign(XT, xs, run, &move, false, Xg, Dt);
    double inertia = 0.0;
    for (Index p = 0; p < XT.cols(); ++p)
      inertia += (XT.col(p) - run.C.col(run.labels[static_cast<std::size_t>(p)])).squaredNorm();
    run.inertia = inertia;
    run.sums.resize(0, 0);
    std::vector<double>().swap(run.upper);
    std::vector<double>().swap(run.lower);
    std::vector<Index>().swap(run.left);
  }
}

}  // namespace

KMeansResult kmeans(const Eigen::MatrixXd& X, const KMeansParams& params) {
  validate(X, params);
  const Index n = X.rows();
  // Centring (as sklearn) keeps |c|^2 - 2 x.c accurate when the data sit far from the origin.
  const Eigen::RowVectorXd mean = X.colwise().mean();
  const Eigen::MatrixXd XT = (X.rowwise() - mean).transpose();  // d x n: one sample per column
  const Eigen::VectorXd xs = XT.colwise().squaredNorm().transpose();
  const double mean_var = XT.squaredNorm() / static_cast<double>(n * XT.rows());
  const double tol_abs = params.tol == 0.0 ? 0.0 : params.tol * mean_var;

  std::vector<Rng> rngs;
  for (int r = 0; r < params.n_init; ++r) rngs.emplace_back(derive_seed(params.seed, {static_cast<std::uint64_t>(r)}));
  std::vector<Eigen::MatrixXd> seeds = kmeans_plusplus(XT, xs, params.k, rngs);
  std::vector<Run> runs(static_cast<std::size_t>(params.n_init));
  for (std::size_t r = 0; r < runs.size(); ++r) {
    runs[r].C = std::move(seeds[r]);
    runs[r].labels.assign(static_cast<std::size_t>(n), -1);
  }
  lloyd_all(XT, xs, runs, params.max_iter, tol_abs);

  std::size_t best = 0;
  for (std::size_t r = 1; r < runs.size(); ++r)
    if (runs[r].inertia < runs[best].inertia && !same_clustering(runs[r].labels, runs[best].labels, params.k)) best = r;

  KMeansResult out;
  out.labels = std::move(runs[best].labels);
  out.centers = runs[best].C.transpose().rowwise() + mean;
  out.inertia = runs[best].inertia;
  out.n_iter = runs[best].n_iter;
  return out;
}

}  // namespace vaesweep::cluster
