#pragma once
// Portable SIMD for the distance kernels of agglomerative and DBSCAN: GCC's generic vectors
// (two SSE2 registers on baseline x86-64, one AVX2 register in an AVX2 clone chosen at run
// time, scalar code elsewhere). Kernels avoid fused multiply-add, so every clone gives the
// same bits as the scalar loop.

namespace vaesweep::cluster {

// Four doubles.
typedef double v4d __attribute__((vector_size(32)));

}  // namespace vaesweep::cluster

#if defined(__x86_64__) && defined(__GNUC__) && !defined(__clang__)
#define VAESWEEP_AVX2_CLONES __attribute__((target_clones("avx2", "default")))
#else
#define VAESWEEP_AVX2_CLONES
#endif
