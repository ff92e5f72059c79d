#pragma once
// RFC 4180 CSV through libcsv (quoted fields may hold commas, quotes and newlines, as the
// lyrics data does). Every row remembers the line it starts on, for error messages.
#include <cstddef>
#include <filesystem>
#include <string>
#include <vector>

namespace vaesweep::io {

struct CsvTable {
  std::filesystem::path file;
  std::vector<std::string> header;
  std::vector<std::vector<std::string>> rows;  // each as long as the header
  std::vector<std::size_t> lines;              // 1-based line where each row starts

  // Index of a column; UserError naming the file and listing the columns when absent.
  std::size_t column_index(const std::string& name) const;
  bool has_column(const std::string& name) const;
  // "file:line" of row r, for messages.
  std::string where(std::size_t r) const;
};

// Reads a CSV file with a header row. A missing file or one that is not a regular file (a FIFO,
// a device, a directory), a line or a cell longer than kMaxTextLineBytes, a ragged row or a
// duplicate column name is a UserError naming the file and line.
CsvTable read_csv(const std::filesystem::path& file);

}  // namespace vaesweep::io
