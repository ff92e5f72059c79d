#include "results/merge_parts.hpp"

#include <algorithm>
#include <limits>
#include <optional>
#include <map>
#include <set>
#include <unordered_map>

#include "util/atomic_write.hpp"
#include "util/error.hpp"
#include "util/hash_index.hpp"
#include "util/input_file.hpp"
#include "util/strings.hpp"
#include "util/version.hpp"
#include "io/hdf5_file.hpp"
#include "results/record_merge.hpp"
#include "results/records.hpp"
#include "results/row_ranges.hpp"
#include "results/run_history.hpp"
#include "results/unit_status.hpp"

namespace vaesweep::results {
namespace fs = std::filesystem;
namespace {

// Groups a results file may have beside its tables, one object per unit (or feature table)
// below each: copied as they are, the first part's copy of an object winning.
const std::vector<std::string> kOptionalGroups = {"/latents", "/assignments", "/rows", "/drawn_rows"};

// A row of a part's /units: what the streamed merge holds of it.
struct PartRow {
  std::int64_t unit = 0;               // the unit column: its grid index
  std::uint64_t first_evaluation = 0;  // its /evaluations rows: [first_evaluation, + evaluations)
  std::uint32_t evaluations = 0;
  std::uint32_t run = 0;  // into StreamIndex::runs
  UnitStatus status = UnitStatus::ok;
};

struct Part {
  fs::path path;
  std::map<std::string, std::string> text;     // root string attributes
  std::map<std::string, std::int64_t> number;  // root integer attributes
  std::vector<UnitRecord> units;  // read whole (MergeOptions::block_units 0, or a part not read by rows)
  std::vector<EvaluationRecord> evaluations;
  UnitsLayout layout;
  std::vector<PartRow> rows;  // streamed: its /units rows, the records left in the file
  io::ColumnTable features, skipped_files;
  std::vector<RunRecord> runs;

  std::string text_or_empty(const std::string& name) const {
    const auto it = text.find(name);
    return it == text.end() ? "" : it->second;
  }
  bool has_number(const std::string& name) const { return number.count(name) > 0; }
};

Part read_part(const fs::path& path) {
  Part part;
  part.path = path;
  const io::Hdf5File file = io::Hdf5File::open_read(path);
  for (const char* table : {"/units", "/evaluations"})
    if (!file.exists(table))
      throw UserError(path.string() + ": not a vaesweep results file (no " + std::string(table) + " table)");
  for (const auto& name : file.attribute_names("/")) {
    // Attributes are strings or integers; try each kind (an unknown kind is not needed here).
    try {
      part.text[name] = file.string_attribute("/", name);
    } catch (const UserError&) {
      try {
        part.number[name] = file.int_attribute("/", name);
      } catch (const UserError&) {
      }
    }
  }
  if (part.text_or_empty("study_sha256").empty())
    throw UserError(path.string() + ": has no study_sha256 attribute, so it cannot be matched with the other parts "
                    "(written by an older vaesweep?)");
  if (!part.has_number("units_in_grid"))
    throw UserError(path.string() + ": has no units_in_grid attribute (written by an older vaesweep?)");
  if (file.exists("/features")) part.features = file.read_table("/features");
  if (file.exists("/skipped_files")) part.skipped_files = file.read_table("/skipped_files");
  if (file.exists("/runs")) part.runs = runs_from_table(file.read_table("/runs"));
  // The optional groups are copied later, straight from file to file; read them once here
  // so that a damaged part fails now, before anything is written.
  for (const auto& group : kOptionalGroups)
    if (file.exists(group)) (void)file.children(group);
  return part;
}

// Every record of `part`, read whole.
void read_records_whole(Part& part) {
  const io::Hdf5File file = io::Hdf5File::open_read(part.path);
  records_from_tables(file.read_table("/units"), file.read_table("/evaluations"),
                      split(part.text_or_empty("label_sets"), ','), read_units_layout(file), part.units,
                      part.evaluations);
}

// Where a record is: a part and a row of its /units.
struct Place {
  std::uint32_t part = 0;
  std::uint32_t row = 0;
};

// What the streamed merge holds: per distinct unit (config hash) where its first record is, and
// the later records of the same units, to be compared with the first.
struct StreamIndex {
  HashIndex position;        // config hash -> index into kept
  std::vector<Place> kept;   // in the order the parts give them
  struct Duplicate {
    Place place;
    std::uint32_t kept = 0;  // the first record's index into kept
  };
  std::vector<Duplicate> duplicates;  // in the order the parts give them
  std::vector<std::string> runs;

  std::uint32_t run_number(const std::string& run_id) {
    // A merge holds a handful of runs: the last one asked for is almost always the one.
    for (std::size_t i = runs.size(); i-- > 0;)
      if (runs[i] == run_id) return static_cast<std::uint32_t>(i);
    runs.push_back(run_id);
    return static_cast<std::uint32_t>(runs.size() - 1);
  }
};

// Rows of a part's tables read at a time while it is indexed (a few short columns).
constexpr std::size_t kIndexRows = 65536;

// Indexes part `p`'s rows a few columns at a time (unit, config_hash, status, run_id of /units;
// config_hash of /evaluations). False when its records must be read whole instead, as the merge
// did before: a format-1 file (its axes are text, decoded a table at once), a unit twice in
// the part, a column missing or of another type, an evaluation of no unit of the part, or
// evaluations not in their units' row order (each unit's rows one range).
bool index_part(const io::Hdf5File& file, Part& part, std::uint32_t p, StreamIndex& index) {
  try {
    part.layout = read_units_layout(file);
    if (part.layout.format < 2) return false;
    const std::size_t rows = file.table_rows("/units");
    if (rows >= std::numeric_limits<std::uint32_t>::max()) return false;
    part.rows.assign(rows, PartRow{});
    HashIndex own;  // config hash -> row of this part
    own.reserve(rows);
    for (std::size_t first = 0; first < rows; first += kIndexRows) {
      const io::ColumnTable t = file.read_columns(
          "/units",
          [](const std::string& c) { return c == "unit" || c == "config_hash" || c == "status" || c == "run_id"; },
          first, kIndexRows);
      if (!t.has("unit") || !t.has("config_hash") || !t.has("status") || !t.has("run_id")) return false;
      for (std::size_t i = 0; i < t.rows(); ++i) {
        const std::string& hash = t.strings("config_hash")[i];
        const auto row = static_cast<std::uint32_t>(first + i);
        if (!own.emplace(hash, row)) return false;
        PartRow& r = part.rows[row];
        r.unit = t.ints("unit")[i];
        r.status = parse_unit_status(t.strings("status")[i]);
        r.run = index.run_number(t.strings("run_id")[i]);
        if (const auto k = index.position.find(hash)) {
          index.duplicates.push_back({{p, row}, static_cast<std::uint32_t>(*k)});
        } else {
          if (index.kept.size() >= std::numeric_limits<std::uint32_t>::max()) return false;
          index.position.emplace(hash, index.kept.size());
          index.kept.push_back({p, row});
        }
      }
    }
    const std::size_t evaluations = file.table_rows("/evaluations");
    std::size_t u = 0;
    for (std::size_t first = 0; first < evaluations; first += kIndexRows) {
      const io::ColumnTable t = file.read_columns(
          "/evaluations", [](const std::string& c) { return c == "config_hash"; }, first, kIndexRows);
      if (!t.has("config_hash")) return false;
      for (std::size_t i = 0; i < t.rows(); ++i) {
        const auto row = own.find(t.strings("config_hash")[i]);
        if (!row || *row < u) return false;
        u = *row;
        PartRow& r = part.rows[u];
        if (r.evaluations == std::numeric_limits<std::uint32_t>::max()) return false;
        if (r.evaluations++ == 0) r.first_evaluation = first + i;
      }
    }
    return true;
  } catch (const UserError&) {
    return false;  // the whole read says what is wrong
  }
}

// The records at `places`, in that order, read a part at a time by rows. `distinct`: no place is
// there twice (each record is moved out, not copied).
std::vector<ShardUnit> read_places(const std::vector<io::Hdf5File>& files, const std::vector<Part>& parts,
                                   const std::vector<Place>& places, bool distinct) {
  std::vector<std::vector<std::uint32_t>> rows(parts.size());
  for (const Place& at : places) rows[at.part].push_back(at.row);
  std::vector<std::vector<ShardUnit>> read(parts.size());
  for (std::size_t p = 0; p < parts.size(); ++p) {
    if (rows[p].empty()) continue;
    std::sort(rows[p].begin(), rows[p].end());
    rows[p].erase(std::unique(rows[p].begin(), rows[p].end()), rows[p].end());
    const Part& part = parts[p];
    read[p] = read_rows_by_ranges(
        files[p], split(part.text_or_empty("label_sets"), ','), part.layout, rows[p],
        [&](std::uint32_t row) { return EvaluationRows{part.rows[row].first_evaluation, part.rows[row].evaluations}; },
        StoredArrays::left_in_file);
  }
  std::vector<ShardUnit> out;
  out.reserve(places.size());
  for (const Place& at : places) {
    const auto k = static_cast<std::size_t>(std::lower_bound(rows[at.part].begin(), rows[at.part].end(), at.row) -
                                            rows[at.part].begin());
    if (distinct) out.push_back(std::move(read[at.part][k]));
    else out.push_back(read[at.part][k]);
  }
  return out;
}

std::string conflict_message(const Part& later_part, const Part& earlier_part, const UnitRecord& earlier,
                             const UnitRecord& later) {
  return later_part.path.string() + " and " + earlier_part.path.string() + " both hold unit " +
         std::to_string(later.unit) + " (" + unit_label(later) + ") with different records (runs " + earlier.run_id +
         " and " + later.run_id +
         "): the parts overlap (the same slice twice, or a slice and a whole run); merge each unit from one part only "
         "(nothing was written)";
}

// merge_units' rule for the streamed records: a unit in two parts must have identical records
// (encode_unit's bytes). The duplicates are compared in the parts' order, `block` at a time, so
// that the first conflict is the one the whole merge names.
void refuse_conflicting_duplicates(const std::vector<io::Hdf5File>& files, const std::vector<Part>& parts,
                                   const StreamIndex& index, std::size_t block, MergeSummary& summary) {
  for (std::size_t d0 = 0; d0 < index.duplicates.size(); d0 += block) {
    const std::size_t d1 = std::min(index.duplicates.size(), d0 + block);
    std::vector<Place> places;
    for (std::size_t d = d0; d < d1; ++d) {
      places.push_back(index.kept[index.duplicates[d].kept]);
      places.push_back(index.duplicates[d].place);
    }
    const std::vector<ShardUnit> records = read_places(files, parts, places, false);
    for (std::size_t d = d0; d < d1; ++d) {
      const ShardUnit& earlier = records[2 * (d - d0)];
      const ShardUnit& later = records[2 * (d - d0) + 1];
      if (encode_unit(earlier.unit, earlier.evaluations) != encode_unit(later.unit, later.evaluations))
        throw UserError(conflict_message(parts[places[2 * (d - d0) + 1].part], parts[places[2 * (d - d0)].part],
                                         earlier.unit, later.unit));
      ++summary.duplicates;
    }
  }
}

std::string short_sha(const std::string& sha) { return sha.substr(0, 12); }

void refuse_other_studies(const std::vector<Part>& parts) {
  const Part& first = parts.front();
  for (const Part& p : parts) {
    if (p.text_or_empty("study_sha256") != first.text_or_empty("study_sha256"))
      throw UserError(p.path.string() + " and " + first.path.string() + " come from different studies (study \"" +
                      p.text_or_empty("study_name") + "\" sha256 " + short_sha(p.text_or_empty("study_sha256")) +
                      " vs \"" + first.text_or_empty("study_name") + "\" " +
                      short_sha(first.text_or_empty("study_sha256")) +
                      ": another study file or other --set values); merge only the parts of one study (nothing was "
                      "written)");
    if (p.number.at("units_in_grid") != first.number.at("units_in_grid"))
      throw UserError(p.path.string() + " and " + first.path.string() + " disagree about the grid (" +
                      std::to_string(p.number.at("units_in_grid")) + " vs " +
                      std::to_string(first.number.at("units_in_grid")) +
                      " units) although their study is the same: written by different vaesweep versions? (nothing "
                      "was written)");
  }
}

// The rows of `table` at `rows`, with its columns.
io::ColumnTable take_rows(const io::ColumnTable& table, const std::vector<std::size_t>& rows) {
  io::ColumnTable out;
  for (const auto& column : table.columns()) {
    std::visit(
        [&](const auto& values) {
          std::decay_t<decltype(values)> picked;
          picked.reserve(rows.size());
          for (std::size_t r : rows) picked.push_back(values[r]);
          out.add_column(column.name, std::move(picked));
        },
        column.values);
  }
  return out;
}

// A row's values as one text, to recognise the same row in two parts.
std::string row_key(const io::ColumnTable& table, std::size_t row) {
  std::string key;
  for (const auto& column : table.columns())
    std::visit(
        [&](const auto& values) {
          using T = typename std::decay_t<decltype(values)>::value_type;
          if constexpr (std::is_same_v<T, std::string>) key += values[row];
          else key += std::to_string(values[row]);
          key += '\x1f';
        },
        column.values);
  return key;
}

// The rows of every part's table, each distinct row once (the feature tables and skipped files
// of one study are the same in every part that used them).
io::ColumnTable distinct_rows(const std::vector<Part>& parts, io::ColumnTable Part::*table) {
  io::ColumnTable out;
  std::set<std::string> seen;
  for (const Part& p : parts) {
    const io::ColumnTable& t = p.*table;
    if (t.cols() == 0) continue;
    std::vector<std::size_t> rows;
    for (std::size_t r = 0; r < t.rows(); ++r)
      if (seen.insert(row_key(t, r)).second) rows.push_back(r);
    try {
      out.append(take_rows(t, rows));
    } catch (const UserError& e) {
      throw UserError(p.path.string() + ": its table has other columns than the earlier parts' (" + e.what() +
                      "): written by another vaesweep version? (nothing was written)");
    }
  }
  return out;
}

struct MergedUnit {
  UnitRecord unit;
  std::vector<EvaluationRecord> evaluations;
  std::string bytes;      // encode_unit of both: equal bytes, identical records
  std::size_t part = 0;   // where it came from
};

// Every unit once. A config hash in two parts must have identical records; two different
// records of one unit mean overlapping slices or runs, and no rule could say which is right.
std::vector<MergedUnit> merge_units(std::vector<Part>& parts, MergeSummary& summary) {
  std::unordered_map<std::string, std::size_t> position;  // config hash -> index in `out`
  std::vector<MergedUnit> out;
  for (std::size_t p = 0; p < parts.size(); ++p) {
    std::unordered_map<std::string, std::vector<EvaluationRecord>> evaluations;
    for (auto& e : parts[p].evaluations) evaluations[e.config_hash].push_back(std::move(e));
    for (auto& u : parts[p].units) {
      MergedUnit m;
      m.evaluations = std::move(evaluations[u.config_hash]);
      m.bytes = encode_unit(u, m.evaluations);
      m.unit = std::move(u);
      m.part = p;
      const auto [it, fresh] = position.emplace(m.unit.config_hash, out.size());
      if (fresh) {
        out.push_back(std::move(m));
        continue;
      }
      const MergedUnit& earlier = out[it->second];
      if (earlier.bytes != m.bytes)
        throw UserError(conflict_message(parts[p], parts[earlier.part], earlier.unit, m.unit));
      ++summary.duplicates;
    }
    parts[p].units.clear();
    parts[p].evaluations.clear();
  }
  std::sort(out.begin(), out.end(), [](const MergedUnit& a, const MergedUnit& b) { return a.unit.unit < b.unit.unit; });
  return out;
}

// Which slices of a --slice I/N family are absent, when every part is such a slice.
void find_missing_slices(const std::vector<Part>& parts, MergeSummary& summary) {
  std::set<std::int64_t> counts;
  std::set<std::size_t> present;
  for (const Part& p : parts) {
    if (!p.has_number("slice_count") || !p.has_number("slice_index")) return;  // a whole run among them
    counts.insert(p.number.at("slice_count"));
    present.insert(static_cast<std::size_t>(p.number.at("slice_index")));
  }
  if (counts.size() != 1) return;
  summary.slice_count = static_cast<std::size_t>(*counts.begin());
  for (std::size_t i = 0; i < summary.slice_count; ++i)
    if (!present.count(i)) summary.missing_slices.push_back(i);
}

std::vector<RunRecord> all_runs(const std::vector<Part>& parts) {
  std::vector<RunRecord> runs;
  std::set<std::string> seen;  // a part given twice lists its runs once
  for (const Part& p : parts)
    for (const RunRecord& r : p.runs)
      if (seen.insert(r.run_id).second) runs.push_back(r);
  std::stable_sort(runs.begin(), runs.end(),
                   [](const RunRecord& a, const RunRecord& b) { return a.started_at < b.started_at; });
  return runs;
}

// The distinct non-empty values of a text attribute over the parts, each ","-separated value once.
std::string joined_values(const std::vector<Part>& parts, const std::string& name) {
  std::set<std::string> values;
  for (const Part& p : parts)
    for (const auto& v : split(p.text_or_empty(name), ','))
      if (!v.empty()) values.insert(v);
  return join(values, ",");
}

}  // namespace

MergeSummary merge_parts(const MergeOptions& options) {
  if (options.parts.empty()) throw UserError("merge: no results files to merge");
  refuse_existing_output(options.out, options.overwrite, "the merged results file");
  std::vector<NamedInput> inputs;
  for (const auto& path : options.parts) inputs.push_back({path, "one of the parts (" + path.string() + ")"});
  refuse_unsafe_output(options.out, "a results file", inputs);

  std::vector<Part> parts;
  for (const auto& path : options.parts) parts.push_back(read_part(path));
  // The records stay in the parts when every part can be read back by rows; else all are read
  // whole, as before.
  StreamIndex index;
  std::vector<io::Hdf5File> files;  // streamed: each part, open
  bool streamed = options.block_units > 0;
  for (std::size_t p = 0; p < parts.size() && streamed; ++p) {
    files.push_back(io::Hdf5File::open_read(parts[p].path));
    streamed = index_part(files.back(), parts[p], static_cast<std::uint32_t>(p), index);
  }
  if (streamed && index.kept.empty()) streamed = false;  // nothing to hold: the whole tables are empty
  if (!streamed) {
    index = {};
    files.clear();
    for (Part& p : parts) {
      p.rows = {};
      read_records_whole(p);
    }
  }
  refuse_other_studies(parts);
  const Part& first = parts.front();

  MergeSummary summary;
  summary.parts = parts.size();
  summary.read_whole = !streamed;
  summary.units_in_grid = static_cast<std::size_t>(first.number.at("units_in_grid"));
  for (const Part& p : parts)
    if (p.has_number("complete") && p.number.at("complete") == 0) summary.incomplete_parts.push_back(p.path.string());
  find_missing_slices(parts, summary);

  const io::ColumnTable features = distinct_rows(parts, &Part::features);
  const io::ColumnTable skipped_files = distinct_rows(parts, &Part::skipped_files);
  const std::vector<RunRecord> runs = all_runs(parts);
  std::vector<UnitRecord> units;  // read whole: the merged records
  std::vector<EvaluationRecord> evaluations;
  std::vector<Place> order;  // streamed: where the merged records are, in grid order
  MergeCounts counts;  // the same accounting as `vaesweep run`'s merge
  if (streamed) {
    refuse_conflicting_duplicates(files, parts, index, options.block_units, summary);
    order = std::move(index.kept);
    index.position = {};
    std::stable_sort(order.begin(), order.end(), [&](const Place& a, const Place& b) {
      return parts[a.part].rows[a.row].unit < parts[b.part].rows[b.row].unit;
    });
    for (const Place& at : order) {
      const PartRow& r = parts[at.part].rows[at.row];
      counts.add(r.status, index.runs[r.run], r.evaluations);
    }
  } else {
    std::vector<MergedUnit> merged = merge_units(parts, summary);
    for (MergedUnit& m : merged) {
      counts.add(m.unit.status, m.unit.run_id, m.evaluations.size());
      units.push_back(std::move(m.unit));
      std::move(m.evaluations.begin(), m.evaluations.end(), std::back_inserter(evaluations));
    }
  }
  summary.units = counts.units;
  summary.ok = counts.ok;
  summary.diverged = counts.diverged;
  summary.failed = counts.failed;
  summary.evaluations = counts.evaluations;
  if (summary.units > summary.units_in_grid)
    throw UserError(options.parts.front().string() + " and the other parts hold " + std::to_string(summary.units) +
                    " distinct units but the grid has " + std::to_string(summary.units_in_grid) +
                    " (nothing was written)");
  summary.pending = summary.units_in_grid - summary.units;

  std::int64_t mpi_size = 0;
  std::string start_time, end_time, part_names;
  for (const Part& p : parts) {
    if (p.has_number("mpi_size")) mpi_size = std::max(mpi_size, p.number.at("mpi_size"));
    const std::string s = p.text_or_empty("start_time"), e = p.text_or_empty("end_time");  // ISO UTC: sortable
    if (!s.empty() && (start_time.empty() || s < start_time)) start_time = s;
    if (e > end_time) end_time = e;
    part_names += (part_names.empty() ? "" : "\n") + fs::absolute(p.path).string();
  }
  const std::vector<std::string> label_sets = split(first.text_or_empty("label_sets"), ',');
  std::vector<RunRecord> run_rows = runs;
  counts.count_runs(run_rows);

  const std::vector<std::pair<std::string, std::string>> text_attributes = {
      {"vaesweep_version", version()},
      {"git_commit", git_commit()},
      {"study_name", first.text_or_empty("study_name")},
      {"study_file", first.text_or_empty("study_file")},
      {"study_toml", first.text_or_empty("study_toml")},
      {"study_overrides", first.text_or_empty("study_overrides")},
      {"study_sha256", first.text_or_empty("study_sha256")},
      {"label_sets", first.text_or_empty("label_sets")},
      {"hosts", joined_values(parts, "hosts")},
      {"start_time", start_time},
      {"end_time", end_time},
      {"stop_reason", "merged"},
      {"merged_from", part_names},
      {"slurm_job_id", joined_values(parts, "slurm_job_id")},
      {"slurm_array_job_id", joined_values(parts, "slurm_array_job_id")},
      {"library_versions", first.text_or_empty("library_versions")},
  };
  const std::vector<std::pair<std::string, std::int64_t>> int_attributes = {
      {"mpi_size", mpi_size},
      {"merged_parts", static_cast<std::int64_t>(parts.size())},
      {"units_in_grid", static_cast<std::int64_t>(summary.units_in_grid)},
      {"units_total", static_cast<std::int64_t>(summary.units)},
      {"units_ok", static_cast<std::int64_t>(summary.ok)},
      {"units_pending", static_cast<std::int64_t>(summary.pending)},
      {"complete", summary.pending == 0 ? 1 : 0},
  };

  write_atomically(options.out, [&](const fs::path& tmp) {
    io::Hdf5File file = io::Hdf5File::create(tmp);
    for (const auto& [name, value] : text_attributes) file.set_attribute("/", name, value);
    for (const auto& [name, value] : int_attributes) file.set_attribute("/", name, value);
    if (streamed) {
      // The merged records a block at a time, each block's read from the parts by rows.
      const RecordBlocks blocks = [&](bool, const RecordBlockVisitor& visit) {
        std::vector<UnitRecord> block_units;
        std::vector<EvaluationRecord> block_evaluations;
        for (std::size_t begin = 0; begin < order.size(); begin += options.block_units) {
          const std::size_t end = std::min(order.size(), begin + options.block_units);
          const std::vector<Place> places(order.begin() + static_cast<std::ptrdiff_t>(begin),
                                          order.begin() + static_cast<std::ptrdiff_t>(end));
          for (ShardUnit& r : read_places(files, parts, places, true)) {
            block_units.push_back(std::move(r.unit));
            std::move(r.evaluations.begin(), r.evaluations.end(), std::back_inserter(block_evaluations));
          }
          visit(block_units, block_evaluations);
          block_units.clear();
          block_evaluations.clear();
        }
      };
      write_record_tables(file, label_sets, counts.units, counts.evaluations, blocks);
    } else {
      file.write_table("/units", units_table(units, label_sets));
      write_units_layout(file, axis_columns(units));
      file.write_table("/evaluations", evaluations_table(evaluations, label_sets));
    }
    if (features.cols() > 0) file.write_table("/features", features);
    if (skipped_files.cols() > 0) file.write_table("/skipped_files", skipped_files);
    if (!run_rows.empty()) file.write_table("/runs", runs_table(run_rows));
    for (const Part& p : parts) {
      const io::Hdf5File source = io::Hdf5File::open_read(p.path);
      for (const auto& group : kOptionalGroups) {
        if (!source.exists(group)) continue;
        for (const auto& child : source.children(group)) {
          const std::string object = group + "/" + child;
          if (!file.exists(object)) file.copy_from(source, object);
        }
      }
    }
    file.close();  // surfaces a failed close here, before the rename makes the file visible
  });
  return summary;
}

}  // namespace vaesweep::results
