#include "results/row_ranges.hpp"

#include <algorithm>
#include <limits>

#include "io/hdf5_file.hpp"
#include "results/records.hpp"
#include "results/stored_arrays.hpp"

namespace vaesweep::results {
namespace {
// Wanted rows this close together are read with one read of the rows between them: a few
// unwanted rows (a record replaced by a journal's, a duplicate another part keeps) cost less
// than another read.
constexpr std::size_t kRowGap = 64;
}  // namespace

std::vector<ShardUnit> read_rows_by_ranges(const io::Hdf5File& file, const std::vector<std::string>& label_sets,
                                           const UnitsLayout& layout, const std::vector<std::uint32_t>& rows,
                                           const std::function<EvaluationRows(std::uint32_t row)>& evaluations_of,
                                           StoredArrays stored_arrays) {
  const auto all = [](const std::string&) { return true; };
  std::vector<ShardUnit> out;
  out.reserve(rows.size());
  for (std::size_t i = 0; i < rows.size();) {
    std::size_t j = i + 1;
    while (j < rows.size() && rows[j] - rows[j - 1] <= kRowGap) ++j;
    const std::size_t first = rows[i], count = rows[j - 1] - first + 1;
    std::uint64_t evaluations_begin = std::numeric_limits<std::uint64_t>::max(), evaluations_end = 0;
    for (std::size_t k = i; k < j; ++k) {
      const EvaluationRows e = evaluations_of(rows[k]);
      if (e.count == 0) continue;
      evaluations_begin = std::min(evaluations_begin, e.first);
      evaluations_end = std::max(evaluations_end, e.first + e.count);
    }
    if (evaluations_end == 0) evaluations_begin = 0;
    std::vector<UnitRecord> units, kept_units;
    std::vector<EvaluationRecord> evaluations, kept_evaluations;
    records_from_tables(file.read_columns("/units", all, first, count),
                        file.read_columns("/evaluations", all, evaluations_begin, evaluations_end - evaluations_begin),
                        label_sets, layout, units, evaluations);
    // The rows asked for (not the gaps between them), with their stored arrays when wanted.
    std::vector<std::uint32_t> evaluation_counts;
    for (std::size_t k = i; k < j; ++k) {
      const EvaluationRows r = evaluations_of(rows[k]);
      kept_units.push_back(std::move(units[rows[k] - first]));
      for (std::uint64_t e = r.first; e < r.first + r.count; ++e)
        kept_evaluations.push_back(std::move(evaluations[e - evaluations_begin]));
      evaluation_counts.push_back(r.count);
    }
    if (stored_arrays == StoredArrays::read) read_stored_arrays(file, kept_units, kept_evaluations);
    std::size_t e = 0;
    for (std::size_t k = 0; k < kept_units.size(); ++k) {
      ShardUnit u;
      u.unit = std::move(kept_units[k]);
      for (std::uint32_t n = 0; n < evaluation_counts[k]; ++n) u.evaluations.push_back(std::move(kept_evaluations[e++]));
      out.push_back(std::move(u));
    }
    i = j;
  }
  return out;
}

}  // namespace vaesweep::results
