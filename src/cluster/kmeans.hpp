#pragma once
// k-means with scikit-learn 1.2's algorithm (KMeans(init="k-means++", algorithm="lloyd")):
// greedy k-means++ seeding, Lloyd iterations with sklearn's stopping rule and empty-cluster
// relocation, n_init restarts of which the lowest inertia wins. Single-threaded on purpose:
// sweeps run many of these side by side.
//
// Lloyd's assignment compares the proxies |c|^2 - 2 x.c, each dot summed over the features in
// order, and skips the points whose centre cannot have changed (Elkan's and Hamerly's bounds,
// with a margin over the proxies' rounding error): the labels are exactly those of computing
// every proxy every iteration (tests/unit/plain_kmeans.hpp, checked bit for bit). Before the
// bounds the proxies came from a GEMM, whose summation order depends on a centre's position
// in the GEMM's blocks; the two can differ only for a point whose two nearest centres lie
// within rounding (~1e-16 relative) of each other, and no compared study has one (results
// files bit-identical). Memory: O(n (d + k)).
#include <Eigen/Dense>
#include <cstdint>
#include <vector>

namespace vaesweep::cluster {

struct KMeansParams {
  int k = 8;              // number of clusters; 1 <= k <= n (as sklearn)
  int n_init = 10;        // restarts (>= 1); the lowest inertia wins, the earliest on ties
  int max_iter = 300;     // Lloyd iterations per restart (>= 1)
  double tol = 1e-4;      // (>= 0) stop when the summed squared center shift is at most
                          // tol * (mean per-feature variance of X), as sklearn
  std::uint64_t seed = 0; // restart r draws from Rng(derive_seed(seed, {r}))
};

struct KMeansResult {
  std::vector<int> labels;  // n entries in [0, k)
  Eigen::MatrixXd centers;  // k x d
  double inertia = 0;       // sum of squared distances of samples to their center
  int n_iter = 0;           // Lloyd iterations of the winning restart
};

// X is n x d (rows are samples), finite. Invalid parameters or non-finite X throw
// vaesweep::UserError. The result depends only on (X, params).
//
// Empty clusters are relocated like sklearn: each takes one of the points farthest from their
// current center (farthest first, lower index on ties; sklearn's argpartition leaves that
// order unspecified). When X has fewer distinct points than k nothing can be relocated, so
// some clusters stay empty (no label points to them) and keep their last center, where sklearn
// moves them elsewhere (the origin or the largest cluster, by release); sklearn warns here,
// this returns quietly and callers count the distinct labels.
KMeansResult kmeans(const Eigen::MatrixXd& X, const KMeansParams& params);

// The parameter ranges kmeans() checks, for n samples, without the data: lets a caller fail
// before expensive work that precedes the clustering (vaesweep::UserError as kmeans()).
void check_params(const KMeansParams& params, Eigen::Index n);

}  // namespace vaesweep::cluster
