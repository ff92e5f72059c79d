#pragma once
// Numbers in text tables: decimal notation only, as a person or pandas writes them.
#include <string_view>

namespace vaesweep {

// Parses the whole of `text` (surrounding spaces allowed) as a decimal number: digits, sign,
// point and exponent, or nan / inf. Hexadecimal floats ("0x1p3", which strtod reads as 8) and
// anything after the number (an embedded NUL byte included) are not numbers. False also when
// the value overflows a double.
bool parse_decimal(std::string_view text, double& out);

}  // namespace vaesweep
