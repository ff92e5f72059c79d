#include "data/dataset.hpp"

#include <unistd.h>

#include <algorithm>
#include <cstdio>

#include "audio/synthetic_corpus.hpp"
#include "study/data_root.hpp"
#include "util/error.hpp"
#include "util/log.hpp"
#include "data/balanced_draw.hpp"
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
  require_data_path(data.path, data.path_as_written, data.data_root, "data.path");
  return open_audio_collection(data.path, data.labels, data.require_labels, {}, data.data_root);
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

// The balanced draw of data.balance over rows whose classes `class_of(set, row)` gives.
template <typename ClassOf>
BalancedDraw draw_rows(const DataSpec& data, std::size_t rows, ClassOf class_of) {
  std::vector<std::vector<std::string>> classes;
  for (const std::string& set : data.balance) {
    auto& column = classes.emplace_back();
    column.reserve(rows);
    for (std::size_t r = 0; r < rows; ++r) column.push_back(class_of(set, r));
  }
  const std::string source = data.source == DataSource::synthetic ? "the synthetic corpus" : data.path.string();
  return balanced_draw(data.balance, classes, data.per_group, data.sample_seed, source);
}

// The study's audio files, only those of the balanced draw when data.balance asks for one.
AudioCollection drawn_collection(const DataSpec& data, BalancedDraw& draw) {
  AudioCollection collection = audio_collection(data);
  if (data.balance.empty()) return collection;
  for (const std::string& set : data.balance) {
    const auto it = std::find(collection.label_names.begin(), collection.label_names.end(), set);
    if (it == collection.label_names.end())
      throw UserError(collection.source.string() + ": data.balance: the collection has no label \"" + set + "\"");
  }
  draw = draw_rows(data, collection.items.size(), [&](const std::string& set, std::size_t r) -> const std::string& {
    const auto at = std::find(collection.label_names.begin(), collection.label_names.end(), set);
    return collection.items[r].labels[static_cast<std::size_t>(at - collection.label_names.begin())];
  });
  std::vector<AudioItem> kept;
  kept.reserve(draw.rows.size());
  for (std::size_t r : draw.rows) kept.push_back(std::move(collection.items[r]));
  collection.items = std::move(kept);
  return collection;
}

// Keeps the rows `draw` chose of a table read from a CSV.
void keep_drawn_rows(FeatureTable& table, const BalancedDraw& draw) {
  const auto n = static_cast<Eigen::Index>(draw.rows.size());
  Eigen::MatrixXd X(n, table.X.cols());
  std::vector<std::string> ids, tracks;
  for (Eigen::Index i = 0; i < n; ++i) {
    const std::size_t r = draw.rows[static_cast<std::size_t>(i)];
    X.row(i) = table.X.row(static_cast<Eigen::Index>(r));
    ids.push_back(table.ids[r]);
    tracks.push_back(table.track_ids[r]);
  }
  for (LabelSet& set : table.labels) {
    std::vector<std::string> values;
    for (std::size_t r : draw.rows) values.push_back(set.class_of(r));
    set = encode_labels(set.name, values);  // classes no kept row has are gone
  }
  table.X = std::move(X);
  table.ids = std::move(ids);
  table.track_ids = std::move(tracks);
}

void record_draw(FeatureTable& table, const BalancedDraw& draw, const std::vector<std::string>& ids) {
  table.draw_note = draw.note;
  for (std::size_t i = 0; i < draw.rows.size(); ++i) {
    table.drawn_rows.push_back(static_cast<std::int64_t>(draw.rows[i]));
    table.drawn_ids.push_back(ids[i]);
  }
}

}  // namespace

FeatureTable load_features(const DataSpec& data, const FeatureSpec& features, const TextSpec& text,
                           const ClipExtractor& extract, std::string* note) {
  FeatureTable table;
  BalancedDraw draw;
  std::vector<std::string> drawn_ids;  // the kept files' or rows' ids, in draw order
  switch (data.source) {
    case DataSource::synthetic:
    case DataSource::audio: {
      AudioCollection collection = drawn_collection(data, draw);
      if (!data.balance.empty())
        for (const auto& item : collection.items) drawn_ids.push_back(item.id);
      if (!features.audio) {
        table = collection_rows(collection);
        break;
      }
      const ExtractionParams params = extraction_params(features);
      std::optional<fs::path> cache;
      if (data.feature_cache) cache = data.cache_dir;
      table = build_audio_features(std::move(collection), params, data.on_bad_file, cache,
                                   extract ? extract : thread_extractor(params, 0))
                  .table;
      break;
    }
    case DataSource::table:
      require_data_path(data.path, data.path_as_written, data.data_root, "data.path");
      table = table_from_csv(io::read_csv(data.path), TableOptions{data.labels, data.exclude, data.id_column, data.require_labels});
      if (!data.balance.empty()) {
        draw = draw_rows(data, table.rows(),
                         [&](const std::string& set, std::size_t r) -> const std::string& { return table.label(set).class_of(r); });
        keep_drawn_rows(table, draw);
        drawn_ids = table.ids;
      }
      if (!features.audio) {
        table.X.resize(table.X.rows(), 0);
        table.feature_names.clear();
      }
      break;
  }
  if (!data.balance.empty()) record_draw(table, draw, drawn_ids);
  if (features.audio && features.standardize) standardize(table.X);
  if (features.text) {
    TextBlock block = text_block(table, text, own_manifest(data));
    if (note) *note = block.note;
    add_text_modality(table, std::move(block), features);
  }
  return table;
}

}  // namespace vaesweep::data
