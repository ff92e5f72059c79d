// Fuzzes the .npy reader behind data.text embeddings imported from numpy (text/npy.hpp).
//
// Input: the .npy file's bytes. A UserError is the correct answer to a file that is not a 2-D
// float array; any other exception or sanitizer report is a bug.
#include <cstddef>
#include <cstdint>

#include "util/error.hpp"
#include "fuzz_support.hpp"
#include "text/npy.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const auto path = vaesweep::fuzz::write_scratch_file("embeddings.npy", data, size);
  try {
    (void)vaesweep::text::read_npy_matrix(path);
  } catch (const vaesweep::UserError&) {
  }
  return 0;
}
