#include "text/unicode.hpp"

#include "util/error.hpp"

namespace vaesweep::text {
namespace {

[[noreturn]] void invalid(const std::string& what, std::size_t offset, const char* reason) {
  throw UserError(what + ": invalid UTF-8 at byte offset " + std::to_string(offset) + " (" + reason +
                  "); expected UTF-8 text");
}

}  // namespace

std::u32string decode_utf8(std::string_view bytes, const std::string& what) {
  std::u32string out;
  out.reserve(bytes.size());
  std::size_t i = 0;
  while (i < bytes.size()) {
    const auto b0 = static_cast<unsigned char>(bytes[i]);
    if (b0 < 0x80) {
      out.push_back(b0);
      ++i;
      continue;
    }
    int extra = 0;
    char32_t cp = 0;
    char32_t min = 0;  // smallest code point allowed for this length: longer forms are overlong
    if ((b0 & 0xE0) == 0xC0) {
      extra = 1, cp = b0 & 0x1F, min = 0x80;
    } else if ((b0 & 0xF0) == 0xE0) {
      extra = 2, cp = b0 & 0x0F, min = 0x800;
    } else if ((b0 & 0xF8) == 0xF0) {
      extra = 3, cp = b0 & 0x07, min = 0x10000;
    } else {
      invalid(what, i, (b0 & 0xC0) == 0x80 ? "a continuation byte without a lead byte"
                                           : "a byte that never occurs in UTF-8");
    }
    if (bytes.size() - i <= static_cast<std::size_t>(extra))
      invalid(what, i, "a sequence cut short by the end of the text");
    for (int k = 1; k <= extra; ++k) {
      const auto b = static_cast<unsigned char>(bytes[i + static_cast<std::size_t>(k)]);
      if ((b & 0xC0) != 0x80) invalid(what, i, "a sequence cut short by a byte that is not a continuation byte");
      cp = (cp << 6) | (b & 0x3F);
    }
    if (cp < min) invalid(what, i, "an overlong encoding");
    if (cp >= 0xD800 && cp <= 0xDFFF) invalid(what, i, "an encoded surrogate");
    if (cp > 0x10FFFF) invalid(what, i, "a code point above U+10FFFF");
    out.push_back(cp);
    i += static_cast<std::size_t>(extra) + 1;
  }
  return out;
}

void append_utf8(char32_t cp, std::string& out) {
  if (cp < 0x80) {
    out.push_back(static_cast<char>(cp));
  } else if (cp < 0x800) {
    out.push_back(static_cast<char>(0xC0 | (cp >> 6)));
    out.push_back(static_cast<char>(0x80 | (cp & 0x3F)));
  } else if (cp < 0x10000) {
    out.push_back(static_cast<char>(0xE0 | (cp >> 12)));
    out.push_back(static_cast<char>(0x80 | ((cp >> 6) & 0x3F)));
    out.push_back(static_cast<char>(0x80 | (cp & 0x3F)));
  } else {
    out.push_back(static_cast<char>(0xF0 | (cp >> 18)));
    out.push_back(static_cast<char>(0x80 | ((cp >> 12) & 0x3F)));
    out.push_back(static_cast<char>(0x80 | ((cp >> 6) & 0x3F)));
    out.push_back(static_cast<char>(0x80 | (cp & 0x3F)));
  }
}

bool is_whitespace(char32_t cp) {
  return (cp >= 0x09 && cp <= 0x0D) || (cp >= 0x1C && cp <= 0x20) || cp == 0x85 || cp == 0xA0 || cp == 0x1680 ||
         (cp >= 0x2000 && cp <= 0x200A) || cp == 0x2028 || cp == 0x2029 || cp == 0x202F || cp == 0x205F ||
         cp == 0x3000;
}

bool is_punctuation(char32_t cp) {
  if (cp < 0x80) {
    const bool alnum = (cp >= '0' && cp <= '9') || (cp >= 'A' && cp <= 'Z') || (cp >= 'a' && cp <= 'z');
    return cp > 0x20 && cp < 0x7F && !alnum;
  }
  if (cp >= 0xA1 && cp <= 0xBF) {
    switch (cp) {
      case 0xAA: case 0xAD: case 0xB2: case 0xB3: case 0xB5: case 0xB9: case 0xBA: case 0xBC: case 0xBD: case 0xBE:
        return false;
      default:
        return true;
    }
  }
  return cp == 0xD7 || cp == 0xF7 || (cp >= 0x2010 && cp <= 0x2027) || (cp >= 0x2030 && cp <= 0x205E) ||
         cp == 0x0964 || cp == 0x0965;
}

char32_t latin_lower(char32_t cp) {
  if (cp >= 'A' && cp <= 'Z') return cp + 32;
  if (cp < 0xC0 || cp > 0x17F) return cp;
  if (cp <= 0xDE) return cp == 0xD7 ? cp : cp + 32;
  if (cp < 0x100) return cp;
  if (cp == 0x130) return cp;  // Python gives "i" + U+0307: not one code point
  if (cp == 0x178) return 0xFF;
  // Latin Extended-A pairs: upper case on even code points in these runs, on odd ones in the
  // others; the lone lower-case letters U+0131, 0138, 0149, 017F map to themselves.
  const bool even_upper = cp < 0x138 || (cp >= 0x14A && cp < 0x178);
  const bool odd_upper = (cp >= 0x139 && cp < 0x149) || (cp >= 0x179 && cp < 0x17F);
  if (even_upper && cp % 2 == 0) return cp + 1;
  if (odd_upper && cp % 2 == 1) return cp + 1;
  return cp;
}

}  // namespace vaesweep::text
