// cluster::fit, the front door of every clustering. Expected values: the algorithms called
// directly with the same parameters (the front door must add nothing but k, the seed and the
// k >= 2 rule), and the method names of the study schema.
#include <gtest/gtest.h>

#include <Eigen/Dense>
#include <cmath>
#include <string>

#include "cluster/fit.hpp"
#include "util/error.hpp"
#include "test_csv_util.hpp"

namespace vc = vaesweep::cluster;
namespace vt = vaesweep::test;

TEST(ClusterFit, MethodNamesRoundTripAndErrorsListThem) {
  for (const std::string& name : vc::method_names()) EXPECT_EQ(vc::method_name(vc::parse_method(name)), name);
  EXPECT_EQ(vc::method_names().size(), 5u);
  EXPECT_FALSE(vc::takes_k(vc::Method::dbscan));
  EXPECT_TRUE(vc::takes_k(vc::Method::spectral));
  try {
    vc::parse_method("kmedoids");
    ADD_FAILURE() << "expected UserError";
  } catch (const vaesweep::UserError& e) {
    EXPECT_NE(std::string(e.what()).find("\"kmedoids\"; valid methods are: kmeans, agglomerative, dbscan, spectral, gmm"),
              std::string::npos)
        << e.what();
  }
}

TEST(ClusterFit, EqualsTheAlgorithmsCalledDirectly) {
  const Eigen::MatrixXd X = vt::read_matrix("nb_X_blobs.csv");  // 300 x 5, 4 blobs
  vc::ClusteringParams params;
  params.kmeans.n_init = 3;
  params.dbscan.eps = 1.5;
  params.spectral.n_neighbors = 8;
  params.spectral.n_init = 2;
  vc::Clusterer clusterer(X, params);

  vc::KMeansParams km = params.kmeans;
  km.k = 4;
  km.seed = 9;
  const vc::KMeansResult kr = vc::kmeans(X, km);
  const vc::Clustering kf = clusterer.fit(vc::Method::kmeans, 4, 9);
  EXPECT_EQ(kf.labels, kr.labels);
  EXPECT_EQ(kf.inertia, kr.inertia);

  const vc::Dendrogram tree = vc::agglomerative(X, params.agglomerative);
  for (int k : {2, 4, 7}) EXPECT_EQ(clusterer.fit(vc::Method::agglomerative, k, 0).labels, vc::cut(tree, k));

  const vc::DbscanResult dr = vc::dbscan(X, params.dbscan);
  const vc::Clustering df = clusterer.fit(vc::Method::dbscan, 0, 0);  // k and seed ignored
  EXPECT_EQ(df.labels, dr.labels);
  EXPECT_EQ(df.noise_fraction, dr.noise_fraction);
  EXPECT_EQ(df.eps, 1.5);
  EXPECT_TRUE(std::isnan(df.inertia));

  vc::SpectralParams sp = params.spectral;
  sp.k = 3;
  sp.seed = 5;
  EXPECT_EQ(vc::fit(vc::Method::spectral, X, params, 3, 5).labels, vc::spectral_clustering(X, sp).labels);

  vc::GmmParams gp = params.gmm;
  gp.k = 4;
  gp.seed = 2;
  const vc::GmmResult gr = vc::gaussian_mixture(X, gp);
  const vc::Clustering gf = clusterer.fit(vc::Method::gmm, 4, 2);
  EXPECT_EQ(gf.labels, gr.labels);
  EXPECT_EQ(gf.converged, gr.converged);
}

TEST(ClusterFit, RangesAreCheckedOnce) {
  const Eigen::MatrixXd X = vt::read_matrix("nb_X_blobs.csv");
  const vc::ClusteringParams params;
  // The front door's own rule: at least 2 clusters.
  EXPECT_THROW(vc::fit(vc::Method::kmeans, X, params, 1, 0), vaesweep::UserError);
  // The algorithms' ranges reach the caller unchanged.
  try {
    vc::fit(vc::Method::gmm, X, params, 301, 0);
    ADD_FAILURE() << "expected UserError";
  } catch (const vaesweep::UserError& e) {
    EXPECT_NE(std::string(e.what()).find("gmm: k = 301; expected 1 <= k <= n_samples = 300"), std::string::npos) << e.what();
  }
  vc::ClusteringParams bad;
  bad.dbscan.min_samples = 0;
  EXPECT_THROW(vc::fit(vc::Method::dbscan, X, bad, 0, 0), vaesweep::UserError);
  // The same checks without the data (a caller about to spend a UMAP projection first).
  EXPECT_THROW(vc::check_params(vc::Method::dbscan, bad, 0, 300), vaesweep::UserError);
  EXPECT_NO_THROW(vc::check_params(vc::Method::dbscan, params, 0, 300));
  EXPECT_THROW(vc::check_params(vc::Method::kmeans, params, 1, 300), vaesweep::UserError);
  EXPECT_THROW(vc::check_params(vc::Method::gmm, params, 301, 300), vaesweep::UserError);
  EXPECT_THROW(vc::check_params(vc::Method::agglomerative, params, 301, 300), vaesweep::UserError);
  EXPECT_NO_THROW(vc::check_params(vc::Method::agglomerative, params, 300, 300));
  vc::ClusteringParams wide = params;
  wide.spectral.n_neighbors = 300;  // the point itself counts: at most n - 1
  EXPECT_THROW(vc::check_params(vc::Method::spectral, wide, 4, 300), vaesweep::UserError);
  EXPECT_NO_THROW(vc::check_params(vc::Method::spectral, wide, 4, 301));
  wide.kmeans.n_init = 0;
  EXPECT_THROW(vc::check_params(vc::Method::kmeans, wide, 4, 300), vaesweep::UserError);
}
