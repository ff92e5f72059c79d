#pragma once
// What became of a work unit, and of each of its evaluations: the values of /units.status and
// /evaluations.status (and of a journal record), as text exactly these names.
#include <string>

namespace vaesweep::results {

// ok: trained and evaluated (a collapsed posterior is still ok: UnitRecord::collapsed says so);
// failed: an exception stopped it (UnitRecord::message says which); diverged: a NaN or Inf
// training loss; abandoned: given up when a stop's grace period ran out (never recorded: the unit
// stays pending and runs again on --resume).
enum class UnitStatus { ok, failed, diverged, abandoned };

// Of two records of one unit, met in reading order (the results file's, then the journals',
// oldest run first): whether the later replaces the one kept. The latest record wins, except
// that a unit that once finished ok keeps that record: a later failed retry does not undo it.
// The merge, --resume's planning and `status` all keep records by this rule.
inline bool replaces_record(UnitStatus kept, UnitStatus later) {
  return later == UnitStatus::ok || kept != UnitStatus::ok;
}

// UserError naming the text and the valid names.
UnitStatus parse_unit_status(const std::string& name);
const char* to_string(UnitStatus status);

}  // namespace vaesweep::results
