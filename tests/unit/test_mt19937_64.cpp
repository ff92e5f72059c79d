// Rng (util/mt19937_64.hpp): the same output sequence as std::mt19937_64 for the same seed.
// Expected values come from the C++ standard ([rand.predef]: the 10000th output of a
// default-constructed mt19937_64 is 9981545732273789042) and from libstdc++'s
// std::mt19937_64, drawn beside ours in each test.
#include <gtest/gtest.h>

#include <algorithm>
#include <array>
#include <concepts>
#include <cstdint>
#include <limits>
#include <numeric>
#include <random>
#include <vector>

#include "util/mt19937_64.hpp"
#include "util/rng.hpp"

namespace {

using vaesweep::Rng;

static_assert(std::same_as<Rng, vaesweep::Mt19937_64>);
static_assert(std::uniform_random_bit_generator<Rng>);
static_assert(Rng::min() == std::mt19937_64::min() && Rng::max() == std::mt19937_64::max());
static_assert(Rng::default_seed == std::mt19937_64::default_seed);

// Seeds the tests draw from: edge values and the sub-stream seeds the code base uses.
std::vector<std::uint64_t> seeds() {
  return {0,
          1,
          5489,
          std::numeric_limits<std::uint64_t>::max(),
          vaesweep::derive_seed(0, {0}),
          vaesweep::derive_seed(0, {1}),
          vaesweep::derive_seed(20240611, {0x5eed0f0d, 3}),
          vaesweep::derive_seed(7, {0xfeedULL, 12, 1})};
}

TEST(Mt19937_64, TenThousandthOutputOfTheDefaultSeedIsTheStandards) {
  Rng rng;
  for (int i = 0; i < 9999; ++i) rng();
  EXPECT_EQ(rng(), 9981545732273789042ULL);
  Rng seeded(5489);
  for (int i = 0; i < 9999; ++i) seeded();
  EXPECT_EQ(seeded(), 9981545732273789042ULL);
}

TEST(Mt19937_64, FirstOutputsEqualStdMt19937_64AcrossRefreshes) {
  for (std::uint64_t seed : seeds()) {
    Rng ours(seed);
    std::mt19937_64 theirs(seed);
    for (int i = 0; i < 5000; ++i) {  // 16 refreshes of the 312-word state
      ASSERT_EQ(ours(), theirs()) << "seed " << seed << ", output " << i;
    }
  }
}

TEST(Mt19937_64, SeedRestartsTheStream) {
  Rng rng(3);
  for (int i = 0; i < 700; ++i) rng();
  rng.seed(11);
  std::mt19937_64 theirs(11);
  for (int i = 0; i < 1000; ++i) ASSERT_EQ(rng(), theirs()) << "output " << i;
  rng.seed();
  theirs.seed();
  for (int i = 0; i < 1000; ++i) ASSERT_EQ(rng(), theirs()) << "output " << i;
}

TEST(Mt19937_64, CopiesContinueTheSameStream) {
  Rng rng(42);
  for (int i = 0; i < 500; ++i) rng();
  Rng copy = rng;
  std::vector<Rng> moved;
  moved.push_back(std::move(copy));
  for (int i = 0; i < 1000; ++i) ASSERT_EQ(rng(), moved[0]()) << "output " << i;
}

TEST(Mt19937_64, StdDistributionsDrawTheSameValuesAsWithStdMt19937_64) {
  for (std::uint64_t seed : seeds()) {
    Rng ours(seed);
    std::mt19937_64 theirs(seed);
    std::uniform_int_distribution<int> small(0, 99);
    std::uniform_int_distribution<std::uint64_t> wide(0, (std::uint64_t{1} << 62) + 12345);
    std::uniform_real_distribution<double> real(-1.0, 3.0);
    std::normal_distribution<double> normal(0.5, 2.0);
    std::normal_distribution<double> normal_theirs(0.5, 2.0);
    for (int i = 0; i < 1000; ++i) {
      ASSERT_EQ(small(ours), small(theirs)) << "seed " << seed << ", draw " << i;
      ASSERT_EQ(wide(ours), wide(theirs)) << "seed " << seed << ", draw " << i;
      ASSERT_EQ(real(ours), real(theirs)) << "seed " << seed << ", draw " << i;
      ASSERT_EQ(normal(ours), normal_theirs(theirs)) << "seed " << seed << ", draw " << i;
      ASSERT_EQ((std::generate_canonical<double, 53>(ours)), (std::generate_canonical<double, 53>(theirs)));
    }
    std::vector<int> a(1000);
    std::iota(a.begin(), a.end(), 0);
    std::vector<int> b = a;
    std::shuffle(a.begin(), a.end(), ours);
    std::shuffle(b.begin(), b.end(), theirs);
    EXPECT_EQ(a, b) << "seed " << seed;
    EXPECT_EQ(ours(), theirs()) << "seed " << seed;  // and the streams stay in step
  }
}

// The textbook twist and tempering (the standard's definition, one word at a time, with the
// branch on the low bit), applied to a state in place.
void reference_refill(std::uint64_t* x, std::uint64_t* out) {
  constexpr std::size_t n = 312, m = 156;
  constexpr std::uint64_t upper = ~std::uint64_t{0} << 31, lower = ~upper;
  for (std::size_t i = 0; i < n; ++i) {
    const std::uint64_t y = (x[i] & upper) | (x[(i + 1) % n] & lower);
    x[i] = x[(i + m) % n] ^ (y >> 1) ^ ((y & 1) ? 0xb5026f5aa96619e9ULL : 0);
  }
  for (std::size_t i = 0; i < n; ++i) {
    std::uint64_t z = x[i];
    z ^= (z >> 29) & 0x5555555555555555ULL;
    z ^= (z << 17) & 0x71d67fffeda60000ULL;
    z ^= (z << 37) & 0xfff7eee000000000ULL;
    out[i] = z ^ (z >> 43);
  }
}

// The refresh gives the same bits in the clone the CPU runs (AVX2 here), in the baseline build,
// and in the textbook loop, on arbitrary states (all words random, not only seeded ones).
TEST(Mt19937_64, RefreshIsTheSameInEveryCloneAndInTheTextbookLoop) {
  std::array<std::uint64_t, 313> dispatched{}, baseline{}, reference{};
  std::array<std::uint64_t, 312> out_dispatched{}, out_baseline{}, out_reference{};
  std::uint64_t h = 99;
  for (std::size_t i = 0; i < 312; ++i) dispatched[i] = h = vaesweep::splitmix64(h);
  baseline = dispatched;
  reference = dispatched;
  for (int round = 0; round < 8; ++round) {
    vaesweep::detail::mt19937_64_refill(dispatched.data(), out_dispatched.data());
    vaesweep::detail::mt19937_64_refill_baseline(baseline.data(), out_baseline.data());
    reference_refill(reference.data(), out_reference.data());
    for (std::size_t i = 0; i < 312; ++i) {
      ASSERT_EQ(dispatched[i], reference[i]) << "round " << round << ", word " << i;
      ASSERT_EQ(baseline[i], reference[i]) << "round " << round << ", word " << i;
      ASSERT_EQ(out_dispatched[i], out_reference[i]) << "round " << round << ", word " << i;
      ASSERT_EQ(out_baseline[i], out_reference[i]) << "round " << round << ", word " << i;
    }
  }
}

}  // namespace
