// The confound audit on planted tables (a length that gives the class away, an independent
// column, a unique identifier, a file name whose prefix is the class) and on the real GTZAN +
// BanglaBeats table, where `length` alone gives away the language (every Bangla row has length
// 661500: ../shared/data/README.md).
#include <gtest/gtest.h>

#include <filesystem>
#include <random>

#include "util/error.hpp"
#include "data/confound_audit.hpp"
#include "user_error_expect.hpp"

namespace vaesweep::data {
namespace {
using test::expect_user_error_naming;

const ColumnAudit& find(const std::vector<ColumnAudit>& audits, const std::string& column, const std::string& set) {
  for (const auto& a : audits)
    if (a.column == column && a.label_set == set) return a;
  ADD_FAILURE() << "no audit of " << column << " against " << set;
  static const ColumnAudit none;
  return none;
}

// 300 rows, classes "a" (100) and "b" (200); columns with a known relation to the class. With
// `blank_b_labels`, rows 1, 7, 13, ... (50 "b" rows) have an empty label.
io::CsvTable planted(bool blank_b_labels = false) {
  io::CsvTable csv;
  csv.file = "planted.csv";
  csv.header = {"filename", "length", "noise", "id", "label"};
  std::mt19937_64 rng(3);
  std::uniform_real_distribution<double> uniform(0.0, 1.0);
  for (int r = 0; r < 300; ++r) {
    const bool a = r % 3 == 0;
    const std::string label = a ? "a" : "b";
    // Class a: one fixed length; class b: lengths spread above it (as GTZAN's above BanglaBeats').
    const double length = a ? 1000.0 : 1001.0 + std::floor(uniform(rng) * 50.0);
    csv.rows.push_back({label + "." + std::to_string(r) + ".wav", std::to_string(length), std::to_string(uniform(rng)),
                        "row" + std::to_string(r), blank_b_labels && r % 6 == 1 ? "" : label});
    csv.lines.push_back(static_cast<std::size_t>(r) + 2);
  }
  return csv;
}

TEST(ConfoundAudit, PlantedColumnsGetTheLiftTheirRelationImplies) {
  AuditOptions o;
  o.labels = {"label"};
  const auto audits = audit_columns(planted(), o);
  // The baseline predicts "b": 2/3 of the rows, whatever the fold.
  const ColumnAudit& length = find(audits, "length", "label");
  EXPECT_NEAR(length.baseline, 2.0 / 3.0, 0.02);
  EXPECT_DOUBLE_EQ(length.accuracy, 1.0);  // separable by one cut: every fold's bins keep it
  EXPECT_DOUBLE_EQ(length.lift, 1.0);
  EXPECT_TRUE(length.flagged && length.metadata);
  // Independent of the class: no better than the baseline (sampling noise only).
  const ColumnAudit& noise = find(audits, "noise", "label");
  EXPECT_LT(std::abs(noise.lift), 0.2);
  EXPECT_FALSE(noise.flagged || noise.metadata);
  // A unique identifier never generalises: every held-out value is unseen, so the classifier
  // predicts the majority class, exactly as the baseline does.
  const ColumnAudit& id = find(audits, "id", "label");
  EXPECT_EQ(id.distinct, 300u);
  EXPECT_DOUBLE_EQ(id.lift, 0.0);
  EXPECT_DOUBLE_EQ(find(audits, "filename", "label").lift, 0.0);
  // ... but the file name's leading token is the class.
  const ColumnAudit& token = find(audits, "filename (leading token)", "label");
  EXPECT_EQ(token.distinct, 2u);
  EXPECT_DOUBLE_EQ(token.lift, 1.0);
  // Sorted by lift within the label set.
  for (std::size_t i = 1; i < audits.size(); ++i) EXPECT_GE(audits[i - 1].lift, audits[i].lift);
}

TEST(ConfoundAudit, TheThresholdAndTheFoldsAreTheUsers) {
  AuditOptions o;
  o.labels = {"label"};
  o.threshold = 1.0;
  const auto audits = audit_columns(planted(), o);
  EXPECT_TRUE(find(audits, "length", "label").flagged);  // lift 1.0 >= 1.0
  o.seed = 9;
  EXPECT_DOUBLE_EQ(find(audit_columns(planted(), o), "length", "label").lift, 1.0);
}

TEST(ConfoundAudit, BadOptionsAndLabelsAreNamed) {
  AuditOptions o;
  expect_user_error_naming([&] { audit_columns(planted(), o); }, "at least one label set");
  o.labels = {"genre"};
  expect_user_error_naming([&] { audit_columns(planted(), o); }, "genre");
  o.labels = {"label"};
  o.folds = 1;
  expect_user_error_naming([&] { audit_columns(planted(), o); }, "folds must be >= 2");
  o.folds = 5;
  o.threshold = 2;
  expect_user_error_naming([&] { audit_columns(planted(), o); }, "threshold");
  o.threshold = 0.5;
  io::CsvTable small = planted();
  small.rows.truncate(3);
  small.lines.resize(3);
  expect_user_error_naming([&] { audit_columns(small, o); }, "fewer than the 5");
}

// Incomplete metadata: unlabelled rows take no part, so blanking a third of the labels changes
// nothing that the labelled rows decide: the planted length still separates them exactly, and
// the baseline (always "b", the clear majority) is right on exactly the 150 "b" rows of the 250
// labelled ones.
TEST(ConfoundAudit, UnlabelledRowsTakeNoPart) {
  AuditOptions o;
  o.labels = {"label"};
  const auto audits = audit_columns(planted(true), o);
  const ColumnAudit& length = find(audits, "length", "label");
  EXPECT_DOUBLE_EQ(length.baseline, 150.0 / 250.0);
  EXPECT_DOUBLE_EQ(length.accuracy, 1.0);
  EXPECT_DOUBLE_EQ(length.lift, 1.0);
}

TEST(ConfoundAudit, LengthGivesAwayTheLanguageOfGtzanAndBanglaBeats) {
  const std::filesystem::path file =
      std::filesystem::path(VAESWEEP_SHARED_DATA_DIR) / "features" / "gtzan_banglabeats_30s.csv";
  if (!std::filesystem::exists(file)) GTEST_SKIP() << file << " is not there";
  AuditOptions o;
  o.labels = {"label", "language"};
  const auto audits = audit_columns(io::read_csv(file), o);
  const ColumnAudit& length = find(audits, "length", "language");
  EXPECT_TRUE(length.flagged);
  EXPECT_GT(length.lift, 0.9) << "accuracy " << length.accuracy << " baseline " << length.baseline;
  // The published file names start with the genre ("blues.00042.wav", "Adhunik.00000.wav").
  const ColumnAudit& token = find(audits, "filename (leading token)", "label");
  EXPECT_TRUE(token.flagged);
  EXPECT_DOUBLE_EQ(token.accuracy, 1.0);
}

}  // namespace
}  // namespace vaesweep::data
