#pragma once
// k-means with scikit-learn 1.2's algorithm (KMeans(init="k-means++", algorithm="lloyd")):
// greedy k-means++ seeding, Lloyd iterations with sklearn's stopping rule and empty-cluster
// relocation, n_init restarts of which the lowest inertia wins (the earliest on ties).
//
// Seeding: the k-means++ candidates of every restart are scored side by side, one OpenBLAS GEMM
// a block of samples (|x|^2 + |c|^2 - 2 x.c, clipped at 0, sklearn's euclidean_distances).
// Lloyd iterations, one restart after another: each assignment takes the proxies |c|^2 - 2 x.c
// of the restart's centres from a GEMM a block of samples (as sklearn's
// _lloyd_iter_chunked_dense), but only for the samples whose Hamerly bounds (an upper bound on
// the distance to their centre, a lower bound on the distance to every other, kept per sample
// and widened by the centres' steps and by the proxies' rounding) cannot prove that the proxies
// would pick their centre again; the others keep their label, which is the one the proxies give.
// The M-step sums only the centres whose samples changed (the same additions in the same order).
// A restart's random draws, M-step, relocation, stopping rule and inertia are its own, computed
// as before. The GEMM sums each dot in its kernel's order with fused multiply-adds, so distances
// and proxies equal a plain loop's to rounding (~1e-16 relative), not to the bit: a result can
// differ from the plain algorithm's (tests/unit/plain_kmeans.hpp) only where rounding decides, a
// point whose two nearest centres, or two k-means++ candidates whose potentials, lie within
// rounding of each other. Labels and iterations equal the plain algorithm's on the test data
// (the bounds included: tests/unit/test_kmeans.cpp), results files of the studies compared are
// unchanged (bench/README.md, k-means' third round), and results depend on the BLAS's kernels
// (OPENBLAS_CORETYPE) as the batched training engine's do. Threads: the GEMMs are sized to stay
// single-threaded in OpenBLAS (below its threading threshold) when the centres allow; results do
// not depend on the thread count either way. Memory: O(n (d + n_init)) (the seeding's nearest
// distances of every restart; a restart's labels and bounds; the GEMM blocks are bounded).
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
