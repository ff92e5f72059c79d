// Benchmark: MFCC-20 statistics (mean and population variance per coefficient over frames,
// librosa's defaults: audio::mfcc(y, 20, SpectralParams{}) + audio::frame_statistics) of 30 s
// music clips on ONE thread. Prints clips/s, seconds per clip and x real time (seconds of
// audio per wall-clock second); decoding is timed apart and reported separately.
//
//   bench_mfcc [AUDIO_DIR] [--csv FILE] [--min-seconds S] [--synth-dir DIR]
//
// AUDIO_DIR: a folder of .wav clips (default ../shared/data/audio/gtzan-mini, the 8 real GTZAN
// clips). When it holds no .wav file, 8 clips of 30 s are synthesised with a fixed seed
// (audio::synthesize_clip, seed 20240611), written as 16-bit WAV to --synth-dir (default
// /tmp/vaesweep_bench_mfcc_synth) and decoded back from there, so that a reference
// implementation can read exactly the same samples.
// --csv FILE: writes one row per clip: filename, mfcc1_mean, mfcc1_var, ..., mfcc20_var
// (%.17g), for bench/mfcc_numpy_reference.py to compare with.
// --min-seconds S: repeat the whole set of clips until at least S seconds of wall time have
// passed (default 5), after one untimed warm-up pass (FFTW planning, page faults).
// The last line is machine-readable: "RESULT impl=cpp clips_per_s=... ...".
#include <Eigen/Core>

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <exception>
#include <filesystem>
#include <fstream>
#include <string>
#include <vector>

#include "bench_args.hpp"
#include "audio/audio_file.hpp"
#include "audio/frame_statistics.hpp"
#include "audio/spectrogram.hpp"
#include "audio/synthetic_corpus.hpp"

namespace {

namespace fs = std::filesystem;
namespace audio = vaesweep::audio;
namespace bench = vaesweep::bench;
using Clock = std::chrono::steady_clock;

constexpr int kMfcc = 20;
constexpr int kSynthClips = 8;
constexpr double kSynthSeconds = 30.0;
constexpr std::uint64_t kSynthSeed = 20240611;

struct Options {
  fs::path audio_dir = "../shared/data/audio/gtzan-mini";
  fs::path csv;
  fs::path synth_dir = fs::temp_directory_path() / "vaesweep_bench_mfcc_synth";
  double min_seconds = 5.0;
};

Options parse(int argc, char** argv) {
  bench::Args args(argc, argv, "[AUDIO_DIR] [--csv FILE] [--min-seconds S] [--synth-dir DIR]");
  Options o;
  o.csv = args.text("--csv");
  o.synth_dir = args.text("--synth-dir", o.synth_dir.string());
  o.min_seconds = args.number("--min-seconds", o.min_seconds);
  args.finish();
  if (!(o.min_seconds >= 0.0)) args.fail("--min-seconds expects a number >= 0");
  if (args.positional().size() > 1) args.fail("more than one AUDIO_DIR");
  if (!args.positional().empty()) o.audio_dir = args.positional().front();
  return o;
}

std::vector<fs::path> wav_files(const fs::path& dir) {
  std::vector<fs::path> files;
  std::error_code ec;
  if (!fs::is_directory(dir, ec)) return files;
  for (const auto& entry : fs::directory_iterator(dir, ec)) {
    if (entry.is_regular_file() && entry.path().extension() == ".wav") files.push_back(entry.path());
  }
  std::sort(files.begin(), files.end());
  return files;
}

// Writes kSynthClips synthetic 30 s clips into dir and returns their paths.
std::vector<fs::path> synthesise(const fs::path& dir) {
  fs::create_directories(dir);
  audio::SyntheticCorpusParams params;
  params.clips = kSynthClips;
  params.seed = kSynthSeed;
  params.seconds = kSynthSeconds;
  std::vector<fs::path> files;
  for (int i = 0; i < kSynthClips; ++i) {
    const audio::SyntheticClip clip = audio::synthesize_clip(i, params);
    const fs::path path = dir / (clip.id + ".wav");
    audio::write_wav(path, clip.samples, params.sample_rate);
    files.push_back(path);
  }
  return files;
}

double seconds_since(Clock::time_point start) { return std::chrono::duration<double>(Clock::now() - start).count(); }

// The work measured: MFCC-20 over frames, then mean and variance per coefficient.
Eigen::VectorXd mfcc_statistics(const std::vector<float>& y, const audio::SpectralParams& params) {
  return audio::frame_statistics(audio::mfcc(y, kMfcc, params), {audio::Statistic::mean, audio::Statistic::var});
}

}  // namespace

int main(int argc, char** argv) {
  try {
    const Options opt = parse(argc, argv);
    Eigen::setNbThreads(1);  // one thread, whatever Eigen was built with

    std::vector<fs::path> files = wav_files(opt.audio_dir);
    std::string source = "real clips from " + opt.audio_dir.string();
    if (files.empty()) {
      files = synthesise(opt.synth_dir);
      source = "no .wav in '" + opt.audio_dir.string() + "': " + std::to_string(kSynthClips) + " synthetic " +
               std::to_string(static_cast<int>(kSynthSeconds)) + " s clips (seed " + std::to_string(kSynthSeed) + ") written to " +
               opt.synth_dir.string();
    }

    // Decoding, timed apart (the files were just listed or written, so mostly in the page cache).
    std::vector<audio::Audio> clips;
    const Clock::time_point decode_start = Clock::now();
    for (const fs::path& f : files) clips.push_back(audio::read_audio(f));
    const double decode_seconds = seconds_since(decode_start);

    audio::SpectralParams params;  // librosa's defaults
    double audio_seconds_per_pass = 0.0;
    for (const audio::Audio& clip : clips) {
      if (clip.sample_rate != params.sample_rate) {
        std::fprintf(stderr, "bench_mfcc: a clip is at %d Hz, the benchmark expects %d Hz (no resampling here)\n", clip.sample_rate,
                     params.sample_rate);
        return 1;
      }
      audio_seconds_per_pass += static_cast<double>(clip.samples.size()) / clip.sample_rate;
    }

    // Warm-up pass, whose rows are the ones written to the CSV.
    std::vector<Eigen::VectorXd> rows;
    for (const audio::Audio& clip : clips) rows.push_back(mfcc_statistics(clip.samples, params));

    long clips_done = 0;
    double checksum = 0.0;  // keeps the work observable
    const Clock::time_point start = Clock::now();
    double elapsed = 0.0;
    do {
      for (const audio::Audio& clip : clips) {
        checksum += mfcc_statistics(clip.samples, params)(0);
        ++clips_done;
      }
      elapsed = seconds_since(start);
    } while (elapsed < opt.min_seconds);
    const double passes = static_cast<double>(clips_done) / static_cast<double>(clips.size());

    const double clips_per_s = static_cast<double>(clips_done) / elapsed;
    const double x_realtime = passes * audio_seconds_per_pass / elapsed;
    const double decode_x_realtime = audio_seconds_per_pass / decode_seconds;
    std::printf("bench_mfcc: %s\n", source.c_str());
    std::printf("  clips: %zu, %.1f s of audio in all (%.2f s per clip), %d Hz\n", clips.size(), audio_seconds_per_pass,
                audio_seconds_per_pass / static_cast<double>(clips.size()), params.sample_rate);
    std::printf("  decode (read_audio, once): %.4f s, %.5f s per clip, %.0fx real time\n", decode_seconds,
                decode_seconds / static_cast<double>(clips.size()), decode_x_realtime);
    std::printf("  MFCC-%d mean+var, 1 thread: %ld clips in %.3f s: %.2f clips/s, %.5f s per clip, %.0fx real time (checksum %.6g)\n",
                kMfcc, clips_done, elapsed, clips_per_s, elapsed / static_cast<double>(clips_done), x_realtime, checksum);

    if (!opt.csv.empty()) {
      std::ofstream out(opt.csv);
      out << "filename";
      for (const std::string& name : audio::statistic_feature_names("mfcc", kMfcc, {audio::Statistic::mean, audio::Statistic::var})) {
        out << ',' << name;
      }
      out << '\n';
      char buf[64];
      for (std::size_t i = 0; i < files.size(); ++i) {
        out << files[i].filename().string();
        for (Eigen::Index j = 0; j < rows[i].size(); ++j) {
          std::snprintf(buf, sizeof(buf), ",%.17g", rows[i](j));
          out << buf;
        }
        out << '\n';
      }
      if (!out.flush()) {
        std::fprintf(stderr, "bench_mfcc: cannot write '%s'\n", opt.csv.c_str());
        return 1;
      }
      std::printf("  feature rows: %s\n", opt.csv.c_str());
    }
    std::printf("RESULT impl=cpp clips=%zu clips_per_s=%.4f s_per_clip=%.6f x_realtime=%.2f decode_s_per_clip=%.6f\n", clips.size(),
                clips_per_s, elapsed / static_cast<double>(clips_done), x_realtime, decode_seconds / static_cast<double>(clips.size()));
    return 0;
  } catch (const std::exception& e) {
    std::fprintf(stderr, "bench_mfcc: %s\n", e.what());
    return 1;
  }
}
