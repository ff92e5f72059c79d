// ColumnTable: the in-memory table behind /units, /evaluations and /aggregate.
#include <gtest/gtest.h>

#include "util/error.hpp"
#include "io/column_table.hpp"

namespace vaesweep::io {
namespace {

ColumnTable small_table() {
  ColumnTable t;
  t.add_column("seed", std::vector<std::int64_t>{1, 2});
  t.add_column("score", std::vector<double>{0.5, 0.25});
  t.add_column("model", std::vector<std::string>{"vae", "ae"});
  return t;
}

TEST(ColumnTable, ShapeAndTypedAccess) {
  const ColumnTable t = small_table();
  EXPECT_EQ(t.rows(), 2u);
  EXPECT_EQ(t.cols(), 3u);
  EXPECT_TRUE(t.has("score"));
  EXPECT_FALSE(t.has("beta"));
  EXPECT_EQ(t.ints("seed"), (std::vector<std::int64_t>{1, 2}));
  EXPECT_EQ(t.doubles("score"), (std::vector<double>{0.5, 0.25}));
  EXPECT_EQ(t.strings("model"), (std::vector<std::string>{"vae", "ae"}));
  EXPECT_EQ(t.columns()[1].name, "score");
}

TEST(ColumnTable, EmptyTableHasNoRows) {
  ColumnTable t;
  EXPECT_EQ(t.rows(), 0u);
  t.add_column("x", std::vector<double>{});
  EXPECT_EQ(t.rows(), 0u);
  EXPECT_EQ(t.cols(), 1u);
}

TEST(ColumnTable, RejectsDuplicateEmptyNameAndLengthMismatch) {
  ColumnTable t = small_table();
  EXPECT_THROW(t.add_column("seed", std::vector<std::int64_t>{3, 4}), UserError);
  EXPECT_THROW(t.add_column("", std::vector<std::int64_t>{3, 4}), UserError);
  try {
    t.add_column("beta", std::vector<double>{1.0});
    FAIL() << "expected UserError";
  } catch (const UserError& e) {
    EXPECT_NE(std::string(e.what()).find("beta"), std::string::npos) << e.what();
  }
}

TEST(ColumnTable, MissingColumnListsAvailableNames) {
  const ColumnTable t = small_table();
  try {
    t.column("beta");
    FAIL() << "expected UserError";
  } catch (const UserError& e) {
    const std::string what = e.what();
    EXPECT_NE(what.find("beta"), std::string::npos) << what;
    EXPECT_NE(what.find("seed, score, model"), std::string::npos) << what;
  }
}

TEST(ColumnTable, TypedAccessorRejectsOtherType) {
  const ColumnTable t = small_table();
  EXPECT_THROW(t.doubles("seed"), UserError);
  EXPECT_THROW(t.ints("model"), UserError);
  EXPECT_THROW(t.strings("score"), UserError);
}

TEST(ColumnTable, AppendSameSchema) {
  ColumnTable t = small_table();
  t.append(small_table());
  EXPECT_EQ(t.rows(), 4u);
  EXPECT_EQ(t.ints("seed"), (std::vector<std::int64_t>{1, 2, 1, 2}));
  t.append(t);  // appending a table to itself doubles it
  EXPECT_EQ(t.rows(), 8u);
  EXPECT_EQ(t.strings("model")[7], "ae");
}

TEST(ColumnTable, AppendToEmptyAdoptsSchema) {
  ColumnTable t;
  t.append(small_table());
  EXPECT_EQ(t.rows(), 2u);
  EXPECT_EQ(t.cols(), 3u);
}

TEST(ColumnTable, AppendRejectsOtherSchema) {
  ColumnTable t = small_table();
  ColumnTable reordered;
  reordered.add_column("score", std::vector<double>{0.1});
  reordered.add_column("seed", std::vector<std::int64_t>{3});
  reordered.add_column("model", std::vector<std::string>{"pca"});
  EXPECT_THROW(t.append(reordered), UserError);

  ColumnTable retyped;
  retyped.add_column("seed", std::vector<double>{3.0});
  retyped.add_column("score", std::vector<double>{0.1});
  retyped.add_column("model", std::vector<std::string>{"pca"});
  EXPECT_THROW(t.append(retyped), UserError);
  EXPECT_EQ(t.rows(), 2u);  // unchanged after a failed append
}

}  // namespace
}  // namespace vaesweep::io
