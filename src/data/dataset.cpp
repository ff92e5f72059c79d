#include "data/dataset.hpp"

#include <unistd.h>

#include <cstdio>

#include "audio/synthetic_corpus.hpp"
#include "core/error.hpp"
#include "core/log.hpp"
#include "data/modalities.hpp"
#include "data/text_block.hpp"

namespace vaesweep::data {
namespace fs = std::filesystem;

fs::path ensure_synthetic_corpus(const DataSpec& spec) {
  char seconds[32];
  std::snprintf(seconds, sizeof seconds, "%g", spec.seconds);
  const fs::path dir = spec.cache_dir / ("synthetic-v" + std::to_string(audio::kSyntheticCorpusVersion) + "-n" +
                                         std::to_string(spec.clips) + "-s" + std::to_string(spec.corpus_seed) +
                                         "-" + seconds + "s");
  if (fs::exists(dir / "manifest.csv")) return dir;

  std::error_code ec;
  fs::create_directories(spec.cache_dir, ec);
  if (ec) throw UserError(spec.cache_dir.string() + ": cannot create the cache folder: " + ec.message());
  const fs::path tmp = dir.string() + ".tmp-" + std::to_string(::getpid());
  fs::remove_all(tmp, ec);
  log_info("generating the synthetic corpus (" + std::to_string(spec.clips) + " clips, seed " +
           std::to_string(spec.corpus_seed) + ") in " + dir.string());
  audio::SyntheticCorpusParams params;
  params.clips = spec.clips;
  params.seed = spec.corpus_seed;
  params.seconds = spec.seconds;
  audio::write_synthetic_corpus(tmp, params);
  fs::rename(tmp, dir, ec);
  if (ec) {
    // Another process finished the same corpus first: theirs is identical, keep it.
    fs::remove_all(tmp, ec);
    if (!fs::exists(dir / "manifest.csv")) throw UserError(dir.string() + ": cannot store the synthetic corpus");
  }
  return dir;
}

AudioCollection audio_collection(const DataSpec& data) {
  if (data.source == DataSource::synthetic)
    return read_audio_manifest(ensure_synthetic_corpus(data) / "manifest.csv", data.labels, {}, data.require_labels);
  VAESWEEP_ASSERT(data.source == DataSource::audio, "audio_collection on an audio source");
  return open_audio_collection(data.path, data.labels, data.require_labels);
}

namespace {

// The rows and labels of an audio collection, with no feature columns (text-only studies).
FeatureTable collection_rows(const AudioCollection& collection) {
  FeatureTable table;
  std::vector<std::vector<std::string>> label_values(collection.label_names.size());
  for (const auto& item : collection.items) {
    table.ids.push_back(item.id);
    table.track_ids.push_back(item.id);
    for (std::size_t l = 0; l < label_values.size(); ++l) label_values[l].push_back(item.labels[l]);
  }
  for (std::size_t l = 0; l < label_values.size(); ++l)
    table.labels.push_back(encode_labels(collection.label_names[l], label_values[l]));
  table.X.resize(static_cast<Eigen::Index>(table.ids.size()), 0);
  return table;
}

// The data's own manifest, where its lyrics column would be: the synthetic corpus's, or an
// audio source given as a manifest CSV.
fs::path own_manifest(const DataSpec& data) {
  if (data.source == DataSource::synthetic) return ensure_synthetic_corpus(data) / "manifest.csv";
  if (data.source == DataSource::audio && fs::is_regular_file(data.path)) return data.path;
  return {};
}

}  // namespace

FeatureTable load_features(const DataSpec& data, const FeatureSpec& features, const TextSpec& text,
                           const ClipExtractor& extract, std::string* note) {
  FeatureTable table;
  switch (data.source) {
    case DataSource::synthetic:
    case DataSource::audio: {
      if (!features.audio) {
        table = collection_rows(audio_collection(data));
        break;
      }
      const ExtractionParams params = extraction_params(features);
      std::optional<fs::path> cache;
      if (data.feature_cache) cache = data.cache_dir;
      table = build_audio_features(audio_collection(data), params, data.on_bad_file, cache,
                                   extract ? extract : thread_extractor(params, 0))
                  .table;
      break;
    }
    case DataSource::table:
      table = table_from_csv(read_csv(data.path), TableOptions{data.labels, data.exclude, data.id_column, data.require_labels});
      if (!features.audio) {
        table.X.resize(table.X.rows(), 0);
        table.feature_names.clear();
      }
      break;
  }
  if (features.audio && features.standardize) standardize(table.X);
  if (features.text) {
    TextBlock block = text_block(table, text, own_manifest(data));
    if (note) *note = block.note;
    add_text_modality(table, std::move(block), features);
  }
  return table;
}

}  // namespace vaesweep::data
