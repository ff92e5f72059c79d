#pragma once
// Joining names for messages, logs and results attributes, and numbers as text for output files.
#include <charconv>
#include <string>
#include <string_view>
#include <vector>

namespace vaesweep {

template <typename Container>
std::string join(const Container& items, std::string_view separator = ", ") {
  std::string out;
  for (const auto& item : items) {
    if (!out.empty()) out += separator;
    out += item;
  }
  return out;
}

// The pieces of `text` between `separator`s; none for an empty text ("a,,b" gives a, "", b).
inline std::vector<std::string> split(std::string_view text, char separator) {
  std::vector<std::string> out;
  if (text.empty()) return out;
  std::size_t start = 0;
  for (;;) {
    const std::size_t at = text.find(separator, start);
    out.emplace_back(text.substr(start, at == std::string_view::npos ? std::string_view::npos : at - start));
    if (at == std::string_view::npos) return out;
    start = at + 1;
  }
}

// The shortest text that reads back as exactly `v` (std::to_chars): for CSV and JSON outputs.
inline std::string number_text(double v) {
  char buf[32];
  const auto res = std::to_chars(buf, buf + sizeof buf, v);
  return std::string(buf, res.ptr);
}

}  // namespace vaesweep
