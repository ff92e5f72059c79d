// The AVX-512 bodies of the distance kernels (cluster/simd.hpp) against their AVX2 bodies on the
// same machine: every distance, silhouette, merge height and k-nearest distance bit for bit,
// since each lane does the same operations in the same order whatever the vector width. The
// AVX2 bodies are held to scikit-learn and scipy by test_metrics.cpp and test_agglomerative.cpp.
// Skipped on a CPU without AVX-512 (nothing to compare there).
#include <gtest/gtest.h>

#include <Eigen/Dense>
#include <cstring>
#include <random>
#include <string>
#include <vector>

#include "cluster/agglomerative.hpp"
#include "cluster/nearest_squared.hpp"
#include "cluster/simd.hpp"
#include "metrics/internal.hpp"

namespace vc = vaesweep::cluster;
namespace vm = vaesweep::metrics;

namespace {

// Runs f() with the AVX-512 bodies off, then on (where the CPU has them), and restores them.
template <typename F>
auto narrow_then_wide(F f) {
  vc::allow_avx512(false);
  auto narrow = f();
  vc::allow_avx512(true);
  auto wide = f();
  return std::make_pair(narrow, wide);
}

bool same_bits(double a, double b) { return std::memcmp(&a, &b, sizeof a) == 0; }

// Gaussian blobs on a wide scale (so that |x|^2 + |y|^2 - 2 x.y cancels for close pairs and the
// silhouette tiles recompute them), plus exact duplicates.
Eigen::MatrixXd blobs(Eigen::Index n, int d, unsigned seed) {
  std::mt19937_64 rng(seed);
  std::normal_distribution<double> normal(0.0, 1.0);
  Eigen::MatrixXd X(n, d);
  for (Eigen::Index i = 0; i < n; ++i)
    for (int k = 0; k < d; ++k) X(i, k) = 1e3 * static_cast<double>(i % 4) + (i % 5 == 0 ? 1e-4 : 1.0) * normal(rng);
  for (Eigen::Index i = 9; i < n; i += 31) X.row(i) = X.row(i - 7);
  return X;
}

class Avx512Bodies : public ::testing::Test {
 protected:
  void SetUp() override {
    if (!vc::use_avx512()) GTEST_SKIP() << "this CPU has no AVX-512: one body only";
  }
  void TearDown() override { vc::allow_avx512(true); }
};

// Sizes around the vector widths and the tiles' blocks: rows not a multiple of 8 or 16, columns
// left over after groups of 8 and 4, one feature and more features than a cache line holds.
const std::vector<std::pair<Eigen::Index, int>> kShapes = {{2, 1},   {7, 3},   {12, 16}, {20, 2},
                                                           {37, 5},  {260, 16}, {613, 9}, {1030, 33}};

TEST_F(Avx512Bodies, PairwiseDistancesAndSilhouettesAreTheSameBits) {
  for (const auto& [n, d] : kShapes) {
    SCOPED_TRACE("n = " + std::to_string(n) + ", d = " + std::to_string(d));
    const Eigen::MatrixXd X = blobs(n, d, static_cast<unsigned>(n * 7 + d));
    const auto [narrow, wide] = narrow_then_wide([&] { return vm::PairwiseDistances(X); });
    for (Eigen::Index i = 0; i < n; ++i)
      for (Eigen::Index j = 0; j < n; ++j) ASSERT_TRUE(same_bits(narrow(i, j), wide(i, j))) << i << ", " << j;
    if (n < 4) continue;
    std::vector<vm::RowLabels> parts(2);
    for (Eigen::Index i = 0; i < n; ++i) {
      parts[0].rows.push_back(static_cast<std::size_t>(i));
      parts[0].labels.push_back(static_cast<int>(i % 4));
      if (i % 3 != 0) {  // a partition of some rows only, as DBSCAN's without its noise
        parts[1].rows.push_back(static_cast<std::size_t>(i));
        parts[1].labels.push_back(static_cast<int>((i / 2) % 3));
      }
    }
    const auto [s_narrow, s_wide] = narrow_then_wide([&] { return vm::silhouettes(X, parts); });
    ASSERT_EQ(s_narrow.size(), s_wide.size());
    for (std::size_t p = 0; p < s_narrow.size(); ++p) EXPECT_TRUE(same_bits(s_narrow[p], s_wide[p])) << p;
  }
}

TEST_F(Avx512Bodies, AgglomerativeTreesAndNearestDistancesAreTheSameBits) {
  for (const auto& [n, d] : kShapes) {
    for (const auto linkage : {vc::Linkage::ward, vc::Linkage::complete, vc::Linkage::average}) {
      SCOPED_TRACE("n = " + std::to_string(n) + ", d = " + std::to_string(d) + ", " + vc::linkage_name(linkage));
      const Eigen::MatrixXd X = blobs(n, d, static_cast<unsigned>(n + d));
      const int k = static_cast<int>(std::min<Eigen::Index>(n, 5));
      const auto [narrow, wide] = narrow_then_wide([&] {
        vc::NearestSquared nearest;
        nearest.k = k;
        vc::Dendrogram tree = vc::agglomerative(X, {linkage}, &nearest);
        return std::make_pair(tree, nearest);
      });
      ASSERT_EQ(narrow.first.merges.size(), wide.first.merges.size());
      for (std::size_t m = 0; m < narrow.first.merges.size(); ++m) {
        const vc::Merge& a = narrow.first.merges[m];
        const vc::Merge& b = wide.first.merges[m];
        ASSERT_TRUE(a.a == b.a && a.b == b.b && a.size == b.size && same_bits(a.height, b.height)) << "merge " << m;
      }
      ASSERT_EQ(narrow.second.kth.size(), wide.second.kth.size());
      for (std::size_t i = 0; i < narrow.second.kth.size(); ++i) {
        EXPECT_TRUE(same_bits(narrow.second.kth[i], wide.second.kth[i])) << i;
        EXPECT_TRUE(same_bits(narrow.second.second[i], wide.second.second[i])) << i;
      }
    }
  }
}

TEST(Avx512Switch, OffMeansOffAndOnFollowsTheCpu) {
  const bool cpu = vc::use_avx512();
  vc::allow_avx512(false);
  EXPECT_FALSE(vc::use_avx512());
  vc::allow_avx512(true);
  EXPECT_EQ(vc::use_avx512(), cpu);
}

}  // namespace
