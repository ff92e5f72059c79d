#pragma once
// The float GEMMs of the batched engine's training, by vaesweep itself rather than OpenBLAS.
//
// Why: a training step is ~20 GEMMs of at most 64 x 64 x 64 (a batch of rows through a layer of
// the MLP). At that size OpenBLAS spends much of a call packing both operands, and its speed is
// its kernels': under OPENBLAS_CORETYPE=Haswell (set on many clusters to make OpenBLAS agree
// across nodes) an AVX-512 CPU runs AVX2 kernels at half its peak. These kernels read A in place,
// pack only a transposed B, and use the widest vectors the CPU has.
//
// The arithmetic, the same on every body: C[i][j] = s, or C[i][j] + s when accumulating, where
// s is the products a(i, p) b(p, j) summed from zero in p order, each step one fused
// multiply-add. So a model's numbers no longer depend on which OpenBLAS kernels run, nor on
// OMP_NUM_THREADS (the kernels are single-threaded), but only on the CPU having FMA: OpenBLAS's
// AVX-512 kernels give these sums too for most shapes, its Haswell kernels another order.
#include <string>

namespace vaesweep::models::kernels {

// The bodies: 16 floats a vector (AVX-512F), 8 (AVX2 with FMA), or none (a CPU without FMA,
// another architecture: gemm() then calls OpenBLAS, whose sums differ in the last bits).
enum class FmaSgemmBody { none, avx2, avx512 };

// The best body this CPU runs.
FmaSgemmBody fma_sgemm_best();
// "avx512", "avx2" or "none", for provenance.
std::string fma_sgemm_name(FmaSgemmBody body);

// C = op(A) op(B), or C + op(A) op(B) when `accumulate`, or bias + op(A) op(B) with the row
// `bias` (n floats) under every row of C; row-major, op(A) is m x k, op(B) k x n. `body` must be
// one this CPU runs (fma_sgemm_best() or, on an AVX-512 CPU, avx2 too).
void fma_sgemm(FmaSgemmBody body, bool transpose_a, bool transpose_b, int m, int n, int k, const float* a, int lda,
               const float* b, int ldb, bool accumulate, float* c, int ldc, const float* bias = nullptr);

}  // namespace vaesweep::models::kernels
