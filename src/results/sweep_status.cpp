#include "results/sweep_status.hpp"

#include <algorithm>
#include <cstdio>
#include <functional>

#include "util/error.hpp"
#include "util/hash_index.hpp"
#include "util/log.hpp"
#include "util/strings.hpp"
#include "study/study.hpp"
#include "results/prior_work.hpp"
#include "engine/provenance.hpp"
#include "results/run_lock.hpp"

namespace vaesweep::results {
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

// One unit's record as status counts it.
struct Brief {
  UnitStatus status = UnitStatus::ok;
  std::size_t run = 0;      // into the run ids seen
  double end = 0;           // started_at + wall_seconds
  std::int64_t unit = 0;
  std::size_t failure = 0;  // a unit that is not ok: its FailedUnit
};

}  // namespace

SweepStatus read_sweep_status(const fs::path& results) {
  std::error_code ec;
  if (!fs::exists(results, ec) && !fs::is_directory(shard_folder(results), ec))
    throw UserError(results.string() + ": no results file and no shards of a run (" + shard_folder(results).string() +
                    ") here");
  SweepStatus s;
  s.results = results;
  s.running = RunLock::holder(results);
  // What status needs of each record, and no more: a million units' whole records are gigabytes.
  // Failures keep their text (a handful, normally); journal records wait in reading order until
  // the journals' order is known, then follow the results file's (the merge's order).
  std::vector<std::vector<std::pair<std::string, Brief>>> journal_briefs;
  std::vector<FailedUnit> failure_texts;
  std::vector<std::string> run_ids;
  const auto brief_of = [&](UnitStatus status, const std::string& run_id, double end, std::int64_t unit,
                            const std::function<FailedUnit()>& failure) {
    Brief b;
    b.status = status;
    b.end = end;
    b.unit = unit;
    const auto it = std::find(run_ids.begin(), run_ids.end(), run_id);
    b.run = static_cast<std::size_t>(it - run_ids.begin());
    if (it == run_ids.end()) run_ids.push_back(run_id);
    if (status != UnitStatus::ok) {
      b.failure = failure_texts.size();
      failure_texts.push_back(failure());
    }
    return b;
  };
  // Per unit (config hash), the brief that stays: a compact index into one array (an
  // unordered_map of hash strings was ~150 bytes a unit more).
  HashIndex unit_of;
  std::vector<Brief> latest;
  const auto offer = [&](const std::string& hash, const Brief& b) {
    if (unit_of.emplace(hash, latest.size())) {
      latest.push_back(b);
      return;
    }
    Brief& kept = latest[*unit_of.find(hash)];
    if (replaces_record(kept.status, b.status)) kept = b;
  };
  const std::vector<std::string> columns = {"unit",    "config_hash", "model", "axes",       "seed",        "status",
                                            "message", "run_id",      "host",  "rank",       "started_at", "wall_seconds"};
  PriorWork prior = read_prior_work(
      results,
      [&](std::size_t shard, ShardUnit&& u, engine::JournalRecordPlace) {
        if (journal_briefs.size() <= shard) journal_briefs.resize(shard + 1);
        const UnitRecord& r = u.unit;
        journal_briefs[shard].emplace_back(
            r.config_hash, brief_of(r.status, r.run_id, r.started_at + r.wall_seconds, r.unit, [&] {
              return FailedUnit{"unit " + std::to_string(r.unit) + " " + unit_label(r), to_string(r.status), r.message,
                                r.run_id, r.host, r.rank};
            }));
      },
      columns,
      [&](const io::ColumnTable& t) {
        for (const char* c : {"unit", "config_hash", "status"})
          if (!t.has(c)) throw UserError(results.string() + ": /units has no column " + c);
        const auto text = [&](const char* c, std::size_t i) { return t.has(c) ? t.strings(c)[i] : std::string(); };
        const auto number = [&](const char* c, std::size_t i) { return t.has(c) ? t.doubles(c)[i] : 0.0; };
        const auto integer = [&](const char* c, std::size_t i) { return t.has(c) ? t.ints(c)[i] : std::int64_t{0}; };
        for (std::size_t i = 0; i < t.rows(); ++i) {
          const UnitStatus status = parse_unit_status(text("status", i));
          offer(text("config_hash", i),
                brief_of(status, text("run_id", i), number("started_at", i) + number("wall_seconds", i),
                         integer("unit", i), [&] {
                           UnitRecord r;
                           r.model = text("model", i), r.axes = text("axes", i), r.seed = integer("seed", i);
                           r.config_hash = text("config_hash", i);
                           return FailedUnit{"unit " + std::to_string(integer("unit", i)) + " " + unit_label(r),
                                             to_string(status), text("message", i), text("run_id", i),
                                             text("host", i), integer("rank", i)};
                         }));
        }
      });
  for (const Shard& shard : prior.shards)
    if (shard.reading_index < journal_briefs.size())
      for (const auto& [hash, b] : journal_briefs[shard.reading_index]) offer(hash, b);
  journal_briefs = {};
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

  std::vector<const Brief*> failed;
  for (const Brief& b : latest) {
    ++s.done;
    if (b.status == UnitStatus::ok) ++s.ok;
    else {
      (b.status == UnitStatus::diverged ? s.diverged : s.failed)++;
      failed.push_back(&b);
    }
  }
  std::sort(failed.begin(), failed.end(), [](const Brief* a, const Brief* b) { return a->unit < b->unit; });
  for (const Brief* b : failed) s.failures.push_back(failure_texts[b->failure]);
  s.grid_units = std::max(s.grid_units, s.done);

  std::vector<std::int64_t> per_run(run_ids.size(), 0);
  for (const Brief& b : latest) ++per_run[b.run];
  for (RunRecord& r : s.runs) {
    const auto it = std::find(run_ids.begin(), run_ids.end(), r.run_id);
    r.units = it == run_ids.end() ? 0 : per_run[static_cast<std::size_t>(it - run_ids.begin())];
  }
  // Rate of the latest run: its units over the time from its start to its last unit's end.
  if (!s.runs.empty()) {
    RunRecord& last = *std::max_element(s.runs.begin(), s.runs.end(),
                                        [](const RunRecord& a, const RunRecord& b) { return a.started_at < b.started_at; });
    if (s.running && last.outcome.rfind("interrupted", 0) == 0) last.outcome = "in progress";
    std::size_t units = 0;
    double end = last.started_at;
    for (const Brief& b : latest)
      if (run_ids[b.run] == last.run_id) {
        ++units;
        end = std::max(end, b.end);
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

}  // namespace vaesweep::results
