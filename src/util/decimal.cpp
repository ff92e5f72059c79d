#include "util/decimal.hpp"

#include <cerrno>
#include <cstdlib>
#include <string>

namespace vaesweep {

bool parse_decimal(std::string_view text, double& out) {
  std::size_t first = text.find_first_not_of(' ');
  if (first == std::string_view::npos) return false;
  const std::size_t last = text.find_last_not_of(' ');
  text = text.substr(first, last - first + 1);
  std::size_t digits = text.front() == '+' || text.front() == '-' ? 1 : 0;
  if (text.size() > digits + 1 && text[digits] == '0' && (text[digits + 1] == 'x' || text[digits + 1] == 'X'))
    return false;
  const std::string copy(text);  // strtod needs a terminated string; a NUL inside ends it early
  char* end = nullptr;
  errno = 0;
  out = std::strtod(copy.c_str(), &end);
  return end == copy.c_str() + copy.size() && errno != ERANGE;
}

}  // namespace vaesweep
