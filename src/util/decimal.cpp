#include "util/decimal.hpp"

#include <cerrno>
#include <charconv>
#include <cmath>
#include <cstdlib>
#include <cstring>
#include <string>
#include <system_error>

namespace vaesweep {
namespace {

// strtod's reading of the whole of `text` (already trimmed), as parse_decimal defines it.
bool strtod_whole(std::string_view text, double& out) {
  std::size_t digits = text.front() == '+' || text.front() == '-' ? 1 : 0;
  if (text.size() > digits + 1 && text[digits] == '0' && (text[digits + 1] == 'x' || text[digits + 1] == 'X'))
    return false;
  // strtod needs a terminated string; a NUL inside ends it early. A short cell (the usual
  // number) is copied to the stack, a longer one to the heap.
  char small[64];
  std::string large;
  const char* begin = small;
  if (text.size() < sizeof small) {
    std::memcpy(small, text.data(), text.size());
    small[text.size()] = '\0';
  } else {
    large.assign(text);
    begin = large.c_str();
  }
  char* end = nullptr;
  errno = 0;
  out = std::strtod(begin, &end);
  return end == begin + text.size() && errno != ERANGE;
}

}  // namespace

bool parse_decimal(std::string_view text, double& out) {
  std::size_t first = text.find_first_not_of(' ');
  if (first == std::string_view::npos) return false;
  const std::size_t last = text.find_last_not_of(' ');
  text = text.substr(first, last - first + 1);
  // The usual cell first: std::from_chars reads a subset of strtod's syntax (an optional minus,
  // digits, a point, an exponent; no plus, no hexadecimal, no leading spaces) and rounds as
  // strtod does (correctly), several times faster. A value it reads whole that is finite and far
  // from the ends of double's range is strtod's value; anything else (a plus sign, nan, inf, a
  // value near the range's ends, where strtod's ERANGE decides, or text it stops on) goes to
  // strtod, as before.
  double fast = 0;
  const auto [end, error] = std::from_chars(text.data(), text.data() + text.size(), fast, std::chars_format::general);
  if (error == std::errc() && end == text.data() + text.size()) {
    const double magnitude = std::fabs(fast);
    if (magnitude >= 1e-300 && magnitude <= 1e300) {
      out = fast;
      return true;
    }
  }
  return strtod_whole(text, out);
}

}  // namespace vaesweep
