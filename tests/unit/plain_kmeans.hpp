#pragma once
// k-means written plainly, as the unit tests' oracle: restarts one after another, k-means++
// scores one candidate at a time over all the samples with exact squared differences, and every
// Lloyd iteration computes every proxy |c|^2 - 2 x.c of every point, each dot summed over the
// features in order (no GEMM, no blocking). cluster::kmeans computes the same values with
// OpenBLAS's GEMM, equal to these to rounding: its labels and iterations must equal these
// wherever no near-tie lets rounding decide (test_kmeans.cpp says which data). (vaesweep's
// k-means before the GEMMs, without its bounds.)
#include <Eigen/Dense>

#include <algorithm>
#include <cmath>
#include <cstddef>
#include <limits>
#include <numeric>
#include <random>
#include <vector>

#include "cluster/kmeans.hpp"
#include "util/rng.hpp"

namespace vaesweep::test {
namespace plain_kmeans_detail {

using Eigen::Index;
using namespace vaesweep::cluster;

// Greedy k-means++ as sklearn's _kmeans_plusplus: each new center is the best (lowest
// potential) of 2 + floor(ln k) candidates drawn with probability proportional to D^2.
// XT is d x n (one sample per column); returns d x k.
inline Eigen::MatrixXd kmeans_plusplus(const Eigen::MatrixXd& XT, int k, Rng& rng) {
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
  Eigen::VectorXd trial(n);
  Eigen::VectorXd best(n);
  for (int c = 1; c < k; ++c) {
    std::partial_sum(closest.data(), closest.data() + n, cum.begin());
    for (auto& id : cand) {
      const double r = unif(rng) * pot;
      // np.searchsorted (side="left"), clipped: rounding can put r past the last sum.
      id = std::min<Index>(std::lower_bound(cum.begin(), cum.end(), r) - cum.begin(), n - 1);
    }
    double best_pot = std::numeric_limits<double>::infinity();
    Index best_id = cand[0];
    for (Index id : cand) {
      trial = (XT.colwise() - XT.col(id)).colwise().squaredNorm().transpose().cwiseMin(closest);
      const double p = trial.sum();
      if (p < best_pot) {  // first minimum wins, as np.argmin
        best_pot = p;
        best_id = id;
        best.swap(trial);
      }
    }
    closest.swap(best);
    pot = best_pot;
    C.col(c) = XT.col(best_id);
  }
  return C;
}

// Every proxy |c|^2 - 2 x.c of every point, the dot summed over the features in order; the
// lowest wins, the lower index on ties.
inline void assign(const Eigen::MatrixXd& XT, const Eigen::MatrixXd& C, std::vector<int>& labels, Eigen::MatrixXd&) {
  const Eigen::VectorXd cn = C.colwise().squaredNorm().transpose();
  for (Index p = 0; p < XT.cols(); ++p) {
    int arg = 0;
    double best = std::numeric_limits<double>::infinity();
    for (Index l = 0; l < C.cols(); ++l) {
      double dot = C(0, l) * XT(0, p);
      for (Index t = 1; t < XT.rows(); ++t) dot += C(t, l) * XT(t, p);
      const double v = cn(l) - 2.0 * dot;
      if (v < best) {
        best = v;
        arg = static_cast<int>(l);
      }
    }
    labels[static_cast<std::size_t>(p)] = arg;
  }
}

// sklearn's _relocate_empty_clusters_dense: every empty cluster takes one of the points
// farthest from their (old) center; sums/counts are the M-step accumulators, updated in place.
inline void relocate_empty(const Eigen::MatrixXd& XT, const Eigen::MatrixXd& C_old, const std::vector<int>& labels,
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
inline bool same_clustering(const std::vector<int>& a, const std::vector<int>& b, int k) {
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
inline Run lloyd(const Eigen::MatrixXd& XT, Eigen::MatrixXd C, int max_iter, double tol_abs) {
  const Index n = XT.cols();
  const Index d = XT.rows();
  const Index k = C.cols();
  Run run;
  run.labels.assign(static_cast<std::size_t>(n), -1);
  std::vector<int> labels_old(static_cast<std::size_t>(n), -1);
  Eigen::MatrixXd scratch;
  Eigen::MatrixXd sums(d, k);
  Eigen::MatrixXd C_new(d, k);
  std::vector<Index> counts(static_cast<std::size_t>(k));

  bool strict = false;
  int it = 0;
  while (it < max_iter) {
    ++it;
    assign(XT, C, run.labels, scratch);
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
  if (!strict) assign(XT, C, run.labels, scratch);

  double inertia = 0.0;
  for (Index p = 0; p < n; ++p) inertia += (XT.col(p) - C.col(run.labels[static_cast<std::size_t>(p)])).squaredNorm();
  run.C = std::move(C);
  run.inertia = inertia;
  run.n_iter = it;
  return run;
}

}  // namespace plain_kmeans_detail

inline cluster::KMeansResult plain_kmeans(const Eigen::MatrixXd& X, const cluster::KMeansParams& params) {
  using namespace plain_kmeans_detail;
  const Index n = X.rows();
  // Centring (as sklearn) keeps |c|^2 - 2 x.c accurate when the data sit far from the origin.
  const Eigen::RowVectorXd mean = X.colwise().mean();
  const Eigen::MatrixXd XT = (X.rowwise() - mean).transpose();  // d x n: one sample per column
  const double mean_var = XT.squaredNorm() / static_cast<double>(n * XT.rows());
  const double tol_abs = params.tol == 0.0 ? 0.0 : params.tol * mean_var;

  Run best;
  bool have_best = false;
  for (int r = 0; r < params.n_init; ++r) {
    Rng rng(derive_seed(params.seed, {static_cast<std::uint64_t>(r)}));
    Run run = lloyd(XT, kmeans_plusplus(XT, params.k, rng), params.max_iter, tol_abs);
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


}  // namespace vaesweep::test
