// The pieces of `vaesweep export`: typed axis values as JSON, and the CSV / JSON
// writer (RFC 4180 quoting, missing values, numbers that read back to the same double).
#include <gtest/gtest.h>

#include <cmath>
#include <limits>
#include <sstream>

#include "util/value.hpp"
#include "report/axis_values.hpp"
#include "report/table_writer.hpp"

namespace vaesweep::report {
namespace {
using Json = nlohmann::ordered_json;

// What display_exact writes for the axes text (the legacy decoder reads it back:
// test_axis_columns.cpp).
TEST(AxisValue, ExactDisplayKeepsShortValuesAndListsTheirText) {
  EXPECT_EQ(Value(0.001).display_exact(), Value(0.001).display());  // short values keep their text
  EXPECT_EQ(Value(Value::List{Value(0.25), Value(std::int64_t{3})}).display_exact(), "[0.25, 3]");
}

TEST(AxisValue, JsonOfEachKind) {
  EXPECT_TRUE(axis_json(Value(std::int64_t{8})).is_number_integer());
  EXPECT_EQ(axis_json(Value(0.001)), Json(0.001));
  EXPECT_EQ(axis_json(Value(true)), Json(true));
  EXPECT_EQ(axis_json(Value("[audio, text]")), Json("[audio, text]"));
}

TEST(TableWriter, CsvQuotesWhatNeedsItAndLeavesMissingEmpty) {
  std::ostringstream out;
  TableWriter w(out, TableFormat::csv);
  w.header({"id", "x", "list"});
  w.row({Json("a,\"b\""), Json(0.1), Json::parse(R"(["audio", "text"])")});
  w.row({Json(nullptr), Json(std::numeric_limits<double>::quiet_NaN()), Json(std::int64_t{-1})});
  w.finish();
  EXPECT_EQ(out.str(), "id,x,list\n\"a,\"\"b\"\"\",0.1,\"[audio, text]\"\n,,-1\n");
}

TEST(TableWriter, JsonIsAnArrayOfRecordsWithNullForMissing) {
  std::ostringstream out;
  TableWriter w(out, TableFormat::json);
  w.header({"b", "a"});
  w.row({Json(1), Json(std::numeric_limits<double>::quiet_NaN())});
  w.row({Json(0.00123456789), Json("x")});
  w.finish();
  const Json parsed = Json::parse(out.str());
  ASSERT_EQ(parsed.size(), 2u);
  EXPECT_EQ(parsed[0].begin().key(), "b");  // column order kept
  EXPECT_TRUE(parsed[0]["a"].is_null());
  EXPECT_EQ(parsed[1]["b"].get<double>(), 0.00123456789);

  std::ostringstream empty;
  TableWriter none(empty, TableFormat::json);
  none.header({"a"});
  none.finish();
  EXPECT_EQ(Json::parse(empty.str()), Json::array());
}

}  // namespace
}  // namespace vaesweep::report
