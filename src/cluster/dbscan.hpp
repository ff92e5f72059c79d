#pragma once
// DBSCAN with scikit-learn 1.2's semantics (sklearn.cluster.DBSCAN(eps, min_samples),
// metric "euclidean"):
//  - the neighbourhood of a sample is every sample within distance eps, inclusive (squared
//    distances summed feature by feature in double and compared with eps^2), the sample itself
//    included;
//  - a sample is core when its neighbourhood has at least min_samples samples;
//  - clusters are the connected components of core samples (two cores are connected when
//    they are neighbours), numbered in the order of their lowest core sample index, as sklearn
//    grows them from core samples in index order;
//  - a non-core sample with a core neighbour is a border sample and joins the lowest-numbered
//    cluster among its core neighbours' clusters, which is the one sklearn's depth-first growth
//    reaches first; others are noise (label -1).
// So labels equal sklearn's (cluster numbers included) unless a distance lies within rounding
// of eps (sklearn's brute-force path for more than 15 features uses |x|^2 + |y|^2 - 2 x.y).
//
// Neighbour search: a ball tree over the samples (median splits on the widest feature, leaves
// of at most 32 samples, each node with its centroid and radius). Pairs of leaves whose balls
// are farther apart than eps are skipped, pairs entirely within eps are counted without
// distances, and single samples are checked against a leaf's ball before their exact
// distances to its samples are computed. Memory is O(n d) (the reordered copy of X) plus
// O(n): neighbourhoods are never stored, unlike sklearn's. Three passes: core flags (a pair
// is only counted while one of its samples has fewer than min_samples neighbours so far; with
// eps "auto" the k-distances already computed on the same tree give them, so this pass is
// skipped: a sample is core exactly when its k-th squared distance, the same computed number,
// is <= eps^2),
// core components (union-find, skipping leaf pairs whose cores are already connected), border
// samples. Distances are computed four samples against a leaf at a time (an AVX2 clone is
// picked at run time where the CPU has it; same bits). Worst case (no structure) O(n^2 d)
// time. Measured on one core, 16-D blobs with 10 centres, n = 10000 / 20000: 0.04 / 0.11 s,
// where sklearn's DBSCAN takes 0.38 / 1.5 s CPU and a single blocked brute-force counting
// pass with Eigen's GEMM 0.5 / 2.3 s; uniform 16-D noise, all samples noise: 0.2 / 0.74 s
// (sklearn 0.35 / 1.4 s).
#include <Eigen/Dense>
#include <cstdint>
#include <optional>
#include <vector>

#include "cluster/nearest_squared.hpp"

namespace vaesweep::cluster {

struct DbscanParams {
  // Neighbourhood radius: finite and > 0 (sklearn's default 0.5), or std::nullopt for "auto",
  // the knee of the sorted k-distance curve with k = min(min_samples, n) (see
  // knee_of_k_distances); the k-nearest search costs more than the clustering itself in high
  // dimension (0.23 s of 0.34 s for 20000 samples in 16-D).
  std::optional<double> eps = 0.5;
  int min_samples = 5;  // >= 1; the sample itself counts (sklearn's default 5)
};

struct DbscanResult {
  std::vector<int> labels;            // n entries: cluster in [0, n_clusters), or -1 for noise
  std::vector<std::uint8_t> is_core;  // n entries: 1 for core samples
  int n_clusters = 0;
  double noise_fraction = 0;  // share of samples labelled -1
  double eps = 0;             // the radius used (the knee's when params.eps is "auto")
};

// X is n x d (rows are samples), n >= 1, d >= 1, finite with |X| below 1e150 (squared distances
// must not overflow); otherwise vaesweep::UserError, as for eps <= 0 or non-finite, and
// min_samples < 1. All samples identical: one cluster of core samples when n >= min_samples,
// else all noise (sklearn's result for any eps). The result depends only on (X, params).
// nearest (optional): X's k-nearest squared distances with k = min(min_samples, n), collected
// elsewhere (agglomerative()'s distance fill); with eps "auto" they replace the k-nearest search
// (the same numbers, so the same result). Ignored when its k differs or it is uncollected.
DbscanResult dbscan(const Eigen::MatrixXd& X, const DbscanParams& params, const NearestSquared* nearest = nullptr);

// The parameter ranges dbscan() checks, without the data (vaesweep::UserError as dbscan()).
void check_params(const DbscanParams& params);

// For every sample, the distance to its k-th nearest sample, the sample itself counting as the
// first (distance 0), as sklearn's NearestNeighbors(n_neighbors=k).fit(X).kneighbors(X)
// reports in its last column. Computed on the ball tree above, not by neighbours::nearest_others
// (the tree pays here: the same tree then serves the clustering), but the numbers are that
// module's: its (k - 1)-th nearest other's squared distance, square-rooted, bit for bit (the
// same feature-by-feature sum; tests/unit/test_neighbours.cpp checks it). A sample is a DBSCAN core sample for min_samples = k exactly when
// this distance is <= eps. Requires 1 <= k <= n (else vaesweep::UserError); same X rules as
// dbscan().
std::vector<double> k_distances(const Eigen::MatrixXd& X, int k);

// The knee of a k-distance curve, Kneedle-style: sort the values ascending (y_0 <= ... <=
// y_{n-1}), scale the index to x_i = i / (n - 1) and the values to (y_i - y_0) / (y_{n-1} - y_0),
// and return the y_i farthest below the chord from the first point to the last, i.e. the
// first maximiser of x_i - (scaled y_i). With fewer than 3 values or a flat curve it returns
// the largest value. The result can be 0 when most samples have k - 1 exact duplicates; eps = 0
// (what "auto" then uses) makes only exact duplicates neighbours. Empty input or non-finite or
// negative values throw vaesweep::UserError.
double knee_of_k_distances(std::vector<double> k_distances);

}  // namespace vaesweep::cluster
