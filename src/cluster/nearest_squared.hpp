#pragma once
// Every sample's squared distances to its nearest samples, as DBSCAN's eps "auto" reads them
// (the k-distance curve, the core flags), collected by whichever algorithm already visits every
// pair of samples: the agglomerative tree's distance fill computes each pair's squared distance
// with the same feature-by-feature sum as DBSCAN's ball tree, so a unit that runs both pays for
// the k-nearest search once (see Clusterer). The numbers are the ball tree's bit for bit.
#include <Eigen/Dense>
#include <vector>

namespace vaesweep::cluster {

struct NearestSquared {
  int k = 0;  // the k-th nearest sample, the sample itself counting as the first (1 <= k <= n)
  // Per sample, in X's row order; empty until collected.
  std::vector<double> kth;     // squared distance to the k-th nearest sample (0 when k = 1)
  std::vector<double> second;  // squared distance to the 2nd nearest (infinity when k = 1)
  bool collected(Eigen::Index n) const { return static_cast<Eigen::Index>(kth.size()) == n && n > 0; }
};

// Keeps, for every sample, the k - 1 smallest squared distances to the other samples offered so
// far (a multiset: duplicates count). Each pair must be offered exactly once.
class NearestCollector {
 public:
  NearestCollector(Eigen::Index n, int k);
  // Offers the squared distances d2[j] from sample i to the samples j of [jb, je), j > i, to
  // both samples' lists.
  void offer_row(Eigen::Index i, const double* d2, Eigen::Index jb, Eigen::Index je);
  // The k-th and 2nd nearest (the sample itself first) once every pair has been offered.
  NearestSquared result() const;

 private:
  Eigen::Index n_;
  int k_;
  int m_;                      // k - 1: the others kept per sample
  std::vector<double> top_;    // n x m, ascending per sample, +infinity where unfilled
  std::vector<double> bound_;  // per sample: its m-th smallest so far (what a new value must beat)
};

}  // namespace vaesweep::cluster
