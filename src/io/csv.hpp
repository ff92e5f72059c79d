#pragma once
// RFC 4180 CSV through libcsv (quoted fields may hold commas, quotes and newlines, as the
// lyrics data does). Every row remembers the line it starts on, for error messages.
//
// The cells live in one buffer per table (CsvRows), each row's text back to back with a 4-byte
// end offset per cell, and are read as string views: a std::string per cell cost ~64 bytes
// beyond the text (a 104,680 x 61 table took ~400 MB, a table of text embeddings 6x its size).
#include <cstddef>
#include <cstdint>
#include <filesystem>
#include <string>
#include <string_view>
#include <vector>

namespace vaesweep::io {

// One row's cells, as views of its table's text: valid while the table lives and is not grown.
class CsvRow {
 public:
  CsvRow(const char* text, const std::uint32_t* ends, std::size_t cells) : text_(text), ends_(ends), cells_(cells) {}
  std::size_t size() const { return cells_; }
  // const: a cell is read, never assigned through its view.
  const std::string_view operator[](std::size_t c) const {
    const std::uint32_t begin = c == 0 ? 0 : ends_[c - 1];
    return {text_ + begin, ends_[c] - begin};
  }

 private:
  const char* text_;
  const std::uint32_t* ends_;  // the end of each cell, from the start of the row's text
  std::size_t cells_;
};

// A table's rows, each as wide as the first one appended.
class CsvRows {
 public:
  std::size_t size() const { return row_start_.size() - 1; }
  bool empty() const { return size() == 0; }
  std::size_t columns() const { return columns_; }
  CsvRow operator[](std::size_t r) const {
    return {text_.data() + row_start_[r], cell_end_.data() + r * columns_, columns_};
  }

  // Appends one row: the cells' text (concatenated) and where each cell ends in it. The first
  // row sets the width; a row of another width, or longer than 4 GiB, is a logic error.
  void append(std::string_view text, const std::vector<std::uint32_t>& ends);
  // The same from one string per cell (builders and tests).
  void push_back(const std::vector<std::string>& cells);
  void reserve(std::size_t rows, std::size_t text_bytes);
  // Keeps the first `rows` rows.
  void truncate(std::size_t rows);

  class iterator {
   public:
    iterator(const CsvRows* rows, std::size_t r) : rows_(rows), r_(r) {}
    CsvRow operator*() const { return (*rows_)[r_]; }
    iterator& operator++() {
      ++r_;
      return *this;
    }
    bool operator!=(const iterator& other) const { return r_ != other.r_; }

   private:
    const CsvRows* rows_;
    std::size_t r_;
  };
  iterator begin() const { return {this, 0}; }
  iterator end() const { return {this, size()}; }

 private:
  std::size_t columns_ = 0;
  std::vector<char> text_;
  std::vector<std::size_t> row_start_{0};  // where each row's text starts, then the end
  std::vector<std::uint32_t> cell_end_;    // columns_ per row
};

struct CsvTable {
  std::filesystem::path file;
  std::vector<std::string> header;
  CsvRows rows;                    // each as wide as the header
  std::vector<std::size_t> lines;  // 1-based line where each row starts

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
