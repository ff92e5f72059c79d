#include "data/audio_features.hpp"

#include <atomic>
#include <chrono>
#include <mutex>
#include <thread>

#include "audio/audio_file.hpp"
#include "util/error.hpp"
#include "util/log.hpp"
#include "data/feature_cache.hpp"

namespace vaesweep::data {
namespace {

// Whether a cached entry holds what extract_clip with `params` gives for the file at `path`.
bool entry_fits(const CachedClip& hit, const std::filesystem::path& path, const ExtractionParams& params) {
  const std::string wanted = audio::to_string(params.resampler);
  if (hit.resampler.empty() || hit.resampler == wanted) return true;
  if (hit.resampler != kResamplerUnknown) return false;  // resampled by another converter
  // Written before features.resample: the file was at the feature rate, or resampled by
  // sinc_best. Its header says which (a header read, once per such entry and run).
  if (params.resampler == audio::Resampler::sinc_best) return true;
  const std::optional<int> rate = audio::probe_sample_rate(path);
  return rate && *rate == params.spectral.sample_rate;
}

}  // namespace

ClipExtractor thread_extractor(const ExtractionParams& params, unsigned threads) {
  if (threads == 0) threads = std::max(1U, std::thread::hardware_concurrency());
  return [params, threads](const std::vector<AudioItem>& todo, const ClipDone& done_callback) {
    std::vector<ClipFeatures> out(todo.size());
    std::atomic<std::size_t> next{0};
    std::mutex progress_mutex;
    std::size_t done = 0, bad = 0;
    Progress progress("audio files", todo.size());
    // Internal errors in a worker are carried to the caller, never lost in a thread.
    std::exception_ptr failure;
    auto work = [&] {
      try {
        for (std::size_t i; (i = next.fetch_add(1)) < todo.size();) {
          out[i] = extract_clip(todo[i], params);
          std::lock_guard<std::mutex> lock(progress_mutex);
          ++done;
          if (!out[i].error.empty()) ++bad;
          progress.update(done, bad);
          if (done_callback) done_callback(i, out[i]);
        }
      } catch (...) {
        std::lock_guard<std::mutex> lock(progress_mutex);
        if (!failure) failure = std::current_exception();
        next = todo.size();
      }
    };
    const unsigned n = std::min<unsigned>(threads, static_cast<unsigned>(std::max<std::size_t>(1, todo.size())));
    std::vector<std::thread> pool;
    for (unsigned t = 1; t < n; ++t) pool.emplace_back(work);
    work();
    for (auto& t : pool) t.join();
    if (failure) std::rethrow_exception(failure);
    if (!todo.empty()) progress.finish(done, bad);
    return out;
  };
}

AudioFeatures build_audio_features(const AudioCollection& collection, const ExtractionParams& params,
                                   BadFilePolicy on_bad_file, const std::optional<std::filesystem::path>& cache_dir,
                                   const ClipExtractor& extract, const CacheSaving& saving) {
  const std::size_t n = collection.items.size();
  std::optional<FeatureCache> cache;
  if (cache_dir) cache.emplace(*cache_dir, extraction_canonical(params));

  // Cached files first; the rest go to the extractor in one batch.
  std::vector<ClipFeatures> clips(n);
  std::vector<std::string> keys(n);
  std::vector<AudioItem> todo;
  std::vector<std::size_t> todo_index;
  AudioFeatures result;
  for (std::size_t i = 0; i < n; ++i) {
    const AudioItem& item = collection.items[i];
    if (cache) {
      try {
        keys[i] = FeatureCache::file_key(item.path);
      } catch (const UserError&) {
        keys[i].clear();  // missing or unreadable: extract_clip reports it properly
      }
      const CachedClip* hit = keys[i].empty() ? nullptr : cache->find(keys[i]);
      if (hit != nullptr && entry_fits(*hit, item.path, params)) {
        clips[i].rows = hit->rows;
        clips[i].length = hit->length;
        ++result.cached;
        continue;
      }
    }
    todo.push_back(item);
    todo_index.push_back(i);
  }
  if (!todo.empty()) {
    log_info(cache ? "features: " + std::to_string(result.cached) + " of " + std::to_string(n) +
                         " audio files from the cache " + cache->file().string() + "; extracting the other " +
                         std::to_string(todo.size())
                   : "features: extracting " + std::to_string(n) + " audio files");
    // Finished files enter the cache as they come, and the cache is written every so often.
    using Clock = std::chrono::steady_clock;
    Clock::time_point last_save = Clock::now();
    double save_seconds = 0;  // how long the last save took
    std::size_t unsaved = 0, kept = 0;
    const ClipDone keep = [&](std::size_t j, const ClipFeatures& clip) {
      const std::size_t i = todo_index[j];
      if (!cache || !clip.error.empty() || keys[i].empty()) return;
      cache->put(keys[i], collection.items[i].path.string(),
                 CachedClip{clip.rows, clip.length, clip.resampled ? audio::to_string(params.resampler) : std::string()});
      ++kept;
      // A save rewrites the whole cache file: after `files` new files once they are at least a
      // quarter of the file's entries, and every `seconds` but at most a tenth of the time, so
      // that the writes stay a few times the cache's final size (a burst of files, as under MPI,
      // makes a handful of saves, not one per `files`).
      const double since = std::chrono::duration<double>(Clock::now() - last_save).count();
      ++unsaved;
      if ((unsaved >= saving.files && 4 * unsaved >= cache->size()) ||
          since >= std::max(saving.seconds, 10 * save_seconds)) {
        const Clock::time_point start = Clock::now();
        cache->save();
        save_seconds = std::chrono::duration<double>(Clock::now() - start).count();
        unsaved = 0;
        last_save = Clock::now();
      }
    };
    std::vector<ClipFeatures> fresh;
    try {
      fresh = extract(todo, keep);
    } catch (...) {
      if (cache && kept > 0) {
        try {
          cache->save();
          log_warn("features: extraction stopped; the " + std::to_string(kept) + " audio files extracted before are " +
                   "kept in the cache " + cache->file().string() + " and are not extracted again");
        } catch (const std::exception& e) {
          log_warn(std::string("features: the cache could not keep what was extracted: ") + e.what());
        }
      }
      throw;
    }
    VAESWEEP_ASSERT(fresh.size() == todo.size(), "the extractor returned a result per file");
    for (std::size_t j = 0; j < todo.size(); ++j) clips[todo_index[j]] = std::move(fresh[j]);
    result.computed = todo.size();
  } else if (cache) {
    log_info("features: all " + std::to_string(n) + " audio files from the cache " + cache->file().string());
  }
  // Stored before the policy decides, so the good files' work is kept even when a bad one stops the run.
  if (cache) cache->save();

  FeatureTable& table = result.table;
  table.feature_names = extraction_feature_names(params);
  table.shape = extraction_shape(params);
  std::vector<std::vector<std::string>> label_values(collection.label_names.size());
  Eigen::Index total = 0;
  for (std::size_t i = 0; i < n; ++i) {
    if (!clips[i].error.empty()) {
      if (on_bad_file == BadFilePolicy::fail)
        throw UserError(clips[i].error + " (data.on_bad_file = \"fail\"; use \"skip\" to leave bad files out)");
      log_warn("skipping " + clips[i].error);
      table.skipped.push_back({collection.items[i].path.string(), clips[i].error});
      continue;
    }
    total += clips[i].rows.rows();
  }
  if (total == 0)
    throw UserError(collection.source.string() + ": none of the " + std::to_string(n) +
                    " audio files gave features (" + std::to_string(table.skipped.size()) + " bad)");
  table.X.resize(total, static_cast<Eigen::Index>(table.feature_names.size()));
  Eigen::Index row = 0;
  const bool segment_ids = params.segment == audio::SegmentPolicy::all;
  result.kept_names = collection.kept_names;
  result.kept_values.resize(collection.kept_names.size());
  for (std::size_t i = 0; i < n; ++i) {
    if (!clips[i].error.empty()) continue;
    const AudioItem& item = collection.items[i];
    const Eigen::MatrixXd& rows = clips[i].rows;
    VAESWEEP_ASSERT(rows.cols() == table.X.cols(), "feature rows match the feature names");
    table.X.middleRows(row, rows.rows()) = rows;
    for (Eigen::Index s = 0; s < rows.rows(); ++s) {
      table.ids.push_back(segment_ids ? item.id + "#" + std::to_string(s) : item.id);
      table.track_ids.push_back(item.id);
      result.lengths.push_back(clips[i].length);
      result.segments.push_back(static_cast<int>(s));
      for (std::size_t l = 0; l < label_values.size(); ++l) label_values[l].push_back(item.labels[l]);
      for (std::size_t k = 0; k < item.kept.size(); ++k) result.kept_values[k].push_back(item.kept[k]);
    }
    row += rows.rows();
  }
  for (std::size_t l = 0; l < label_values.size(); ++l)
    table.labels.push_back(encode_labels(collection.label_names[l], label_values[l]));
  if (!table.skipped.empty())
    log_warn(std::to_string(table.skipped.size()) + " of " + std::to_string(n) + " audio files skipped (listed in the output)");
  return result;
}

}  // namespace vaesweep::data
