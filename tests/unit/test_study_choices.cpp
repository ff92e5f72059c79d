// The name tables of study_choices.hpp: every name parses to its value and back, the schema
// offers exactly those names, and an unknown name lists them.
#include <gtest/gtest.h>

#include "study/study_choices.hpp"
#include "study/study_schema.hpp"

namespace vaesweep {
namespace {

template <typename Enum, std::size_t N, typename Parse>
void expect_round_trip(const std::array<Named<Enum>, N>& table, Parse parse) {
  for (const auto& n : table) {
    EXPECT_EQ(parse(std::string(n.name)), n.value) << n.name;
    EXPECT_EQ(name_of(table, n.value), n.name);
  }
}

TEST(StudyChoices, EveryNameParsesToItsValueAndBack) {
  expect_round_trip(kDataSourceNames, parse_data_source);
  expect_round_trip(kBadFilePolicyNames, parse_bad_file_policy);
  expect_round_trip(kFeatureKindNames, parse_feature_kind);
  expect_round_trip(kModelKindNames, parse_model_kind);
  EXPECT_EQ(to_string(ModelKind::conv_vae), "conv_vae");
  EXPECT_EQ(to_string(ClusterMethod::gmm), "gmm");
  EXPECT_EQ(to_string(FeatureKind::logmel), "logmel");
}

TEST(StudyChoices, TheSchemaOffersTheTablesNames) {
  EXPECT_EQ(find_key("data.source")->choices, names_of(kDataSourceNames));
  EXPECT_EQ(find_key("data.on_bad_file")->choices, names_of(kBadFilePolicyNames));
  EXPECT_EQ(find_key("features.kind")->choices, names_of(kFeatureKindNames));
  EXPECT_EQ(find_key("model.kind")->choices, names_of(kModelKindNames));
  EXPECT_EQ(find_key("cluster.methods")->choices, cluster::method_names());
}

Settings defaults() {
  Settings s;
  for (const auto& spec : study_keys()) s[spec.key] = Setting{spec.default_value, "default"};
  return s;
}

// The two- and three-way choices that were flags or strings: each key offers its table's names,
// which are the values study files write and hashes hold (as docs/study-file.md lists them, so
// a renamed name would change results), and each name sets its value in the spec.
template <typename Enum, std::size_t N, typename Member>
void expect_key_sets(const std::string& key, const std::array<Named<Enum>, N>& table,
                     const std::vector<std::string>& documented, Member member) {
  EXPECT_EQ(names_of(table), documented) << key;
  for (const auto& n : table) {
    Settings s = defaults();
    s[key].value = Value(std::string(n.name));
    EXPECT_EQ(member(s), n.value) << key << " = " << n.name;
  }
}

TEST(StudyChoices, TwoWayChoicesAreNamedEnums) {
  expect_key_sets("features.fusion", kFusionNames, {"early", "late"}, [](const Settings& s) { return feature_spec(s).fusion; });
  expect_key_sets("text.source", kTextSourceNames, {"lyrics", "embeddings"},
                  [](const Settings& s) { return text_spec(s, "s.toml", {}).source; });
  expect_key_sets("text.join", kTextJoinNames, {"id", "label"}, [](const Settings& s) { return text_spec(s, "s.toml", {}).join; });
  expect_key_sets("model.kl_schedule", kKlWeightScheduleNames, {"constant", "linear"},
                  [](const Settings& s) { return model_spec(s).kl_schedule; });
  expect_key_sets("cluster.projection", kLatentProjectionNames, {"none", "umap"},
                  [](const Settings& s) { return cluster_spec(s).projection; });
  expect_key_sets("model.convolution", kConvolutionKindNames, {"auto", "1d", "2d"},
                  [](const Settings& s) { return model_spec(s).convolution; });
  expect_key_sets("model.engine", kTrainingEngineNames, {"batched", "stacked", "torch"},
                  [](const Settings& s) { return model_spec(s).engine; });
  for (const char* key : {"features.fusion", "text.source", "text.join", "model.kl_schedule", "cluster.projection",
                          "model.convolution"})
    EXPECT_EQ(find_key(key)->type, ValueType::string) << key;
  EXPECT_EQ(find_key("features.fusion")->choices, names_of(kFusionNames));
  EXPECT_EQ(find_key("model.convolution")->choices, names_of(kConvolutionKindNames));
  // "auto" names none of the engines: it trains as batched until the run resolves it.
  EXPECT_EQ(find_key("model.engine")->choices, (std::vector<std::string>{"auto", "batched", "stacked", "torch"}));
  Settings s = defaults();
  s["model.engine"].value = Value("auto");
  EXPECT_EQ(model_spec(s).engine, TrainingEngine::batched);
}

// The wording of these messages is what it was when each parse function listed its names.
TEST(StudyChoices, AnUnknownNameListsTheValidOnes) {
  const auto message = [](auto parse, const std::string& name) {
    try {
      parse(name);
    } catch (const UserError& e) {
      return std::string(e.what());
    }
    return std::string("no error");
  };
  EXPECT_EQ(message(parse_data_source, "x"), "unknown data source \"x\"; valid names are: synthetic, audio, table");
  EXPECT_EQ(message(parse_bad_file_policy, "x"), "unknown bad-file policy \"x\"; valid names are: skip, fail");
  EXPECT_EQ(message(parse_feature_kind, "x"),
            "unknown feature kind \"x\"; valid names are: mfcc_stats, librosa, logmel, mfcc_sequence");
  EXPECT_EQ(message(parse_model_kind, "x"),
            "unknown model kind \"x\"; valid names are: vae, conv_vae, cvae, ae, pca, raw, noop");
  EXPECT_EQ(message([](const std::string& n) { return cluster::parse_method(n); }, "x"),
            "unknown clustering method \"x\"; valid methods are: kmeans, agglomerative, dbscan, spectral, gmm");
}

}  // namespace
}  // namespace vaesweep
