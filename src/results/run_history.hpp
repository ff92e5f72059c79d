#pragma once
// /runs of the results file: one row per run (attempt) that contributed units, so that a file
// built over several crashes and resumes says which run made which unit (UnitRecord::run_id),
// where, when, and how each run ended.
#include <cstdint>
#include <string>
#include <vector>

#include "io/column_table.hpp"

namespace vaesweep::results {

struct RunRecord {
  std::string run_id;
  double started_at = 0, ended_at = 0;  // Unix times; ended_at of an interrupted run: its last unit's end
  std::int64_t ranks = 0;
  std::string hosts;                    // ","-separated
  std::string slurm_job_id, slurm_array_job_id, slurm_array_task_id;
  // complete | stopped (SIGTERM) | too many failures | interrupted | interrupted (after SIGTERM):
  // killed before its merge, after the root had seen a stop
  std::string outcome;
  std::int64_t units = 0;               // units this run finished that are in the file
  std::string study_sha256;
};

io::ColumnTable runs_table(const std::vector<RunRecord>& runs);
// UserError naming a missing column.
std::vector<RunRecord> runs_from_table(const io::ColumnTable& table);

}  // namespace vaesweep::results
