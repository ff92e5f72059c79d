#include "engine/provenance.hpp"

#include <cstdio>
#include <cstdlib>
#include <algorithm>
#include <random>

namespace vaesweep::engine {

std::string env_or_empty(const char* name) {
  const char* v = std::getenv(name);
  return v ? v : "";
}

std::string new_run_id(double unix_time) {
  std::string id = utc_text(unix_time);
  id.erase(std::remove_if(id.begin(), id.end(), [](char c) { return c == '-' || c == ':'; }), id.end());
  std::random_device device;
  char suffix[8];
  std::snprintf(suffix, sizeof suffix, "-%04x", static_cast<unsigned>(device() & 0xffff));
  return id + suffix;
}

}  // namespace vaesweep::engine
