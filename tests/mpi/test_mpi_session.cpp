// The MPI wrapper under mpirun (2 and 3 ranks): broadcast and gather deliver exact bytes.
// Its own main: MPI must be initialised before GoogleTest runs and finalised after.
#include <gtest/gtest.h>

#include "mpi_test_main.hpp"

namespace vaesweep::sweep {
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

TEST(MpiSession, RunsWithMoreThanOneRank) { EXPECT_GE(g_mpi->size(), 2); }

}  // namespace
}  // namespace vaesweep::sweep

int main(int argc, char** argv) { return vaesweep::test::run_mpi_tests(argc, argv, vaesweep::sweep::g_mpi); }
