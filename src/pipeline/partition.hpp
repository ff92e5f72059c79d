#pragma once
// One clustering of a latent space for one (method, k), with the study's [cluster] settings,
// through the front door cluster::Clusterer (which builds the agglomerative tree once per
// space and cuts it at every k); DBSCAN does not take a k and runs once.
#include <Eigen/Dense>
#include <cstdint>
#include <vector>

#include "cluster/fit.hpp"
#include "study/study.hpp"

namespace vaesweep::pipeline {

// Labels (-1: DBSCAN noise), k-means inertia (else NaN), DBSCAN noise fraction, as the front
// door reports them.
using Partition = cluster::Clustering;

class Partitioner {
 public:
  // Z must outlive the partitioner. unit_seed seeds every method through clustering_seed().
  Partitioner(const Eigen::MatrixXd& Z, const ClusterSpec& spec, std::uint64_t unit_seed);
  Partition run(ClusterMethod method, int k);

 private:
  cluster::Clusterer clusterer_;
  std::uint64_t seed_;
};

// The study's [cluster] settings as the front door's parameters (k and seeds come per call).
cluster::ClusteringParams clustering_params(const ClusterSpec& spec);

// The ks a method is evaluated at: DBSCAN once (k = 0 in the results), the others at each k.
std::vector<int> evaluated_ks(ClusterMethod method, const std::vector<int>& ks);

}  // namespace vaesweep::pipeline
