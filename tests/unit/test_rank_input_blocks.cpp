// rank's input read from a results file a block of /evaluations rows at a time (blocks of 1, 7
// and more than the table): the same ranking as the per-row input of the whole tables, and a
// hand-computed case.
#include <gtest/gtest.h>

#include <cstdint>
#include <string>
#include <vector>

#include "io/hdf5_file.hpp"
#include "report/rank_input.hpp"
#include "report/ranking.hpp"
#include "report/ranking_format.hpp"
#include "results/results_file.hpp"
#include "temp_dir.hpp"
#include "util/error.hpp"

namespace vaesweep::report {
namespace {

namespace fs = std::filesystem;

// 6 vae units (beta 1: units 0-2, beta 4: units 3-5; seeds 1, 2, 3 each), each evaluated at
// k = 4 and k = 8: 12 /evaluations rows, k = 8 first, so that blocks of 7 cut both a unit's
// rows and a group's. silhouette = 0.1 seed (+ 0.5 at beta 4) (+ 0.01 at k = 8).
void write_results(const fs::path& path, std::int64_t missing_unit = -1) {
  io::ColumnTable units;
  units.add_column("unit", std::vector<std::int64_t>{0, 1, 2, 3, 4, 5});
  units.add_column("model", std::vector<std::string>(6, "vae"));
  units.add_column("axes", std::vector<std::string>{"beta=1", "beta=1", "beta=1", "beta=4", "beta=4", "beta=4"});
  std::vector<std::string> hashes;
  for (int u = 0; u < 6; ++u) hashes.push_back("h" + std::to_string(u < 3 ? 1 : 4) + "aaaaaaaaaaaaaaaaaa" + std::to_string(u));
  units.add_column("config_hash", hashes);
  units.add_column("seed", std::vector<std::int64_t>{1, 2, 3, 1, 2, 3});
  units.add_column("reconstruction", std::vector<double>{1, 2, 3, 4, 5, 6});
  io::ColumnTable e;
  std::vector<std::int64_t> unit, k, scored;
  std::vector<double> silhouette;
  for (std::int64_t kk : {8, 4})
    for (std::int64_t u = 0; u < 6; ++u) {
      const std::int64_t seed = u % 3 + 1;
      unit.push_back(unit.size() == 9 && missing_unit >= 0 ? missing_unit : u);
      k.push_back(kk);
      silhouette.push_back(0.1 * static_cast<double>(seed) + (u >= 3 ? 0.5 : 0.0) + (kk == 8 ? 0.01 : 0.0));
      scored.push_back(u == 2 ? 0 : 90 + u);  // 0: scored nothing
    }
  e.add_column("unit", unit);
  e.add_column("method", std::vector<std::string>(12, "kmeans"));
  e.add_column("k", k);
  e.add_column("space", std::vector<std::string>(12, "vae_latent"));
  e.add_column("silhouette", silhouette);
  e.add_column("nmi_genre", std::vector<double>(12, 0.5));
  e.add_column("scored_genre", scored);
  io::ColumnTable features;
  features.add_column("rows", std::vector<std::int64_t>{100});
  io::Hdf5File file = io::Hdf5File::create(path);
  file.write_table("/units", units);
  file.write_table("/evaluations", e);
  file.write_table("/features", features);
  file.set_attribute("/", "study_name", "blocks");
  file.set_attribute("/", "study_sha256", "0123456789abcdef");
}

RankOptions options(std::vector<std::string> group_by) {
  RankOptions o;
  o.metric = "silhouette";
  o.group_by = std::move(group_by);
  o.also = {"nmi_genre"};
  return o;
}

TEST(RankInputBlocks, EveryBlockSizeRanksAsTheWholeTables) {
  test::TempDir temp;
  const fs::path path = temp / "r.h5";
  write_results(path);
  const RankInput whole = rank_input(results::read_results_file(path, rank_input_columns()));
  ASSERT_FALSE(whole.is_compact());
  for (std::size_t block : {1u, 7u, 1000u}) {
    SCOPED_TRACE("block " + std::to_string(block));
    const RankFile f = read_rank_input(path, options({}), block);
    EXPECT_EQ(f.study_name, "blocks");
    EXPECT_EQ(f.study_sha256, "0123456789abcdef");
    ASSERT_TRUE(f.input.is_compact());
    EXPECT_EQ(f.input.rows(), 12u);
    EXPECT_EQ(f.input.compact.distinct_keys.size(), 4u);  // 2 betas x 2 k
    EXPECT_EQ(f.input.compact.hash_end.size(), 6u);
    EXPECT_EQ(f.input.compact.unit_hash(5), "h4aaaaaaaaaaaaaaaaaa5");
    EXPECT_EQ(f.input.key_names, whole.key_names);
    EXPECT_EQ(f.input.metric_names, whole.metric_names);
    for (const auto& group_by : std::vector<std::vector<std::string>>{{}, {"beta"}, {"model"}}) {
      const Ranking a = rank_groups(whole, options(group_by)), b = rank_groups(f.input, options(group_by));
      EXPECT_EQ(format_csv(a), format_csv(b));
      EXPECT_EQ(format_markdown(a), format_markdown(b));
      EXPECT_EQ(format_json(a, {"blocks", "0123456789abcdef", path.string(), "rank", ""}),
                format_json(b, {"blocks", "0123456789abcdef", path.string(), "rank", ""}));
    }
    // By hand: grouped by beta, each seed's k = 4 and k = 8 rows averaged (+ 0.005), then the
    // seeds: beta 4 has 0.5 + 0.2 + 0.005, beta 1 0.2 + 0.005.
    const Ranking r = rank_groups(f.input, options({"beta"}));
    ASSERT_EQ(r.groups.size(), 2u);
    EXPECT_EQ(r.groups[0].key_values, std::vector<std::string>{"4"});
    EXPECT_NEAR(r.groups[0].mean, 0.705, 1e-12);
    EXPECT_NEAR(r.groups[1].mean, 0.205, 1e-12);
    EXPECT_EQ(r.groups[0].n, 3u);
    EXPECT_EQ(r.groups[0].n_rows, 6u);
    EXPECT_EQ(r.max_rows_per_seed, 2u);
    EXPECT_EQ(r.groups[0].seeds, (std::vector<std::int64_t>{1, 2, 3}));
    EXPECT_EQ(r.groups[0].unit_ids,
              (std::vector<std::string>{"3:h4aaaaaaaaaa", "4:h4aaaaaaaaaa", "5:h4aaaaaaaaaa"}));
    EXPECT_EQ(r.groups[1].config_hashes, (std::vector<std::string>{"h1aaaaaaaaaaaaaaaaaa0", "h1aaaaaaaaaaaaaaaaaa1",
                                                                   "h1aaaaaaaaaaaaaaaaaa2"}));
    // The fewest rows a genre score compared: 90 (unit 0), unit 2's 0 left out.
    ASSERT_EQ(f.input.scored.count("genre"), 1u);
    EXPECT_EQ(f.input.scored.at("genre").fewest, 90);
    EXPECT_EQ(f.input.scored.at("genre").rows, 100);
  }
}

TEST(RankInputBlocks, AMissingUnitNamesItsTableRowWhateverTheBlock) {
  test::TempDir temp;
  const fs::path path = temp / "r.h5";
  write_results(path, 99);
  for (std::size_t block : {1u, 7u, 1000u}) {
    try {
      read_rank_input(path, options({}), block);
      FAIL() << "expected UserError";
    } catch (const UserError& e) {
      EXPECT_NE(std::string(e.what()).find("evaluation row 9 names unit 99"), std::string::npos) << e.what();
    }
  }
}

}  // namespace
}  // namespace vaesweep::report
