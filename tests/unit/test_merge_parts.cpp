// `vaesweep merge` streamed (results/merge_parts.hpp: the parts' records read back by rows, a
// block of merged units at a time) against its oracle, the same merge with every part's records
// read whole (block_units 0: what `vaesweep merge` did before it streamed). Planted parts are
// slices of one grid whose units cross block boundaries (block sizes 1, 7 and larger than the
// grid), repeat units from part to part (identical records: kept once), give an axis integers in
// most units and text in a few, carry per-track scores in some rows only, and fail; a unit
// failed in one part and ok in another, and parts of another study, are refused with the
// oracle's message.
#include <gtest/gtest.h>

#include <cmath>
#include <filesystem>

#include "io/hdf5_file.hpp"
#include "results/axis_columns.hpp"
#include "results/merge_parts.hpp"
#include "results/records.hpp"
#include "results/shards.hpp"
#include "merge_fixtures.hpp"
#include "temp_dir.hpp"
#include "util/error.hpp"

namespace vaesweep::results {
namespace {

namespace fs = std::filesystem;

const std::vector<std::string> kLabelSets = {"genre"};
constexpr std::size_t kGrid = 40;

// Config hashes: 64 hex digits (HashIndex keeps their bytes) for most units, other text for a few.
std::string hash_of(std::size_t i) {
  if (i % 6 == 5) return "hash_" + std::to_string(i);
  std::string h = std::to_string(i * 7919 + 11);
  return std::string(64 - h.size(), 'a') + h;
}

ShardUnit planted(std::size_t i, UnitStatus status, const std::string& run) {
  return planted_record(i, status, run, hash_of(i), static_cast<std::int64_t>(i));
}

struct PartSpec {
  std::vector<ShardUnit> units;
  std::string study_sha = "5ca1ab1e";
  std::int64_t slice_index = -1;  // -1: not a slice
  bool shuffle_evaluations = false;  // evaluations not in their units' order (read whole)
};

void write_part(const fs::path& path, const PartSpec& spec) {
  std::vector<UnitRecord> units;
  std::vector<EvaluationRecord> evaluations;
  for (const ShardUnit& u : spec.units) {
    units.push_back(u.unit);
    evaluations.insert(evaluations.end(), u.evaluations.begin(), u.evaluations.end());
  }
  if (spec.shuffle_evaluations) std::reverse(evaluations.begin(), evaluations.end());
  io::Hdf5File f = io::Hdf5File::create(path);
  f.set_attribute("/", "study_name", std::string("merge_test"));
  f.set_attribute("/", "study_sha256", spec.study_sha);
  f.set_attribute("/", "label_sets", std::string("genre"));
  f.set_attribute("/", "units_in_grid", static_cast<std::int64_t>(kGrid));
  if (spec.slice_index >= 0) {
    f.set_attribute("/", "slice_index", spec.slice_index);
    f.set_attribute("/", "slice_count", std::int64_t{3});
  }
  f.write_table("/units", units_table(units, kLabelSets));
  write_units_layout(f, axis_columns(units));
  f.write_table("/evaluations", evaluations_table(evaluations, kLabelSets));
  f.close();
}

class MergePartsTest : public ::testing::Test {
 protected:
  test::TempDir temp_;
  std::vector<fs::path> paths_;

  void add_part(const PartSpec& spec) {
    paths_.push_back(temp_ / ("part" + std::to_string(paths_.size()) + ".h5"));
    write_part(paths_.back(), spec);
  }
  MergeSummary merge(std::size_t block, const fs::path& out) {
    MergeOptions o;
    o.parts = paths_;
    o.out = out;
    o.block_units = block;
    return merge_parts(o);
  }
  // The streamed merge at several block sizes gives the oracle's file and summary.
  void expect_matches_oracle(bool read_whole = false) {
    const MergeSummary oracle = merge(0, temp_ / "oracle.h5");
    EXPECT_TRUE(oracle.read_whole);
    for (std::size_t block : {std::size_t{1}, std::size_t{7}, std::size_t{1000}}) {
      const std::string what = "block " + std::to_string(block) + " ";
      const fs::path out = temp_ / ("streamed" + std::to_string(block) + ".h5");
      const MergeSummary s = merge(block, out);
      EXPECT_EQ(s.read_whole, read_whole) << what;
      EXPECT_EQ(s.units, oracle.units) << what;
      EXPECT_EQ(s.ok, oracle.ok) << what;
      EXPECT_EQ(s.failed, oracle.failed) << what;
      EXPECT_EQ(s.evaluations, oracle.evaluations) << what;
      EXPECT_EQ(s.pending, oracle.pending) << what;
      EXPECT_EQ(s.duplicates, oracle.duplicates) << what;
      EXPECT_EQ(s.missing_slices, oracle.missing_slices) << what;
      const io::Hdf5File a = io::Hdf5File::open_read(temp_ / "oracle.h5"), b = io::Hdf5File::open_read(out);
      for (const char* table : {"/units", "/evaluations", "/runs"})
        if (a.exists(table)) expect_same_table(a.read_table(table), b.read_table(table), what + table);
      for (const char* attribute : {"axis_columns", "axis_kinds"})
        EXPECT_EQ(a.string_attribute("/units", attribute), b.string_attribute("/units", attribute)) << what;
      for (const char* attribute : {"results_format", "units_total", "units_ok", "units_pending", "complete"})
        EXPECT_EQ(a.int_attribute("/", attribute), b.int_attribute("/", attribute)) << what << attribute;
    }
  }
  std::string error_of(std::size_t block) {
    try {
      merge(block, temp_ / ("refused" + std::to_string(block) + ".h5"));
    } catch (const UserError& e) {
      EXPECT_FALSE(fs::exists(temp_ / ("refused" + std::to_string(block) + ".h5")));
      return e.what();
    }
    return "(no error)";
  }
  void expect_refused_like_oracle() {
    const std::string oracle = error_of(0);
    EXPECT_NE(oracle, "(no error)");
    for (std::size_t block : {std::size_t{1}, std::size_t{7}, std::size_t{1000}})
      EXPECT_EQ(error_of(block), oracle) << "block " << block;
  }
};

// Slices of the grid (unit i in slice i % 3, unit 7 missing), a failed unit in each.
std::vector<PartSpec> slices() {
  std::vector<PartSpec> parts(3);
  for (std::size_t i = 0; i < kGrid; ++i) {
    if (i == 7) continue;
    parts[i % 3].units.push_back(planted(i, i % 9 == 2 ? UnitStatus::failed : UnitStatus::ok, "run" + std::to_string(i % 3)));
  }
  for (std::size_t p = 0; p < 3; ++p) parts[p].slice_index = static_cast<std::int64_t>(p);
  return parts;
}

TEST_F(MergePartsTest, SlicesMatchTheWholeMerge) {
  for (const PartSpec& p : slices()) add_part(p);
  expect_matches_oracle();
}

TEST_F(MergePartsTest, IdenticalDuplicatesAreKeptOnce) {
  std::vector<PartSpec> parts = slices();
  // A fourth part repeating some units of the others (a failed one among them), identically.
  PartSpec again;
  for (std::size_t i : {0, 2, 3, 11, 20, 29, 31}) again.units.push_back(planted(i, i % 9 == 2 ? UnitStatus::failed : UnitStatus::ok, "run" + std::to_string(i % 3)));
  parts.push_back(again);
  parts.push_back(parts[1]);  // a part given twice
  for (const PartSpec& p : parts) add_part(p);
  expect_matches_oracle();
  EXPECT_EQ(merge(7, temp_ / "counted.h5").duplicates, 7 + parts[1].units.size());
}

TEST_F(MergePartsTest, APartReadWholeAmongStreamedOnes) {
  std::vector<PartSpec> parts = slices();
  parts[2].shuffle_evaluations = true;
  for (const PartSpec& p : parts) add_part(p);
  expect_matches_oracle(true);
}

TEST_F(MergePartsTest, FailedThenOkIsAConflict) {
  std::vector<PartSpec> parts = slices();
  PartSpec later;
  later.units.push_back(planted(2, UnitStatus::ok, "run9"));  // failed in slice 2: the first conflict
  later.units.push_back(planted(13, UnitStatus::ok, "run9"));  // ok in slice 1, another run
  later.units.push_back(planted(11, UnitStatus::ok, "run9"));
  parts.push_back(later);
  for (const PartSpec& p : parts) add_part(p);
  expect_refused_like_oracle();
  EXPECT_NE(error_of(7).find("both hold unit 2 "), std::string::npos) << error_of(7);
}

TEST_F(MergePartsTest, AnotherStudyIsRefused) {
  std::vector<PartSpec> parts = slices();
  parts[1].study_sha = "0ther5";
  for (const PartSpec& p : parts) add_part(p);
  expect_refused_like_oracle();
}

}  // namespace
}  // namespace vaesweep::results
