#include "util/mt19937_64.hpp"

#include <cstring>

#include "util/simd_clones.hpp"

namespace vaesweep {

namespace {

typedef std::uint64_t v4u __attribute__((vector_size(32)));

// The standard's parameters of mt19937_64 ([rand.predef]).
constexpr std::size_t kN = Mt19937_64::state_size;  // 312 words
constexpr std::size_t kM = 156;                     // the shift
constexpr std::uint64_t kA = 0xb5026f5aa96619e9ULL;  // the twist matrix's last row
constexpr std::uint64_t kUpper = ~std::uint64_t{0} << 31;  // r = 31 low bits from the next word
constexpr std::uint64_t kLower = ~kUpper;
constexpr std::uint64_t kInit = 6364136223846793005ULL;

static_assert(kN % 4 == 0 && kM % 4 == 0 && kN - kM == kM);

// Words i..i+3 of the new state from words i..i+4 and j..j+3, and their tempered outputs:
// x[i] = x[j] ^ (y >> 1) ^ (a if y is odd), where y is the top 33 bits of x[i] and the low 31
// of x[i+1]. The multiply by y's low bit is a mask (0 - bit), not a branch. (Pointers in, no
// vectors across the call: the body is inlined into each clone.)
[[gnu::always_inline]] inline void step4(std::uint64_t* x, std::uint64_t* out, std::size_t i, std::size_t j) {
  v4u lo, hi, far;
  std::memcpy(&lo, x + i, sizeof lo);
  std::memcpy(&hi, x + i + 1, sizeof hi);
  std::memcpy(&far, x + j, sizeof far);
  const v4u y = (lo & kUpper) | (hi & kLower);
  v4u t = far ^ (y >> 1) ^ ((0 - (y & 1)) & kA);
  std::memcpy(x + i, &t, sizeof t);
  t ^= (t >> 29) & 0x5555555555555555ULL;  // the tempering: u, d, s, b, t, c, l
  t ^= (t << 17) & 0x71d67fffeda60000ULL;
  t ^= (t << 37) & 0xfff7eee000000000ULL;
  t ^= t >> 43;
  std::memcpy(out + i, &t, sizeof t);
}

// Words [0, 156) read words i+1 and i+156, all old; words [156, 312) read i+1 (old) and i-156
// (new, written by the first loop, at least 4 words back). Word 311 reads word 312 as the new
// word 0, which x[312] holds for it.
[[gnu::always_inline]] inline void refill_body(std::uint64_t* x, std::uint64_t* out) {
  for (std::size_t i = 0; i < kN - kM; i += 4) step4(x, out, i, i + kM);
  x[kN] = x[0];
  for (std::size_t i = kN - kM; i < kN; i += 4) step4(x, out, i, i - (kN - kM));
}

}  // namespace

namespace detail {

VAESWEEP_AVX2_CLONES void mt19937_64_refill(std::uint64_t* x, std::uint64_t* out) {
  refill_body(x, out);
}

void mt19937_64_refill_baseline(std::uint64_t* x, std::uint64_t* out) { refill_body(x, out); }

}  // namespace detail

void Mt19937_64::seed(result_type value) {
  x_[0] = value;
  for (std::size_t i = 1; i < state_size; ++i) x_[i] = kInit * (x_[i - 1] ^ (x_[i - 1] >> 62)) + i;
  next_ = state_size;
}

void Mt19937_64::refill() {
  detail::mt19937_64_refill(x_.data(), out_.data());
  next_ = 0;
}

}  // namespace vaesweep
