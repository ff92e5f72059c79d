#include "data/text_block.hpp"

#include <algorithm>
#include <map>
#include <unordered_map>

#include "study/data_root.hpp"
#include "util/error.hpp"
#include "util/rng.hpp"
#include "util/strings.hpp"
#include "io/csv.hpp"
#include "text/embedding_import.hpp"
#include "text/ngram_embedder.hpp"

namespace vaesweep::data {
namespace {

const std::vector<std::string>& row_tracks(const FeatureTable& rows) {
  return rows.track_ids.size() == rows.rows() ? rows.track_ids : rows.ids;
}

// For each table row, the index of its entry among `ids` (a text's track id).
std::vector<std::size_t> join_by_id(const FeatureTable& rows, const std::vector<std::string>& ids,
                                    const std::filesystem::path& file, const std::string& id_column) {
  std::unordered_map<std::string, std::size_t> index;
  for (std::size_t i = 0; i < ids.size(); ++i) index.emplace(ids[i], i);
  std::vector<std::size_t> out;
  std::vector<std::string> missing;
  for (const auto& track : row_tracks(rows)) {
    const auto it = index.find(track);
    if (it == index.end()) {
      missing.push_back(track);
      continue;
    }
    out.push_back(it->second);
  }
  if (!missing.empty()) {
    std::vector<std::string> some(missing.begin(), missing.begin() + std::min<std::size_t>(3, missing.size()));
    throw UserError(file.string() + ": no text for " + std::to_string(missing.size()) + " of " +
                    std::to_string(rows.rows()) + " rows (track ids " + join(some) + (missing.size() > 3 ? ", ..." : "") +
                    "); the column " + id_column + " must hold the data's track ids (text.id_column), or pair by a "
                    "label with text.join = \"label\"");
  }
  return out;
}

// "eng=en" pairs: data label -> text label.
std::map<std::string, std::string> label_map(const std::vector<std::string>& pairs) {
  std::map<std::string, std::string> out;
  for (const auto& p : pairs) {
    const auto eq = p.find('=');
    out[p.substr(0, eq)] = p.substr(eq + 1);
  }
  return out;
}

// Unpaired corpora: each row gets a text with the same label, drawn without replacement from a
// seeded shuffle of that label's texts (cycling when the rows outnumber them).
std::vector<std::size_t> join_by_label(const FeatureTable& rows, const io::CsvTable& csv, const TextSpec& spec,
                                       std::string& note) {
  const LabelSet& labels = rows.label(spec.join_label);
  const std::size_t column = csv.column_index(spec.join_label);
  std::map<std::string, std::vector<std::size_t>> pools;
  for (std::size_t r = 0; r < csv.rows.size(); ++r) pools[std::string(csv.rows[r][column])].push_back(r);
  const auto mapping = label_map(spec.label_map);
  std::vector<std::vector<std::size_t>> per_class(labels.classes.size());
  for (std::size_t c = 0; c < labels.classes.size(); ++c) {
    const std::string& name = labels.classes[c];
    const std::string target = mapping.count(name) ? mapping.at(name) : name;
    const auto it = pools.find(target);
    if (it == pools.end()) {
      std::vector<std::string> have;
      for (const auto& [value, pool] : pools) have.push_back(value);
      throw UserError(csv.file.string() + ": no text with " + spec.join_label + " = \"" + target + "\" for the rows with " +
                      spec.join_label + " = \"" + name + "\"; the texts have " + join(have) +
                      " (text.label_map pairs spellings, e.g. [\"" + name + "=" + have.front() + "\"])");
    }
    per_class[c] = it->second;
    Rng rng(derive_seed(spec.pair_seed, {text::fnv1a64(name)}));
    std::shuffle(per_class[c].begin(), per_class[c].end(), rng);
  }
  std::vector<std::size_t> next(labels.classes.size(), 0), out;
  for (std::size_t r = 0; r < labels.codes.size(); ++r) {
    if (labels.codes[r] == LabelSet::kUnlabelled)
      throw UserError("row " + rows.ids[r] + " has no " + spec.join_label + " to draw a text by (text.join = \"label\" with text.join_label = \"" +
                      spec.join_label + "\" needs every row labelled there)");
    const auto c = static_cast<std::size_t>(labels.codes[r]);
    out.push_back(per_class[c][next[c]++ % per_class[c].size()]);
  }
  note = "unpaired: each row drew a text with the same " + spec.join_label + " (";
  for (std::size_t c = 0; c < labels.classes.size(); ++c)
    note += (c ? ", " : "") + labels.classes[c] + ": " + std::to_string(per_class[c].size()) + " texts";
  note += "), so the text carries nothing about the rows but their " + spec.join_label;
  return out;
}

TextBlock embed_lyrics(const FeatureTable& rows, const TextSpec& spec, const std::filesystem::path& file) {
  const io::CsvTable csv = io::read_csv(file);
  const std::size_t text_column = csv.column_index(spec.column);
  TextBlock block;
  std::vector<std::size_t> pick;
  if (spec.join == TextJoin::label) {
    pick = join_by_label(rows, csv, spec, block.note);
  } else {
    const std::string id_column =
        !spec.id_column.empty() ? spec.id_column : csv.has_column("path") ? std::string("path") : std::string("id");
    const std::size_t column = csv.column_index(id_column);
    std::vector<std::string> ids;
    for (const auto row : csv.rows) ids.emplace_back(row[column]);
    pick = join_by_id(rows, ids, file, id_column);
    block.note = "paired by track id (" + id_column + ")";
  }
  std::vector<std::string> docs;
  docs.reserve(pick.size());
  for (std::size_t r : pick) docs.emplace_back(csv.rows[r][text_column]);
  text::NgramEmbedderParams params;
  params.dimension = spec.dimension;
  params.min_n = spec.min_n;
  params.max_n = spec.max_n;
  text::NgramEmbedder embedder(params);
  block.X = embedder.fit_transform(docs);
  block.note = "lyrics from " + file.string() + ", n-gram TF-IDF embedding (" + std::to_string(spec.dimension) +
               " dimensions), " + block.note;
  return block;
}

TextBlock import_embeddings(const FeatureTable& rows, const TextSpec& spec) {
  if (spec.join == TextJoin::label)
    throw UserError(spec.path.string() + ": text.join = \"label\" draws lyrics by a label column; precomputed "
                    "embeddings are paired by track id (text.join = \"id\")");
  text::EmbeddingImportParams params;
  if (!spec.id_column.empty()) params.id_column = spec.id_column;
  text::Embeddings e = text::read_embeddings(spec.path, params);
  const auto pick = join_by_id(rows, e.ids, spec.path, params.id_column);
  TextBlock block;
  block.X.resize(static_cast<Eigen::Index>(pick.size()), e.X.cols());
  for (std::size_t r = 0; r < pick.size(); ++r) block.X.row(static_cast<Eigen::Index>(r)) = e.X.row(static_cast<Eigen::Index>(pick[r]));
  block.note = "embeddings from " + spec.path.string() + " (" + std::to_string(e.X.cols()) +
               " dimensions), paired by track id";
  return block;
}

}  // namespace

TextBlock text_block(const FeatureTable& rows, const TextSpec& spec, const std::filesystem::path& own_manifest) {
  std::filesystem::path file = spec.path;
  if (!file.empty()) require_data_path(file, spec.path_as_written, spec.data_root, "text.path");
  if (file.empty()) {
    if (own_manifest.empty())
      throw UserError("text.path: the data has no manifest with lyrics; give text.path (a lyrics CSV or embeddings)");
    file = own_manifest;
  }
  TextBlock block = spec.source == TextSource::embeddings ? import_embeddings(rows, spec) : embed_lyrics(rows, spec, file);
  for (Eigen::Index j = 0; j < block.X.cols(); ++j) block.names.push_back("text_" + std::to_string(j));
  return block;
}

}  // namespace vaesweep::data
