// The key tables (study_fields.cpp): every key of the spec sections is bound to a spec member
// once, and a spec built from the schema's defaults is the spec's default-constructed value, so
// that a default is written in one place and the struct's initializer only repeats it.
#include <gtest/gtest.h>

#include <algorithm>
#include <map>

#include "study/study_fields.hpp"
#include "study/study_schema.hpp"

namespace vaesweep {
namespace {

Settings schema_defaults() {
  Settings s;
  for (const auto& spec : study_keys()) s[spec.key] = Setting{spec.default_value, "default"};
  return s;
}

TEST(StudyFields, EverySpecKeyIsBoundOnce) {
  std::map<std::string, int> bound;
  for (const auto& key : bound_keys()) {
    ++bound[key];
    EXPECT_NE(find_key(key), nullptr) << key << " is bound but not in the schema";
  }
  for (const auto& spec : study_keys()) {
    const std::string section = spec.key.substr(0, spec.key.find('.'));
    // [study] names the unit and [slurm] says where it runs: no spec holds them.
    const bool spec_section = section == "data" || section == "features" || section == "text" ||
                              section == "model" || section == "cluster" || section == "evaluation";
    if (spec_section || bound.count(spec.key)) {
      EXPECT_EQ(bound[spec.key], 1) << spec.key;
    }
  }
}

TEST(StudyFields, SpecDefaultsAreTheSchemaDefaults) {
  const Settings s = schema_defaults();
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
  EXPECT_TRUE(model_spec(s).linear_warmup);
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
