#include "results/unit_status.hpp"

#include "util/error.hpp"

namespace vaesweep::results {

const char* to_string(UnitStatus status) {
  switch (status) {
    case UnitStatus::ok: return "ok";
    case UnitStatus::failed: return "failed";
    case UnitStatus::diverged: return "diverged";
    case UnitStatus::abandoned: return "abandoned";
  }
  return "";
}

UnitStatus parse_unit_status(const std::string& name) {
  for (UnitStatus s : {UnitStatus::ok, UnitStatus::failed, UnitStatus::diverged, UnitStatus::abandoned})
    if (name == to_string(s)) return s;
  throw UserError("unknown unit status \"" + name + "\" (valid: ok, failed, diverged, abandoned)");
}

}  // namespace vaesweep::results
