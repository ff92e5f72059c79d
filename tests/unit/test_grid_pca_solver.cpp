// model.pca_solver in the grid: results files written before the key existed keep their pca
// units' hashes; an explicit solver is a unit of its own; the key does not shape other models.
#include <gtest/gtest.h>

#include <set>

#include "study/grid.hpp"
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

// auto leaves no line (above); an explicit solver is a unit of its own, also "full": auto may
// resolve to randomized on a wide table, so auto and full are not the same unit.
TEST(GridPcaSolver, AnExplicitSolverIsAUnitOfItsOwn) {
  const Grid g = grid_of(kTableStudy + "\"model.pca_solver\" = [\"auto\", \"full\", \"randomized\"]\n");
  ASSERT_EQ(g.size(), 6u);
  EXPECT_EQ(g.config_hash(0), grid_of(kTableStudy).config_hash(0));
  std::set<std::string> hashes;
  for (std::size_t i = 0; i < g.size(); ++i) hashes.insert(g.config_hash(i));
  EXPECT_EQ(hashes.size(), 6u);
  EXPECT_EQ(g.unit(0).canonical.find("model.pca_solver"), std::string::npos);
  EXPECT_NE(grid_of(kTableStudy, {"model.pca_solver=\"randomized\""}).unit(0).canonical.find(
                "model.pca_solver=\"randomized\"\n"),
            std::string::npos);
  EXPECT_EQ(grid_of(kTableStudy, {"model.pca_solver=\"randomized\""}).unit(0).model.pca_solver, "randomized");
}

// Other models do not read the key: a vae unit keeps its hash whatever it says.
TEST(GridPcaSolver, OtherModelsIgnoreTheKey) {
  const std::string vae = "[model]\nkind = \"vae\"\n";
  EXPECT_EQ(grid_of(vae, {"model.pca_solver=\"randomized\""}).config_hash(0), grid_of(vae).config_hash(0));
  const Grid both = grid_of("[grid]\nmodel = [\"vae\", \"pca\"]\n\"model.pca_solver\" = [\"full\", \"randomized\"]\n");
  EXPECT_EQ(both.size(), 3u);  // one vae unit, two pca units
}

TEST(GridPcaSolver, AnUnknownSolverNamesTheKeyAndTheValidNames) {
  test::expect_user_error_naming([] { grid_of(kTableStudy, {"model.pca_solver=\"foo\""}); }, "model.pca_solver");
  test::expect_user_error_naming([] { grid_of(kTableStudy, {"model.pca_solver=\"foo\""}); }, "randomized");
  test::expect_user_error_naming([] { grid_of("[model]\npca_solver = \"foo\"\n"); }, "auto");
}

}  // namespace
}  // namespace vaesweep
