#pragma once
// `vaesweep slurm`: the job script of a study, rendered from its [slurm] table, the command
// line's flags and built-in defaults (in that order of precedence: flag, study, default). Pure
// text in, text out: no file is read or written here, so that every choice is unit-tested.
//
// Two shapes:
//  - slurm.array = 0: one MPI job over nodes x tasks (an sbatch script: `sbatch job.sh`).
//    srun starts the ranks (--mpi=pmix), every run is `--resume`, SIGUSR1 arrives
//    slurm.signal_seconds before the time limit, and exit status 75 (stopped before the end)
//    requeues the job, which then resumes.
//  - slurm.array = N: a submit script (`bash job.sh`) that submits a job array of N tasks,
//    task i running `vaesweep run --slice i/N` into <out>.parts/slice-<i>.h5, in chunks of at
//    most slurm.max_array_size tasks (the cluster's MaxArraySize; chunk c covers slices
//    offset_c .. offset_c + size_c - 1), then a merge job that depends on every chunk
//    (afterany) and writes <out> with `vaesweep merge`.
#include <cstddef>
#include <cstdint>
#include <filesystem>
#include <string>
#include <utility>
#include <vector>

#include "study/study.hpp"
#include "util/value.hpp"

namespace vaesweep::sweep {

// The keys of [slurm] (study/study_schema.cpp lists them with their defaults and help).
struct SlurmSettings {
  std::string partition, account, qos;
  std::string time = "01:00:00";
  std::int64_t nodes = 1, ntasks_per_node = 1, cpus_per_task = 1, gpus_per_node = 0;
  std::string mem_per_cpu;
  std::int64_t array = 0;                // 0: one MPI job; N: N slices
  std::int64_t max_array_size = 1001;    // Slurm's default MaxArraySize
  std::int64_t signal_seconds = 120;     // 0: no warning signal
  bool requeue = true;
  std::vector<std::string> setup;        // shell lines before vaesweep
  std::string vaesweep;                  // the binary; empty: the caller fills it in
};

// A flag of `vaesweep slurm`: the [slurm] key it overrides ("nodes") and its value, as TOML
// would give it (Value(4), Value("1:00:00")); `flag` names it in messages ("--nodes").
struct SlurmFlag {
  std::string key;
  Value value;
  std::string flag;
};

// The study's [slurm] values (defaults where it sets none), then `flags` over them. UserError
// naming the flag (or the study's file and line) for a value out of range, a malformed time,
// or a warning signal that does not fit in the time limit.
SlurmSettings resolve_slurm_settings(const Settings& study, const std::vector<SlurmFlag>& flags);

// Slurm's time formats: "M", "M:S", "H:M:S", "D-H", "D-H:M", "D-H:M:S". The limit in seconds;
// UserError naming `origin` and listing the formats for anything else (or a zero limit).
std::int64_t slurm_time_seconds(const std::string& text, const std::string& origin);

// Slices [offset, offset + count) per array submission, each count <= max_array_size.
struct ArrayChunk {
  std::size_t offset = 0, count = 0;
  friend bool operator==(const ArrayChunk&, const ArrayChunk&) = default;
};
std::vector<ArrayChunk> array_chunks(std::size_t slices, std::size_t max_array_size);

struct SlurmJob {
  SlurmSettings slurm;
  std::string study_name;                  // the job name is vaesweep-<study name>
  std::filesystem::path study_file;        // absolute
  std::filesystem::path out;               // absolute results file
  std::filesystem::path workdir;           // absolute: where jobs run (data.cache_dir is relative to it)
  std::vector<std::string> overrides;      // --set values, passed on to every run
  std::filesystem::path data_root;         // absolute; passed on as --data-root (empty: none known)
  std::size_t grid_units = 0;              // units in the study's grid
};

// The script (see the top of this file for the two shapes). UserError when the array has more
// slices than the grid has units, or a path cannot be written in an #SBATCH line (whitespace).
std::string render_slurm_script(const SlurmJob& job);

// `text` as one shell word ('...' quoting).
std::string shell_quote(const std::string& text);

}  // namespace vaesweep::sweep
