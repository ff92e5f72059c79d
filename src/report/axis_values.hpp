#pragma once
// The grid axes of a results file's units for rank, compare and export: read from the typed
// axis columns (results format 2), or, in older files, from the axes text through the one
// legacy decoder (results/legacy_axes_text.hpp). Nothing here parses text of a newer file.
#include <nlohmann/json.hpp>

#include <string>
#include <vector>

#include "util/value.hpp"
#include "io/column_table.hpp"
#include "results/axis_columns.hpp"

namespace vaesweep::report {

struct UnitAxes {
  std::vector<std::string> names;         // every axis of the table, in order of first appearance
  std::vector<results::AxisValues> rows;    // per /units row: the axes that apply to the unit
};

UnitAxes unit_axes(const io::ColumnTable& units, const results::UnitsLayout& layout);

// The row's value of `name`, or nullptr when the axis does not apply to the unit.
const Value* find_axis(const results::AxisValues& row, const std::string& name);

// A scalar axis value as a JSON boolean, integer, number or string.
nlohmann::ordered_json axis_json(const Value& value);

// "beta=4 latent_dim=8": a unit's axes as text (Value::display_exact), what the axes text of
// the unit says.
std::string axes_text(const results::AxisValues& row);

}  // namespace vaesweep::report
