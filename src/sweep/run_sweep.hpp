#pragma once
// `vaesweep run`: a study, scheduled dynamically across the MPI ranks, every finished unit
// durable in a per-rank shard journal, merged into one results file at the end. Resumable
// after any crash (--resume), stoppable by a signal (preemption), and one unit's failure never
// stops the others.
#include <chrono>
#include <cstddef>
#include <filesystem>
#include <string>
#include <vector>

#include "engine/mpi_context.hpp"
#include "engine/scheduler.hpp"
#include "pipeline/training_batches.hpp"

namespace vaesweep::sweep {

// `--slice I/N`: the grid units whose index (WorkUnit::index, grid order) is I modulo N, so
// that a job array of N tasks covers the grid once; `vaesweep merge` joins the N results
// files. count 1 is the whole grid.
struct Slice {
  std::size_t index = 0, count = 1;
  bool whole() const { return count == 1; }
  bool holds(std::size_t unit_index) const { return unit_index % count == index; }
  // Units of a grid of `grid_units` in this slice.
  std::size_t size(std::size_t grid_units) const {
    return grid_units > index ? (grid_units - index - 1) / count + 1 : 0;
  }
  std::string text() const { return std::to_string(index) + "/" + std::to_string(count); }
};

struct RunOptions {
  std::filesystem::path study_file;
  std::vector<std::string> overrides;  // --set section.key=value
  std::string data_root;               // --data-root (empty: find_data_root's fallbacks)
  std::filesystem::path out;           // results file
  bool overwrite = false;              // discard an earlier results file and its shards
  bool resume = false;                 // continue: run only the units without a record
  bool retry_failed = false;           // with resume: also rerun units that failed or diverged
  std::size_t max_failures = 0;        // stop after this many failed units (0: never)
  double grace_seconds = 60;           // after a stop signal, how long a unit in progress may go on
  double sync_seconds = 1;             // fdatasync a shard at most this often (0: every unit)
  std::chrono::milliseconds progress_interval{10000};
  Slice slice;                         // --slice I/N: only these units; recorded in the results file
  // At most this many models of one architecture train together on a rank (the batched and
  // stacked engines; 1: every model alone; 0: 8, or 1024 stacked models when the first rank
  // has a GPU). Speed only for the batched engine: a model's numbers are the same in any batch.
  std::size_t models_per_batch = 0;
};

struct RunSummary {
  std::size_t grid_units = 0;          // units in the study (in its slice under --slice)
  std::size_t units = 0, ok = 0, failed = 0, diverged = 0;  // in the results file now
  std::size_t evaluations = 0;
  std::size_t ran = 0;                 // finished by this run
  std::size_t pending = 0;             // still without a record
  engine::StopReason reason = engine::StopReason::finished;
  bool wrote = false;                  // false when there was nothing to do
};

// Every rank calls this. A problem with the study, the data or the output throws UserError on
// every rank (so all exit non-zero) and changes nothing on disk; a problem of one unit is
// recorded. The summary is the same on every rank.
RunSummary run_sweep(const RunOptions& options, const engine::MpiSession& mpi);

}  // namespace vaesweep::sweep
