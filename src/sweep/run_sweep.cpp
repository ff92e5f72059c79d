#include "sweep/run_sweep.hpp"

#include <H5public.h>
#include <fftw3.h>
#include <sndfile.h>

#include <algorithm>
#include <chrono>
#include <cstdlib>
#include <ctime>
#include <map>
#include <set>

#include "core/error.hpp"
#include "core/grid.hpp"
#include "core/log.hpp"
#include "core/study.hpp"
#include "core/version.hpp"
#include "core/strings.hpp"
#include "models/vae.hpp"
#include "sweep/feature_sharing.hpp"
#include "sweep/records.hpp"
#include "sweep/results_file.hpp"
#include "sweep/unit_runner.hpp"


namespace vaesweep::sweep {
namespace {

std::string utc_now() {
  const std::time_t now = std::time(nullptr);
  char buf[32];
  std::strftime(buf, sizeof buf, "%Y-%m-%dT%H:%M:%SZ", std::gmtime(&now));
  return buf;
}

std::string env_or_empty(const char* name) {
  const char* v = std::getenv(name);
  return v ? v : "";
}

std::string library_versions(const MpiSession& mpi) {
  unsigned major = 0, minor = 0, release = 0;
  H5get_libversion(&major, &minor, &release);
  return "torch " + models::torch_version() + "; hdf5 " + std::to_string(major) + "." + std::to_string(minor) + "." +
         std::to_string(release) + "; eigen " + std::to_string(EIGEN_WORLD_VERSION) + "." +
         std::to_string(EIGEN_MAJOR_VERSION) + "." + std::to_string(EIGEN_MINOR_VERSION) + "; " + sf_version_string() +
         "; " + fftw_version + "; " + mpi.library_version();
}

}  // namespace

RunSummary run_sweep(const RunOptions& options, const MpiSession& mpi) {
  const std::string start_time = utc_now();
  const Study study = load_study(options.study_file, options.overrides);
  const Grid grid = expand_grid(study);
  if (grid.units.empty()) throw UserError(study.file.string() + ": the grid has no units");
  // Only the root checks the output path, but every rank must stop when it is refused.
  std::string refusal;
  if (mpi.is_root()) {
    try {
      refuse_existing_results(options.out, options.overwrite);
    } catch (const UserError& e) {
      refusal = e.what();
    }
  }
  refusal = mpi.broadcast(refusal);
  if (!refusal.empty()) throw UserError(refusal);
  if (mpi.is_root()) {
    log_info("study \"" + study.name + "\" (" + study.sha256.substr(0, 12) + "): " + std::to_string(grid.units.size()) +
             " units" +
             (grid.duplicates_removed ? " (" + std::to_string(grid.duplicates_removed) + " grid points were the same unit)" : "") +
             " on " + std::to_string(mpi.size()) + " rank(s)");
  }
  const auto tables = share_features(grid, study, mpi);

  RunContext context;
  context.rank = mpi.rank();
  context.host = mpi.processor_name();
  context.device = models::choose_device(node_local_rank());
  models::use_single_thread();

  // Static round-robin split: unit i runs on rank i mod size. Results do not depend on it.
  std::vector<UnitRecord> units;
  std::vector<EvaluationRecord> evaluations;
  std::vector<const WorkUnit*> mine;
  for (std::size_t i = static_cast<std::size_t>(mpi.rank()); i < grid.units.size(); i += static_cast<std::size_t>(mpi.size()))
    mine.push_back(&grid.units[i]);
  Progress progress("units", mine.size());
  std::size_t done = 0, failed = 0;
  for (const WorkUnit* unit_ptr : mine) {
    const WorkUnit& unit = *unit_ptr;
    UnitOutcome outcome = run_unit(unit, tables.at(unit.feature_hash), context);
    if (outcome.unit.status != "ok") {
      ++failed;
      log_warn("unit " + std::to_string(unit.index) + " (" + unit.label() + ", " + unit.config_hash.substr(0, 12) +
               ") " + outcome.unit.status + ": " + outcome.unit.message);
    }
    units.push_back(std::move(outcome.unit));
    for (auto& e : outcome.evaluations) evaluations.push_back(std::move(e));
    if (mpi.is_root()) progress.update(++done, failed);
  }
  if (mpi.is_root()) {
    log_info("rank 0 finished its " + std::to_string(mine.size()) + " units; waiting for the other ranks");
  }

  const auto parts = mpi.gather(encode(units, evaluations));
  RunSummary summary;
  if (!mpi.is_root()) return summary;

  units.clear();
  evaluations.clear();
  for (const auto& part : parts) decode(part, units, evaluations);
  // One order whatever the number of ranks: by unit, then in the order the unit produced them.
  std::stable_sort(units.begin(), units.end(), [](const auto& a, const auto& b) { return a.unit < b.unit; });
  std::stable_sort(evaluations.begin(), evaluations.end(), [](const auto& a, const auto& b) { return a.unit < b.unit; });

  std::set<std::string> hosts;
  for (const auto& u : units) {
    hosts.insert(u.host);
    ++summary.units;
    if (u.status == "ok") ++summary.ok;
    else if (u.status == "diverged") ++summary.diverged;
    else ++summary.failed;
  }
  summary.evaluations = evaluations.size();

  ResultsContent content;
  content.units = units_table(units);
  content.evaluations = evaluations_table(evaluations, grid.units.front().label_sets);
  content.features = features_table(tables, grid);
  content.skipped_files = skipped_files_table(tables);
  content.text_attributes = {
      {"vaesweep_version", version()},
      {"git_commit", git_commit()},
      {"study_name", study.name},
      {"study_file", study.file.string()},
      {"study_toml", study.text},
      {"study_overrides", join(study.overrides, "\n")},
      {"study_sha256", study.sha256},
      {"label_sets", join(grid.units.front().label_sets, ",")},
      {"hosts", join(hosts, ",")},
      {"start_time", start_time},
      {"end_time", utc_now()},
      {"slurm_job_id", env_or_empty("SLURM_JOB_ID")},
      {"slurm_array_job_id", env_or_empty("SLURM_ARRAY_JOB_ID")},
      {"slurm_array_task_id", env_or_empty("SLURM_ARRAY_TASK_ID")},
      {"library_versions", library_versions(mpi)},
  };
  content.int_attributes = {{"mpi_size", mpi.size()},
                            {"units_total", static_cast<std::int64_t>(summary.units)},
                            {"units_ok", static_cast<std::int64_t>(summary.ok)}};
  write_results_file(options.out, content, options.overwrite);
  return summary;
}

}  // namespace vaesweep::sweep
