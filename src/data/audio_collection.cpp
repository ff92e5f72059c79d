#include "data/audio_collection.hpp"

#include <algorithm>
#include <cctype>
#include <system_error>

#include "util/error.hpp"
#include "util/strings.hpp"
#include "io/csv.hpp"
#include "data/feature_table.hpp"

namespace vaesweep::data {
namespace fs = std::filesystem;

namespace {

bool is_audio_file(const fs::directory_entry& entry) {
  std::error_code ec;
  if (!entry.is_regular_file(ec) && !entry.is_symlink(ec)) return false;
  std::string ext = entry.path().extension().string();
  std::transform(ext.begin(), ext.end(), ext.begin(), [](unsigned char c) { return std::tolower(c); });
  const auto& known = audio_extensions();
  return std::find(known.begin(), known.end(), ext) != known.end();
}

bool is_hidden(const fs::path& p) { return !p.filename().empty() && p.filename().string().front() == '.'; }

std::vector<fs::directory_entry> sorted_entries(const fs::path& folder) {
  std::error_code ec;
  fs::directory_iterator it(folder, ec);
  if (ec) throw UserError(folder.string() + ": cannot list the folder: " + ec.message());
  std::vector<fs::directory_entry> entries;
  for (const auto& e : it)
    if (!is_hidden(e.path())) entries.push_back(e);
  std::sort(entries.begin(), entries.end(),
            [](const auto& a, const auto& b) { return a.path().filename() < b.path().filename(); });
  return entries;
}

}  // namespace

// Which files of a folder are listed as audio; read_audio then decodes each by its content.
// The second line is what FFmpeg decodes (AAC/ALAC in MP4, raw AAC, WMA, Matroska, AC-3).
const std::vector<std::string>& audio_extensions() {
  static const std::vector<std::string> extensions = {".wav", ".au", ".snd", ".flac", ".ogg", ".oga",
                                                      ".opus", ".mp3", ".aif", ".aiff", ".caf", ".w64",
                                                      ".m4a", ".mp4", ".aac", ".wma", ".mka", ".ac3"};
  return extensions;
}

AudioCollection scan_audio_folder(const fs::path& folder, const std::string& label_name) {
  std::error_code ec;
  if (!fs::is_directory(folder, ec)) throw UserError(folder.string() + ": not a folder");
  AudioCollection c;
  c.source = folder;
  std::vector<AudioItem> top, nested;
  for (const auto& entry : sorted_entries(folder)) {
    if (entry.is_directory(ec)) {
      for (const auto& inner : sorted_entries(entry.path()))
        if (is_audio_file(inner))
          nested.push_back({inner.path(), (entry.path().filename() / inner.path().filename()).generic_string(),
                            {entry.path().filename().string()}});
    } else if (is_audio_file(entry)) {
      top.push_back({entry.path(), entry.path().filename().string(), {}});
    }
  }
  if (!top.empty() && !nested.empty())
    throw UserError(folder.string() + ": holds audio files both directly (" + top.front().id + ") and in subfolders (" +
                    nested.front().id + "); put every file in a <label>/ subfolder, or none");
  if (top.empty() && nested.empty())
    throw UserError(folder.string() + ": no audio files (looked for " + join(audio_extensions()) +
                    " in the folder and its first-level subfolders)");
  if (!nested.empty()) c.label_names = {label_name};
  c.items = nested.empty() ? std::move(top) : std::move(nested);
  return c;
}

AudioCollection read_audio_manifest(const fs::path& manifest, const std::vector<std::string>& labels,
                                    const std::vector<std::string>& keep, bool require_labels,
                                    const DataRoot& data_root) {
  const io::CsvTable csv = io::read_csv(manifest);
  const std::size_t path_column = csv.column_index("path");
  if (csv.rows.empty()) throw UserError(manifest.string() + ": the manifest lists no files");
  AudioCollection c;
  c.source = manifest;
  c.label_names = labels;
  c.kept_names = keep;
  for (const auto& name : keep)
    if (std::find(labels.begin(), labels.end(), name) != labels.end())
      throw UserError(manifest.string() + ": column \"" + name + "\" is asked for both as a label and as a kept column");
  // Checked before any audio is decoded: a bad label column is a cheap error to report early.
  std::vector<LabelSet> sets;
  for (const auto& name : c.label_names) sets.push_back(read_label_column(csv, name, require_labels));
  std::vector<std::size_t> kept_columns;
  for (const auto& name : keep) kept_columns.push_back(csv.column_index(name));
  for (std::size_t r = 0; r < csv.rows.size(); ++r) {
    const std::string rel(csv.rows[r][path_column]);
    if (rel.empty()) throw UserError(csv.where(r) + ": empty path");
    AudioItem item;
    item.path = resolve_data_path(rel, manifest.parent_path(), data_root, csv.where(r) + ": path");
    item.id = rel;
    for (const auto& set : sets) item.labels.push_back(set.class_of(r));
    for (std::size_t column : kept_columns) item.kept.emplace_back(csv.rows[r][column]);
    c.items.push_back(std::move(item));
  }
  return c;
}

std::vector<std::string> unused_manifest_columns(const fs::path& manifest, const std::vector<std::string>& labels,
                                                 const std::vector<std::string>& keep) {
  std::vector<std::string> unused;
  for (const auto& h : io::read_csv(manifest).header)
    if (h != "path" && std::find(labels.begin(), labels.end(), h) == labels.end() &&
        std::find(keep.begin(), keep.end(), h) == keep.end())
      unused.push_back(h);
  return unused;
}

AudioCollection open_audio_collection(const fs::path& path, const std::vector<std::string>& labels,
                                      bool require_labels, const std::vector<std::string>& keep,
                                      const DataRoot& data_root) {
  std::error_code ec;
  if (fs::is_directory(path, ec)) {
    if (labels.size() > 1)
      throw UserError(path.string() + ": a folder gives one label (its subfolders' names); " +
                      std::to_string(labels.size()) + " label sets were asked for (" + join(labels) + ")");
    if (!keep.empty())
      throw UserError(path.string() + ": a folder has no columns to keep (" + join(keep) + "); --keep-columns reads a manifest CSV");
    return scan_audio_folder(path, labels.empty() ? "label" : labels.front());
  }
  if (!fs::exists(path, ec)) throw UserError(path.string() + ": no such folder or manifest");
  return read_audio_manifest(path, labels, keep, require_labels, data_root);
}

}  // namespace vaesweep::data
