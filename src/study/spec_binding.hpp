#pragma once
// A study key bound to the spec member it sets: the typed binder the spec tables
// (study_fields.cpp) are written with. A plain key's conversion follows from its member's type
// (int, int64, uint64, double, bool, string, path, string list, int list); an enum is parsed by
// its name table; anything else is a small conversion written next to its binding.
#include <cstdint>
#include <filesystem>
#include <functional>
#include <string>
#include <vector>

#include "study/study.hpp"

namespace vaesweep {

template <typename Spec>
struct Field {
  std::string key;  // "section.name", as in the schema (study_schema.cpp)
  // Sets the member(s) from the unit's settings; reads the key's value and, for the few keys
  // whose meaning depends on another (features.n_mfcc), that one too.
  std::function<void(Spec&, const Settings&)> set;
};

namespace binding {
inline void assign(int& m, const Value& v) { m = static_cast<int>(v.as_int()); }
inline void assign(std::int64_t& m, const Value& v) { m = v.as_int(); }
inline void assign(std::uint64_t& m, const Value& v) { m = static_cast<std::uint64_t>(v.as_int()); }
inline void assign(double& m, const Value& v) { m = v.as_double(); }
inline void assign(bool& m, const Value& v) { m = v.as_bool(); }
inline void assign(std::string& m, const Value& v) { m = v.as_string(); }
inline void assign(std::filesystem::path& m, const Value& v) { m = v.as_string(); }
inline void assign(std::vector<std::string>& m, const Value& v) {
  m.clear();
  for (const auto& item : v.as_list()) m.push_back(item.as_string());
}
inline void assign(std::vector<int>& m, const Value& v) {
  m.clear();
  for (const auto& item : v.as_list()) m.push_back(static_cast<int>(item.as_int()));
}
}  // namespace binding

// `key` sets `member`, converted as its type says.
template <typename Spec, typename Member>
Field<Spec> bind_key(std::string key, Member Spec::*member) {
  return {key, [key, member](Spec& spec, const Settings& s) { binding::assign(spec.*member, s.at(key).value); }};
}

// `key` names an enum value: `parse` turns the name into it.
template <typename Spec, typename Enum>
Field<Spec> bind_key(std::string key, Enum Spec::*member, Enum (*parse)(const std::string&)) {
  return {key, [key, member, parse](Spec& spec, const Settings& s) { spec.*member = parse(s.at(key).value.as_string()); }};
}

// `key` is a list of enum names.
template <typename Spec, typename Enum>
Field<Spec> bind_key(std::string key, std::vector<Enum> Spec::*member, Enum (*parse)(const std::string&)) {
  return {key, [key, member, parse](Spec& spec, const Settings& s) {
            (spec.*member).clear();
            for (const auto& item : s.at(key).value.as_list()) (spec.*member).push_back(parse(item.as_string()));
          }};
}

// A two-way choice kept as a flag: `member` is true when `key` says `name`
// (model.kl_schedule = "linear" -> linear_warmup).
template <typename Spec>
Field<Spec> bind_is(std::string key, bool Spec::*member, std::string name) {
  return {key, [key, member, name](Spec& spec, const Settings& s) { spec.*member = s.at(key).value.as_string() == name; }};
}

// Any other conversion of `key`'s value.
template <typename Spec>
Field<Spec> convert(std::string key, std::function<void(Spec&, const Value&)> set) {
  return {key, [key, set](Spec& spec, const Settings& s) { set(spec, s.at(key).value); }};
}

// Every field of `fields` set from `s`, in table order.
template <typename Spec>
Spec build_spec(const std::vector<Field<Spec>>& fields, const Settings& s) {
  Spec spec;
  for (const auto& f : fields) f.set(spec, s);
  return spec;
}

}  // namespace vaesweep
