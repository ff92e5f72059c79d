// Decoding every common format (read_audio: libsndfile, then FFmpeg for what libsndfile does
// not recognise). Fixtures are made here from two GTZAN clips (22050 Hz WAVs) with Debian's
// ffmpeg command-line tool; the expected values are the WAV original's MFCC-20 means
// (librosa's mfcc, averaged over frames), which a lossless format must reproduce and a lossy
// one approach within the stated bound (measured maxima in the comments).
#include <gtest/gtest.h>

#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <optional>
#include <string>

#include "audio/audio_file.hpp"
#include "audio/ffmpeg_backend.hpp"
#include "audio/frame_statistics.hpp"
#include "audio/resample.hpp"
#include "audio/spectrogram.hpp"
#include "util/error.hpp"
#include "util/loadable_module.hpp"
#include "temp_dir.hpp"

namespace {

namespace fs = std::filesystem;
using namespace vaesweep::audio;

const fs::path kClips = fs::path(VAESWEEP_SHARED_DATA_DIR) / "audio" / "gtzan-mini";

bool have_ffmpeg() { return std::system("ffmpeg -version >/dev/null 2>&1") == 0; }

// ffmpeg -i in <codec options> out; false when it fails (an encoder this ffmpeg lacks).
bool encode(const fs::path& in, const std::string& options, const fs::path& out) {
  const std::string cmd = "ffmpeg -nostdin -loglevel error -y -i '" + in.string() + "' " + options + " '" + out.string() + "'";
  return std::system(cmd.c_str()) == 0;
}

// MFCC-20 means of a decoded file, at 22050 Hz (Opus decodes at 48 kHz: resampled).
Eigen::VectorXd mfcc_means(const Audio& a) {
  std::vector<float> y = a.sample_rate == 22050 ? a.samples : resample(a.samples, a.sample_rate, 22050);
  return frame_statistics(mfcc(y, 20, SpectralParams{}), {Statistic::mean});
}

class AudioDecoders : public ::testing::Test {
 protected:
  void SetUp() override {
    if (!fs::exists(kClips)) GTEST_SKIP() << "shared data not found: " << kClips;
    if (!have_ffmpeg()) GTEST_SKIP() << "the ffmpeg command is not installed (apt-get install ffmpeg): fixtures are made with it";
  }
  vaesweep::test::TempDir dir_;
};

struct Format {
  const char* name;
  const char* file;      // fixture name (its extension is what ffmpeg picks the container by)
  const char* options;   // ffmpeg's codec options
  double bound;          // on the largest |MFCC mean - the WAV's| over the clips
};

TEST_F(AudioDecoders, EveryFormatGivesTheWavOriginalsMfccStatistics) {
  // Lossless (FLAC, AIFF): the same 16-bit samples, hence the same MFCCs (measured: 0).
  // Lossy: the encoders drop detail near the masking threshold and some low-pass the top of
  // the band: at 22.05 kHz LAME (MP3, 128 kb/s) cuts 10-11 kHz by 24 dB and wmav2 by 13 dB
  // (Welch spectra of the decoded disco clip against the WAV's; below 10 kHz within 0.5 dB).
  // The top mel bands, in dB, weigh on every MFCC, so the means (values -400 .. 150) move by
  // up to the bounds below; they say how much a lossy copy of a collection moves its
  // features, not a decoder error. Opus decodes at 24 kHz here (libsndfile's nearest Opus
  // rate) and is resampled to 22.05 kHz (soxr_hq). Measured maxima over the two clips:
  // MP3 10.2, M4A/AAC 1.05, Ogg Vorbis (q 5) 3.9, Opus (96 kb/s) 2.5, WMA 6.7.
  const Format formats[] = {
      {"FLAC", "x.flac", "-c:a flac", 1e-3},
      {"AIFF", "x.aiff", "-c:a pcm_s16be", 1e-3},
      {"MP3", "x.mp3", "-c:a libmp3lame -b:a 128k", 12.0},
      {"M4A/AAC", "x.m4a", "-c:a aac -b:a 128k", 2.0},
      {"Ogg Vorbis", "x.ogg", "-c:a libvorbis -q:a 5", 5.0},
      {"Opus", "x.opus", "-c:a libopus -b:a 96k", 3.5},
      {"WMA", "x.wma", "-c:a wmav2 -b:a 128k", 8.0},
  };
  for (const char* clip : {"blues.00000.wav", "disco.00000.wav"}) {
    const Audio wav = read_audio(kClips / clip);
    const Eigen::VectorXd expected = mfcc_means(wav);
    for (const Format& f : formats) {
      const fs::path out = dir_ / (std::string(clip) + "." + f.file);
      if (!encode(kClips / clip, f.options, out)) {
        ADD_FAILURE() << "ffmpeg could not encode " << f.name << " (" << f.options << ")";
        continue;
      }
      const Audio decoded = read_audio(out);
      const double error = (mfcc_means(decoded) - expected).cwiseAbs().maxCoeff();
      const double seconds = static_cast<double>(decoded.samples.size()) / decoded.sample_rate;
      std::cout << "[ decoders ] " << clip << " " << f.name << ": " << decoded.sample_rate << " Hz, " << seconds
                << " s, largest MFCC-mean difference " << error << "\n";
      EXPECT_NEAR(seconds, static_cast<double>(wav.samples.size()) / 22050.0, 0.05) << f.name;
      EXPECT_LT(error, f.bound) << clip << " " << f.name;
    }
  }
}

TEST_F(AudioDecoders, TheContainerIsFoundByContentNotByExtension) {
  const fs::path m4a = dir_ / "x.m4a";
  ASSERT_TRUE(encode(kClips / "blues.00000.wav", "-c:a aac -b:a 128k", m4a));
  const fs::path misnamed = dir_ / "really_an_m4a.wav";
  fs::copy_file(m4a, misnamed);
  EXPECT_EQ(read_audio(misnamed).samples, read_audio(m4a).samples);
  EXPECT_EQ(probe_sample_rate(misnamed), 22050);
}

TEST_F(AudioDecoders, GarbageAndTruncatedM4aAreNamedErrors) {
  const auto message = [](const fs::path& p) {
    try {
      read_audio(p);
    } catch (const vaesweep::UserError& e) {
      return std::string(e.what());
    }
    return std::string("(no error)");
  };
  // Random bytes named .m4a: no decoder recognises them.
  const fs::path garbage = dir_ / "garbage.m4a";
  {
    std::ofstream out(garbage, std::ios::binary);
    for (int i = 0; i < 50000; ++i) out.put(static_cast<char>((i * 7919 + 13) % 251));
  }
  std::string what = message(garbage);
  EXPECT_NE(what.find(garbage.string()), std::string::npos) << what;
  EXPECT_NE(what.find("FFmpeg"), std::string::npos) << what;
  EXPECT_FALSE(probe_sample_rate(garbage).has_value());

  // Cut in half, with the index (moov) at the end, where ffmpeg writes it by default: the
  // index is gone.
  const fs::path m4a = dir_ / "x.m4a";
  ASSERT_TRUE(encode(kClips / "blues.00000.wav", "-c:a aac -b:a 128k", m4a));
  const fs::path cut = dir_ / "cut.m4a";
  fs::copy_file(m4a, cut);
  fs::resize_file(cut, fs::file_size(cut) / 2);
  what = message(cut);
  EXPECT_NE(what.find(cut.string()), std::string::npos) << what;
  EXPECT_NE(what.find("FFmpeg"), std::string::npos) << what;

  // Cut in half with the index first (-movflags +faststart): the index declares 30 s, half of
  // it decodes: truncation, never a shorter signal.
  const fs::path fast = dir_ / "fast.m4a";
  ASSERT_TRUE(encode(kClips / "blues.00000.wav", "-c:a aac -b:a 128k -movflags +faststart", fast));
  const fs::path fast_cut = dir_ / "fast_cut.m4a";
  fs::copy_file(fast, fast_cut);
  fs::resize_file(fast_cut, fs::file_size(fast_cut) / 2);
  what = message(fast_cut);
  EXPECT_NE(what.find(fast_cut.string()), std::string::npos) << what;
  EXPECT_NE(what.find("truncated"), std::string::npos) << what;
}

}  // namespace

// The module the build writes beside vaesweep (audio/ffmpeg_backend.hpp): it opens with dlopen,
// passes the loader's checks, decodes what the decoder linked into this binary decodes, and a
// UserError thrown inside it arrives as this binary's. The executable's own path (nothing linked,
// the module beside it, or none) is tests/e2e/ffmpeg_module.sh's.
TEST_F(AudioDecoders, TheBuiltFfmpegModuleDecodesAsTheLinkedDecoder) {
#ifndef VAESWEEP_FFMPEG_MODULE_FILE
  GTEST_SKIP() << "this tree builds no FFmpeg module";
#else
  std::string tried;
  const void* table = vaesweep::open_module(
      {VAESWEEP_FFMPEG_MODULE_FILE}, kFfmpegBackendEntry, "FFmpeg", [](const void*) { return std::string(); }, tried);
  ASSERT_NE(table, nullptr) << tried;
  const auto& backend = *static_cast<const FfmpegBackend*>(table);
  EXPECT_EQ(backend.abi, kFfmpegBackendAbi);
  EXPECT_EQ(backend.audio_size, sizeof(Audio));
  const fs::path m4a = dir_ / "x.m4a";
  ASSERT_TRUE(encode(kClips / "blues.00000.wav", "-c:a aac -b:a 128k", m4a));
  const Audio via_module = backend.decode(m4a);
  const Audio linked = read_audio(m4a);
  EXPECT_EQ(via_module.sample_rate, linked.sample_rate);
  EXPECT_EQ(via_module.samples, linked.samples);
  EXPECT_EQ(backend.sample_rate(m4a), std::optional<int>(linked.sample_rate));
  const fs::path garbage = dir_ / "garbage.m4a";
  std::ofstream(garbage) << "not audio\n";
  EXPECT_THROW(backend.decode(garbage), vaesweep::UserError);
#endif
}
