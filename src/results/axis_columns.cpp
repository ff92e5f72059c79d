#include "results/axis_columns.hpp"

#include <algorithm>
#include <cmath>
#include <map>

#include "util/error.hpp"
#include "study/grid.hpp"
#include "util/strings.hpp"
#include "io/hdf5_file.hpp"
#include "results/legacy_axes_text.hpp"
#include "results/records.hpp"

namespace vaesweep::results {
namespace {

constexpr double kNaN = std::numeric_limits<double>::quiet_NaN();

AxisKind kind_of(const Value& v) {
  if (v.is_bool()) return AxisKind::boolean;
  if (v.is_int()) return AxisKind::integer;
  if (v.is_double()) return AxisKind::real;
  return AxisKind::text;
}

// The kind that holds both: integers widen to reals; any other mix is text.
AxisKind joined(AxisKind a, AxisKind b) {
  if (a == b) return a;
  const auto numeric = [](AxisKind k) { return k == AxisKind::integer || k == AxisKind::real; };
  return numeric(a) && numeric(b) ? AxisKind::real : AxisKind::text;
}

bool has_attribute(const io::Hdf5File& file, const std::string& object, const std::string& name) {
  const auto names = file.attribute_names(object);
  return std::find(names.begin(), names.end(), name) != names.end();
}

// One axis column's cells back into values; nothing for a missing cell.
void read_column(const io::ColumnTable& units, const AxisColumn& axis, std::vector<AxisValues>& rows) {
  const std::size_t n = units.rows();
  const std::string column = axis_column_name(axis.name);
  switch (axis.kind) {
    case AxisKind::integer:
    case AxisKind::boolean: {
      const auto& v = units.ints(column);
      for (std::size_t i = 0; i < n; ++i)
        if (v[i] != kMissingAxisInteger)
          rows[i].emplace_back(axis.name, axis.kind == AxisKind::boolean ? Value(v[i] != 0) : Value(v[i]));
      return;
    }
    case AxisKind::real: {
      const auto& v = units.doubles(column);
      for (std::size_t i = 0; i < n; ++i)
        if (!std::isnan(v[i])) rows[i].emplace_back(axis.name, Value(v[i]));
      return;
    }
    case AxisKind::text: {
      const auto& v = units.strings(column);
      for (std::size_t i = 0; i < n; ++i)
        if (!v[i].empty()) rows[i].emplace_back(axis.name, Value(v[i]));
      return;
    }
  }
}

}  // namespace

const char* axis_kind_name(AxisKind kind) {
  switch (kind) {
    case AxisKind::integer: return "integer";
    case AxisKind::real: return "real";
    case AxisKind::boolean: return "boolean";
    case AxisKind::text: return "text";
  }
  return "";
}

AxisKind parse_axis_kind(const std::string& name, const std::string& where) {
  for (AxisKind k : {AxisKind::integer, AxisKind::real, AxisKind::boolean, AxisKind::text})
    if (name == axis_kind_name(k)) return k;
  throw UserError(where + ": unknown axis kind \"" + name + "\" (valid: integer, real, boolean, text)");
}

std::string axis_column_name(const std::string& axis) {
  if (axis == "beta") return "model.beta";
  if (axis == "latent_dim") return "model.latent_dim";
  return axis;
}

std::string axis_of_column(const std::string& column) {
  if (column == "model.beta") return "beta";
  if (column == "model.latent_dim") return "latent_dim";
  return column;
}

AxisValues unit_axis_values(const WorkUnit& unit) {
  AxisValues out;
  for (const auto& [key, value] : unit.axis_values) {
    if (key == "model.kind" || key == "study.seed") continue;
    // The names of the axes text (WorkUnit::axes_text) and of rank's keys.
    const std::string name = key == "model.beta" ? "beta" : key == "model.latent_dim" ? "latent_dim" : key;
    out.emplace_back(name, value.is_list() ? Value(value.display_exact()) : value);
  }
  return out;
}

std::vector<AxisColumn> axis_columns(const std::vector<UnitRecord>& units) {
  std::vector<AxisColumn> out;
  add_axis_columns_of(out, units);
  return out;
}

void add_axis_columns_of(std::vector<AxisColumn>& axes, const std::vector<UnitRecord>& units) {
  for (const UnitRecord& u : units)
    for (const auto& [name, value] : u.axis_values) {
      // A unit has a handful of axes and a table a handful more: a linear search is the cheapest.
      // (The lambda takes a reference, not the binding: clang 14 cannot capture a structured binding.)
      const std::string& axis = name;
      const auto it = std::find_if(axes.begin(), axes.end(), [&](const AxisColumn& a) { return a.name == axis; });
      if (it == axes.end()) axes.push_back({name, kind_of(value)});
      else it->kind = joined(it->kind, kind_of(value));
    }
}

void add_axis_columns(io::ColumnTable& t, const std::vector<UnitRecord>& units, const std::vector<AxisColumn>& axes) {
  for (const AxisColumn& axis : axes) {
    const std::string column = axis_column_name(axis.name);
    if (t.has(column))
      throw UserError("/units: the column " + column + " of grid axis " + axis.name + " is already taken");
    // Each unit's value by name; a unit has a handful of axes, so a linear search is the cheapest.
    const auto value_of = [&](const UnitRecord& u) -> const Value* {
      for (const auto& [name, value] : u.axis_values)
        if (name == axis.name) return &value;
      return nullptr;
    };
    switch (axis.kind) {
      case AxisKind::integer:
      case AxisKind::boolean: {
        std::vector<std::int64_t> v;
        v.reserve(units.size());
        for (const UnitRecord& u : units) {
          const Value* x = value_of(u);
          v.push_back(!x ? kMissingAxisInteger : x->is_bool() ? std::int64_t{x->as_bool()} : x->as_int());
        }
        t.add_column(column, std::move(v));
        break;
      }
      case AxisKind::real: {
        std::vector<double> v;
        v.reserve(units.size());
        for (const UnitRecord& u : units) {
          const Value* x = value_of(u);
          v.push_back(x ? x->as_double() : kNaN);
        }
        t.add_column(column, std::move(v));
        break;
      }
      case AxisKind::text: {
        std::vector<std::string> v;
        v.reserve(units.size());
        for (const UnitRecord& u : units) {
          const Value* x = value_of(u);
          v.push_back(!x ? std::string() : x->is_string() ? x->as_string() : x->display_exact());
        }
        t.add_column(column, std::move(v));
        break;
      }
    }
  }
}

void write_units_layout(io::Hdf5File& file, const std::vector<AxisColumn>& axes) {
  std::vector<std::string> names, kinds;
  for (const AxisColumn& a : axes) names.push_back(axis_column_name(a.name)), kinds.push_back(axis_kind_name(a.kind));
  file.set_attribute("/", "results_format", kResultsFormat);
  file.set_attribute("/units", "axis_columns", join(names, ","));
  file.set_attribute("/units", "axis_kinds", join(kinds, ","));
}

UnitsLayout read_units_layout(const io::Hdf5File& file) {
  UnitsLayout layout;
  const std::string where = file.path().string();
  if (!has_attribute(file, "/", "results_format")) return layout;  // format 1: written before the attribute
  layout.format = file.int_attribute("/", "results_format");
  if (layout.format > kResultsFormat || layout.format < 2)
    throw UserError(where + ": results format " + std::to_string(layout.format) + "; this build reads formats 1 to " +
                    std::to_string(kResultsFormat) + " (written by a newer vaesweep?)");
  if (!has_attribute(file, "/units", "axis_columns") || !has_attribute(file, "/units", "axis_kinds"))
    throw UserError(where + ": results format " + std::to_string(layout.format) +
                    " but /units lacks its axis_columns / axis_kinds attributes (damaged?)");
  const std::string names_text = file.string_attribute("/units", "axis_columns");
  const std::string kinds_text = file.string_attribute("/units", "axis_kinds");
  const auto names = names_text.empty() ? std::vector<std::string>{} : split(names_text, ',');
  const auto kinds = kinds_text.empty() ? std::vector<std::string>{} : split(kinds_text, ',');
  if (names.size() != kinds.size())
    throw UserError(where + ": /units lists " + std::to_string(names.size()) + " axis columns but " +
                    std::to_string(kinds.size()) + " axis kinds (damaged?)");
  for (std::size_t i = 0; i < names.size(); ++i)
    layout.axes.push_back({axis_of_column(names[i]), parse_axis_kind(kinds[i], where + " /units axis_kinds")});
  return layout;
}

std::vector<AxisValues> read_axis_values(const io::ColumnTable& units, const UnitsLayout& layout) {
  std::vector<AxisValues> rows(units.rows());
  if (units.cols() == 0) return rows;
  if (layout.format < 2) {
    if (!units.has("axes")) return rows;
    const auto& text = units.strings("axes");
    for (std::size_t i = 0; i < rows.size(); ++i) rows[i] = legacy_axes_text(text[i]);
    return rows;
  }
  for (const AxisColumn& axis : layout.axes) {
    if (!units.has(axis_column_name(axis.name)))
      throw UserError("/units: the grid axis column " + axis_column_name(axis.name) +
                      " (attribute axis_columns) is missing");
    read_column(units, axis, rows);  // in layout order: each row's values come out in that order
  }
  return rows;
}

std::vector<std::string> axis_names(const std::vector<AxisValues>& rows, const UnitsLayout& layout) {
  std::vector<std::string> names;
  if (layout.format >= 2) {
    for (const AxisColumn& a : layout.axes) names.push_back(a.name);
    return names;
  }
  for (const auto& row : rows)
    for (const auto& [name, value] : row)
      if (std::find(names.begin(), names.end(), name) == names.end()) names.push_back(name);
  return names;
}

}  // namespace vaesweep::results
