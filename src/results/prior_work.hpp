#pragma once
// What earlier runs left for a results file, and what --resume makes of it: the results file
// itself (a finished or stopped run) and the shard journals of runs that never reached their
// merge (killed). Units are identified by config hash, never by position, so a resumed grid may
// grow (more seeds) and still match; a study change that alters finished units is refused.
#include <cstddef>
#include <cstdint>
#include <filesystem>
#include <functional>
#include <optional>
#include <set>
#include <string>
#include <utility>
#include <vector>

#include "util/hash_index.hpp"
#include "study/grid.hpp"
#include "study/study.hpp"
#include "results/run_history.hpp"
#include "results/shards.hpp"

namespace vaesweep::io {
class Hdf5File;
}

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

// What --resume's planning keeps of the earlier records (read_prior_briefs), and no more: per
// grid unit one byte, whatever its records hold; of the records that are not units of the grid
// (or not of the slice) a count and the first few, in PriorWork::units order.
struct PriorBriefs {
  // Per grid unit (HashIndex order): 0 no record, 1 only records that are not ok, 2 an ok record.
  // What stays of its records by replaces_record (an ok record whatever follows it, else the
  // latest, which is not ok either) decides whether it runs again, so the order they are read
  // in does not change it.
  std::vector<std::uint8_t> state;
  std::size_t outside_grid = 0;              // records whose config hash is not a unit of the grid
  std::vector<UnitRecord> outside_examples;  // the first kPriorExamples of them (unit_label's fields, engine)
  std::set<std::string> outside_engines;     // the engines of all of them ("" left out)
  // The first record of a grid unit that the slice does not hold, with its grid index.
  std::optional<std::pair<std::size_t, UnitRecord>> outside_slice;
  std::set<std::string> full_pca_groups;     // group hashes of pca units fitted by the full solver (or before pca_solver)
};
// Records outside the grid a refusal names.
constexpr std::size_t kPriorExamples = 3;

// read_prior_work for --resume's planning: `units` stays empty; each record of the results file
// and the journals is read once and only `briefs` keeps what the plan needs of it: the results
// file's /units columns config_hash and status are read (one column at a time), model,
// group_hash and pca_solver for its pca units, and the example's columns only when a record is
// outside the grid or the slice; no /evaluations. `in_slice`: whether the run's slice holds a
// grid index.
PriorWork read_prior_briefs(const std::filesystem::path& results, const HashIndex& index,
                            const std::function<bool(std::size_t)>& in_slice, PriorBriefs& briefs);

// The same leaving the results file's records on disk: `visit_file` reads what it needs of the
// open file (no records are made, no /evaluations read); `units` stays empty. For the merge.
PriorWork read_prior_work(const std::filesystem::path& results, const ShardUnitVisitor& visit_journal_units,
                          const std::function<void(const io::Hdf5File&)>& visit_file);
// A results file's records whole, in /units order, each unit with its evaluations (matched by
// config hash; UserError naming `path` for a row of a unit /units lacks) and stored arrays.
std::vector<ShardUnit> results_file_records(const io::Hdf5File& file, const std::filesystem::path& path);

// Config hash -> grid index, for every unit of `grid`: its slots over the grid's own digests
// (util/hash_index.hpp: ~8 bytes a unit).
HashIndex index_grid(const Grid& grid);

// UserError (for --resume) when a finished unit is not a unit of `grid`: names how many, a few
// of them, and the study keys whose values differ from the study they ran under.
// `auto_engine`: what model.engine = "auto" resolved to in this run ("" when no unit said auto);
// finished units trained by another engine are then named with that reason and the way out.
void refuse_changed_study(const PriorWork& prior, const Study& study, const HashIndex& index,
                          const std::filesystem::path& results, const std::string& auto_engine = "");
// The same from the briefs of read_prior_briefs (the studies are `prior`'s).
void refuse_changed_study(const PriorWork& prior, const PriorBriefs& briefs, const Study& study,
                          const std::filesystem::path& results, const std::string& auto_engine = "");

struct ToRun {
  std::vector<std::size_t> order;  // grid indices, longest expected first (Grid::cost_hint), ties by index
  std::size_t done_before = 0;     // units with a record that stays
  std::size_t failed_before = 0;   // of those, the ones that are not ok
};
// The units without a record (and, with retry_failed, those whose records are all not ok).
ToRun units_to_run(const Grid& grid, const PriorWork& prior, const HashIndex& index, bool retry_failed);
// The same from the briefs of read_prior_briefs.
ToRun units_to_run(const Grid& grid, const PriorBriefs& briefs, bool retry_failed);

// One record per unit: a later record replaces an earlier one, except that an ok unit is never
// replaced by one that is not ok. Unit indexes follow `index`; sorted by index. Units that are
// not in the grid are dropped (refuse_changed_study ran before).
std::vector<ShardUnit> latest_records(std::vector<ShardUnit> units, const HashIndex& index);

}  // namespace vaesweep::results
