// The data root: "{data_root}/..." paths of studies and manifests resolve under the folder that
// --data-root, VAESWEEP_DATA or the default names (study/data_root.hpp), a missing root or file
// is refused with the key, the path and where the root came from, and the root never enters a
// unit's hash (the same study on two machines names the same units).
#include <gtest/gtest.h>
#include <stdlib.h>

#include <fstream>
#include <set>

#include "study/data_root.hpp"
#include "study/grid.hpp"
#include "study/study.hpp"
#include "data/audio_collection.hpp"
#include "temp_dir.hpp"
#include "user_error_expect.hpp"

namespace {

namespace fs = std::filesystem;
using vaesweep::DataRoot;
using vaesweep::find_data_root;
using vaesweep::resolve_data_path;
using vaesweep::test::expect_user_error_naming;

// Sets an environment variable for one scope, restoring the earlier value after.
class ScopedEnv {
 public:
  ScopedEnv(const char* name, const std::string& value) : name_(name) {
    if (const char* old = std::getenv(name)) old_ = old;
    setenv(name, value.c_str(), 1);
  }
  ~ScopedEnv() {
    if (old_) setenv(name_, old_->c_str(), 1);
    else unsetenv(name_);
  }

 private:
  const char* name_;
  std::optional<std::string> old_;
};

TEST(DataRoot, MarkedPathsResolveUnderTheRootOthersAsBefore) {
  const DataRoot root{"/data/root", "--data-root", ""};
  EXPECT_EQ(resolve_data_path("{data_root}/features/t.csv", "/s/sweeps", root, "data.path"),
            fs::path("/data/root/features/t.csv"));
  EXPECT_EQ(resolve_data_path("{data_root}", "/s/sweeps", root, "data.path"), fs::path("/data/root"));
  EXPECT_EQ(resolve_data_path("../t.csv", "/s/sweeps", root, "data.path"), fs::path("/s/t.csv"));
  EXPECT_EQ(resolve_data_path("/abs/t.csv", "/s/sweeps", root, "data.path"), fs::path("/abs/t.csv"));
  // Only the whole mark followed by a separator is the root: this is a folder's name.
  EXPECT_EQ(resolve_data_path("{data_root}x/t.csv", "/s", root, "data.path"), fs::path("/s/{data_root}x/t.csv"));
}

TEST(DataRoot, MarkedPathWithoutARootNamesTheKeyAndBothWaysToSetOne) {
  const auto resolve = [] { resolve_data_path("{data_root}/features/t.csv", "/s", DataRoot{}, "data.path"); };
  expect_user_error_naming(resolve, "data.path = \"{data_root}/features/t.csv\"");
  expect_user_error_naming(resolve, "--data-root");
  expect_user_error_naming(resolve, "VAESWEEP_DATA");
}

TEST(DataRoot, OptionBeatsVariableAndAWrongFolderIsAnErrorOnlyWhereUsed) {
  vaesweep::test::TempDir option, variable;
  const ScopedEnv env("VAESWEEP_DATA", variable.path().string());
  EXPECT_EQ(find_data_root(option.path().string()).folder, option.path());
  EXPECT_EQ(find_data_root(option.path().string()).origin, "--data-root");
  EXPECT_EQ(find_data_root("").folder, variable.path());
  EXPECT_EQ(find_data_root("").origin, "VAESWEEP_DATA");

  const DataRoot wrong = find_data_root((option / "missing").string());  // no throw: may be unused
  EXPECT_NE(wrong.problem.find("not a folder"), std::string::npos) << wrong.problem;
  EXPECT_EQ(resolve_data_path("t.csv", "/s", wrong, "data.path"), fs::path("/s/t.csv"));
  expect_user_error_naming([&] { resolve_data_path("{data_root}/t.csv", "/s", wrong, "text.path"); },
                           (option / "missing").string());
}

TEST(DataRoot, MissingFileNamesThePathAndWhereTheRootCameFrom) {
  vaesweep::test::TempDir dir;
  const DataRoot root{dir.path(), "VAESWEEP_DATA", ""};
  const fs::path missing = resolve_data_path("{data_root}/features/t.csv", "/s", root, "data.path");
  const auto require = [&] { vaesweep::require_data_path(missing, "{data_root}/features/t.csv", root, "data.path"); };
  expect_user_error_naming(require, (dir / "features/t.csv").string() + " does not exist");
  expect_user_error_naming(require, "comes from VAESWEEP_DATA");
  expect_user_error_naming(require, "docs/data.md");
  std::ofstream(dir / "t.csv") << "x\n";
  EXPECT_NO_THROW(vaesweep::require_data_path(dir / "t.csv", "{data_root}/t.csv", root, "data.path"));
}

TEST(DataRoot, ManifestRowsResolveUnderTheRootAndKeepTheirWrittenId) {
  vaesweep::test::TempDir dir;
  std::ofstream(dir / "m.csv") << "path,genre\n{data_root}/audio/a.wav,rock\nlocal/b.wav,folk\n";
  const DataRoot root{"/collections/music", "--data-root", ""};
  const auto c = vaesweep::data::read_audio_manifest(dir / "m.csv", {"genre"}, {}, false, root);
  ASSERT_EQ(c.items.size(), 2u);
  EXPECT_EQ(c.items[0].path, fs::path("/collections/music/audio/a.wav"));
  EXPECT_EQ(c.items[0].id, "{data_root}/audio/a.wav");  // the same track id on every machine
  EXPECT_EQ(c.items[1].path, dir / "local/b.wav");
  expect_user_error_naming([&] { vaesweep::data::read_audio_manifest(dir / "m.csv", {"genre"}); }, "m.csv");
}

TEST(DataRoot, TheRootResolvesDataButNeverEntersAUnitsHash) {
  const std::string text =
      "[data]\nsource = \"table\"\npath = \"{data_root}/features/t.csv\"\n[grid]\nmodel.beta = [1.0, 4.0]\n";
  vaesweep::Study here = vaesweep::parse_study(text, "/s/sweeps/a.toml");
  vaesweep::Study there = here;
  here.data_root = {"/lab/data", "--data-root", ""};
  there.data_root = {"/cluster/scratch/data", "VAESWEEP_DATA", ""};
  const vaesweep::Grid a = vaesweep::expand_grid(here), b = vaesweep::expand_grid(there);
  ASSERT_EQ(a.size(), 2u);
  ASSERT_EQ(b.size(), 2u);
  for (std::size_t i = 0; i < a.size(); ++i) {
    EXPECT_EQ(a.unit(i).config_hash, b.unit(i).config_hash);
    EXPECT_EQ(a.unit(i).feature_hash, b.unit(i).feature_hash);
    EXPECT_EQ(a.unit(i).data.path, fs::path("/lab/data/features/t.csv"));
    EXPECT_EQ(b.unit(i).data.path, fs::path("/cluster/scratch/data/features/t.csv"));
  }
}

}  // namespace
