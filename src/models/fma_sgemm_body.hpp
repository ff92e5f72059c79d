#pragma once
// The body of fma_sgemm (fma_sgemm.hpp) for one instruction set, included by the file compiled
// for it (fma_sgemm_avx2.cpp, fma_sgemm_avx512.cpp) inside an anonymous namespace, after it has
// included <immintrin.h> and defined `Isa`: the vector type V and its mask M, W floats a vector,
// MR rows a tile, and the operations below. It includes nothing and uses no inline function of
// another header (intrinsics are never emitted as functions), so no code built for a wider
// instruction set can be shared with (and run by) the rest of the program.
//
// B is read as row-major k x n (a transposed B is packed so first). A tile is MR rows x NV vectors
// of C, held in registers while p runs over k: each element is one chain of fused multiply-adds
// from zero in p order, then added to its addend when there is one: C itself (accumulating) or a
// bias row (addend_ld 0: the same row for every row of C).

// packed[p * n + j] = b[j * ldb + p] for j < n, p < k: 8 x 8 blocks through AVX registers
// (both instruction sets have AVX2), the edges one float at a time.
inline void fma_pack_transposed(int n, int k, const float* b, int ldb, float* packed) {
  int j = 0;
  for (; j + 8 <= n; j += 8) {
    int p = 0;
    for (; p + 8 <= k; p += 8) {
      __m256 r[8];
      for (int q = 0; q < 8; ++q) r[q] = _mm256_loadu_ps(b + static_cast<long>(j + q) * ldb + p);
      __m256 t[8], s[8];
      for (int q = 0; q < 8; q += 2) {
        t[q] = _mm256_unpacklo_ps(r[q], r[q + 1]);
        t[q + 1] = _mm256_unpackhi_ps(r[q], r[q + 1]);
      }
      for (int q = 0; q < 8; q += 4) {
        s[q] = _mm256_shuffle_ps(t[q], t[q + 2], 0x44);
        s[q + 1] = _mm256_shuffle_ps(t[q], t[q + 2], 0xEE);
        s[q + 2] = _mm256_shuffle_ps(t[q + 1], t[q + 3], 0x44);
        s[q + 3] = _mm256_shuffle_ps(t[q + 1], t[q + 3], 0xEE);
      }
      for (int q = 0; q < 4; ++q) {
        _mm256_storeu_ps(packed + static_cast<long>(p + q) * n + j, _mm256_permute2f128_ps(s[q], s[q + 4], 0x20));
        _mm256_storeu_ps(packed + static_cast<long>(p + q + 4) * n + j, _mm256_permute2f128_ps(s[q], s[q + 4], 0x31));
      }
    }
    for (; p < k; ++p)
      for (int q = 0; q < 8; ++q) packed[static_cast<long>(p) * n + j + q] = b[static_cast<long>(j + q) * ldb + p];
  }
  for (; j < n; ++j)
    for (int p = 0; p < k; ++p) packed[static_cast<long>(p) * n + j] = b[static_cast<long>(j) * ldb + p];
}

// One tile: rows [i0, i0 + MR), columns [j0, j0 + cols), cols in ((NV - 1) W, NV W].
template <class Isa, int MR, int NV, bool TransposeA>
[[gnu::always_inline]] inline void fma_tile(int cols, int k, const float* a, int lda, const float* b, int ldb,
                                            const float* addend, long addend_ld, float* c, int ldc, int i0,
                                            int j0) {
  typename Isa::V sum[MR][NV];
  for (int r = 0; r < MR; ++r)
    for (int v = 0; v < NV; ++v) sum[r][v] = Isa::zero();
  const typename Isa::M last = Isa::mask(cols - (NV - 1) * Isa::W);
  for (int p = 0; p < k; ++p) {
    const float* b_row = b + static_cast<long>(p) * ldb + j0;
    typename Isa::V bv[NV];
    for (int v = 0; v + 1 < NV; ++v) bv[v] = Isa::load(b_row + v * Isa::W);
    bv[NV - 1] = Isa::load_masked(b_row + (NV - 1) * Isa::W, last);
    for (int r = 0; r < MR; ++r) {
      const float x = TransposeA ? a[static_cast<long>(p) * lda + i0 + r] : a[static_cast<long>(i0 + r) * lda + p];
      const typename Isa::V xv = Isa::broadcast(x);
      for (int v = 0; v < NV; ++v) sum[r][v] = Isa::fma(xv, bv[v], sum[r][v]);
    }
  }
  for (int r = 0; r < MR; ++r) {
    float* c_row = c + static_cast<long>(i0 + r) * ldc + j0;
    const float* add_row = addend ? addend + (i0 + r) * addend_ld + j0 : nullptr;
    for (int v = 0; v + 1 < NV; ++v)
      Isa::store(c_row + v * Isa::W, add_row ? Isa::add(Isa::load(add_row + v * Isa::W), sum[r][v]) : sum[r][v]);
    const int tail = (NV - 1) * Isa::W;
    Isa::store_masked(c_row + tail,
                      add_row ? Isa::add(Isa::load_masked(add_row + tail, last), sum[r][NV - 1]) : sum[r][NV - 1],
                      last);
  }
}

// Every row of one column block: MR rows at a time, then one by one.
template <class Isa, int NV, bool TransposeA>
void fma_column_block(int m, int cols, int k, const float* a, int lda, const float* b, int ldb, const float* addend,
                      long addend_ld, float* c, int ldc, int j0) {
  int i = 0;
  for (; i + Isa::MR <= m; i += Isa::MR)
    fma_tile<Isa, Isa::MR, NV, TransposeA>(cols, k, a, lda, b, ldb, addend, addend_ld, c, ldc, i, j0);
  for (; i < m; ++i) fma_tile<Isa, 1, NV, TransposeA>(cols, k, a, lda, b, ldb, addend, addend_ld, c, ldc, i, j0);
}

// Column blocks of four vectors, then the columns left (one to four vectors, the last masked).
template <class Isa, bool TransposeA>
void fma_sgemm_blocks(int m, int n, int k, const float* a, int lda, const float* b, int ldb, const float* addend,
                      long addend_ld, float* c, int ldc) {
  constexpr int kBlock = 4 * Isa::W;
  int j = 0;
  for (; j + kBlock <= n; j += kBlock)
    fma_column_block<Isa, 4, TransposeA>(m, kBlock, k, a, lda, b, ldb, addend, addend_ld, c, ldc, j);
  const int left = n - j;
  switch ((left + Isa::W - 1) / Isa::W) {
    case 0: break;
    case 1: fma_column_block<Isa, 1, TransposeA>(m, left, k, a, lda, b, ldb, addend, addend_ld, c, ldc, j); break;
    case 2: fma_column_block<Isa, 2, TransposeA>(m, left, k, a, lda, b, ldb, addend, addend_ld, c, ldc, j); break;
    case 3: fma_column_block<Isa, 3, TransposeA>(m, left, k, a, lda, b, ldb, addend, addend_ld, c, ldc, j); break;
    default: fma_column_block<Isa, 4, TransposeA>(m, left, k, a, lda, b, ldb, addend, addend_ld, c, ldc, j); break;
  }
}

// The entry of a body: a transposed B is first packed into `scratch` (n x k floats). The addend:
// none, C (accumulate), or the row `bias` under every row.
template <class Isa>
void fma_sgemm_isa(bool transpose_a, bool transpose_b, int m, int n, int k, const float* a, int lda, const float* b,
                   int ldb, bool accumulate, const float* bias, float* c, int ldc, float* scratch) {
  const float* addend = bias ? bias : accumulate ? c : nullptr;
  const long addend_ld = bias ? 0 : ldc;
  if (transpose_b) {
    fma_pack_transposed(n, k, b, ldb, scratch);
    b = scratch;
    ldb = n;
  }
  if (transpose_a)
    fma_sgemm_blocks<Isa, true>(m, n, k, a, lda, b, ldb, addend, addend_ld, c, ldc);
  else
    fma_sgemm_blocks<Isa, false>(m, n, k, a, lda, b, ldb, addend, addend_ld, c, ldc);
}
