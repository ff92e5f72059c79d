#pragma once
// The arithmetic kernels of the batched MLP engine (batched_mlp.cpp), for float and double:
// row-major GEMM (float: fma_sgemm.hpp where the CPU has FMA, else CBLAS; double: CBLAS), and
// the elementwise loops compiled for AVX-512, AVX2 and the
// x86-64 baseline with a dispatch on the CPU at run time (never requiring AVX2 to build).
//
// Every clone computes bit-identical results: the loops only use IEEE operations that are
// correctly rounded (+, -, *, /, sqrt, compare), the file is built with -ffp-contract=off (no
// fused multiply-add that only the AVX2 clone could use), and sums run in a fixed order (a
// column sum adds row after row, vectorised across columns, never reassociated).
#include <cstddef>

namespace vaesweep::models::kernels {

// C = alpha * op(A) * op(B) + beta * C, row-major, op(A) is m x k, op(B) is k x n. In float with
// alpha 1 and beta 0 or 1 (every call of the engine) fma_sgemm's arithmetic where it runs.
void gemm(bool transpose_a, bool transpose_b, int m, int n, int k, float alpha, const float* a, int lda,
          const float* b, int ldb, float beta, float* c, int ldc);
void gemm(bool transpose_a, bool transpose_b, int m, int n, int k, double alpha, const double* a, int lda,
          const double* b, int ldb, double beta, double* c, int ldc);

// y = x W^T + the row `bias` under every row: a linear layer on `rows` rows, x rows x in (leading
// dimension ldx), W out x in, y rows x out. The same numbers as a GEMM with beta 1 on y filled
// with the bias rows (ATen's addmm); the FMA bodies add the bias in registers.
void linear_rows(int rows, int out, int in, const float* x, int ldx, const float* w, const float* bias, float* y);
void linear_rows(int rows, int out, int in, const double* x, int ldx, const double* w, const double* bias, double* y);

// y[i] = max(y[i], 0), NaN kept (torch's relu keeps it, so a diverging model shows in the loss).
void relu(std::size_t n, float* y);
void relu(std::size_t n, double* y);

// d[i] = 0 where y[i] <= 0 (y is the ReLU's output): torch's threshold_backward.
void relu_backward(std::size_t n, const float* y, float* d);
void relu_backward(std::size_t n, const double* y, double* d);

// out[j] = sum over i of d[i * cols + j], rows added in order.
void column_sums(int rows, int cols, const float* d, float* out);
void column_sums(int rows, int cols, const double* d, double* out);

// Adam's constants of one step, in the engine's scalar type, as torch::optim::Adam (1.13)
// rounds them: bias corrections in double, then every scalar cast to the tensor's type.
template <typename Scalar>
struct AdamStep {
  Scalar beta1, one_minus_beta1, beta2, one_minus_beta2;
  Scalar sqrt_bias_correction2;  // sqrt(1 - beta2^t)
  Scalar eps;
  Scalar minus_step_size;        // -lr / (1 - beta1^t)
};
// PyTorch's defaults: betas (0.9, 0.999), eps 1e-8; `step` counts from 1.
template <typename Scalar>
AdamStep<Scalar> adam_step_constants(double learning_rate, long long step);

// One Adam step over n parameters in one pass, the same operations in the same order as
// torch::optim::Adam::step (1.13, no weight decay, no amsgrad):
//   m = m * beta1 + (1 - beta1) * g;  v = v * beta2 + (1 - beta2) * g * g
//   p = p + (-step_size * m) / (sqrt(v) / sqrt(bias_correction2) + eps)
void adam_update(std::size_t n, const AdamStep<float>& c, const float* g, float* m, float* v, float* p);
void adam_update(std::size_t n, const AdamStep<double>& c, const double* g, double* m, double* v, double* p);

}  // namespace vaesweep::models::kernels
