#pragma once
// The little Unicode the text embedders need, without ICU: strict UTF-8 decoding, code point
// classes for word boundaries, and Latin lower-casing. Each class is a fixed, documented list
// (tests/reference/make_text_reference.py spells the same lists for scikit-learn).
#include <string>
#include <string_view>

namespace vaesweep::text {

// Decodes UTF-8 strictly (RFC 3629: no overlong forms, no surrogates, nothing above U+10FFFF,
// no truncated sequence). Invalid input throws UserError "<what>: invalid UTF-8 at byte offset
// N (<reason>)"; text is rejected rather than repaired so that a mis-encoded file (Latin-1,
// UTF-16) is noticed instead of silently embedded as U+FFFD noise.
std::u32string decode_utf8(std::string_view bytes, const std::string& what);

// Appends the UTF-8 bytes of `cp` (a valid scalar value) to `out`.
void append_utf8(char32_t cp, std::string& out);

// Python's str.isspace(): U+0009-000D, U+001C-001F, U+0020, U+0085, U+00A0, U+1680,
// U+2000-200A, U+2028, U+2029, U+202F, U+205F, U+3000. These are the separators of Python's
// str.split(), hence of scikit-learn's char_wb analyzer.
bool is_whitespace(char32_t cp);

// Punctuation and symbols that end a word: every printable ASCII character that is not a letter
// or digit; U+00A1-00BF but the letters, numbers and soft hyphen among them (U+00AA, 00AD,
// 00B2, 00B3, 00B5, 00B9, 00BA, 00BC-00BE); U+00D7 and U+00F7; General Punctuation U+2010-2027
// and U+2030-205E; the danda U+0964 and double danda U+0965. Not in the list, so inside words:
// Bengali vowel signs and virama, ZWJ/ZWNJ (U+200C/200D, which shape Bengali conjuncts) and
// other format characters such as U+FEFF.
bool is_punctuation(char32_t cp);

// Lower case for Latin only, as Python's str.lower() maps these: A-Z, U+00C0-00DE except
// U+00D7, and the case pairs of Latin Extended-A (U+0100-017F) but U+0130 (whose Python lower
// case is two code points; left unchanged). Other scripts pass through (Bengali has no case).
char32_t latin_lower(char32_t cp);

}  // namespace vaesweep::text
