#include "results/results_file.hpp"

#include "util/atomic_write.hpp"
#include "util/error.hpp"
#include "io/hdf5_file.hpp"

namespace vaesweep::results {
namespace fs = std::filesystem;

void refuse_existing_results(const fs::path& out, bool overwrite) {
  refuse_existing_output(out, overwrite, "the results file",
                         "pass --overwrite to replace it or --out to write elsewhere");
}

namespace {

void write_extra(io::Hdf5File& file, const ExtraDataset& d) {
  if (const auto* m = std::get_if<StoredMatrix>(&d.values)) {
    // One matrix at a time: the copy lives only while it is written.
    file.write_matrix(d.path, Eigen::Map<const Eigen::Matrix<double, Eigen::Dynamic, Eigen::Dynamic, Eigen::RowMajor>>(
                                  m->row_major.data(), m->rows, m->cols));
  } else {
    file.write_table(d.path, std::get<io::ColumnTable>(d.values));
  }
  for (const auto& [name, value] : d.text_attributes) file.set_attribute(d.path, name, value);
  for (const auto& [name, value] : d.int_attributes) file.set_attribute(d.path, name, value);
}

}  // namespace

void write_extra_dataset(io::Hdf5File& file, const ExtraDataset& dataset) { write_extra(file, dataset); }

void write_results_file(const fs::path& out, const ResultsContent& content, bool overwrite) {
  refuse_existing_results(out, overwrite);
  write_atomically(out, [&](const fs::path& tmp) {
    io::Hdf5File file = io::Hdf5File::create(tmp);
    for (const auto& [name, value] : content.text_attributes) file.set_attribute("/", name, value);
    for (const auto& [name, value] : content.int_attributes) file.set_attribute("/", name, value);
    if (content.write_unit_tables) {
      content.write_unit_tables(file);
    } else {
      file.write_table("/units", content.units);
      write_units_layout(file, content.unit_axes);
      file.write_table("/evaluations", content.evaluations);
    }
    file.write_table("/features", content.features);
    if (content.skipped_files.cols() > 0) file.write_table("/skipped_files", content.skipped_files);
    if (content.runs.cols() > 0) file.write_table("/runs", content.runs);
    for (const ExtraDataset& d : content.extra) write_extra(file, d);
    file.close();  // surfaces a failed close here, before the rename makes the file visible
  });
}

ResultsFile read_results_file(const fs::path& path) { return read_results_file(path, ResultsColumns{}); }

ResultsFile read_results_file(const fs::path& path, const ResultsColumns& columns) {
  const io::Hdf5File file = io::Hdf5File::open_read(path);
  ResultsFile results;
  for (const char* table : {"/units", "/evaluations"})
    if (!file.exists(table))
      throw UserError(path.string() + ": not a vaesweep results file (no " + std::string(table) + " table)");
  results.layout = read_units_layout(file);
  results.units = columns.units ? file.read_columns("/units", [&](const std::string& c) { return columns.units(c, results.layout); })
                                : file.read_table("/units");
  results.evaluations = columns.evaluations ? file.read_columns("/evaluations", columns.evaluations)
                                            : file.read_table("/evaluations");
  if (file.exists("/features")) results.features = file.read_table("/features");
  results.study_name = file.string_attribute("/", "study_name");
  results.study_sha256 = file.string_attribute("/", "study_sha256");
  return results;
}

}  // namespace vaesweep::results
