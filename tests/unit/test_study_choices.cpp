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
