// Every clustering method inside a work unit, on planted structure with a known answer: three
// well separated Gaussian blobs (and one far outlier) clustered in their raw feature space. The
// expected partitions are the blobs themselves; the scores must be the metric functions' own
// values on the clustered rows (noise left out), so nothing is lost or re-derived on the way.
#include <gtest/gtest.h>

#include <cmath>
#include <random>

#include "cluster/kmeans.hpp"
#include "util/error.hpp"
#include "study/grid.hpp"
#include "metrics/external.hpp"
#include "metrics/internal.hpp"
#include "results/records.hpp"
#include "pipeline/unit_runner.hpp"

namespace vaesweep::pipeline {
namespace {

// 3 blobs of 40 points in 4-D, centres 20 apart, sd 1; with_outlier adds a last row at 1000
// (labelled g0).
data::FeatureTable planted_blobs(bool with_outlier = false) {
  data::FeatureTable t;
  std::mt19937_64 rng(11);
  std::normal_distribution<double> noise(0.0, 1.0);
  const int n = with_outlier ? 121 : 120;
  t.X.resize(n, 4);
  std::vector<std::string> genre;
  for (int i = 0; i < n; ++i) {
    const int blob = i < 120 ? i / 40 : 0;
    for (int j = 0; j < 4; ++j) t.X(i, j) = (i < 120 ? 20.0 * blob * (j == blob % 4) + noise(rng) : 1000.0);
    t.ids.push_back("r" + std::to_string(i));
    genre.push_back("g" + std::to_string(blob));
  }
  t.track_ids = t.ids;
  for (int j = 0; j < 4; ++j) t.feature_names.push_back("f" + std::to_string(j));
  t.labels.push_back(data::encode_labels("genre", genre));
  return t;
}

Grid grid_for(const std::string& cluster_section) {
  const std::string text = "[data]\nsource = \"table\"\npath = \"unused.csv\"\nlabels = [\"genre\"]\n"
                           "[model]\nkind = \"raw\"\n[cluster]\n" + cluster_section;
  return expand_grid(parse_study(text, "s.toml"));
}

const results::EvaluationRecord& row(const UnitOutcome& o, const std::string& method) {
  for (const auto& e : o.evaluations)
    if (e.method == method) return e;
  throw std::runtime_error("no row for " + method);
}

}  // namespace

TEST(ClusterMethodsInUnits, EveryMethodFindsThePlantedBlobs) {
  const data::FeatureTable t = planted_blobs();
  const Grid g = grid_for("methods = [\"kmeans\", \"agglomerative\", \"dbscan\", \"spectral\", \"gmm\"]\n"
                          "k = 3\nlinkage = \"average\"\nmin_samples = 5\neps = 3.0\nn_neighbors = 8\n");
  ASSERT_EQ(g.size(), 1U);
  const UnitOutcome o = run_unit(g.unit(0), t, RunContext{});
  ASSERT_EQ(o.unit.status, results::UnitStatus::ok) << o.unit.message;
  EXPECT_EQ(o.unit.latent_dim, 4);  // raw: the feature dimension
  EXPECT_EQ(o.evaluations.size(), 5U);  // dbscan once (k = 0), the others at k = 3
  const auto& names = results::external_metric_names();
  const std::size_t ari = 0, ami = 2;
  ASSERT_EQ(names[ari], "ari");
  ASSERT_EQ(names[ami], "ami");
  for (const char* method : {"kmeans", "agglomerative", "spectral", "gmm"}) {
    const auto& e = row(o, method);
    EXPECT_EQ(e.status, results::UnitStatus::ok) << method;
    EXPECT_EQ(e.k, 3);
    EXPECT_EQ(e.clusters_found, 3) << method;
    EXPECT_DOUBLE_EQ(e.external[ari], 1.0) << method;
    EXPECT_DOUBLE_EQ(e.external[ami], 1.0) << method;
    EXPECT_EQ(e.space, "features");
  }
  EXPECT_DOUBLE_EQ(row(o, "dbscan").external[ari], 1.0);
  EXPECT_EQ(row(o, "dbscan").noise_fraction, 0.0);
}

TEST(ClusterMethodsInUnits, DbscanNoiseIsLeftOutOfEveryScore) {
  const data::FeatureTable t = planted_blobs(true);
  const Grid g = grid_for("methods = [\"dbscan\"]\nmin_samples = 5\neps = 3.0\n");
  const UnitOutcome o = run_unit(g.unit(0), t, RunContext{});
  const std::size_t ari = 0, ami = 2;
  // The outlier is noise, left out; the 120 blob points are the 3 genres exactly.
  const auto& d = row(o, "dbscan");
  EXPECT_EQ(d.k, 0);
  EXPECT_EQ(d.clusters_found, 3);
  EXPECT_DOUBLE_EQ(d.noise_fraction, 1.0 / 121.0);
  EXPECT_DOUBLE_EQ(d.external[ari], 1.0);
  EXPECT_DOUBLE_EQ(d.external[ami], 1.0);
  // Internal metrics on the 120 clustered rows equal the metric functions there.
  std::vector<int> blobs;
  for (int i = 0; i < 120; ++i) blobs.push_back(i / 40);
  const Eigen::MatrixXd kept = t.X.topRows(120);
  EXPECT_DOUBLE_EQ(d.silhouette, metrics::silhouette(kept, blobs));
  EXPECT_DOUBLE_EQ(d.davies_bouldin, metrics::davies_bouldin(kept, blobs));
  EXPECT_TRUE(std::isnan(d.trustworthiness));  // no projection
}

TEST(ClusterMethodsInUnits, ExternalScoresAreTheMetricFunctions) {
  const data::FeatureTable t = planted_blobs();
  const Grid g = grid_for("methods = [\"kmeans\"]\nk = 2\n");
  const UnitOutcome o = run_unit(g.unit(0), t, RunContext{});
  const auto& e = row(o, "kmeans");
  // The same k-means, run here with the unit's documented clustering seed, then scored by the
  // metric functions: the record must hold exactly those numbers, in external_metric_names order.
  cluster::KMeansParams p;
  p.k = 2;
  p.seed = clustering_seed(g.unit(0).seed, "kmeans", 2);
  const auto fit = cluster::kmeans(t.X, p);
  const auto s = metrics::external_scores(t.labels[0].codes, fit.labels);
  const std::vector<double> expected = {s.ari, s.nmi, s.ami, s.purity, s.homogeneity, s.completeness, s.v_measure,
                                        s.fowlkes_mallows};
  EXPECT_EQ(e.external, expected);
  EXPECT_EQ(e.inertia, fit.inertia);
}

TEST(ClusterMethodsInUnits, UmapProjectionIsClusteredAndItsTrustworthinessRecorded) {
  const data::FeatureTable t = planted_blobs();
  const Grid g = grid_for("methods = [\"kmeans\"]\nk = 3\nprojection = \"umap\"\n");
  const UnitOutcome o = run_unit(g.unit(0), t, RunContext{});
  ASSERT_EQ(o.unit.status, results::UnitStatus::ok) << o.unit.message;
  const auto& e = row(o, "kmeans");
  EXPECT_EQ(e.space, "features+umap");
  EXPECT_GT(e.trustworthiness, 0.9);  // separated blobs keep their neighbourhoods
  EXPECT_LE(e.trustworthiness, 1.0);
  EXPECT_DOUBLE_EQ(e.external[0], 1.0);
}

TEST(ClusterMethodsInUnits, UnusedMethodKeysDoNotSplitUnits) {
  // linkage only matters to agglomerative: with k-means alone, two linkages are one unit.
  const Grid one = expand_grid(parse_study(
      "[data]\nsource = \"table\"\npath = \"x.csv\"\nlabels = [\"genre\"]\n[model]\nkind = \"raw\"\n"
      "[grid]\n\"cluster.linkage\" = [\"ward\", \"single\"]\n", "s.toml"));
  EXPECT_EQ(one.size(), 1U);
  const Grid two = expand_grid(parse_study(
      "[data]\nsource = \"table\"\npath = \"x.csv\"\nlabels = [\"genre\"]\n[model]\nkind = \"raw\"\n"
      "[cluster]\nmethods = [\"agglomerative\"]\n[grid]\n\"cluster.linkage\" = [\"ward\", \"single\"]\n", "s.toml"));
  EXPECT_EQ(two.size(), 2U);
}

TEST(ClusterMethodsInUnits, EpsIsANumberOrAuto) {
  const auto eps = [](const std::string& value) {
    return cluster_spec(parse_study("[cluster]\nmethods = [\"dbscan\"]\neps = " + value + "\n", "s.toml").settings).eps;
  };
  EXPECT_EQ(eps("\"auto\""), 0.0);
  EXPECT_EQ(eps("0.5"), 0.5);
  EXPECT_EQ(eps("2"), 2.0);
  for (const char* bad : {"\"fast\"", "-1.0", "0.0", "true"}) {
    try {
      eps(bad);
      FAIL() << "accepted eps = " << bad;
    } catch (const vaesweep::UserError& e) {
      EXPECT_NE(std::string(e.what()).find("s.toml:3"), std::string::npos) << e.what();
      EXPECT_NE(std::string(e.what()).find("cluster.eps"), std::string::npos) << e.what();
    }
  }
}

}  // namespace vaesweep::pipeline
