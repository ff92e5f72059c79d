// Finding audio files and their labels in a folder or a manifest. Expectations are the
// documented layout rules (audio_collection.hpp).
#include <gtest/gtest.h>

#include <fstream>

#include "audio/audio_file.hpp"
#include "util/error.hpp"
#include "data/audio_collection.hpp"
#include "temp_dir.hpp"

namespace vd = vaesweep::data;
namespace fs = std::filesystem;

namespace {

void touch(const fs::path& p, const std::string& text = "x") {
  fs::create_directories(p.parent_path());
  std::ofstream(p) << text;
}

std::string error_of(const std::function<void()>& f) {
  try {
    f();
  } catch (const vaesweep::UserError& e) {
    return e.what();
  }
  return "";
}

}  // namespace

TEST(AudioCollection, GenreSubfoldersGiveLabels) {
  vaesweep::test::TempDir dir;
  touch(dir / "rock/b.wav");
  touch(dir / "rock/a.WAV");
  touch(dir / "jazz/c.mp3");
  touch(dir / "jazz/notes.txt");      // not audio
  touch(dir / "jazz/.hidden.wav");    // hidden
  const auto c = vd::scan_audio_folder(dir.path(), "genre");
  ASSERT_EQ(c.label_names, std::vector<std::string>{"genre"});
  ASSERT_EQ(c.items.size(), 3U);
  EXPECT_EQ(c.items[0].id, "jazz/c.mp3");
  EXPECT_EQ(c.items[0].labels, std::vector<std::string>{"jazz"});
  EXPECT_EQ(c.items[1].id, "rock/a.WAV");
  EXPECT_EQ(c.items[2].id, "rock/b.wav");
  EXPECT_EQ(c.items[2].labels, std::vector<std::string>{"rock"});
  EXPECT_EQ(c.items[2].path, dir / "rock/b.wav");
}

TEST(AudioCollection, FlatFolderHasNoLabels) {
  vaesweep::test::TempDir dir;
  touch(dir / "x.flac");
  touch(dir / "y.au");
  const auto c = vd::open_audio_collection(dir.path(), {});
  EXPECT_TRUE(c.label_names.empty());
  ASSERT_EQ(c.items.size(), 2U);
  EXPECT_EQ(c.items[0].id, "x.flac");
}

TEST(AudioCollection, MixedOrEmptyFoldersAreErrors) {
  vaesweep::test::TempDir dir;
  EXPECT_NE(error_of([&] { vd::scan_audio_folder(dir.path()); }).find("no audio files"), std::string::npos);
  touch(dir / "top.wav");
  touch(dir / "rock/a.wav");
  const std::string e = error_of([&] { vd::scan_audio_folder(dir.path()); });
  EXPECT_NE(e.find("both directly"), std::string::npos) << e;
  EXPECT_NE(error_of([&] { vd::open_audio_collection(dir / "missing", {}); }).find("missing"), std::string::npos);
  EXPECT_NE(error_of([&] { vd::open_audio_collection(dir.path(), {"genre", "language"}); }).find("one label"),
            std::string::npos);
}

TEST(AudioCollection, ManifestPathsAndLabels) {
  vaesweep::test::TempDir dir;
  touch(dir / "m.csv", "path,genre,language\nclips/a.wav,rock,en\n/abs/b.wav,folk,bn\n");
  auto c = vd::read_audio_manifest(dir / "m.csv", {"language"});
  ASSERT_EQ(c.items.size(), 2U);
  EXPECT_EQ(c.items[0].path, dir / "clips/a.wav");
  EXPECT_EQ(c.items[1].path, fs::path("/abs/b.wav"));
  EXPECT_EQ(c.items[1].labels, std::vector<std::string>{"bn"});
  c = vd::read_audio_manifest(dir / "m.csv", {});  // only the columns named are labels
  EXPECT_TRUE(c.label_names.empty());
  EXPECT_TRUE(c.items[0].labels.empty());
  EXPECT_EQ(vd::unused_manifest_columns(dir / "m.csv", {}, {}), (std::vector<std::string>{"genre", "language"}));
  const std::string e = error_of([&] { vd::read_audio_manifest(dir / "m.csv", {"mood"}); });
  EXPECT_NE(e.find("mood"), std::string::npos) << e;
  EXPECT_NE(e.find("m.csv"), std::string::npos) << e;
}

// Real metadata: a blank label cell leaves the file unlabelled there (or is refused when
// labels are required); lyrics are a column to keep as it is, never a label.
TEST(AudioCollection, ManifestBlankLabelsAndKeptColumns) {
  vaesweep::test::TempDir dir;
  touch(dir / "m.csv", "path,genre,lyrics,language\na.wav,rock,\"la, la\",en\nb.wav,,words,bn\nc.wav,folk,,en\n");
  const auto c = vd::read_audio_manifest(dir / "m.csv", {"genre"}, {"lyrics"});
  EXPECT_EQ(c.label_names, std::vector<std::string>{"genre"});
  EXPECT_EQ(c.kept_names, std::vector<std::string>{"lyrics"});
  ASSERT_EQ(c.items.size(), 3U);
  EXPECT_EQ(c.items[0].labels, std::vector<std::string>{"rock"});
  EXPECT_EQ(c.items[1].labels, std::vector<std::string>{""});
  EXPECT_EQ(c.items[0].kept, std::vector<std::string>{"la, la"});
  EXPECT_EQ(c.items[2].kept, std::vector<std::string>{""});
  EXPECT_EQ(vd::unused_manifest_columns(dir / "m.csv", {"genre"}, {"lyrics"}), std::vector<std::string>{"language"});
  const std::string required = error_of([&] { vd::read_audio_manifest(dir / "m.csv", {"genre"}, {}, true); });
  EXPECT_NE(required.find("m.csv:3"), std::string::npos) << required;
  EXPECT_NE(required.find("\"genre\" is empty"), std::string::npos) << required;
  const std::string both = error_of([&] { vd::read_audio_manifest(dir / "m.csv", {"genre"}, {"genre"}); });
  EXPECT_NE(both.find("both as a label and as a kept column"), std::string::npos) << both;
  const std::string folder = error_of([&] { vd::open_audio_collection(dir.path(), {}, false, {"lyrics"}); });
  EXPECT_NE(folder.find("no columns to keep"), std::string::npos) << folder;
}
