#include "util/hash.hpp"

#include <openssl/evp.h>

#include "util/error.hpp"

namespace vaesweep {

std::string sha256_hex(const std::string& data) {
  unsigned char digest[EVP_MAX_MD_SIZE];
  unsigned int length = 0;
  const bool ok = EVP_Digest(data.data(), data.size(), digest, &length, EVP_sha256(), nullptr) == 1;
  VAESWEEP_ASSERT(ok && length == 32, "EVP_Digest(sha256) failed");
  static const char* hex = "0123456789abcdef";
  std::string out;
  out.reserve(64);
  for (unsigned int i = 0; i < length; ++i) {
    out += hex[digest[i] >> 4];
    out += hex[digest[i] & 15];
  }
  return out;
}

}  // namespace vaesweep
