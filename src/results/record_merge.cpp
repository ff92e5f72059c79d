#include "results/record_merge.hpp"

#include <algorithm>
#include <limits>
#include <optional>
#include <set>

#include "util/error.hpp"
#include "io/hdf5_file.hpp"
#include "results/axis_columns.hpp"
#include "results/results_file.hpp"
#include "results/stored_arrays.hpp"

namespace vaesweep::results {
namespace fs = std::filesystem;

void MergeCounts::add(UnitStatus status, const std::string& run_id, std::size_t unit_evaluations) {
  ++units;
  if (status == UnitStatus::ok) ++ok;
  else if (status == UnitStatus::diverged) ++diverged;
  else ++failed;
  evaluations += unit_evaluations;
  ++per_run[run_id];
}

void MergeCounts::count_runs(std::vector<RunRecord>& runs) const {
  for (RunRecord& r : runs) {
    const auto it = per_run.find(r.run_id);
    r.units = it == per_run.end() ? 0 : it->second;
  }
}

std::uint32_t RecordMerge::run_number(const std::string& run_id) {
  // A merge holds a handful of runs: the last one asked for is almost always the one.
  for (std::size_t i = runs_.size(); i-- > 0;)
    if (runs_[i] == run_id) return static_cast<std::uint32_t>(i);
  runs_.push_back(run_id);
  return static_cast<std::uint32_t>(runs_.size() - 1);
}

RecordMerge::RecordMerge(const fs::path& results, const HashIndex& index) {
  VAESWEEP_ASSERT(index.size() < std::numeric_limits<std::uint32_t>::max(), "grid indexes fit 32 bits");
  prior_ = read_prior_work(results, [&](std::size_t shard, ShardUnit&& u, engine::JournalRecordPlace place) {
    // The journals come one after the other: a journal's candidates are one range.
    if (ranges_.size() <= shard) ranges_.resize(shard + 1, {journal_records_.size(), journal_records_.size()});
    const auto unit = index.find(u.unit.config_hash);
    if (!unit) return;  // not a unit of this grid (refuse_changed_study ran before)
    Candidate c;
    c.unit = static_cast<std::uint32_t>(*unit);
    c.evaluations = static_cast<std::uint32_t>(u.evaluations.size());
    c.run = run_number(u.unit.run_id);
    c.status = u.unit.status;
    c.journal = static_cast<std::uint32_t>(shard);
    c.place = place;
    journal_records_.push_back(c);
    ranges_[shard].second = journal_records_.size();
  });
  journal_paths_.resize(ranges_.size());
  for (const Shard& s : prior_.shards)
    if (s.reading_index < journal_paths_.size()) journal_paths_[s.reading_index] = s.path;

  // latest_records' rule, in PriorWork::units order: the results file's records, then the
  // journals' (oldest run first), each in its own order.
  const auto files = static_cast<std::int64_t>(prior_.units.size());
  const auto status_of = [&](std::int64_t k) {
    return k < files ? prior_.units[static_cast<std::size_t>(k)].unit.status
                     : journal_records_[static_cast<std::size_t>(k - files)].status;
  };
  kept_.assign(index.size(), -1);
  const auto offer = [&](std::size_t unit, std::int64_t k) {
    std::int64_t& b = kept_[unit];
    if (b < 0 || replaces_record(status_of(b), status_of(k))) b = k;
  };
  for (std::int64_t i = 0; i < files; ++i) {
    if (const auto unit = index.find(prior_.units[static_cast<std::size_t>(i)].unit.config_hash)) offer(*unit, i);
  }
  for (const Shard& s : prior_.shards) {
    if (s.header.run_id.empty() || s.reading_index >= ranges_.size()) continue;
    const auto [begin, end] = ranges_[s.reading_index];
    for (std::size_t j = begin; j < end; ++j) offer(journal_records_[j].unit, files + static_cast<std::int64_t>(j));
  }
  for (const std::int64_t k : kept_) {
    if (k < 0) continue;
    if (k < files) {
      const ShardUnit& u = prior_.units[static_cast<std::size_t>(k)];
      counts_.add(u.unit.status, u.unit.run_id, u.evaluations.size());
    } else {
      const Candidate& c = journal_records_[static_cast<std::size_t>(k - files)];
      counts_.add(c.status, runs_[c.run], c.evaluations);
    }
  }
}

void RecordMerge::for_each_block(
    std::size_t block, bool take,
    const std::function<void(std::vector<UnitRecord>&, std::vector<EvaluationRecord>&)>& visit) {
  const auto files = static_cast<std::int64_t>(prior_.units.size());
  std::vector<std::optional<engine::JournalRecordReader>> readers(journal_paths_.size());
  std::vector<UnitRecord> units;
  std::vector<EvaluationRecord> evaluations;
  const auto flush = [&] {
    if (units.empty()) return;
    visit(units, evaluations);
    units.clear();
    evaluations.clear();
  };
  for (std::size_t g = 0; g < kept_.size(); ++g) {
    const std::int64_t k = kept_[g];
    if (k < 0) continue;
    const std::size_t first_evaluation = evaluations.size();
    if (k < files) {
      ShardUnit& u = prior_.units[static_cast<std::size_t>(k)];
      units.push_back(take ? std::move(u.unit) : u.unit);
      for (EvaluationRecord& e : u.evaluations) evaluations.push_back(take ? std::move(e) : e);
      if (take) u = {};
    } else {
      const auto j = static_cast<std::size_t>(k - files);
      const std::size_t shard = journal_records_[j].journal;
      if (!readers[shard]) readers[shard].emplace(journal_paths_[shard]);
      units.emplace_back();
      decode_unit(readers[shard]->read(journal_records_[j].place), units.back(), evaluations);
    }
    units.back().unit = static_cast<std::int64_t>(g);
    for (std::size_t e = first_evaluation; e < evaluations.size(); ++e) evaluations[e].unit = static_cast<std::int64_t>(g);
    if (units.size() >= block) flush();
  }
  flush();
}

void RecordMerge::write_tables(io::Hdf5File& file, const std::vector<std::string>& label_sets,
                               const std::map<std::string, data::FeatureTable>& tables, std::size_t block) {
  // Pass 2: what the whole tables need. A block's own units_table names the block's axes, with
  // the kinds the block's values need; the widths of its string columns are the whole table's
  // unless an axis is text in the whole table but not in some block (its values are then
  // written as text, whose widths the block did not measure): then measured again.
  io::StringWidths unit_widths, evaluation_widths;
  std::vector<AxisColumn> axes;
  std::set<std::string> not_text_somewhere;
  bool per_track = false;
  for_each_block(block, false, [&](std::vector<UnitRecord>& units, std::vector<EvaluationRecord>& evaluations) {
    const std::vector<AxisColumn> local = axis_columns(units);
    add_axis_columns_of(axes, units);
    for (const AxisColumn& a : local)
      if (a.kind != AxisKind::text) not_text_somewhere.insert(a.name);
    per_track = per_track || has_track_scores(evaluations);
    unit_widths.add(units_table(units, label_sets, local));
    evaluation_widths.add(evaluations_table(evaluations, label_sets));
  });
  const bool measure_again = std::any_of(axes.begin(), axes.end(), [&](const AxisColumn& a) {
    return a.kind == AxisKind::text && not_text_somewhere.count(a.name) > 0;
  });
  if (measure_again) {
    unit_widths = {};
    for_each_block(block, false, [&](std::vector<UnitRecord>& units, std::vector<EvaluationRecord>&) {
      unit_widths.add(units_table(units, label_sets, axes));
    });
  }

  // Pass 3: the tables at their final size, filled block by block.
  file.create_table("/units", units_table({}, label_sets, axes), unit_widths, counts_.units);
  file.create_table("/evaluations", evaluations_table({}, label_sets, per_track), evaluation_widths,
                    counts_.evaluations);
  std::size_t unit_row = 0, evaluation_row = 0;
  std::set<std::string> written;  // /rows/<hash> once, however many blocks refer to it
  for_each_block(block, true, [&](std::vector<UnitRecord>& units, std::vector<EvaluationRecord>& evaluations) {
    ResultsContent arrays;
    move_stored_arrays(units, evaluations, tables, arrays);
    for (const ExtraDataset& d : arrays.extra)
      if (written.insert(d.path).second) write_extra_dataset(file, d);
    arrays = {};
    file.write_rows("/units", unit_row, units_table(units, label_sets, axes));
    file.write_rows("/evaluations", evaluation_row, evaluations_table(evaluations, label_sets, per_track));
    unit_row += units.size();
    evaluation_row += evaluations.size();
  });
  VAESWEEP_ASSERT(unit_row == counts_.units && evaluation_row == counts_.evaluations,
                  "a bounded merge writes the rows it counted");
  write_units_layout(file, axes);
}

}  // namespace vaesweep::results
