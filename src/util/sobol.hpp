#pragma once
// The unscrambled Sobol' sequence (Joe & Kuo's direction numbers), in the order scipy's
// scipy.stats.qmc.Sobol(d, scramble=False) draws it, so that tests can hold it to scipy's points.
// Point i is a function of i alone: the first N points of a longer run are the N points of a
// shorter one (what lets a sampled study grow and resume).
#include <cstddef>
#include <cstdint>
#include <vector>

namespace vaesweep {

// Dimensions with direction numbers in the table (sobol.cpp).
inline constexpr std::size_t kSobolMaxDimensions = 21;
// Points per sequence: direction numbers have 32 bits.
inline constexpr std::uint64_t kSobolMaxPoints = std::uint64_t{1} << 32;

// Point `index` (0-based; point 0 is the origin) of the `dimensions`-dimensional sequence, each
// coordinate in [0, 1) and a multiple of 2^-32.
std::vector<double> sobol_point(std::uint64_t index, std::size_t dimensions);

}  // namespace vaesweep
