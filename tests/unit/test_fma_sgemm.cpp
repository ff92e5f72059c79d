// The batched engine's float GEMMs (models/fma_sgemm.hpp): every element is the chain of fused
// multiply-adds from zero in k order (then added to C when accumulating), to the bit, for every
// body this CPU runs, every transposition and edge shape; and the products agree with
// OpenBLAS's sgemm to float rounding.
#include <gtest/gtest.h>

#include <cblas.h>

#include <algorithm>
#include <array>
#include <cmath>
#include <cstddef>
#include <cstring>
#include <random>
#include <vector>

#include "models/batched_mlp_kernels.hpp"
#include "models/fma_sgemm.hpp"

namespace vaesweep::models::kernels {
namespace {

struct Case {
  bool ta, tb;
  int m, n, k;
  bool accumulate;
};

struct Operands {
  std::vector<float> a, b, c;
  int lda, ldb;
};

// Leading dimensions a few floats wider than the rows, so that a body reading past a row shows.
Operands operands(const Case& s, std::mt19937_64& rng) {
  std::normal_distribution<float> normal(0.0f, 1.0f);
  Operands o;
  o.lda = (s.ta ? s.m : s.k) + 3;
  o.ldb = (s.tb ? s.k : s.n) + 5;
  o.a.resize(static_cast<std::size_t>(s.ta ? s.k : s.m) * static_cast<std::size_t>(o.lda) + 1);
  o.b.resize(static_cast<std::size_t>(s.tb ? s.n : s.k) * static_cast<std::size_t>(o.ldb) + 1);
  o.c.resize(static_cast<std::size_t>(s.m) * static_cast<std::size_t>(s.n));
  for (auto* v : {&o.a, &o.b, &o.c})
    for (float& x : *v) x = normal(rng);
  return o;
}

// The definition, one element at a time.
std::vector<float> reference(const Case& s, const Operands& o) {
  std::vector<float> c = o.c;
  for (int i = 0; i < s.m; ++i)
    for (int j = 0; j < s.n; ++j) {
      float sum = 0.0f;
      for (int p = 0; p < s.k; ++p) {
        const int at_a = s.ta ? p * o.lda + i : i * o.lda + p;
        const int at_b = s.tb ? j * o.ldb + p : p * o.ldb + j;
        sum = std::fma(o.a[static_cast<std::size_t>(at_a)], o.b[static_cast<std::size_t>(at_b)], sum);
      }
      float& out = c[static_cast<std::size_t>(i * s.n + j)];
      out = s.accumulate ? out + sum : sum;
    }
  return c;
}

std::vector<FmaSgemmBody> bodies_here() {
  std::vector<FmaSgemmBody> out;
  if (fma_sgemm_best() == FmaSgemmBody::avx512) out.push_back(FmaSgemmBody::avx512);
  if (fma_sgemm_best() != FmaSgemmBody::none) out.push_back(FmaSgemmBody::avx2);
  return out;
}

std::vector<Case> cases() {
  std::vector<Case> out;
  // The MLP's shapes (batch 64 through 57-64-32-z16 and back) and the posterior pass's rows.
  for (const auto [m, n, k] : {std::array{64, 64, 57}, {64, 16, 32}, {57, 64, 64}, {64, 57, 64}, {2617, 64, 57}})
    for (int t = 0; t < 4; ++t) out.push_back({(t & 1) != 0, (t & 2) != 0, m, n, k, t % 3 == 0});
  std::mt19937_64 rng(5);
  std::uniform_int_distribution<int> size(1, 70);
  for (int r = 0; r < 160; ++r)
    out.push_back({rng() % 2 == 0, rng() % 2 == 0, size(rng), size(rng), size(rng) - 1, rng() % 2 == 0});
  out.push_back({false, false, 0, 5, 3, true});  // empty shapes
  out.push_back({true, true, 4, 0, 3, false});
  return out;
}

TEST(FmaSgemm, EveryElementIsTheChainOfFusedMultiplyAddsInKOrder) {
  const auto bodies = bodies_here();
  if (bodies.empty()) GTEST_SKIP() << "this CPU has no AVX2 with FMA: gemm() calls OpenBLAS";
  std::mt19937_64 rng(17);
  for (const Case& s : cases()) {
    const Operands o = operands(s, rng);
    const std::vector<float> want = reference(s, o);
    for (const FmaSgemmBody body : bodies) {
      SCOPED_TRACE(fma_sgemm_name(body) + " ta " + std::to_string(s.ta) + " tb " + std::to_string(s.tb) + " m " +
                   std::to_string(s.m) + " n " + std::to_string(s.n) + " k " + std::to_string(s.k) + " accumulate " +
                   std::to_string(s.accumulate));
      std::vector<float> c = o.c;
      fma_sgemm(body, s.ta, s.tb, s.m, s.n, s.k, o.a.data(), o.lda, o.b.data(), o.ldb, s.accumulate, c.data(), s.n);
      ASSERT_EQ(std::memcmp(c.data(), want.data(), c.size() * sizeof(float)), 0);
    }
  }
}

// OpenBLAS sums in its own order: the two agree to float rounding, scaled by the sum of the
// products' magnitudes.
TEST(FmaSgemm, AgreesWithOpenBlasToRounding) {
  if (bodies_here().empty()) GTEST_SKIP() << "this CPU has no AVX2 with FMA";
  std::mt19937_64 rng(23);
  for (const Case& s : cases()) {
    const Operands o = operands(s, rng);
    std::vector<float> ours = o.c, blas = o.c;
    fma_sgemm(fma_sgemm_best(), s.ta, s.tb, s.m, s.n, s.k, o.a.data(), o.lda, o.b.data(), o.ldb, s.accumulate,
              ours.data(), s.n);
    if (s.m > 0 && s.n > 0)
      cblas_sgemm(CblasRowMajor, s.ta ? CblasTrans : CblasNoTrans, s.tb ? CblasTrans : CblasNoTrans, s.m, s.n, s.k,
                  1.0f, o.a.data(), o.lda, o.b.data(), o.ldb, s.accumulate ? 1.0f : 0.0f, blas.data(), s.n);
    for (std::size_t e = 0; e < ours.size(); ++e) {
      const double scale = 1.0 + std::sqrt(static_cast<double>(s.k)) * 4.0;  // |products| ~ N(0, 1) each
      ASSERT_NEAR(ours[e], blas[e], 1e-5 * scale) << "element " << e;
    }
  }
}

// The engine's gemm() takes the FMA bodies for alpha 1 and beta 0 or 1 (OpenBLAS otherwise), and
// its linear layers too.
TEST(FmaSgemm, TheEnginesGemmRunsItForItsCalls) {
  if (bodies_here().empty()) GTEST_SKIP() << "this CPU has no AVX2 with FMA";
  std::mt19937_64 rng(29);
  const Case s{false, true, 64, 57, 64, true};
  const Operands o = operands(s, rng);
  std::vector<float> engine = o.c;
  gemm(false, true, s.m, s.n, s.k, 1.0f, o.a.data(), o.lda, o.b.data(), o.ldb, 1.0f, engine.data(), s.n);
  const std::vector<float> want = reference(s, o);
  EXPECT_EQ(std::memcmp(engine.data(), want.data(), want.size() * sizeof(float)), 0);

  // A linear layer: the bias added in registers gives what C filled with bias rows and
  // accumulated gives.
  Operands with_bias = o;  // with W's rows packed (a layer's weights have leading dimension k)
  with_bias.ldb = s.k;
  with_bias.b.assign(static_cast<std::size_t>(s.n) * static_cast<std::size_t>(s.k), 0.0f);
  for (int j = 0; j < s.n; ++j)
    for (int p = 0; p < s.k; ++p)
      with_bias.b[static_cast<std::size_t>(j * s.k + p)] = o.b[static_cast<std::size_t>(j * o.ldb + p)];
  const std::vector<float> bias(o.c.begin(), o.c.begin() + s.n);
  for (int i = 0; i < s.m; ++i)
    std::copy(bias.begin(), bias.end(), with_bias.c.begin() + static_cast<std::ptrdiff_t>(i) * s.n);
  const std::vector<float> layer_want = reference(s, with_bias);
  std::vector<float> layer(o.c.size(), -1.0f);
  linear_rows(s.m, s.n, s.k, o.a.data(), o.lda, with_bias.b.data(), bias.data(), layer.data());
  EXPECT_EQ(std::memcmp(layer.data(), layer_want.data(), layer_want.size() * sizeof(float)), 0);
}

}  // namespace
}  // namespace vaesweep::models::kernels
