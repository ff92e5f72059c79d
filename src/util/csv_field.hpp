#pragma once
// One CSV field, quoted when it needs to be (RFC 4180): for every CSV vaesweep writes.
#include <string>
#include <string_view>

namespace vaesweep {

// `always_quote` quotes a field that does not need it (lists that readers should keep whole).
inline std::string csv_field(std::string_view text, bool always_quote = false) {
  if (!always_quote && text.find_first_of(",\"\r\n") == std::string_view::npos) return std::string(text);
  std::string out = "\"";
  for (char c : text) {
    if (c == '"') out += '"';
    out += c;
  }
  return out + "\"";
}

}  // namespace vaesweep
