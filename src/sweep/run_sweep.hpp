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

#include "sweep/mpi_context.hpp"
#include "sweep/scheduler.hpp"

namespace vaesweep::sweep {

struct RunOptions {
  std::filesystem::path study_file;
  std::vector<std::string> overrides;  // --set section.key=value
  std::filesystem::path out;           // results file
  bool overwrite = false;              // discard an earlier results file and its shards
  bool resume = false;                 // continue: run only the units without a record
  bool retry_failed = false;           // with resume: also rerun units that failed or diverged
  std::size_t max_failures = 0;        // stop after this many failed units (0: never)
  double grace_seconds = 60;           // after a stop signal, how long a unit in progress may go on
  double sync_seconds = 1;             // fdatasync a shard at most this often (0: every unit)
  std::chrono::milliseconds progress_interval{10000};
};

struct RunSummary {
  std::size_t grid_units = 0;          // units in the study
  std::size_t units = 0, ok = 0, failed = 0, diverged = 0;  // in the results file now
  std::size_t evaluations = 0;
  std::size_t ran = 0;                 // finished by this run
  std::size_t pending = 0;             // still without a record
  StopReason reason = StopReason::finished;
  bool wrote = false;                  // false when there was nothing to do
};

// Every rank calls this. A problem with the study, the data or the output throws UserError on
// every rank (so all exit non-zero) and changes nothing on disk; a problem of one unit is
// recorded. The summary is the same on every rank.
RunSummary run_sweep(const RunOptions& options, const MpiSession& mpi);

}  // namespace vaesweep::sweep
