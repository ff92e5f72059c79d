#pragma once
// Exact k nearest neighbours under the Euclidean distance: the one search behind UMAP's kNN
// graph, spectral clustering's k-NN affinity and trustworthiness's embedded neighbours (DBSCAN
// keeps its ball tree, whose distances are the same numbers: see cluster/dbscan.hpp).
//
// One distance and one tie rule for all of them:
//  - the squared distance of samples i and j is the sum over the features, in order, of
//    (X(i, f) - X(j, f))^2 in double (one rounding per subtraction, product and addition, no
//    fused multiply-add), i.e. what a plain loop gives and what Eigen's
//    (X.row(i) - X.row(j)).squaredNorm() gives; it is symmetric in i and j bit for bit;
//  - neighbours are ordered by that number, and equal numbers lower index first, as
//    sklearn.neighbors.NearestNeighbors(algorithm="brute") returns them (its stable sort of
//    each row) and as umap-learn's exact search does.
// Exact duplicates are at distance 0 and come lower index first like any tie.
//
// How: blocked brute force in two stages per block of queries. A single-precision GEMM on the
// centred data gives, for every sample j, v_j = |y_j|^2 - 2 x.y_j (rank-equivalent to
// |x - y_j|^2) with a rigorous rounding bound; every j whose lower bound is under the m-th
// smallest upper bound is a candidate; the candidates' distances are then computed exactly as
// above and the m smallest kept. The float bound (relative ~1e-7 (d + 8) of the largest
// squared norm) dwarfs the double rounding of the exact stage and of centring, so the answer is
// the exact one for the numbers above. Time O(n^2 d), memory O(n d + n m) (a block of n x 512
// floats at most, ~16 MB).
#include <Eigen/Dense>
#include <cstddef>
#include <vector>

namespace vaesweep::neighbours {

// Row-major n x m tables: entry (i, r) at i * m + r, the r-th nearest other sample of i.
struct Neighbours {
  int m = 0;                        // neighbours per sample
  std::vector<int> index;           // n * m sample indices
  std::vector<double> sq_distance;  // n * m squared distances (the numbers described above)

  int at(Eigen::Index i, int r) const { return index[slot(i, r)]; }
  double sq_at(Eigen::Index i, int r) const { return sq_distance[slot(i, r)]; }
  std::size_t slot(Eigen::Index i, int r) const {
    return static_cast<std::size_t>(i) * static_cast<std::size_t>(m) + static_cast<std::size_t>(r);
  }
};

// For every sample (row) of X, its m nearest other samples, itself excluded (even when it has
// duplicates), nearest first, lower index first on equal distances. X is n x d, finite, with
// 0 <= m < n (else vaesweep::UserError naming `who`, the caller, and the expected range).
// The result depends only on (X, m).
Neighbours nearest_others(const Eigen::MatrixXd& X, int m, const char* who = "nearest_others");

// The squared distance of rows i and j of X described above (the exact stage's number).
double squared_distance(const Eigen::MatrixXd& X, Eigen::Index i, Eigen::Index j);

}  // namespace vaesweep::neighbours
