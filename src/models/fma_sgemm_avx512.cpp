// fma_sgemm's AVX-512 body: built with -mavx512f -mfma (src/CMakeLists.txt), called only where
// the CPU has AVX-512F (fma_sgemm.cpp). Six rows by four vectors: 24 of the 32 registers sum.
#include <immintrin.h>

namespace vaesweep::models::kernels {
namespace {

struct Avx512 {
  using V = __m512;
  using M = __mmask16;
  static constexpr int W = 16;
  static constexpr int MR = 6;
  static V zero() { return _mm512_setzero_ps(); }
  static M mask(int lanes) { return static_cast<M>((1u << lanes) - 1u); }  // lanes in [1, 16]
  static V load(const float* p) { return _mm512_loadu_ps(p); }
  static V load_masked(const float* p, M m) { return _mm512_maskz_loadu_ps(m, p); }
  static V broadcast(float x) { return _mm512_set1_ps(x); }
  static V fma(V a, V b, V c) { return _mm512_fmadd_ps(a, b, c); }
  static V add(V a, V b) { return _mm512_add_ps(a, b); }
  static void store(float* p, V v) { _mm512_storeu_ps(p, v); }
  static void store_masked(float* p, V v, M m) { _mm512_mask_storeu_ps(p, m, v); }
};

#include "models/fma_sgemm_body.hpp"

}  // namespace

void fma_sgemm_avx512(bool transpose_a, bool transpose_b, int m, int n, int k, const float* a, int lda, const float* b,
                      int ldb, bool accumulate, const float* bias, float* c, int ldc, float* scratch) {
  fma_sgemm_isa<Avx512>(transpose_a, transpose_b, m, n, k, a, lda, b, ldb, accumulate, bias, c, ldc, scratch);
}

}  // namespace vaesweep::models::kernels
