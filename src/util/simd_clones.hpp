#pragma once
// Function multi-versioning for the hot loops: GCC emits one body per target named here and an
// ifunc resolver that picks the best one the CPU supports when the program starts. Elsewhere
// (clang, another architecture) the baseline body is the only one.
//
//   VAESWEEP_AVX2_CLONES    AVX2 and baseline bodies;
//   VAESWEEP_AVX512_CLONES  AVX-512F, AVX2 and baseline bodies;
//   VAESWEEP_AVX512         one function compiled for AVX-512F alone, called only after a run
//                           time check (cluster::use_avx512()).
//
// Files that use these keep fused multiply-add off (-ffp-contract=off, src/CMakeLists.txt)
// where every body must give the same bits.

#if defined(__x86_64__) && defined(__GNUC__) && !defined(__clang__)
#define VAESWEEP_AVX2_CLONES __attribute__((target_clones("avx2", "default")))
#define VAESWEEP_AVX512_CLONES __attribute__((target_clones("avx512f", "avx2", "default")))
#define VAESWEEP_AVX512 __attribute__((target("avx512f")))
#else
#define VAESWEEP_AVX2_CLONES
#define VAESWEEP_AVX512_CLONES
#define VAESWEEP_AVX512
#endif
