#pragma once
// The results file of a sweep (DESIGN.md, "Results file"): root attributes for provenance,
// /units, /evaluations, /features, /skipped_files and /runs tables. Written to a temporary name beside the target and
// renamed, so an existing results file is never left half-overwritten.
#include <cstdint>
#include <filesystem>
#include <functional>
#include <string>
#include <utility>
#include <variant>
#include <vector>

#include "io/column_table.hpp"
#include "results/axis_columns.hpp"

namespace vaesweep::io {
class Hdf5File;
}

namespace vaesweep::results {

// An optional dataset beside the tables: /latents/<unit> (a matrix), /assignments/<unit> and
// /rows/<feature hash> (tables), with scalar attributes that say what it belongs to.
struct StoredMatrix {
  std::vector<double> row_major;
  std::int64_t rows = 0, cols = 0;
};
struct ExtraDataset {
  std::string path;
  std::variant<StoredMatrix, io::ColumnTable> values;
  std::vector<std::pair<std::string, std::string>> text_attributes;
  std::vector<std::pair<std::string, std::int64_t>> int_attributes;
};

struct ResultsContent {
  io::ColumnTable units;
  std::vector<AxisColumn> unit_axes;  // the axis columns of `units` (axis_columns of its records)
  io::ColumnTable evaluations;
  io::ColumnTable features;  // one row per distinct feature table the units trained on
  io::ColumnTable skipped_files;  // audio files left out by data.on_bad_file = "skip"
  io::ColumnTable runs;           // one row per run that contributed units (results/run_history.hpp)
  std::vector<std::pair<std::string, std::string>> text_attributes;
  std::vector<std::pair<std::string, std::int64_t>> int_attributes;
  std::vector<ExtraDataset> extra;  // evaluation.store_latents / store_assignments
  // When set, writes /units (and its layout attributes), /evaluations and any stored arrays
  // itself, in place of `units`, `unit_axes` and `evaluations`: a merge too large to hold them
  // (results/record_merge.hpp) writes them block by block.
  std::function<void(io::Hdf5File&)> write_unit_tables;
};

// Writes one extra dataset with its attributes.
void write_extra_dataset(io::Hdf5File& file, const ExtraDataset& dataset);

// UserError when `out` exists and overwriting was not asked for (checked before any work).
void refuse_existing_results(const std::filesystem::path& out, bool overwrite);

void write_results_file(const std::filesystem::path& out, const ResultsContent& content, bool overwrite);

struct ResultsFile {
  io::ColumnTable units;
  UnitsLayout layout;  // the results format and the axis columns of `units`
  io::ColumnTable evaluations;
  io::ColumnTable features;  // empty in a results file without /features
  std::string study_name;
  std::string study_sha256;
};

// UserError naming the file when it is missing, not HDF5, truncated or lacks a table.
ResultsFile read_results_file(const std::filesystem::path& path);

// The columns a reader needs of /units (it may ask the file's layout: which columns are axes)
// and of /evaluations; the others stay on disk.
struct ResultsColumns {
  std::function<bool(const std::string& column, const UnitsLayout& layout)> units;
  std::function<bool(const std::string& column)> evaluations;
};
ResultsFile read_results_file(const std::filesystem::path& path, const ResultsColumns& columns);

}  // namespace vaesweep::results
