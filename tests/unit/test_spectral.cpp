// Spectral clustering. Reference labels, embeddings and eigenvalues come from scikit-learn
// 1.2.1's SpectralClustering(k, affinity, n_neighbors, gamma, assign_labels="kmeans",
// random_state=0), spectral_embedding and scipy's eigvalsh on the same data
// (tests/data/sklearn/sg_*.csv, made by tests/reference/make_spectral_gmm_reference.py);
// the clique cases are analytic. Cluster numbering is never compared directly.
#include <gtest/gtest.h>

#include <Eigen/Dense>
#include <cmath>
#include <limits>
#include <set>
#include <string>
#include <vector>

#include "cluster/spectral.hpp"
#include "util/error.hpp"
#include "metrics/external.hpp"
#include "test_csv_util.hpp"

namespace vc = vaesweep::cluster;
namespace vt = vaesweep::test;
using vaesweep::metrics::adjusted_rand_index;

namespace {

vc::SpectralParams params(int k, vc::SpectralAffinity aff = vc::SpectralAffinity::nearest_neighbors) {
  vc::SpectralParams p;
  p.k = k;
  p.affinity = aff;
  return p;
}

// c groups of identical points far apart (group g at (100 g, 0)): with affinity rbf the graph
// is c disjoint cliques whose edges have weight exactly 1.
Eigen::MatrixXd cliques(const std::vector<int>& sizes, std::vector<int>& truth) {
  int n = 0;
  for (int s : sizes) n += s;
  Eigen::MatrixXd X = Eigen::MatrixXd::Zero(n, 2);
  truth.clear();
  int row = 0;
  for (std::size_t g = 0; g < sizes.size(); ++g)
    for (int i = 0; i < sizes[g]; ++i, ++row) {
      X(row, 0) = 100.0 * static_cast<double>(g);
      truth.push_back(static_cast<int>(g));
    }
  return X;
}

}  // namespace

TEST(Spectral, LabelsMatchSklearn) {
  // ARI against sklearn's labels >= 0.95 on every case (separated to touching blobs, k = 2..10,
  // n = 120..2000, k-NN and RBF affinities); both eigensolvers where the dense one is quick.
  const auto cases = vt::read_csv(vt::sklearn_path("sg_spectral_expected.csv"));
  ASSERT_GE(cases.rows.size(), 8u);
  for (std::size_t r = 0; r < cases.rows.size(); ++r) {
    const std::string name = cases.cell(r, "case");
    const Eigen::MatrixXd X = vt::read_matrix("sg_X_" + cases.cell(r, "dataset") + ".csv");
    const std::vector<int> sk = vt::read_labels("sg_spectral_labels_" + name + ".csv");
    const std::vector<int> truth = vt::read_labels("sg_y_" + cases.cell(r, "dataset") + ".csv");
    vc::SpectralParams p = params(cases.integer(r, "k"), vc::parse_spectral_affinity(cases.cell(r, "affinity")));
    p.n_neighbors = cases.integer(r, "n_neighbors");
    p.gamma = cases.number(r, "gamma");
    std::vector<vc::SpectralEigenSolver> solvers{vc::SpectralEigenSolver::automatic};
    if (X.rows() <= 400) solvers = {vc::SpectralEigenSolver::dense, vc::SpectralEigenSolver::lanczos};
    for (auto solver : solvers) {
      p.eigen_solver = solver;
      SCOPED_TRACE(name + " solver " + std::to_string(static_cast<int>(solver)));
      const auto res = vc::spectral_clustering(X, p);
      ASSERT_EQ(res.labels.size(), static_cast<std::size_t>(X.rows()));
      EXPECT_TRUE(res.embedding.allFinite());
      const double ari = adjusted_rand_index(sk, res.labels);
      EXPECT_GE(ari, 0.95);
      // Against the planted labels: not worse than sklearn by more than 0.02.
      EXPECT_GE(adjusted_rand_index(truth, res.labels), cases.number(r, "ari_truth") - 0.02);
    }
  }
}

TEST(Spectral, EmbeddingMatchesSklearnSpectralEmbedding) {
  // Connected graphs with simple eigenvalues: the embedding is unique up to sign, and both
  // implementations make the sign deterministic the same way, so columns compare directly.
  const auto cases = vt::read_csv(vt::sklearn_path("sg_spectral_embedding.csv"));
  const auto all = vt::read_csv(vt::sklearn_path("sg_spectral_expected.csv"));
  ASSERT_GE(cases.rows.size(), 3u);
  for (std::size_t r = 0; r < cases.rows.size(); ++r) {
    const std::string name = cases.cell(r, "case");
    std::size_t a = 0;
    while (all.cell(a, "case") != name) ++a;
    const Eigen::MatrixXd X = vt::read_matrix("sg_X_" + all.cell(a, "dataset") + ".csv");
    const Eigen::MatrixXd E = vt::read_matrix(cases.cell(r, "prefix") + "_embedding.csv");
    const Eigen::MatrixXd ev = vt::read_matrix(cases.cell(r, "prefix") + "_eigenvalues.csv");
    vc::SpectralParams p = params(all.integer(a, "k"), vc::parse_spectral_affinity(all.cell(a, "affinity")));
    p.n_neighbors = all.integer(a, "n_neighbors");
    for (auto solver : {vc::SpectralEigenSolver::dense, vc::SpectralEigenSolver::lanczos}) {
      p.eigen_solver = solver;
      SCOPED_TRACE(name + " solver " + std::to_string(static_cast<int>(solver)));
      const auto res = vc::spectral_clustering(X, p);
      EXPECT_EQ(res.n_components, 1);
      ASSERT_EQ(res.embedding.rows(), E.rows());
      ASSERT_EQ(res.embedding.cols(), E.cols());
      for (Eigen::Index j = 0; j < E.cols(); ++j) {
        EXPECT_NEAR(res.eigenvalues(j), ev(j, 0), 1e-8) << "eigenvalue " << j;
        const double scale = E.col(j).cwiseAbs().maxCoeff();
        EXPECT_LT((res.embedding.col(j) - E.col(j)).cwiseAbs().maxCoeff(), 1e-5 * scale) << "column " << j;
      }
    }
  }
}

TEST(Spectral, DisconnectedCliquesSeparateExactly) {
  // Analytic: for c disjoint cliques (edge weight 1) the null space of L is spanned by
  // D^1/2 1_g, so every point of clique g of size m_g has embedding e_g / sqrt(m_g (m_g - 1))
  // (up to the order of columns) and eigenvalue 0; the next eigenvalue of L is m / (m - 1)
  // for the largest clique size m. k = c recovers the cliques exactly.
  std::vector<int> truth;
  const std::vector<int> sizes{5, 8, 12, 7};
  const Eigen::MatrixXd X = cliques(sizes, truth);
  for (auto solver : {vc::SpectralEigenSolver::dense, vc::SpectralEigenSolver::lanczos}) {
    SCOPED_TRACE(static_cast<int>(solver));
    vc::SpectralParams p = params(4, vc::SpectralAffinity::rbf);
    p.eigen_solver = solver;
    const auto res = vc::spectral_clustering(X, p);
    EXPECT_EQ(res.n_components, 4);
    EXPECT_EQ(adjusted_rand_index(truth, res.labels), 1.0);
    for (int j = 0; j < 4; ++j) EXPECT_EQ(res.eigenvalues(j), 0.0);
    for (Eigen::Index i = 0; i < X.rows(); ++i) {
      const double m = sizes[static_cast<std::size_t>(truth[static_cast<std::size_t>(i)])];
      const Eigen::VectorXd row = res.embedding.row(i).transpose();
      EXPECT_NEAR(row.cwiseAbs().maxCoeff(), 1.0 / std::sqrt(m * (m - 1)), 1e-15);
      EXPECT_NEAR(row.squaredNorm(), 1.0 / (m * (m - 1)), 1e-15);  // one nonzero entry
    }
    // k = c + 1: the extra column is a within-clique eigenvector of eigenvalue 12 / 11.
    p.k = 5;
    const auto res5 = vc::spectral_clustering(X, p);
    EXPECT_NEAR(res5.eigenvalues(4), 12.0 / 11.0, 1e-8);
    EXPECT_TRUE(res5.embedding.allFinite());
  }
  // k-NN affinity: 6 groups of 10 points each tightly packed and far apart, n_neighbors = 10:
  // each point's neighbours are exactly its own group, so the graph is 6 cliques (weight 1).
  Eigen::MatrixXd Y(60, 3);
  std::vector<int> ty;
  for (int i = 0; i < 60; ++i) {
    const int g = i % 6;  // interleaved: the order of points must not matter
    Y.row(i) << 50.0 * g, 0.01 * (i / 6), -30.0 * (g % 2);
    ty.push_back(g);
  }
  const auto res = vc::spectral_clustering(Y, params(6));
  EXPECT_EQ(res.n_components, 6);
  EXPECT_EQ(adjusted_rand_index(ty, res.labels), 1.0);
  for (Eigen::Index i = 0; i < Y.rows(); ++i) EXPECT_NEAR(res.embedding.row(i).norm(), 1.0 / std::sqrt(90.0), 1e-15);
  for (int g = 0; g < 6; ++g)
    for (Eigen::Index i = g + 6; i < 60; i += 6) EXPECT_EQ(res.embedding.row(i), res.embedding.row(g));
}

TEST(Spectral, MoreComponentsThanClusters) {
  // 5 cliques, k = 3: the 3 largest components get their own embedding point, the rest 0;
  // nothing is NaN and every label is valid.
  std::vector<int> truth;
  const Eigen::MatrixXd X = cliques({3, 9, 4, 8, 6}, truth);
  const auto res = vc::spectral_clustering(X, params(3, vc::SpectralAffinity::rbf));
  EXPECT_EQ(res.n_components, 5);
  EXPECT_TRUE(res.embedding.allFinite());
  // Which pair k-means then merges is its business; the cliques stay whole, the two small
  // ones (rows 0) share a label, and 3 labels are used.
  for (std::size_t i = 0; i < truth.size(); ++i)
    for (std::size_t j = 0; j < truth.size(); ++j)
      if (truth[i] == truth[j]) {
        EXPECT_EQ(res.labels[i], res.labels[j]);
      }
  EXPECT_EQ(res.labels[0], res.labels[12]);  // clique 0 (rows 0..2) and clique 2 (rows 12..15)
  EXPECT_EQ(std::set<int>(res.labels.begin(), res.labels.end()).size(), 3u);
}

TEST(Spectral, SameSeedSameResult) {
  const Eigen::MatrixXd X = vt::read_matrix("sg_X_blobs4_2d.csv");
  for (auto solver : {vc::SpectralEigenSolver::dense, vc::SpectralEigenSolver::lanczos}) {
    vc::SpectralParams p = params(4);
    p.eigen_solver = solver;
    p.seed = 77;
    const auto a = vc::spectral_clustering(X, p);
    const auto b = vc::spectral_clustering(X, p);
    EXPECT_EQ(a.labels, b.labels);
    EXPECT_EQ(a.embedding, b.embedding);
  }
}

TEST(Spectral, OneAffinityGraphServesEveryK) {
  // A unit clusters one space at several k on one affinity graph. Expected: labels, embedding
  // and eigenvalues bit for bit those of spectral_clustering() building its own graph, for both
  // affinities and solvers, and for the all-identical case.
  const Eigen::MatrixXd X = vt::read_matrix("sg_X_blobs4_2d.csv");
  for (auto aff : {vc::SpectralAffinity::nearest_neighbors, vc::SpectralAffinity::rbf})
    for (auto solver : {vc::SpectralEigenSolver::dense, vc::SpectralEigenSolver::lanczos}) {
      vc::SpectralParams p = params(2, aff);
      p.eigen_solver = solver;
      const auto graph = vc::spectral_graph(X, p);
      for (int k : {2, 4, 6}) {
        p.k = k;
        p.seed = 100 + static_cast<std::uint64_t>(k);
        const auto shared = vc::spectral_clustering(X, p, graph.get());
        const auto own = vc::spectral_clustering(X, p);
        EXPECT_EQ(shared.labels, own.labels) << k;
        EXPECT_EQ(shared.embedding, own.embedding) << k;
        EXPECT_EQ(shared.eigenvalues, own.eigenvalues) << k;
      }
    }
  const Eigen::MatrixXd same = Eigen::MatrixXd::Constant(30, 3, 2.5);
  const auto graph = vc::spectral_graph(same, params(3));
  EXPECT_EQ(vc::spectral_clustering(same, params(3), graph.get()).labels, vc::spectral_clustering(same, params(3)).labels);
}

TEST(Spectral, AllPointsIdentical) {
  // Documented: every label 0, constant first column, other columns 0; no NaN.
  const Eigen::MatrixXd X = Eigen::MatrixXd::Constant(30, 3, 2.5);
  for (auto aff : {vc::SpectralAffinity::nearest_neighbors, vc::SpectralAffinity::rbf}) {
    const auto res = vc::spectral_clustering(X, params(3, aff));
    EXPECT_EQ(res.labels, std::vector<int>(30, 0));
    EXPECT_TRUE(res.embedding.allFinite());
    EXPECT_TRUE(res.eigenvalues.allFinite());
    EXPECT_EQ(res.embedding.col(1).squaredNorm(), 0.0);
  }
}

TEST(Spectral, DuplicatePointsDoNotBreakIt) {
  // Two far groups, each made of 3 distinct points repeated 4 times: heavy distance ties, and
  // each point's 9 nearest others are its 3 copies and 6 of the other 8 points of its group.
  Eigen::MatrixXd X(24, 2);
  std::vector<int> truth;
  for (int i = 0; i < 24; ++i) {
    const int g = i < 12 ? 0 : 1;
    X.row(i) << 40.0 * g + (i % 3), 0.5 * (i % 3);
    truth.push_back(g);
  }
  const auto res = vc::spectral_clustering(X, params(2));
  EXPECT_EQ(res.n_components, 2);
  EXPECT_TRUE(res.embedding.allFinite());
  EXPECT_EQ(adjusted_rand_index(truth, res.labels), 1.0);
}

TEST(Spectral, RejectsBadInput) {
  const Eigen::MatrixXd X = vt::read_matrix("sg_X_blobs3_2d.csv");  // 150 x 2
  auto expect_user_error = [&](const Eigen::MatrixXd& data, const vc::SpectralParams& p, const std::string& part) {
    try {
      vc::spectral_clustering(data, p);
      ADD_FAILURE() << "expected UserError mentioning " << part;
    } catch (const vaesweep::UserError& e) {
      EXPECT_NE(std::string(e.what()).find(part), std::string::npos) << e.what();
    }
  };
  expect_user_error(X, params(0), "k = 0");
  expect_user_error(X, params(151), "n_samples = 150");
  vc::SpectralParams p = params(3);
  p.n_neighbors = 150;
  expect_user_error(X, p, "n_neighbors = 150");
  p.n_neighbors = 1;
  expect_user_error(X, p, "n_neighbors = 1");
  p = params(3, vc::SpectralAffinity::rbf);
  p.gamma = 0;
  expect_user_error(X, p, "gamma");
  p.gamma = 1;
  p.rbf_max_n = 100;
  expect_user_error(X, p, "rbf_max_n = 100");
  p = params(3);
  p.n_init = 0;
  expect_user_error(X, p, "n_init = 0");
  p = params(3);
  p.eigen_tol = 0;
  expect_user_error(X, p, "eigen_tol");
  Eigen::MatrixXd bad = X;
  bad(7, 1) = std::numeric_limits<double>::quiet_NaN();
  expect_user_error(bad, params(3), "X(7, 1)");
  bad(7, 1) = std::numeric_limits<double>::infinity();
  expect_user_error(bad, params(3), "X(7, 1)");
  expect_user_error(Eigen::MatrixXd(0, 2), params(1), "0 samples");
  EXPECT_THROW(vc::parse_spectral_affinity("precomputed"), vaesweep::UserError);
  EXPECT_EQ(vc::parse_spectral_affinity("rbf"), vc::SpectralAffinity::rbf);
}
