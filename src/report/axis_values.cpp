#include "report/axis_values.hpp"

namespace vaesweep::report {

UnitAxes unit_axes(const io::ColumnTable& units, const results::UnitsLayout& layout) {
  UnitAxes out;
  out.rows = results::read_axis_values(units, layout);
  out.names = results::axis_names(out.rows, layout);
  return out;
}

const Value* find_axis(const results::AxisValues& row, const std::string& name) {
  for (const auto& [n, value] : row)
    if (n == name) return &value;
  return nullptr;
}

nlohmann::ordered_json axis_json(const Value& v) {
  if (v.is_bool()) return v.as_bool();
  if (v.is_int()) return v.as_int();
  if (v.is_double()) return v.as_double();
  if (v.is_string()) return v.as_string();
  return v.display_exact();  // axis values are scalars; a list would be its text
}

std::string axes_text(const results::AxisValues& row) {
  std::string out;
  for (const auto& [name, value] : row) out += (out.empty() ? "" : " ") + name + "=" + value.display_exact();
  return out;
}

}  // namespace vaesweep::report
