// The key table binds each key to the spec member it sets (study_schema.cpp, spec_binding.hpp),
// and the spec builders (study_fields.cpp) apply it: every key of a spec section is bound to its
// section's spec, exactly once, to a member no other key sets; and a key's default is read off a
// default-constructed spec, so that the struct's initialiser is the one place it is written.
#include <gtest/gtest.h>

#include <algorithm>
#include <map>
#include <variant>

#include "study/study.hpp"
#include "study/study_schema.hpp"

namespace vaesweep {
namespace {

Settings schema_defaults() {
  Settings s;
  for (const auto& spec : study_keys()) s[spec.key] = Setting{spec.default_value, "default"};
  return s;
}

std::string section_of(const std::string& key) { return key.substr(0, key.find('.')); }

// The spec each section's keys set (study.hpp's structs); [study] names the unit and [slurm]
// says where it runs: no spec holds them. The indices are SpecBinding's alternatives.
std::size_t spec_index(const std::string& section) {
  static const std::map<std::string, std::size_t> index = {
      {"study", 0}, {"slurm", 0}, {"data", 1}, {"features", 2}, {"text", 3}, {"model", 4}, {"cluster", 5}, {"evaluation", 6}};
  return index.at(section);
}

TEST(StudyFields, EveryKeyIsBoundToItsSectionsSpec) {
  static_assert(std::is_same_v<std::variant_alternative_t<1, SpecBinding>, SetSpec<DataSpec>>);
  static_assert(std::is_same_v<std::variant_alternative_t<6, SpecBinding>, SetSpec<EvaluationSpec>>);
  for (const auto& spec : study_keys()) EXPECT_EQ(spec.bind.index(), spec_index(section_of(spec.key))) << spec.key;
}

// A key entered twice would be bound twice (find_key would see only the first entry).
TEST(StudyFields, EveryKeyHasOneEntry) {
  std::map<std::string, int> entries;
  for (const auto& spec : study_keys()) ++entries[spec.key];
  for (const auto& [key, n] : entries) EXPECT_EQ(n, 1) << key;
}

// A value of `spec`'s key other than its default, valid for the key.
Value other_value(const KeySpec& spec) {
  const Value& d = spec.default_value;
  // The last name that is not the default: "torch" for model.engine, whose "auto" and first
  // other name ("batched") build the same spec.
  auto other_name = [&](const Value& current) {
    for (auto it = spec.choices.rbegin(); it != spec.choices.rend(); ++it)
      if (!current.is_string() || *it != current.as_string()) return *it;
    return std::string("x");
  };
  switch (spec.type) {
    case ValueType::boolean:
      return Value(!d.as_bool());
    case ValueType::integer:
      return Value(d.as_int() + 1 <= spec.max ? d.as_int() + 1 : d.as_int() - 1);
    case ValueType::real:
      return Value(d.as_double() + 1 <= spec.max ? d.as_double() + 1 : d.as_double() / 2);
    case ValueType::real_or_name:
      return Value(std::max(spec.min, 1.0));
    case ValueType::string:
      return Value(spec.choices.empty() ? std::string("x") : other_name(d));
    case ValueType::string_list: {
      const Value first = d.as_list().empty() ? Value("") : d.as_list().front();
      return Value(Value::List{Value(spec.choices.empty() ? std::string("x") : other_name(first))});
    }
    case ValueType::int_list:
      return Value(Value::List{Value(d.as_list().front().as_int() + 1)});
  }
  return d;
}

// Setting any bound key away from its default changes the spec it is bound to. This fails for a
// key bound to nothing (its setter leaves the spec as it is) and for two keys bound to the same
// member: the later entry sets the member back to its own default after the earlier one moved it.
TEST(StudyFields, EveryBoundKeyMovesItsSpec) {
  const Settings defaults = schema_defaults();
  const DataSpec data = data_spec(defaults, "s.toml", {});
  const FeatureSpec features = feature_spec(defaults);
  const TextSpec text = text_spec(defaults, "s.toml", {});
  const ModelSpec model = model_spec(defaults);
  const ClusterSpec cluster = cluster_spec(defaults);
  const EvaluationSpec evaluation = evaluation_spec(defaults);
  int checked = 0;
  for (const auto& spec : study_keys()) {
    if (spec.bind.index() == 0) continue;
    Settings s = defaults;
    s[spec.key] = Setting{other_value(spec), "test"};
    Value checked_value = s[spec.key].value;
    ASSERT_EQ(check_value(spec, checked_value), std::nullopt) << spec.key << " = " << s[spec.key].value.display();
    bool moved = false;
    switch (spec.bind.index()) {
      case 1: moved = !(data_spec(s, "s.toml", {}) == data); break;
      case 2: moved = !(feature_spec(s) == features); break;
      case 3: moved = !(text_spec(s, "s.toml", {}) == text); break;
      case 4: moved = !(model_spec(s) == model); break;
      case 5: moved = !(cluster_spec(s) == cluster); break;
      case 6: moved = !(evaluation_spec(s) == evaluation); break;
    }
    EXPECT_TRUE(moved) << spec.key << " = " << s[spec.key].value.display() << " left its spec as it was";
    ++checked;
  }
  // data 15, features 21, text 11, model 16, cluster 15, evaluation 4 (docs/study-file.md).
  EXPECT_EQ(checked, 82);
}

// Each default is a valid value of its key, exactly as the loader would hold it (an integer
// member behind a real key would be converted, and hash differently from a study's value).
TEST(StudyFields, DefaultsAreValidValuesOfTheirKeys) {
  for (const auto& spec : study_keys()) {
    Value v = spec.default_value;
    EXPECT_EQ(check_value(spec, v), std::nullopt) << spec.key;
    EXPECT_EQ(v.canonical(), spec.default_value.canonical()) << spec.key;
  }
}

// The construction of the defaults: a spec built from the table's defaults, or from an empty
// study, is the default-constructed spec (for the keys whose default is written in the table,
// model.engine and evaluation.label_sets, this is what holds the two equal).
TEST(StudyFields, SpecDefaultsAreTheSchemaDefaults) {
  for (const Settings& s : {schema_defaults(), parse_study("", "s.toml").settings}) {
    const DataSpec data = data_spec(s, "s.toml", {});
    EXPECT_TRUE(data == DataSpec{});
    EXPECT_EQ(data.labels, DataSpec{}.labels);
    EXPECT_EQ(data.cache_dir, DataSpec{}.cache_dir);
    EXPECT_TRUE(feature_spec(s) == FeatureSpec{});
    EXPECT_EQ(feature_spec(s).statistics, FeatureSpec{}.statistics);
    EXPECT_TRUE(text_spec(s, "s.toml", {}) == TextSpec{});
    EXPECT_TRUE(model_spec(s) == ModelSpec{});
    EXPECT_EQ(model_spec(s).hidden, ModelSpec{}.hidden);
    EXPECT_TRUE(cluster_spec(s) == ClusterSpec{});
    EXPECT_EQ(cluster_spec(s).ks, ClusterSpec{}.ks);
    EXPECT_TRUE(evaluation_spec(s) == EvaluationSpec{});
    EXPECT_EQ(evaluation_spec(s).label_sets, EvaluationSpec{}.label_sets);
  }
}

// Defaults as docs/study-file.md documented them before the table read them off the structs:
// a member whose initialiser changed would change them (and the hashes of later keys).
TEST(StudyFields, DefaultsReadOffTheStructs) {
  EXPECT_EQ(find_key("model.beta")->default_value.canonical(), Value(1.0).canonical());
  EXPECT_EQ(find_key("model.hidden")->default_value.canonical(), Value(Value::List{Value(64), Value(32)}).canonical());
  EXPECT_EQ(find_key("data.cache_dir")->default_value.canonical(), Value(".vaesweep-cache").canonical());
  EXPECT_EQ(find_key("data.per_group")->default_value.canonical(), Value("min").canonical());
  EXPECT_EQ(find_key("cluster.eps")->default_value.canonical(), Value("auto").canonical());
  EXPECT_EQ(find_key("cluster.k")->default_value.canonical(), Value(4).canonical());
  EXPECT_EQ(find_key("cluster.methods")->default_value.canonical(), Value(Value::List{Value("kmeans")}).canonical());
  EXPECT_EQ(find_key("features.modalities")->default_value.canonical(), Value(Value::List{Value("audio")}).canonical());
  EXPECT_EQ(find_key("features.fusion")->default_value.canonical(), Value("early").canonical());
  EXPECT_EQ(find_key("data.source")->default_value.canonical(), Value("synthetic").canonical());
  EXPECT_EQ(find_key("model.engine")->default_value.canonical(), Value("auto").canonical());
  EXPECT_EQ(find_key("evaluation.label_sets")->default_value.canonical(), Value(Value::List{}).canonical());
}

// A key's conversion reads its own value: setting it away from the default moves the member.
TEST(StudyFields, BoundKeysSetTheirMembers) {
  Settings s = schema_defaults();
  s["model.beta"].value = Value(4.0);
  s["model.kl_schedule"].value = Value(std::string("linear"));
  s["model.hidden"].value = Value(Value::List{Value(std::int64_t{16})});
  s["cluster.eps"].value = Value(0.5);
  s["cluster.k"].value = Value(std::int64_t{7});
  s["data.per_group"].value = Value(12.0);
  s["features.modalities"].value = Value(Value::List{Value(std::string("text"))});
  EXPECT_EQ(model_spec(s).beta, 4.0);
  EXPECT_EQ(model_spec(s).kl_schedule, KlWeightSchedule::linear);
  EXPECT_EQ(model_spec(s).hidden, std::vector<int>{16});
  EXPECT_EQ(cluster_spec(s).eps, 0.5);
  EXPECT_EQ(cluster_spec(s).ks, std::vector<int>{7});
  EXPECT_EQ(data_spec(s, "s.toml", {}).per_group, 12);
  EXPECT_FALSE(feature_spec(s).audio);
  EXPECT_TRUE(feature_spec(s).text);
  s["evaluation.store_latents"].value = Value(true);
  s["data.labels"].value = Value(Value::List{Value(std::string("genre"))});
  EXPECT_TRUE(evaluation_spec(s).store_latents);
  EXPECT_FALSE(evaluation_spec(s).store_assignments);
  EXPECT_EQ(evaluation_spec(s).label_sets, std::vector<std::string>{"genre"});
}

}  // namespace
}  // namespace vaesweep
