// The unit scheduler under mpirun (2 and 3 ranks): every unit runs exactly once whatever the
// number of ranks, the costliest first, work spreads over the ranks, and a stop signal or
// --max-failures ends the sweep on every rank. Its own main, as the other MPI tests.
#include <gtest/gtest.h>

#include <chrono>
#include <csignal>
#include <numeric>
#include <thread>

#include "util/stop_request.hpp"
#include "engine/bytes.hpp"
#include "engine/scheduler.hpp"
#include "mpi_test_main.hpp"

namespace vaesweep::engine {
namespace {

MpiSession* g_mpi = nullptr;

SchedulePlan plan_of(std::size_t units) {
  SchedulePlan plan;
  plan.order.resize(units);
  std::iota(plan.order.begin(), plan.order.end(), 0);
  plan.progress_interval = std::chrono::hours(1);  // quiet
  return plan;
}

// Every rank's list of units it ran, on the root.
std::vector<std::vector<std::uint64_t>> gather_ran(const std::vector<std::uint64_t>& ran) {
  ByteWriter w;
  w.put_vector(ran);
  std::vector<std::vector<std::uint64_t>> out;
  for (const auto& part : g_mpi->gather(w.bytes())) {
    ByteReader r(part);
    out.push_back(r.get_vector<std::uint64_t>());
  }
  return out;
}

TEST(Scheduler, EveryUnitRunsExactlyOnceAndWorkSpreads) {
  // Cheap units (thousands) and a few slow ones: batching must not lose or repeat any.
  const std::size_t n = 20000;
  std::vector<std::uint64_t> ran;
  const ScheduleOutcome outcome = schedule_units(plan_of(n), *g_mpi, [&](std::size_t i, const auto&) {
    if (i % 5000 == 0) std::this_thread::sleep_for(std::chrono::milliseconds(20));
    ran.push_back(i);
    return UnitResult::ok;
  });
  const auto all = gather_ran(ran);
  if (!g_mpi->is_root()) return;
  std::vector<int> count(n, 0);
  for (const auto& part : all)
    for (auto i : part) ++count[i];
  for (std::size_t i = 0; i < n; ++i) ASSERT_EQ(count[i], 1) << "unit " << i;
  EXPECT_EQ(outcome.reason, StopReason::finished);
  EXPECT_EQ(outcome.done, n);
  EXPECT_EQ(outcome.handed_out, n);
  // Some rank other than the root did work (20 ms sleeps make the root busy).
  std::size_t others = 0;
  for (std::size_t r = 1; r < all.size(); ++r) others += all[r].size();
  EXPECT_GT(others, 0u);
}

TEST(Scheduler, SlowUnitsGoOneAtATimeInPlanOrder) {
  // Units of 30 ms: each request gets one unit, so the first units handed out are the plan's
  // first (the costliest) and every rank gets some.
  SchedulePlan plan = plan_of(12);
  std::reverse(plan.order.begin(), plan.order.end());  // the plan decides the order, not the index
  std::vector<std::uint64_t> ran;
  schedule_units(plan, *g_mpi, [&](std::size_t i, const auto&) {
    ran.push_back(i);
    std::this_thread::sleep_for(std::chrono::milliseconds(30));
    return UnitResult::ok;
  });
  const auto all = gather_ran(ran);
  if (!g_mpi->is_root()) return;
  for (const auto& part : all) {
    EXPECT_FALSE(part.empty()) << "a rank got no unit";
    // Each rank receives units in plan order: descending indexes here.
    EXPECT_TRUE(std::is_sorted(part.rbegin(), part.rend()));
    if (!part.empty()) {
      EXPECT_GE(part.front(), 12u - static_cast<std::uint64_t>(all.size()) * 2);
    }
  }
}

TEST(Scheduler, ABatchGoesWholeToOneRankInOneCall) {
  // 30 units in batches of 3 (the models of a batch train together): however the coordinator
  // slices its hand-outs, a work call gets exactly one batch, and every unit runs once.
  SchedulePlan plan = plan_of(30);
  plan.joins_previous.assign(30, 1);
  for (std::size_t i = 0; i < 30; i += 3) plan.joins_previous[i] = 0;
  std::vector<std::uint64_t> ran;
  std::vector<std::uint64_t> bad_calls;
  const ScheduleOutcome outcome = schedule_units(plan, *g_mpi, BatchWork([&](const std::vector<std::size_t>& units, const auto&) {
    const bool whole = units.size() == 3 && units[0] % 3 == 0 && units[1] == units[0] + 1 && units[2] == units[0] + 2;
    if (!whole) bad_calls.push_back(units.front());
    ran.insert(ran.end(), units.begin(), units.end());
    std::this_thread::sleep_for(std::chrono::milliseconds(5));
    return std::vector<UnitResult>(units.size(), UnitResult::ok);
  }));
  const auto all = gather_ran(ran);
  const auto bad = gather_ran(bad_calls);
  if (!g_mpi->is_root()) return;
  for (const auto& part : bad) EXPECT_TRUE(part.empty()) << "a work call got a split batch, from unit " << part.front();
  std::vector<int> count(30, 0);
  for (const auto& part : all)
    for (auto i : part) ++count[i];
  for (std::size_t i = 0; i < 30; ++i) EXPECT_EQ(count[i], 1) << "unit " << i;
  EXPECT_EQ(outcome.done, 30u);
  std::size_t ranks_with_work = 0;
  for (const auto& part : all) ranks_with_work += part.empty() ? 0 : 1;
  EXPECT_GT(ranks_with_work, 1u);
}

TEST(Scheduler, MoreRanksThanUnits) {
  std::vector<std::uint64_t> ran;
  const ScheduleOutcome outcome = schedule_units(plan_of(1), *g_mpi, [&](std::size_t i, const auto&) {
    ran.push_back(i);
    return UnitResult::ok;
  });
  const auto all = gather_ran(ran);
  if (!g_mpi->is_root()) return;
  std::size_t total = 0;
  for (const auto& part : all) total += part.size();
  EXPECT_EQ(total, 1u);
  EXPECT_EQ(outcome.done, 1u);
}

TEST(Scheduler, MaxFailuresStopsHandingOutUnits) {
  SchedulePlan plan = plan_of(200);
  plan.max_failures = 3;
  std::vector<std::uint64_t> ran;
  const ScheduleOutcome outcome = schedule_units(plan, *g_mpi, [&](std::size_t i, const auto&) {
    ran.push_back(i);
    // Slower than a batch's 50 ms, so each rank holds one unit at a time.
    std::this_thread::sleep_for(std::chrono::milliseconds(60));
    return UnitResult::failed;
  });
  const auto all = gather_ran(ran);
  if (!g_mpi->is_root()) return;
  EXPECT_EQ(outcome.reason, StopReason::too_many_failures);
  std::size_t total = 0;
  for (const auto& part : all) total += part.size();
  // At most the failures that were reported plus one unit in flight per rank.
  EXPECT_GE(total, 3u);
  EXPECT_LE(total, 3u + 2 * all.size());
  EXPECT_EQ(outcome.failed, total);
}

TEST(Scheduler, StopSignalOnOneRankStopsEveryRankAndAbandonsAfterGrace) {
  reset_stop_request();
  set_stop_grace(0.05);
  std::vector<std::uint64_t> ran;
  std::size_t abandoned = 0;
  const ScheduleOutcome outcome = schedule_units(plan_of(1000), *g_mpi, [&](std::size_t i, const auto& abandon) {
    // The last rank is "signalled" during its third unit; a unit takes 100 steps of 5 ms and
    // gives up when abandon() says so.
    if (g_mpi->rank() == g_mpi->size() - 1 && ran.size() == 2) request_stop(SIGTERM);
    for (int step = 0; step < 100; ++step) {
      if (abandon()) {
        ++abandoned;
        return UnitResult::abandoned;
      }
      std::this_thread::sleep_for(std::chrono::milliseconds(5));
    }
    ran.push_back(i);
    return UnitResult::ok;
  });
  const bool stopped_here = stop_requested();
  const auto all = gather_ran(ran);
  reset_stop_request();
  set_stop_grace(60);
  EXPECT_TRUE(stopped_here) << "rank " << g_mpi->rank() << " never learned of the stop";
  if (!g_mpi->is_root()) return;
  EXPECT_EQ(outcome.reason, StopReason::signal);
  std::size_t total = 0;
  for (const auto& part : all) total += part.size();
  EXPECT_LT(total, 1000u);
  EXPECT_EQ(outcome.done, total);
}

}  // namespace
}  // namespace vaesweep::engine

int main(int argc, char** argv) { return vaesweep::test::run_mpi_tests(argc, argv, vaesweep::engine::g_mpi); }
