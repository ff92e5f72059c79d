#include "io/csv.hpp"

#include <csv.h>

#include <algorithm>
#include <cstring>
#include <fstream>
#include <istream>
#include <set>
#include <string>
#include <vector>

#include "util/error.hpp"
#include "util/input_file.hpp"
#include "util/strings.hpp"

namespace vaesweep::io {
namespace {

struct ParseState {
  std::vector<std::string> record;
  std::vector<std::vector<std::string>> records;
  std::vector<std::size_t> start_lines;
  std::size_t line = 1;            // line of the chunk being fed
  std::size_t next_start = 1;      // first line after the previous record
  std::size_t unfinished = 0;      // bytes of lines fed since the last field ended: the open cell
};

void on_field(void* data, std::size_t length, void* state_ptr) {
  auto* state = static_cast<ParseState*>(state_ptr);
  state->record.emplace_back(static_cast<const char*>(data), length);
  state->unfinished = 0;
}

void on_record(int, void* state_ptr) {
  auto* state = static_cast<ParseState*>(state_ptr);
  state->records.push_back(std::move(state->record));
  state->start_lines.push_back(state->next_start);
  state->record.clear();
  state->record.reserve(state->records.back().size());  // the next record is as wide, usually
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
  if (state.records.empty()) throw UserError(file.string() + ": the CSV file is empty (no header row)");

  CsvTable table;
  table.file = file;
  table.header = std::move(state.records.front());
  std::set<std::string> names;
  for (const auto& h : table.header)
    if (!h.empty() && !names.insert(h).second)
      throw UserError(file.string() + ":1: column \"" + h + "\" appears twice in the header");
  table.rows.reserve(state.records.size() - 1);
  table.lines.reserve(state.records.size() - 1);
  for (std::size_t r = 1; r < state.records.size(); ++r) {
    auto& rec = state.records[r];
    if (rec.size() != table.header.size())
      throw UserError(file.string() + ":" + std::to_string(state.start_lines[r]) + ": row has " +
                      std::to_string(rec.size()) + " fields, the header has " +
                      std::to_string(table.header.size()));
    table.rows.push_back(std::move(rec));
    table.lines.push_back(state.start_lines[r]);
  }
  return table;
}

}  // namespace vaesweep::io
