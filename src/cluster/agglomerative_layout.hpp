#pragma once
// Where agglomerative() keeps the distances of ward, complete and average (single keeps none),
// for the tests and benchmarks that compare the two layouts. The tree does not depend on the
// layout: both give scipy's merges and heights to the bit (tests/unit/test_agglomerative.cpp).
#include <Eigen/Dense>

#include "cluster/agglomerative.hpp"

namespace vaesweep::cluster {

enum class DistanceLayout {
  // full up to kFullMatrixMaxSamples samples, condensed above.
  automatic,
  // scipy's condensed matrix, n(n-1)/2 doubles (1.6 GB at n = 20000); each merge's
  // Lance-Williams pass walks two of its columns, a cache miss per entry.
  condensed,
  // n x n doubles, twice the condensed memory (55 MB at n = 2617, 512 MiB at 8192); the rows
  // a merge or a nearest-neighbour scan needs are read contiguously and refreshed lazily.
  full,
};

// The largest n for which automatic takes the full matrix (docs/methods.md has the figures:
// the full layout is faster at every size measured, and this caps its memory at 512 MiB).
inline constexpr int kFullMatrixMaxSamples = 8192;

// agglomerative(X, params) with the distances kept in the given layout.
Dendrogram agglomerative(const Eigen::MatrixXd& X, const AgglomerativeParams& params, DistanceLayout layout);

}  // namespace vaesweep::cluster
