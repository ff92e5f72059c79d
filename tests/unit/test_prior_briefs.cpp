// --resume's bounded planning (read_prior_briefs: a byte a grid unit) against its oracle, the
// planning `vaesweep run` did before from every record held whole: read_prior_work, then
// units_to_run, refuse_changed_study, the full-solver pca groups and the first record outside
// the slice from PriorWork::units. Planted records repeat units (a failure then an ok, an ok then
// a failure, two failures), come from an earlier results file and from journals of two runs, one
// journal with a torn end; others are not units of the grid or not of the slice.
#include <gtest/gtest.h>

#include <cstdio>
#include <filesystem>
#include <optional>

#include "io/hdf5_file.hpp"
#include "engine/shard_journal.hpp"
#include "results/axis_columns.hpp"
#include "results/prior_work.hpp"
#include "results/shards.hpp"
#include "study/grid.hpp"
#include "study/study.hpp"
#include "sweep/run_sweep.hpp"
#include "temp_dir.hpp"

namespace vaesweep::results {
namespace {

namespace fs = std::filesystem;

const char* kStudy = R"(
[study]
name = "briefs"
[model]
epochs = 5
[grid]
model = ["vae"]
latent_dim = [2, 4]
seed = [1, 2, 3, 4, 5, 6, 7, 8, 9, 10]
)";

ShardUnit planted(const std::string& hash, UnitStatus status, const std::string& run, std::size_t i) {
  ShardUnit u;
  UnitRecord& r = u.unit;
  r.unit = 500 + static_cast<std::int64_t>(i);
  r.config_hash = hash;
  r.status = status;
  r.run_id = run;
  r.seed = static_cast<std::int64_t>(i);
  r.axes = "latent_dim=" + std::to_string(i);
  r.axis_values.emplace_back("latent_dim", Value(static_cast<std::int64_t>(i)));
  // Every fourth a pca unit, with each solver text a file may hold (empty: before the column).
  r.model = i % 4 == 0 ? "pca" : "vae";
  r.pca_solver = i % 4 != 0 ? "" : i % 3 == 0 ? "full" : i % 3 == 1 ? "randomized" : "";
  r.group_hash = "group" + std::to_string(i % 6);
  r.engine = i % 4 == 0 ? "" : i % 2 ? "batched" : "torch";
  r.message = status == UnitStatus::ok ? "" : "failed " + std::to_string(i);
  r.started_at = 100.0 + static_cast<double>(i);
  if (status != UnitStatus::ok) return u;
  EvaluationRecord e;
  e.unit = r.unit;
  e.config_hash = hash;
  e.method = "kmeans";
  e.k = 2;
  e.space = "vae_latent";
  e.external.assign(external_metric_names().size(), 0.5);
  e.scored = {4};
  u.evaluations.push_back(e);
  return u;
}

std::string outside_hash(std::size_t i) { return std::string(63, 'f') + std::to_string(i % 10); }

void write_journal(const fs::path& results, const std::string& run, int rank, double started_at,
                   const std::vector<ShardUnit>& units) {
  fs::create_directories(shard_folder(results));
  ShardHeader h;
  h.run_id = run;
  h.rank = rank;
  h.ranks = 2;
  h.host = "node" + std::to_string(rank);
  h.started_at = started_at;
  engine::JournalWriter w(shard_path(results, run, rank), encode_shard_header(h), 1000);
  for (const ShardUnit& u : units) w.append(encode_unit(u.unit, u.evaluations));
}

// An earlier run's results file holding `records` whole, as its merge writes the tables.
void write_results_file(const fs::path& results, const std::vector<ShardUnit>& records) {
  std::vector<UnitRecord> units;
  std::vector<EvaluationRecord> evaluations;
  for (const ShardUnit& u : records) {
    units.push_back(u.unit);
    for (const EvaluationRecord& e : u.evaluations) evaluations.push_back(e);
  }
  const std::vector<std::string> label_sets = {"genre"};
  io::Hdf5File file = io::Hdf5File::create(results);
  file.write_table("/units", units_table(units, label_sets));
  write_units_layout(file, axis_columns(units));
  file.write_table("/evaluations", evaluations_table(evaluations, label_sets));
  file.set_attribute("/", "label_sets", "genre");
  file.close();
}

// A record cut short at the end of a journal, as a kill -9 mid-write leaves it.
void tear(const fs::path& journal) {
  std::FILE* f = std::fopen(journal.c_str(), "ab");
  const char partial[6] = {40, 0, 0, 0, 0, 0};
  std::fwrite(partial, 1, sizeof partial, f);
  std::fclose(f);
}

// What the plan decides, as both planners give it.
struct Decisions {
  ToRun plain, retry;
  std::set<std::string> full_pca_groups;
  std::string refusal;  // refuse_changed_study's text ("" when it accepts)
  std::optional<std::pair<std::size_t, std::string>> outside_slice;  // grid index, unit_label
  std::vector<std::string> damage;
};

Decisions whole_record_planner(const fs::path& results, const Study& study, const Grid& grid, const HashIndex& index,
                               const sweep::Slice& slice) {
  Decisions d;
  const PriorWork prior = read_prior_work(results);
  try {
    refuse_changed_study(prior, study, index, results, "batched");
  } catch (const UserError& e) {
    d.refusal = e.what();
  }
  for (const ShardUnit& u : prior.units) {
    const auto unit = index.find(u.unit.config_hash);
    if (unit && !slice.holds(*unit)) {
      d.outside_slice.emplace(*unit, unit_label(u.unit));
      break;
    }
  }
  for (const ShardUnit& u : prior.units)
    if (u.unit.model == "pca" && (u.unit.pca_solver.empty() || u.unit.pca_solver == "full"))
      d.full_pca_groups.insert(u.unit.group_hash);
  d.plain = units_to_run(grid, prior, index, false);
  d.retry = units_to_run(grid, prior, index, true);
  for (const Shard& s : prior.shards) d.damage.push_back(s.damage);
  return d;
}

Decisions bounded_planner(const fs::path& results, const Study& study, const Grid& grid, const HashIndex& index,
                          const sweep::Slice& slice) {
  Decisions d;
  PriorBriefs briefs;
  const PriorWork prior = read_prior_briefs(results, index, [&](std::size_t unit) { return slice.holds(unit); }, briefs);
  EXPECT_TRUE(prior.units.empty());
  try {
    refuse_changed_study(prior, briefs, study, results, "batched");
  } catch (const UserError& e) {
    d.refusal = e.what();
  }
  if (briefs.outside_slice) d.outside_slice.emplace(briefs.outside_slice->first, unit_label(briefs.outside_slice->second));
  d.full_pca_groups = briefs.full_pca_groups;
  d.plain = units_to_run(grid, briefs, false);
  d.retry = units_to_run(grid, briefs, true);
  for (const Shard& s : prior.shards) d.damage.push_back(s.damage);
  return d;
}

void expect_same(const Decisions& a, const Decisions& b) {
  EXPECT_EQ(a.plain.order, b.plain.order);
  EXPECT_EQ(a.plain.done_before, b.plain.done_before);
  EXPECT_EQ(a.plain.failed_before, b.plain.failed_before);
  EXPECT_EQ(a.retry.order, b.retry.order);
  EXPECT_EQ(a.retry.done_before, b.retry.done_before);
  EXPECT_EQ(a.retry.failed_before, b.retry.failed_before);
  EXPECT_EQ(a.full_pca_groups, b.full_pca_groups);
  EXPECT_EQ(a.refusal, b.refusal);
  EXPECT_EQ(a.outside_slice, b.outside_slice);
  EXPECT_EQ(a.damage, b.damage);
}

class PriorBriefsTest : public ::testing::Test {
 protected:
  test::TempDir temp_;
  fs::path results_ = temp_ / "r.h5";
  Study study_ = parse_study(kStudy, "briefs.toml");
  Grid grid_ = expand_grid(study_);
  HashIndex index_ = index_grid(grid_);
  std::string hash(std::size_t i) const { return grid_.config_hash(i); }

  // Run 1 (two ranks, killed: rank 1's journal torn) and run 2 (retries and repeats).
  void plant_journals() {
    std::vector<ShardUnit> rank0, rank1, later;
    for (std::size_t i = 0; i < 14; ++i) {
      const UnitStatus status = i % 5 == 2 ? UnitStatus::failed : i == 9 ? UnitStatus::diverged : UnitStatus::ok;
      (i % 2 ? rank1 : rank0).push_back(planted(hash(i), status, "run1", i));
    }
    later.push_back(planted(hash(2), UnitStatus::ok, "run2", 2));      // failed, then ok: done
    later.push_back(planted(hash(3), UnitStatus::failed, "run2", 3));  // ok, then failed: the ok stays
    later.push_back(planted(hash(7), UnitStatus::diverged, "run2", 7));  // failed twice: retried with --retry-failed
    later.push_back(planted(hash(0), UnitStatus::ok, "run2", 0));      // ok twice
    later.push_back(planted(hash(15), UnitStatus::failed, "run2", 15));
    write_journal(results_, "run1", 0, 10, rank0);
    write_journal(results_, "run1", 1, 10, rank1);
    tear(shard_path(results_, "run1", 1));
    write_journal(results_, "run2", 0, 20, later);
  }
};

TEST_F(PriorBriefsTest, JournalsOnlyPlanAsTheWholeRecordsDid) {
  ASSERT_EQ(grid_.size(), 20u);
  plant_journals();
  const Decisions oracle = whole_record_planner(results_, study_, grid_, index_, sweep::Slice{});
  expect_same(oracle, bounded_planner(results_, study_, grid_, index_, sweep::Slice{}));
  // By hand: units 0..13 and 15 have records; 2 (failed, then ok) is ok; 3 keeps its ok; the
  // failures that stay are 7 (failed, diverged), 9 (diverged), 12 and 15 (failed).
  EXPECT_EQ(oracle.plain.done_before, 15u);
  EXPECT_EQ(oracle.plain.failed_before, 4u);
  EXPECT_EQ(oracle.retry.done_before, 11u);
  EXPECT_TRUE(oracle.refusal.empty()) << oracle.refusal;
  // pca units 0 and 12 (full) and 8 (no solver written) in groups 0, 0, 2; 4 is randomized.
  EXPECT_EQ(oracle.full_pca_groups, (std::set<std::string>{"group0", "group2"}));
  EXPECT_FALSE(oracle.damage[1].empty());  // run1's rank 1, torn
}

TEST_F(PriorBriefsTest, AResultsFileAndJournalsPlanAsTheWholeRecordsDid) {
  std::vector<ShardUnit> earlier;
  for (std::size_t i = 10; i < 20; i += 2)
    earlier.push_back(planted(hash(i), i == 14 ? UnitStatus::failed : UnitStatus::ok, "run0", i));
  write_results_file(results_, earlier);
  plant_journals();
  const Decisions oracle = whole_record_planner(results_, study_, grid_, index_, sweep::Slice{});
  expect_same(oracle, bounded_planner(results_, study_, grid_, index_, sweep::Slice{}));
  // The file adds 14 (failed), 16 and 18; its ok of 12 outlives run1's failure of 12.
  EXPECT_EQ(oracle.plain.done_before, 18u);
  EXPECT_EQ(oracle.plain.failed_before, 4u);
}

TEST_F(PriorBriefsTest, RecordsOutsideTheGridAreRefusedWithTheSameWords) {
  std::vector<ShardUnit> earlier = {planted(outside_hash(1), UnitStatus::ok, "run0", 1),
                                    planted(hash(4), UnitStatus::ok, "run0", 4)};
  write_results_file(results_, earlier);
  plant_journals();
  std::vector<ShardUnit> stray;
  for (std::size_t i = 2; i < 7; ++i) stray.push_back(planted(outside_hash(i), UnitStatus::ok, "run3", i));
  write_journal(results_, "run3", 0, 30, stray);
  const Decisions oracle = whole_record_planner(results_, study_, grid_, index_, sweep::Slice{});
  expect_same(oracle, bounded_planner(results_, study_, grid_, index_, sweep::Slice{}));
  EXPECT_NE(oracle.refusal.find("cannot reuse 6 finished unit(s)"), std::string::npos) << oracle.refusal;
  EXPECT_NE(oracle.refusal.find("torch engine"), std::string::npos) << oracle.refusal;
}

TEST_F(PriorBriefsTest, TheFirstRecordOutsideTheSliceIsTheOneNamed) {
  std::vector<ShardUnit> earlier = {planted(hash(4), UnitStatus::ok, "run0", 4),
                                    planted(hash(7), UnitStatus::ok, "run0", 7)};
  write_results_file(results_, earlier);
  plant_journals();
  const sweep::Slice slice{0, 2};  // even units
  const Decisions oracle = whole_record_planner(results_, study_, grid_, index_, slice);
  expect_same(oracle, bounded_planner(results_, study_, grid_, index_, slice));
  ASSERT_TRUE(oracle.outside_slice);
  EXPECT_EQ(oracle.outside_slice->first, 7u);  // the results file's, read first
  fs::remove(results_);
  const Decisions journals = whole_record_planner(results_, study_, grid_, index_, slice);
  expect_same(journals, bounded_planner(results_, study_, grid_, index_, slice));
  ASSERT_TRUE(journals.outside_slice);
  EXPECT_EQ(journals.outside_slice->first, 1u);  // run1's rank 1 journal: its first unit
}

TEST_F(PriorBriefsTest, NothingEarlierPlansEveryUnit) {
  const Decisions oracle = whole_record_planner(results_, study_, grid_, index_, sweep::Slice{});
  expect_same(oracle, bounded_planner(results_, study_, grid_, index_, sweep::Slice{}));
  EXPECT_EQ(oracle.plain.order.size(), 20u);
}

}  // namespace
}  // namespace vaesweep::results
