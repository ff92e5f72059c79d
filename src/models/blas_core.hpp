#pragma once
// Which kernels the BLAS behind the batched engine's GEMMs (and LibTorch's) runs, and the fix
// for a known mis-detection. OpenBLAS built with DYNAMIC_ARCH picks its kernels once, when it
// is loaded; before 0.3.25 it falls back to its SSE3 "Prescott" kernels on an Intel CPU model
// it does not know (OpenMathLib/OpenBLAS#4267, fixed by #4268). Debian 12 ships 0.3.21, and
// the Xeons of our machines (family 6, model 207) are such a model: SGEMM runs at 27 instead of
// 116 GFLOP/s on the engine's shapes, and training takes 2.5x longer (bench/README.md). Setting
// OPENBLAS_CORETYPE before the process starts overrides the choice.
#include <string>

namespace vaesweep::models {

// OpenBLAS's kernel set ("SkylakeX", "Haswell", "Prescott", ...); empty when the BLAS loaded is
// not OpenBLAS.
std::string openblas_core();

// The OPENBLAS_CORETYPE that undoes the fallback: "SkylakeX" when OpenBLAS runs "Prescott" on a
// CPU with AVX-512 (F, CD, BW, DQ, VL), "Haswell" on one with AVX2 and FMA; empty otherwise
// (no fallback, not OpenBLAS, or a CPU without either).
std::string openblas_coretype_fix();

}  // namespace vaesweep::models
