// Built with -ffp-contract=off -fno-math-errno (src/CMakeLists.txt): the first keeps the
// clones bit-identical (see the header), the second lets GCC vectorise sqrt.
#include "models/batched_mlp_kernels.hpp"

#include <cblas.h>

#include <algorithm>
#include <cmath>

#include "util/simd_clones.hpp"
#include "models/fma_sgemm.hpp"

namespace vaesweep::models::kernels {
namespace {

CBLAS_TRANSPOSE op(bool transpose) { return transpose ? CblasTrans : CblasNoTrans; }

// The bodies are templates inlined into each clone, so every clone vectorises them for its own
// instruction set.
template <typename S>
[[gnu::always_inline]] inline void relu_body(std::size_t n, S* y) {
  for (std::size_t i = 0; i < n; ++i) y[i] = y[i] < S(0) ? S(0) : y[i];
}

template <typename S>
[[gnu::always_inline]] inline void relu_backward_body(std::size_t n, const S* y, S* d) {
  for (std::size_t i = 0; i < n; ++i) d[i] = y[i] <= S(0) ? S(0) : d[i];
}

template <typename S>
[[gnu::always_inline]] inline void column_sums_body(int rows, int cols, const S* d, S* out) {
  for (int j = 0; j < cols; ++j) out[j] = d[j];
  for (int i = 1; i < rows; ++i) {
    const S* row = d + static_cast<std::size_t>(i) * static_cast<std::size_t>(cols);
    for (int j = 0; j < cols; ++j) out[j] += row[j];
  }
}

template <typename S>
[[gnu::always_inline]] inline void adam_body(std::size_t n, const AdamStep<S>& c, const S* __restrict g,
                                             S* __restrict m, S* __restrict v, S* __restrict p) {
  const S beta1 = c.beta1, one_minus_beta1 = c.one_minus_beta1, beta2 = c.beta2, one_minus_beta2 = c.one_minus_beta2;
  const S sqrt_bc2 = c.sqrt_bias_correction2, eps = c.eps, minus_step = c.minus_step_size;
  for (std::size_t i = 0; i < n; ++i) {
    const S gi = g[i];
    const S mi = m[i] * beta1 + one_minus_beta1 * gi;
    const S vi = v[i] * beta2 + one_minus_beta2 * gi * gi;
    m[i] = mi;
    v[i] = vi;
    p[i] = p[i] + minus_step * mi / (std::sqrt(vi) / sqrt_bc2 + eps);
  }
}

}  // namespace

void gemm(bool ta, bool tb, int m, int n, int k, float alpha, const float* a, int lda, const float* b, int ldb,
          float beta, float* c, int ldc) {
  const FmaSgemmBody body = fma_sgemm_best();
  if (body != FmaSgemmBody::none && alpha == 1.0f && (beta == 0.0f || beta == 1.0f)) {
    fma_sgemm(body, ta, tb, m, n, k, a, lda, b, ldb, beta == 1.0f, c, ldc);
    return;
  }
  cblas_sgemm(CblasRowMajor, op(ta), op(tb), m, n, k, alpha, a, lda, b, ldb, beta, c, ldc);
}

namespace {

template <typename S>
void linear_rows_blas(int rows, int out, int in, const S* x, int ldx, const S* w, const S* bias, S* y) {
  for (int i = 0; i < rows; ++i)
    std::copy(bias, bias + out, y + static_cast<std::size_t>(i) * static_cast<std::size_t>(out));
  gemm(false, true, rows, out, in, S(1), x, ldx, w, in, S(1), y, out);
}

}  // namespace

void linear_rows(int rows, int out, int in, const float* x, int ldx, const float* w, const float* bias, float* y) {
  const FmaSgemmBody body = fma_sgemm_best();
  if (body == FmaSgemmBody::none)
    linear_rows_blas(rows, out, in, x, ldx, w, bias, y);
  else
    fma_sgemm(body, false, true, rows, out, in, x, ldx, w, in, false, y, out, bias);
}
void linear_rows(int rows, int out, int in, const double* x, int ldx, const double* w, const double* bias, double* y) {
  linear_rows_blas(rows, out, in, x, ldx, w, bias, y);
}

void gemm(bool ta, bool tb, int m, int n, int k, double alpha, const double* a, int lda, const double* b, int ldb,
          double beta, double* c, int ldc) {
  cblas_dgemm(CblasRowMajor, op(ta), op(tb), m, n, k, alpha, a, lda, b, ldb, beta, c, ldc);
}

VAESWEEP_AVX512_CLONES void relu(std::size_t n, float* y) { relu_body(n, y); }
VAESWEEP_AVX512_CLONES void relu(std::size_t n, double* y) { relu_body(n, y); }

VAESWEEP_AVX512_CLONES void relu_backward(std::size_t n, const float* y, float* d) { relu_backward_body(n, y, d); }
VAESWEEP_AVX512_CLONES void relu_backward(std::size_t n, const double* y, double* d) { relu_backward_body(n, y, d); }

VAESWEEP_AVX512_CLONES void column_sums(int rows, int cols, const float* d, float* out) {
  column_sums_body(rows, cols, d, out);
}
VAESWEEP_AVX512_CLONES void column_sums(int rows, int cols, const double* d, double* out) {
  column_sums_body(rows, cols, d, out);
}

template <typename Scalar>
AdamStep<Scalar> adam_step_constants(double learning_rate, long long step) {
  constexpr double beta1 = 0.9, beta2 = 0.999, eps = 1e-8;
  const double bias_correction1 = 1 - std::pow(beta1, static_cast<double>(step));
  const double bias_correction2 = 1 - std::pow(beta2, static_cast<double>(step));
  return {static_cast<Scalar>(beta1),
          static_cast<Scalar>(1 - beta1),
          static_cast<Scalar>(beta2),
          static_cast<Scalar>(1 - beta2),
          static_cast<Scalar>(std::sqrt(bias_correction2)),
          static_cast<Scalar>(eps),
          static_cast<Scalar>(-(learning_rate / bias_correction1))};
}
template AdamStep<float> adam_step_constants<float>(double, long long);
template AdamStep<double> adam_step_constants<double>(double, long long);

VAESWEEP_AVX512_CLONES void adam_update(std::size_t n, const AdamStep<float>& c, const float* g, float* m, float* v,
                                      float* p) {
  adam_body(n, c, g, m, v, p);
}
VAESWEEP_AVX512_CLONES void adam_update(std::size_t n, const AdamStep<double>& c, const double* g, double* m,
                                      double* v, double* p) {
  adam_body(n, c, g, m, v, p);
}

}  // namespace vaesweep::models::kernels
