#pragma once
// One clustering of a latent space for one (method, k), with the study's [cluster] settings.
// Work that does not depend on k is done once per space: the agglomerative tree is built once
// and cut at every k; DBSCAN does not take a k and runs once.
#include <Eigen/Dense>
#include <cstdint>
#include <optional>
#include <vector>

#include "cluster/agglomerative.hpp"
#include "core/study.hpp"

namespace vaesweep::sweep {

struct Partition {
  std::vector<int> labels;  // per row; -1 is DBSCAN noise
  double inertia;           // k-means only, else NaN
  double noise_fraction = 0;
};

class Partitioner {
 public:
  // Z must outlive the partitioner. unit_seed seeds every method through clustering_seed().
  Partitioner(const Eigen::MatrixXd& Z, const ClusterSpec& spec, std::uint64_t unit_seed);
  Partition run(ClusterMethod method, int k);

 private:
  const Eigen::MatrixXd& Z_;
  const ClusterSpec& spec_;
  std::uint64_t seed_;
  std::optional<cluster::Dendrogram> tree_;
};

// The ks a method is evaluated at: DBSCAN once (k = 0 in the results), the others at each k.
std::vector<int> evaluated_ks(ClusterMethod method, const std::vector<int>& ks);

}  // namespace vaesweep::sweep
