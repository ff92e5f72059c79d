#include "sweep/run_sweep.hpp"

#include <sys/stat.h>

#include <algorithm>
#include <iterator>
#include <map>
#include <optional>
#include <set>

#include "study/data_root.hpp"
#include "util/error.hpp"
#include "util/input_file.hpp"
#include "study/grid.hpp"
#include "util/log.hpp"
#include "util/stop_request.hpp"
#include "util/strings.hpp"
#include "study/study.hpp"
#include "util/version.hpp"
#include "data/audio_rates.hpp"
#include "io/hdf5_file.hpp"
#include "models/vae.hpp"
#include "engine/wire.hpp"
#include "pipeline/feature_sharing.hpp"
#include "results/prior_work.hpp"
#include "results/record_merge.hpp"
#include "engine/provenance.hpp"
#include "sweep/library_versions.hpp"
#include "results/results_file.hpp"
#include "results/run_lock.hpp"
#include "engine/shard_journal.hpp"
#include "results/stored_arrays.hpp"
#include "pipeline/training_batches.hpp"
#include "pipeline/unit_runner.hpp"

namespace vaesweep::sweep {
namespace fs = std::filesystem;
namespace {

// The data root the first rank finds (--data-root, VAESWEEP_DATA, the default), on every rank:
// ranks on other nodes may not see the first rank's environment, and must read the same files.
DataRoot shared_data_root(const std::string& option, const engine::MpiSession& mpi) {
  DataRoot root;
  if (mpi.is_root()) root = find_data_root(option);
  const std::vector<std::string> fields =
      split(mpi.broadcast(root.folder.string() + '\n' + root.origin + '\n' + root.problem), '\n');
  VAESWEEP_ASSERT(fields.size() == 3, "the data root travels as three lines");
  return {fields[0], fields[1], fields[2]};
}

// What the root decided before any work, sent to every rank.
struct Decision {
  std::string refusal;  // a UserError's text: every rank stops
  std::string run_id;
  bool nothing_to_do = false;
  std::uint64_t done_before = 0, failed_before = 0;
  std::vector<std::string> full_pca_groups;  // RunContext::full_pca_groups
};

constexpr engine::Wire<&Decision::refusal, &Decision::run_id, &Decision::nothing_to_do, &Decision::done_before, &Decision::failed_before,
     &Decision::full_pca_groups>
wire_of(const Decision*) { return {}; }

std::size_t journal_count(const fs::path& out) {
  std::size_t n = 0;
  std::error_code ec;
  if (fs::is_directory(results::shard_folder(out), ec))
    for (const auto& e : fs::directory_iterator(results::shard_folder(out)))
      if (e.path().extension() == ".journal") ++n;
  return n;
}

// Temporaries of a merge that was killed (write_atomically's "<out>.tmp-<pid>"). Only under
// the run lock, so that no merge of another run is in progress.
void remove_stale_temporaries(const fs::path& out) {
  std::error_code ec;
  const fs::path folder = out.has_parent_path() ? out.parent_path() : fs::path(".");
  const std::string prefix = out.filename().string() + ".tmp-";
  for (const auto& e : fs::directory_iterator(folder, ec))
    if (e.path().filename().string().rfind(prefix, 0) == 0) fs::remove(e.path(), ec);
}

// --overwrite: the journals (and run notes) of an earlier run of this output go, once the study
// has been checked. The results file stays until this run's final rename replaces it, so a crash
// or a full disk leaves the old file (this run's journals say it is being replaced).
void discard_earlier_journals(const fs::path& out) {
  std::error_code ec;
  if (fs::is_directory(results::shard_folder(out), ec))
    for (const auto& e : fs::directory_iterator(results::shard_folder(out)))
      if (e.path().extension() == ".journal" || results::is_run_note(e.path())) fs::remove(e.path(), ec);
}

// The slice a results file was written by: its slice_index / slice_count attributes (absent: the
// whole grid).
Slice stored_slice(const fs::path& results) {
  const io::Hdf5File file = io::Hdf5File::open_read(results);
  const auto names = file.attribute_names("/");
  const auto has = [&](const char* name) { return std::find(names.begin(), names.end(), name) != names.end(); };
  Slice slice;
  if (has("slice_count") && has("slice_index")) {
    slice.count = static_cast<std::size_t>(std::max<std::int64_t>(1, file.int_attribute("/", "slice_count")));
    slice.index = static_cast<std::size_t>(std::max<std::int64_t>(0, file.int_attribute("/", "slice_index")));
  }
  return slice;
}

// --resume continues the slice the output was written by, never another one: the units of two
// slices in one file would make its counts (and a later merge) wrong.
void refuse_other_slice(const RunOptions& options, const results::PriorWork& prior, const HashIndex& index) {
  const fs::path& out = options.out;
  const std::string wanted = options.slice.whole() ? "the whole grid" : "slice " + options.slice.text();
  if (prior.results_file) {
    const Slice before = stored_slice(out);
    if (before.count != options.slice.count || before.index != options.slice.index)
      throw UserError(out.string() + ": --resume refused: the results file was written by " +
                      (before.whole() ? std::string("the whole grid") : "--slice " + before.text()) + ", this run is " +
                      wanted + "; resume with the same --slice, or write another --out (nothing was changed)");
  }
  for (const results::ShardUnit& u : prior.units) {
    const auto unit = index.find(u.unit.config_hash);
    if (unit && !options.slice.holds(*unit))
      throw UserError(out.string() + ": --resume refused: its journals hold unit " + std::to_string(*unit) +
                      " (" + results::unit_label(u.unit) + "), which is not in " + wanted +
                      "; resume with the --slice it ran under, or write another --out (nothing was changed)");
  }
}

// The root's checks and plan: which units this run does. UserError leaves everything as it was.
engine::SchedulePlan plan_run(const RunOptions& options, const Study& study, const Grid& grid, const HashIndex& index,
                      int ranks, const std::string& auto_engine, bool gpu, bool& has_shards,
                      std::size_t& failed_before, std::vector<std::string>& full_pca_groups) {
  const fs::path& out = options.out;
  std::error_code ec;
  const bool results_exist = fs::exists(out, ec);
  const std::size_t journals = journal_count(out);
  has_shards = journals > 0;
  if (!options.overwrite && !options.resume) {
    if (results_exist)
      throw UserError(out.string() + ": the results file already exists; pass --resume to continue it, --overwrite "
                      "to replace it, or --out to write elsewhere (nothing was changed)");
    if (has_shards)
      throw UserError(results::shard_folder(out).string() + " holds the shards of an unfinished run of these results (" +
                      std::to_string(journals) + " journal(s)); pass --resume to continue it or --overwrite to "
                      "discard it (nothing was changed)");
  }
  results::PriorWork prior;
  if (options.resume) {
    prior = results::read_prior_work(out);
    results::refuse_changed_study(prior, study, index, out, auto_engine);
    refuse_other_slice(options, prior, index);
    for (const results::Shard& s : prior.shards)
      if (!s.damage.empty()) log_warn(s.path.string() + ": " + s.damage + " (those units run again)");
  }
  std::set<std::string> full;
  for (const results::ShardUnit& u : prior.units)
    if (u.unit.model == "pca" && (u.unit.pca_solver.empty() || u.unit.pca_solver == "full")) full.insert(u.unit.group_hash);
  full_pca_groups.assign(full.begin(), full.end());
  results::ToRun to_run = results::units_to_run(grid, prior, index, options.retry_failed);
  failed_before = to_run.failed_before;
  engine::SchedulePlan plan;
  plan.order = std::move(to_run.order);
  plan.done_before = to_run.done_before;
  if (!options.slice.whole()) {  // the records of a slice's file are all in the slice (refuse_other_slice)
    if (options.slice.size(grid.size()) == 0)
      throw UserError("--slice " + options.slice.text() + ": the grid has only " + std::to_string(grid.size()) +
                      " units, so this slice has none; use at most " + std::to_string(grid.size()) + " slices");
    std::erase_if(plan.order, [&](std::size_t i) { return !options.slice.holds(i); });
    plan.done_before = options.slice.size(grid.size()) - plan.order.size();
  }
  // --models-per-batch, or else 8 on a CPU and up to 1024 stacked models on a GPU.
  const std::size_t max_models = options.models_per_batch ? options.models_per_batch : pipeline::kMaxModelsPerBatch;
  const std::size_t max_stacked =
      options.models_per_batch ? options.models_per_batch : gpu ? pipeline::kMaxModelsPerStackOnGpu : pipeline::kMaxModelsPerBatch;
  pipeline::BatchedOrder batched = pipeline::batch_for_training(study, grid, plan.order, ranks, max_models, max_stacked);
  plan.order = std::move(batched.order);
  plan.joins_previous = std::move(batched.joins_previous);
  plan.max_failures = options.max_failures;
  plan.progress_interval = options.progress_interval;
  remove_stale_temporaries(out);
  if (options.overwrite) {
    discard_earlier_journals(out);
    has_shards = false;
  }
  return plan;
}

results::ShardHeader shard_header(const Study& study, const Grid& grid, const Decision& decision, const engine::MpiSession& mpi,
                         double started_at, bool overwrite) {
  results::ShardHeader h;
  h.replaces_results = overwrite;
  h.run_id = decision.run_id;
  h.rank = mpi.rank();
  h.ranks = mpi.size();
  h.host = mpi.processor_name();
  h.study_sha256 = study.sha256;
  h.study_text = study.text;
  h.study_file = study.file.string();
  h.study_overrides = join(study.overrides, "\n");
  h.grid_units = static_cast<std::int64_t>(grid.size());
  h.started_at = started_at;
  h.slurm_job_id = engine::env_or_empty("SLURM_JOB_ID");
  h.slurm_array_job_id = engine::env_or_empty("SLURM_ARRAY_JOB_ID");
  h.slurm_array_task_id = engine::env_or_empty("SLURM_ARRAY_TASK_ID");
  return h;
}

// Torch threads per rank: OMP_NUM_THREADS when it is set (the Slurm scripts set it to the task's
// CPUs), else one: ranks are the parallelism, and oversubscribed threads are much slower.
int threads_per_rank() {
  const std::string text = engine::env_or_empty("OMP_NUM_THREADS");
  char* end = nullptr;
  const long n = text.empty() ? 1 : std::strtol(text.c_str(), &end, 10);
  if (!text.empty() && (end != text.c_str() + text.size() || n < 1 || n > 4096))
    throw UserError("OMP_NUM_THREADS=\"" + text + "\": expected a whole number of threads per rank, 1 to 4096");
  return static_cast<int>(n);
}

std::string outcome_text(engine::StopReason reason) {
  switch (reason) {
    case engine::StopReason::finished: return "complete";
    case engine::StopReason::signal: return std::string("stopped (") + stop_signal_name() + ")";
    case engine::StopReason::too_many_failures: return "too many failures";
  }
  return "";
}

// Which file a path names, and its size and time: a results file that a resume planned with
// must be the one it merges into.
struct FileIdentity {
  dev_t device = 0;
  ino_t inode = 0;
  off_t size = 0;
  std::int64_t modified_ns = 0;
  friend bool operator==(const FileIdentity&, const FileIdentity&) = default;
};

std::optional<FileIdentity> identity_of(const fs::path& path) {
  struct stat st {};
  if (::stat(path.c_str(), &st) != 0) return std::nullopt;
  return FileIdentity{st.st_dev, st.st_ino, st.st_size,
                      static_cast<std::int64_t>(st.st_mtim.tv_sec) * 1000000000 + st.st_mtim.tv_nsec};
}

// The root's merge: the results file (when resuming) and every journal, this run's too, into
// one record per unit; written atomically, then the merged journals are removed. `planned` is
// the results file the resume planned with: one deleted or replaced since holds earlier units
// this run did not redo, so the merge refuses (keeping every journal) rather than drop them.
RunSummary merge_results(const RunOptions& options, const Study& study, const Grid& grid, const HashIndex& index,
                         const std::map<std::string, data::FeatureTable>& tables, const engine::ScheduleOutcome& outcome,
                         const std::string& run_id, double started_at, const engine::MpiSession& mpi,
                         const std::optional<FileIdentity>& planned) {
  if (planned && identity_of(options.out) != planned)
    throw UserError(options.out.string() + ": the results file was " +
                    (identity_of(options.out) ? "replaced" : "deleted") +
                    " while this run ran; it held the earlier units this run did not redo, so nothing was merged. "
                    "This run's units are kept in " + results::shard_folder(options.out).string() +
                    ": put the file back and run again with --resume (or start anew with --overwrite)");
  // In bounded memory: the records stay in the journals until their block is written.
  results::RecordMerge merge(options.out, index);
  results::PriorWork& all = merge.prior();
  const results::MergeCounts& counts = merge.counts();

  RunSummary summary;
  summary.grid_units = options.slice.size(grid.size());
  summary.reason = outcome.reason;
  summary.ran = outcome.done;
  summary.units = counts.units;
  summary.ok = counts.ok;
  summary.diverged = counts.diverged;
  summary.failed = counts.failed;
  summary.evaluations = counts.evaluations;
  summary.pending = summary.grid_units - summary.units;  // of the slice under --slice

  counts.count_runs(all.runs);
  std::set<std::string> hosts;
  for (results::RunRecord& run : all.runs) {
    if (run.run_id == run_id) {
      run.outcome = outcome_text(outcome.reason);
      run.ended_at = unix_now();
      run.started_at = started_at;
      run.ranks = mpi.size();
    }
    for (const auto& h : split(run.hosts, ',')) hosts.insert(h);
  }
  results::ResultsContent content;
  content.write_unit_tables = [&](io::Hdf5File& file) { merge.write_tables(file, grid.label_sets(), tables); };
  content.features = pipeline::features_table(tables, grid);
  content.skipped_files = pipeline::skipped_files_table(tables);
  content.runs = results::runs_table(all.runs);
  pipeline::add_drawn_rows(tables, content);
  content.text_attributes = {
      {"vaesweep_version", version()},
      {"git_commit", git_commit()},
      {"study_name", study.name},
      {"study_file", study.file.string()},
      {"study_toml", study.text},
      {"study_overrides", join(study.overrides, "\n")},
      {"study_sha256", study.sha256},
      {"label_sets", join(grid.label_sets(), ",")},
      {"hosts", join(hosts, ",")},
      {"run_id", run_id},
      {"start_time", utc_text(all.runs.empty() ? started_at : all.runs.front().started_at)},
      {"end_time", utc_text(unix_now())},
      {"stop_reason", outcome_text(outcome.reason)},
      {"slurm_job_id", engine::env_or_empty("SLURM_JOB_ID")},
      {"slurm_array_job_id", engine::env_or_empty("SLURM_ARRAY_JOB_ID")},
      {"slurm_array_task_id", engine::env_or_empty("SLURM_ARRAY_TASK_ID")},
      {"library_versions", library_versions(mpi)},
  };
  content.int_attributes = {{"mpi_size", mpi.size()},
                            {"units_in_grid", static_cast<std::int64_t>(grid.size())},
                            {"units_total", static_cast<std::int64_t>(summary.units)},
                            {"units_ok", static_cast<std::int64_t>(summary.ok)},
                            {"units_pending", static_cast<std::int64_t>(summary.pending)},
                            {"complete", summary.pending == 0 ? 1 : 0}};
  if (!options.slice.whole()) {  // units_pending and complete above count this slice's units
    content.int_attributes.emplace_back("slice_index", static_cast<std::int64_t>(options.slice.index));
    content.int_attributes.emplace_back("slice_count", static_cast<std::int64_t>(options.slice.count));
  }
  results::write_results_file(options.out, content, true);
  results::remove_shards(options.out, all.shards);
  summary.wrote = true;
  return summary;
}

}  // namespace

// What every rank returns: the root's summary of the merge.
constexpr engine::Wire<&RunSummary::grid_units, &RunSummary::units, &RunSummary::ok, &RunSummary::failed, &RunSummary::diverged,
     &RunSummary::evaluations, &RunSummary::ran, &RunSummary::pending, &RunSummary::reason, &RunSummary::wrote>
wire_of(const RunSummary*) { return {}; }

RunSummary run_sweep(const RunOptions& options, const engine::MpiSession& mpi) {
  const double started_at = unix_now();
  install_stop_handlers();
  set_stop_grace(options.grace_seconds);
  Study study = load_study(options.study_file, options.overrides);
  study.data_root = shared_data_root(options.data_root, mpi);
  // model.engine = "auto" resolves on the first rank, so that every rank hashes units alike.
  const std::string device = models::choose_device(engine::node_local_rank());
  const bool gpu = mpi.broadcast(device.rfind("cuda", 0) == 0 ? "1" : "0") == "1";
  const std::string auto_engine = resolve_auto_engine(study, gpu);
  const std::vector<Value> kinds = values_in_grid(study, "model.kind");
  const bool trains = std::any_of(kinds.begin(), kinds.end(), [](const Value& k) {
    ModelSpec model;
    model.kind = parse_model_kind(k.as_string());
    return model.trained();
  });
  if (!auto_engine.empty() && trains && mpi.is_root())
    log_info("model.engine = \"auto\" trains with the " + auto_engine + " engine (" +
             (gpu ? "the first rank has " + device : std::string("no GPU on the first rank")) + ")");
  // Whether a unit resamples decides whether features.resample is in its hash: the first rank
  // reads the files' rates, so that every rank hashes alike.
  {
    const std::optional<std::vector<int>> rates = mpi.is_root() ? data::probe_audio_rates(study) : std::nullopt;
    std::string text = rates ? "=" : "?";
    if (rates)
      for (int r : *rates) text += std::to_string(r) + ",";
    text = mpi.broadcast(text);
    if (text != "?") {
      study.audio_rates.emplace();
      for (const std::string& r : split(text.substr(1), ','))
        if (!r.empty()) study.audio_rates->push_back(std::stoi(r));
    }
    const std::string summary = data::resampling_summary(study);
    if (!summary.empty() && mpi.is_root()) {
      std::string resamplers;
      for (const Value& v : values_in_grid(study, "features.resample")) resamplers += (resamplers.empty() ? "" : ", ") + v.canonical();
      log_info("features: " + summary + " with features.resample = " + resamplers);
    }
  }
  const Grid grid = expand_grid(study);
  if (grid.size() == 0) throw UserError(study.file.string() + ": the grid has no units");

  // The root checks the output and plans under the run lock; a refusal reaches every rank.
  std::optional<results::RunLock> lock;
  engine::SchedulePlan plan;
  Decision decision;
  bool has_shards = false;
  HashIndex index;  // config hash -> grid index, on the root (planning and merging)
  std::optional<FileIdentity> planned_results;  // the results file a resume planned with (root)
  if (mpi.is_root()) {
    try {
      const fs::path folder = options.out.has_parent_path() ? options.out.parent_path() : fs::path(".");
      if (!fs::is_directory(folder)) throw UserError(options.out.string() + ": the folder " + folder.string() + " does not exist");
      refuse_unsafe_output(options.out, "a results file",
                           {{study.file, "the study file itself"},
                            {data_spec(study.settings, study.file, study.data_root).path, "the study's data (data.path)"},
                            {text_spec(study.settings, study.file, study.data_root).path,
                             "the study's lyrics table (text.path)"}});
      lock.emplace(options.out);
      std::size_t failed_before = 0;
      index = results::index_grid(grid);
      plan = plan_run(options, study, grid, index, mpi.size(), auto_engine, gpu, has_shards, failed_before,
                      decision.full_pca_groups);
      if (options.resume) planned_results = identity_of(options.out);
      decision.done_before = plan.done_before;
      decision.failed_before = failed_before;
      decision.run_id = engine::new_run_id(started_at);
      plan.on_stop = [&out = options.out, &decision](engine::StopReason reason) {
        results::write_run_note(out, decision.run_id, results::RunNote::stopped,
                       reason == engine::StopReason::signal ? std::string(stop_signal_name()) : outcome_text(reason));
      };
      decision.nothing_to_do = plan.order.empty() && !has_shards;
      log_info("study \"" + study.name + "\" (" + study.sha256.substr(0, 12) + "): " + std::to_string(grid.size()) +
               " units" +
               (grid.duplicates_removed() ? " (" + std::to_string(grid.duplicates_removed()) + " grid points were the same unit)" : "") +
               (plan.done_before ? ", " + std::to_string(plan.done_before) + " done by earlier runs" : "") + "; " +
               std::to_string(plan.order.size()) + " to run on " + std::to_string(mpi.size()) + " rank(s), run " +
               decision.run_id);
      if (const std::string notice = pipeline::conditioning_notice(study); !notice.empty()) log_warn(notice);
    } catch (const UserError& e) {
      decision.refusal = e.what();
      lock.reset();
    }
  }
  decision = engine::from_bytes<Decision>(mpi.broadcast(engine::to_bytes(decision)), "the root's decision");
  if (!decision.refusal.empty()) throw UserError(decision.refusal);
  if (decision.nothing_to_do) {
    RunSummary s;  // every unit has a record that stays: the results file is left as it is
    s.grid_units = s.units = options.slice.size(grid.size());
    s.failed = decision.failed_before;
    s.ok = s.units - s.failed;
    return s;
  }

  const auto tables = pipeline::share_features(grid, study, mpi);
  pipeline::RunContext context;
  context.rank = mpi.rank();
  context.host = mpi.processor_name();
  context.device = device;
  context.checkpoint_dir = options.out.string() + ".checkpoints";
  context.results_folder = std::filesystem::absolute(options.out).parent_path();
  context.full_pca_groups.insert(decision.full_pca_groups.begin(), decision.full_pca_groups.end());
  models::use_threads(threads_per_rank());

  engine::ScheduleOutcome outcome;
  {
    engine::JournalWriter journal(results::shard_path(options.out, decision.run_id, mpi.rank()),
                          results::encode_shard_header(shard_header(study, grid, decision, mpi, started_at, options.overwrite)),
                          options.sync_seconds);
    if (mpi.is_root() && options.overwrite) {
      try {  // a backup of the header's flag (see RunNote): the run goes on without it
        results::write_run_note(options.out, decision.run_id, results::RunNote::replaces_results, "");
      } catch (const UserError& e) {
        log_warn(e.what());
      }
    }
    // Records a finished unit (not an abandoned one) in this rank's journal before the next
    // batch starts: a killed process loses nothing of it; a node that loses power loses at most
    // the last --sync-every seconds of units.
    const auto record = [&](const WorkUnit& unit, pipeline::UnitOutcome& result, double unit_start, double wall_seconds) {
      if (result.unit.status == results::UnitStatus::abandoned) {
        log_warn("unit " + std::to_string(unit.index) + " (" + unit.label() + ") abandoned: " + result.unit.message);
        return engine::UnitResult::abandoned;
      }
      result.unit.run_id = decision.run_id;
      result.unit.started_at = unit_start;
      result.unit.wall_seconds = wall_seconds;
      if (result.unit.status != results::UnitStatus::ok)
        log_warn("unit " + std::to_string(unit.index) + " (" + unit.label() + ", " + unit.config_hash.substr(0, 12) +
                 ") " + to_string(result.unit.status) + ": " + result.unit.message);
      journal.append(results::encode_unit(result.unit, result.evaluations));
      if (lock) lock->restore_if_unlinked();
      return result.unit.status == results::UnitStatus::ok ? engine::UnitResult::ok : engine::UnitResult::failed;
    };
    const engine::BatchWork work = [&](const std::vector<std::size_t>& indices, const std::function<bool()>& abandon) {
      const double batch_start = unix_now();
      std::vector<WorkUnit> units;
      for (std::size_t i : indices) units.push_back(grid.unit(i));
      pipeline::RunContext unit_context = context;
      unit_context.abandon = abandon;
      std::vector<pipeline::UnitOutcome> outcomes = pipeline::run_units_together(units, tables.at(units.front().feature_hash), unit_context);
      // A batch's units share its wall time; their train_seconds say the same.
      const double wall = (unix_now() - batch_start) / static_cast<double>(units.size());
      std::vector<engine::UnitResult> results;
      for (std::size_t u = 0; u < units.size(); ++u) results.push_back(record(units[u], outcomes[u], batch_start, wall));
      return results;
    };
    outcome = engine::schedule_units(plan, mpi, work);
    plan = engine::SchedulePlan{};  // its order (9 bytes a unit) is not needed by the merge that follows
    // A failed last sync must not leave the other ranks waiting in the barrier below: the
    // records written before it stay readable, and the merge counts what they hold.
    try {
      journal.sync();
    } catch (const UserError& e) {
      log_warn(std::string(e.what()) + " (the records before it are kept)");
    }
  }
  mpi.barrier();  // every journal is complete before the root reads them

  // The root merges; every rank returns the same summary (and so the same exit status).
  std::string message;
  if (mpi.is_root())
    message = engine::outcome_to_bytes<RunSummary>([&] {
      return merge_results(options, study, grid, index, tables, outcome, decision.run_id, started_at, mpi, planned_results);
    });
  return engine::outcome_from_bytes<RunSummary>(mpi.broadcast(message), "the root's summary");
}

}  // namespace vaesweep::sweep
