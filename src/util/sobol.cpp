#include "util/sobol.hpp"

#include <array>

#include "util/error.hpp"

namespace vaesweep {
namespace {

constexpr int kBits = 32;

// Dimensions 2..21 of S. Joe and F. Y. Kuo, "Constructing Sobol sequences with better
// two-dimensional projections", SIAM J. Sci. Comput. 30 (2008) 2635-2654, direction numbers file
// new-joe-kuo-6.21201 (https://web.maths.unsw.edu.au/~fkuo/sobol/), as scipy 1.10 stores them
// (scipy/stats/_sobol_direction_numbers.npz): the primitive polynomial with its leading and
// trailing 1 (degree s = bit length - 1, the file's a = the bits between) and the s initial
// m_i. Dimension 1 is van der Corput's (all m_i = 1).
struct Direction {
  std::uint32_t polynomial;
  std::array<std::uint32_t, 7> m;
};
constexpr std::array<Direction, kSobolMaxDimensions - 1> kJoeKuo = {{
    {3, {1}},                          // d=2  s=1 a=0
    {7, {1, 3}},                       // d=3  s=2 a=1
    {11, {1, 3, 1}},                   // d=4  s=3 a=1
    {13, {1, 1, 1}},                   // d=5  s=3 a=2
    {19, {1, 1, 3, 3}},                // d=6  s=4 a=1
    {25, {1, 3, 5, 13}},               // d=7  s=4 a=4
    {37, {1, 1, 5, 5, 17}},            // d=8  s=5 a=2
    {41, {1, 1, 5, 5, 5}},             // d=9  s=5 a=4
    {47, {1, 1, 7, 11, 19}},           // d=10 s=5 a=7
    {55, {1, 1, 5, 1, 1}},             // d=11 s=5 a=11
    {59, {1, 1, 1, 3, 11}},            // d=12 s=5 a=13
    {61, {1, 3, 5, 5, 31}},            // d=13 s=5 a=14
    {67, {1, 3, 3, 9, 7, 49}},         // d=14 s=6 a=1
    {91, {1, 1, 1, 15, 21, 21}},       // d=15 s=6 a=13
    {97, {1, 3, 1, 13, 27, 49}},       // d=16 s=6 a=16
    {103, {1, 1, 1, 15, 7, 5}},        // d=17 s=6 a=19
    {109, {1, 3, 1, 15, 13, 25}},      // d=18 s=6 a=22
    {115, {1, 1, 5, 5, 19, 61}},       // d=19 s=6 a=25
    {131, {1, 3, 7, 11, 23, 15, 103}}, // d=20 s=7 a=1
    {137, {1, 3, 7, 13, 13, 15, 69}},  // d=21 s=7 a=4
}};

int bit_length(std::uint32_t x) {
  int n = 0;
  for (; x != 0; x >>= 1) ++n;
  return n;
}

// v[d][j]: dimension d's direction number for bit j, scaled to 32 bits (m_j / 2^(j+1)), by
// Bratley and Fox's recurrence m_j = 2 a_1 m_{j-1} ^ ... ^ 2^s m_{j-s} ^ m_{j-s}.
using Table = std::array<std::array<std::uint32_t, kBits>, kSobolMaxDimensions>;
Table make_directions() {
  Table v{};
  for (int j = 0; j < kBits; ++j) v[0][j] = std::uint32_t{1} << (kBits - 1 - j);
  for (std::size_t d = 1; d < kSobolMaxDimensions; ++d) {
    const std::uint32_t p = kJoeKuo[d - 1].polynomial;
    const int s = bit_length(p) - 1;
    std::array<std::uint64_t, kBits> m{};
    for (int j = 0; j < s; ++j) m[j] = kJoeKuo[d - 1].m[j];
    for (int j = s; j < kBits; ++j) {
      std::uint64_t next = m[j - s];
      for (int k = 0; k < s; ++k)
        if ((p >> (s - 1 - k)) & 1u) next ^= m[j - k - 1] << (k + 1);
      m[j] = next;
    }
    for (int j = 0; j < kBits; ++j) v[d][j] = static_cast<std::uint32_t>(m[j] << (kBits - 1 - j));
  }
  return v;
}

}  // namespace

std::vector<double> sobol_point(std::uint64_t index, std::size_t dimensions) {
  static const Table v = make_directions();
  VAESWEEP_ASSERT(dimensions <= kSobolMaxDimensions, "Sobol dimensions " + std::to_string(dimensions));
  VAESWEEP_ASSERT(index < kSobolMaxPoints, "Sobol index " + std::to_string(index));
  // scipy (like Joe and Kuo's own generator) walks the points in Gray-code order: point i is the
  // XOR of the direction numbers of the set bits of gray(i) = i ^ (i >> 1).
  const std::uint64_t gray = index ^ (index >> 1);
  std::vector<double> point(dimensions);
  for (std::size_t d = 0; d < dimensions; ++d) {
    std::uint32_t x = 0;
    for (int j = 0; j < kBits; ++j)
      if ((gray >> j) & 1u) x ^= v[d][j];
    point[d] = static_cast<double>(x) * 0x1p-32;
  }
  return point;
}

}  // namespace vaesweep
