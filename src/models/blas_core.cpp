#include "models/blas_core.hpp"

#include <dlfcn.h>

namespace vaesweep::models {

std::string openblas_core() {
  // Looked up rather than linked: the generic libblas.so we link against (the reference BLAS's
  // development link) does not declare it; the libblas.so.3 loaded at run time may be OpenBLAS.
  using CoreName = char* (*)();
  const auto get = reinterpret_cast<CoreName>(dlsym(RTLD_DEFAULT, "openblas_get_corename"));
  const char* name = get ? get() : nullptr;
  return name ? name : "";
}

std::string openblas_coretype_fix() {
  if (openblas_core() != "Prescott") return "";
#if defined(__GNUC__) && defined(__x86_64__)
  if (__builtin_cpu_supports("avx512f") && __builtin_cpu_supports("avx512cd") &&
      __builtin_cpu_supports("avx512bw") && __builtin_cpu_supports("avx512dq") && __builtin_cpu_supports("avx512vl"))
    return "SkylakeX";
  if (__builtin_cpu_supports("avx2") && __builtin_cpu_supports("fma")) return "Haswell";
#endif
  return "";
}

}  // namespace vaesweep::models
