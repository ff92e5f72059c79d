// model.pca_solver in the grid: results files written before the key existed keep their pca
// units' hashes; an explicit solver is a unit of its own; the key does not shape other models.
#include <gtest/gtest.h>

#include "core/grid.hpp"
#include "user_error_expect.hpp"

namespace vaesweep {
namespace {

Grid grid_of(const std::string& text, const std::vector<std::string>& overrides = {}) {
  return expand_grid(parse_study(text, "s.toml", overrides));
}

const std::string kTableStudy = R"(
[data]
source = "table"
path = "t.csv"
[model]
kind = "pca"
latent_dim = 4
[grid]
seed = [1, 2]
)";

// The hashes vaesweep 7c05baa (the commit before model.pca_solver existed) gave these units:
// computed by this test's expand_grid at that commit, where no key named the solver.
TEST(GridPcaSolver, DefaultPcaUnitsKeepTheirHashes) {
  const Grid g = grid_of(kTableStudy);
  ASSERT_EQ(g.size(), 2u);
  EXPECT_EQ(g.config_hash(0), "7f316a4e90a608f3569079606552d69553d1e73454101968c0545f77ae7504ba");  // seed 1
  EXPECT_EQ(g.config_hash(1), "3f6a791b94cd7a2817ebe9bbbfd322d172030b979f0b32a78c653326149e7949");  // seed 2
}

}  // namespace
}  // namespace vaesweep
