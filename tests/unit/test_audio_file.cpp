// Decoding and writing audio (src/audio/audio_file.hpp).
// Expected values: samples written here through libsndfile as 16-bit integers; read back they
// must be x / 32768 exactly (soundfile's, hence librosa.load's, int16 -> float scaling), and a
// stereo file must give the mean of its channels (librosa.to_mono).
#include <gtest/gtest.h>
#include <sndfile.h>

#include <cmath>
#include <filesystem>
#include <fstream>
#include <string>
#include <vector>

#include "audio/audio_file.hpp"
#include "util/error.hpp"
#include "temp_dir.hpp"

namespace {

namespace fs = std::filesystem;
using vaesweep::UserError;
using vaesweep::audio::read_audio;
using vaesweep::audio::write_wav;

class AudioFileTest : public ::testing::Test {
 protected:
  vaesweep::test::TempDir temp_;
  fs::path dir_ = temp_.path();
};

// Writes interleaved int16 frames with libsndfile in the given major format.
void write_with_libsndfile(const fs::path& path, int format, int channels, int rate, const std::vector<short>& data) {
  SF_INFO info{};
  info.samplerate = rate;
  info.channels = channels;
  info.format = format | SF_FORMAT_PCM_16;
  ASSERT_TRUE(sf_format_check(&info)) << path;
  SNDFILE* f = sf_open(path.c_str(), SFM_WRITE, &info);
  ASSERT_NE(f, nullptr) << sf_strerror(nullptr);
  const sf_count_t frames = static_cast<sf_count_t>(data.size()) / channels;
  ASSERT_EQ(sf_writef_short(f, data.data(), frames), frames);
  ASSERT_EQ(sf_close(f), 0);
}

const std::vector<short> kMono{0, 1, -1, 16384, -16384, 32767, -32768, 12345, -2222};

void expect_thrown_message_contains(const fs::path& path, const std::string& reason) {
  try {
    read_audio(path);
    FAIL() << "no UserError for " << path;
  } catch (const UserError& e) {
    const std::string what = e.what();
    EXPECT_NE(what.find(path.string()), std::string::npos) << what;
    EXPECT_NE(what.find(reason), std::string::npos) << what;
  }
}

TEST_F(AudioFileTest, MonoWavFlacAuDecodeToIntOver32768) {
  const std::vector<std::pair<std::string, int>> formats{
      {"a.wav", SF_FORMAT_WAV}, {"a.flac", SF_FORMAT_FLAC}, {"a.au", SF_FORMAT_AU}};
  for (const auto& [name, format] : formats) {
    SCOPED_TRACE(name);
    write_with_libsndfile(dir_ / name, format, 1, 16000, kMono);
    const auto audio = read_audio(dir_ / name);
    EXPECT_EQ(audio.sample_rate, 16000);
    ASSERT_EQ(audio.samples.size(), kMono.size());
    for (std::size_t i = 0; i < kMono.size(); ++i) EXPECT_EQ(audio.samples[i], kMono[i] / 32768.0f) << i;
  }
}

TEST_F(AudioFileTest, StereoIsAveragedToMono) {
  const std::vector<short> left{1000, -32768, 32767, 0, 7};
  const std::vector<short> right{3000, -32768, -32768, 1, -8};
  std::vector<short> interleaved;
  for (std::size_t i = 0; i < left.size(); ++i) {
    interleaved.push_back(left[i]);
    interleaved.push_back(right[i]);
  }
  write_with_libsndfile(dir_ / "stereo.wav", SF_FORMAT_WAV, 2, 22050, interleaved);
  const auto audio = read_audio(dir_ / "stereo.wav");
  EXPECT_EQ(audio.sample_rate, 22050);
  ASSERT_EQ(audio.samples.size(), left.size());
  for (std::size_t i = 0; i < left.size(); ++i) {
    const float expected = 0.5f * (left[i] / 32768.0f + right[i] / 32768.0f);
    EXPECT_FLOAT_EQ(audio.samples[i], expected) << i;
  }
}

TEST_F(AudioFileTest, WriteWavRoundTrip) {
  // Multiples of 1/32768 come back exactly; others within half a step; out-of-range clips.
  std::vector<float> x{0.0f, 0.5f, -0.5f, -1.0f, 32767.0f / 32768.0f, 1.0f / 32768.0f, 0.123456f, 1.5f, -2.0f};
  const fs::path path = dir_ / "out.wav";
  write_wav(path, x, 44100);
  const auto audio = read_audio(path);
  EXPECT_EQ(audio.sample_rate, 44100);
  ASSERT_EQ(audio.samples.size(), x.size());
  for (std::size_t i = 0; i < 7; ++i) EXPECT_NEAR(audio.samples[i], x[i], 0.5 / 32768.0 + 1e-9) << i;
  for (std::size_t i = 0; i < 6; ++i) EXPECT_EQ(audio.samples[i], x[i]) << i;
  EXPECT_EQ(audio.samples[7], 32767.0f / 32768.0f);
  EXPECT_EQ(audio.samples[8], -1.0f);

  SF_INFO info{};
  SNDFILE* f = sf_open(path.c_str(), SFM_READ, &info);
  ASSERT_NE(f, nullptr);
  EXPECT_EQ(info.format, SF_FORMAT_WAV | SF_FORMAT_PCM_16);
  EXPECT_EQ(info.channels, 1);
  sf_close(f);
}

TEST_F(AudioFileTest, MissingEmptyGarbageAndFramelessFilesThrowNamingThePath) {
  expect_thrown_message_contains(dir_ / "missing.wav", "no such file");

  const fs::path empty = dir_ / "empty.wav";
  std::ofstream(empty).close();
  expect_thrown_message_contains(empty, "empty");

  const fs::path garbage = dir_ / "garbage.wav";
  std::ofstream(garbage) << "this is not audio, just some text that libsndfile cannot decode\n";
  expect_thrown_message_contains(garbage, "libsndfile");

  const fs::path frameless = dir_ / "frameless.wav";
  write_wav(frameless, {}, 22050);
  expect_thrown_message_contains(frameless, "no audio frames");

  expect_thrown_message_contains(dir_, "directory");
}

TEST_F(AudioFileTest, WriteWavErrorsNameThePath) {
  const fs::path nowhere = dir_ / "no_such_folder" / "x.wav";
  try {
    write_wav(nowhere, {0.0f}, 22050);
    FAIL() << "no UserError";
  } catch (const UserError& e) {
    EXPECT_NE(std::string(e.what()).find(nowhere.string()), std::string::npos) << e.what();
  }
  EXPECT_THROW(write_wav(dir_ / "nan.wav", {0.0f, std::nanf("")}, 22050), UserError);
  EXPECT_THROW(write_wav(dir_ / "rate.wav", {0.0f}, 0), UserError);
}

}  // namespace
