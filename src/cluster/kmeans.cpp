#include "cluster/kmeans.hpp"

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
#include "util/rng.hpp"

namespace vaesweep::cluster {
namespace {

using Eigen::Index;

void validate(const Eigen::MatrixXd& X, const KMeansParams& p) {
  const Index n = X.rows();
  if (X.cols() < 1) throw UserError("kmeans: X has 0 features; expected at least 1");
  check_params(p, n);
  if (!X.allFinite()) {
    for (Index j = 0; j < X.cols(); ++j)
      for (Index i = 0; i < n; ++i)
        if (!std::isfinite(X(i, j)))
          throw UserError("kmeans: X(" + std::to_string(i) + ", " + std::to_string(j) + ") = " +
                          std::to_string(X(i, j)) + "; expected finite values");
  }
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

// out[i] = min(|x_i - c|^2, cap[i]) for samples i in [bs, bs + bn) of X (n x d, column-major:
// feature t of sample i at X[t * n + i]). Each squared distance is summed over the features in
// order, starting from the first term, which is what Eigen's colwise().squaredNorm() of a
// difference expression does (a scalar loop); four samples a vector, no fused multiply-add, so
// every clone and the scalar tail give those bits.
VAESWEEP_AVX2_CLONES
void capped_distances(const double* X, Index n, Index d, Index bs, Index bn, const double* c, const double* cap,
                      double* out) {
  Index i = bs;
  const Index end = bs + bn;
  for (; i + 4 <= end; i += 4) {
    v4d x;
    std::memcpy(&x, X + i, sizeof x);
    v4d diff = x - c[0];
    v4d acc = diff * diff;
    for (Index t = 1; t < d; ++t) {
      std::memcpy(&x, X + t * n + i, sizeof x);
      diff = x - c[t];
      acc += diff * diff;
    }
    v4d lim;
    std::memcpy(&lim, cap + i, sizeof lim);
    acc = lim < acc ? lim : acc;
    std::memcpy(out + i, &acc, sizeof acc);
  }
  for (; i < end; ++i) {
    double diff = X[i] - c[0];
    double acc = diff * diff;
    for (Index t = 1; t < d; ++t) {
      diff = X[t * n + i] - c[t];
      acc += diff * diff;
    }
    out[i] = std::min(acc, cap[i]);
  }
}

// Samples per block of the k-means++ candidates' distances: a block of d x 512 doubles stays in
// the L2 cache while every candidate reads it.
constexpr Index kSeedBlock = 512;

// Greedy k-means++ as sklearn's _kmeans_plusplus: each new center is the best (lowest
// potential) of 2 + floor(ln k) candidates drawn with probability proportional to D^2.
// XT is d x n (one sample per column) and Xc the same samples n x d; returns d x k.
Eigen::MatrixXd kmeans_plusplus(const Eigen::MatrixXd& XT, const Eigen::MatrixXd& Xc, int k, Rng& rng) {
  const Index n = XT.cols();
  const int n_local_trials = 2 + static_cast<int>(std::log(static_cast<double>(k)));
  Eigen::MatrixXd C(XT.rows(), k);

  const Index first = std::uniform_int_distribution<Index>(0, n - 1)(rng);
  C.col(0) = XT.col(first);
  Eigen::VectorXd closest = (XT.colwise() - XT.col(first)).colwise().squaredNorm().transpose();
  double pot = closest.sum();

  std::uniform_real_distribution<double> unif(0.0, 1.0);
  std::vector<double> cum(static_cast<std::size_t>(n));
  std::vector<Index> cand(static_cast<std::size_t>(n_local_trials));
  // trials[t]: the squared distances to the nearest centre were candidate t added. The
  // candidates' distances are computed together, a block of samples at a time, so each block is
  // read once for all candidates; every value is the operation of Eigen's (XT.colwise() -
  // c).colwise().squaredNorm() and every sum the same .sum() of its own aligned vector, as when
  // the candidates were scored one after another over all the samples.
  std::vector<Eigen::VectorXd> trials(static_cast<std::size_t>(n_local_trials), Eigen::VectorXd(n));
  for (int c = 1; c < k; ++c) {
    std::partial_sum(closest.data(), closest.data() + n, cum.begin());
    for (auto& id : cand) {
      const double r = unif(rng) * pot;
      // np.searchsorted (side="left"), clipped: rounding can put r past the last sum.
      id = std::min<Index>(std::lower_bound(cum.begin(), cum.end(), r) - cum.begin(), n - 1);
    }
    for (Index bs = 0; bs < n; bs += kSeedBlock) {
      const Index bn = std::min(kSeedBlock, n - bs);
      for (std::size_t t = 0; t < cand.size(); ++t)
        capped_distances(Xc.data(), n, Xc.cols(), bs, bn, XT.col(cand[t]).data(), closest.data(), trials[t].data());
    }
    double best_pot = std::numeric_limits<double>::infinity();
    std::size_t best_t = 0;
    for (std::size_t t = 0; t < cand.size(); ++t) {
      const double p = trials[t].sum();
      if (p < best_pot) {  // first minimum wins, as np.argmin
        best_pot = p;
        best_t = t;
      }
    }
    closest.swap(trials[best_t]);
    pot = best_pot;
    C.col(c) = XT.col(cand[best_t]);
  }
  return C;
}

// out[l] = x.c_l for the k centres of Ck (k x d, column-major: centre l's feature t at
// Ck[t * k + l]), each dot summed over the features in order, four centres a vector: every
// lane does the scalar loop's operations (no fused multiply-add), so every clone and the
// scalar tail give the same bits.
VAESWEEP_AVX2_CLONES
void centre_dots(const double* Ck, Index k, const double* x, Index d, double* out) {
  Index l = 0;
  for (; l + 4 <= k; l += 4) {
    v4d acc;
    std::memcpy(&acc, Ck + l, sizeof acc);
    acc *= x[0];
    for (Index t = 1; t < d; ++t) {
      v4d c;
      std::memcpy(&c, Ck + t * k + l, sizeof c);
      acc += c * x[t];
    }
    std::memcpy(out + l, &acc, sizeof acc);
  }
  for (; l < k; ++l) {
    double acc = Ck[l] * x[0];
    for (Index t = 1; t < d; ++t) acc += Ck[t * k + l] * x[t];
    out[l] = acc;
  }
}

// min over l in [0, k) of a[l] - b[l]. Each difference is the scalar one and a minimum does not
// depend on the order it is taken in, so this equals the plain loop's result; four running
// minima break the loop's dependency chain.
inline double min_difference(const double* a, const double* b, Index k) {
  constexpr double inf = std::numeric_limits<double>::infinity();
  double m0 = inf, m1 = inf, m2 = inf, m3 = inf;
  Index l = 0;
  for (; l + 4 <= k; l += 4) {
    m0 = std::min(m0, a[l] - b[l]);
    m1 = std::min(m1, a[l + 1] - b[l + 1]);
    m2 = std::min(m2, a[l + 2] - b[l + 2]);
    m3 = std::min(m3, a[l + 3] - b[l + 3]);
  }
  for (; l < k; ++l) m0 = std::min(m0, a[l] - b[l]);
  return std::min(std::min(m0, m1), std::min(m2, m3));
}

// The assignment step. A point goes to the centre of the lowest proxy |c|^2 - 2 x.c (ties to
// the lower index), the dot summed over the features in order (centre_dots), so a point's
// proxies do not depend on which other points or centres are computed with it.
//
// Bounds skip most points once the centres settle: an upper bound on the distance to the
// point's own centre, a lower bound on its distance to each other centre (Elkan) and one on its
// distance to the nearest other centre (Hamerly), each moved by how far the centres moved since
// it was set. They are stored against each centre's summed displacement, so moving them costs
// nothing until a point is looked at: the Hamerly test first (O(1)), then the Elkan bounds (O(k)),
// then the own centre's proxy to tighten the upper bound (O(d)), and only then all k proxies.
// A point is skipped only when, for every other centre, lower^2 - upper^2 exceeds a bound on two
// proxies' rounding errors, so every label is exactly the one computing all the proxies would
// give. Memory: k + 2 doubles a point.
class Assigner {
 public:
  Assigner(const Eigen::MatrixXd& XT, Index k)
      : XT_(XT), k_(k), xs_(XT.colwise().squaredNorm().transpose()), upper_base_(XT.cols()),
        nearest_base_(XT.cols()), lower_base_(k, XT.cols()), Ck_(k, XT.rows()), cn_(k),
        travelled_(Eigen::VectorXd::Zero(k)), proxies_(k), lower_(k),
        // The proxies' rounding error is below (2d + 2) eps (|x|^2 + 2 max|c|^2) (a dot product of d
        // terms, a squared norm, a subtraction); 32x that leaves room for the bounds' own arithmetic.
        err_(32.0 * static_cast<double>(2 * XT.rows() + 2) * std::numeric_limits<double>::epsilon()) {}

  // Labels for the centres C (d x k). After the first call, the bounds account for the centres'
  // displacement from the previous call's centres.
  void assign(const Eigen::MatrixXd& C, std::vector<int>& labels) {
    const Index n = XT_.cols();
    Ck_ = C.transpose();
    cn_ = C.colwise().squaredNorm().transpose();
    const double cmax2 = cn_.maxCoeff();
    if (have_bounds_) {
      double largest = 0;
      for (Index l = 0; l < k_; ++l) {
        // (1 + 1e-12): the norm's and the running sums' rounding, on the safe side.
        const double moved = (C.col(l) - C_prev_.col(l)).norm() * (1.0 + 1e-12);
        travelled_(l) += moved;
        largest = std::max(largest, moved);
      }
      largest_travelled_ += largest;
    }
    for (Index p = 0; p < n; ++p) {
      // A bound on the rounding errors of two proxies of this point.
      const double margin = 2.0 * err_ * (xs_(p) + 2.0 * cmax2);
      int& label = labels[static_cast<std::size_t>(p)];
      if (have_bounds_ && keeps_centre(p, label, margin)) continue;
      compute(p, label, margin);
    }
    C_prev_ = C;
    have_bounds_ = true;
  }

 private:
  static bool clear(double nearest_other, double upper, double margin) {
    return nearest_other > upper && (nearest_other - upper) * (nearest_other + upper) > margin;
  }

  // True when no other centre can come closer to p than its own.
  bool keeps_centre(Index p, int own, double margin) {
    double upper = upper_base_(p) + travelled_(own);
    if (clear(nearest_base_(p) - largest_travelled_, upper, margin)) return true;  // Hamerly
    // The own centre's entry is infinite (see compute), so the minimum is over the others.
    const double nearest_other = min_difference(lower_base_.col(p).data(), travelled_.data(), k_);
    nearest_base_(p) = nearest_other + largest_travelled_;  // the tighter one, from now on
    if (clear(nearest_other, upper, margin)) return true;  // Elkan
    const double* x = XT_.col(p).data();
    const Index d = XT_.rows();
    double dot = Ck_(own, 0) * x[0];  // centre_dots' operations for one centre
    for (Index t = 1; t < d; ++t) dot += Ck_(own, t) * x[t];
    upper = upper_bound(cn_(own) - 2.0 * dot, p, margin);
    upper_base_(p) = upper - travelled_(own);
    return clear(nearest_other, upper, margin);
  }

  // All of p's proxies: its label and fresh bounds.
  void compute(Index p, int& label, double margin) {
    centre_dots(Ck_.data(), k_, XT_.col(p).data(), XT_.rows(), proxies_.data());
    int best = 0;
    double f_best = std::numeric_limits<double>::infinity();
    for (Index l = 0; l < k_; ++l) {
      proxies_(l) = cn_(l) - 2.0 * proxies_(l);
      if (proxies_(l) < f_best) {  // first minimum wins
        f_best = proxies_(l);
        best = static_cast<int>(l);
      }
    }
    label = best;
    upper_base_(p) = upper_bound(f_best, p, margin) - travelled_(best);
    // |x - c| >= sqrt(proxy + |x|^2 - its rounding error).
    lower_ = ((proxies_.array() + (xs_(p) - margin)).max(0.0).sqrt() * (1.0 - 1e-12)).matrix();
    // No bound is kept for the own centre (infinite, so every minimum skips it without a test).
    lower_(best) = std::numeric_limits<double>::infinity();
    const double nearest_other = lower_.minCoeff();
    lower_base_.col(p) = lower_ + travelled_;
    nearest_base_(p) = nearest_other + largest_travelled_;
  }

  // The distance |x - c| is sqrt(proxy + |x|^2) up to the proxy's rounding error.
  double upper_bound(double proxy, Index p, double margin) const {
    return std::sqrt(std::max(0.0, proxy + xs_(p) + margin)) * (1.0 + 1e-12);
  }

  const Eigen::MatrixXd& XT_;
  Index k_;
  Eigen::VectorXd xs_;  // |x|^2 per point
  // The bounds, stored against the distance the centres have travelled so far: p's upper bound
  // is upper_base_(p) + travelled_(own), its lower bound for centre l != own lower_base_(l, p) -
  // travelled_(l), its lower bound for the nearest other centre nearest_base_(p) -
  // largest_travelled_ (the sum over calls of the largest displacement).
  Eigen::VectorXd upper_base_, nearest_base_;
  Eigen::MatrixXd lower_base_;  // k x n
  Eigen::MatrixXd Ck_;          // k x d: the centres, one per row, for centre_dots
  Eigen::VectorXd cn_, travelled_, proxies_, lower_;
  double largest_travelled_ = 0;
  Eigen::MatrixXd C_prev_;
  bool have_bounds_ = false;
  double err_;
};

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

struct Run {
  std::vector<int> labels;
  Eigen::MatrixXd C;  // d x k, in centred coordinates
  double inertia = 0;
  int n_iter = 0;
};

// sklearn's _kmeans_single_lloyd.
Run lloyd(const Eigen::MatrixXd& XT, Eigen::MatrixXd C, int max_iter, double tol_abs) {
  const Index n = XT.cols();
  const Index d = XT.rows();
  const Index k = C.cols();
  Run run;
  run.labels.assign(static_cast<std::size_t>(n), -1);
  std::vector<int> labels_old(static_cast<std::size_t>(n), -1);
  Assigner assigner(XT, k);
  Eigen::MatrixXd sums(d, k);
  Eigen::MatrixXd C_new(d, k);
  std::vector<Index> counts(static_cast<std::size_t>(k));

  bool strict = false;
  int it = 0;
  while (it < max_iter) {
    ++it;
    assigner.assign(C, run.labels);
    sums.setZero();
    std::fill(counts.begin(), counts.end(), Index{0});
    for (Index p = 0; p < n; ++p) {
      const int l = run.labels[static_cast<std::size_t>(p)];
      sums.col(l) += XT.col(p);
      ++counts[static_cast<std::size_t>(l)];
    }
    relocate_empty(XT, C, run.labels, sums, counts);
    double shift = 0.0;
    for (Index j = 0; j < k; ++j) {
      const Index cnt = counts[static_cast<std::size_t>(j)];
      if (cnt > 0)
        C_new.col(j) = sums.col(j) / static_cast<double>(cnt);
      else
        C_new.col(j) = C.col(j);  // still empty after relocation: stay put
      shift += (C_new.col(j) - C.col(j)).squaredNorm();
    }
    C.swap(C_new);
    if (run.labels == labels_old) {
      strict = true;
      break;
    }
    if (shift <= tol_abs) break;
    labels_old = run.labels;
  }
  // The centers moved after the last assignment: relabel so labels match centers.
  if (!strict) assigner.assign(C, run.labels);

  double inertia = 0.0;
  for (Index p = 0; p < n; ++p) inertia += (XT.col(p) - C.col(run.labels[static_cast<std::size_t>(p)])).squaredNorm();
  run.C = std::move(C);
  run.inertia = inertia;
  run.n_iter = it;
  return run;
}

}  // namespace

KMeansResult kmeans(const Eigen::MatrixXd& X, const KMeansParams& params) {
  validate(X, params);
  const Index n = X.rows();
  // Centring (as sklearn) keeps |c|^2 - 2 x.c accurate when the data sit far from the origin.
  const Eigen::RowVectorXd mean = X.colwise().mean();
  const Eigen::MatrixXd Xc = X.rowwise() - mean;  // n x d: the seeding reads a feature of many samples
  const Eigen::MatrixXd XT = Xc.transpose();        // d x n: one sample per column
  const double mean_var = XT.squaredNorm() / static_cast<double>(n * XT.rows());
  const double tol_abs = params.tol == 0.0 ? 0.0 : params.tol * mean_var;

  Run best;
  bool have_best = false;
  for (int r = 0; r < params.n_init; ++r) {
    Rng rng(derive_seed(params.seed, {static_cast<std::uint64_t>(r)}));
    Run run = lloyd(XT, kmeans_plusplus(XT, Xc, params.k, rng), params.max_iter, tol_abs);
    if (!have_best || (run.inertia < best.inertia && !same_clustering(run.labels, best.labels, params.k))) {
      best = std::move(run);
      have_best = true;
    }
  }

  KMeansResult out;
  out.labels = std::move(best.labels);
  out.centers = best.C.transpose().rowwise() + mean;
  out.inertia = best.inertia;
  out.n_iter = best.n_iter;
  return out;
}

}  // namespace vaesweep::cluster
