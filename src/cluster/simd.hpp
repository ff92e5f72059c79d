#pragma once
// Portable SIMD for the distance kernels of clustering and the silhouettes: GCC's generic
// vectors (two SSE2 registers on baseline x86-64, one AVX2 register in an AVX2 clone chosen at
// run time, scalar code elsewhere). Kernels avoid fused multiply-add, so every clone gives the
// same bits as the scalar loop.
//
// The hottest kernels also have an AVX-512 body (VAESWEEP_AVX512, eight doubles a vector),
// chosen at run time by use_avx512(). It computes each lane exactly as the narrower bodies do
// (the same operations in the same order, no fused multiply-add: the files that hold such a
// body are compiled with -ffp-contract=off, since AVX-512F implies FMA), so results do not
// depend on which body ran; only the speed does (on CPUs with full-width AVX-512 units).

#include "util/simd_clones.hpp"

namespace vaesweep::cluster {

// Four and eight doubles.
typedef double v4d __attribute__((vector_size(32)));
typedef double v8d __attribute__((vector_size(64)));

// Whether the AVX-512 bodies run: the CPU (and the OS) support AVX-512F, and allow_avx512(false)
// was not called.
bool use_avx512();
// Turns the AVX-512 bodies off (false) or back on where the CPU has them: the tests compare
// their results with the AVX2 bodies' on the same machine.
void allow_avx512(bool allowed);

}  // namespace vaesweep::cluster

