#include "cluster/fit.hpp"

#include <string>

#include "core/error.hpp"

namespace vaesweep::cluster {

Clusterer::Clusterer(const Eigen::MatrixXd& X, const ClusteringParams& params) : X_(X), params_(params) {}

Clustering Clusterer::fit(Method method, int k, std::uint64_t seed) {
  // The algorithms accept k = 1; a study or a command asking for one cluster has made a
  // mistake (every score is degenerate there), so the front door refuses it. k > n is left
  // to the algorithms' own checks.
  if (takes_k(method) && k < 2)
    throw UserError(method_name(method) + ": k = " + std::to_string(k) + "; expected at least 2 clusters");
  Clustering out;
  switch (method) {
    case Method::kmeans: {
      KMeansParams p = params_.kmeans;
      p.k = k;
      p.seed = seed;
      KMeansResult r = kmeans(X_, p);
      out.labels = std::move(r.labels);
      out.inertia = r.inertia;
      out.n_iter = r.n_iter;
      break;
    }
    case Method::agglomerative:
      if (!tree_) tree_ = agglomerative(X_, params_.agglomerative);
      out.labels = cut(*tree_, k);
      break;
    case Method::dbscan: {
      DbscanResult r = dbscan(X_, params_.dbscan);
      out.labels = std::move(r.labels);
      out.noise_fraction = r.noise_fraction;
      out.eps = r.eps;
      break;
    }
    case Method::spectral: {
      SpectralParams p = params_.spectral;
      p.k = k;
      p.seed = seed;
      out.labels = spectral_clustering(X_, p).labels;
      break;
    }
    case Method::gmm: {
      GmmParams p = params_.gmm;
      p.k = k;
      p.seed = seed;
      GmmResult r = gaussian_mixture(X_, p);
      out.labels = std::move(r.labels);
      out.converged = r.converged;
      out.n_iter = r.n_iter;
      break;
    }
  }
  return out;
}

Clustering fit(Method method, const Eigen::MatrixXd& X, const ClusteringParams& params, int k, std::uint64_t seed) {
  return Clusterer(X, params).fit(method, k, seed);
}

}  // namespace vaesweep::cluster
