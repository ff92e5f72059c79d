// Finding audio files and their labels in a folder or a manifest. Expectations are the
// documented layout rules (audio_collection.hpp).
#include <gtest/gtest.h>

#include <fstream>

#include "audio/audio_file.hpp"
#include "core/error.hpp"
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
  c = vd::read_audio_manifest(dir / "m.csv", {});  // every column but path
  EXPECT_EQ(c.label_names, (std::vector<std::string>{"genre", "language"}));
  const std::string e = error_of([&] { vd::read_audio_manifest(dir / "m.csv", {"mood"}); });
  EXPECT_NE(e.find("mood"), std::string::npos) << e;
  EXPECT_NE(e.find("m.csv"), std::string::npos) << e;
}
