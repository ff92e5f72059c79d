#include "sweep/results_file.hpp"

#include "core/atomic_write.hpp"
#include "core/error.hpp"
#include "data/hdf5_file.hpp"

namespace vaesweep::sweep {
namespace fs = std::filesystem;

void refuse_existing_results(const fs::path& out, bool overwrite) {
  refuse_existing_output(out, overwrite, "the results file",
                         "pass --overwrite to replace it or --out to write elsewhere");
}

void write_results_file(const fs::path& out, const ResultsContent& content, bool overwrite) {
  refuse_existing_results(out, overwrite);
  write_atomically(out, [&](const fs::path& tmp) {
    data::Hdf5File file = data::Hdf5File::create(tmp);
    for (const auto& [name, value] : content.text_attributes) file.set_attribute("/", name, value);
    for (const auto& [name, value] : content.int_attributes) file.set_attribute("/", name, value);
    file.write_table("/units", content.units);
    file.write_table("/evaluations", content.evaluations);
    file.write_table("/features", content.features);
    if (content.skipped_files.cols() > 0) file.write_table("/skipped_files", content.skipped_files);
    if (content.runs.cols() > 0) file.write_table("/runs", content.runs);
    file.close();  // surfaces a failed close here, before the rename makes the file visible
  });
}

ResultsFile read_results_file(const fs::path& path) {
  const data::Hdf5File file = data::Hdf5File::open_read(path);
  ResultsFile results;
  for (const char* table : {"/units", "/evaluations"})
    if (!file.exists(table))
      throw UserError(path.string() + ": not a vaesweep results file (no " + std::string(table) + " table)");
  results.units = file.read_table("/units");
  results.evaluations = file.read_table("/evaluations");
  results.study_name = file.string_attribute("/", "study_name");
  results.study_sha256 = file.string_attribute("/", "study_sha256");
  return results;
}

}  // namespace vaesweep::sweep
