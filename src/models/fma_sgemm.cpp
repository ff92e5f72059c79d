#include "models/fma_sgemm.hpp"

#include <cstddef>
#include <vector>

#include "util/error.hpp"

namespace vaesweep::models::kernels {

#if defined(__x86_64__) && defined(__GNUC__)
#define VAESWEEP_FMA_SGEMM 1
// The bodies, each in a file built for its instruction set. A transposed B is packed into
// `scratch` (n x k floats) first; `bias` (or null) is added under every row instead of C.
void fma_sgemm_avx512(bool transpose_a, bool transpose_b, int m, int n, int k, const float* a, int lda, const float* b,
                      int ldb, bool accumulate, const float* bias, float* c, int ldc, float* scratch);
void fma_sgemm_avx2(bool transpose_a, bool transpose_b, int m, int n, int k, const float* a, int lda, const float* b,
                    int ldb, bool accumulate, const float* bias, float* c, int ldc, float* scratch);
#endif

namespace {

FmaSgemmBody detect() {
#ifdef VAESWEEP_FMA_SGEMM
  // libgcc's checks include the OS's support for the registers' state.
  __builtin_cpu_init();
  if (__builtin_cpu_supports("avx512f")) return FmaSgemmBody::avx512;
  if (__builtin_cpu_supports("avx2") && __builtin_cpu_supports("fma")) return FmaSgemmBody::avx2;
#endif
  return FmaSgemmBody::none;
}

}  // namespace

FmaSgemmBody fma_sgemm_best() {
  static const FmaSgemmBody best = detect();
  return best;
}

std::string fma_sgemm_name(FmaSgemmBody body) {
  switch (body) {
    case FmaSgemmBody::avx512: return "avx512";
    case FmaSgemmBody::avx2: return "avx2";
    case FmaSgemmBody::none: break;
  }
  return "none";
}

void fma_sgemm(FmaSgemmBody body, bool ta, bool tb, int m, int n, int k, const float* a, int lda, const float* b,
               int ldb, bool accumulate, float* c, int ldc, const float* bias) {
  VAESWEEP_ASSERT(m >= 0 && n >= 0 && k >= 0 && !(accumulate && bias), "fma_sgemm sizes");
  VAESWEEP_ASSERT(body != FmaSgemmBody::none && (body == fma_sgemm_best() || body == FmaSgemmBody::avx2),
                  "fma_sgemm body this CPU runs");
#ifdef VAESWEEP_FMA_SGEMM
  // The bodies read B by rows of n: a transposed B (at most a layer's weights) is packed first,
  // into a buffer that only grows (a resize down and up again would clear it each call).
  thread_local std::vector<float> scratch;
  const std::size_t packed = tb ? static_cast<std::size_t>(k) * static_cast<std::size_t>(n) : 0;
  if (scratch.size() < packed) scratch.resize(packed);
  if (body == FmaSgemmBody::avx512)
    fma_sgemm_avx512(ta, tb, m, n, k, a, lda, b, ldb, accumulate, bias, c, ldc, scratch.data());
  else
    fma_sgemm_avx2(ta, tb, m, n, k, a, lda, b, ldb, accumulate, bias, c, ldc, scratch.data());
#else
  (void)ta, (void)tb, (void)a, (void)lda, (void)b, (void)ldb, (void)accumulate, (void)c, (void)ldc, (void)bias;
#endif
}

}  // namespace vaesweep::models::kernels
