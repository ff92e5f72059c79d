#include "text/npy.hpp"

#include <bit>
#include <cctype>
#include <cstdint>
#include <cstring>
#include <fstream>
#include <limits>
#include <optional>
#include <string>
#include <vector>

#include "util/error.hpp"
#include "util/input_file.hpp"

namespace vaesweep::text {
namespace {

struct Header {
  std::string descr;
  bool fortran_order = false;
  std::vector<std::uint64_t> shape;
};

// A parser for the one dict literal numpy writes: string keys, and values that are strings,
// True/False or tuples of non-negative integers. Anything else is an error.
class HeaderParser {
 public:
  HeaderParser(std::string_view text, const std::filesystem::path& file) : s_(text), file_(file) {}

  Header parse() {
    Header h;
    bool has_descr = false, has_order = false, has_shape = false;
    expect('{');
    while (true) {
      skip_space();
      if (peek() == '}') break;
      const std::string key = quoted();
      expect(':');
      skip_space();
      if (key == "descr") {
        h.descr = quoted(), has_descr = true;
      } else if (key == "fortran_order") {
        h.fortran_order = boolean(), has_order = true;
      } else if (key == "shape") {
        h.shape = tuple(), has_shape = true;
      } else {
        fail("an unknown key '" + key + "'");
      }
      skip_space();
      if (peek() == ',') ++pos_;
    }
    if (!has_descr || !has_order || !has_shape) fail("no 'descr', 'fortran_order' or 'shape' key");
    return h;
  }

 private:
  [[noreturn]] void fail(const std::string& what) const {
    throw UserError(file_.string() + ": the .npy header has " + what + " at character " + std::to_string(pos_) +
                    " of \"" + std::string(s_) + "\"; expected a header written by numpy.save");
  }
  char peek() const { return pos_ < s_.size() ? s_[pos_] : '\0'; }
  void skip_space() {
    while (pos_ < s_.size() && std::isspace(static_cast<unsigned char>(s_[pos_]))) ++pos_;
  }
  void expect(char c) {
    skip_space();
    if (peek() != c) fail(std::string("no '") + c + "'");
    ++pos_;
  }
  std::string quoted() {
    skip_space();
    const char q = peek();
    if (q != '\'' && q != '"') fail("no quoted string");
    const std::size_t end = s_.find(q, pos_ + 1);
    if (end == std::string_view::npos) fail("an unterminated string");
    std::string out(s_.substr(pos_ + 1, end - pos_ - 1));
    pos_ = end + 1;
    return out;
  }
  bool boolean() {
    for (const auto& [word, value] : {std::pair<std::string_view, bool>{"True", true}, {"False", false}}) {
      if (s_.substr(pos_, word.size()) == word) {
        pos_ += word.size();
        return value;
      }
    }
    fail("neither True nor False");
  }
  std::vector<std::uint64_t> tuple() {
    expect('(');
    std::vector<std::uint64_t> out;
    while (true) {
      skip_space();
      if (peek() == ')') break;
      if (!std::isdigit(static_cast<unsigned char>(peek()))) fail("a dimension that is not a number");
      std::uint64_t v = 0;
      while (std::isdigit(static_cast<unsigned char>(peek()))) {
        if (v > std::numeric_limits<std::uint64_t>::max() / 10 - 1) fail("a dimension too large");
        v = v * 10 + static_cast<std::uint64_t>(s_[pos_++] - '0');
      }
      out.push_back(v);
      skip_space();
      if (peek() == ',') ++pos_;
    }
    ++pos_;
    return out;
  }

  std::string_view s_;
  const std::filesystem::path& file_;
  std::size_t pos_ = 0;
};

template <typename T>
T load(const unsigned char* p, bool swap) {
  unsigned char bytes[sizeof(T)];
  std::memcpy(bytes, p, sizeof(T));
  if (swap)
    for (std::size_t i = 0; i < sizeof(T) / 2; ++i) std::swap(bytes[i], bytes[sizeof(T) - 1 - i]);
  T v;
  std::memcpy(&v, bytes, sizeof(T));
  return v;
}

}  // namespace

Eigen::MatrixXd read_npy_matrix(const std::filesystem::path& file) {
  const std::string where = file.string();
  require_regular_file(file, "the .npy file");
  std::ifstream in(file, std::ios::binary);
  if (!in) throw UserError(where + ": cannot open the .npy file");
  std::error_code ec;
  const std::uintmax_t file_size = std::filesystem::file_size(file, ec);
  if (ec) throw UserError(where + ": cannot read the size of the .npy file: " + ec.message());

  unsigned char lead[8] = {};
  in.read(reinterpret_cast<char*>(lead), 8);
  if (in.gcount() < 8 || std::memcmp(lead, "\x93NUMPY", 6) != 0)
    throw UserError(where + ": not a .npy file (no \\x93NUMPY magic at the start)");
  const int major = lead[6], minor = lead[7];
  if ((major != 1 && major != 2 && major != 3) || minor != 0)
    throw UserError(where + ": .npy format version " + std::to_string(major) + "." + std::to_string(minor) +
                    "; expected 1.0, 2.0 or 3.0");
  const std::size_t length_bytes = major == 1 ? 2 : 4;
  unsigned char len[4] = {};
  in.read(reinterpret_cast<char*>(len), static_cast<std::streamsize>(length_bytes));
  std::uint64_t header_size = len[0] | (len[1] << 8);
  if (length_bytes == 4) header_size |= (std::uint64_t{len[2]} << 16) | (std::uint64_t{len[3]} << 24);
  const std::uint64_t data_start = 8 + length_bytes + header_size;
  if (!in || data_start > file_size) throw UserError(where + ": truncated .npy file (the header is cut short)");
  std::string text(header_size, '\0');
  in.read(text.data(), static_cast<std::streamsize>(header_size));
  const Header h = HeaderParser(text, file).parse();

  const bool is_f4 = h.descr.size() == 3 && h.descr.substr(1) == "f4";
  const bool is_f8 = h.descr.size() == 3 && h.descr.substr(1) == "f8";
  const char order = h.descr.empty() ? '?' : h.descr[0];
  if ((!is_f4 && !is_f8) || (order != '<' && order != '>' && order != '='))
    throw UserError(where + ": dtype '" + h.descr +
                    "'; expected float32 or float64 ('<f4', '<f8', or '>f4', '>f8'); convert with "
                    "arr.astype(np.float32)");
  if (h.shape.size() != 2)
    throw UserError(where + ": an array of " + std::to_string(h.shape.size()) +
                    " dimensions; expected 2 (rows = samples, columns = embedding dimensions)");
  const std::uint64_t rows = h.shape[0], cols = h.shape[1];
  const std::uint64_t item = is_f4 ? 4 : 8;
  const auto max_index = static_cast<std::uint64_t>(std::numeric_limits<Eigen::Index>::max());
  if (cols != 0 && rows > max_index / cols / item)
    throw UserError(where + ": shape (" + std::to_string(rows) + ", " + std::to_string(cols) + ") is too large");
  const std::uint64_t data_bytes = rows * cols * item;
  const std::uint64_t found = file_size - data_start;
  if (found < data_bytes)
    throw UserError(where + ": truncated .npy file: shape (" + std::to_string(rows) + ", " + std::to_string(cols) +
                    ") of " + h.descr + " needs " + std::to_string(data_bytes) + " data bytes, the file has " +
                    std::to_string(found));
  if (found > data_bytes)
    throw UserError(where + ": " + std::to_string(found - data_bytes) +
                    " bytes after the array's data; expected the file to end there");

  std::vector<unsigned char> raw(data_bytes);
  in.read(reinterpret_cast<char*>(raw.data()), static_cast<std::streamsize>(data_bytes));
  if (static_cast<std::uint64_t>(in.gcount()) != data_bytes) throw UserError(where + ": cannot read the array's data");
  const bool little = order == '<' || (order == '=' && std::endian::native == std::endian::little);
  const bool swap = little != (std::endian::native == std::endian::little);
  const auto R = static_cast<Eigen::Index>(rows), C = static_cast<Eigen::Index>(cols);
  Eigen::MatrixXd X(R, C);
  for (Eigen::Index k = 0; k < R * C; ++k) {
    const unsigned char* p = raw.data() + static_cast<std::size_t>(k) * item;
    const double v = is_f4 ? static_cast<double>(load<float>(p, swap)) : load<double>(p, swap);
    // C order stores row after row; Fortran order column after column, as Eigen does.
    if (h.fortran_order) {
      X(k % R, k / R) = v;
    } else {
      X(k / C, k % C) = v;
    }
  }
  return X;
}

}  // namespace vaesweep::text
