// Feature tables from CSV: label and identifier columns never become features, bad cells are
// reported by file, line and column, and standardisation is scikit-learn's StandardScaler.
#include <gtest/gtest.h>

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <random>
#include <string>
#include <vector>

#include "util/csv_field.hpp"
#include "util/error.hpp"
#include "io/csv.hpp"
#include "data/feature_table.hpp"
#include "temp_dir.hpp"

namespace vaesweep::data {
namespace {
namespace fs = std::filesystem;

// Every test's files live in this folder, removed at exit.
const test::TempDir& temp() {
  static const test::TempDir dir;
  return dir;
}

fs::path write_temp(const std::string& name, const std::string& text) {
  const fs::path p = temp() / name;
  std::ofstream(p, std::ios::binary) << text;
  return p;
}

std::string error_of(const std::function<void()>& f) {
  try {
    f();
  } catch (const UserError& e) {
    return e.what();
  }
  return "(no error)";
}

TEST(Csv, QuotedFieldsMayHoldCommasQuotesAndNewlines) {
  const auto p = write_temp("quoted.csv", "a,b,c\n1,\"x, \"\"y\"\"\nz\",3\n4,5,6\n");
  const io::CsvTable t = io::read_csv(p);
  ASSERT_EQ(t.rows.size(), 2u);
  EXPECT_EQ(t.rows[0][1], "x, \"y\"\nz");
  EXPECT_EQ(t.lines[0], 2u);
  EXPECT_EQ(t.lines[1], 4u);  // the quoted field spans lines 2-3
  EXPECT_EQ(csv_field("x, \"y\""), "\"x, \"\"y\"\"\"");
  EXPECT_EQ(csv_field("plain"), "plain");
}

// The cells read back are the cells written: 500 rows of 7 columns holding empty cells, short
// and long text, commas, quotes, newlines, outer spaces and UTF-8, each quoted where it must be.
// The rows' lines follow from the newlines inside the quoted cells.
TEST(Csv, EveryCellReadsBackAsWritten) {
  std::mt19937_64 rng(11);
  const std::vector<std::string> pieces = {"", "x", "0.12345678901234567", "a,b", "say \"hi\"", "two\nlines",
                                           "বাংলা গান", std::string(300, 'z'), "-1e-300", " padded "};
  std::vector<std::vector<std::string>> written;
  std::string text = "c0,c1,c2,c3,c4,c5,c6\n";
  std::vector<std::size_t> lines;
  std::size_t line = 2;
  for (int r = 0; r < 500; ++r) {
    std::vector<std::string> row;
    std::size_t newlines = 0;
    for (int c = 0; c < 7; ++c) {
      std::string cell = pieces[rng() % pieces.size()] + (rng() % 2 ? pieces[rng() % pieces.size()] : "");
      newlines += static_cast<std::size_t>(std::count(cell.begin(), cell.end(), '\n'));
      // (libcsv trims the outer spaces of an unquoted cell, so a cell that has them is quoted.)
      const bool outer_space = !cell.empty() && (cell.front() == ' ' || cell.back() == ' ');
      text += (c ? "," : "") + csv_field(cell, outer_space);
      row.push_back(std::move(cell));
    }
    text += "\n";
    lines.push_back(line);
    line += 1 + newlines;
    written.push_back(std::move(row));
  }
  const io::CsvTable t = io::read_csv(write_temp("cells.csv", text));
  ASSERT_EQ(t.rows.size(), written.size());
  ASSERT_EQ(t.rows.columns(), 7u);
  EXPECT_EQ(t.lines, lines);
  std::size_t r = 0;
  for (const auto row : t.rows) {
    ASSERT_EQ(row.size(), 7u);
    for (std::size_t c = 0; c < 7; ++c) EXPECT_EQ(row[c], written[r][c]) << "row " << r << ", column " << c;
    ++r;
  }
  // A table built row by row holds the same cells; truncate keeps the first rows.
  io::CsvRows built;
  for (const auto& row : written) built.push_back(row);
  built.truncate(3);
  ASSERT_EQ(built.size(), 3u);
  for (std::size_t i = 0; i < 3; ++i)
    for (std::size_t c = 0; c < 7; ++c) EXPECT_EQ(built[i][c], written[i][c]);
}

TEST(Csv, RaggedRowNamesTheLine) {
  const auto p = write_temp("ragged.csv", "a,b\n1,2\n3\n");
  const std::string e = error_of([&] { io::read_csv(p); });
  EXPECT_NE(e.find("ragged.csv:3"), std::string::npos) << e;
  EXPECT_NE(error_of([] { io::read_csv("/nonexistent.csv"); }).find("/nonexistent.csv"), std::string::npos);
}

TEST(FeatureTable, LabelsAndIdentifiersAreNeverFeatures) {
  const auto p = write_temp("t.csv", "filename,length,f1,f2,label,language\na.wav,10,1.5,2,rock,eng\nb.wav,20,3,-4e1,pop,bng\n");
  const FeatureTable t = table_from_csv(io::read_csv(p), {{"label", "language"}, {}, ""});
  EXPECT_EQ(t.feature_names, (std::vector<std::string>{"f1", "f2"}));
  EXPECT_EQ(t.ids, (std::vector<std::string>{"a.wav", "b.wav"}));
  EXPECT_EQ(t.X(1, 1), -40.0);
  EXPECT_EQ(t.label("label").classes, (std::vector<std::string>{"pop", "rock"}));
  EXPECT_EQ(t.label("label").codes, (std::vector<int>{1, 0}));
  EXPECT_EQ(t.excluded, (std::vector<std::string>{"filename", "length"}));
}

// A blank label cell is an unlabelled row in that set only (not a class named ""); with
// require_labels it is refused, naming file, line and column.
TEST(FeatureTable, BlankLabelCellsAreUnlabelledRows) {
  const auto p = write_temp("blank.csv", "filename,f1,genre,language\na.wav,1,rock,en\nb.wav,2,,bn\nc.wav,3,pop,\n");
  const FeatureTable t = table_from_csv(io::read_csv(p), {{"genre", "language"}, {}, ""});
  EXPECT_EQ(t.label("genre").classes, (std::vector<std::string>{"pop", "rock"}));
  EXPECT_EQ(t.label("genre").codes, (std::vector<int>{1, LabelSet::kUnlabelled, 0}));
  EXPECT_EQ(t.label("genre").unlabelled(), 1U);
  EXPECT_EQ(t.label("genre").class_of(1), "");
  EXPECT_EQ(t.label("language").class_of(0), "en");
  EXPECT_EQ(unlabelled_summary(t), "genre: 1 of 3 rows unlabelled, left out of its external scores; "
                                   "language: 1 of 3 rows unlabelled, left out of its external scores");
  EXPECT_EQ(t.X.rows(), 3);  // every row is still data
  const std::string e = error_of([&] { table_from_csv(io::read_csv(p), {{"genre"}, {"language"}, "", true}); });
  EXPECT_NE(e.find("blank.csv:3: label column \"genre\" is empty"), std::string::npos) << e;
  // An unlabelled row has no condition: its one-hot row is all zeros.
  const Eigen::MatrixXd C = one_hot(t.label("genre"), {"pop", "rock"}, t.ids, "blank.csv");
  EXPECT_EQ(C.row(1).sum(), 0.0);
  EXPECT_EQ(C(0, 1), 1.0);
}

// Data that cannot be clustered meaningfully is said so before units run on it.
TEST(FeatureTable, ConstantColumnsAndIdenticalRowsAreNamed) {
  FeatureTable t;
  t.feature_names = {"a", "b", "c"};
  t.X.resize(3, 3);
  t.X << 1, 5, 2, 1, 6, 2, 1, 7, 2;
  EXPECT_EQ(degenerate_columns_note(t), "2 of 3 columns are constant (a, c): they carry no information");
  t.X.col(1).setConstant(5);
  EXPECT_NE(degenerate_columns_note(t).find("every row has the same values"), std::string::npos);
  t.X(2, 1) = 8;
  t.X.col(0) << 1, 2, 3;
  t.X.col(2) << 0, 0, 1;
  EXPECT_EQ(degenerate_columns_note(t), "");
}

TEST(FeatureTable, NaNAndTextCellsNameLineAndColumn) {
  const auto nan = write_temp("nan.csv", "f1,f2,label\n1,2,a\n3,nan,b\n");
  std::string e = error_of([&] { table_from_csv(io::read_csv(nan), {{"label"}, {}, ""}); });
  EXPECT_NE(e.find("nan.csv:3"), std::string::npos) << e;
  EXPECT_NE(e.find("\"f2\""), std::string::npos) << e;
  const auto text = write_temp("text.csv", "f1,mood,label\n1,happy,a\n");
  e = error_of([&] { table_from_csv(io::read_csv(text), {{"label"}, {}, ""}); });
  EXPECT_NE(e.find("text.csv:2"), std::string::npos) << e;
  EXPECT_NE(e.find("data.exclude"), std::string::npos) << e;
  EXPECT_NE(error_of([&] { table_from_csv(io::read_csv(text), {{"genre"}, {}, ""}); }).find("no column \"genre\""),
            std::string::npos);
}

TEST(FeatureTable, StandardizeIsStandardScaler) {
  // Analytic: column [1, 2, 3, 4] has mean 2.5 and population std sqrt(1.25).
  Eigen::MatrixXd X(4, 2);
  X << 1, 7, 2, 7, 3, 7, 4, 7;
  standardize(X);
  const double s = std::sqrt(1.25);
  EXPECT_NEAR(X(0, 0), -1.5 / s, 1e-15);
  EXPECT_NEAR(X(3, 0), 1.5 / s, 1e-15);
  EXPECT_EQ(X(0, 1), 0.0);  // a constant column is centred only, like StandardScaler
}

TEST(FeatureTable, RealGtzanBanglaBeatsTable) {
  const fs::path csv = fs::path(VAESWEEP_SHARED_DATA_DIR) / "features/gtzan_banglabeats_30s.csv";
  if (!fs::exists(csv)) GTEST_SKIP() << csv << " not found";
  const FeatureTable t = table_from_csv(io::read_csv(csv), {{"label", "language"}, {}, ""});
  // 61 columns - filename - length - label - language = 57 features (shared/data/README.md).
  EXPECT_EQ(t.rows(), 2617u);
  EXPECT_EQ(t.X.cols(), 57);
  for (const auto& name : t.feature_names) {
    EXPECT_NE(name, "length");
    EXPECT_NE(name, "filename");
  }
  EXPECT_EQ(t.label("language").classes, (std::vector<std::string>{"bng", "eng"}));
  EXPECT_EQ(t.label("label").classes.size(), 18u);
}

// The condition of a cvae: classes in the order given (a checkpoint's), not the table's.
TEST(OneHot, ColumnsFollowTheGivenClassOrder) {
  const LabelSet genre = encode_labels("genre", {"rock", "jazz", "rock", "pop"});
  const Eigen::MatrixXd C = one_hot(genre, {"rock", "pop", "jazz"}, {"a", "b", "c", "d"}, "t.csv");
  Eigen::MatrixXd expected(4, 3);
  expected << 1, 0, 0, 0, 0, 1, 1, 0, 0, 0, 1, 0;
  EXPECT_TRUE(C == expected);
  try {
    one_hot(genre, {"rock", "pop"}, {"a", "b", "c", "d"}, "t.csv");
    ADD_FAILURE() << "a class the model does not know must be refused";
  } catch (const UserError& e) {
    EXPECT_NE(std::string(e.what()).find("t.csv: row b has genre = \"jazz\""), std::string::npos) << e.what();
  }
}

}  // namespace
}  // namespace vaesweep::data
