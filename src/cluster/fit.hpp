#pragma once
// The one front door to clustering: a method chosen by name, its parameters, k and a seed in;
// labels (and what the method reports besides) out. `vaesweep cluster` and the sweep's
// partitioner both go through it, so a method's name, defaults and range checks live once:
// names here, ranges in the algorithms (each throws vaesweep::UserError with the expected and
// the actual value), plus the rule, for the methods that take one, that k is at least 2.
//
// Parameters follow faiss's ClusteringParameters: a plain struct per method with documented
// defaults (scikit-learn 1.2's, see each header); k and the seed are given per call and
// override the structs' own k and seed.
#include <Eigen/Dense>
#include <cstdint>
#include <limits>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "cluster/agglomerative.hpp"
#include "cluster/dbscan.hpp"
#include "cluster/gmm.hpp"
#include "cluster/kmeans.hpp"
#include "cluster/method.hpp"
#include "cluster/spectral.hpp"

namespace vaesweep::cluster {

struct ClusteringParams {
  KMeansParams kmeans;                // k and seed: from fit()
  AgglomerativeParams agglomerative;  // the tree is cut at fit()'s k
  DbscanParams dbscan;                // takes no k and no seed
  SpectralParams spectral;            // k and seed: from fit()
  GmmParams gmm;                      // k and seed: from fit()
};

struct Clustering {
  std::vector<int> labels;  // per row; -1 is DBSCAN noise
  double inertia = std::numeric_limits<double>::quiet_NaN();  // k-means only
  double noise_fraction = 0;                                  // DBSCAN: share of rows labelled -1
  double eps = std::numeric_limits<double>::quiet_NaN();      // DBSCAN: the radius used
  bool converged = true;                                      // GMM: EM met its tolerance
  int n_iter = 0;                                             // k-means / GMM iterations
};

// Clusters the rows of one space with any method. Work that does not depend on k is done once
// per space: the agglomerative tree is built at the first agglomerative fit and cut at every k,
// and spectral's affinity graph is built at the first spectral fit and used at every k.
// Work two methods share is done once when both are planned: with agglomerative (ward, complete
// or average linkage) and DBSCAN with eps "auto", the tree's distance fill also collects
// DBSCAN's k-nearest distances (the same numbers as DBSCAN's own search), and a DBSCAN fit
// before the first agglomerative one builds the tree then. Results do not depend on the plan.
// X must outlive the clusterer.
class Clusterer {
 public:
  // planned: the methods fit() will be asked for, in any order (others may still be asked).
  Clusterer(const Eigen::MatrixXd& X, const ClusteringParams& params, const std::vector<Method>& planned = {});
  // k: clusters, 2 <= k <= rows for every method but DBSCAN (ignored there); else UserError.
  // seed: k-means, spectral and GMM (overrides params' seeds); the result depends only on
  // (X, params, method, k, seed).
  Clustering fit(Method method, int k, std::uint64_t seed);

 private:
  bool shares_nearest() const;  // the tree's fill collects DBSCAN's k-nearest distances
  void build_tree();

  const Eigen::MatrixXd& X_;
  ClusteringParams params_;
  bool tree_and_dbscan_planned_ = false;
  std::optional<Dendrogram> tree_;
  NearestSquared nearest_;  // collected with the tree when shares_nearest()
  std::shared_ptr<const SpectralGraph> spectral_graph_;
};

// The ranges fit() checks for `method` on n rows, without the data: the front door's k rule and
// the algorithm's own check_params. Lets a caller fail before expensive work that precedes the
// clustering (a UMAP projection); fit() checks again, so calling it is optional.
void check_params(Method method, const ClusteringParams& params, int k, Eigen::Index n);

// One clustering of X: Clusterer(X, params).fit(method, k, seed).
Clustering fit(Method method, const Eigen::MatrixXd& X, const ClusteringParams& params, int k, std::uint64_t seed);

}  // namespace vaesweep::cluster
