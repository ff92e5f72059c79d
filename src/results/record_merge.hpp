#pragma once
// The merge of a sweep's records into its results file in bounded memory. A million units are
// gigabytes of decoded records and as much again as tables; instead the records stay where
// they are (a journal record is read back by its place, a record of the earlier results file by
// its row, with its evaluations' rows) and the tables are written a block of units at a time:
//  1. every record is read once, and only its unit, status, run, evaluation count and place
//     are kept; each grid unit keeps one record (latest_records' rule: the latest, but never an
//     ok unit replaced by one that is not ok);
//  2. the kept records, in grid order, a block at a time: what the whole tables need (the axis
//     columns, whether there are per-track scores, each string column's longest value);
//  3. the same blocks again, written into tables created at their final size.
// The file is the one an all-in-memory merge writes: the same columns, types, widths and rows.
#include <cstddef>
#include <cstdint>
#include <filesystem>
#include <functional>
#include <map>
#include <string>
#include <vector>

#include "data/feature_table.hpp"
#include "engine/shard_journal.hpp"
#include "results/prior_work.hpp"
#include "results/axis_columns.hpp"
#include "results/records.hpp"
#include "results/run_history.hpp"

namespace vaesweep::io {
class Hdf5File;
}

namespace vaesweep::results {

// What a merge counts, for `vaesweep run`'s merge and `vaesweep merge` alike: units by status,
// evaluation rows, and units per run.
struct MergeCounts {
  std::size_t units = 0, ok = 0, diverged = 0, failed = 0, evaluations = 0;
  std::map<std::string, std::int64_t> per_run;  // run id -> units of the merged file

  void add(UnitStatus status, const std::string& run_id, std::size_t evaluations);
  // Each run's `units`: its count in per_run, 0 for a run that left no unit in the file.
  void count_runs(std::vector<RunRecord>& runs) const;
};

// Records visited a block at a time, in the order of the tables: visit(units, evaluations) for
// each block; `take` (the last visit): the records may be moved out.
using RecordBlockVisitor = std::function<void(std::vector<UnitRecord>&, std::vector<EvaluationRecord>&)>;
using RecordBlocks = std::function<void(bool take, const RecordBlockVisitor& visit)>;

// Writes /units (with its layout attributes) and /evaluations into `file` from `blocks` (visited
// two or three times), tables of `units` and `evaluations` rows created at their final size:
// the tables units_table and evaluations_table of all the records at once would be (the same
// columns, types, widths and rows). `before_rows` sees each block of the last visit before its
// rows are written.
void write_record_tables(io::Hdf5File& file, const std::vector<std::string>& label_sets, std::size_t units,
                         std::size_t evaluations, const RecordBlocks& blocks,
                         const RecordBlockVisitor& before_rows = {});

// Units per block of a bounded merge: about 8 MB of decoded noop records, 30 MB of tables.
constexpr std::size_t kMergeBlockUnits = 8192;

class RecordMerge {
 public:
  // Reads the results file beside its journals (read_prior_work) and keeps one record per unit
  // of `index` (records of units outside it are dropped, as latest_records drops them).
  RecordMerge(const std::filesystem::path& results, const HashIndex& index);

  // The runs, studies and journals read; `units` is empty, but for an earlier results file whose
  // records are read whole (see index_file_rows).
  PriorWork& prior() { return prior_; }
  const MergeCounts& counts() const { return counts_; }

  // The kept records in grid order, at most `block` units at a time, each unit's index (and its
  // evaluations') its grid index. `take`: the results file's records held whole are moved out,
  // not copied (the last pass).
  void for_each_block(std::size_t block, bool take,
                      const std::function<void(std::vector<UnitRecord>&, std::vector<EvaluationRecord>&)>& visit);

  // Writes /units (with its layout attributes), /evaluations and the stored arrays (with /rows
  // for the feature tables in `tables`) into `file`, `block` units at a time. Once.
  void write_tables(io::Hdf5File& file, const std::vector<std::string>& label_sets,
                    const std::map<std::string, data::FeatureTable>& tables, std::size_t block = kMergeBlockUnits);

 private:
  struct Candidate {
    std::uint32_t unit = 0;       // grid index
    std::uint32_t evaluations = 0;
    std::uint32_t run = 0;        // into runs_
    std::uint32_t journal = 0;    // the journal's reading index
    UnitStatus status = UnitStatus::ok;
    engine::JournalRecordPlace place;
  };
  // A row of the earlier results file's /units, its evaluations rows [first_evaluation,
  // first_evaluation + evaluations) of /evaluations.
  struct FileRow {
    std::uint32_t unit = 0;  // grid index
    std::uint32_t evaluations = 0;
    std::uint32_t run = 0;
    UnitStatus status = UnitStatus::ok;
    std::uint64_t first_evaluation = 0;
  };
  std::uint32_t run_number(const std::string& run_id);
  // What the merge needs of the results file's rows, a column at a time; false when its records
  // must be read whole instead (a format-1 file; evaluations not in their units' row order; a
  // unit twice or outside the grid).
  bool index_file_rows(const io::Hdf5File& file, const HashIndex& index);

  std::filesystem::path results_;
  PriorWork prior_;
  std::vector<FileRow> file_rows_;  // the earlier results file's rows, streamed
  UnitsLayout file_layout_;
  std::vector<Candidate> journal_records_;               // in each journal's order, journals in reading order
  std::vector<std::pair<std::size_t, std::size_t>> ranges_;  // per journal (reading index): its candidates
  std::vector<std::string> runs_;
  // per grid unit: -1 none, i < file records: file row i (file_rows_[i], or prior_.units[i] when
  // read whole), else journal record i - file records
  std::vector<std::int64_t> kept_;
  std::vector<std::filesystem::path> journal_paths_;  // by reading index
  MergeCounts counts_;
};

}  // namespace vaesweep::results
