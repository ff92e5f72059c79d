#pragma once
// Every key a study file may set: the spec member it sets (whence its type and default), its
// allowed range or names, and whether it shapes a work unit. The loader rejects anything not
// listed here, so a typo never silently becomes a default.
#include <initializer_list>
#include <limits>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "study/spec_binding.hpp"
#include "study/study.hpp"
#include "util/value.hpp"

namespace vaesweep {

// A condition under which a key does not change a unit's results, given its other settings
// (study/key_relevance.hpp writes each one once).
struct Irrelevance {
  std::string_view when;  // as docs/study-file.md shows it
  bool (*holds)(const Settings& deciders);
};

// One entry of the key table: a key and its binding (the spec member it sets, whence its type
// and default: spec_binding.hpp), its help, bounds and names, and when it leaves a unit's hash.
struct KeySpec {
  std::string key;                    // "section.name"
  ValueType type;
  Value default_value;
  std::vector<std::string> choices;   // for strings and string lists: the valid names (empty = any)
  double min = -std::numeric_limits<double>::infinity();  // inclusive bounds for numbers and int lists
  double max = std::numeric_limits<double>::infinity();
  std::string help;
  SpecBinding bind;                   // the spec member(s) the key sets; monostate: none
  // Added after the first release: a unit's hash holds the key only when it is set away from
  // its default, so units of results files written before the key existed keep their hashes
  // and resume.
  bool later = false;
  // When any of these holds, the key does not change a unit's results and its hash leaves the
  // key out (so that units differing only in it are one unit).
  std::vector<Irrelevance> unused_when = {};
  // Names, describes, or says what to keep or where to run, never what is computed: never in a
  // unit's hash.
  bool describes_only = false;

  KeySpec(Binding binding, std::string help_text)
      : key(std::move(binding.key)),
        type(binding.type),
        default_value(std::move(binding.default_value)),
        choices(std::move(binding.choices)),
        help(std::move(help_text)),
        bind(std::move(binding.set)) {}

  // The table's entries read `KeySpec{binding, help}` then, as needed, `.range(min, max)`,
  // `.names({...})`, `.added_later()`, `.unused({conditions})` and `.describing()`.
  KeySpec range(double low, double high) && {
    min = low;
    max = high;
    return std::move(*this);
  }
  KeySpec names(std::vector<std::string> valid) && {
    choices = std::move(valid);
    return std::move(*this);
  }
  KeySpec added_later() && {
    later = true;
    return std::move(*this);
  }
  KeySpec unused(std::initializer_list<Irrelevance> conditions) && {
    unused_when.insert(unused_when.end(), conditions);
    return std::move(*this);
  }
  KeySpec describing() && {
    describes_only = true;
    return std::move(*this);
  }
  // False when the key is descriptive or one of its conditions holds for `deciders` (which must
  // hold every key the conditions read).
  bool shapes_unit(const Settings& deciders) const {
    if (describes_only) return false;
    for (const Irrelevance& c : unused_when)
      if (c.holds(deciders)) return false;
    return true;
  }
};

// The sections a study may contain, in the order they are documented.
const std::vector<std::string>& study_sections();
// All keys, in documentation order.
const std::vector<KeySpec>& study_keys();
// The spec for "section.name", or nullptr.
const KeySpec* find_key(const std::string& key);
// Keys of one section (for "valid keys are ..." messages).
std::vector<std::string> keys_in_section(const std::string& section);
// Grid shorthands: `beta` means `model.beta`, `k` means `cluster.k`, and so on: (shorthand,
// key) pairs, in documentation order; grid_alias gives a name's key, nothing for another name.
const std::vector<std::pair<std::string, std::string>>& grid_shorthands();
std::optional<std::string> grid_alias(const std::string& name);
// The closest known name to `name` among `candidates`, when it is close enough to be a typo.
std::optional<std::string> closest_name(const std::string& name, const std::vector<std::string>& candidates);

// The key's "key=value" line belongs in a unit's canonical text (false for a later key at its
// default).
bool hashed_value(const KeySpec& spec, const Value& value);

// Checks that `value` fits `spec` (type, range, names), converting integers given for real
// keys. Returns an error text ("expected ..., got ...") or nothing.
std::optional<std::string> check_value(const KeySpec& spec, Value& value);

}  // namespace vaesweep
