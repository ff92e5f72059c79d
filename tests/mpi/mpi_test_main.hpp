#pragma once
// The main of an MPI test program: MPI must be initialised before GoogleTest runs and finalised
// after. Only the root prints GoogleTest's report; every rank's result counts in the exit code.
#include <gtest/gtest.h>

#include "engine/mpi_context.hpp"

namespace vaesweep::test {

// Runs every test with `session` pointing at the job's MpiSession; returns the exit code.
inline int run_mpi_tests(int argc, char** argv, engine::MpiSession*& session) {
  engine::MpiSession mpi(&argc, &argv);
  session = &mpi;
  ::testing::InitGoogleTest(&argc, argv);
  if (!mpi.is_root()) {
    auto& listeners = ::testing::UnitTest::GetInstance()->listeners();
    delete listeners.Release(listeners.default_result_printer());
  }
  const int failed = RUN_ALL_TESTS();
  const auto results = mpi.gather(std::string(1, static_cast<char>(failed ? 1 : 0)));
  int any_failed = failed;
  for (const auto& r : results) any_failed |= r[0];
  session = nullptr;
  return any_failed ? 1 : 0;
}

}  // namespace vaesweep::test
