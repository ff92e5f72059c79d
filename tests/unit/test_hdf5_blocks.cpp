// A table written in blocks (create_table + write_rows) against the same table written whole
// (write_table), and a few columns read (read_columns) against the whole table read.
#include <gtest/gtest.h>

#include "util/error.hpp"
#include "io/hdf5_file.hpp"
#include "temp_dir.hpp"

namespace vaesweep::io {
namespace {

ColumnTable rows_of(std::size_t first, std::size_t count) {
  ColumnTable t;
  std::vector<std::int64_t> ids;
  std::vector<double> scores;
  std::vector<std::string> names, notes;
  for (std::size_t i = first; i < first + count; ++i) {
    ids.push_back(static_cast<std::int64_t>(i));
    scores.push_back(0.5 * static_cast<double>(i));
    names.push_back(std::string(1 + i % 7, 'a' + static_cast<char>(i % 26)));  // widths differ by block
    notes.push_back(i == 13 ? std::string(300, 'x') : "n" + std::to_string(i));  // one too long to be fixed
  }
  t.add_column("id", std::move(ids));
  t.add_column("score", std::move(scores));
  t.add_column("name", std::move(names));
  t.add_column("note", std::move(notes));
  return t;
}

TEST(Hdf5Blocks, ATableWrittenInBlocksReadsAsTheTableWrittenWhole) {
  test::TempDir temp;
  const ColumnTable whole = rows_of(0, 20);
  Hdf5File file = Hdf5File::create(temp / "t.h5");
  file.write_table("/whole", whole);
  StringWidths widths;
  for (std::size_t first = 0; first < 20; first += 6) widths.add(rows_of(first, std::min<std::size_t>(6, 20 - first)));
  EXPECT_EQ(widths.longest("name"), 7u);
  EXPECT_EQ(widths.longest("note"), 300u);
  file.create_table("/blocks", rows_of(0, 0), widths, 20);
  for (std::size_t first = 0; first < 20; first += 6)  // not in order: blocks land at their rows
    if (first != 6) file.write_rows("/blocks", first, rows_of(first, std::min<std::size_t>(6, 20 - first)));
  file.write_rows("/blocks", 6, rows_of(6, 6));
  const ColumnTable a = file.read_table("/whole"), b = file.read_table("/blocks");
  EXPECT_EQ(a.schema_string(), b.schema_string());
  EXPECT_EQ(a.ints("id"), b.ints("id"));
  EXPECT_EQ(a.doubles("score"), b.doubles("score"));
  EXPECT_EQ(a.strings("name"), b.strings("name"));
  EXPECT_EQ(a.strings("note"), b.strings("note"));
  // "name" is fixed-length, 7 bytes, as write_table makes it: a longer value does not fit.
  ColumnTable longer = rows_of(0, 1);
  ColumnTable wide;
  wide.add_column("id", std::vector<std::int64_t>{0});
  wide.add_column("score", std::vector<double>{0});
  wide.add_column("name", std::vector<std::string>{"eight888"});
  wide.add_column("note", std::vector<std::string>{"n"});
  EXPECT_THROW(file.write_rows("/blocks", 0, wide), UserError);
  EXPECT_NO_THROW(file.write_rows("/blocks", 0, longer));
  // Rows past the end and other columns are refused.
  EXPECT_THROW(file.write_rows("/blocks", 18, rows_of(18, 3)), UserError);
  ColumnTable other;
  other.add_column("id", std::vector<std::int64_t>{1});
  EXPECT_THROW(file.write_rows("/blocks", 0, other), UserError);
}

TEST(Hdf5Blocks, ReadColumnsReadsOnlyTheWantedColumnsInTableOrder) {
  test::TempDir temp;
  const ColumnTable whole = rows_of(0, 20);
  Hdf5File file = Hdf5File::create(temp / "t.h5");
  file.write_table("/t", whole);
  const ColumnTable some =
      file.read_columns("/t", [](const std::string& name) { return name == "note" || name == "id" || name == "gone"; });
  ASSERT_EQ(some.cols(), 2u);
  EXPECT_EQ(some.columns()[0].name, "id");
  EXPECT_EQ(some.columns()[1].name, "note");
  EXPECT_EQ(some.ints("id"), whole.ints("id"));
  EXPECT_EQ(some.strings("note"), whole.strings("note"));
  EXPECT_EQ(file.read_columns("/t", [](const std::string&) { return false; }).cols(), 0u);
  std::vector<std::string> names;
  for (const auto& c : whole.columns()) names.push_back(c.name);
  EXPECT_EQ(file.column_names("/t"), names);
}

}  // namespace
}  // namespace vaesweep::io
