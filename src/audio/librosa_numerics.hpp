#pragma once
// Small pieces shared by the librosa ports (spectrogram, spectral features, chroma): librosa's
// float32 "tiny" guard, and one way of naming an invalid parameter in an error.
#include <limits>
#include <sstream>
#include <string>

#include "util/error.hpp"

namespace vaesweep::audio {

// librosa.util.tiny of its float32 arrays: guards divisions and "zero" norms.
inline constexpr double kFloat32Tiny = std::numeric_limits<float>::min();

// A parameter value as it appears in error messages.
inline std::string param_text(double v) {
  std::ostringstream os;
  os << v;
  return os.str();
}

// UserError "<what> parameter '<field>' = <value>: expected <expected>".
[[noreturn]] inline void bad_param(const std::string& what, const char* field, const std::string& value,
                                   const std::string& expected) {
  throw UserError(what + " parameter '" + field + "' = " + value + ": expected " + expected);
}

}  // namespace vaesweep::audio
