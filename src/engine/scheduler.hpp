#pragma once
// Dynamic scheduling of work units across ranks. Rank 0 runs a coordinator (a thread beside its
// own work) that hands out units in a given order, longest expected first, to whichever rank
// asks; a rank asks again when it has finished what it was given. Ranks ask for several cheap
// units at a time (as many as fill about 50 ms, guided by what is left), so that a million
// no-op units cost microseconds each while a long training run is always handed out alone.
//
// The coordinator also counts finished and failed units for the progress line, stops handing
// out units when a stop signal arrives or when --max-failures is reached, and forwards a stop
// signal to every rank so that their units in progress can be abandoned after the grace period.
// Results never travel through the scheduler: each rank makes its own durable (shard journal).
#include <chrono>
#include <cstddef>
#include <cstdint>
#include <functional>
#include <vector>

#include "engine/mpi_context.hpp"

namespace vaesweep::engine {

enum class StopReason { finished, signal, too_many_failures };

struct SchedulePlan {
  std::vector<std::size_t> order;   // grid indices to run, in hand-out order (rank 0's plan counts)
  // Empty, or one flag per entry of `order`: 1 when the unit belongs to the same batch as the one
  // before it (their models train together). A batch is never split: it goes to one rank, and
  // that rank's work function receives it in one call.
  std::vector<std::uint8_t> joins_previous;
  std::size_t max_failures = 0;     // stop handing out units once this many failed (0: never)
  std::chrono::milliseconds progress_interval{10000};
  std::size_t done_before = 0;      // units that earlier runs finished, for the progress line
  // Called once on rank 0 when units stop being handed out early (a signal, too many failures),
  // before the units in progress end; what it throws is logged as a warning, the stop goes on.
  std::function<void(StopReason)> on_stop;
};


struct ScheduleOutcome {  // meaningful on rank 0
  StopReason reason = StopReason::finished;
  std::size_t handed_out = 0;  // units given to ranks (some may have been abandoned by a stop)
  std::size_t done = 0, failed = 0;
};

enum class UnitResult { ok, failed, abandoned };

// Runs `grid index -> result`. `abandon()` turns true when the unit in progress should be given
// up (a stop was requested and its grace period is over); the function then returns abandoned.
using UnitWork = std::function<UnitResult(std::size_t index, const std::function<bool()>& abandon)>;
// Runs one batch of grid indices (see SchedulePlan::joins_previous; a single unit when the plan
// has no batches) and returns one result per index, in order.
using BatchWork =
    std::function<std::vector<UnitResult>(const std::vector<std::size_t>& indices, const std::function<bool()>& abandon)>;

// Collective: every rank calls it; rank 0's `plan` is the one used. Returns when this rank has
// no more work. Throws (on rank 0) what the coordinator thread threw.
ScheduleOutcome schedule_units(const SchedulePlan& plan, const MpiSession& mpi, const BatchWork& work);
// The same, one unit per call (a plan without batches).
ScheduleOutcome schedule_units(const SchedulePlan& plan, const MpiSession& mpi, const UnitWork& work);

}  // namespace vaesweep::engine
