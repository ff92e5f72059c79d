#pragma once
// Joining names for messages, logs and results attributes, and numbers as text for output files.
#include <charconv>
#include <string>
#include <string_view>

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

// The shortest text that reads back as exactly `v` (std::to_chars): for CSV and JSON outputs.
inline std::string number_text(double v) {
  char buf[32];
  const auto res = std::to_chars(buf, buf + sizeof buf, v);
  return std::string(buf, res.ptr);
}

}  // namespace vaesweep
