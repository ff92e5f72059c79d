#pragma once
// What earlier runs left for a results file, and what --resume makes of it: the results file
// itself (a finished or stopped run) and the shard journals of runs that never reached their
// merge (killed). Units are identified by config hash, never by position, so a resumed grid may
// grow (more seeds) and still match; a study change that alters finished units is refused.
#include <cstddef>
#include <filesystem>
#include <functional>
#include <string>
#include <vector>

#include "util/hash_index.hpp"
#include "study/grid.hpp"
#include "study/study.hpp"
#include "results/run_history.hpp"
#include "results/shards.hpp"

namespace vaesweep::results {

// The study text a set of units ran under.
struct PriorStudy {
  std::string sha256, text, file, overrides;  // overrides "\n"-separated
};

struct PriorWork {
  std::vector<ShardUnit> units;     // the results file's first, then the journals', oldest first
  std::vector<RunRecord> runs;      // the results file's /runs, then runs known only from journals
  std::vector<Shard> shards;        // the journals read (their units moved into `units`)
  std::vector<PriorStudy> studies;  // distinct studies the units ran under
  std::vector<std::string> label_sets;
  bool results_file = false;        // whether the results file existed (and was read)
  // The results file was left unread: a journal of a run started with --overwrite says it is
  // being replaced (ShardHeader::replaces_results).
  bool results_replaced = false;
  std::string study_name;           // of the results file ("" without one)
  std::int64_t grid_units = 0;      // units in the grid when the results file was written
  std::int64_t slice_index = 0, slice_count = 0;  // a file of `run --slice I/N`; count 0: the whole grid
};

// Reads the results file (when present) and every journal beside it. UserError naming a file
// that cannot be read; a journal's torn end is only reported (in its Shard::damage).
PriorWork read_prior_work(const std::filesystem::path& results);
// The same without holding the journals' units: `units` has only the results file's, and each
// journal unit goes to `visit_journal_units` as read_shards reads it (a journal without a header,
// whose run_id is empty, has no units). In PriorWork::units order, the journals' units follow
// the results file's, in the order of `shards` and within each journal in the order visited.
PriorWork read_prior_work(const std::filesystem::path& results, const ShardUnitVisitor& visit_journal_units);
// The same reading only the results file's /units columns named in `units_columns` (those it
// has), given to `visit_file_units` once, and no /evaluations: `units` stays empty. For status.
PriorWork read_prior_work(const std::filesystem::path& results, const ShardUnitVisitor& visit_journal_units,
                          const std::vector<std::string>& units_columns,
                          const std::function<void(const io::ColumnTable&)>& visit_file_units);

// Config hash -> grid index, for every unit of `grid`: its slots over the grid's own digests
// (util/hash_index.hpp: ~8 bytes a unit).
HashIndex index_grid(const Grid& grid);

// UserError (for --resume) when a finished unit is not a unit of `grid`: names how many, a few
// of them, and the study keys whose values differ from the study they ran under.
// `auto_engine`: what model.engine = "auto" resolved to in this run ("" when no unit said auto);
// finished units trained by another engine are then named with that reason and the way out.
void refuse_changed_study(const PriorWork& prior, const Study& study, const HashIndex& index,
                          const std::filesystem::path& results, const std::string& auto_engine = "");

struct ToRun {
  std::vector<std::size_t> order;  // grid indices, longest expected first (Grid::cost_hint), ties by index
  std::size_t done_before = 0;     // units with a record that stays
  std::size_t failed_before = 0;   // of those, the ones that are not ok
};
// The units without a record (and, with retry_failed, those whose records are all not ok).
ToRun units_to_run(const Grid& grid, const PriorWork& prior, const HashIndex& index, bool retry_failed);

// One record per unit: a later record replaces an earlier one, except that an ok unit is never
// replaced by one that is not ok. Unit indexes follow `index`; sorted by index. Units that are
// not in the grid are dropped (refuse_changed_study ran before).
std::vector<ShardUnit> latest_records(std::vector<ShardUnit> units, const HashIndex& index);

}  // namespace vaesweep::results
