// fma_sgemm's AVX2 body: built with -mavx2 -mfma (src/CMakeLists.txt), called only where the CPU
// has both (fma_sgemm.cpp). Three rows by four vectors: 12 of the 16 registers sum.
#include <immintrin.h>

namespace vaesweep::models::kernels {
namespace {

struct Avx2 {
  using V = __m256;
  using M = __m256i;
  static constexpr int W = 8;
  static constexpr int MR = 3;
  static V zero() { return _mm256_setzero_ps(); }
  static M mask(int lanes) {  // lanes in [1, 8]: the first `lanes` lanes all ones
    return _mm256_cmpgt_epi32(_mm256_set1_epi32(lanes), _mm256_setr_epi32(0, 1, 2, 3, 4, 5, 6, 7));
  }
  static V load(const float* p) { return _mm256_loadu_ps(p); }
  static V load_masked(const float* p, M m) { return _mm256_maskload_ps(p, m); }
  static V broadcast(float x) { return _mm256_set1_ps(x); }
  static V fma(V a, V b, V c) { return _mm256_fmadd_ps(a, b, c); }
  static V add(V a, V b) { return _mm256_add_ps(a, b); }
  static void store(float* p, V v) { _mm256_storeu_ps(p, v); }
  static void store_masked(float* p, V v, M m) { _mm256_maskstore_ps(p, m, v); }
};

#include "models/fma_sgemm_body.hpp"

}  // namespace

void fma_sgemm_avx2(bool transpose_a, bool transpose_b, int m, int n, int k, const float* a, int lda, const float* b,
                    int ldb, bool accumulate, const float* bias, float* c, int ldc, float* scratch) {
  fma_sgemm_isa<Avx2>(transpose_a, transpose_b, m, n, k, a, lda, b, ldb, accumulate, bias, c, ldc, scratch);
}

}  // namespace vaesweep::models::kernels
