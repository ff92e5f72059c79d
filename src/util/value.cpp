#include "util/value.hpp"

#include <cstdio>
#include <cstdlib>

namespace vaesweep {
namespace {

std::string format_double(double d, int digits) {
  char buf[64];
  std::snprintf(buf, sizeof buf, "%.*g", digits, d);
  return buf;
}

std::string quote(const std::string& s) {
  std::string out = "\"";
  for (char c : s) {
    if (c == '"' || c == '\\') out += '\\';
    out += c;
  }
  return out + "\"";
}

template <typename Leaf>
std::string render(const Value& v, Leaf leaf) {
  if (v.is_list()) {
    std::string out = "[";
    const auto& list = v.as_list();
    for (std::size_t i = 0; i < list.size(); ++i) {
      if (i) out += ", ";
      out += render(list[i], leaf);
    }
    return out + "]";
  }
  return leaf(v);
}

}  // namespace

std::string Value::canonical() const {
  return render(*this, [](const Value& v) -> std::string {
    if (v.is_bool()) return v.as_bool() ? "true" : "false";
    if (v.is_int()) return std::to_string(v.as_int());
    // A prefix keeps 1.0 (real) apart from 1 (integer). Appended, not `"f" + string`, which
    // trips GCC 12's false -Wrestrict warning.
    if (v.is_double()) return std::string("f").append(format_double(std::get<double>(v.data), 17));
    return quote(v.as_string());
  });
}

std::string Value::display() const {
  return render(*this, [](const Value& v) -> std::string {
    if (v.is_bool()) return v.as_bool() ? "true" : "false";
    if (v.is_int()) return std::to_string(v.as_int());
    if (v.is_double()) return format_double(std::get<double>(v.data), 6);
    return v.as_string();
  });
}

std::string Value::display_exact() const {
  return render(*this, [](const Value& v) -> std::string {
    if (!v.is_double()) return v.display();
    const double d = std::get<double>(v.data);
    for (int digits = 6; digits < 17; ++digits) {
      const std::string text = format_double(d, digits);
      if (std::strtod(text.c_str(), nullptr) == d) return text;
    }
    return format_double(d, 17);
  });
}

std::string Value::kind_name() const {
  if (is_bool()) return "a boolean";
  if (is_int()) return "an integer";
  if (is_double()) return "a number";
  if (is_string()) return "a string";
  return "a list";
}

}  // namespace vaesweep
