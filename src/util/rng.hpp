#pragma once
// Deterministic seeding. Every random choice in vaesweep draws from a generator seeded by an
// explicit 64-bit seed; sub-streams (one per restart, per k, per method) are derived with
// derive_seed so that results never depend on the order in which work is done or on the rank
// that does it.
#include <cstdint>
#include <initializer_list>
#include <random>  // the std distributions that draw from Rng

#include "util/mt19937_64.hpp"

namespace vaesweep {

// std::mt19937_64's output sequence, with a faster state refresh (util/mt19937_64.hpp).
using Rng = Mt19937_64;

// SplitMix64 finaliser: a bijective, well-mixed 64-bit hash.
constexpr std::uint64_t splitmix64(std::uint64_t x) {
  x += 0x9e3779b97f4a7c15ULL;
  x = (x ^ (x >> 30)) * 0xbf58476d1ce4e5b9ULL;
  x = (x ^ (x >> 27)) * 0x94d049bb133111ebULL;
  return x ^ (x >> 31);
}

// A seed for sub-stream `parts...` of `base`.
constexpr std::uint64_t derive_seed(std::uint64_t base, std::initializer_list<std::uint64_t> parts) {
  std::uint64_t h = splitmix64(base);
  for (std::uint64_t p : parts) h = splitmix64(h ^ splitmix64(p));
  return h;
}

}  // namespace vaesweep
