#include "cluster/kmeans.hpp"

#include <cblas.h>

#include <algorithm>
#include <cmath>
#include <cstddef>
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
  bool changed = true;  // some label changed in the last assignment
  bool done = false;
  bool strict = false;  // stopped because no label changed
  double inertia = 0;
  int n_iter = 0;
};

// For each sample i < bn of a block and each run a < R: the first minimum over l < k of the
// proxies cn[a k + l] + Dt[(a k + l) ld + i] (Dt holds -2 x.c, one column per centre, the
// block's samples down it), into out[i R + a]. Four samples are one vector, so a centre is one
// compare and two blends for four samples, without branches; the strict "<" in centre order
// keeps the first minimum (ties to the lower index), as a scan for the lowest index of the
// minimum does, and each proxy is the same sum cn + dot as before.
VAESWEEP_AVX2_CLONES
void block_argmins(const double* Dt, Index ld, const double* cn, Index R, Index k, Index bn, int* out) {
  constexpr double inf = std::numeric_limits<double>::infinity();
  for (Index a = 0; a < R; ++a) {
    const double* cols = Dt + a * k * ld;
    const double* c = cn + a * k;
    Index i = 0;
    for (; i + 4 <= bn; i += 4) {
      v4d best = {inf, inf, inf, inf};
      v4d at = {0, 0, 0, 0};
      for (Index l = 0; l < k; ++l) {
        v4d v;
        std::memcpy(&v, cols + l * ld + i, sizeof v);
        v = v4d{c[l], c[l], c[l], c[l]} + v;
        const auto lower = v < best;
        best = lower ? v : best;
        const auto dl = static_cast<double>(l);
        at = lower ? v4d{dl, dl, dl, dl} : at;
      }
      for (int r = 0; r < 4; ++r) out[(i + r) * R + a] = static_cast<int>(at[r]);
    }
    for (; i < bn; ++i) {
      double best = inf;
      int at = 0;
      for (Index l = 0; l < k; ++l) {
        const double v = c[l] + cols[l * ld + i];
        if (v < best) {
          best = v;
          at = static_cast<int>(l);
        }
      }
      out[i * R + a] = at;
    }
  }
}

// The assignment step of the runs in `which`, side by side: a sample goes to the centre of the
// lowest proxy |c|^2 - 2 x.c (ties to the lower index), the dots of all the runs' centres one
// GEMM a block of samples (as sklearn's _lloyd_iter_chunked_dense, whose blocks are one run's
// centres). With `accumulate`, each run's M-step sums and counts are taken in the same pass,
// the samples added in their order.
void assign(const Eigen::MatrixXd& XT, std::vector<Run>& runs, const std::vector<std::size_t>& which, bool accumulate,
            Eigen::MatrixXd& A, Eigen::VectorXd& cn, Eigen::MatrixXd& D) {
  if (which.empty()) return;
  const Index n = XT.cols();
  const Index d = XT.rows();
  const Index k = runs[which[0]].C.cols();
  const auto R = static_cast<Index>(which.size());
  A.resize(d, R * k);
  for (Index a = 0; a < R; ++a) A.middleCols(a * k, k) = runs[which[static_cast<std::size_t>(a)]].C;
  cn = A.colwise().squaredNorm().transpose();
  D.resize(R * k, block_size(R * k, d));
  std::vector<int> best_of(static_cast<std::size_t>(R * D.cols()));
  for (std::size_t w : which) {
    Run& run = runs[w];
    run.changed = false;
    if (accumulate) {
      run.sums.setZero(d, k);
      run.counts.assign(static_cast<std::size_t>(k), Index{0});
    }
  }
  for (Index bs = 0; bs < n; bs += D.cols()) {
    const Index bn = std::min(D.cols(), n - bs);
    gemm_dots_by_sample(A.data(), R * k, XT.col(bs).data(), bn, d, -2.0, D.data());
    block_argmins(D.data(), bn, cn.data(), R, k, bn, best_of.data());
    for (Index i = 0; i < bn; ++i) {
      const Index p = bs + i;
      const double* x = XT.col(p).data();
      for (Index a = 0; a < R; ++a) {
        Run& run = runs[which[static_cast<std::size_t>(a)]];
        const int best = best_of[static_cast<std::size_t>(i * R + a)];
        int& label = run.labels[static_cast<std::size_t>(p)];
        run.changed |= label != best;
        label = best;
        if (accumulate) {
          double* sum = run.sums.col(best).data();
          for (Index t = 0; t < d; ++t) sum[t] += x[t];
          ++run.counts[static_cast<std::size_t>(best)];
        }
      }
    }
  }
}

// sklearn's _kmeans_single_lloyd for every restart, side by side: each iteration assigns the
// samples of all the runs still going in one pass, then takes each run's M-step and stopping
// rule on its own.
void lloyd_all(const Eigen::MatrixXd& XT, std::vector<Run>& runs, int max_iter, double tol_abs) {
  const Index d = XT.rows();
  Eigen::MatrixXd A, D, C_new;
  Eigen::VectorXd cn;
  std::vector<std::size_t> going;
  for (std::size_t r = 0; r < runs.size(); ++r) going.push_back(r);
  while (!going.empty()) {
    assign(XT, runs, going, true, A, cn, D);
    std::vector<std::size_t> next;
    for (std::size_t r : going) {
      Run& run = runs[r];
      const Index k = run.C.cols();
      ++run.n_iter;
      relocate_empty(XT, run.C, run.labels, run.sums, run.counts);
      C_new.resize(d, k);
      double shift = 0.0;
      for (Index j = 0; j < k; ++j) {
        const Index cnt = run.counts[static_cast<std::size_t>(j)];
        if (cnt > 0)
          C_new.col(j) = run.sums.col(j) / static_cast<double>(cnt);
        else
          C_new.col(j) = run.C.col(j);  // still empty after relocation: stay put
        shift += (C_new.col(j) - run.C.col(j)).squaredNorm();
      }
      run.C.swap(C_new);
      if (!run.changed) {
        run.strict = run.done = true;
      } else if (shift <= tol_abs || run.n_iter >= max_iter) {
        run.done = true;
      } else {
        next.push_back(r);
      }
    }
    going.swap(next);
  }
  // The centers moved after the last assignment: relabel so labels match centers.
  std::vector<std::size_t> relabel;
  for (std::size_t r = 0; r < runs.size(); ++r)
    if (!runs[r].strict) relabel.push_back(r);
  assign(XT, runs, relabel, false, A, cn, D);

  for (Run& run : runs) {
    double inertia = 0.0;
    for (Index p = 0; p < XT.cols(); ++p)
      inertia += (XT.col(p) - run.C.col(run.labels[static_cast<std::size_t>(p)])).squaredNorm();
    run.inertia = inertia;
    run.sums.resize(0, 0);
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
  lloyd_all(XT, runs, params.max_iter, tol_abs);

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
