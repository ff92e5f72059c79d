#pragma once
// Where a sweep's finished units are durable before they reach the results file: a folder
// beside it, `<results>.shards/`, with one journal per (run, rank) (engine/shard_journal.hpp).
// A record is one unit with its evaluations. The root merges the journals into the results
// file at the end of a run and removes them; after a crash they stay, and --resume merges them.
#include <cstdint>
#include <filesystem>
#include <functional>
#include <limits>
#include <optional>
#include <string>
#include <vector>

#include "engine/shard_journal.hpp"
#include "results/records.hpp"

namespace vaesweep::results {

// Who wrote a journal, for which study: the first frame of every journal.
struct ShardHeader {
  std::string run_id;
  std::int64_t rank = 0, ranks = 1;
  std::string host;
  std::string study_sha256, study_text, study_file, study_overrides;  // overrides "\n"-separated
  std::int64_t grid_units = 0;
  double started_at = 0;  // Unix time of the run's start
  std::string slurm_job_id, slurm_array_job_id, slurm_array_task_id;
  // Started with --overwrite: the results file it found is to be replaced, not continued. The
  // file stays in place until the run's final rename, so a crash leaves the old file, and a
  // --resume that finds such a journal ignores the old file's records.
  bool replaces_results = false;
};

std::string encode_shard_header(const ShardHeader& header);
// UserError naming `file` when the bytes are not a header this version can read.
ShardHeader decode_shard_header(const std::string& bytes, const std::filesystem::path& file);

std::filesystem::path shard_folder(const std::filesystem::path& results);
std::filesystem::path shard_path(const std::filesystem::path& results, const std::string& run_id, int rank);

struct ShardUnit {
  UnitRecord unit;
  std::vector<EvaluationRecord> evaluations;
};

struct Shard {
  std::filesystem::path path;
  ShardHeader header;
  std::vector<ShardUnit> units;  // empty when read_shards gave them to a visitor instead
  std::string damage;  // what a crash left unreadable at its end (those units run again)
  std::size_t records = 0;      // the units read (whether kept in `units` or given away)
  double units_ended_at = -std::numeric_limits<double>::infinity();  // the latest started_at + wall_seconds
  std::size_t reading_index = 0;  // the journal's position in reading order (a visitor's shard index)
};

// Gets each unit of a journal as read_shards reads it, with where its record lies: `shard` is
// the journal's reading_index (read_shards returns the journals sorted, after reading them all).
using ShardUnitVisitor = std::function<void(std::size_t shard, ShardUnit&& unit, engine::JournalRecordPlace place)>;

// Every journal in the shard folder (none when there is no folder), oldest run first, then by
// rank. A journal killed before its header was written comes with an empty run_id and only
// its damage; one whose header is not ours is a UserError naming it.
std::vector<Shard> read_shards(const std::filesystem::path& results);
// The same, keeping no unit: each goes to `visit` (in each journal's order, the journals in
// reading order) and the shards come back with empty `units`.
std::vector<Shard> read_shards(const std::filesystem::path& results, const ShardUnitVisitor& visit);

// Journal files that are not in `shards` any more are left alone; these are removed with their
// runs' notes, then the folder when it is empty.
void remove_shards(const std::filesystem::path& results, const std::vector<Shard>& shards);

// Facts about a run that its journals cannot be trusted to carry, one small file each beside
// them (`<run id>.<kind>`), written by the root:
// - why the run stopped ("SIGTERM", "too many failures"), written the moment the root sees the
//   stop: a job whose ranks are killed after a SIGTERM (mpirun's and Slurm's way) never reaches
//   the merge that records it in /runs, which then says "interrupted (after SIGTERM)";
// - that the run replaces the results file, a copy of the journal header's flag that outlives a
//   damaged header (the old file's records must stay ignored after such a salvage).
enum class RunNote { stopped, replaces_results };
// UserError naming the file when it cannot be written.
void write_run_note(const std::filesystem::path& results, const std::string& run_id, RunNote kind,
                    const std::string& text);
// True for a file of the shard folder that is a run's note.
bool is_run_note(const std::filesystem::path& file);
// The note's text, or nothing when there is none.
std::optional<std::string> read_run_note(const std::filesystem::path& results, const std::string& run_id, RunNote kind);

}  // namespace vaesweep::results
