#include "pipeline/partition.hpp"

#include <optional>

#include "pipeline/unit_runner.hpp"

namespace vaesweep::pipeline {

// The study's [cluster] settings as the front door's parameters (every value was validated
// when the study was loaded; the algorithms check their ranges again on use).
cluster::ClusteringParams clustering_params(const ClusterSpec& spec) {
  cluster::ClusteringParams p;
  p.kmeans.n_init = spec.n_init;
  p.kmeans.max_iter = spec.max_iter;
  p.agglomerative.linkage = cluster::parse_linkage(spec.linkage);
  if (spec.eps > 0) p.dbscan.eps = spec.eps;
  else p.dbscan.eps = std::nullopt;  // cluster.eps = "auto"
  p.dbscan.min_samples = spec.min_samples;
  p.spectral.affinity = cluster::parse_spectral_affinity(spec.affinity);
  p.spectral.n_neighbors = spec.n_neighbors;
  p.spectral.gamma = spec.gamma;
  p.spectral.n_init = spec.n_init;
  p.gmm.covariance_type = cluster::parse_covariance_type(spec.covariance);
  return p;
}

Partitioner::Partitioner(const Eigen::MatrixXd& Z, const ClusterSpec& spec, std::uint64_t unit_seed)
    : clusterer_(Z, clustering_params(spec), spec.methods), seed_(unit_seed) {}

std::vector<int> evaluated_ks(ClusterMethod method, const std::vector<int>& ks) {
  return cluster::takes_k(method) ? ks : std::vector<int>{0};
}

Partition Partitioner::run(ClusterMethod method, int k) {
  return clusterer_.fit(method, k, clustering_seed(seed_, to_string(method), k));
}

}  // namespace vaesweep::pipeline
