// The Sobol' sequence against scipy's: scipy.stats.qmc.Sobol(d, scramble=False), first 64
// points in 1, 2, 5, 13 and 21 dimensions (tests/unit/sobol_reference.py wrote the values).
#include <gtest/gtest.h>

#include <cstdint>

#include "util/sobol.hpp"
#include "sobol_reference.hpp"

namespace vaesweep {
namespace {

TEST(Sobol, EqualsScipysUnscrambledPoints) {
  for (const auto& ref : test::sobol_reference()) {
    ASSERT_EQ(ref.points.size(), 64u);
    for (std::size_t i = 0; i < ref.points.size(); ++i) {
      const std::vector<double> p = sobol_point(i, static_cast<std::size_t>(ref.dimensions));
      for (int d = 0; d < ref.dimensions; ++d)
        EXPECT_EQ(p[d], static_cast<double>(ref.points[i][d]) * 0x1p-32)
            << "point " << i << " dimension " << d + 1 << " of " << ref.dimensions;
    }
  }
}

// A point does not depend on how many dimensions are asked for (dimension d is always the same
// direction numbers), and point 0 is the origin.
TEST(Sobol, PointIsItsOwnFunctionOfIndexAndDimension) {
  EXPECT_EQ(sobol_point(0, kSobolMaxDimensions), std::vector<double>(kSobolMaxDimensions, 0.0));
  const std::vector<double> wide = sobol_point(1000, kSobolMaxDimensions);
  const std::vector<double> narrow = sobol_point(1000, 3);
  for (std::size_t d = 0; d < 3; ++d) EXPECT_EQ(wide[d], narrow[d]);
}

// Balance: each of the first 2^m points' coordinates falls once in each of the 2^m intervals
// [j/2^m, (j+1)/2^m) (a (0, m, 1)-net in every dimension, Sobol' 1967).
TEST(Sobol, EveryPowerOfTwoPrefixIsStratifiedInEachDimension) {
  for (std::size_t m : {4, 8}) {
    const std::size_t n = std::size_t{1} << m;
    for (std::size_t d = 0; d < kSobolMaxDimensions; ++d) {
      std::vector<int> count(n, 0);
      for (std::size_t i = 0; i < n; ++i) ++count[static_cast<std::size_t>(sobol_point(i, d + 1)[d] * static_cast<double>(n))];
      for (std::size_t j = 0; j < n; ++j) EXPECT_EQ(count[j], 1) << "dimension " << d + 1 << ", 2^" << m << " points";
    }
  }
}

}  // namespace
}  // namespace vaesweep
