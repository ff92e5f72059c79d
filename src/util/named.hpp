#pragma once
// A closed set of names for an enum's values, written once: the value's parse function, its
// name, and the study key's `choices` (hence the "valid names are" messages and
// docs/study-file.md) all read the same table.
#include <array>
#include <string>
#include <string_view>
#include <vector>

#include "util/error.hpp"

namespace vaesweep {

template <typename Enum>
struct Named {
  Enum value;
  std::string_view name;
};

// The names of a table, as the schema's `choices` take them.
template <typename Enum, std::size_t N>
std::vector<std::string> names_of(const std::array<Named<Enum>, N>& table) {
  std::vector<std::string> out;
  for (const auto& n : table) out.emplace_back(n.name);
  return out;
}

// The value named `name`; UserError "unknown <what> "x"; valid names are: ..." otherwise.
template <typename Enum, std::size_t N>
Enum parse_named(const std::array<Named<Enum>, N>& table, const std::string& name, const std::string& what) {
  for (const auto& n : table)
    if (n.name == name) return n.value;
  std::string valid;
  for (const auto& n : table) valid += (valid.empty() ? "" : ", ") + std::string(n.name);
  throw UserError("unknown " + what + " \"" + name + "\"; valid names are: " + valid);
}

// The name of `value` ("?" for a value outside the table, which would be a bug).
template <typename Enum, std::size_t N>
std::string name_of(const std::array<Named<Enum>, N>& table, Enum value) {
  for (const auto& n : table)
    if (n.value == value) return std::string(n.name);
  return "?";
}

}  // namespace vaesweep
