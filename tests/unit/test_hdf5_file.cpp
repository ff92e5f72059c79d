// Hdf5File: tables, matrices and attributes round-trip, and broken files fail with the path.
#include <gtest/gtest.h>

#include <cmath>
#include <cstdlib>
#include <filesystem>
#include <functional>
#include <fstream>
#include <limits>

#include "util/error.hpp"
#include "io/hdf5_file.hpp"
#include "temp_dir.hpp"
#include "user_error_expect.hpp"

namespace vaesweep::io {
namespace {

namespace fs = std::filesystem;

class Hdf5FileTest : public ::testing::Test {
 protected:
  vaesweep::test::TempDir temp_;
  fs::path dir_ = temp_.path();
};

// Bengali (BanglaBeats titles), Latin with accents, and empty strings.
const std::vector<std::string> kTitles = {"আমার সোনার বাংলা", "", "Café del Mar", "রবীন্দ্রসংগীত"};

ColumnTable mixed_table() {
  ColumnTable t;
  t.add_column("seed", std::vector<std::int64_t>{0, -1, std::numeric_limits<std::int64_t>::max(), 42});
  t.add_column("silhouette", std::vector<double>{0.5, -0.25, std::nan(""), 1e300});
  t.add_column("title", kTitles);
  t.add_column("status", std::vector<std::string>{"ok", "failed", "", "ok"});
  return t;
}

void expect_same(const ColumnTable& actual, const ColumnTable& expected) {
  ASSERT_EQ(actual.cols(), expected.cols());
  ASSERT_EQ(actual.rows(), expected.rows());
  for (std::size_t c = 0; c < expected.cols(); ++c) {
    const Column& a = actual.columns()[c];
    const Column& e = expected.columns()[c];
    EXPECT_EQ(a.name, e.name);
    ASSERT_EQ(a.values.index(), e.values.index()) << a.name;
    if (e.values.index() == 1) {  // doubles: NaN compares unequal to itself
      const auto& av = std::get<std::vector<double>>(a.values);
      const auto& ev = std::get<std::vector<double>>(e.values);
      for (std::size_t r = 0; r < ev.size(); ++r) {
        if (std::isnan(ev[r])) EXPECT_TRUE(std::isnan(av[r]));
        else EXPECT_EQ(av[r], ev[r]);
      }
    } else {
      EXPECT_EQ(a.values, e.values) << a.name;
    }
  }
}

using test::expect_user_error_naming;

TEST_F(Hdf5FileTest, TableRoundTripWithAllTypesAndUtf8) {
  const fs::path path = dir_ / "results.h5";
  {
    Hdf5File f = Hdf5File::create(path);
    f.write_table("/evaluations", mixed_table());
    f.write_table("/deep/nested/table", mixed_table());  // intermediate groups are created
  }
  const Hdf5File f = Hdf5File::open_read(path);
  expect_same(f.read_table("/evaluations"), mixed_table());
  expect_same(f.read_table("/deep/nested/table"), mixed_table());
  EXPECT_TRUE(f.exists("/deep"));
  EXPECT_TRUE(f.exists("/deep/nested/table"));
  EXPECT_FALSE(f.exists("/deep/other"));
  EXPECT_FALSE(f.exists("/evaluations/below_a_dataset"));
  EXPECT_TRUE(f.exists("/"));
}

TEST_F(Hdf5FileTest, EmptyTableRoundTrips) {
  const fs::path path = dir_ / "empty.h5";
  ColumnTable empty;
  empty.add_column("unit_id", std::vector<std::string>{});
  empty.add_column("beta", std::vector<double>{});
  empty.add_column("seed", std::vector<std::int64_t>{});
  {
    Hdf5File f = Hdf5File::create(path);
    f.write_table("/units", empty);
  }
  const ColumnTable back = Hdf5File::open_read(path).read_table("/units");
  EXPECT_EQ(back.rows(), 0u);
  expect_same(back, empty);
}

TEST_F(Hdf5FileTest, AppendRowsExtendsTable) {
  const fs::path path = dir_ / "shard.h5";
  ColumnTable expected;
  {
    Hdf5File f = Hdf5File::create(path);
    ColumnTable none;
    none.add_column("seed", std::vector<std::int64_t>{});
    none.add_column("silhouette", std::vector<double>{});
    none.add_column("title", std::vector<std::string>{});
    none.add_column("status", std::vector<std::string>{});
    f.write_table("/units", none);  // a shard starts empty and grows one unit at a time
    for (int i = 0; i < 3; ++i) {
      f.append_rows("/units", mixed_table());
      expected.append(mixed_table());
      f.flush();
    }
  }
  Hdf5File f = Hdf5File::open_read_write(path);
  expect_same(f.read_table("/units"), expected);

  ColumnTable wrong;
  wrong.add_column("seed", std::vector<std::int64_t>{1});
  expect_user_error_naming([&] { f.append_rows("/units", wrong); }, "/units");
  expect_user_error_naming([&] { f.append_rows("/missing", mixed_table()); }, "/missing");
}

// Short string columns are stored fixed-length and NUL-padded, a column with a value over 255
// bytes stays variable-length; both must give back exactly what was written.
const std::string kHash = "9f86d081884c7d659a2feaa0c55ad015a3bf4f1b2b0b822cd15d6c15b0f00a08";
const std::string kLong = std::string(999, 'x') + "!";  // 1000 bytes

ColumnTable string_table() {
  ColumnTable t;
  t.add_column("unit", std::vector<std::int64_t>{0, 1, 2, 3});
  t.add_column("config_hash", std::vector<std::string>{kHash, kHash, std::string(64, '0'), kHash});
  t.add_column("title", kTitles);  // Bengali, Latin with accents, an empty string
  t.add_column("padded", std::vector<std::string>{"two trailing spaces  ", " ", "", "\t tab"});
  t.add_column("message", std::vector<std::string>{"", kLong, "short", ""});  // stays variable-length
  t.add_column("empty", std::vector<std::string>{"", "", "", ""});           // 1-byte fixed width
  t.add_column("loss", std::vector<double>{0.5, 0.25, -1.0, 3.0});
  return t;
}

TEST_F(Hdf5FileTest, FixedAndVariableLengthStringsRoundTrip) {
  const fs::path path = dir_ / "strings.h5";
  {
    Hdf5File f = Hdf5File::create(path);
    f.write_table("/units", string_table());
  }
  expect_same(Hdf5File::open_read(path).read_table("/units"), string_table());
}

TEST_F(Hdf5FileTest, RepeatedShortStringsCompress) {
  // Fixed-length members lie in the deflated rows; as variable-length strings these 20,000
  // rows took 2.2 MB (one heap object per value); now under 10 KB.
  const fs::path path = dir_ / "repeated.h5";
  const std::size_t n = 20000;
  ColumnTable t;
  t.add_column("params", std::vector<std::string>(n, "beta=4 latent_dim=8"));
  t.add_column("status", std::vector<std::string>(n, "ok"));
  t.add_column("run_id", std::vector<std::string>(n, "20261121T050816Z-0aa4"));
  {
    Hdf5File f = Hdf5File::create(path);
    f.write_table("/units", t);
  }
  EXPECT_LT(fs::file_size(path), 100u * 1024u);
  expect_same(Hdf5File::open_read(path).read_table("/units"), t);
}

TEST_F(Hdf5FileTest, AppendRowsOntoFixedLengthColumns) {
  const fs::path path = dir_ / "grow.h5";
  ColumnTable more;
  more.add_column("unit", std::vector<std::int64_t>{4, 5, 6});
  more.add_column("config_hash", std::vector<std::string>{std::string(64, 'f'), "", "short"});
  more.add_column("title", std::vector<std::string>{"বাংলা", "আমার সোনার বাংলা", "x"});  // within the width
  more.add_column("padded", std::vector<std::string>{"   ", "a ", "two trailing spaces  "});
  more.add_column("message", std::vector<std::string>{std::string(5000, 'y'), "", "z"});
  more.add_column("empty", std::vector<std::string>{"", "e", ""});  // the width is 1 byte
  more.add_column("loss", std::vector<double>{1.0, 2.0, 3.0});
  ColumnTable expected = string_table();
  expected.append(more);
  {
    Hdf5File f = Hdf5File::create(path);
    f.write_table("/units", string_table());
    f.append_rows("/units", more);
  }
  Hdf5File f = Hdf5File::open_read_write(path);
  expect_same(f.read_table("/units"), expected);

  // A value wider than the column: an error naming the table and the column; nothing appended.
  ColumnTable wide;
  wide.add_column("unit", std::vector<std::int64_t>{7});
  wide.add_column("config_hash", std::vector<std::string>{kHash});
  wide.add_column("title", std::vector<std::string>{""});
  wide.add_column("padded", std::vector<std::string>{""});
  wide.add_column("message", std::vector<std::string>{""});
  wide.add_column("empty", std::vector<std::string>{"ab"});
  wide.add_column("loss", std::vector<double>{0.0});
  try {
    f.append_rows("/units", wide);
    FAIL() << "expected UserError for a value longer than the column's width";
  } catch (const UserError& e) {
    const std::string what = e.what();
    EXPECT_NE(what.find("/units"), std::string::npos) << what;
    EXPECT_NE(what.find("'empty'"), std::string::npos) << what;
    EXPECT_NE(what.find("longer than the column's fixed width of 1 byte"), std::string::npos) << what;
  }
  expect_same(f.read_table("/units"), expected);
}

TEST_F(Hdf5FileTest, WriteTableReplacesExistingDataset) {
  const fs::path path = dir_ / "replace.h5";
  Hdf5File f = Hdf5File::create(path);
  f.write_table("/aggregate", mixed_table());
  ColumnTable one;
  one.add_column("rank", std::vector<std::int64_t>{1});
  f.write_table("/aggregate", one);
  expect_same(f.read_table("/aggregate"), one);
}

TEST_F(Hdf5FileTest, MatrixRoundTripIsRowMajor) {
  const fs::path path = dir_ / "latents.h5";
  Eigen::MatrixXd m(3, 2);
  m << 1, 2, 3, 4, 5, 6;
  {
    Hdf5File f = Hdf5File::create(path);
    f.write_matrix("/latents/unit_0001", m);
    f.write_matrix("/latents/empty", Eigen::MatrixXd(0, 4));
  }
  const Hdf5File f = Hdf5File::open_read(path);
  EXPECT_EQ(f.read_matrix("/latents/unit_0001"), m);
  const Eigen::MatrixXd empty = f.read_matrix("/latents/empty");
  EXPECT_EQ(empty.rows(), 0);
  EXPECT_EQ(empty.cols(), 4);
  expect_user_error_naming([&] { f.read_table("/latents/unit_0001"); }, "/latents/unit_0001");
}

TEST_F(Hdf5FileTest, Attributes) {
  const fs::path path = dir_ / "attrs.h5";
  {
    Hdf5File f = Hdf5File::create(path);
    f.set_attribute("/", "tool_version", "0.1.0");
    f.set_attribute("/", "study_toml", std::string("[study]\nname = \"বাংলা\"\n"));
    f.set_attribute("/", "mpi_size", std::int64_t{3});
    f.set_attribute("/", "confidence", 0.95);
    f.set_attribute("/", "empty", std::string());
    f.write_table("/units", mixed_table());
    f.set_attribute("/units", "note", "per unit");
    f.set_attribute("/units", "note", "replaced");
  }
  const Hdf5File f = Hdf5File::open_read(path);
  EXPECT_EQ(f.string_attribute("/", "tool_version"), "0.1.0");
  EXPECT_EQ(f.string_attribute("/", "study_toml"), "[study]\nname = \"বাংলা\"\n");
  EXPECT_EQ(f.int_attribute("/", "mpi_size"), 3);
  EXPECT_EQ(f.double_attribute("/", "confidence"), 0.95);
  EXPECT_EQ(f.double_attribute("/", "mpi_size"), 3.0);  // integers read as double
  EXPECT_EQ(f.string_attribute("/", "empty"), "");
  EXPECT_EQ(f.string_attribute("/units", "note"), "replaced");
  EXPECT_EQ(f.attribute_names("/"),
            (std::vector<std::string>{"confidence", "empty", "mpi_size", "study_toml", "tool_version"}));
  expect_user_error_naming([&] { f.int_attribute("/", "tool_version"); }, "tool_version");
  expect_user_error_naming([&] { f.string_attribute("/", "absent"); }, "absent");
  expect_user_error_naming([&] { f.string_attribute("/nowhere", "x"); }, "/nowhere");
}

TEST_F(Hdf5FileTest, OpenMissingFileNamesPath) {
  const fs::path path = dir_ / "missing.h5";
  expect_user_error_naming([&] { Hdf5File::open_read(path); }, path.string());
}

TEST_F(Hdf5FileTest, OpenNonHdf5FileNamesPath) {
  const fs::path path = dir_ / "not_hdf5.h5";
  std::ofstream(path) << "filename,label\nsong.wav,rock\n";
  expect_user_error_naming([&] { Hdf5File::open_read(path); }, path.string());
  expect_user_error_naming([&] { Hdf5File::open_read_write(path); }, path.string());
}

TEST_F(Hdf5FileTest, OpenTruncatedFileNamesPath) {
  const fs::path path = dir_ / "whole.h5";
  {
    Hdf5File f = Hdf5File::create(path);
    ColumnTable big;
    for (int i = 0; i < 2000; ++i) big.append(mixed_table());
    f.write_table("/evaluations", big);
  }
  // A node lost mid-write leaves a prefix of the file behind.
  const fs::path truncated = dir_ / "truncated.h5";
  fs::copy_file(path, truncated);
  fs::resize_file(truncated, fs::file_size(path) / 2);
  expect_user_error_naming(
      [&] {
        const Hdf5File f = Hdf5File::open_read(truncated);
        f.read_table("/evaluations");
      },
      truncated.string());
}

TEST_F(Hdf5FileTest, CreateInMissingDirectoryNamesPath) {
  const fs::path path = dir_ / "no_such_dir" / "out.h5";
  expect_user_error_naming([&] { Hdf5File::create(path); }, path.string());
}

// Files must be readable by the Python analysis scripts (Debian's h5py and pandas).
TEST_F(Hdf5FileTest, ReadableByH5pyAndPandas) {
  const char* python = "/usr/bin/python3";
  if (!fs::exists(python) || std::system("/usr/bin/python3 -c 'import h5py, pandas' >/dev/null 2>&1") != 0) {
    GTEST_SKIP() << "needs /usr/bin/python3 with h5py and pandas";
  }
  const fs::path path = dir_ / "for_python.h5";
  {
    Hdf5File f = Hdf5File::create(path);
    f.write_table("/evaluations", mixed_table());
    f.write_table("/units", string_table());
    Eigen::MatrixXd m(2, 3);
    m << 1, 2, 3, 4, 5, 6;
    f.write_matrix("/latents/u1", m);
    f.set_attribute("/", "study_toml", "name = \"বাংলা\"");
    f.set_attribute("/", "mpi_size", std::int64_t{2});
  }
  const fs::path script = dir_ / "check.py";
  std::ofstream(script) << R"(import sys, h5py, numpy, pandas, math
with h5py.File(sys.argv[1], "r") as f:
    df = pandas.DataFrame(f["/evaluations"][()])
    assert list(df.columns) == ["seed", "silhouette", "title", "status"], list(df.columns)
    title = [t.decode("utf-8") if isinstance(t, bytes) else t for t in df["title"]]
    assert title == ["আমার সোনার বাংলা", "", "Café del Mar", "রবীন্দ্রসংগীত"], title
    assert df["seed"].tolist() == [0, -1, 2**63 - 1, 42]
    assert df["silhouette"][0] == 0.5 and math.isnan(df["silhouette"][2])
    assert f["/latents/u1"][()].tolist() == [[1, 2, 3], [4, 5, 6]]
    assert f.attrs["study_toml"] == 'name = "বাংলা"', f.attrs["study_toml"]
    assert f.attrs["mpi_size"] == 2
    units = f["/units"]
    # short string columns are fixed-length (numpy "S"), the one with a 1000-byte value is not
    assert units.dtype["config_hash"] == numpy.dtype("S64"), units.dtype
    assert units.dtype["empty"] == numpy.dtype("S1"), units.dtype
    assert units.dtype["message"].kind == "O", units.dtype
    df = pandas.DataFrame(units[()])
    text = lambda column: [t.decode("utf-8") for t in df[column]]
    assert text("title") == ["আমার সোনার বাংলা", "", "Café del Mar", "রবীন্দ্রসংগীত"], text("title")
    assert text("padded") == ["two trailing spaces  ", " ", "", "\t tab"], text("padded")
    assert text("message") == ["", "x" * 999 + "!", "short", ""]
    assert text("empty") == ["", "", "", ""]
)";
  const std::string command = std::string(python) + " " + script.string() + " " + path.string();
  EXPECT_EQ(std::system(command.c_str()), 0) << command;
}

}  // namespace
}  // namespace vaesweep::io
