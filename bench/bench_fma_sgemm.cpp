// Benchmark: the batched engine's float GEMMs, vaesweep's own (models/fma_sgemm.hpp, each body
// this CPU runs) against OpenBLAS's cblas_sgemm (whatever kernels OPENBLAS_CORETYPE or the CPU
// select: the peer's and the previous build's), on the GEMMs of one training step of the
// D-64-32-z16 VAE with batches of 64 rows (D = 57 by default): the forward layers (A W^T + the
// bias), the weight gradients (G^T A) and the input gradients (G W), 20 calls.
//
//   bench_fma_sgemm [--input-dim 57] [--steps 2050] [--repeats 7]
//
// A repetition runs the step's calls --steps times (2050: 50 epochs of 2,617 rows); the sides
// take turns, the minimum of the repetitions is reported, in ms, with GFLOP/s:
//   openblas (Haswell)  min 104.4 ms  88 GFLOP/s
// It also prints how many output elements differ in their bits between the sides (OpenBLAS
// sums in its kernels' order). Times are never asserted.
#include <cblas.h>

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <random>
#include <string>
#include <vector>

#include "models/blas_core.hpp"
#include "models/fma_sgemm.hpp"

namespace {

using vaesweep::models::kernels::FmaSgemmBody;

struct Call {
  bool ta, tb;
  int m, n, k;
  bool accumulate;
  std::vector<float> a, b, c;
  int lda, ldb;
};

// One training step's GEMMs: layers D-64, 64-32, 32-16 (x2: mean, logvar), 16-32, 32-64, 64-D.
std::vector<Call> step_calls(int d, std::mt19937_64& rng) {
  const int rows = 64;
  const std::vector<std::pair<int, int>> layers = {{d, 64}, {64, 32}, {32, 16}, {32, 16}, {16, 32}, {32, 64}, {64, d}};
  std::vector<Call> calls;
  for (const auto& [in, out] : layers) {
    calls.push_back({false, true, rows, out, in, true, {}, {}, {}, in, in});      // forward: X W^T + b
    calls.push_back({true, false, out, in, rows, false, {}, {}, {}, out, in});    // dW = G^T X
    if (in != d) calls.push_back({false, false, rows, in, out, false, {}, {}, {}, out, in});  // dX = G W
  }
  std::normal_distribution<float> normal(0.0f, 1.0f);
  for (Call& c : calls) {
    c.a.resize(static_cast<std::size_t>(c.ta ? c.k : c.m) * static_cast<std::size_t>(c.lda));
    c.b.resize(static_cast<std::size_t>(c.tb ? c.n : c.k) * static_cast<std::size_t>(c.ldb));
    c.c.resize(static_cast<std::size_t>(c.m) * static_cast<std::size_t>(c.n));
    for (auto* v : {&c.a, &c.b, &c.c})
      for (float& x : *v) x = normal(rng);
  }
  return calls;
}

// FmaSgemmBody::none stands for OpenBLAS.
void run(FmaSgemmBody body, Call& c) {
  if (body == FmaSgemmBody::none)
    cblas_sgemm(CblasRowMajor, c.ta ? CblasTrans : CblasNoTrans, c.tb ? CblasTrans : CblasNoTrans, c.m, c.n, c.k, 1.0f,
                c.a.data(), c.lda, c.b.data(), c.ldb, c.accumulate ? 1.0f : 0.0f, c.c.data(), c.n);
  else
    vaesweep::models::kernels::fma_sgemm(body, c.ta, c.tb, c.m, c.n, c.k, c.a.data(), c.lda, c.b.data(), c.ldb,
                                         c.accumulate, c.c.data(), c.n);
}

int int_option(int argc, char** argv, const std::string& name, int fallback) {
  for (int i = 1; i + 1 < argc; ++i)
    if (name == argv[i]) return std::atoi(argv[i + 1]);
  return fallback;
}

}  // namespace

int main(int argc, char** argv) {
  const int d = int_option(argc, argv, "--input-dim", 57);
  const int steps = int_option(argc, argv, "--steps", 2050);
  const int repeats = int_option(argc, argv, "--repeats", 7);
  std::mt19937_64 rng(1);
  std::vector<Call> calls = step_calls(d, rng);
  double flops = 0;
  for (const Call& c : calls) flops += 2.0 * c.m * c.n * c.k;
  flops *= steps;

  std::vector<FmaSgemmBody> sides = {FmaSgemmBody::none};
  const FmaSgemmBody best = vaesweep::models::kernels::fma_sgemm_best();
  if (best == FmaSgemmBody::avx512) sides.push_back(FmaSgemmBody::avx512);
  if (best != FmaSgemmBody::none) sides.push_back(FmaSgemmBody::avx2);
  const std::string blas = vaesweep::models::openblas_core();
  auto name = [&](FmaSgemmBody body) {
    return body == FmaSgemmBody::none ? "openblas (" + (blas.empty() ? std::string("?") : blas) + ")"
                                      : "vaesweep " + vaesweep::models::kernels::fma_sgemm_name(body);
  };

  // Bits: each side from the same C.
  std::vector<std::vector<float>> first(calls.size());
  for (std::size_t i = 0; i < calls.size(); ++i) first[i] = calls[i].c;
  std::vector<std::vector<std::vector<float>>> out(sides.size());
  for (std::size_t s = 0; s < sides.size(); ++s)
    for (std::size_t i = 0; i < calls.size(); ++i) {
      calls[i].c = first[i];
      run(sides[s], calls[i]);
      out[s].push_back(calls[i].c);
    }

  std::vector<double> best_ms(sides.size(), 1e300);
  for (int r = 0; r < repeats; ++r)
    for (std::size_t s = 0; s < sides.size(); ++s) {
      const auto start = std::chrono::steady_clock::now();
      for (int step = 0; step < steps; ++step)
        for (Call& c : calls) run(sides[s], c);
      const double ms = std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - start).count();
      best_ms[s] = std::min(best_ms[s], ms);
    }
  std::printf("%zu GEMMs a step (batch 64, D = %d), %d steps, best of %d, the sides taking turns:\n", calls.size(), d,
              steps, repeats);
  for (std::size_t s = 0; s < sides.size(); ++s)
    std::printf("  %-22s min %7.1f ms  %5.0f GFLOP/s\n", name(sides[s]).c_str(), best_ms[s],
                flops / best_ms[s] * 1e-6);
  for (std::size_t s = 1; s < sides.size(); ++s) {
    std::size_t differ = 0, total = 0;
    for (std::size_t i = 0; i < calls.size(); ++i)
      for (std::size_t e = 0; e < out[s][i].size(); ++e, ++total)
        differ += std::memcmp(&out[s][i][e], &out[0][i][e], sizeof(float)) != 0;
    std::printf("  %s vs openblas: %zu of %zu outputs differ in their bits\n", name(sides[s]).c_str(), differ, total);
  }
  if (sides.size() == 3) {
    bool same = true;
    for (std::size_t i = 0; i < calls.size(); ++i) same = same && out[1][i] == out[2][i];
    std::printf("  avx512 and avx2 bodies: %s\n", same ? "the same bits" : "DIFFERENT bits");
  }
  return 0;
}
