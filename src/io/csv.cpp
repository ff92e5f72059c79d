#include "io/csv.hpp"

#include <csv.h>

#include <algorithm>
#include <cstdint>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <istream>
#include <limits>
#include <set>
#include <string>
#include <system_error>
#include <vector>

#include "util/error.hpp"
#include "util/input_file.hpp"
#include "util/strings.hpp"

namespace vaesweep::io {
namespace {

struct ParseState {
  std::string record_text;                 // the open record's cells, back to back
  std::vector<std::uint32_t> record_ends;  // where each of its cells ends in record_text
  bool record_too_long = false;            // its text passed 4 GiB
  std::vector<std::string> header;
  bool have_header = false;
  CsvRows rows;
  std::vector<std::size_t> start_lines;  // of the rows
  // The first row that cannot be kept (another width than the header's, or longer than 4 GiB),
  // reported once the whole file has parsed, as a malformed record anywhere comes first.
  std::size_t bad_row_line = 0, bad_row_width = 0;
  bool bad_row_too_long = false;
  std::size_t line = 1;            // line of the chunk being fed
  std::size_t next_start = 1;      // first line after the previous record
  std::size_t unfinished = 0;      // bytes of lines fed since the last field ended: the open cell
};

void on_field(void* data, std::size_t length, void* state_ptr) {
  auto* state = static_cast<ParseState*>(state_ptr);
  if (state->record_text.size() + length > std::numeric_limits<std::uint32_t>::max()) state->record_too_long = true;
  if (!state->record_too_long) state->record_text.append(static_cast<const char*>(data), length);
  state->record_ends.push_back(static_cast<std::uint32_t>(state->record_text.size()));
  state->unfinished = 0;
}

void on_record(int, void* state_ptr) {
  auto* state = static_cast<ParseState*>(state_ptr);
  if (!state->have_header) {
    std::uint32_t begin = 0;
    for (const std::uint32_t end : state->record_ends) {
      state->header.emplace_back(state->record_text, begin, end - begin);
      begin = end;
    }
    state->have_header = true;
  } else if (state->bad_row_line == 0) {
    if (state->record_too_long || state->record_ends.size() != state->header.size()) {
      state->bad_row_line = state->next_start;
      state->bad_row_width = state->record_ends.size();
      state->bad_row_too_long = state->record_too_long;
    } else {
      state->rows.append(state->record_text, state->record_ends);
      state->start_lines.push_back(state->next_start);
    }
  }
  state->record_text.clear();
  state->record_ends.clear();
  state->record_too_long = false;
  state->next_start = state->line + 1;
  state->unfinished = 0;
}

// The file's lines, read in blocks (a scan for the line's end with memchr, not a call per
// byte), with a bound: a line longer than kMaxTextLineBytes (a hole of zero bytes, a binary
// file) or one holding a NUL byte is a UserError naming the file and line, read no further.
class LineReader {
 public:
  LineReader(std::istream& in, const std::filesystem::path& file) : in_(in), file_(file), block_(kBlock) {}

  // The next line, without its '\n', into `line` (line `number` of the file, for messages);
  // false at the end of the file. A last line without '\n' is a line.
  bool next(std::string& line, std::size_t number) {
    line.clear();
    for (;;) {
      if (begin_ == end_ && !refill()) return !line.empty();
      const char* p = block_.data() + begin_;
      const std::size_t available = end_ - begin_;
      const auto* newline = static_cast<const char*>(std::memchr(p, '\n', available));
      const std::size_t take = newline ? static_cast<std::size_t>(newline - p) : available;
      // The first of the two faults in the order a byte-by-byte read meets them: a NUL byte
      // within the bound, or the bound passed.
      if (const auto* nul = static_cast<const char*>(std::memchr(p, '\0', take))) {
        if (line.size() + static_cast<std::size_t>(nul - p) <= kMaxTextLineBytes)
          throw UserError(file_.string() + ":" + std::to_string(number) +
                          ": a NUL byte (binary data, or a hole after the table); read no further");
      }
      if (line.size() + take > kMaxTextLineBytes)
        throw UserError(file_.string() + ":" + std::to_string(number) + ": the line is longer than " +
                        std::to_string(kMaxTextLineBytes >> 20) + " MiB (not a CSV table, or damaged); read no further");
      line.append(p, take);
      begin_ += take;
      if (newline) {
        ++begin_;
        return true;
      }
    }
  }

 private:
  static constexpr std::size_t kBlock = std::size_t{1} << 16;

  bool refill() {
    in_.read(block_.data(), static_cast<std::streamsize>(block_.size()));
    begin_ = 0;
    end_ = static_cast<std::size_t>(in_.gcount());
    return end_ > 0;
  }

  std::istream& in_;
  const std::filesystem::path& file_;
  std::vector<char> block_;
  std::size_t begin_ = 0, end_ = 0;  // the unread bytes of block_
};

class Parser {  // owns the libcsv parser; never throws from its destructor
 public:
  Parser() {
    if (csv_init(&p_, CSV_STRICT | CSV_APPEND_NULL | CSV_STRICT_FINI) != 0)
      throw std::bad_alloc();
    // libcsv grows a cell's buffer by a fixed block (128 bytes by default), one realloc each:
    // quadratic copying for a long cell wherever realloc cannot extend in place (AddressSanitizer's
    // never does; a 16 MiB cell took minutes). 64 KiB blocks: 256 reallocs up to the 16 MiB bound,
    // and a block small enough for the allocators' fast path (every parse allocates one).
    csv_set_blk_size(&p_, std::size_t{1} << 16);
  }
  ~Parser() { csv_free(&p_); }
  Parser(const Parser&) = delete;
  Parser& operator=(const Parser&) = delete;
  csv_parser* get() { return &p_; }

 private:
  csv_parser p_{};
};

}  // namespace

void CsvRows::append(std::string_view text, const std::vector<std::uint32_t>& ends) {
  if (row_start_.size() == 1) columns_ = ends.size();
  VAESWEEP_ASSERT(ends.size() == columns_ && (ends.empty() || ends.back() == text.size()), "CsvRows::append row");
  text_.insert(text_.end(), text.begin(), text.end());
  row_start_.push_back(text_.size());
  cell_end_.insert(cell_end_.end(), ends.begin(), ends.end());
}

void CsvRows::push_back(const std::vector<std::string>& cells) {
  std::string text;
  std::vector<std::uint32_t> ends;
  for (const auto& cell : cells) {
    text += cell;
    VAESWEEP_ASSERT(text.size() <= std::numeric_limits<std::uint32_t>::max(), "CsvRows::push_back row length");
    ends.push_back(static_cast<std::uint32_t>(text.size()));
  }
  append(text, ends);
}

void CsvRows::reserve(std::size_t rows, std::size_t text_bytes) {
  text_.reserve(text_bytes);
  row_start_.reserve(rows + 1);
  cell_end_.reserve(rows * columns_);
}

void CsvRows::truncate(std::size_t rows) {
  if (rows >= size()) return;
  row_start_.resize(rows + 1);
  text_.resize(row_start_.back());
  cell_end_.resize(rows * columns_);
}

std::size_t CsvTable::column_index(const std::string& name) const {
  auto it = std::find(header.begin(), header.end(), name);
  if (it == header.end()) {
    throw UserError(file.string() + ": no column \"" + name + "\"; the columns are: " + join(header));
  }
  return static_cast<std::size_t>(it - header.begin());
}

bool CsvTable::has_column(const std::string& name) const {
  return std::find(header.begin(), header.end(), name) != header.end();
}

std::string CsvTable::where(std::size_t r) const { return file.string() + ":" + std::to_string(lines.at(r)); }

CsvTable read_csv(const std::filesystem::path& file) {
  require_regular_file(file, "the CSV file");
  std::ifstream in(file, std::ios::binary);
  if (!in) throw UserError(file.string() + ": cannot open the CSV file");
  Parser parser;
  ParseState state;
  std::error_code size_error;  // the cells' text is at most the file's size: one allocation
  const std::uintmax_t bytes = std::filesystem::file_size(file, size_error);
  if (!size_error) state.rows.reserve(0, static_cast<std::size_t>(bytes));
  LineReader lines(in, file);
  std::string line;
  bool first = true;
  while (lines.next(line, state.line)) {
    if (first && line.rfind("\xEF\xBB\xBF", 0) == 0) line.erase(0, 3);  // UTF-8 byte order mark
    first = false;
    line += '\n';
    state.unfinished += line.size();  // reset whenever a field ends inside this line
    if (csv_parse(parser.get(), line.data(), line.size(), on_field, on_record, &state) != line.size())
      throw UserError(file.string() + ":" + std::to_string(state.line) +
                      ": malformed CSV: " + csv_strerror(csv_error(parser.get())));
    if (state.unfinished > kMaxTextLineBytes)
      throw UserError(file.string() + ":" + std::to_string(state.next_start) + ": a cell of the record starting here is " +
                      "longer than " + std::to_string(kMaxTextLineBytes >> 20) +
                      " MiB (an unterminated quote?); read no further");
    ++state.line;
  }
  if (csv_fini(parser.get(), on_field, on_record, &state) != 0)
    throw UserError(file.string() + ":" + std::to_string(state.line) +
                    ": malformed CSV (unterminated quoted field?): " + csv_strerror(csv_error(parser.get())));
  if (!state.have_header) throw UserError(file.string() + ": the CSV file is empty (no header row)");

  CsvTable table;
  table.file = file;
  table.header = std::move(state.header);
  std::set<std::string> names;
  for (const auto& h : table.header)
    if (!h.empty() && !names.insert(h).second)
      throw UserError(file.string() + ":1: column \"" + h + "\" appears twice in the header");
  if (state.bad_row_too_long)
    throw UserError(file.string() + ":" + std::to_string(state.bad_row_line) + ": the row is longer than 4 GiB");
  if (state.bad_row_line != 0)
    throw UserError(file.string() + ":" + std::to_string(state.bad_row_line) + ": row has " +
                    std::to_string(state.bad_row_width) + " fields, the header has " +
                    std::to_string(table.header.size()));
  table.rows = std::move(state.rows);
  table.lines = std::move(state.start_lines);
  return table;
}

}  // namespace vaesweep::io
