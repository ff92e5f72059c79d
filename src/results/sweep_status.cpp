#include "results/sweep_status.hpp"

#include <algorithm>
#include <cstdio>
#include <unordered_map>

#include "util/error.hpp"
#include "util/log.hpp"
#include "util/strings.hpp"
#include "study/study.hpp"
#include "results/prior_work.hpp"
#include "engine/provenance.hpp"
#include "results/run_lock.hpp"

namespace vaesweep::sweep {
namespace fs = std::filesystem;
namespace {

std::string fixed(double v, int decimals) {
  char buf[64];
  std::snprintf(buf, sizeof buf, "%.*f", decimals, v);
  return buf;
}

}  // namespace

namespace {

// Journals only (no results file yet): the name of the study the latest run ran, as the merge
// will write it ([study] name, else the file's stem).
std::string study_name_of_latest_run(const PriorWork& prior) {
  if (prior.studies.empty()) return "";
  const PriorStudy& latest = prior.studies.back();
  try {
    return parse_study(latest.text, latest.file, split(latest.overrides, '\n')).name;
  } catch (const UserError&) {
    return fs::path(latest.file).stem().string();
  }
}

}  // namespace

SweepStatus read_sweep_status(const fs::path& results) {
  std::error_code ec;
  if (!fs::exists(results, ec) && !fs::is_directory(shard_folder(results), ec))
    throw UserError(results.string() + ": no results file and no shards of a run (" + shard_folder(results).string() +
                    ") here");
  SweepStatus s;
  s.results = results;
  s.running = RunLock::holder(results);
  PriorWork prior = read_prior_work(results);
  s.results_file = prior.results_file;
  s.journals = prior.shards.size();
  s.runs = prior.runs;
  for (const Shard& shard : prior.shards) {
    if (!shard.damage.empty()) s.damage.push_back(shard.path.string() + ": " + shard.damage);
    s.grid_units = std::max<std::size_t>(s.grid_units, static_cast<std::size_t>(shard.header.grid_units));
  }
  s.study_name = prior.study_name.empty() ? study_name_of_latest_run(prior) : prior.study_name;
  s.grid_units = std::max<std::size_t>(s.grid_units, static_cast<std::size_t>(prior.grid_units));
  s.grid_known = s.grid_units > 0;
  if (prior.slice_count > 0 && prior.slice_index < static_cast<std::int64_t>(s.grid_units)) {
    // A slice's file: its units are the grid indices == slice_index (mod slice_count).
    s.slice = std::to_string(prior.slice_index) + "/" + std::to_string(prior.slice_count);
    s.grid_units = (s.grid_units - static_cast<std::size_t>(prior.slice_index) + static_cast<std::size_t>(prior.slice_count) - 1) /
                   static_cast<std::size_t>(prior.slice_count);
  }
  // The results file's study when there is one, else the latest run's.
  if (!prior.studies.empty()) s.study_sha256 = (prior.results_file ? prior.studies.front() : prior.studies.back()).sha256;

  // The latest record of each unit, an ok one never replaced (as the merge does).
  std::unordered_map<std::string, const UnitRecord*> latest;
  latest.reserve(prior.units.size());
  for (const ShardUnit& u : prior.units) {
    auto [it, fresh] = latest.emplace(u.unit.config_hash, &u.unit);
    if (!fresh && (u.unit.status == UnitStatus::ok || it->second->status != UnitStatus::ok)) it->second = &u.unit;
  }
  std::vector<const UnitRecord*> failed;
  for (const auto& [hash, u] : latest) {
    ++s.done;
    if (u->status == UnitStatus::ok) ++s.ok;
    else {
      (u->status == UnitStatus::diverged ? s.diverged : s.failed)++;
      failed.push_back(u);
    }
  }
  std::sort(failed.begin(), failed.end(), [](const UnitRecord* a, const UnitRecord* b) { return a->unit < b->unit; });
  for (const UnitRecord* u : failed)
    s.failures.push_back({"unit " + std::to_string(u->unit) + " " + unit_label(*u), to_string(u->status), u->message, u->run_id, u->host, u->rank});
  s.grid_units = std::max(s.grid_units, s.done);

  std::unordered_map<std::string, std::int64_t> per_run;
  for (const auto& [hash, u] : latest) ++per_run[u->run_id];
  for (RunRecord& r : s.runs) r.units = per_run.count(r.run_id) ? per_run.at(r.run_id) : 0;
  // Rate of the latest run: its units over the time from its start to its last unit's end.
  if (!s.runs.empty()) {
    RunRecord& last = *std::max_element(s.runs.begin(), s.runs.end(),
                                        [](const RunRecord& a, const RunRecord& b) { return a.started_at < b.started_at; });
    if (s.running && last.outcome.rfind("interrupted", 0) == 0) last.outcome = "in progress";
    std::size_t units = 0;
    double end = last.started_at;
    for (const auto& [hash, u] : latest)
      if (u->run_id == last.run_id) {
        ++units;
        end = std::max(end, u->started_at + u->wall_seconds);
      }
    if (s.running) end = unix_now();
    if (end > last.started_at) s.rate = static_cast<double>(units) / (end - last.started_at);
  }
  return s;
}

std::string format_sweep_status(const SweepStatus& s, std::size_t max_failures) {
  const std::string study = s.study_name.empty() && s.study_sha256.empty()
                                ? "study unknown (no results file and no readable journal header)"
                                : "study \"" + s.study_name + "\" (" + s.study_sha256.substr(0, 12) + ")";
  std::string out = s.results.string() + ": " + study + ", " +
                    (s.grid_known ? std::to_string(s.grid_units) : std::string("an unknown number of")) +
                    " units in the grid" + (s.slice.empty() ? "" : " slice " + s.slice) + "\n";
  const std::size_t pending = s.grid_known ? s.grid_units - s.done : 0;
  out += "  done " + std::to_string(s.done);
  if (s.grid_known) {
    const double percent = s.grid_units ? 100.0 * static_cast<double>(s.done) / static_cast<double>(s.grid_units) : 100.0;
    out += "/" + std::to_string(s.grid_units) + " (" + fixed(percent, 1) + "%)";
  } else {
    out += " of an unknown number";
  }
  out += ": " + std::to_string(s.ok) + " ok, " + std::to_string(s.diverged) + " diverged, " + std::to_string(s.failed) +
         " failed; " + (s.grid_known ? std::to_string(pending) + " pending" : std::string("pending unknown")) + "\n";
  if (s.running) {
    out += "  running (" + *s.running + "): " + fixed(s.rate, 2) + " units/s, ETA " +
           (s.rate > 0 ? Progress::format_duration(static_cast<double>(pending) / s.rate) : std::string("?")) + "\n";
  } else if (pending > 0) {
    out += "  not running: " + std::to_string(pending) + " units left; continue with `vaesweep run STUDY --resume --out " +
           s.results.string() + "`\n";
  }
  if (s.journals > 0)
    out += "  " + std::to_string(s.journals) + " shard journal(s) not merged into the results file yet\n";
  for (const auto& d : s.damage) out += "  damaged journal end: " + d + "\n";
  for (const RunRecord& r : s.runs)
    out += "  run " + r.run_id + ": " + r.outcome + ", " +
           std::to_string(r.ranks) + " rank(s), started " + utc_text(r.started_at) + ", " + std::to_string(r.units) +
           " units in the file" + (r.slurm_job_id.empty() ? "" : ", slurm job " + r.slurm_job_id) + "\n";
  if (!s.failures.empty()) {
    out += "  units not ok (" + std::to_string(s.failures.size()) + "):\n";
    const std::size_t shown = max_failures == 0 ? s.failures.size() : std::min(max_failures, s.failures.size());
    for (std::size_t i = 0; i < shown; ++i) {
      const FailedUnit& f = s.failures[i];
      out += "    " + f.label + " " + f.status + " (run " + f.run_id + ", rank " + std::to_string(f.rank) + " on " +
             f.host + "): " + f.message + "\n";
    }
    if (shown < s.failures.size())
      out += "    ... " + std::to_string(s.failures.size() - shown) + " more (--all lists them)\n";
  }
  return out;
}

}  // namespace vaesweep::sweep
