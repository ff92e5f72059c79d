// read_audio (src/audio/audio_file.hpp) on every format libsndfile decodes for us, on
// multichannel files, at several sample rates, and on broken files.
//
// Every file is written here with libsndfile itself (sf_open(SFM_WRITE)). Where the expected
// values come from:
//  - lossless formats (WAV PCM16 and float32, AU, AIFF, FLAC): the written samples, exactly.
//    16-bit integers s are written with sf_writef_short and must come back as s / 32768, which
//    is exact in float (soundfile's, hence librosa.load's, scaling); float32 WAV samples are
//    written with sf_writef_float and come back bit for bit. Both are within the format's
//    quantisation step (1/32768 for PCM16, none for float32) by construction.
//  - downmix: the mean of the channels (librosa.to_mono), computed here from the integers.
//  - lossy formats (Ogg/Vorbis, MP3): an analytic 440 Hz sine of amplitude 0.5 must keep its
//    frequency (zero crossings, interpolated, within 0.5%) and its RMS 0.5 / sqrt(2) (within
//    3%) once the codec's start and end transients are skipped; its length must be the written
//    one within the codec's documented padding (Vorbis: exact, the last page's granule
//    position trims the end; MP3: the LAME info frame records encoder delay and end padding,
//    which libmpg123's gapless mode removes; we allow 2 * 1152 samples, one MPEG-1 frame of
//    delay plus one of end padding).
//  - the rate is whatever the file says (8000, 44100, 48000): read_audio never resamples.
// Broken files: each must throw vaesweep::UserError naming the path. A truncated file must be
// reported as truncated with the header's and the readable frame counts, never decoded in part
// (libsndfile itself silently shortens a WAV, AU or AIFF data size to what the file holds).
#include <gtest/gtest.h>
#include <sys/stat.h>
#include <sndfile.h>

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <numbers>
#include <optional>
#include <random>
#include <string>
#include <tuple>
#include <type_traits>
#include <vector>

#include "audio/audio_file.hpp"
#include "util/error.hpp"
#include "temp_dir.hpp"

namespace {

namespace fs = std::filesystem;
using vaesweep::UserError;
using vaesweep::audio::Audio;
using vaesweep::audio::read_audio;

// Writes interleaved frames with libsndfile. Returns std::nullopt on success, otherwise why
// libsndfile refused (so a test can tell "unsupported here" from a failure).
template <class T>
std::optional<std::string> write_frames(const fs::path& path, int format, int channels, int rate, const std::vector<T>& data) {
  SF_INFO info{};
  info.samplerate = rate;
  info.channels = channels;
  info.format = format;
  if (!sf_format_check(&info)) return "sf_format_check rejects format 0x" + std::to_string(format);
  SNDFILE* f = sf_open(path.c_str(), SFM_WRITE, &info);
  if (f == nullptr) return std::string("sf_open(SFM_WRITE): ") + sf_strerror(nullptr);
  const sf_count_t frames = static_cast<sf_count_t>(data.size()) / channels;
  sf_count_t written = 0;
  if constexpr (std::is_same_v<T, short>) {
    written = sf_writef_short(f, data.data(), frames);
  } else {
    written = sf_writef_float(f, data.data(), frames);
  }
  std::optional<std::string> error;
  if (written != frames) error = std::string("short write: ") + sf_strerror(f);
  if (sf_close(f) != 0 && !error) error = "sf_close failed";
  return error;
}

// A deterministic int16 signal that exercises the full range: a sine, a ramp and the extremes.
std::vector<short> test_signal_int16(int frames, int channel) {
  std::vector<short> x(static_cast<std::size_t>(frames));
  for (int i = 0; i < frames; ++i) {
    const double v = 20000.0 * std::sin(2.0 * std::numbers::pi * (i + 37 * channel) / 50.0) + (i % 97) * 100.0 - 4800.0;
    x[static_cast<std::size_t>(i)] = static_cast<short>(std::lround(std::clamp(v, -32768.0, 32767.0)));
  }
  x[0] = 32767;
  x[1] = -32768;
  x[2] = 0;
  x[3] = static_cast<short>(1 - 2 * channel);
  return x;
}

void expect_user_error(const fs::path& path, const std::string& reason) {
  try {
    const Audio audio = read_audio(path);
    ADD_FAILURE() << "no UserError for " << path << " (decoded " << audio.samples.size() << " samples)";
  } catch (const UserError& e) {
    const std::string what = e.what();
    EXPECT_NE(what.find(path.string()), std::string::npos) << "message does not name the path: " << what;
    EXPECT_NE(what.find(reason), std::string::npos) << "message lacks '" << reason << "': " << what;
  }
}

std::uintmax_t truncate_to_half(const fs::path& path) {
  const std::uintmax_t half = fs::file_size(path) / 2;
  fs::resize_file(path, half);
  return half;
}

class AudioFormatsTest : public ::testing::Test {
 protected:
  vaesweep::test::TempDir temp_;
};

// ---- lossless formats x sample rates ----------------------------------------------------

struct LosslessFormat {
  const char* name;  // file name, its extension picks nothing: the format is explicit
  int format;
};
const LosslessFormat kLossless[] = {
    {"pcm16.wav", SF_FORMAT_WAV | SF_FORMAT_PCM_16},
    {"float.wav", SF_FORMAT_WAV | SF_FORMAT_FLOAT},
    {"pcm16.au", SF_FORMAT_AU | SF_FORMAT_PCM_16},
    {"pcm16.aiff", SF_FORMAT_AIFF | SF_FORMAT_PCM_16},
    {"pcm16.flac", SF_FORMAT_FLAC | SF_FORMAT_PCM_16},
};

class LosslessTest : public ::testing::TestWithParam<std::tuple<LosslessFormat, int>> {
 protected:
  vaesweep::test::TempDir temp_;
};

TEST_P(LosslessTest, GivesTheWrittenSamplesBackAtTheFileRate) {
  const auto& [fmt, rate] = GetParam();
  const fs::path path = temp_ / fmt.name;
  const int frames = 3001;  // odd, and more than one FLAC block (4096 at 44.1 kHz is not hit: fine)
  const std::vector<short> ints = test_signal_int16(frames, 0);
  std::vector<float> expected(ints.size());
  for (std::size_t i = 0; i < ints.size(); ++i) expected[i] = static_cast<float>(ints[i]) / 32768.0f;

  if ((fmt.format & SF_FORMAT_SUBMASK) == SF_FORMAT_FLOAT) {
    // float32 stores any float: add a value that is no multiple of 1/32768 to prove it.
    expected[4] = 0.1234567f;
    ASSERT_EQ(write_frames(path, fmt.format, 1, rate, expected), std::nullopt);
  } else {
    ASSERT_EQ(write_frames(path, fmt.format, 1, rate, ints), std::nullopt);
  }
  const Audio audio = read_audio(path);
  EXPECT_EQ(audio.sample_rate, rate);
  ASSERT_EQ(audio.samples.size(), expected.size());
  for (std::size_t i = 0; i < expected.size(); ++i) {
    ASSERT_EQ(audio.samples[i], expected[i]) << fmt.name << " sample " << i;
  }
}

INSTANTIATE_TEST_SUITE_P(
    Formats, LosslessTest, ::testing::Combine(::testing::ValuesIn(kLossless), ::testing::Values(8000, 44100, 48000)),
    [](const ::testing::TestParamInfo<LosslessTest::ParamType>& p) {
      std::string name = std::get<0>(p.param).name;
      for (char& c : name) {
        if (c == '.') c = '_';
      }
      return name + "_" + std::to_string(std::get<1>(p.param));
    });

// ---- multichannel downmix ---------------------------------------------------------------

TEST_F(AudioFormatsTest, StereoAndSixChannelsAreAveragedToMono) {
  const int frames = 1000;
  for (const int channels : {2, 6}) {
    for (const LosslessFormat fmt : {LosslessFormat{"multi.wav", SF_FORMAT_WAV | SF_FORMAT_PCM_16},
                                     LosslessFormat{"multi.flac", SF_FORMAT_FLAC | SF_FORMAT_PCM_16},
                                     LosslessFormat{"multi.au", SF_FORMAT_AU | SF_FORMAT_PCM_16}}) {
      SCOPED_TRACE(std::string(fmt.name) + ", " + std::to_string(channels) + " channels");
      std::vector<std::vector<short>> per_channel;
      for (int c = 0; c < channels; ++c) per_channel.push_back(test_signal_int16(frames, c));
      std::vector<short> interleaved;
      for (int i = 0; i < frames; ++i) {
        for (int c = 0; c < channels; ++c) interleaved.push_back(per_channel[static_cast<std::size_t>(c)][static_cast<std::size_t>(i)]);
      }
      const fs::path path = temp_ / (std::to_string(channels) + fmt.name);
      ASSERT_EQ(write_frames(path, fmt.format, channels, 22050, interleaved), std::nullopt);
      const Audio audio = read_audio(path);
      EXPECT_EQ(audio.sample_rate, 22050);
      ASSERT_EQ(audio.samples.size(), static_cast<std::size_t>(frames));
      for (int i = 0; i < frames; ++i) {
        long sum = 0;
        for (int c = 0; c < channels; ++c) sum += per_channel[static_cast<std::size_t>(c)][static_cast<std::size_t>(i)];
        const double mean = static_cast<double>(sum) / 32768.0 / channels;
        ASSERT_FLOAT_EQ(audio.samples[static_cast<std::size_t>(i)], static_cast<float>(mean)) << "frame " << i;
      }
    }
  }
}

// ---- lossy formats ----------------------------------------------------------------------

struct LossyFormat {
  const char* name;
  int format;
  long length_slack;  // |decoded length - written length| allowed (see the top of the file)
};
const LossyFormat kVorbis{"sine.ogg", SF_FORMAT_OGG | SF_FORMAT_VORBIS, 0};
const LossyFormat kMp3{"sine.mp3", SF_FORMAT_MPEG | SF_FORMAT_MPEG_LAYER_III, 2 * 1152};

// Frequency from the positive-going zero crossings of x[begin, end), each located by linear
// interpolation between the two samples around it.
double zero_crossing_frequency(const std::vector<float>& x, std::size_t begin, std::size_t end, int rate) {
  double first = -1.0;
  double last = -1.0;
  long crossings = 0;
  for (std::size_t i = begin + 1; i < end; ++i) {
    if (x[i - 1] < 0.0f && x[i] >= 0.0f) {
      const double t = static_cast<double>(i - 1) + x[i - 1] / static_cast<double>(x[i - 1] - x[i]);
      if (first < 0.0) first = t;
      last = t;
      ++crossings;
    }
  }
  if (crossings < 2) return 0.0;
  return (crossings - 1) / ((last - first) / rate);
}

class LossyTest : public ::testing::TestWithParam<std::tuple<LossyFormat, int>> {
 protected:
  vaesweep::test::TempDir temp_;
};

TEST_P(LossyTest, KeepsASineFrequencyRmsAndLength) {
  const auto& [fmt, rate] = GetParam();
  const fs::path path = temp_ / fmt.name;
  const int frames = 2 * rate;  // 2 s
  const double amplitude = 0.5;
  const double frequency = 440.0;
  std::vector<float> sine(static_cast<std::size_t>(frames));
  for (int i = 0; i < frames; ++i) {
    sine[static_cast<std::size_t>(i)] = static_cast<float>(amplitude * std::sin(2.0 * std::numbers::pi * frequency * i / rate));
  }
  if (const auto error = write_frames(path, fmt.format, 1, rate, sine)) {
    if ((fmt.format & SF_FORMAT_TYPEMASK) == SF_FORMAT_MPEG) GTEST_SKIP() << "this libsndfile cannot write MP3: " << *error;
    FAIL() << *error;
  }
  const Audio audio = read_audio(path);
  EXPECT_EQ(audio.sample_rate, rate);
  const long length = static_cast<long>(audio.samples.size());
  EXPECT_LE(std::labs(length - frames), fmt.length_slack) << "decoded " << length << " samples, wrote " << frames;

  // Skip 0.1 s at each end: codec start delay (if any were left), onset and offset transients.
  const std::size_t skip = static_cast<std::size_t>(rate / 10);
  ASSERT_GT(audio.samples.size(), 4 * skip);
  const std::size_t begin = skip;
  const std::size_t end = audio.samples.size() - skip;
  EXPECT_NEAR(zero_crossing_frequency(audio.samples, begin, end, rate), frequency, 0.005 * frequency);
  double sum_sq = 0.0;
  for (std::size_t i = begin; i < end; ++i) sum_sq += static_cast<double>(audio.samples[i]) * audio.samples[i];
  const double rms = std::sqrt(sum_sq / static_cast<double>(end - begin));
  EXPECT_NEAR(rms, amplitude / std::numbers::sqrt2, 0.03 * amplitude / std::numbers::sqrt2);
}

INSTANTIATE_TEST_SUITE_P(
    Formats, LossyTest, ::testing::Combine(::testing::Values(kVorbis, kMp3), ::testing::Values(8000, 44100, 48000)),
    [](const ::testing::TestParamInfo<LossyTest::ParamType>& p) {
      const bool mp3 = (std::get<0>(p.param).format & SF_FORMAT_TYPEMASK) == SF_FORMAT_MPEG;
      return std::string(mp3 ? "mp3_" : "vorbis_") + std::to_string(std::get<1>(p.param));
    });

// ---- broken files -----------------------------------------------------------------------

TEST_F(AudioFormatsTest, EmptyFileThrowsNamingThePath) {
  const fs::path path = temp_ / "empty.wav";
  std::ofstream(path).close();
  expect_user_error(path, "empty");
}

TEST_F(AudioFormatsTest, RandomBytesNamedWavThrowNamingThePath) {
  const fs::path path = temp_ / "random.wav";
  std::mt19937 gen(20240611);
  std::ofstream out(path, std::ios::binary);
  for (int i = 0; i < 4096; ++i) out.put(static_cast<char>(gen() & 0xFF));
  out.close();
  expect_user_error(path, "libsndfile cannot decode it");
  // Not libsndfile's own words for it ("does not exist or is not a regular file"): it exists.
  expect_user_error(path, "its content is no audio format libsndfile reads");
}

TEST_F(AudioFormatsTest, MissingPathAndDirectoryThrowNamingThePath) {
  expect_user_error(temp_ / "no_such_file.wav", "no such file");
  expect_user_error(temp_ / "no_such_folder" / "x.wav", "no such file");
  expect_user_error(temp_.path(), "directory");
}

// A FIFO named like audio would block the decoder's open for ever: named at once instead.
TEST_F(AudioFormatsTest, AFifoIsNamedNotOpened) {
  const fs::path fifo = temp_ / "stream.wav";
  ASSERT_EQ(mkfifo(fifo.c_str(), 0600), 0);
  expect_user_error(fifo, "it is a FIFO (named pipe), not a regular file");
}

// A 16-bit mono WAV of n frames is a 44-byte header and 2n bytes of data. Cut to half its
// size, the header still says n frames, and (half - 44) / 2 frames are left. libsndfile opens
// it and reports only those (it logs "data : 2n (should be ...)"); read_audio must refuse.
TEST_F(AudioFormatsTest, WavTruncatedToHalfIsReportedAsTruncated) {
  const fs::path path = temp_ / "truncated.wav";
  const int frames = 8000;
  ASSERT_EQ(write_frames(path, SF_FORMAT_WAV | SF_FORMAT_PCM_16, 1, 8000, test_signal_int16(frames, 0)), std::nullopt);
  ASSERT_EQ(fs::file_size(path), 44u + 2u * frames);
  const std::uintmax_t half = truncate_to_half(path);
  const std::uintmax_t left = (half - 44) / 2;  // 3989
  expect_user_error(path, "truncated: header says 8000 frames, only " + std::to_string(left) + " could be read");

  // Cut inside the audio data of a stereo float file: counts are in frames, not samples.
  const fs::path stereo = temp_ / "truncated_stereo.wav";
  ASSERT_EQ(write_frames(stereo, SF_FORMAT_WAV | SF_FORMAT_FLOAT, 2, 8000, std::vector<float>(2 * 1000, 0.25f)), std::nullopt);
  fs::resize_file(stereo, fs::file_size(stereo) - 8 * 10 - 3);  // 10 frames and 3 bytes short
  expect_user_error(stereo, "truncated: header says 1000 frames, only 989 could be read");

  // Cut right after the header: no frame at all is left, still "truncated", not "no frames".
  const fs::path bare = temp_ / "header_only.wav";
  ASSERT_EQ(write_frames(bare, SF_FORMAT_WAV | SF_FORMAT_PCM_16, 1, 8000, test_signal_int16(100, 0)), std::nullopt);
  fs::resize_file(bare, 44);
  expect_user_error(bare, "truncated: header says 100 frames, only 0 could be read");
}

TEST_F(AudioFormatsTest, OtherTruncatedFormatsAreReportedAsTruncated) {
  const int frames = 8000;
  // AU and AIFF: libsndfile shortens the data size silently, as for WAV; the header's counts
  // (AU's data size, AIFF's COMM frame count) say 8000. FLAC: STREAMINFO says 8000 and the
  // decoder loses sync at the cut.
  for (const LosslessFormat fmt : {LosslessFormat{"truncated.au", SF_FORMAT_AU | SF_FORMAT_PCM_16},
                                   LosslessFormat{"truncated.aiff", SF_FORMAT_AIFF | SF_FORMAT_PCM_16},
                                   LosslessFormat{"truncated.flac", SF_FORMAT_FLAC | SF_FORMAT_PCM_16}}) {
    SCOPED_TRACE(fmt.name);
    const fs::path path = temp_ / fmt.name;
    ASSERT_EQ(write_frames(path, fmt.format, 1, 8000, test_signal_int16(frames, 0)), std::nullopt);
    truncate_to_half(path);
    expect_user_error(path, "truncated: header says 8000 frames, only ");
  }

  // MP3: the LAME info frame libsndfile writes records the length (44100 frames).
  std::vector<float> sine(44100);
  for (std::size_t i = 0; i < sine.size(); ++i) sine[i] = static_cast<float>(0.5 * std::sin(2.0 * std::numbers::pi * 440.0 * i / 44100.0));
  const fs::path mp3 = temp_ / "truncated.mp3";
  if (const auto error = write_frames(mp3, SF_FORMAT_MPEG | SF_FORMAT_MPEG_LAYER_III, 1, 44100, sine)) {
    GTEST_SKIP() << "this libsndfile cannot write MP3: " << *error;
  }
  truncate_to_half(mp3);
  expect_user_error(mp3, "truncated: header says 44100 frames, only ");

  // Ogg/Vorbis cut in the middle of a page: libsndfile refuses to open it ("malformed").
  // (A cut exactly on a page boundary is undetectable: Ogg declares no total length.)
  const fs::path ogg = temp_ / "truncated.ogg";
  ASSERT_EQ(write_frames(ogg, SF_FORMAT_OGG | SF_FORMAT_VORBIS, 1, 44100, sine), std::nullopt);
  truncate_to_half(ogg);
  expect_user_error(ogg, "libsndfile cannot decode it");
}

// An MP3 without its Xing/LAME info frame declares no length: libmpg123 estimates one from
// the file size and the bit rate, which can overshoot what decodes by a fraction of an MPEG
// frame (observed: 1016 samples for 10 s of constant 128 kbit/s stereo). That is no
// truncation. Without the info frame the encoder delay and padding are not removed either, so
// the length may exceed the written one by up to 2 frames.
TEST_F(AudioFormatsTest, Mp3WithoutInfoFrameIsNotCalledTruncated) {
  const fs::path full = temp_ / "cbr.mp3";
  const int frames = 10 * 44100;
  std::vector<float> stereo(2 * static_cast<std::size_t>(frames));
  std::mt19937 gen(7);
  std::normal_distribution<float> noise(0.0f, 0.3f);
  for (int i = 0; i < frames; ++i) {
    stereo[2 * static_cast<std::size_t>(i)] = (i / 44100) % 2 == 1 ? noise(gen) : 0.001f * noise(gen);
    stereo[2 * static_cast<std::size_t>(i) + 1] = static_cast<float>(0.3 * std::sin(2.0 * std::numbers::pi * 440.0 * i / 44100.0));
  }
  {
    SF_INFO info{};
    info.samplerate = 44100;
    info.channels = 2;
    info.format = SF_FORMAT_MPEG | SF_FORMAT_MPEG_LAYER_III;
    SNDFILE* f = sf_open(full.c_str(), SFM_WRITE, &info);
    if (f == nullptr) GTEST_SKIP() << "this libsndfile cannot write MP3: " << sf_strerror(nullptr);
    int mode = SF_BITRATE_MODE_CONSTANT;
    // libsndfile 1.2.0 returns 0 here even when it switches to constant bit rate; the "Info"
    // tag checked below (a VBR stream carries "Xing") is the proof.
    sf_command(f, SFC_SET_BITRATE_MODE, &mode, sizeof(mode));
    ASSERT_EQ(sf_writef_float(f, stereo.data(), frames), frames);
    ASSERT_EQ(sf_close(f), 0);
  }
  // The first MPEG frame is the info frame ("Info" for constant bit rate). MPEG-1 layer III
  // frame size: 144 * bitrate / rate + padding bit.
  std::ifstream in(full, std::ios::binary);
  std::vector<unsigned char> bytes((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  ASSERT_GT(bytes.size(), 1000u);
  ASSERT_EQ(bytes[0], 0xFF);
  ASSERT_EQ(bytes[1] & 0xFE, 0xFA) << "not an MPEG-1 layer III frame";
  const int kbps[] = {0, 32, 40, 48, 56, 64, 80, 96, 112, 128, 160, 192, 224, 256, 320, 0};
  const std::size_t frame_bytes = 144u * static_cast<std::size_t>(kbps[bytes[2] >> 4]) * 1000u / 44100u + ((bytes[2] >> 1) & 1u);
  ASSERT_EQ(std::string(bytes.begin() + 36, bytes.begin() + 40), "Info") << "no info frame where expected";
  const fs::path stripped = temp_ / "cbr_no_info.mp3";
  std::ofstream(stripped, std::ios::binary).write(reinterpret_cast<const char*>(bytes.data()) + frame_bytes,
                                                  static_cast<std::streamsize>(bytes.size() - frame_bytes));

  const Audio audio = read_audio(stripped);
  EXPECT_EQ(audio.sample_rate, 44100);
  EXPECT_LE(std::labs(static_cast<long>(audio.samples.size()) - frames), 2 * 1152);
}

// A streaming writer that cannot seek back leaves 0xFFFFFFFF as the WAV data size; that
// declares no length, so the file is complete as it is and decodes in full.
TEST_F(AudioFormatsTest, WavWithPlaceholderDataSizeDecodesInFull) {
  const fs::path path = temp_ / "streamed.wav";
  const std::vector<short> ints = test_signal_int16(500, 0);
  ASSERT_EQ(write_frames(path, SF_FORMAT_WAV | SF_FORMAT_PCM_16, 1, 16000, ints), std::nullopt);
  {
    std::fstream f(path, std::ios::in | std::ios::out | std::ios::binary);
    f.seekp(40);  // the data chunk's size field of the canonical 44-byte header
    const char placeholder[4] = {'\xFF', '\xFF', '\xFF', '\xFF'};
    f.write(placeholder, 4);
  }
  const Audio audio = read_audio(path);
  ASSERT_EQ(audio.samples.size(), ints.size());
  for (std::size_t i = 0; i < ints.size(); ++i) ASSERT_EQ(audio.samples[i], ints[i] / 32768.0f) << i;
}

}  // namespace
