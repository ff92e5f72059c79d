// Audio files -> feature tables: each feature kind against the audio functions it is made of
// (whose librosa parity is tested elsewhere), segments against features of the cut samples,
// resampling against a signal generated at the target rate, the feature cache's reuse and
// invalidation (counted), and both bad-file policies on real broken files.
#include <gtest/gtest.h>

#include <cmath>
#include <fstream>
#include <numbers>
#include <set>
#include <thread>

#include "audio/audio_file.hpp"
#include "audio/frame_statistics.hpp"
#include "audio/spectrogram.hpp"
#include "util/error.hpp"
#include "data/audio_features.hpp"
#include "data/feature_cache.hpp"
#include "io/hdf5_file.hpp"
#include "temp_dir.hpp"

namespace va = vaesweep::audio;
namespace vd = vaesweep::data;
namespace fs = std::filesystem;
using vaesweep::BadFilePolicy;
using vaesweep::FeatureKind;

namespace {

// A chirp-plus-noise-free tone mix: deterministic, with enough spectral change over time
// that segment rows differ.
std::vector<float> tone(double seconds, int rate, double f0, double amp = 0.3) {
  std::vector<float> y(static_cast<std::size_t>(std::lround(seconds * rate)));
  for (std::size_t i = 0; i < y.size(); ++i) {
    const double t = static_cast<double>(i) / rate;
    const double f = f0 * (1.0 + 0.5 * t / seconds);
    y[i] = static_cast<float>(amp * std::sin(2 * std::numbers::pi * f * t) +
                              0.1 * std::sin(2 * std::numbers::pi * 3.1 * f0 * t));
  }
  return y;
}

vd::ExtractionParams params(FeatureKind kind) {
  vaesweep::FeatureSpec spec;
  spec.kind = kind;
  spec.statistics = {"mean", "std"};
  spec.n_mfcc = 13;
  spec.n_mels = 40;
  spec.frames = 16;
  return vd::extraction_params(spec);
}

vd::AudioCollection write_tones(const vaesweep::test::TempDir& dir, int n, double seconds = 1.0) {
  vd::AudioCollection c;
  c.source = dir.path();
  c.label_names = {"genre"};
  for (int i = 0; i < n; ++i) {
    const fs::path p = dir / ("t" + std::to_string(i) + ".wav");
    va::write_wav(p, tone(seconds, 22050, 220.0 * (i + 1)), 22050);
    c.items.push_back({p, p.filename().string(), {i % 2 ? "odd" : "even"}});
  }
  return c;
}

vd::AudioFeatures build(const vd::AudioCollection& c, const vd::ExtractionParams& p,
                        const std::optional<fs::path>& cache = std::nullopt,
                        BadFilePolicy policy = BadFilePolicy::skip) {
  return vd::build_audio_features(c, p, policy, cache, vd::thread_extractor(p, 2));
}

}  // namespace

TEST(AudioFeatures, MfccStatsAreTheAudioFunctions) {
  vaesweep::test::TempDir dir;
  const auto c = write_tones(dir, 3);
  const auto p = params(FeatureKind::mfcc_stats);
  const auto f = build(c, p);
  ASSERT_EQ(f.table.rows(), 3U);
  EXPECT_EQ(f.table.feature_names.front(), "mfcc1_mean");
  EXPECT_EQ(f.table.ids, (std::vector<std::string>{"t0.wav", "t1.wav", "t2.wav"}));
  EXPECT_EQ(f.table.track_ids, f.table.ids);
  EXPECT_EQ(f.table.label("genre").classes, (std::vector<std::string>{"even", "odd"}));
  for (int i = 0; i < 3; ++i) {
    const auto y = va::read_audio(c.items[static_cast<std::size_t>(i)].path).samples;
    const Eigen::VectorXd expected = va::frame_statistics(va::mfcc(y, 13, p.spectral), p.statistics);
    EXPECT_LT((f.table.X.row(i).transpose() - expected).cwiseAbs().maxCoeff(), 1e-12);
    EXPECT_EQ(f.lengths[static_cast<std::size_t>(i)], 22050);
  }
}

TEST(AudioFeatures, AllSegmentsAreFeaturesOfTheCutSamples) {
  vaesweep::test::TempDir dir;
  const auto c = write_tones(dir, 2, 2.5);  // 2.5 s in 1 s segments: 2 each, 0.5 s dropped
  auto p = params(FeatureKind::mfcc_stats);
  p.segment = va::SegmentPolicy::all;
  p.segment_seconds = 1.0;
  const auto f = build(c, p);
  ASSERT_EQ(f.table.rows(), 4U);
  EXPECT_EQ(f.table.ids, (std::vector<std::string>{"t0.wav#0", "t0.wav#1", "t1.wav#0", "t1.wav#1"}));
  EXPECT_EQ(f.table.track_ids, (std::vector<std::string>{"t0.wav", "t0.wav", "t1.wav", "t1.wav"}));
  EXPECT_EQ(f.segments, (std::vector<int>{0, 1, 0, 1}));
  EXPECT_EQ(f.table.label("genre").codes, (std::vector<int>{0, 0, 1, 1}));
  const auto y = va::read_audio(c.items[1].path).samples;
  const std::vector<float> second(y.begin() + 22050, y.begin() + 44100);
  const Eigen::VectorXd expected = va::frame_statistics(va::mfcc(second, 13, p.spectral), p.statistics);
  EXPECT_LT((f.table.X.row(3).transpose() - expected).cwiseAbs().maxCoeff(), 1e-12);
}

TEST(AudioFeatures, LogmelSequencesHaveAFixedShape) {
  vaesweep::test::TempDir dir;
  const auto c = write_tones(dir, 1, 0.1);  // 0.1 s: 1 + 2205 / 512 = 5 frames, padded to 16
  const auto p = params(FeatureKind::logmel);
  const auto f = build(c, p);
  EXPECT_EQ(f.table.shape, (std::vector<int>{40, 16}));
  ASSERT_EQ(f.table.X.cols(), 40 * 16);
  EXPECT_EQ(f.table.feature_names[17], "mel2_t1");
  const auto y = va::read_audio(c.items[0].path).samples;
  const Eigen::MatrixXd db = va::power_to_db(va::mel_spectrogram(y, p.spectral), p.spectral.amin, p.spectral.top_db);
  ASSERT_EQ(db.cols(), 5);
  for (int b = 0; b < 40; ++b)
    for (int t = 0; t < 16; ++t)
      EXPECT_DOUBLE_EQ(f.table.X(0, b * 16 + t), t < 5 ? db(b, t) : db.minCoeff()) << b << "," << t;
}

TEST(AudioFeatures, OtherRatesAreResampled) {
  vaesweep::test::TempDir dir;
  // The same tone generated at 44100 Hz and at 22050 Hz: after resampling to 22050 the MFCC
  // statistics agree up to the resampler's (band-limited, near-transparent) error.
  va::write_wav(dir / "hi.wav", tone(1.0, 44100, 330.0), 44100);
  va::write_wav(dir / "lo.wav", tone(1.0, 22050, 330.0), 22050);
  vd::AudioCollection c;
  c.items = {{dir / "hi.wav", "hi", {}}, {dir / "lo.wav", "lo", {}}};
  const auto f = build(c, params(FeatureKind::mfcc_stats));
  EXPECT_EQ(f.lengths, (std::vector<std::int64_t>{22050, 22050}));
  const double scale = f.table.X.row(1).cwiseAbs().maxCoeff();
  EXPECT_LT((f.table.X.row(0) - f.table.X.row(1)).cwiseAbs().maxCoeff(), 0.01 * scale);
}

TEST(AudioFeatures, CacheReusesAndInvalidatesExactly) {
  vaesweep::test::TempDir dir;
  auto c = write_tones(dir, 4);
  const fs::path cache = dir / "cache";
  const auto p = params(FeatureKind::mfcc_stats);
  const auto first = build(c, p, cache);
  EXPECT_EQ(first.computed, 4U);
  EXPECT_EQ(first.cached, 0U);

  const auto again = build(c, p, cache);
  EXPECT_EQ(again.computed, 0U);
  EXPECT_EQ(again.cached, 4U);
  EXPECT_EQ(again.table.X, first.table.X);  // bit-identical through HDF5
  EXPECT_EQ(again.lengths, first.lengths);

  // One file rewritten with other content: only it is recomputed, and its rows change.
  va::write_wav(c.items[2].path, tone(1.5, 22050, 97.0), 22050);
  const auto changed = build(c, p, cache);
  EXPECT_EQ(changed.computed, 1U);
  EXPECT_EQ(changed.cached, 3U);
  EXPECT_EQ(changed.table.X.row(0), first.table.X.row(0));
  EXPECT_NE(changed.table.X.row(2), first.table.X.row(2));
  EXPECT_EQ(changed.lengths[2], 33075);

  // A new file joins the same cache; the old ones are still reused.
  va::write_wav(dir / "new.wav", tone(1.0, 22050, 500.0), 22050);
  c.items.push_back({dir / "new.wav", "new.wav", {"even"}});
  const auto grown = build(c, p, cache);
  EXPECT_EQ(grown.computed, 1U);
  EXPECT_EQ(grown.cached, 4U);

  // Any extraction parameter changed: another cache file, nothing reused.
  auto p2 = p;
  p2.spectral.n_mels = 64;
  const auto other = build(c, p2, cache);
  EXPECT_EQ(other.computed, 5U);
  EXPECT_NE(vd::FeatureCache(cache, vd::extraction_canonical(p2)).file(),
            vd::FeatureCache(cache, vd::extraction_canonical(p)).file());
  EXPECT_EQ(build(c, p, cache).computed, 0U);  // the first setting's cache is intact
}

// A cache written before the `resampler` column existed: the same file with that column
// removed, as vaesweep wrote it then.
void drop_resampler_column(const fs::path& file) {
  vaesweep::io::Hdf5File h5 = vaesweep::io::Hdf5File::open_read(file);
  const std::string extraction = h5.string_attribute("/", "extraction");
  vaesweep::io::ColumnTable t = h5.read_table("/entries");
  const Eigen::MatrixXd X = h5.read_matrix("/X");
  h5.close();
  vaesweep::io::ColumnTable old;
  for (const char* c : {"key", "path"}) old.add_column(c, t.strings(c));
  for (const char* c : {"length", "first_row", "rows"}) old.add_column(c, t.ints(c));
  vaesweep::io::Hdf5File out = vaesweep::io::Hdf5File::create(file);
  out.set_attribute("/", "extraction", extraction);
  out.write_table("/entries", old);
  out.write_matrix("/X", X);
  out.close();
}

TEST(AudioFeatures, CacheEntriesServeTheResamplerThatMadeThemAndNativeOnesServeAll) {
  vaesweep::test::TempDir dir;
  va::write_wav(dir / "hi.wav", tone(1.0, 44100, 330.0), 44100);  // resampled to 22050 Hz
  va::write_wav(dir / "lo.wav", tone(1.0, 22050, 330.0), 22050);  // at the feature rate
  vd::AudioCollection c;
  c.items = {{dir / "hi.wav", "hi", {}}, {dir / "lo.wav", "lo", {}}};
  const fs::path cache = dir / "cache";
  auto sinc = params(FeatureKind::mfcc_stats);
  sinc.resampler = va::Resampler::sinc_best;
  auto hq = sinc;
  hq.resampler = va::Resampler::soxr_hq;
  // One cache file for both: the resampler is not in the extraction text.
  EXPECT_EQ(vd::extraction_canonical(hq), vd::extraction_canonical(sinc));
  const auto first = build(c, sinc, cache);
  EXPECT_EQ(first.computed, 2U);
  // soxr_hq reuses the native file's entry and extracts the 44.1 kHz one again.
  const auto other = build(c, hq, cache);
  EXPECT_EQ(other.cached, 1U);
  EXPECT_EQ(other.computed, 1U);
  EXPECT_EQ(other.table.X.row(1), first.table.X.row(1));
  EXPECT_NE(other.table.X.row(0), first.table.X.row(0));
  EXPECT_EQ(build(c, hq, cache).cached, 2U);

  // A cache from before the column (made with sinc_best, the only resampler then): sinc_best
  // reuses every entry; soxr_hq reuses the native file's (its header says 22050 Hz) only.
  fs::remove_all(cache);
  build(c, sinc, cache);
  drop_resampler_column(vd::FeatureCache(cache, vd::extraction_canonical(sinc)).file());
  const auto legacy = build(c, sinc, cache);
  EXPECT_EQ(legacy.cached, 2U);
  EXPECT_EQ(legacy.table.X, first.table.X);
  const auto upgraded = build(c, hq, cache);
  EXPECT_EQ(upgraded.cached, 1U);
  EXPECT_EQ(upgraded.computed, 1U);
  EXPECT_EQ(upgraded.table.X, other.table.X);
}

TEST(AudioFeatures, AnInterruptedExtractionKeepsItsFinishedFilesInTheCache) {
  // 8 files; the extractor (one thread, in collection order) fails after the 5th. The cache is
  // written every 2 files while it runs, and once more when the failure comes: a later run
  // extracts only the 3 files that were never finished.
  vaesweep::test::TempDir dir;
  const auto c = write_tones(dir, 8, 0.5);
  const fs::path cache = dir / "cache";
  const auto p = params(FeatureKind::mfcc_stats);
  const vd::ClipExtractor one = vd::thread_extractor(p, 1);
  std::vector<std::size_t> on_disk;  // entries in the cache file after each finished file
  const vd::ClipExtractor failing = [&](const std::vector<vd::AudioItem>& todo, const vd::ClipDone& done) {
    std::size_t finished = 0;
    return one(todo, [&](std::size_t i, const vd::ClipFeatures& clip) {
      done(i, clip);
      on_disk.push_back(vd::FeatureCache(cache, vd::extraction_canonical(p)).size());
      if (++finished == 5) throw std::runtime_error("disk on fire");
    });
  };
  EXPECT_THROW(vd::build_audio_features(c, p, BadFilePolicy::skip, cache, failing, vd::CacheSaving{2, 1e9}),
               std::runtime_error);
  EXPECT_EQ(on_disk, (std::vector<std::size_t>{0, 2, 2, 4, 4}));  // saved after files 2 and 4
  EXPECT_EQ(vd::FeatureCache(cache, vd::extraction_canonical(p)).size(), 5u);  // and the 5th on the failure

  const auto rest = build(c, p, cache);
  EXPECT_EQ(rest.cached, 5u);
  EXPECT_EQ(rest.computed, 3u);
  EXPECT_EQ(rest.table.X, build(c, p).table.X);  // the same numbers as one uninterrupted run
}

TEST(AudioFeatures, CorruptCacheIsRebuilt) {
  vaesweep::test::TempDir dir;
  const auto c = write_tones(dir, 2);
  const auto p = params(FeatureKind::mfcc_stats);
  build(c, p, dir / "cache");
  const fs::path file = vd::FeatureCache(dir / "cache", vd::extraction_canonical(p)).file();
  fs::resize_file(file, fs::file_size(file) / 2);  // a truncated HDF5 file
  const auto f = build(c, p, dir / "cache");
  EXPECT_EQ(f.computed, 2U);
  EXPECT_EQ(build(c, p, dir / "cache").cached, 2U);
}

TEST(AudioFeatures, EveryParameterChangesTheCanonicalText) {
  const auto base = params(FeatureKind::mfcc_stats);
  std::vector<vd::ExtractionParams> variants(9, base);
  variants[0].spectral.sample_rate = 16000;
  variants[1].spectral.n_fft = 1024;
  variants[2].spectral.hop_length = 256;
  variants[3].spectral.htk = true;
  variants[4].spectral.pad_mode = va::PadMode::constant;
  variants[5].n_mfcc = 20;
  variants[6].statistics = {va::Statistic::mean};
  variants[7].segment = va::SegmentPolicy::first;
  variants[8].spectral.top_db = 60;
  std::set<std::string> texts{vd::extraction_canonical(base)};
  for (const auto& v : variants) texts.insert(vd::extraction_canonical(v));
  EXPECT_EQ(texts.size(), variants.size() + 1);
}

class BadFiles : public ::testing::Test {
 protected:
  void SetUp() override {
    good_ = write_tones(dir_, 2);
    collection_ = good_;
    // Inserted between the good files, in this order.
    std::ofstream(dir_ / "empty.wav");  // 0 bytes
    std::ofstream(dir_ / "junk.wav") << "this is not audio at all, just text pretending to be a wav";
    va::write_wav(dir_ / "whole.wav", tone(1.0, 22050, 440.0), 22050);
    fs::copy_file(dir_ / "whole.wav", dir_ / "truncated.wav");
    fs::resize_file(dir_ / "truncated.wav", fs::file_size(dir_ / "whole.wav") / 2);
    for (const char* name : {"empty.wav", "junk.wav", "truncated.wav", "missing.wav"})
      collection_.items.insert(collection_.items.begin() + 1, {dir_ / name, name, {"even"}});
  }
  vaesweep::test::TempDir dir_;
  vd::AudioCollection good_, collection_;
};

TEST_F(BadFiles, SkipKeepsEveryGoodFileAndNamesTheBadOnes) {
  const auto p = params(FeatureKind::mfcc_stats);
  const auto f = build(collection_, p, dir_ / "cache");
  EXPECT_EQ(f.table.ids, (std::vector<std::string>{"t0.wav", "t1.wav"}));
  ASSERT_EQ(f.table.skipped.size(), 4U);
  for (const auto& s : f.table.skipped) EXPECT_NE(s.reason.find(s.path), std::string::npos) << s.reason;
  EXPECT_NE(f.table.skipped[0].path.find("missing.wav"), std::string::npos);  // collection order
  EXPECT_NE(f.table.skipped[1].reason.find("truncated"), std::string::npos) << f.table.skipped[1].reason;
  EXPECT_EQ(f.table.X, build(good_, p).table.X);  // nothing else lost
}

TEST_F(BadFiles, FailStopsAtTheFirstBadFile) {
  try {
    build(collection_, params(FeatureKind::mfcc_stats), dir_ / "cache", BadFilePolicy::fail);
    FAIL() << "expected UserError";
  } catch (const vaesweep::UserError& e) {
    EXPECT_NE(std::string(e.what()).find("missing.wav"), std::string::npos) << e.what();
    EXPECT_NE(std::string(e.what()).find("on_bad_file"), std::string::npos) << e.what();
  }
  // The good files' work was kept in the cache.
  EXPECT_EQ(build(good_, params(FeatureKind::mfcc_stats), dir_ / "cache").cached, 2U);
}

TEST_F(BadFiles, NothingUsableIsAnError) {
  vd::AudioCollection bad = collection_;
  bad.items.erase(bad.items.begin());
  bad.items.pop_back();
  EXPECT_THROW(build(bad, params(FeatureKind::mfcc_stats)), vaesweep::UserError);
}

TEST(AudioFeatures, ThreadCountDoesNotChangeResults) {
  vaesweep::test::TempDir dir;
  const auto c = write_tones(dir, 5);
  const auto p = params(FeatureKind::mfcc_stats);
  const auto one = vd::build_audio_features(c, p, BadFilePolicy::skip, std::nullopt, vd::thread_extractor(p, 1));
  const auto three = vd::build_audio_features(c, p, BadFilePolicy::skip, std::nullopt, vd::thread_extractor(p, 3));
  EXPECT_EQ(one.table.X, three.table.X);
}
