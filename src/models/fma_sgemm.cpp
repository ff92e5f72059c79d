#include "models/fma_sgemm.hpp"

#include <cstddef>
#include <vector>

#include "util/error.hpp"

namespace vaesweep::models::kernels {

#if defined(__x86_64__) && defined(__GNUC__)
#define VAESWEEP_FMA_SGEMM 1
// The bodies, each in a file built for its instruction set.
void fma_sgemm_avx512(bool transpose_a, int m, int n, int k, const float* a, int lda, const float* b, int ldb,
                      bool accumulate, float* c, int ldc);
void fma_sgemm_avx2(bool transpose_a, int m, int n, int k, const float* a, int lda, const float* b, int ldb,
                    bool accumulate, float* c, int ldc);
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
               int ldb, bool accumulate, float* c, int ldc) {
  VAESWEEP_ASSERT(m >= 0 && n >= 0 && k >= 0, "fma_sgemm sizes");
  VAESWEEP_ASSERT(body != FmaSgemmBody::none && (body == fma_sgemm_best() || body == FmaSgemmBody::avx2),
                  "fma_sgemm body this CPU runs");
#ifdef VAESWEEP_FMA_SGEMM
  if (tb) {  // the bodies read B by rows of n: transpose it once (n x k, at most a layer's weights)
    thread_local std::vector<float> packed;
    packed.resize(static_cast<std::size_t>(k) * static_cast<std::size_t>(n));
    for (int j = 0; j < n; ++j) {
      const float* from = b + static_cast<std::size_t>(j) * static_cast<std::size_t>(ldb);
      for (int p = 0; p < k; ++p) packed[static_cast<std::size_t>(p) * static_cast<std::size_t>(n) + j] = from[p];
    }
    b = packed.data();
    ldb = n;
  }
  if (body == FmaSgemmBody::avx512)
    fma_sgemm_avx512(ta, m, n, k, a, lda, b, ldb, accumulate, c, ldc);
  else
    fma_sgemm_avx2(ta, m, n, k, a, lda, b, ldb, accumulate, c, ldc);
#else
  (void)ta, (void)tb, (void)a, (void)lda, (void)b, (void)ldb, (void)accumulate, (void)c, (void)ldc;
#endif
}

}  // namespace vaesweep::models::kernels
