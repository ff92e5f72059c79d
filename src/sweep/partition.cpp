#include "sweep/partition.hpp"

#include <limits>

#include "cluster/dbscan.hpp"
#include "cluster/gmm.hpp"
#include "cluster/kmeans.hpp"
#include "cluster/spectral.hpp"
#include "sweep/unit_runner.hpp"

namespace vaesweep::sweep {
namespace {
constexpr double kNaN = std::numeric_limits<double>::quiet_NaN();
}

Partitioner::Partitioner(const Eigen::MatrixXd& Z, const ClusterSpec& spec, std::uint64_t unit_seed)
    : Z_(Z), spec_(spec), seed_(unit_seed) {}

std::vector<int> evaluated_ks(ClusterMethod method, const std::vector<int>& ks) {
  return method == ClusterMethod::dbscan ? std::vector<int>{0} : ks;
}

Partition Partitioner::run(ClusterMethod method, int k) {
  const std::uint64_t seed = clustering_seed(seed_, to_string(method), k);
  Partition p{{}, kNaN, 0.0};
  switch (method) {
    case ClusterMethod::kmeans: {
      cluster::KMeansParams params;
      params.k = k;
      params.n_init = spec_.n_init;
      params.max_iter = spec_.max_iter;
      params.seed = seed;
      cluster::KMeansResult fit = cluster::kmeans(Z_, params);
      p.labels = std::move(fit.labels);
      p.inertia = fit.inertia;
      break;
    }
    case ClusterMethod::agglomerative:
      if (!tree_) tree_ = cluster::agglomerative(Z_, {cluster::parse_linkage(spec_.linkage)});
      p.labels = cluster::cut(*tree_, k);
      break;
    case ClusterMethod::dbscan: {
      cluster::DbscanParams params;
      if (spec_.eps > 0) params.eps = spec_.eps;
      else params.eps = std::nullopt;
      params.min_samples = spec_.min_samples;
      cluster::DbscanResult fit = cluster::dbscan(Z_, params);
      p.labels = std::move(fit.labels);
      p.noise_fraction = fit.noise_fraction;
      break;
    }
    case ClusterMethod::spectral: {
      cluster::SpectralParams params;
      params.k = k;
      params.affinity = cluster::parse_spectral_affinity(spec_.affinity);
      params.n_neighbors = spec_.n_neighbors;
      params.gamma = spec_.gamma;
      params.n_init = spec_.n_init;
      params.seed = seed;
      p.labels = cluster::spectral_clustering(Z_, params).labels;
      break;
    }
    case ClusterMethod::gmm: {
      cluster::GmmParams params;
      params.k = k;
      params.covariance_type = cluster::parse_covariance_type(spec_.covariance);
      params.seed = seed;
      p.labels = cluster::gaussian_mixture(Z_, params).labels;
      break;
    }
  }
  return p;
}

}  // namespace vaesweep::sweep
