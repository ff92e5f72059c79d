#pragma once
// Spectral clustering as scikit-learn 1.2's SpectralClustering(assign_labels="kmeans"):
// an affinity graph (k-nearest-neighbour connectivity or a dense RBF kernel), the spectral
// embedding of its normalised Laplacian (sklearn's spectral_embedding with norm_laplacian=True,
// drop_first=False), then k-means on the rows of the embedding. Single-threaded, like kmeans.
//
// The embedding, in sklearn's terms: with A the affinity and D the degrees (self-loops are not
// counted, as scipy's csgraph.laplacian), L = I - D^-1/2 A D^-1/2; its k eigenvectors of the
// smallest eigenvalues, each divided elementwise by sqrt(degree) and sign-flipped so that its
// entry of largest magnitude is positive, are the k columns of the embedding.
//
// How it is computed (differences from sklearn are in the basis of degenerate eigenspaces only):
//  - The connected components of the graph are found first. Each component c with volume
//    vol_c > 0 gives an exact null vector of L, D^1/2 1_c / sqrt(vol_c), written down directly
//    (its embedding column is 1_c / sqrt(vol_c)). sklearn's ARPACK returns an arbitrary,
//    sometimes incomplete, basis of this degenerate null space; here it is exact, so c
//    separated groups with k = c land on c distinct points of the embedding.
//  - The remaining k - c eigenvectors are the largest eigenvalues of the positive operator
//    P (2I + D^-1/2 A D^-1/2) P (P projects out the null vectors above; its spectrum is the
//    other eigenvalues of L mapped to [1, 3], the null space to 0): dense Eigen for small n,
//    Spectra's implicitly restarted Lanczos with a sparse (k-NN) or dense (RBF) product above.
//    Lanczos that has not converged is retried with a larger subspace (twice), then replaced
//    by the dense solver when n <= 2000; beyond that std::runtime_error is thrown (never
//    triggered in the tests and benchmarks: k-NN graphs of blobs up to n = 20000 converge in
//    ~100 operator applications). Like ARPACK, Lanczos may miss a copy of an exactly repeated
//    non-trivial eigenvalue (symmetric toy graphs) and return the next eigenvalue instead.
//  - RBF: affinities with A_ij / sqrt(d_i d_j) < 1e-10 are set to 0 (then degrees are
//    recomputed), so that groups the kernel separates only numerically (exp(-gamma r^2)
//    underflowing) become separate components with exact null vectors, instead of an
//    eigenvalue cluster at 0 that no eigensolver resolves. Points whose affinities are all 0
//    are isolated: scipy's convention (degree taken as 1, L_ii = 1).
//  - When the graph has more components than k, the k largest by volume (then lowest first
//    point) are used and points of the others get the embedding row 0; sklearn's answer is an
//    arbitrary subspace there.
#include <array>
#include <Eigen/Dense>
#include <cstdint>
#include <memory>
#include <string_view>
#include <vector>

#include "util/named.hpp"

namespace vaesweep::cluster {

enum class SpectralAffinity {
  nearest_neighbors,  // kneighbors_graph(include_self=True), symmetrised 0.5 (C + C^T)
  rbf,                // exp(-gamma |x_i - x_j|^2), dense (n^2 memory): modest n only
};

enum class SpectralEigenSolver {
  automatic,  // dense when n <= 200, else Lanczos (Lanczos is ~100x faster already at n = 300)
  dense,      // Eigen::SelfAdjointEigenSolver on the n x n operator (O(n^3) time, n^2 memory:
              // ~1 s at n = 800, ~12 s at n = 2000)
  lanczos,    // Spectra::SymEigsSolver on the sparse (k-NN) or dense (RBF) operator
};

inline constexpr std::array<Named<SpectralAffinity>, 2> kSpectralAffinityNames = {
    {{SpectralAffinity::nearest_neighbors, "nearest_neighbors"}, {SpectralAffinity::rbf, "rbf"}}};
// A name of kSpectralAffinityNames; anything else throws vaesweep::UserError listing them.
SpectralAffinity parse_spectral_affinity(std::string_view name);

struct SpectralParams {
  int k = 8;  // clusters and embedding dimensions (n_clusters); 1 <= k <= n
  SpectralAffinity affinity = SpectralAffinity::nearest_neighbors;  // sklearn's default is
                                                                      // rbf; ours is the one
                                                                      // that scales
  int n_neighbors = 10;  // k-NN affinity: neighbours per point, the point itself included
                         // (include_self=True); 2 <= n_neighbors < n
  double gamma = 1.0;    // RBF affinity: kernel coefficient (> 0, finite)
  int rbf_max_n = 5000;  // RBF affinity: larger n throws UserError (the kernel is n x n)
  SpectralEigenSolver eigen_solver = SpectralEigenSolver::automatic;
  double eigen_tol = 1e-8;  // Lanczos: residual |Bx - theta x| < eigen_tol * theta (> 0)
  int n_init = 10;          // k-means restarts on the embedding (as sklearn)
  std::uint64_t seed = 0;   // k-means on the embedding uses derive_seed(seed, {kSpectralKMeansStream})
};

inline constexpr std::uint64_t kSpectralKMeansStream = 0x5350454b4d45414eULL;  // "SPEKMEAN"

struct SpectralResult {
  std::vector<int> labels;      // n entries in [0, k)
  Eigen::MatrixXd embedding;    // n x k: the rows that were clustered
  Eigen::VectorXd eigenvalues;  // the k eigenvalues of L (ascending) of the columns
  int n_components = 0;         // connected components of the affinity graph
  bool lanczos = false;         // Lanczos (not the dense solver) gave the non-trivial columns
  int eigen_operations = 0;     // operator applications by Lanczos (0 otherwise)
};

// X is n x d (rows are samples), finite. Invalid parameters, non-finite or empty X throw
// vaesweep::UserError. The result depends only on (X, params).
//
// k-NN search is neighbours::nearest_others (exact blocked brute force, O(n^2 d) time, O(n)
// memory beyond the graph; its distance and tie rule are stated in neighbours/exact_knn.hpp).
// Each point's neighbour set is itself plus its n_neighbors - 1 nearest other points, lower
// index first on equal distances
// (sklearn returns the point itself among the neighbours only when no duplicate of it ties;
// self-loops do not enter the Laplacian either way).
//
// All points identical: every label is 0, the embedding's first column is the constant
// null vector and its other columns are 0, eigenvalues are (0, 1, ..., 1). (Any partition is
// as good as any other there; sklearn returns an arbitrary one.)
SpectralResult spectral_clustering(const Eigen::MatrixXd& X, const SpectralParams& params);

// The affinity graph of X (normalised, with its degrees): it depends on X and the affinity
// parameters (affinity, n_neighbors, gamma) only, not on k or the seed, so a caller clustering
// one space at several k builds it once. Checks X and params as spectral_clustering() does.
struct SpectralGraph;
std::shared_ptr<const SpectralGraph> spectral_graph(const Eigen::MatrixXd& X, const SpectralParams& params);

// spectral_clustering(X, params) on a graph already built: `graph` must come from
// spectral_graph() on the same X with the same affinity parameters (nullptr: built here). The
// result is the same, bit for bit.
SpectralResult spectral_clustering(const Eigen::MatrixXd& X, const SpectralParams& params, const SpectralGraph* graph);

// The parameter ranges spectral_clustering() checks, for n samples, without the data
// (vaesweep::UserError as spectral_clustering()).
void check_params(const SpectralParams& params, Eigen::Index n);

}  // namespace vaesweep::cluster
