#pragma once
// A study key bound to the spec member it sets: the typed machinery the key table
// (study_schema.cpp) is written with. A key's entry names its member (`&ModelSpec::beta`); from
// the member's type follow the key's type as a study writes it and its conversion (int, int64,
// uint64, double, bool, string, path, string list, int list; an enum through its name table),
// and from a default-constructed spec its default. So the struct's member initialiser is the one
// place a default is written, and adding a key is one entry of the table.
#include <array>
#include <cstdint>
#include <filesystem>
#include <functional>
#include <string>
#include <variant>
#include <vector>

#include "study/study.hpp"
#include "util/named.hpp"

namespace vaesweep {

// real_or_name: a number in [min, max] or one of `choices` (cluster.eps = 0.5 or "auto").
enum class ValueType { boolean, integer, real, string, string_list, int_list, real_or_name };

// Sets the members of one spec that a key says, from the unit's settings; reads the key's value
// and, for the few keys whose meaning depends on another (features.n_mfcc), that one too.
template <typename Spec>
using SetSpec = std::function<void(Spec&, const Settings&)>;
// Which spec a key sets, and how; monostate for a key no spec holds ([study], [slurm]).
using SpecBinding = std::variant<std::monostate, SetSpec<DataSpec>, SetSpec<FeatureSpec>, SetSpec<TextSpec>,
                                 SetSpec<ModelSpec>, SetSpec<ClusterSpec>, SetSpec<EvaluationSpec>>;

// What a key's entry (KeySpec, study_schema.hpp) learns from its binding: the type a study
// writes the key in, its default (the member's value in a default-constructed spec, as the study
// writes it), the names of an enum, and the setter.
struct Binding {
  std::string key;  // "section.name"
  ValueType type;
  Value default_value;
  std::vector<std::string> choices;
  SpecBinding set;
};

namespace binding {
// A member type's key type, its value as a study writes it, and its conversion from that.
template <typename M>
struct Codec;
template <typename Int>
struct IntCodec {
  static constexpr ValueType type = ValueType::integer;
  static Value get(Int m) { return Value(static_cast<std::int64_t>(m)); }
  static void set(Int& m, const Value& v) { m = static_cast<Int>(v.as_int()); }
};
template <> struct Codec<int> : IntCodec<int> {};
template <> struct Codec<std::int64_t> : IntCodec<std::int64_t> {};
template <> struct Codec<std::uint64_t> : IntCodec<std::uint64_t> {};
template <>
struct Codec<double> {
  static constexpr ValueType type = ValueType::real;
  static Value get(double m) { return Value(m); }
  static void set(double& m, const Value& v) { m = v.as_double(); }
};
template <>
struct Codec<bool> {
  static constexpr ValueType type = ValueType::boolean;
  static Value get(bool m) { return Value(m); }
  static void set(bool& m, const Value& v) { m = v.as_bool(); }
};
template <>
struct Codec<std::string> {
  static constexpr ValueType type = ValueType::string;
  static Value get(const std::string& m) { return Value(m); }
  static void set(std::string& m, const Value& v) { m = v.as_string(); }
};
template <>
struct Codec<std::filesystem::path> {
  static constexpr ValueType type = ValueType::string;
  static Value get(const std::filesystem::path& m) { return Value(m.string()); }
  static void set(std::filesystem::path& m, const Value& v) { m = v.as_string(); }
};
template <>
struct Codec<std::vector<std::string>> {
  static constexpr ValueType type = ValueType::string_list;
  static Value get(const std::vector<std::string>& m) {
    Value::List list;
    for (const auto& item : m) list.emplace_back(item);
    return Value(list);
  }
  static void set(std::vector<std::string>& m, const Value& v) {
    m.clear();
    for (const auto& item : v.as_list()) m.push_back(item.as_string());
  }
};
template <>
struct Codec<std::vector<int>> {
  static constexpr ValueType type = ValueType::int_list;
  static Value get(const std::vector<int>& m) {
    Value::List list;
    for (int item : m) list.emplace_back(item);
    return Value(list);
  }
  static void set(std::vector<int>& m, const Value& v) {
    m.clear();
    for (const auto& item : v.as_list()) m.push_back(static_cast<int>(item.as_int()));
  }
};
}  // namespace binding

// `key` sets `member`, converted as its type says.
template <typename Spec, typename Member>
Binding bind_key(const std::string& key, Member Spec::*member) {
  using C = binding::Codec<Member>;
  return {key, C::type, C::get(Spec{}.*member), {},
          SetSpec<Spec>([key, member](Spec& spec, const Settings& s) { C::set(spec.*member, s.at(key).value); })};
}

// `key` names an enum value: one of `names` (the enum's table, util/named.hpp).
template <typename Spec, typename Enum, std::size_t N>
Binding bind_key(const std::string& key, Enum Spec::*member, const std::array<Named<Enum>, N>& names) {
  return {key, ValueType::string, Value(name_of(names, Spec{}.*member)), names_of(names),
          SetSpec<Spec>([key, member, &names](Spec& spec, const Settings& s) {
            spec.*member = parse_named(names, s.at(key).value.as_string(), key);
          })};
}

// `key` is a list of enum names; `name` and `parse` are the enum's (cluster.methods).
template <typename Spec, typename Enum>
Binding bind_key(const std::string& key, std::vector<Enum> Spec::*member, std::vector<std::string> names,
                 std::string (*name)(Enum), Enum (*parse)(const std::string&)) {
  const Spec initial{};
  Value::List defaults;
  for (Enum e : initial.*member) defaults.emplace_back(name(e));
  return {key, ValueType::string_list, Value(defaults), std::move(names),
          SetSpec<Spec>([key, member, parse](Spec& spec, const Settings& s) {
            (spec.*member).clear();
            for (const auto& item : s.at(key).value.as_list()) (spec.*member).push_back(parse(item.as_string()));
          })};
}

// A number, or `name` standing for the member's 0 (data.per_group = "min", cluster.eps = "auto").
template <typename Spec, typename Number>
Binding bind_number_or_name(const std::string& key, Number Spec::*member, const std::string& name) {
  const Number d = Spec{}.*member;
  return {key, ValueType::real_or_name, d == 0 ? Value(name) : Value(static_cast<double>(d)), {name},
          SetSpec<Spec>([key, member](Spec& spec, const Settings& s) {
            const Value& v = s.at(key).value;
            spec.*member = v.is_string() ? Number{0} : static_cast<Number>(v.as_double());
          })};
}

// Any other conversion: `get` reads the key's value off a spec (the default is get(Spec{})),
// `set` sets the spec from the unit's settings.
template <typename Spec>
Binding convert(const std::string& key, ValueType type, std::function<Value(const Spec&)> get, SetSpec<Spec> set) {
  return {key, type, get(Spec{}), {}, std::move(set)};
}

// A key whose value is not a member's value (model.engine's "auto", resolved before the spec is
// built; evaluation.label_sets' empty list, which means data.labels): its default is written
// here, and the spec built from the table's defaults must be the default-constructed spec (a
// unit test checks that).
template <typename Spec>
Binding convert_with_default(const std::string& key, ValueType type, Value default_value, SetSpec<Spec> set) {
  return {key, type, std::move(default_value), {}, std::move(set)};
}

// A key no spec holds ([study], [slurm]: they name the study or say where it runs), with its
// type and default.
inline Binding unbound(const std::string& key, ValueType type, Value default_value) {
  return {key, type, std::move(default_value), {}, std::monostate{}};
}

}  // namespace vaesweep
