#include "cluster/simd.hpp"

#include <atomic>

namespace vaesweep::cluster {
namespace {

bool cpu_has_avx512() {
#if defined(__x86_64__) && defined(__GNUC__) && !defined(__clang__)
  // libgcc's check includes the OS's support for the AVX-512 register state.
  return __builtin_cpu_supports("avx512f");
#else
  return false;
#endif
}

std::atomic<bool> g_allowed{true};

}  // namespace

bool use_avx512() {
  static const bool supported = cpu_has_avx512();
  return supported && g_allowed.load(std::memory_order_relaxed);
}

void allow_avx512(bool allowed) { g_allowed.store(allowed, std::memory_order_relaxed); }

}  // namespace vaesweep::cluster
