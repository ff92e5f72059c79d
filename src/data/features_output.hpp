#pragma once
// Writes extracted audio features as a table a user (or a `data.source = "table"` study) can
// read: one row per clip or segment, in the published GTZAN table's shape
//   filename, length, [track_id, segment,] <features...>, <label columns...>
// (track_id and segment only when clips were cut into segments). As CSV (numbers in the
// shortest text that reads back as the same double) or as HDF5:
//   /rows (filename, track_id, segment, length, labels), /X (rows x features, doubles),
//   /feature_names (name), /skipped_files (path, reason); attributes extraction, shape, source.
// A CSV gets its skipped files in a sibling "<out>.skipped.csv". Either is written to a
// temporary name and renamed, so an existing file is never left half-written.
#include <filesystem>

#include "data/audio_features.hpp"

namespace vaesweep::data {

struct FeaturesOutputInfo {
  std::string extraction;              // extraction_canonical()
  std::filesystem::path source;        // the folder or manifest
  bool segmented = false;              // write track_id and segment columns
};

// Format by extension: .csv or .h5/.hdf5 (UserError otherwise). UserError when `out` exists
// and overwrite is false, or the folder does not exist: call it before any work is done.
void check_features_output(const std::filesystem::path& out, bool overwrite);

// check_features_output, then writes.
void write_features_output(const std::filesystem::path& out, const AudioFeatures& features,
                           const FeaturesOutputInfo& info, bool overwrite);

}  // namespace vaesweep::data
