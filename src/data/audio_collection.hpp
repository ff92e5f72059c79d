#pragma once
// The audio files of a dataset and their labels, from either of the two ways users keep them:
//  - a folder: every audio file under it, or under <label>/ subfolders one level down (the
//    GTZAN layout, genres/<genre>/<file>), the label then being the subfolder's name;
//  - a manifest: a CSV with a `path` column (relative to the manifest's folder, or absolute)
//    and label columns.
// Nothing is decoded here: a file that is missing or unreadable is found when it is decoded,
// and handled by the bad-file policy there.
#include <filesystem>
#include <string>
#include <vector>

#include "study/data_root.hpp"

namespace vaesweep::data {

struct AudioItem {
  std::filesystem::path path;       // as it can be opened
  std::string id;                   // track id: the path relative to the folder / as in the manifest
  std::vector<std::string> labels;  // one per AudioCollection::label_names; "" = unlabelled
  std::vector<std::string> kept = {};  // one per AudioCollection::kept_names
};

struct AudioCollection {
  std::filesystem::path source;          // the folder or manifest given
  std::vector<std::string> label_names;  // label columns (a folder gives "label" or none)
  // Manifest columns copied as they are into a features file, never labels or features
  // (`vaesweep features --keep-columns`).
  std::vector<std::string> kept_names;
  std::vector<AudioItem> items;          // sorted by id for a folder, in file order for a manifest
};

// Extensions (lower case, with the dot) taken as audio when scanning a folder.
const std::vector<std::string>& audio_extensions();

// A folder: files directly in it, or files in first-level subfolders (label_name = their
// name). Hidden files and folders are skipped. UserError when the folder holds no audio file
// or mixes top-level files with labelled subfolders (which label would those get?).
AudioCollection scan_audio_folder(const std::filesystem::path& folder, const std::string& label_name = "label");

// A manifest CSV. Only the columns named are taken: `labels` as label sets, `keep` as kept
// columns; both must be columns of it (UserError naming the file and the columns it has), and
// the others (lyrics, titles, URLs, ...) are left out. An empty label cell leaves the file
// unlabelled for that set, or with `require_labels` is a UserError naming the file and line.
// A row's path is relative to the manifest's folder, absolute, or "{data_root}/..." under
// `data_root` (study/data_root.hpp); the track id is the path as written, so that it is the same
// on every machine.
AudioCollection read_audio_manifest(const std::filesystem::path& manifest, const std::vector<std::string>& labels,
                                    const std::vector<std::string>& keep = {}, bool require_labels = false,
                                    const DataRoot& data_root = {});

// The manifest's columns that `read_audio_manifest(manifest, labels, keep)` leaves out (not
// `path`), for a message telling the user what they can name.
std::vector<std::string> unused_manifest_columns(const std::filesystem::path& manifest,
                                                 const std::vector<std::string>& labels,
                                                 const std::vector<std::string>& keep);

// A folder or a manifest, by what `path` is. For a folder, `labels` may be empty or name the
// one folder label ({"genre"} names it "genre" instead of "label"), and `keep` must be empty.
AudioCollection open_audio_collection(const std::filesystem::path& path, const std::vector<std::string>& labels,
                                      bool require_labels = false, const std::vector<std::string>& keep = {},
                                      const DataRoot& data_root = {});

}  // namespace vaesweep::data
