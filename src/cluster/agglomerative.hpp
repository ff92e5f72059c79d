#pragma once
// Agglomerative (hierarchical) clustering on Euclidean distance with scikit-learn 1.2's
// AgglomerativeClustering(n_clusters=k, linkage=...) partitions and scipy 1.10's
// scipy.cluster.hierarchy.linkage merge heights. One tree serves every k: build it once with
// agglomerative(), then cut() it for each cluster count.
//
// Algorithms (single-threaded, like the rest of cluster/):
//  - ward, complete, average: scipy's nearest-neighbour chain over a condensed float64
//    distance matrix with Lance-Williams updates, O(n^2) time and n(n-1)/2 doubles of memory
//    (1.6 GB at n = 20000). Distances, updates, the chain and its tie-breaking (the previous
//    chain element first, then the lowest index) are scipy's operation for operation, so the
//    merges and their heights are scipy's to the bit, ties included. (Ward runs on distances
//    as scipy does, not on squared distances: that costs nothing measurable and keeps ties
//    exact.) What differs is the bookkeeping: each cluster keeps its few nearest neighbours,
//    so most of scipy's row-and-column scans are not needed.
//  - single: Prim's minimum spanning tree as sklearn's mst_linkage_core, O(n^2 d) time and O(n d)
//    memory (distances are computed on the fly), then the edges sorted by weight (stable).
// Measured on one core against scikit-learn 1.2.1 (16-D blobs, n = 2600 / 10000 / 20000):
// ward 0.07 / 1.4 / 6.4 s CPU where sklearn takes 0.13 / 3.9 / 21 s.
#include <array>
#include <Eigen/Dense>
#include <string>
#include <vector>

#include "cluster/nearest_squared.hpp"
#include "util/named.hpp"

namespace vaesweep::cluster {

enum class Linkage { ward, complete, average, single };
inline constexpr std::array<Named<Linkage>, 4> kLinkageNames = {
    {{Linkage::ward, "ward"}, {Linkage::complete, "complete"}, {Linkage::average, "average"}, {Linkage::single, "single"}}};

// A name of kLinkageNames; anything else throws vaesweep::UserError listing them.
Linkage parse_linkage(const std::string& name);
std::string linkage_name(Linkage linkage);

struct AgglomerativeParams {
  Linkage linkage = Linkage::ward;  // sklearn's default
};

// One merge of the dendrogram, as a row of scipy's linkage matrix: nodes 0..n-1 are the
// samples, merge i creates node n + i.
struct Merge {
  int a = 0;          // the two merged nodes, a < b
  int b = 0;
  double height = 0;  // linkage distance, as scipy's linkage matrix (ward: scipy's ward distance)
  int size = 0;       // samples under the new node
};

struct Dendrogram {
  int n_samples = 0;
  std::vector<Merge> merges;  // n_samples - 1 merges, heights non-decreasing (stable order)
};

// X is n x d (rows are samples), n >= 1, d >= 1, finite; otherwise vaesweep::UserError.
// The result depends only on (X, params).
// nearest (optional, its k set, 1 <= k <= n): the fill of the distance matrix also collects every
// sample's k-th and 2nd nearest squared distances into it (a few milliseconds at n = 2617, where
// DBSCAN's own k-nearest search costs ~17); single linkage and n = 1 leave it uncollected.
Dendrogram agglomerative(const Eigen::MatrixXd& X, const AgglomerativeParams& params,
                         NearestSquared* nearest = nullptr);

// Labels in [0, k) for k clusters: the partition left after undoing the k - 1 last merges
// (sklearn's _hc_cut). Clusters are numbered by their lowest sample index (sample 0 is in
// cluster 0). k outside [1, n_samples] throws vaesweep::UserError.
std::vector<int> cut(const Dendrogram& tree, int k);
// The range cut() checks, for a tree of n samples (vaesweep::UserError as cut()).
void check_cut(int k, Eigen::Index n);

}  // namespace vaesweep::cluster
