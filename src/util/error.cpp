#include "util/error.hpp"

#include <sstream>

namespace vaesweep {

void assertion_failed(const char* expr, const char* file, int line, const std::string& msg) {
  std::ostringstream out;
  out << "internal error (a bug in vaesweep): " << expr << " failed at " << file << ":" << line;
  if (!msg.empty()) out << ": " << msg;
  throw std::logic_error(out.str());
}

}  // namespace vaesweep
