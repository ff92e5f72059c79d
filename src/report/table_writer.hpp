#pragma once
// Streams a table as CSV (RFC 4180, a header line) or JSON (an array of one object per row, keys
// in column order), one row at a time, so that an export of millions of latent rows never holds
// them all. Cells are JSON values: null (a missing value; NaN becomes null too) is an empty CSV
// field; numbers are written in the fewest digits that read back to the same double; a list is
// one quoted CSV field ("[a, b]") and a JSON array.
#include <nlohmann/json.hpp>

#include <ostream>
#include <string>
#include <vector>

namespace vaesweep::report {

enum class TableFormat { csv, json };

// UserError for anything but "csv" and "json".
TableFormat parse_table_format(const std::string& text);

class TableWriter {
 public:
  TableWriter(std::ostream& out, TableFormat format) : out_(out), format_(format) {}
  // Once, before the first row.
  void header(std::vector<std::string> names);
  // As many cells as header names.
  void row(const std::vector<nlohmann::ordered_json>& cells);
  // Closes the JSON array (a JSON export of no rows is "[]").
  void finish();

 private:
  std::ostream& out_;
  TableFormat format_;
  std::vector<std::string> names_;
  std::size_t rows_ = 0;
};

}  // namespace vaesweep::report
