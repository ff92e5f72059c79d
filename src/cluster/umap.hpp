#pragma once
// UMAP (McInnes, Healy & Melville 2018) after umap-learn 0.5's UMAP(...).fit_transform(X) with
// the euclidean metric: exact k nearest neighbours (the sample itself first, as umap-learn),
// smooth_knn_dist, the fuzzy simplicial set (fuzzy union of the directed kNN graph), spectral
// initialisation of the normalised Laplacian (Spectra's Lanczos solver), a and b fitted to
// min_dist/spread as find_ab_params, and umap-learn's SGD layout (epochs_per_sample, negative
// sampling, linearly decaying learning rate, gradients clipped at 4, the first endpoint of an
// edge moved towards the second and the second towards the first).
//
// Single-threaded and deterministic: the result depends only on (X, params). It is not
// umap-learn's embedding for the same seed (different random generator, no numba
// parallelism, double instead of float32 coordinates); what matches is the algorithm, and the
// quality that follows from it.
//
// Deviations from umap-learn, all deliberate:
//  - Nearest neighbours are exact (blocked brute force, O(n k) memory, fine up to ~20k
//    samples); umap-learn switches to approximate NN-descent above 4096 samples.
//  - A graph with several connected components is laid out like umap-learn's
//    multi_component_layout (each component spectrally, around a meta position), except that
//    with more than 2 * n_components components the meta positions are the component
//    centroids projected on their first principal axes (umap-learn embeds them spectrally
//    with affinities exp(-d^2), which all underflow to 0 once components are a few units
//    apart).
//  - When the eigensolver does not converge the layout starts from uniform random positions
//    (umap-learn does the same, with a warning); UmapResult::spectral_init says which.
#include <Eigen/Dense>
#include <Eigen/SparseCore>
#include <cstdint>
#include <string_view>

namespace vaesweep::cluster {

enum class UmapInit { spectral, random };


struct UmapParams {
  int n_components = 2;               // output dimension, 1 <= n_components < n
  int n_neighbors = 15;               // kNN graph size, the sample itself included (as
                                      // umap-learn); 2 <= n_neighbors < n
  double min_dist = 0.1;              // 0 <= min_dist <= spread
  double spread = 1.0;                // > 0
  int n_epochs = 0;                   // SGD epochs (>= 1), or 0: 500 when n <= 10000, else 200
  double learning_rate = 1.0;         // initial SGD step (> 0), decays linearly towards 0
  double negative_sample_rate = 5.0;  // negative samples per positive one (>= 0)
  double repulsion_strength = 1.0;    // gamma, weight of the negative samples (>= 0)
  double local_connectivity = 1.0;    // neighbours assumed connected (>= 0): rho is the
                                      // distance to this (interpolated) nearest neighbour
  double set_op_mix_ratio = 1.0;      // in [0, 1]: 1 is fuzzy union, 0 fuzzy intersection
  UmapInit init = UmapInit::spectral;
  std::uint64_t seed = 0;             // init noise: Rng(derive_seed(seed, {0})); SGD negative
                                      // sampling: Rng(derive_seed(seed, {1}))
};

struct UmapResult {
  Eigen::MatrixXd embedding;           // n x n_components
  Eigen::SparseMatrix<double> graph;   // n x n fuzzy simplicial set, symmetric, no diagonal
                                       // (umap-learn's graph_, before the per-epoch pruning)
  double a = 0;                        // curve 1 / (1 + a d^(2b)) used by the layout
  double b = 0;
  int n_epochs = 0;                    // epochs actually run
  int n_graph_components = 0;          // connected components of the pruned graph
  bool spectral_init = false;          // true when every component started from eigenvectors
};

// X is n x d (rows are samples), finite, n >= 3 (as n_neighbors >= 2 and n_neighbors < n).
// Invalid parameters, empty or non-finite X throw vaesweep::UserError.
UmapResult umap(const Eigen::MatrixXd& X, const UmapParams& params);

// umap-learn's find_ab_params: the least-squares fit (from a = b = 1) of 1 / (1 + a x^(2b)) to
// 1 for x < min_dist and exp(-(x - min_dist) / spread) beyond, on 300 points evenly spaced in
// [0, 3 spread]. For the defaults a = 1.5769, b = 0.8951. Throws vaesweep::UserError unless
// spread > 0 and 0 <= min_dist <= spread.
struct UmapCurve {
  double a = 0;
  double b = 0;
};
UmapCurve find_ab_params(double spread, double min_dist);

// Exact k nearest neighbours of every sample of X (n x d, finite, 1 <= k <= n), the sample
// itself first (distance 0, even when it has duplicates), then its k - 1 nearest others as
// neighbours::nearest_others gives them (increasing euclidean distance, lower index first on
// ties; distances are the square roots of its squared distances). O(n k) memory.
struct KnnGraph {
  Eigen::MatrixXi indices;    // n x k
  Eigen::MatrixXd distances;  // n x k, euclidean (not squared)
};
KnnGraph exact_knn(const Eigen::MatrixXd& X, int k);

}  // namespace vaesweep::cluster
