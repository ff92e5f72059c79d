#include "results/legacy_axes_text.hpp"

#include <algorithm>
#include <cctype>
#include <charconv>
#include <cstdint>

#include "util/error.hpp"
#include "study/study_schema.hpp"

namespace vaesweep::results {
namespace {

// Length of "name=" at the start of `text` (name: a letter or '_', then letters, digits, '_'
// or '.'), 0 when `text` does not start with one.
std::size_t name_prefix(const std::string& text, std::size_t at) {
  std::size_t i = at;
  if (i >= text.size() || !(std::isalpha(static_cast<unsigned char>(text[i])) || text[i] == '_')) return 0;
  while (i < text.size() && (std::isalnum(static_cast<unsigned char>(text[i])) || text[i] == '_' || text[i] == '.')) ++i;
  return i < text.size() && text[i] == '=' ? i + 1 - at : 0;
}

// The value as display_exact wrote it: integer, real, boolean or text. A real key's integral
// value ("beta=4") is a real again, as the study's schema made it.
Value typed(const std::string& name, const std::string& text) {
  const KeySpec* spec = find_key(name);
  if (!spec)
    if (const auto key = grid_alias(name)) spec = find_key(*key);
  const bool real = spec && spec->type == ValueType::real;
  const char* begin = text.data();
  const char* end = begin + text.size();
  std::int64_t i = 0;
  if (const auto [ptr, ec] = std::from_chars(begin, end, i); ec == std::errc() && ptr == end)
    return real ? Value(static_cast<double>(i)) : Value(i);
  double d = 0;
  if (const auto [ptr, ec] = std::from_chars(begin, end, d); ec == std::errc() && ptr == end) return Value(d);
  if (text == "true" || text == "false") return Value(text == "true");
  return Value(text);
}

}  // namespace

std::vector<std::pair<std::string, Value>> legacy_axes_text(const std::string& axes) {
  std::vector<std::pair<std::string, Value>> pairs;
  if (axes.empty()) return pairs;
  std::size_t start = 0;
  for (;;) {
    const std::size_t name_length = name_prefix(axes, start);
    if (name_length == 0)
      throw UserError("cannot read the axes text \"" + axes + "\" at \"" + axes.substr(start) +
                      "\" (expected name=value pairs separated by spaces)");
    int depth = 0;
    std::size_t end = start + name_length;
    for (; end < axes.size(); ++end) {
      const char c = axes[end];
      if (c == '[' || c == '{' || c == '(') ++depth;
      else if (c == ']' || c == '}' || c == ')') depth = std::max(0, depth - 1);
      else if (c == ' ' && depth == 0 && name_prefix(axes, end + 1) > 0) break;
    }
    std::string name = axes.substr(start, name_length - 1);
    Value value = typed(name, axes.substr(start + name_length, end - start - name_length));
    pairs.emplace_back(std::move(name), std::move(value));
    if (end >= axes.size()) return pairs;
    start = end + 1;
  }
}

}  // namespace vaesweep::results
