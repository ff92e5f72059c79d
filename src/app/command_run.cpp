#include <cmath>
#include <iostream>
#include <string>
#include <utility>

#include "app/commands.hpp"
#include "app/options.hpp"
#include "util/error.hpp"
#include "util/log.hpp"
#include "engine/mpi_context.hpp"
#include "sweep/run_sweep.hpp"

namespace vaesweep::app {
namespace {

int exit_code(const sweep::RunSummary& s) {
  switch (s.reason) {
    case engine::StopReason::signal: return kExitStopped;
    case engine::StopReason::too_many_failures: return kExitTooManyFailures;
    case engine::StopReason::finished: break;
  }
  return s.pending > 0 || s.ok < s.units ? kExitUnitsFailed : kExitOk;
}

void print_summary(const sweep::RunOptions& run, const sweep::RunSummary& s) {
  if (!s.wrote) {
    std::cout << "nothing to run: all " << s.grid_units << " units of the "
              << (run.slice.whole() ? "study" : "slice " + run.slice.text()) << " have records in " << run.out.string()
              << " (" << s.failed << " not ok; --retry-failed runs them again)\n";
    return;
  }
  std::cout << "wrote " << run.out.string() << ": " << s.units << "/" << s.grid_units << " units"
            << (run.slice.whole() ? "" : " of slice " + run.slice.text()) << " (" << s.ok << " ok, "
            << s.diverged << " diverged, " << s.failed << " failed), " << s.evaluations << " evaluations; this run finished "
            << s.ran << "\n";
  if (s.reason == engine::StopReason::signal)
    std::cout << "stopped by a signal with " << s.pending << " units pending: run again with --resume to finish\n";
  else if (s.reason == engine::StopReason::too_many_failures)
    std::cout << "stopped after --max-failures " << run.max_failures << " failed units, " << s.pending
              << " pending: see `vaesweep status " << run.out.string() << "`\n";
}

// "I/N" with 0 <= I < N.
sweep::Slice parse_slice(const std::string& text) {
  const auto slash = text.find('/');
  const auto number = [&](const std::string& part) -> long long {
    if (part.empty() || part.find_first_not_of("0123456789") != std::string::npos || part.size() > 12) return -1;
    return std::stoll(part);
  };
  const long long index = slash == std::string::npos ? -1 : number(text.substr(0, slash));
  const long long count = slash == std::string::npos ? -1 : number(text.substr(slash + 1));
  if (index < 0 || count < 1 || index >= count)
    throw po::error("--slice expects I/N with 0 <= I < N (e.g. --slice 0/3), got \"" + text + "\"");
  sweep::Slice slice;
  slice.index = static_cast<std::size_t>(index);
  slice.count = static_cast<std::size_t>(count);
  return slice;
}

}  // namespace

int command_run(const std::vector<std::string>& args, int* argc, char*** argv) {
  sweep::RunOptions run;
  std::string study, out, slice;
  double progress_seconds = 10;
  long long max_failures = 0;  // signed: "-1" must be refused, not wrapped
  po::options_description options("vaesweep run options");
  options.add_options()
      ("study", po::value(&study)->required(), "study file (TOML)")
      ("out,o", po::value(&out), "results file (default: <study name>.h5 in the working folder)")
      ("set", po::value(&run.overrides)->composing(), "override a study key: --set model.beta=4 (repeatable)")
      ("data-root", po::value(&run.data_root),
       "the folder \"{data_root}/...\" study paths point into (default: $VAESWEEP_DATA, else ../shared/data beside "
       "the checkout)")
      ("resume", "continue an interrupted or stopped sweep: run only the units without a record")
      ("retry-failed", "with --resume: also run again the units that failed or diverged")
      ("overwrite", "discard an earlier results file and its shards, and start over")
      ("max-failures", po::value(&max_failures)->default_value(0),
       "stop handing out units once this many failed or diverged (0: never); exit status 4")
      ("grace", po::value(&run.grace_seconds)->default_value(60),
       "seconds a unit in progress may go on after SIGTERM/SIGUSR1 before it is abandoned; exit status 75")
      ("sync-every", po::value(&run.sync_seconds)->default_value(1),
       "fdatasync each rank's shard at most every so many seconds (0: after every unit)")
      ("progress-every", po::value(&progress_seconds)->default_value(10), "seconds between progress lines")
      ("models-per-batch", po::value(&run.models_per_batch),
       "at most this many models of one architecture train together on a rank (model.engine = \"batched\": vae, "
       "ae, cvae; \"stacked\": every trained kind); 1: one at a time. Default: 8, or 1024 stacked models when the "
       "first rank has a GPU (a stack larger than the device's memory budget trains in parts)")
      ("slice", po::value(&slice),
       "I/N: run only the grid units whose index is I modulo N (one task of a job array); "
       "`vaesweep merge` joins the N results files")
      ("quiet,q", "print only warnings and errors");
  po::positional_options_description positional;
  positional.add("study", 1);
  po::variables_map vm;
  const std::string usage =
      "usage: [mpirun -n N] vaesweep run STUDY.toml [--out results.h5] [--resume [--retry-failed]] [--slice I/N] "
      "[--set key=value ...]";
  if (!parse_options(usage, args, options, positional, vm)) return kExitOk;
  run.study_file = study;
  run.out = out.empty() ? std::filesystem::path(std::filesystem::path(study).stem().string() + ".h5") : std::filesystem::path(out);
  run.overwrite = vm.count("overwrite") > 0;
  run.resume = vm.count("resume") > 0;
  run.retry_failed = vm.count("retry-failed") > 0;
  if (run.resume && run.overwrite) throw po::error("--resume and --overwrite contradict each other");
  if (run.retry_failed && !run.resume) throw po::error("--retry-failed needs --resume");
  // Written so that NaN fails too (every comparison with NaN is false).
  for (const auto& [flag, seconds] : {std::pair<const char*, double>{"--grace", run.grace_seconds},
                                      {"--sync-every", run.sync_seconds}})
    if (!(seconds >= 0) || !std::isfinite(seconds))
      throw po::error(std::string(flag) + " must be a finite number of seconds >= 0, got " + std::to_string(seconds));
  if (!(progress_seconds > 0) || !std::isfinite(progress_seconds))
    throw po::error("--progress-every must be a finite number of seconds > 0, got " + std::to_string(progress_seconds));
  if (max_failures < 0) throw po::error("--max-failures must be 0 (never stop) or a positive count, got " +
                                        std::to_string(max_failures));
  run.max_failures = static_cast<std::size_t>(max_failures);
  if (!slice.empty()) run.slice = parse_slice(slice);
  if (vm.count("models-per-batch") && (run.models_per_batch < 1 || run.models_per_batch > pipeline::kModelsPerBatchLimit))
    throw po::error("--models-per-batch must be between 1 and " + std::to_string(pipeline::kModelsPerBatchLimit) +
                    ", got " + std::to_string(run.models_per_batch));
  run.progress_interval = std::chrono::milliseconds(static_cast<long long>(progress_seconds * 1000));

  engine::MpiSession mpi(argc, argv);
  if (mpi.size() > 1) set_log_prefix("[rank " + std::to_string(mpi.rank()) + "] ");
  if (vm.count("quiet") || !mpi.is_root()) set_log_level(LogLevel::quiet);
  sweep::RunSummary summary;
  try {
    summary = sweep::run_sweep(run, mpi);
  } catch (const UserError& e) {
    // Every rank meets the same study or data error; one message is enough.
    if (!mpi.is_root()) return kExitUserError;
    throw;
  }
  if (mpi.is_root()) print_summary(run, summary);
  return exit_code(summary);
}

}  // namespace vaesweep::app
