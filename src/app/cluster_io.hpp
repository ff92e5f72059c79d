#pragma once
// Reading and writing the plain CSV files of `vaesweep cluster` and `vaesweep score`.
#include <string>
#include <vector>

#include "data/feature_table.hpp"

namespace vaesweep::io {
struct CsvTable;
}  // namespace vaesweep::io

namespace vaesweep::app {

// The id column of a table: the first of id, filename, path, file, track_id that it has, or ""
// (rows are then named by their 0-based index).
std::string cluster_id_column(const io::CsvTable& csv);
// Reads the feature CSV of cluster/score into `table` (ids from cluster_id_column, else "0",
// "1", ...); returns whether the file has an id column.
bool read_cluster_input(const std::string& file, const std::vector<std::string>& exclude, data::FeatureTable& table);
// Writes `content` to a temporary file beside `out`, then renames it into place (after
// refuse_existing_output).
void write_file_atomically(const std::string& out, bool overwrite, const std::string& content);

}  // namespace vaesweep::app
