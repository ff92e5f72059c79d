#pragma once
// std::mt19937_64's generator with a faster state refresh. The seeding, the twist and the
// tempering are the standard's (C++ [rand.predef]: the same output sequence for the same seed,
// checked in tests/unit/test_mt19937_64.cpp); only the refresh of the 312-word state differs in
// how it runs: branch-free, four words at a time in GCC's generic vectors, with an AVX2 clone
// chosen at run time. Integer operations only, so every clone gives the same bits. The refresh
// also tempers the 312 new words in bulk, so that a draw is a load.
//
// A UniformRandomBitGenerator: the std distributions, std::shuffle and
// std::generate_canonical take it as they take std::mt19937_64.
#include <array>
#include <cstddef>
#include <cstdint>

namespace vaesweep {

class Mt19937_64 {
 public:
  using result_type = std::uint64_t;
  static constexpr std::size_t state_size = 312;
  static constexpr result_type default_seed = 5489u;

  Mt19937_64() : Mt19937_64(default_seed) {}
  explicit Mt19937_64(result_type value) { seed(value); }

  // The standard's seeding: x[0] = value, x[i] = f * (x[i-1] ^ (x[i-1] >> 62)) + i.
  void seed(result_type value = default_seed);

  static constexpr result_type min() { return 0; }
  static constexpr result_type max() { return ~result_type{0}; }

  result_type operator()() {
    if (next_ == state_size) refill();
    return out_[next_++];
  }

 private:
  void refill();

  std::array<std::uint64_t, state_size + 1> x_;  // the state; x_[312] is the twist's scratch
  std::array<std::uint64_t, state_size> out_;    // the tempered outputs of the state
  std::size_t next_ = state_size;                // the next output to return
};

namespace detail {
// Twists the state x[0, 312) in place (x[312] is scratch) and writes its tempered words to
// out[0, 312): the AVX2 clone or the baseline, whichever the CPU runs.
void mt19937_64_refill(std::uint64_t* x, std::uint64_t* out);
// The same code without the AVX2 clone (for tests: the bits must not depend on the clone).
void mt19937_64_refill_baseline(std::uint64_t* x, std::uint64_t* out);
}  // namespace detail

}  // namespace vaesweep
