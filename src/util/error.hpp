#pragma once
// Two levels of errors (after faiss's FaissAssert.h):
//  - UserError: a mistake in what the user gave us (a study file, a flag, a data file). It is
//    thrown with the expected and the actual value and where it came from, and the CLI prints
//    it and exits non-zero.
//  - VAESWEEP_ASSERT: an internal invariant. Failing it is a bug in vaesweep, not in the input.
#include <stdexcept>
#include <string>

namespace vaesweep {

class UserError : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

[[noreturn]] void assertion_failed(const char* expr, const char* file, int line, const std::string& msg);

}  // namespace vaesweep

#define VAESWEEP_ASSERT(cond, msg)                                              \
  do {                                                                          \
    if (!(cond)) ::vaesweep::assertion_failed(#cond, __FILE__, __LINE__, (msg)); \
  } while (0)
