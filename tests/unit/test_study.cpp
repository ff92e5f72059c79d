// Study files: parsing, validation messages (file, line, key, valid choices), overrides.
// Expected values are the schema's documented defaults and the lines of the texts below.
#include <gtest/gtest.h>

#include "util/error.hpp"
#include "study/study.hpp"

namespace vaesweep {
namespace {

const char* kStudy = R"(# line 1
[study]
name = "t"

[model]
kind = "vae"
latent_dim = 8
beta = 2

[grid]
seed = [1, 2]
k = [2, 3]
)";

std::string error_of(const std::string& text, const std::vector<std::string>& overrides = {}) {
  try {
    parse_study(text, "s.toml", overrides);
  } catch (const UserError& e) {
    return e.what();
  }
  return "(no error)";
}

TEST(Study, ParsesValuesAndKeepsDefaults) {
  const Study s = parse_study(kStudy, "s.toml");
  EXPECT_EQ(s.name, "t");
  EXPECT_EQ(s.settings.at("model.latent_dim").value.as_int(), 8);
  // An integer given for a real key becomes a real (so 2 and 2.0 hash the same).
  EXPECT_TRUE(s.settings.at("model.beta").value.is_double());
  EXPECT_EQ(s.settings.at("model.beta").value.as_double(), 2.0);
  EXPECT_EQ(s.settings.at("model.beta").origin, "s.toml:8");
  EXPECT_EQ(s.settings.at("model.epochs").value.as_int(), 50);  // documented default
  EXPECT_EQ(s.settings.at("model.epochs").origin, "default");
  ASSERT_EQ(s.axes.size(), 2u);
  EXPECT_EQ(s.axes[0].key, "study.seed");
  EXPECT_EQ(s.axes[1].key, "cluster.k");
  EXPECT_EQ(s.sha256.size(), 64u);
}

TEST(Study, MalformedTomlNamesFileAndLine) {
  const std::string e = error_of("[model]\nbeta = 1\nlatent_dim = = 3\n");
  EXPECT_NE(e.find("s.toml:3"), std::string::npos) << e;
  EXPECT_NE(e.find("malformed TOML"), std::string::npos) << e;
}

TEST(Study, UnknownKeyNamesLineSuggestsAndListsValidKeys) {
  const std::string e = error_of("[model]\nkind = \"vae\"\nlatnt_dim = 3\n");
  EXPECT_NE(e.find("s.toml:3"), std::string::npos) << e;
  EXPECT_NE(e.find("model.latnt_dim"), std::string::npos) << e;
  EXPECT_NE(e.find("did you mean \"latent_dim\""), std::string::npos) << e;
  EXPECT_NE(e.find("valid keys are"), std::string::npos) << e;
}

TEST(Study, UnknownSectionIsRefused) {
  const std::string e = error_of("[modle]\nbeta = 1\n");
  EXPECT_NE(e.find("unknown section [modle]"), std::string::npos) << e;
  EXPECT_NE(e.find("did you mean [model]"), std::string::npos) << e;
}

TEST(Study, WrongTypeAndRangeAndChoiceAreExplained) {
  EXPECT_NE(error_of("[model]\nlatent_dim = \"8\"\n").find("expected an integer, got a string"), std::string::npos);
  EXPECT_NE(error_of("[model]\nlatent_dim = 0\n").find("expected a value in [1,"), std::string::npos);
  const std::string e = error_of("[model]\nkind = \"gan\"\n");
  EXPECT_NE(e.find("s.toml:2: model.kind"), std::string::npos) << e;
  EXPECT_NE(e.find("valid names are: vae, conv_vae, cvae, ae, pca"), std::string::npos) << e;
  EXPECT_NE(error_of("[cluster]\nk = 1\n").find("cluster.k"), std::string::npos);
}

TEST(Study, GridAxesAreValidatedPerValue) {
  EXPECT_NE(error_of("[grid]\nbeta = [1.0, -1.0]\n").find("s.toml:2: grid.beta"), std::string::npos);
  EXPECT_NE(error_of("[grid]\nk = [2, 2]\n").find("listed twice"), std::string::npos);
  EXPECT_NE(error_of("[grid]\nbeta = 1.0\n").find("non-empty list"), std::string::npos);
  EXPECT_NE(error_of("[grid]\nhidden = [[1]]\n").find("unknown grid axis"), std::string::npos);
  // A list-valued key's axis is a list of lists.
  EXPECT_NE(error_of("[grid]\n\"model.hidden\" = [64, 32]\n").find("its axis is a list of lists"), std::string::npos);
  EXPECT_EQ(parse_study("[grid]\n\"model.hidden\" = [[64], [32, 16]]\n", "s.toml").axes.at(0).values.size(), 2u);
  EXPECT_NE(error_of("[grid]\nbeta = [1.0]\n\"model.beta\" = [2.0]\n").find("already given"), std::string::npos);
  // Quoted dotted names and TOML's own dotted keys mean the same axis.
  const Study s = parse_study("[grid]\nmodel.learning_rate = [1e-3, 1e-4]\n", "s.toml");
  ASSERT_EQ(s.axes.size(), 1u);
  EXPECT_EQ(s.axes[0].key, "model.learning_rate");
}

TEST(Study, OverridesReplaceValuesAndAxes) {
  const Study s = parse_study(kStudy, "s.toml", {"model.beta=4", "model.kind=pca", "grid.seed=[7]"});
  EXPECT_EQ(s.settings.at("model.beta").value.as_double(), 4.0);
  EXPECT_EQ(s.settings.at("model.beta").origin, "--set");
  EXPECT_EQ(s.settings.at("model.kind").value.as_string(), "pca");  // a bare word is a string
  ASSERT_EQ(s.axes[0].values.size(), 1u);
  EXPECT_EQ(s.axes[0].values[0].as_int(), 7);
  // Overrides are part of the study's identity.
  EXPECT_NE(s.sha256, parse_study(kStudy, "s.toml").sha256);
  EXPECT_NE(error_of(kStudy, {"model.beeta=4"}).find("did you mean \"beta\""), std::string::npos);
  EXPECT_NE(error_of(kStudy, {"beta"}).find("expected section.key=value"), std::string::npos);
}

TEST(Study, CrossKeyChecks) {
  EXPECT_NE(error_of("[data]\nsource = \"table\"\n").find("needs data.path"), std::string::npos);
  EXPECT_NE(error_of("[evaluation]\nlabel_sets = [\"mood\"]\n").find("not one of data.labels"), std::string::npos);
}

TEST(Study, MissingFileIsAUserError) {
  try {
    load_study("/nonexistent/study.toml");
    FAIL();
  } catch (const UserError& e) {
    EXPECT_NE(std::string(e.what()).find("/nonexistent/study.toml"), std::string::npos);
  }
}

TEST(Study, RelativeDataPathIsResolvedAgainstTheStudyFolder) {
  const Study s = parse_study("[data]\nsource = \"table\"\npath = \"../data/t.csv\"\n", "/a/sweeps/s.toml");
  EXPECT_EQ(data_spec(s.settings, s.file, {}).path, "/a/data/t.csv");
}

}  // namespace
}  // namespace vaesweep
