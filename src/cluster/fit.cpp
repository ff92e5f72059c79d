#include "cluster/fit.hpp"

#include <algorithm>
#include <exception>
#include <string>

#include "util/error.hpp"

namespace vaesweep::cluster {

Clusterer::Clusterer(const Eigen::MatrixXd& X, const ClusteringParams& params, const std::vector<Method>& planned)
    : X_(X), params_(params) {
  const auto has = [&](Method m) { return std::find(planned.begin(), planned.end(), m) != planned.end(); };
  tree_and_dbscan_planned_ = has(Method::agglomerative) && has(Method::dbscan);
}

bool Clusterer::shares_nearest() const {
  return tree_and_dbscan_planned_ && !params_.dbscan.eps && params_.agglomerative.linkage != Linkage::single &&
         params_.dbscan.min_samples >= 1 && X_.rows() >= 2;
}

void Clusterer::build_tree() {
  NearestSquared* collect = nullptr;
  if (shares_nearest()) {
    nearest_.k = static_cast<int>(std::min<Eigen::Index>(params_.dbscan.min_samples, X_.rows()));
    collect = &nearest_;
  }
  tree_ = agglomerative(X_, params_.agglomerative, collect);
}

namespace {

// The algorithms accept k = 1; a study or a command asking for one cluster has made a mistake
// (every score is degenerate there), so the front door refuses it. k > n is left to the
// algorithms' own checks.
void check_k(Method method, int k) {
  if (takes_k(method) && k < 2)
    throw UserError(method_name(method) + ": k = " + std::to_string(k) + "; expected at least 2 clusters");
}

// The method's parameters with the call's k and seed.
template <class Params>
Params with(Params p, int k, std::uint64_t seed) {
  p.k = k;
  p.seed = seed;
  return p;
}

}  // namespace

void check_params(Method method, const ClusteringParams& params, int k, Eigen::Index n) {
  check_k(method, k);
  switch (method) {
    case Method::kmeans: check_params(with(params.kmeans, k, 0), n); break;
    case Method::agglomerative: check_cut(k, n); break;
    case Method::dbscan: check_params(params.dbscan); break;
    case Method::spectral: check_params(with(params.spectral, k, 0), n); break;
    case Method::gmm: check_params(with(params.gmm, k, 0), n); break;
  }
}

Clustering Clusterer::fit(Method method, int k, std::uint64_t seed) {
  check_k(method, k);
  Clustering out;
  switch (method) {
    case Method::kmeans: {
      KMeansResult r = kmeans(X_, with(params_.kmeans, k, seed));
      out.labels = std::move(r.labels);
      out.inertia = r.inertia;
      out.n_iter = r.n_iter;
      break;
    }
    case Method::agglomerative:
      if (!tree_) build_tree();
      out.labels = cut(*tree_, k);
      break;
    case Method::dbscan: {
      if (shares_nearest() && !tree_) {
        // The tree is wanted anyway; if it cannot be built (memory), its own fit reports that
        // and DBSCAN searches for its neighbours itself.
        try {
          build_tree();
        } catch (const std::exception&) {
          nearest_ = NearestSquared{};
        }
      }
      DbscanResult r = dbscan(X_, params_.dbscan, &nearest_);
      out.labels = std::move(r.labels);
      out.noise_fraction = r.noise_fraction;
      out.eps = r.eps;
      break;
    }
    case Method::spectral: {
      const SpectralParams p = with(params_.spectral, k, seed);
      if (!spectral_graph_) spectral_graph_ = spectral_graph(X_, p);
      out.labels = spectral_clustering(X_, p, spectral_graph_.get()).labels;
      break;
    }
    case Method::gmm: {
      GmmResult r = gaussian_mixture(X_, with(params_.gmm, k, seed));
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
