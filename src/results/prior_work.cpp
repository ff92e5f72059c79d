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

// `units_columns`: instead of records, only those /units columns, given to it (no /evaluations).
struct UnitColumnsReader {
  std::vector<std::string> columns;
  std::function<void(const io::ColumnTable&)> visit;
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
    const std::vector<std::string>& wanted = units_columns->columns;
    units_columns->visit(file.read_columns("/units", [&](const std::string& name) {
      return std::find(wanted.begin(), wanted.end(), name) != wanted.end();
    }));
    if (file.exists("/runs")) prior.runs = runs_from_table(file.read_table("/runs"));
    prior.studies.push_back({attribute_or_empty(file, "study_sha256"), attribute_or_empty(file, "study_toml"),
                             attribute_or_empty(file, "study_file"), attribute_or_empty(file, "study_overrides")});
    return;
  }
  std::vector<UnitRecord> units;
  std::vector<EvaluationRecord> evaluations;
  records_from_tables(file.read_table("/units"), file.read_table("/evaluations"), prior.label_sets,
                      read_units_layout(file), units, evaluations);
  read_stored_arrays(file, units, evaluations);
  // Evaluations follow their unit's config hash (one record per unit in a results file).
  std::unordered_map<std::string, std::size_t> position;
  for (auto& u : units) {
    position[u.config_hash] = prior.units.size();
    prior.units.push_back({std::move(u), {}});
  }
  for (auto& e : evaluations) {
    const auto it = position.find(e.config_hash);
    if (it == position.end())
      throw UserError(path.string() + ": /evaluations has a row of unit " + e.config_hash.substr(0, 12) +
                      " that /units lacks");
    prior.units[it->second].evaluations.push_back(std::move(e));
  }
  if (file.exists("/runs")) prior.runs = runs_from_table(file.read_table("/runs"));
  prior.studies.push_back({attribute_or_empty(file, "study_sha256"), attribute_or_empty(file, "study_toml"),
                           attribute_or_empty(file, "study_file"), attribute_or_empty(file, "study_overrides")});
}

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
  const UnitColumnsReader reader{units_columns, visit_file_units};
  return assemble_prior_work(results, read_shards(results, visit_journal_units), &reader);
}

HashIndex index_grid(const Grid& grid) { return HashIndex(grid.config_digests()); }

void refuse_changed_study(const PriorWork& prior, const Study& study, const HashIndex& index, const fs::path& results,
                          const std::string& auto_engine) {
  std::vector<const UnitRecord*> missing;
  for (const auto& u : prior.units)
    if (!index.contains(u.unit.config_hash)) missing.push_back(&u.unit);
  if (missing.empty()) return;
  std::string examples;
  for (std::size_t i = 0; i < std::min<std::size_t>(3, missing.size()); ++i)
    examples += (i ? "; " : "") + unit_label(*missing[i]);
  std::string why;
  for (const PriorStudy& before : prior.studies) {
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
  for (const UnitRecord* u : missing)
    if (!auto_engine.empty() && !u->engine.empty() && u->engine != auto_engine) other_engines.insert(u->engine);
  if (why.empty() && !other_engines.empty())
    throw UserError(results.string() + ": --resume cannot reuse " + std::to_string(missing.size()) +
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
    throw UserError(results.string() + ": --resume cannot reuse " + std::to_string(missing.size()) +
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
    throw UserError(results.string() + ": --resume cannot reuse " + std::to_string(missing.size()) +
                    " finished unit(s) (" + examples + "): features.kind = \"librosa\" with features.n_mfcc unset "
                    "now takes the published table's 20 MFCCs, and earlier versions of vaesweep took 13. To continue "
                    "those units, pin theirs: --set features.n_mfcc=13; to run them with 20, pass --overwrite or "
                    "write a new --out (nothing was changed)");
  if (why.empty())
    why = "no study key differs: the units were identified by another version of vaesweep";
  throw UserError(results.string() + ": --resume refused: the study changed in a way that changes " +
                  std::to_string(missing.size()) + " finished unit(s) (" + examples + "). Changed: " + why +
                  ". Resume with the study they ran under, or write a new --out (nothing was changed)");
}

ToRun units_to_run(const Grid& grid, const PriorWork& prior, const HashIndex& index, bool retry_failed) {
  // Per grid unit: 0 no record, 1 only records that are not ok, 2 an ok record.
  std::vector<std::uint8_t> state(grid.size(), 0);
  for (const auto& u : prior.units) {
    const auto unit = index.find(u.unit.config_hash);
    if (!unit) continue;
    auto& s = state[*unit];
    s = std::max<std::uint8_t>(s, u.unit.status == UnitStatus::ok ? 2 : 1);
  }
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
