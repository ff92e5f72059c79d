#pragma once
// A configuration value as it comes from a study file: a scalar or a list of scalars.
// Kept independent of TOML++ so that grids, hashes and results never see the parser.
#include <cstdint>
#include <string>
#include <variant>
#include <vector>

namespace vaesweep {

struct Value {
  using List = std::vector<Value>;
  std::variant<bool, std::int64_t, double, std::string, List> data;

  Value() : data(std::int64_t{0}) {}
  Value(bool b) : data(b) {}
  Value(std::int64_t i) : data(i) {}
  Value(int i) : data(std::int64_t{i}) {}
  Value(double d) : data(d) {}
  Value(std::string s) : data(std::move(s)) {}
  Value(const char* s) : data(std::string(s)) {}
  Value(List l) : data(std::move(l)) {}

  bool is_bool() const { return std::holds_alternative<bool>(data); }
  bool is_int() const { return std::holds_alternative<std::int64_t>(data); }
  bool is_double() const { return std::holds_alternative<double>(data); }
  bool is_string() const { return std::holds_alternative<std::string>(data); }
  bool is_list() const { return std::holds_alternative<List>(data); }

  bool as_bool() const { return std::get<bool>(data); }
  std::int64_t as_int() const { return std::get<std::int64_t>(data); }
  double as_double() const { return is_int() ? static_cast<double>(as_int()) : std::get<double>(data); }
  const std::string& as_string() const { return std::get<std::string>(data); }
  const List& as_list() const { return std::get<List>(data); }

  // Exact, canonical text (doubles with 17 significant digits): what config hashes are made of.
  std::string canonical() const;
  // Short text for people: tables, logs (doubles with 6 significant digits).
  std::string display() const;
  // display() with doubles in as few digits as read back to the same double (never fewer than
  // display's): the grid axes of unit labels and /units.axes, which exports read values from.
  std::string display_exact() const;
  // Name of the kind of value, for error messages ("an integer", "a list", ...).
  std::string kind_name() const;
};

}  // namespace vaesweep
