#pragma once
// A FeatureTable from a collection of audio files: cached rows are reused, the rest are
// extracted by a ClipExtractor (threads here; spread across MPI ranks by the sweep), bad files
// are skipped or fatal by policy, and each segment row keeps its track id and labels.
#include <cstdint>
#include <filesystem>
#include <functional>
#include <optional>
#include <vector>

#include "study/study.hpp"
#include "data/audio_collection.hpp"
#include "data/extraction.hpp"
#include "data/feature_table.hpp"

namespace vaesweep::data {

// Told about each file as soon as it is extracted (its index in `todo`), one call at a time,
// so that the feature cache keeps finished files when the extraction is interrupted.
using ClipDone = std::function<void(std::size_t index, const ClipFeatures& clip)>;

// Extracts every item of `todo`, returning one ClipFeatures per item in the same order, and
// calls `done` for each (as it finishes, or all at the end).
using ClipExtractor = std::function<std::vector<ClipFeatures>(const std::vector<AudioItem>& todo, const ClipDone& done)>;

// How often the feature cache is written while files are extracted: after `files` newly
// extracted files that are also at least a quarter of the cache's entries, or `seconds` since
// the last write (and at least ten times the last write's duration), whichever comes first.
// Each write is the whole cache file, written to a temporary file and renamed over the old
// one, so the growing intervals keep the writes to a few times the final file. An
// extraction that fails or is stopped also writes what it finished before the error goes on;
// a killed process loses at most the files of the last interval.
struct CacheSaving {
  std::size_t files = 64;
  double seconds = 30.0;
};

// Runs extract_clip on `threads` threads (0: one per core), printing progress (files done,
// rate, ETA, bad files). Results do not depend on the number of threads.
ClipExtractor thread_extractor(const ExtractionParams& params, unsigned threads);

struct AudioFeatures {
  FeatureTable table;                 // rows in collection order, segments in time order
  std::vector<std::int64_t> lengths;  // per row: samples of its clip at the feature rate
  std::vector<int> segments;          // per row: segment index within its clip
  std::vector<std::string> kept_names;               // manifest columns copied as they are
  std::vector<std::vector<std::string>> kept_values;  // per kept column: its value for each row
  std::size_t cached = 0;             // files whose rows came from the cache
  std::size_t computed = 0;           // files extracted now (bad ones included)
};

// `cache_dir` empty: no cache. Under BadFilePolicy::fail the first bad file (in collection
// order) is a UserError naming it; under skip each is warned about and listed in
// table.skipped. No usable file at all is a UserError either way.
AudioFeatures build_audio_features(const AudioCollection& collection, const ExtractionParams& params,
                                   BadFilePolicy on_bad_file, const std::optional<std::filesystem::path>& cache_dir,
                                   const ClipExtractor& extract, const CacheSaving& saving = {});

}  // namespace vaesweep::data
