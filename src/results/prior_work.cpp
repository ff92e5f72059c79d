#include "results/prior_work.hpp"

#include <algorithm>
#include <map>
#include <set>

#include "util/error.hpp"
#include "util/strings.hpp"
#include "data/audio_rates.hpp"
#include "io/hdf5_file.hpp"
#include "results/stored_arrays.hpp"

namespace vaesweep::results {
namespace fs = std::filesystem;
namespace {

std::string attribute_or_empty(const io::Hdf5File& file, const std::string& name) {
  const auto names = file.attribute_names("/");
  return std::find(names.begin(), names.end(), name) == names.end() ? "" : file.string_attribute("/", name);
}

// Instead of records: `visit` reads what it needs of the results file itself (no records are
// made, no /evaluations read).
struct UnitColumnsReader {
  std::function<void(const io::Hdf5File&)> visit;
};

void read_results(const fs::path& path, PriorWork& prior, const UnitColumnsReader* units_columns = nullptr) {
  const io::Hdf5File file = io::Hdf5File::open_read(path);
  for (const char* table : {"/units", "/evaluations"})
    if (!file.exists(table))
      throw UserError(path.string() + ": not a vaesweep results file (no " + std::string(table) + " table)");
  prior.results_file = true;
  prior.label_sets = split(attribute_or_empty(file, "label_sets"), ',');
  prior.study_name = attribute_or_empty(file, "study_name");
  const auto names = file.attribute_names("/");
  if (std::find(names.begin(), names.end(), "units_in_grid") != names.end())
    prior.grid_units = file.int_attribute("/", "units_in_grid");
  if (std::find(names.begin(), names.end(), "slice_count") != names.end()) {
    prior.slice_count = file.int_attribute("/", "slice_count");
    prior.slice_index = file.int_attribute("/", "slice_index");
  }
  if (units_columns != nullptr) {
    units_columns->visit(file);
    if (file.exists("/runs")) prior.runs = runs_from_table(file.read_table("/runs"));
    prior.studies.push_back({attribute_or_empty(file, "study_sha256"), attribute_or_empty(file, "study_toml"),
                             attribute_or_empty(file, "study_file"), attribute_or_empty(file, "study_overrides")});
    return;
  }
  prior.units = results_file_records(file, path);
  if (file.exists("/runs")) prior.runs = runs_from_table(file.read_table("/runs"));
  prior.studies.push_back({attribute_or_empty(file, "study_sha256"), attribute_or_empty(file, "study_toml"),
                           attribute_or_empty(file, "study_file"), attribute_or_empty(file, "study_overrides")});
}

}  // namespace

std::vector<ShardUnit> results_file_records(const io::Hdf5File& file, const fs::path& path) {
  std::vector<UnitRecord> units;
  std::vector<EvaluationRecord> evaluations;
  records_from_tables(file.read_table("/units"), file.read_table("/evaluations"),
                      split(attribute_or_empty(file, "label_sets"), ','), read_units_layout(file), units, evaluations);
  read_stored_arrays(file, units, evaluations);
  // Evaluations follow their unit's config hash (one record per unit in a results file).
  std::vector<ShardUnit> out;
  std::unordered_map<std::string, std::size_t> position;
  for (auto& u : units) {
    position[u.config_hash] = out.size();
    out.push_back({std::move(u), {}});
  }
  for (auto& e : evaluations) {
    const auto it = position.find(e.config_hash);
    if (it == position.end())
      throw UserError(path.string() + ": /evaluations has a row of unit " + e.config_hash.substr(0, 12) +
                      " that /units lacks");
    out[it->second].evaluations.push_back(std::move(e));
  }
  return out;
}

namespace {

// A run that only journals know of: it was killed before its merge (after a stop it had noted,
// or not).
RunRecord interrupted_run(const Shard& shard, const fs::path& results) {
  RunRecord r;
  r.run_id = shard.header.run_id;
  r.started_at = r.ended_at = shard.header.started_at;
  r.ranks = shard.header.ranks;
  r.slurm_job_id = shard.header.slurm_job_id;
  r.slurm_array_job_id = shard.header.slurm_array_job_id;
  r.slurm_array_task_id = shard.header.slurm_array_task_id;
  // "interrupted (after SIGTERM)": the root had seen a stop (a signal, which mpirun also sends
  // to the other ranks when one dies, or too many failures) when the run was killed.
  const std::optional<std::string> stop = read_run_note(results, r.run_id, RunNote::stopped);
  r.outcome = stop ? "interrupted (after " + *stop + ")" : "interrupted";
  r.study_sha256 = shard.header.study_sha256;
  return r;
}

// "model.epochs: 60 -> 30" for every key (and grid axis) whose value differs.
std::vector<std::string> changed_keys(const Study& before, const Study& after) {
  std::vector<std::string> out;
  std::set<std::string> keys;
  for (const auto& [k, v] : before.settings) keys.insert(k);
  for (const auto& [k, v] : after.settings) keys.insert(k);
  const auto text = [](const Settings& s, const std::string& k) {
    const auto it = s.find(k);
    return it == s.end() ? std::string("(unset)") : it->second.value.canonical();
  };
  for (const auto& k : keys) {
    if (k == "study.name" || k == "study.description") continue;
    const std::string a = text(before.settings, k), b = text(after.settings, k);
    if (a != b) out.push_back(k + ": " + a + " -> " + b);
  }
  const auto axes = [](const Study& s) {
    std::map<std::string, std::string> m;
    for (const auto& axis : s.axes)
      if (!axis.sampled) m[axis.key] = Value(Value::List(axis.values.begin(), axis.values.end())).canonical();
    return m;
  };
  // Sampled axes by what draws them, not by their (long) lists of draws.
  const auto search = [](const Study& s) {
    std::string t = to_string(s.search.kind);
    if (!s.search.active()) return t;
    t += " samples=" + std::to_string(s.search.samples);
    if (s.search.kind == SearchKind::random) t += " seed=" + std::to_string(s.search.seed);
    for (const auto& k : s.search.keys) t += " " + k.key + "=" + to_string(k.distribution) + Value(k.arguments).canonical();
    return t;
  };
  if (search(before) != search(after)) out.push_back("search: " + search(before) + " -> " + search(after));
  const auto a = axes(before), b = axes(after);
  std::set<std::string> axis_keys;
  for (const auto& [k, v] : a) axis_keys.insert(k);
  for (const auto& [k, v] : b) axis_keys.insert(k);
  for (const auto& k : axis_keys) {
    const std::string x = a.count(k) ? a.at(k) : "(no axis)", y = b.count(k) ? b.at(k) : "(no axis)";
    if (x != y) out.push_back("grid " + k + ": " + x + " -> " + y);
  }
  return out;
}

}  // namespace

namespace {

// The results file (unless a journal says it is being replaced), then what the journals add:
// their runs and studies. The journals' units stay where `shards` holds them.
PriorWork assemble_prior_work(const fs::path& results, std::vector<Shard> shards,
                              const UnitColumnsReader* units_columns = nullptr) {
  PriorWork prior;
  std::error_code ec;
  // A run started with --overwrite left its journals: the file it was replacing is not read.
  prior.results_replaced = std::any_of(shards.begin(), shards.end(), [](const Shard& s) { return s.header.replaces_results; });
  if (!prior.results_replaced && fs::exists(results, ec)) read_results(results, prior, units_columns);
  prior.shards = std::move(shards);
  std::set<std::string> known_runs, journal_only_runs;
  for (const auto& r : prior.runs) known_runs.insert(r.run_id);
  std::set<std::string> known_studies;
  for (const auto& s : prior.studies) known_studies.insert(s.sha256);
  for (Shard& shard : prior.shards) {
    if (shard.header.run_id.empty()) continue;  // killed before its header: nothing in it
    if (known_runs.insert(shard.header.run_id).second) {
      prior.runs.push_back(interrupted_run(shard, results));
      journal_only_runs.insert(shard.header.run_id);
    }
    RunRecord& run = *std::find_if(prior.runs.begin(), prior.runs.end(),
                                   [&](const RunRecord& r) { return r.run_id == shard.header.run_id; });
    if (journal_only_runs.count(run.run_id)) {
      run.hosts = run.hosts.empty() ? shard.header.host
                                    : (run.hosts.find(shard.header.host) == std::string::npos ? run.hosts + "," + shard.header.host
                                                                                                : run.hosts);
      if (shard.records > 0) run.ended_at = std::max(run.ended_at, shard.units_ended_at);
    }
    if (!shard.header.study_sha256.empty() && known_studies.insert(shard.header.study_sha256).second)
      prior.studies.push_back({shard.header.study_sha256, shard.header.study_text, shard.header.study_file,
                               shard.header.study_overrides});
  }
  return prior;
}

}  // namespace

PriorWork read_prior_work(const fs::path& results) {
  PriorWork prior = assemble_prior_work(results, read_shards(results));
  for (Shard& shard : prior.shards) {
    if (shard.header.run_id.empty()) continue;
    for (auto& u : shard.units) prior.units.push_back(std::move(u));
    shard.units.clear();
  }
  return prior;
}

PriorWork read_prior_work(const fs::path& results, const ShardUnitVisitor& visit_journal_units) {
  return assemble_prior_work(results, read_shards(results, visit_journal_units));
}

PriorWork read_prior_work(const fs::path& results, const ShardUnitVisitor& visit_journal_units,
                          const std::vector<std::string>& units_columns,
                          const std::function<void(const io::ColumnTable&)>& visit_file_units) {
  const UnitColumnsReader reader{[&](const io::Hdf5File& file) {
    visit_file_units(file.read_columns("/units", [&](const std::string& name) {
      return std::find(units_columns.begin(), units_columns.end(), name) != units_columns.end();
    }));
  }};
  return assemble_prior_work(results, read_shards(results, visit_journal_units), &reader);
}

PriorWork read_prior_work(const fs::path& results, const ShardUnitVisitor& visit_journal_units,
                          const std::function<void(const io::Hdf5File&)>& visit_file) {
  const UnitColumnsReader reader{visit_file};
  return assemble_prior_work(results, read_shards(results, visit_journal_units), &reader);
}

namespace {

// What read_prior_briefs keeps of one source (the results file, or one journal) in its own
// order: the sources are put in PriorWork::units order once the journals' order is known.
struct SourceBriefs {
  std::size_t outside_grid = 0;
  std::vector<UnitRecord> outside_examples;
  std::optional<std::pair<std::size_t, UnitRecord>> outside_slice;
};

// The fields of a record that a refusal names (unit_label's, and the engine).
UnitRecord example_of(const UnitRecord& u) {
  UnitRecord e;
  e.model = u.model;
  e.axes = u.axes;
  e.seed = u.seed;
  e.config_hash = u.config_hash;
  e.engine = u.engine;
  return e;
}

bool full_pca(const std::string& model, const std::string& pca_solver) {
  return model == "pca" && (pca_solver.empty() || pca_solver == "full");
}

// The state a record of `status` gives its grid unit (PriorBriefs::state).
void note_status(std::uint8_t& state, UnitStatus status) {
  state = std::max<std::uint8_t>(state, status == UnitStatus::ok ? 2 : 1);
}

// The results file's records, one /units column at a time (a million config hashes as strings
// are ~100 MB; every column at once several times that).
void brief_results_file(const io::Hdf5File& file, const fs::path& path, const HashIndex& index,
                        const std::function<bool(std::size_t)>& in_slice, PriorBriefs& briefs, SourceBriefs& out) {
  const auto column = [&](const char* name) {
    return file.read_columns("/units", [&](const std::string& c) { return c == name; });
  };
  const std::vector<std::string> names = file.column_names("/units");
  const auto has = [&](const char* name) { return std::find(names.begin(), names.end(), name) != names.end(); };
  for (const char* c : {"config_hash", "status"})
    if (!has(c)) throw UserError(path.string() + ": /units has no column " + c);
  // Per row: its grid index, -1 outside the grid.
  std::vector<std::int64_t> unit_of;
  std::vector<std::size_t> outside;  // rows outside the grid
  std::optional<std::size_t> outside_slice;  // the first row of a grid unit outside the slice
  {
    const io::ColumnTable t = column("config_hash");
    const std::vector<std::string>& hashes = t.strings("config_hash");
    unit_of.resize(hashes.size());
    for (std::size_t i = 0; i < hashes.size(); ++i) {
      const auto unit = index.find(hashes[i]);
      unit_of[i] = unit ? static_cast<std::int64_t>(*unit) : -1;
      if (!unit) outside.push_back(i);
      else if (!outside_slice && !in_slice(*unit)) outside_slice = i;
    }
  }
  {
    const io::ColumnTable t = column("status");
    const std::vector<std::string>& statuses = t.strings("status");
    for (std::size_t i = 0; i < statuses.size(); ++i) {
      const UnitStatus status = parse_unit_status(statuses[i]);
      if (unit_of[i] >= 0) note_status(briefs.state[static_cast<std::size_t>(unit_of[i])], status);
    }
  }
  if (has("model")) {
    std::vector<std::size_t> pca;
    {
      const io::ColumnTable t = column("model");
      const std::vector<std::string>& models = t.strings("model");
      for (std::size_t i = 0; i < models.size(); ++i)
        if (models[i] == "pca") pca.push_back(i);
    }
    if (!pca.empty()) {
      const io::ColumnTable t = file.read_columns(
          "/units", [](const std::string& c) { return c == "group_hash" || c == "pca_solver"; });
      for (const std::size_t i : pca)
        if (full_pca("pca", t.has("pca_solver") ? t.strings("pca_solver")[i] : std::string()))
          briefs.full_pca_groups.insert(t.has("group_hash") ? t.strings("group_hash")[i] : std::string());
    }
  }
  out.outside_grid = outside.size();
  if (outside.empty() && !outside_slice) return;
  // Only when something is refused: the fields its message names.
  const io::ColumnTable t = file.read_columns("/units", [](const std::string& c) {
    return c == "config_hash" || c == "model" || c == "axes" || c == "seed" || c == "engine";
  });
  const auto record = [&](std::size_t i) {
    UnitRecord u;
    u.config_hash = t.strings("config_hash")[i];
    if (t.has("model")) u.model = t.strings("model")[i];
    if (t.has("axes")) u.axes = t.strings("axes")[i];
    if (t.has("seed")) u.seed = t.ints("seed")[i];
    if (t.has("engine")) u.engine = t.strings("engine")[i];
    return u;
  };
  for (const std::size_t i : outside) {
    UnitRecord u = record(i);
    if (!u.engine.empty()) briefs.outside_engines.insert(u.engine);
    if (out.outside_examples.size() < kPriorExamples) out.outside_examples.push_back(std::move(u));
  }
  if (outside_slice) out.outside_slice.emplace(static_cast<std::size_t>(unit_of[*outside_slice]), record(*outside_slice));
}

}  // namespace

PriorWork read_prior_briefs(const fs::path& results, const HashIndex& index,
                            const std::function<bool(std::size_t)>& in_slice, PriorBriefs& briefs) {
  briefs = {};
  briefs.state.assign(index.size(), 0);
  std::vector<SourceBriefs> journals;  // by reading index
  SourceBriefs file;
  const auto visit = [&](std::size_t shard, ShardUnit&& u, engine::JournalRecordPlace) {
    if (journals.size() <= shard) journals.resize(shard + 1);
    SourceBriefs& source = journals[shard];
    const UnitRecord& r = u.unit;
    if (full_pca(r.model, r.pca_solver)) briefs.full_pca_groups.insert(r.group_hash);
    const auto unit = index.find(r.config_hash);
    if (!unit) {
      ++source.outside_grid;
      if (!r.engine.empty()) briefs.outside_engines.insert(r.engine);
      if (source.outside_examples.size() < kPriorExamples) source.outside_examples.push_back(example_of(r));
      return;
    }
    note_status(briefs.state[*unit], r.status);
    if (!source.outside_slice && !in_slice(*unit)) source.outside_slice.emplace(*unit, example_of(r));
  };
  const UnitColumnsReader reader{[&](const io::Hdf5File& f) { brief_results_file(f, results, index, in_slice, briefs, file); }};
  PriorWork prior = assemble_prior_work(results, read_shards(results, visit), &reader);
  // In PriorWork::units order: the results file's, then the journals' in reading order (a journal
  // with no header has no records).
  const auto add = [&](SourceBriefs& source) {
    briefs.outside_grid += source.outside_grid;
    for (UnitRecord& u : source.outside_examples)
      if (briefs.outside_examples.size() < kPriorExamples) briefs.outside_examples.push_back(std::move(u));
    if (!briefs.outside_slice && source.outside_slice) briefs.outside_slice = std::move(source.outside_slice);
  };
  add(file);
  for (const Shard& shard : prior.shards)
    if (!shard.header.run_id.empty() && shard.reading_index < journals.size()) add(journals[shard.reading_index]);
  return prior;
}

HashIndex index_grid(const Grid& grid) { return HashIndex(grid.config_digests()); }

namespace {

// UserError for the `missing` records of earlier runs that are not units of this grid, named by
// their first few (`examples`) and the engines that trained them.
void refuse_outside_grid(const std::vector<PriorStudy>& studies, std::size_t missing,
                         const std::vector<const UnitRecord*>& first, const std::set<std::string>& engines,
                         const Study& study, const fs::path& results, const std::string& auto_engine) {
  if (missing == 0) return;
  std::string examples;
  for (std::size_t i = 0; i < std::min(kPriorExamples, first.size()); ++i)
    examples += (i ? "; " : "") + unit_label(*first[i]);
  std::string why;
  for (const PriorStudy& before : studies) {
    if (before.text.empty()) continue;
    try {
      Study old = parse_study(before.text, before.file, split(before.overrides, '\n'));
      // Compared as resolved on this hardware: a difference of hardware is no study change.
      if (!auto_engine.empty()) resolve_auto_engine(old, auto_engine == "stacked");
      const auto changes = changed_keys(old, study);
      why += changes.empty() ? "" : (why.empty() ? "" : "; ") + join(changes, ", ");
    } catch (const UserError& e) {
      why += (why.empty() ? "" : "; ") + std::string("the earlier study no longer loads: ") + e.what();
    }
  }
  // The same study, but model.engine = "auto" resolved to another engine than when they ran.
  std::set<std::string> other_engines;
  for (const std::string& engine : engines)
    if (!auto_engine.empty() && !engine.empty() && engine != auto_engine) other_engines.insert(engine);
  if (why.empty() && !other_engines.empty())
    throw UserError(results.string() + ": --resume cannot reuse " + std::to_string(missing) +
                    " finished unit(s) (" + examples + "): they were trained by the " +
                    join(std::vector<std::string>(other_engines.begin(), other_engines.end()), ", ") +
                    " engine, and model.engine = \"auto\" means " + auto_engine + " on this hardware (" +
                    (auto_engine == "stacked" ? "the first rank has a GPU" : "the first rank has no GPU") +
                    "), whose numbers differ. To continue them here, pin their engine: --set model.engine=\"" +
                    *other_engines.begin() + "\"; or write a new --out (nothing was changed)");
  // The same study, but its audio is resampled, by libsamplerate before features.resample
  // existed and by its default (libsoxr) now.
  const std::string resampling = data::resampling_summary(study);
  std::vector<Value> resamplers = values_in_grid(study, "features.resample");
  std::erase_if(resamplers, [](const Value& v) { return v.as_string() == "sinc_best"; });
  if (why.empty() && !resampling.empty() && !resamplers.empty())
    throw UserError(results.string() + ": --resume cannot reuse " + std::to_string(missing) +
                    " finished unit(s) (" + examples + "): the study's audio " + resampling +
                    ", and features.resample = " + resamplers.front().canonical() +
                    " (the default since vaesweep has that key) converts them with libsoxr, while those units' "
                    "features were resampled with libsamplerate's best sinc, whose numbers differ slightly. To "
                    "continue them, pin their resampler: --set features.resample=\"sinc_best\"; to run them again "
                    "with " + resamplers.front().canonical() + ", pass --overwrite or write a new --out (nothing was changed)");
  // The same study, but features.kind = "librosa" with n_mfcc unset: 13 MFCCs before the kind
  // took the published table's 20.
  const auto kinds = values_in_grid(study, "features.kind");
  const bool librosa = std::any_of(kinds.begin(), kinds.end(), [](const Value& v) { return v.as_string() == "librosa"; });
  if (why.empty() && librosa && study.settings.at("features.n_mfcc").origin == "default")
    throw UserError(results.string() + ": --resume cannot reuse " + std::to_string(missing) +
                    " finished unit(s) (" + examples + "): features.kind = \"librosa\" with features.n_mfcc unset "
                    "now takes the published table's 20 MFCCs, and earlier versions of vaesweep took 13. To continue "
                    "those units, pin theirs: --set features.n_mfcc=13; to run them with 20, pass --overwrite or "
                    "write a new --out (nothing was changed)");
  if (why.empty())
    why = "no study key differs: the units were identified by another version of vaesweep";
  throw UserError(results.string() + ": --resume refused: the study changed in a way that changes " +
                  std::to_string(missing) + " finished unit(s) (" + examples + "). Changed: " + why +
                  ". Resume with the study they ran under, or write a new --out (nothing was changed)");
}

// units_to_run from each grid unit's PriorBriefs::state.
ToRun units_to_run(const Grid& grid, const std::vector<std::uint8_t>& state, bool retry_failed) {
  VAESWEEP_ASSERT(state.size() == grid.size(), "one state per grid unit");
  ToRun out;
  for (std::size_t i = 0; i < grid.size(); ++i) {
    if (state[i] == 2 || (state[i] == 1 && !retry_failed)) {
      ++out.done_before;
      if (state[i] == 1) ++out.failed_before;
      continue;
    }
    out.order.push_back(i);
  }
  std::vector<double> cost(grid.size());
  for (std::size_t i : out.order) cost[i] = grid.cost_hint(i);
  std::stable_sort(out.order.begin(), out.order.end(), [&](std::size_t a, std::size_t b) { return cost[a] > cost[b]; });
  return out;
}

}  // namespace

void refuse_changed_study(const PriorWork& prior, const Study& study, const HashIndex& index, const fs::path& results,
                          const std::string& auto_engine) {
  std::vector<const UnitRecord*> missing;
  std::set<std::string> engines;
  for (const auto& u : prior.units)
    if (!index.contains(u.unit.config_hash)) {
      missing.push_back(&u.unit);
      if (!u.unit.engine.empty()) engines.insert(u.unit.engine);
    }
  refuse_outside_grid(prior.studies, missing.size(), missing, engines, study, results, auto_engine);
}

void refuse_changed_study(const PriorWork& prior, const PriorBriefs& briefs, const Study& study,
                          const fs::path& results, const std::string& auto_engine) {
  std::vector<const UnitRecord*> first;
  for (const UnitRecord& u : briefs.outside_examples) first.push_back(&u);
  refuse_outside_grid(prior.studies, briefs.outside_grid, first, briefs.outside_engines, study, results, auto_engine);
}

ToRun units_to_run(const Grid& grid, const PriorWork& prior, const HashIndex& index, bool retry_failed) {
  // Per grid unit: 0 no record, 1 only records that are not ok, 2 an ok record.
  std::vector<std::uint8_t> state(grid.size(), 0);
  for (const auto& u : prior.units)
    if (const auto unit = index.find(u.unit.config_hash)) note_status(state[*unit], u.unit.status);
  return units_to_run(grid, state, retry_failed);
}

ToRun units_to_run(const Grid& grid, const PriorBriefs& briefs, bool retry_failed) {
  return units_to_run(grid, briefs.state, retry_failed);
}

std::vector<ShardUnit> latest_records(std::vector<ShardUnit> units, const HashIndex& index) {
  // Per grid index, the position in `units` of the record that stays (-1: none yet).
  std::vector<std::ptrdiff_t> best(index.size(), -1);
  for (std::size_t i = 0; i < units.size(); ++i) {
    const auto unit = index.find(units[i].unit.config_hash);
    if (!unit) continue;
    std::ptrdiff_t& b = best[*unit];
    if (b < 0 || replaces_record(units[static_cast<std::size_t>(b)].unit.status, units[i].unit.status))
      b = static_cast<std::ptrdiff_t>(i);
  }
  std::vector<ShardUnit> out;
  for (std::size_t g = 0; g < best.size(); ++g) {
    if (best[g] < 0) continue;
    ShardUnit& u = units[static_cast<std::size_t>(best[g])];
    u.unit.unit = static_cast<std::int64_t>(g);
    for (auto& e : u.evaluations) e.unit = static_cast<std::int64_t>(g);
    out.push_back(std::move(u));
  }
  return out;  // in grid order by construction
}

}  // namespace vaesweep::results
