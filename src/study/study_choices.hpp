#pragma once
// The names of each closed set of choices a study key takes, written once: the enum's parse
// function and to_string (study.cpp) and the key's `choices` in the schema (study_schema.cpp,
// hence the "valid names are" messages and docs/study-file.md) all read these tables.
#include <array>
#include <string>
#include <string_view>
#include <vector>

#include "util/error.hpp"
#include "study/study.hpp"

namespace vaesweep {

template <typename Enum>
struct Named {
  Enum value;
  std::string_view name;
};

// In documentation order: the order the schema lists and messages name them.
inline constexpr std::array<Named<DataSource>, 3> kDataSourceNames = {
    {{DataSource::synthetic, "synthetic"}, {DataSource::audio, "audio"}, {DataSource::table, "table"}}};
inline constexpr std::array<Named<BadFilePolicy>, 2> kBadFilePolicyNames = {
    {{BadFilePolicy::skip, "skip"}, {BadFilePolicy::fail, "fail"}}};
inline constexpr std::array<Named<FeatureKind>, 4> kFeatureKindNames = {{{FeatureKind::mfcc_stats, "mfcc_stats"},
                                                                          {FeatureKind::librosa, "librosa"},
                                                                          {FeatureKind::logmel, "logmel"},
                                                                          {FeatureKind::mfcc_sequence, "mfcc_sequence"}}};
inline constexpr std::array<Named<ModelKind>, 7> kModelKindNames = {
    {{ModelKind::vae, "vae"}, {ModelKind::conv_vae, "conv_vae"}, {ModelKind::cvae, "cvae"}, {ModelKind::ae, "ae"},
     {ModelKind::pca, "pca"}, {ModelKind::raw, "raw"}, {ModelKind::noop, "noop"}}};
// The clustering methods' names are cluster/method.hpp's (the sweep and `vaesweep cluster` share
// them there).

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
