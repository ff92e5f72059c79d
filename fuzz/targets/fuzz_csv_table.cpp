// Fuzzes the CSV reader and the feature table built from it, as a study with
// data.source = "table" does (data/dataset.cpp): read_csv, table_from_csv, standardize.
//
// Input: the CSV file's bytes. The columns "genre" and "language", when present, are label sets
// (so that the label paths run too); the id column is the default one. A UserError is the correct
// answer to a bad table; any other exception or sanitizer report is a bug.
#include <cstddef>
#include <cstdint>

#include "util/error.hpp"
#include "io/csv.hpp"
#include "data/feature_table.hpp"
#include "fuzz_support.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const auto path = vaesweep::fuzz::write_scratch_file("table.csv", data, size);
  try {
    const vaesweep::io::CsvTable csv = vaesweep::io::read_csv(path);
    vaesweep::data::TableOptions options;
    for (const char* label : {"genre", "language"})
      if (csv.has_column(label)) options.labels.emplace_back(label);
    vaesweep::data::FeatureTable table = vaesweep::data::table_from_csv(csv, options);
    vaesweep::data::standardize(table.X);
  } catch (const vaesweep::UserError&) {
  }
  return 0;
}
