#include "results/record_merge.hpp"

#include <algorithm>
#include <limits>
#include <optional>
#include <set>

#include "util/error.hpp"
#include "io/hdf5_file.hpp"
#include "results/axis_columns.hpp"
#include "results/results_file.hpp"
#include "results/row_ranges.hpp"
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

namespace {
// Rows of the results file's /units read at a time while it is indexed (3 short columns).
constexpr std::size_t kFileIndexRows = 65536;
}  // namespace

bool RecordMerge::index_file_rows(const io::Hdf5File& file, const HashIndex& index) {
  file_layout_ = read_units_layout(file);
  if (file_layout_.format < 2) return false;  // its axes are decoded from text, the whole table at once
  const std::size_t rows = file.table_rows("/units");
  if (rows >= std::numeric_limits<std::uint32_t>::max()) return false;
  file_rows_.assign(rows, FileRow{});
  std::vector<bool> seen(index.size(), false);
  for (std::size_t first = 0; first < rows; first += kFileIndexRows) {
    const io::ColumnTable t = file.read_columns(
        "/units", [](const std::string& c) { return c == "config_hash" || c == "status" || c == "run_id"; }, first,
        kFileIndexRows);
    if (!t.has("config_hash") || !t.has("status") || !t.has("run_id")) return false;
    for (std::size_t i = 0; i < t.rows(); ++i) {
      const auto unit = index.find(t.strings("config_hash")[i]);
      if (!unit || seen[*unit]) return false;
      seen[*unit] = true;
      FileRow& row = file_rows_[first + i];
      row.unit = static_cast<std::uint32_t>(*unit);
      try {
        row.status = parse_unit_status(t.strings("status")[i]);
      } catch (const UserError&) {
        return false;  // the whole read names the table
      }
      row.run = run_number(t.strings("run_id")[i]);
    }
  }
  // Each /evaluations row belongs to the next /units row (from the last one's on) of its unit:
  // a unit's evaluations are one range, in the order of the units.
  const std::size_t evaluations = file.table_rows("/evaluations");
  std::size_t u = 0;
  for (std::size_t first = 0; first < evaluations; first += kFileIndexRows) {
    const io::ColumnTable t =
        file.read_columns("/evaluations", [](const std::string& c) { return c == "config_hash"; }, first, kFileIndexRows);
    if (!t.has("config_hash")) return false;
    for (std::size_t i = 0; i < t.rows(); ++i) {
      const auto unit = index.find(t.strings("config_hash")[i]);
      if (!unit) return false;
      while (u < rows && file_rows_[u].unit != *unit) ++u;
      if (u == rows) return false;
      if (file_rows_[u].evaluations++ == 0) file_rows_[u].first_evaluation = first + i;
    }
  }
  return true;
}

RecordMerge::RecordMerge(const fs::path& results, const HashIndex& index) : results_(results) {
  VAESWEEP_ASSERT(index.size() < std::numeric_limits<std::uint32_t>::max(), "grid indexes fit 32 bits");
  // The results file's records stay in it when it can be read back by rows (index_file_rows);
  // else they are read whole, as before.
  std::vector<ShardUnit> whole;
  const auto visit_file = [&](const io::Hdf5File& file) {
    if (index_file_rows(file, index)) return;
    file_rows_ = {};
    whole = results_file_records(file, results);
  };
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
  }, visit_file);
  prior_.units = std::move(whole);
  journal_paths_.resize(ranges_.size());
  for (const Shard& s : prior_.shards)
    if (s.reading_index < journal_paths_.size()) journal_paths_[s.reading_index] = s.path;

  // latest_records' rule, in PriorWork::units order: the results file's records, then the
  // journals' (oldest run first), each in its own order.
  const auto files = static_cast<std::int64_t>(file_rows_.size() + prior_.units.size());
  const auto status_of = [&](std::int64_t k) {
    if (k >= files) return journal_records_[static_cast<std::size_t>(k - files)].status;
    return file_rows_.empty() ? prior_.units[static_cast<std::size_t>(k)].unit.status
                              : file_rows_[static_cast<std::size_t>(k)].status;
  };
  kept_.assign(index.size(), -1);
  const auto offer = [&](std::size_t unit, std::int64_t k) {
    std::int64_t& b = kept_[unit];
    if (b < 0 || replaces_record(status_of(b), status_of(k))) b = k;
  };
  for (std::size_t i = 0; i < file_rows_.size(); ++i) offer(file_rows_[i].unit, static_cast<std::int64_t>(i));
  for (std::size_t i = 0; i < prior_.units.size(); ++i) {
    if (const auto unit = index.find(prior_.units[i].unit.config_hash)) offer(*unit, static_cast<std::int64_t>(i));
  }
  for (const Shard& s : prior_.shards) {
    if (s.header.run_id.empty() || s.reading_index >= ranges_.size()) continue;
    const auto [begin, end] = ranges_[s.reading_index];
    for (std::size_t j = begin; j < end; ++j) offer(journal_records_[j].unit, files + static_cast<std::int64_t>(j));
  }
  for (const std::int64_t k : kept_) {
    if (k < 0) continue;
    if (k >= files) {
      const Candidate& c = journal_records_[static_cast<std::size_t>(k - files)];
      counts_.add(c.status, runs_[c.run], c.evaluations);
    } else if (file_rows_.empty()) {
      const ShardUnit& u = prior_.units[static_cast<std::size_t>(k)];
      counts_.add(u.unit.status, u.unit.run_id, u.evaluations.size());
    } else {
      const FileRow& r = file_rows_[static_cast<std::size_t>(k)];
      counts_.add(r.status, runs_[r.run], r.evaluations);
    }
  }
}

void RecordMerge::for_each_block(
    std::size_t block, bool take,
    const std::function<void(std::vector<UnitRecord>&, std::vector<EvaluationRecord>&)>& visit) {
  const auto files = static_cast<std::int64_t>(file_rows_.size() + prior_.units.size());
  std::optional<io::Hdf5File> file;
  if (!file_rows_.empty()) file.emplace(io::Hdf5File::open_read(results_));
  std::vector<std::optional<engine::JournalRecordReader>> readers(journal_paths_.size());
  std::vector<UnitRecord> units;
  std::vector<EvaluationRecord> evaluations;
  std::vector<std::size_t> members;
  std::vector<std::uint32_t> rows;
  const auto evaluations_of = [&](std::uint32_t row) {
    return EvaluationRows{file_rows_[row].first_evaluation, file_rows_[row].evaluations};
  };
  for (std::size_t next = 0; next < kept_.size();) {
    // The block's grid units, and the rows of the results file among their records (ascending:
    // the file's rows are in the order of the grid it was written with).
    members.clear();
    rows.clear();
    for (; next < kept_.size() && members.size() < block; ++next) {
      if (kept_[next] < 0) continue;
      members.push_back(next);
      if (file && kept_[next] < files) rows.push_back(static_cast<std::uint32_t>(kept_[next]));
    }
    std::sort(rows.begin(), rows.end());
    std::vector<ShardUnit> from_file;
    if (!rows.empty())
      from_file = read_rows_by_ranges(*file, prior_.label_sets, file_layout_, rows, evaluations_of, StoredArrays::read);
    for (const std::size_t g : members) {
      const std::int64_t k = kept_[g];
      const std::size_t first_evaluation = evaluations.size();
      if (k < files) {
        const auto row = static_cast<std::size_t>(k);
        const bool held = !file;  // read whole: moved out only by the last pass
        ShardUnit& u = held ? prior_.units[row]
                            : from_file[static_cast<std::size_t>(std::lower_bound(rows.begin(), rows.end(), row) - rows.begin())];
        const bool move = take || !held;
        units.push_back(move ? std::move(u.unit) : u.unit);
        for (EvaluationRecord& e : u.evaluations) evaluations.push_back(move ? std::move(e) : e);
        if (move) u = {};
      } else {
        const auto j = static_cast<std::size_t>(k - files);
        const std::size_t shard = journal_records_[j].journal;
        if (!readers[shard]) readers[shard].emplace(journal_paths_[shard]);
        units.emplace_back();
        decode_unit(readers[shard]->read(journal_records_[j].place), units.back(), evaluations);
      }
      units.back().unit = static_cast<std::int64_t>(g);
      for (std::size_t e = first_evaluation; e < evaluations.size(); ++e) evaluations[e].unit = static_cast<std::int64_t>(g);
    }
    if (units.empty()) continue;
    visit(units, evaluations);
    units.clear();
    evaluations.clear();
  }
}

void write_record_tables(io::Hdf5File& file, const std::vector<std::string>& label_sets, std::size_t units,
                         std::size_t evaluations, const RecordBlocks& blocks, const RecordBlockVisitor& before_rows) {
  // Pass 2: what the whole tables need. A block's own units_table names the block's axes, with
  // the kinds the block's values need; the widths of its string columns are the whole table's
  // unless an axis is text in the whole table but not in some block (its values are then
  // written as text, whose widths the block did not measure): then measured again.
  io::StringWidths unit_widths, evaluation_widths;
  std::vector<AxisColumn> axes;
  std::set<std::string> not_text_somewhere;
  bool per_track = false;
  blocks(false, [&](std::vector<UnitRecord>& block_units, std::vector<EvaluationRecord>& block_evaluations) {
    const std::vector<AxisColumn> local = axis_columns(block_units);
    add_axis_columns_of(axes, block_units);
    for (const AxisColumn& a : local)
      if (a.kind != AxisKind::text) not_text_somewhere.insert(a.name);
    per_track = per_track || has_track_scores(block_evaluations);
    unit_widths.add(units_table(block_units, label_sets, local));
    evaluation_widths.add(evaluations_table(block_evaluations, label_sets));
  });
  const bool measure_again = std::any_of(axes.begin(), axes.end(), [&](const AxisColumn& a) {
    return a.kind == AxisKind::text && not_text_somewhere.count(a.name) > 0;
  });
  if (measure_again) {
    unit_widths = {};
    blocks(false, [&](std::vector<UnitRecord>& block_units, std::vector<EvaluationRecord>&) {
      unit_widths.add(units_table(block_units, label_sets, axes));
    });
  }

  // Pass 3: the tables at their final size, filled block by block.
  file.create_table("/units", units_table({}, label_sets, axes), unit_widths, units);
  file.create_table("/evaluations", evaluations_table({}, label_sets, per_track), evaluation_widths, evaluations);
  std::size_t unit_row = 0, evaluation_row = 0;
  blocks(true, [&](std::vector<UnitRecord>& block_units, std::vector<EvaluationRecord>& block_evaluations) {
    if (before_rows) before_rows(block_units, block_evaluations);
    file.write_rows("/units", unit_row, units_table(block_units, label_sets, axes));
    file.write_rows("/evaluations", evaluation_row, evaluations_table(block_evaluations, label_sets, per_track));
    unit_row += block_units.size();
    evaluation_row += block_evaluations.size();
  });
  VAESWEEP_ASSERT(unit_row == units && evaluation_row == evaluations, "a bounded merge writes the rows it counted");
  write_units_layout(file, axes);
}

void RecordMerge::write_tables(io::Hdf5File& file, const std::vector<std::string>& label_sets,
                               const std::map<std::string, data::FeatureTable>& tables, std::size_t block) {
  std::set<std::string> written;  // /rows/<hash> once, however many blocks refer to it
  write_record_tables(
      file, label_sets, counts_.units, counts_.evaluations,
      [&](bool take, const RecordBlockVisitor& visit) { for_each_block(block, take, visit); },
      [&](std::vector<UnitRecord>& units, std::vector<EvaluationRecord>& evaluations) {
        ResultsContent arrays;
        move_stored_arrays(units, evaluations, tables, arrays);
        for (const ExtraDataset& d : arrays.extra)
          if (written.insert(d.path).second) write_extra_dataset(file, d);
      });
}

}  // namespace vaesweep::results
