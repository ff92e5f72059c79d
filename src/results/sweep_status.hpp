#pragma once
// `vaesweep status`: how far a sweep is, from its results file and the shard journals of a run
// in progress (or of a killed one): units done / in the grid, ok / failed / diverged, the runs
// so far, the rate and ETA of a running sweep, and every failed unit with its message.
#include <cstddef>
#include <filesystem>
#include <optional>
#include <string>
#include <vector>

#include "results/run_history.hpp"

namespace vaesweep::results {

struct FailedUnit {
  std::string label;    // "vae beta=4 latent_dim=8 seed=2 [a1b2c3d4e5f6]"
  std::string status;   // failed | diverged
  std::string message;
  std::string run_id, host;
  std::int64_t rank = 0;
};

struct SweepStatus {
  std::filesystem::path results;
  bool results_file = false;      // whether the merged file exists
  std::size_t journals = 0;       // shards not merged yet
  std::string study_name, study_sha256;
  std::size_t grid_units = 0;   // of the slice, for a file of `run --slice`
  bool grid_known = true;       // false: no results file and no readable journal header says it
  std::string slice;            // "I/N" for such a file, else empty
  std::size_t done = 0, ok = 0, failed = 0, diverged = 0;
  std::vector<RunRecord> runs;
  std::optional<std::string> running;  // the lock holder while a run is in progress
  double rate = 0;                     // units per second of the latest run
  std::vector<FailedUnit> failures;    // latest record of each unit that is not ok
  std::vector<std::string> damage;     // torn journal ends (those units run again on resume)
};

// UserError when there is neither a results file nor a shard folder at `results`.
SweepStatus read_sweep_status(const std::filesystem::path& results);

// Human-readable report; at most `max_failures` failed units listed (0: all).
std::string format_sweep_status(const SweepStatus& status, std::size_t max_failures);

}  // namespace vaesweep::results
