#pragma once
// Records read back from a results file by their rows, for the merges that leave records where
// they are (the run's merge: the earlier results file; `vaesweep merge`: the parts): a block's
// wanted /units rows, with their /evaluations rows, read a range of nearby rows at a time.
#include <cstdint>
#include <functional>
#include <string>
#include <vector>

#include "results/axis_columns.hpp"
#include "results/shards.hpp"

namespace vaesweep::io {
class Hdf5File;
}

namespace vaesweep::results {

// Where a /units row's evaluations are: /evaluations rows [first, first + count). The merges
// find them once, when they index a file, and keep them in their own row structs.
struct EvaluationRows {
  std::uint64_t first = 0;
  std::uint32_t count = 0;
};

// Whether records read back by rows bring their stored arrays (/latents, /assignments): the
// run's merge carries them in the records it writes; `vaesweep merge` copies those groups from
// file to file instead.
enum class StoredArrays { left_in_file, read };

// The records of `file`'s /units rows `rows` (ascending, distinct), each with its evaluations
// (the rows evaluations_of(row) says), in the order of `rows`. Rows closer together than a small
// gap are read with one read of the rows between them (`Hdf5File::read_columns` of a range, a
// hyperslab), decoded by records_from_tables with `label_sets` and `layout`; the gaps' records
// are dropped. UserError as records_from_tables (and read_stored_arrays) throw it.
std::vector<ShardUnit> read_rows_by_ranges(const io::Hdf5File& file, const std::vector<std::string>& label_sets,
                                           const UnitsLayout& layout, const std::vector<std::uint32_t>& rows,
                                           const std::function<EvaluationRows(std::uint32_t row)>& evaluations_of,
                                           StoredArrays stored_arrays);

}  // namespace vaesweep::results
