// The MPI wrapper under mpirun (2 and 3 ranks): broadcast and gather deliver exact bytes, and a
// rank waiting for the root does not spin.
// Its own main: MPI must be initialised before GoogleTest runs and finalised after.
#include <gtest/gtest.h>

#include <sys/resource.h>

#include <chrono>
#include <thread>

#include "mpi_test_main.hpp"

namespace vaesweep::engine {
namespace {

MpiSession* g_mpi = nullptr;

TEST(MpiSession, BroadcastReachesEveryRank) {
  const std::string sent = g_mpi->is_root() ? std::string("root's bytes\0with a zero", 24) : "ignored";
  const std::string got = g_mpi->broadcast(sent);
  EXPECT_EQ(got, std::string("root's bytes\0with a zero", 24));
  EXPECT_EQ(g_mpi->broadcast(""), "");
}

TEST(MpiSession, GatherCollectsInRankOrder) {
  const std::string mine(static_cast<std::size_t>(g_mpi->rank()) * 1000, static_cast<char>('a' + g_mpi->rank()));
  const auto all = g_mpi->gather(mine);
  if (!g_mpi->is_root()) {
    EXPECT_TRUE(all.empty());
    return;
  }
  ASSERT_EQ(all.size(), static_cast<std::size_t>(g_mpi->size()));
  for (int r = 0; r < g_mpi->size(); ++r)
    EXPECT_EQ(all[static_cast<std::size_t>(r)], std::string(static_cast<std::size_t>(r) * 1000, static_cast<char>('a' + r)));
}

double cpu_seconds_of_this_thread() {
  rusage usage{};
  getrusage(RUSAGE_THREAD, &usage);
  return static_cast<double>(usage.ru_utime.tv_sec + usage.ru_stime.tv_sec) +
         1e-6 * static_cast<double>(usage.ru_utime.tv_usec + usage.ru_stime.tv_usec);
}

// The root sleeps a second before each collective; the others wait in them. OpenMPI's blocking
// calls would poll all that second (~1 CPU s per wait on an idle core, most of the core's share
// on a loaded one); the wrapper's waits sleep between polls, so a waiting rank's CPU stays a
// small fraction of the wait.
TEST(MpiSession, AWaitingRankLeavesItsCore) {
  const auto root_is_late = [] {
    if (g_mpi->is_root()) std::this_thread::sleep_for(std::chrono::seconds(1));
  };
  const double before = cpu_seconds_of_this_thread();
  root_is_late();
  g_mpi->barrier();
  root_is_late();
  EXPECT_EQ(g_mpi->broadcast(g_mpi->is_root() ? "late" : ""), "late");
  root_is_late();
  g_mpi->gather("x");
  if (g_mpi->is_root()) {
    std::this_thread::sleep_for(std::chrono::seconds(1));
    for (int r = 1; r < g_mpi->size(); ++r) g_mpi->send(r, 77, "late");
  } else {
    EXPECT_EQ(g_mpi->receive(0, 77), "late");
  }
  const double spent = cpu_seconds_of_this_thread() - before;
  if (!g_mpi->is_root()) EXPECT_LT(spent, 0.5) << "CPU seconds of rank " << g_mpi->rank() << " over four 1 s waits";
}

TEST(MpiSession, RunsWithMoreThanOneRank) { EXPECT_GE(g_mpi->size(), 2); }

}  // namespace
}  // namespace vaesweep::engine

int main(int argc, char** argv) { return vaesweep::test::run_mpi_tests(argc, argv, vaesweep::engine::g_mpi); }
