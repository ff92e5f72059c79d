#pragma once
#include <string>

namespace vaesweep {

// SHA-256 of `data` as 64 lowercase hex digits (OpenSSL's libcrypto).
std::string sha256_hex(const std::string& data);

}  // namespace vaesweep
