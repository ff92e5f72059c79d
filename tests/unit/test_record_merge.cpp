// The bounded merge (results/record_merge.hpp) against its oracle, the all-in-memory merge that
// `vaesweep run` did before: read_prior_work + latest_records + units_table / evaluations_table
// written whole. Planted records cross block boundaries, repeat units (a failure then an ok, an
// ok then a failure), fail, carry per-track scores in some rows only, give an axis integers in
// one block and text in another, and come from an earlier results file as well as journals.
#include <gtest/gtest.h>

#include <cmath>
#include <filesystem>

#include "io/hdf5_file.hpp"
#include "engine/shard_journal.hpp"
#include "results/axis_columns.hpp"
#include "results/prior_work.hpp"
#include "results/record_merge.hpp"
#include "results/results_file.hpp"
#include "results/shards.hpp"
#include "merge_fixtures.hpp"
#include "temp_dir.hpp"

namespace vaesweep::results {
namespace {

namespace fs = std::filesystem;

const std::vector<std::string> kLabelSets = {"genre"};

std::string hash_of(std::size_t i) { return "hash" + std::to_string(i * 7919 % 1000) + "_" + std::to_string(i); }

ShardUnit planted(std::size_t i, UnitStatus status, const std::string& run, int variant) {
  // an earlier grid's unit number: the merge renumbers
  return planted_record(i, status, run, hash_of(i), 1000 + static_cast<std::int64_t>(i), variant);
}

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

// The oracle: the whole tables from the records held in memory.
void write_in_memory(const fs::path& results, const HashIndex& index, const fs::path& out) {
  PriorWork prior = read_prior_work(results);
  std::vector<ShardUnit> merged = latest_records(std::move(prior.units), index);
  std::vector<UnitRecord> units;
  std::vector<EvaluationRecord> evaluations;
  for (ShardUnit& u : merged) {
    units.push_back(std::move(u.unit));
    for (auto& e : u.evaluations) evaluations.push_back(std::move(e));
  }
  io::Hdf5File file = io::Hdf5File::create(out);
  file.write_table("/units", units_table(units, kLabelSets));
  write_units_layout(file, axis_columns(units));
  file.write_table("/evaluations", evaluations_table(evaluations, kLabelSets));
  file.close();
}

void write_bounded(const fs::path& results, const HashIndex& index, const fs::path& out, std::size_t block) {
  RecordMerge merge(results, index);
  io::Hdf5File file = io::Hdf5File::create(out);
  merge.write_tables(file, kLabelSets, {}, block);
  file.close();
}

// Same columns, types, values, axis attributes; and, as h5py would see them, the same string
// widths (a fixed-length string read back keeps no padding, so widths are compared by writing
// nothing longer: the bounded file's create_table took the oracle's widths when equal ones fit).
void expect_same_files(const fs::path& oracle, const fs::path& bounded, const std::string& what) {
  const io::Hdf5File a = io::Hdf5File::open_read(oracle), b = io::Hdf5File::open_read(bounded);
  for (const char* table : {"/units", "/evaluations"}) expect_same_table(a.read_table(table), b.read_table(table), what + table);
  for (const char* attribute : {"axis_columns", "axis_kinds"})
    EXPECT_EQ(a.string_attribute("/units", attribute), b.string_attribute("/units", attribute)) << what;
  EXPECT_EQ(a.int_attribute("/", "results_format"), b.int_attribute("/", "results_format")) << what;
}

class RecordMergeTest : public ::testing::Test {
 protected:
  test::TempDir temp_;
  fs::path results_ = temp_ / "r.h5";
  HashIndex index_;
  void SetUp() override {
    for (std::size_t i = 0; i < 60; ++i) index_.emplace(hash_of(i), i);
  }
  void expect_matches_oracle() {
    write_in_memory(results_, index_, temp_ / "oracle.h5");
    for (std::size_t block : {std::size_t{1}, std::size_t{7}, std::size_t{29}, std::size_t{1000}}) {
      const fs::path out = temp_ / ("bounded" + std::to_string(block) + ".h5");
      write_bounded(results_, index_, out, block);
      expect_same_files(temp_ / "oracle.h5", out, "block " + std::to_string(block) + " ");
    }
  }
};

TEST_F(RecordMergeTest, JournalsOnlyEqualTheInMemoryMerge) {
  std::vector<ShardUnit> rank0, rank1, later;
  for (std::size_t i = 0; i < 60; ++i) {
    if (i == 17) continue;  // never ran: pending
    const UnitStatus status = i % 13 == 6 ? UnitStatus::failed : i % 19 == 9 ? UnitStatus::diverged : UnitStatus::ok;
    (i % 2 ? rank1 : rank0).push_back(planted(i, status, "run1", 0));
  }
  rank0.push_back(planted(999, UnitStatus::ok, "run1", 0));  // not in this grid: dropped
  later.push_back(planted(6, UnitStatus::ok, "run2", 1));     // a failure retried: the ok wins
  later.push_back(planted(2, UnitStatus::failed, "run2", 1)); // an ok is never replaced by a failure
  later.push_back(planted(4, UnitStatus::ok, "run2", 2));     // a later ok replaces an earlier one
  write_journal(results_, "run1", 0, 10, rank0);
  write_journal(results_, "run1", 1, 10, rank1);
  write_journal(results_, "run2", 0, 20, later);
  expect_matches_oracle();

  RecordMerge merge(results_, index_);
  EXPECT_EQ(merge.counts().units, 59u);
  EXPECT_EQ(merge.counts().per_run.at("run2"), 2);  // units 6 and 4; unit 2 keeps run1's ok
}

TEST_F(RecordMergeTest, AnEarlierResultsFileAndJournalsEqualTheInMemoryMerge) {
  std::vector<ShardUnit> first;
  for (std::size_t i = 0; i < 40; ++i)
    first.push_back(planted(i, i % 7 == 3 ? UnitStatus::failed : UnitStatus::ok, "run1", 0));
  write_journal(results_, "run1", 0, 10, first);
  write_in_memory(results_, index_, results_.string() + ".tmp");  // the earlier run's results file
  // Its journals were removed by its merge; a resume adds units and retries a failure.
  fs::remove_all(shard_folder(results_));
  fs::rename(results_.string() + ".tmp", results_);
  {
    io::Hdf5File file = io::Hdf5File::open_read_write(results_);
    file.set_attribute("/", "label_sets", "genre");
  }
  std::vector<ShardUnit> second;
  for (std::size_t i = 40; i < 60; ++i) second.push_back(planted(i, UnitStatus::ok, "run2", 0));
  second.push_back(planted(3, UnitStatus::ok, "run2", 1));
  write_journal(results_, "run2", 0, 20, second);
  expect_matches_oracle();
}

// A results file whose /evaluations rows are not in the order of their units cannot be read back
// by rows: its records are read whole, as before, and the file is the same.
TEST_F(RecordMergeTest, AnEarlierFileWithItsEvaluationsOutOfOrderEqualsTheInMemoryMerge) {
  std::vector<ShardUnit> first;
  for (std::size_t i = 0; i < 30; ++i) first.push_back(planted(i, UnitStatus::ok, "run1", 0));
  write_journal(results_, "run1", 0, 10, first);
  write_in_memory(results_, index_, results_.string() + ".tmp");
  fs::remove_all(shard_folder(results_));
  fs::rename(results_.string() + ".tmp", results_);
  {
    io::Hdf5File file = io::Hdf5File::open_read_write(results_);
    file.set_attribute("/", "label_sets", "genre");
    const io::ColumnTable e = file.read_table("/evaluations");
    io::ColumnTable reversed;
    for (const auto& c : e.columns())
      std::visit(
          [&](const auto& values) { reversed.add_column(c.name, std::decay_t<decltype(values)>(values.rbegin(), values.rend())); },
          c.values);
    file.write_table("/evaluations", reversed);
  }
  std::vector<ShardUnit> second;
  for (std::size_t i = 30; i < 60; ++i) second.push_back(planted(i, UnitStatus::ok, "run2", 0));
  write_journal(results_, "run2", 0, 20, second);
  expect_matches_oracle();
}

TEST_F(RecordMergeTest, NoRecordsGivesEmptyTablesLikeTheInMemoryMerge) {
  expect_matches_oracle();
}

// The rule every reader of records keeps units by (unit_status.hpp): the latest record wins, but
// an ok record is never undone by a later failure.
TEST(ReplacesRecord, TheLatestWinsButOkIsNeverUndone) {
  using S = UnitStatus;
  EXPECT_TRUE(replaces_record(S::failed, S::ok));
  EXPECT_TRUE(replaces_record(S::ok, S::ok));  // a rerun of an ok unit: its newer record
  EXPECT_TRUE(replaces_record(S::failed, S::diverged));
  EXPECT_FALSE(replaces_record(S::ok, S::failed));
  EXPECT_FALSE(replaces_record(S::ok, S::diverged));
}

TEST(MergeCounts, CountsUnitsByStatusAndRun) {
  MergeCounts c;
  c.add(UnitStatus::ok, "a", 3);
  c.add(UnitStatus::failed, "a", 0);
  c.add(UnitStatus::diverged, "b", 0);
  EXPECT_EQ(c.units, 3u);
  EXPECT_EQ(c.ok, 1u);
  EXPECT_EQ(c.failed, 1u);
  EXPECT_EQ(c.diverged, 1u);
  EXPECT_EQ(c.evaluations, 3u);
  std::vector<RunRecord> runs(3);
  runs[0].run_id = "a", runs[1].run_id = "b", runs[2].run_id = "c";
  c.count_runs(runs);
  EXPECT_EQ(runs[0].units, 2);
  EXPECT_EQ(runs[1].units, 1);
  EXPECT_EQ(runs[2].units, 0);
}

}  // namespace
}  // namespace vaesweep::results
