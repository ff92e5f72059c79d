#include "report/axis_values.hpp"

#include <charconv>
#include <cstdint>

namespace vaesweep::report {
namespace {

bool whole_integer(const std::string& text, std::int64_t& out) {
  const char* end = text.data() + text.size();
  const auto [ptr, ec] = std::from_chars(text.data(), end, out);
  return ec == std::errc() && ptr == end;
}

bool whole_number(const std::string& text, double& out) {
  const char* end = text.data() + text.size();
  const auto [ptr, ec] = std::from_chars(text.data(), end, out);
  return ec == std::errc() && ptr == end;
}

std::string trimmed(const std::string& text) {
  const auto first = text.find_first_not_of(' ');
  if (first == std::string::npos) return "";
  return text.substr(first, text.find_last_not_of(' ') - first + 1);
}

}  // namespace

nlohmann::ordered_json axis_value(const std::string& text) {
  std::int64_t i = 0;
  double d = 0;
  if (whole_integer(text, i)) return i;
  if (whole_number(text, d)) return d;
  if (text == "true" || text == "false") return text == "true";
  if (text.size() >= 2 && text.front() == '[' && text.back() == ']') {
    // Items at depth 0, separated by ", " (Value::display of a list).
    nlohmann::ordered_json list = nlohmann::ordered_json::array();
    const std::string inner = text.substr(1, text.size() - 2);
    int depth = 0;
    std::size_t start = 0;
    for (std::size_t k = 0; k <= inner.size(); ++k) {
      if (k < inner.size() && (inner[k] == '[' || inner[k] == '{')) ++depth;
      else if (k < inner.size() && (inner[k] == ']' || inner[k] == '}')) --depth;
      else if (k == inner.size() || (inner[k] == ',' && depth == 0)) {
        const std::string item = trimmed(inner.substr(start, k - start));
        if (!item.empty()) list.push_back(axis_value(item));
        start = k + 1;
      }
    }
    return list;
  }
  return text;
}

}  // namespace vaesweep::report
