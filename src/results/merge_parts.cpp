#include "results/merge_parts.hpp"

#include <algorithm>
#include <map>
#include <set>
#include <unordered_map>

#include "util/atomic_write.hpp"
#include "util/error.hpp"
#include "util/input_file.hpp"
#include "util/strings.hpp"
#include "util/version.hpp"
#include "io/hdf5_file.hpp"
#include "results/record_merge.hpp"
#include "results/records.hpp"
#include "results/run_history.hpp"

namespace vaesweep::results {
namespace fs = std::filesystem;
namespace {

// Groups a results file may have beside its tables, one object per unit (or feature table)
// below each: copied as they are, the first part's copy of an object winning.
const std::vector<std::string> kOptionalGroups = {"/latents", "/assignments", "/rows", "/drawn_rows"};

struct Part {
  fs::path path;
  std::map<std::string, std::string> text;     // root string attributes
  std::map<std::string, std::int64_t> number;  // root integer attributes
  std::vector<UnitRecord> units;
  std::vector<EvaluationRecord> evaluations;
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
  records_from_tables(file.read_table("/units"), file.read_table("/evaluations"),
                      split(part.text_or_empty("label_sets"), ','), read_units_layout(file), part.units,
                      part.evaluations);
  if (file.exists("/features")) part.features = file.read_table("/features");
  if (file.exists("/skipped_files")) part.skipped_files = file.read_table("/skipped_files");
  if (file.exists("/runs")) part.runs = runs_from_table(file.read_table("/runs"));
  // The optional groups are copied later, straight from file to file; read them once here
  // so that a damaged part fails now, before anything is written.
  for (const auto& group : kOptionalGroups)
    if (file.exists(group)) (void)file.children(group);
  return part;
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
        throw UserError(parts[p].path.string() + " and " + parts[earlier.part].path.string() +
                        " both hold unit " + std::to_string(m.unit.unit) + " (" + unit_label(m.unit) +
                        ") with different records (runs " + earlier.unit.run_id + " and " + m.unit.run_id +
                        "): the parts overlap (the same slice twice, or a slice and a whole run); merge each unit "
                        "from one part only (nothing was written)");
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
  refuse_other_studies(parts);
  const Part& first = parts.front();

  MergeSummary summary;
  summary.parts = parts.size();
  summary.units_in_grid = static_cast<std::size_t>(first.number.at("units_in_grid"));
  for (const Part& p : parts)
    if (p.has_number("complete") && p.number.at("complete") == 0) summary.incomplete_parts.push_back(p.path.string());
  find_missing_slices(parts, summary);

  const io::ColumnTable features = distinct_rows(parts, &Part::features);
  const io::ColumnTable skipped_files = distinct_rows(parts, &Part::skipped_files);
  const std::vector<RunRecord> runs = all_runs(parts);
  std::vector<MergedUnit> merged = merge_units(parts, summary);

  std::vector<UnitRecord> units;
  std::vector<EvaluationRecord> evaluations;
  MergeCounts counts;  // the same accounting as `vaesweep run`'s merge
  for (MergedUnit& m : merged) {
    counts.add(m.unit.status, m.unit.run_id, m.evaluations.size());
    units.push_back(std::move(m.unit));
    std::move(m.evaluations.begin(), m.evaluations.end(), std::back_inserter(evaluations));
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
  const io::ColumnTable units_rows = units_table(units, label_sets);
  const io::ColumnTable evaluation_rows = evaluations_table(evaluations, label_sets);
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
    file.write_table("/units", units_rows);
    write_units_layout(file, axis_columns(units));
    file.write_table("/evaluations", evaluation_rows);
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
