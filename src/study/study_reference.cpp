#include "study/study_reference.hpp"

#include <cmath>
#include <sstream>

#include "util/strings.hpp"
#include "study/study_schema.hpp"
#include "util/value.hpp"

namespace vaesweep {
namespace {

std::string type_name(ValueType type) {
  switch (type) {
    case ValueType::boolean: return "boolean";
    case ValueType::integer: return "integer";
    case ValueType::real: return "number";
    case ValueType::string: return "string";
    case ValueType::string_list: return "list of strings";
    case ValueType::int_list: return "list of integers";
    case ValueType::real_or_name: return "number or name";
  }
  return "?";
}

// A bound as a reader would write it: integers without a fraction, others in short form.
std::string bound_text(double v) {
  if (std::isinf(v)) return v < 0 ? "-inf" : "inf";
  if (v == std::floor(v) && std::fabs(v) < 1e15) return std::to_string(static_cast<long long>(v));
  return Value(v).display();
}

std::string valid_values(const KeySpec& spec) {
  std::vector<std::string> parts;
  if (!spec.choices.empty()) {
    std::vector<std::string> quoted;
    for (const auto& c : spec.choices) quoted.push_back("`\"" + c + "\"`");
    parts.push_back(join(quoted, ", "));
  }
  const bool numeric = spec.type == ValueType::integer || spec.type == ValueType::real ||
                       spec.type == ValueType::int_list || spec.type == ValueType::real_or_name;
  if (numeric && (!std::isinf(spec.min) || !std::isinf(spec.max)))
    parts.push_back(bound_text(spec.min) + " to " + bound_text(spec.max));
  return parts.empty() ? "any" : join(parts, "; or ");
}

// A default as a study file would write it: strings quoted, lists in brackets.
std::string toml_text(const Value& v) {
  if (v.is_string()) return "\"" + v.as_string() + "\"";
  if (v.is_list()) {
    std::vector<std::string> items;
    for (const Value& item : v.as_list()) items.push_back(toml_text(item));
    return "[" + join(items, ", ") + "]";
  }
  return v.display();
}

// When the key is left out of a unit's hash: the key table's conditions, one of which suffices.
std::string unused_text(const KeySpec& spec) {
  if (spec.describes_only) return "always (it changes no number)";
  std::vector<std::string> conditions;
  for (const Irrelevance& c : spec.unused_when) conditions.emplace_back(c.when);
  return join(conditions, "; or ");
}

// Markdown table cells may not hold a bare "|".
std::string cell(const std::string& text) {
  std::string out;
  for (char c : text) out += c == '|' ? std::string("\\|") : std::string(1, c);
  return out;
}

// The sections whose keys are not in the table: they name other keys.
std::string free_form_section(const std::string& section) {
  if (section == "grid")
    return "Axes, not keys of their own: any key above (or a shorthand) with a list of values, `\"section.key\" =\n"
           "[values]`; a list-valued key takes a list of lists. Every axis but `k` makes work units; `k` is\n"
           "evaluated inside each unit. See docs/studies.md.\n";
  if (section == "search")
    return "`kind` (`\"grid\"`, the default: nothing sampled; `\"random\"`; `\"sobol\"`), `samples` (1 to\n"
           "1,000,000), `seed` (random only), and one distribution per sampled key: `{ log_uniform = [low, high] }`,\n"
           "`{ uniform = [low, high] }`, `{ int_uniform = [low, high] }` or `{ choice = [values] }`. See\n"
           "docs/studies.md.\n";
  return "";
}

}  // namespace

std::string study_reference_markdown() {
  std::ostringstream o;
  o << "# Study file reference\n\n"
    << "Generated from the key table (`src/study/study_schema.cpp`) by `vaesweep keys`; a unit test fails when\n"
    << "this page and the table differ (regenerate: `build/vaesweep keys > docs/study-file.md`).\n\n"
    << "A study is one TOML file: a table per section, `key = value` lines. Any key of a section may also be\n"
    << "set with `--set section.key=value` or become a grid axis (`[grid]`, `\"section.key\" = [values]`;\n"
    << "shorthands: " ;
  std::vector<std::string> aliases;
  for (const auto& [shorthand, key] : grid_shorthands()) aliases.push_back("`" + shorthand + "` = `" + key + "`");
  o << join(aliases, ", ") << "), or be drawn by `[search]`. An unknown key is an error that names the\n"
    << "closest known one. Paths are relative to the study file's folder, absolute, or `{data_root}/...`\n"
    << "under the data root (docs/data.md).\n\n"
    << "*Later keys* (marked \"yes\") were added after the first release: a unit's hash holds them only when\n"
    << "they are set away from their default, so results written before they existed keep their hashes.\n"
    << "*Not hashed when*: the settings under which the key cannot change a unit's numbers; a unit's hash\n"
    << "then leaves it out, so units that differ only in it are one unit (and one row of the results).\n";
  for (const std::string& section : study_sections()) {
    bool any = false;
    for (const KeySpec& spec : study_keys()) {
      if (spec.key.rfind(section + ".", 0) != 0) continue;
      if (!any) {
        o << "\n## [" << section << "]\n\n"
          << "| key | type | default | valid values | later | not hashed when | meaning |\n"
          << "|---|---|---|---|---|---|---|\n";
        any = true;
      }
      o << "| `" << spec.key << "` | " << type_name(spec.type) << " | `" << cell(toml_text(spec.default_value)) << "` | "
        << cell(valid_values(spec)) << " | " << (spec.later ? "yes" : "") << " | " << cell(unused_text(spec)) << " | "
        << cell(spec.help) << " |\n";
    }
    if (!any) o << "\n## [" << section << "]\n\n" << free_form_section(section);
  }
  return o.str();
}

}  // namespace vaesweep
