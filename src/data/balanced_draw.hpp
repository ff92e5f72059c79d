#pragma once
// A balanced sample of a data set's rows (tracks, files or table rows), drawn before any feature
// is built so that an unbalanced corpus (1,000 English and 1,617 Bangla tracks) can be studied
// as 1,000 + 1,000 without a notebook. A group is one class of each balanced label set (their
// combination with several sets: language x genre); every group gives the same number of rows.
//
// The draw, documented so that it can be redone elsewhere: rows without a class in every
// balanced set are left out (they belong to no group). Groups are taken in ascending order of
// their classes' names; within a group, rows keep their order in the data, and a partial
// Fisher-Yates shuffle (for i = 0 .. n_keep - 1: swap position i with i + u, u uniform in
// [0, n - i), drawn from std::mt19937_64 seeded with `seed` by rejection sampling, one generator
// for all groups in that order) picks the first n_keep. The kept rows are returned in data order.
#include <cstdint>
#include <string>
#include <vector>

namespace vaesweep::data {

struct BalancedDraw {
  std::vector<std::size_t> rows;  // kept row indices, ascending
  std::string note;               // "language: 1000 of 1000 eng, 1000 of 1617 bng (seed 0)"
};

// `classes[s][r]`: the class of row r in balanced label set `sets[s]` ("" = unlabelled).
// `per_group` 0 takes the smallest group's size. UserError naming `source`, the settings and the
// group when a group has fewer rows than per_group (and every group's size), or when no row
// belongs to a group.
BalancedDraw balanced_draw(const std::vector<std::string>& sets, const std::vector<std::vector<std::string>>& classes,
                           std::int64_t per_group, std::uint64_t seed, const std::string& source);

}  // namespace vaesweep::data
