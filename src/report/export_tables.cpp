#include "report/export_tables.hpp"

#include <algorithm>
#include <map>
#include <set>
#include <unordered_map>

#include "util/error.hpp"
#include "io/hdf5_file.hpp"
#include "report/axis_values.hpp"
#include "results/records.hpp"

namespace vaesweep::report {
namespace {
using Json = nlohmann::ordered_json;

Json cell(const io::Column& column, std::size_t row) {
  return std::visit([&](const auto& values) { return Json(values[row]); }, column.values);
}

std::string table_names() { return "units, evaluations, aggregate, latents, assignments"; }

// The axis columns an export adds: every axis but those already among `taken` (the typed
// columns beta and latent_dim, or the table's own columns), with each /units row's values.
struct ExportAxes {
  std::vector<std::string> names;
  std::vector<results::AxisValues> rows;  // per /units row
};

ExportAxes export_axes(const io::ColumnTable& units, const results::UnitsLayout& layout,
                       const std::set<std::string>& taken) {
  UnitAxes axes = unit_axes(units, layout);
  ExportAxes out;
  for (const std::string& name : axes.names)
    if (!taken.count(name)) out.names.push_back(name);
  out.rows = std::move(axes.rows);
  return out;
}

// A unit's value of each exported axis: typed, null where the axis does not apply.
void axis_cells(const ExportAxes& axes, std::size_t unit_row, std::vector<Json>& cells) {
  for (const std::string& name : axes.names) {
    const Value* v = find_axis(axes.rows[unit_row], name);
    cells.push_back(v ? axis_json(*v) : Json());
  }
}

std::set<std::string> column_names(const io::ColumnTable& t) {
  std::set<std::string> names;
  for (const auto& c : t.columns()) names.insert(c.name);
  return names;
}

std::size_t export_units(const io::Hdf5File& file, TableWriter& out) {
  const io::ColumnTable units = file.read_table("/units");
  const results::UnitsLayout layout = results::read_units_layout(file);
  // The axes text and the axis columns are replaced by one typed column per axis (booleans as
  // booleans, missing values as null), last and named as in the text: beta and latent_dim are
  // the unit's own columns already, every other axis its key. The same for both layouts.
  std::set<std::string> own_axes;  // the axis columns of a newer file
  for (const auto& a : layout.axes) own_axes.insert(results::axis_column_name(a.name));
  std::set<std::string> taken;
  for (const auto& c : units.columns())
    if (!own_axes.count(c.name)) taken.insert(c.name);
  const ExportAxes axes = export_axes(units, layout, taken);
  std::vector<std::string> names;
  for (const auto& c : units.columns())
    if (c.name != "axes" && !own_axes.count(c.name)) names.push_back(c.name);
  names.insert(names.end(), axes.names.begin(), axes.names.end());
  out.header(names);
  std::vector<Json> cells;
  for (std::size_t r = 0; r < units.rows(); ++r) {
    cells.clear();
    for (const auto& c : units.columns())
      if (c.name != "axes" && !own_axes.count(c.name)) cells.push_back(cell(c, r));
    axis_cells(axes, r, cells);
    out.row(cells);
  }
  return units.rows();
}

std::size_t export_evaluations(const io::Hdf5File& file, TableWriter& out) {
  const io::ColumnTable units = file.read_table("/units");
  const io::ColumnTable evaluations = file.read_table("/evaluations");
  std::unordered_map<std::int64_t, std::size_t> unit_row;
  const auto& ids = units.ints("unit");
  for (std::size_t r = 0; r < ids.size(); ++r) unit_row[ids[r]] = r;
  // The unit's columns that say what was trained, as load_results.py joins them.
  std::vector<std::pair<std::string, std::string>> from_unit;  // (unit column, exported name)
  for (const char* name : {"model", "seed", "beta", "latent_dim"})
    if (units.has(name) && !evaluations.has(name)) from_unit.emplace_back(name, name);
  from_unit.emplace_back("status", "unit_status");
  const results::UnitsLayout layout = results::read_units_layout(file);
  std::set<std::string> taken = column_names(evaluations);
  for (const auto& [column, name] : from_unit) taken.insert(name);
  for (const auto& c : units.columns()) taken.insert(c.name);
  for (const auto& a : layout.axes)
    if (a.name == results::axis_column_name(a.name)) taken.erase(a.name);  // the unit's own axis column
  const ExportAxes axes = export_axes(units, layout, taken);

  std::vector<std::string> names;
  for (const auto& c : evaluations.columns()) names.push_back(c.name);
  for (const auto& [column, name] : from_unit) names.push_back(name);
  names.insert(names.end(), axes.names.begin(), axes.names.end());
  out.header(names);
  const auto& eval_units = evaluations.ints("unit");
  std::vector<Json> cells;
  for (std::size_t r = 0; r < evaluations.rows(); ++r) {
    const auto it = unit_row.find(eval_units[r]);
    if (it == unit_row.end())
      throw UserError(file.path().string() + ": /evaluations row " + std::to_string(r) + " names unit " +
                      std::to_string(eval_units[r]) + ", which /units lacks");
    cells.clear();
    for (const auto& c : evaluations.columns()) cells.push_back(cell(c, r));
    for (const auto& [column, name] : from_unit) cells.push_back(cell(units.column(column), it->second));
    axis_cells(axes, it->second, cells);
    out.row(cells);
  }
  return evaluations.rows();
}

std::size_t export_aggregate(const io::Hdf5File& file, const std::string& asked, TableWriter& out) {
  const std::vector<std::string> names = file.exists("/aggregate") ? file.children("/aggregate") : std::vector<std::string>{};
  std::string listing;
  for (const auto& n : names) listing += (listing.empty() ? "" : ", ") + n;
  if (names.empty())
    throw UserError(file.path().string() + ": no /aggregate tables (vaesweep rank writes them)");
  std::string name = asked;
  if (name.empty()) {
    if (names.size() > 1)
      throw UserError(file.path().string() + ": " + std::to_string(names.size()) +
                      " /aggregate tables; name one with --name: " + listing);
    name = names.front();
  }
  if (std::find(names.begin(), names.end(), name) == names.end())
    throw UserError(file.path().string() + ": no /aggregate/" + name + "; the tables are: " + listing);
  const io::ColumnTable table = file.read_table("/aggregate/" + name);
  std::vector<std::string> header;
  for (const auto& c : table.columns()) header.push_back(c.name);
  out.header(header);
  std::vector<Json> cells;
  for (std::size_t r = 0; r < table.rows(); ++r) {
    cells.clear();
    for (const auto& c : table.columns()) cells.push_back(cell(c, r));
    out.row(cells);
  }
  return table.rows();
}

// Latents and assignments: one row per (unit, data row) of the units that stored them.
struct StoredUnit {
  std::int64_t unit;
  std::string config_hash, feature_hash;
};

std::size_t export_per_row(const io::Hdf5File& file, bool latents, std::optional<std::int64_t> only,
                           TableWriter& out) {
  const io::ColumnTable units = file.read_table("/units");
  const auto& ids = units.ints("unit");
  const auto& hashes = units.strings("config_hash");
  const auto& features = units.strings("feature_hash");
  const auto stored_path = [&](std::int64_t unit) {
    return latents ? results::latents_path(unit) : results::assignments_path(unit);
  };
  const char* what = latents ? "latents (evaluation.store_latents)" : "assignments (evaluation.store_assignments)";
  // First pass, on shapes and names only: the columns of the whole export.
  std::vector<StoredUnit> stored;
  std::vector<std::string> label_sets, partitions;
  std::int64_t dimensions = 0;
  std::map<std::string, io::ColumnTable> rows_of;  // by feature hash
  for (std::size_t r = 0; r < ids.size(); ++r) {
    if (only && ids[r] != *only) continue;
    if (!file.exists(stored_path(ids[r]))) continue;
    stored.push_back({ids[r], hashes[r], features[r]});
    if (latents) dimensions = std::max(dimensions, file.matrix_shape(stored_path(ids[r])).second);
    else {
      for (const auto& name : file.column_names(stored_path(ids[r])))  // the rows are read in the second pass
        if (std::find(partitions.begin(), partitions.end(), name) == partitions.end()) partitions.push_back(name);
    }
    if (!rows_of.count(features[r])) {
      const std::string rows_path = "/rows/" + features[r];
      if (!file.exists(rows_path))
        throw UserError(file.path().string() + ": " + stored_path(ids[r]) + " has no " + rows_path + " table of its rows");
      rows_of[features[r]] = file.read_table(rows_path);
      for (const auto& c : rows_of[features[r]].columns())
        if (c.name != "row" && c.name != "id" && c.name != "track" &&
            std::find(label_sets.begin(), label_sets.end(), c.name) == label_sets.end())
          label_sets.push_back(c.name);
    }
  }
  if (only && stored.empty())
    throw UserError(file.path().string() + ": unit " + std::to_string(*only) + " has no stored " + what);
  if (stored.empty()) throw UserError(file.path().string() + ": no unit has stored " + std::string(what));

  std::vector<std::string> names = {"unit", "config_hash", "row", "id", "track"};
  names.insert(names.end(), label_sets.begin(), label_sets.end());
  if (latents)
    for (std::int64_t d = 0; d < dimensions; ++d) names.push_back("z" + std::to_string(d));
  else
    names.insert(names.end(), partitions.begin(), partitions.end());
  out.header(names);

  std::size_t written = 0;
  std::vector<Json> cells;
  for (const StoredUnit& u : stored) {
    const io::ColumnTable& rows = rows_of.at(u.feature_hash);
    Eigen::MatrixXd z;
    io::ColumnTable assignment;
    std::size_t n = 0;
    if (latents) {
      z = file.read_matrix(stored_path(u.unit));
      n = static_cast<std::size_t>(z.rows());
    } else {
      assignment = file.read_table(stored_path(u.unit));
      n = assignment.rows();
    }
    if (n != rows.rows())
      throw UserError(file.path().string() + ": " + stored_path(u.unit) + " has " + std::to_string(n) +
                      " rows, /rows/" + u.feature_hash + " " + std::to_string(rows.rows()) + " (damaged)");
    for (std::size_t r = 0; r < n; ++r) {
      cells.clear();
      cells.push_back(u.unit);
      cells.push_back(u.config_hash);
      for (const char* key : {"row", "id", "track"}) cells.push_back(rows.has(key) ? cell(rows.column(key), r) : Json());
      for (const std::string& set : label_sets) cells.push_back(rows.has(set) ? cell(rows.column(set), r) : Json());
      if (latents) {
        for (std::int64_t d = 0; d < dimensions; ++d)
          cells.push_back(d < z.cols() ? Json(z(static_cast<Eigen::Index>(r), d)) : Json());
      } else {
        for (const std::string& p : partitions) cells.push_back(assignment.has(p) ? cell(assignment.column(p), r) : Json());
      }
      out.row(cells);
      ++written;
    }
  }
  return written;
}

}  // namespace

ExportTable parse_export_table(const std::string& text) {
  if (text == "units") return ExportTable::units;
  if (text == "evaluations") return ExportTable::evaluations;
  if (text == "aggregate") return ExportTable::aggregate;
  if (text == "latents") return ExportTable::latents;
  if (text == "assignments") return ExportTable::assignments;
  throw UserError("--table: unknown table \"" + text + "\"; valid tables are: " + table_names());
}

std::size_t export_table(const std::filesystem::path& results, const ExportRequest& request, TableWriter& out) {
  const io::Hdf5File file = io::Hdf5File::open_read(results);
  for (const char* table : {"/units", "/evaluations"})
    if (!file.exists(table))
      throw UserError(results.string() + ": not a vaesweep results file (no " + std::string(table) + " table)");
  std::size_t rows = 0;
  switch (request.table) {
    case ExportTable::units: rows = export_units(file, out); break;
    case ExportTable::evaluations: rows = export_evaluations(file, out); break;
    case ExportTable::aggregate: rows = export_aggregate(file, request.aggregate_name, out); break;
    case ExportTable::latents: rows = export_per_row(file, true, request.unit, out); break;
    case ExportTable::assignments: rows = export_per_row(file, false, request.unit, out); break;
  }
  out.finish();
  return rows;
}

}  // namespace vaesweep::report
