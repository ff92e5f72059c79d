// Inputs and outputs that are not what they seem: a path that is no regular file (a FIFO,
// /dev/zero, a folder), a line or a cell without end, a number in other than decimal notation, a
// NUL byte, an empty study file, and the rename of a finished file that fails. Each is a
// UserError naming the file and what is wrong, raised before anything blocks or grows without end.
#include <gtest/gtest.h>
#include <sys/stat.h>

#include <cerrno>
#include <cmath>
#include <cstdint>
#include <cstdio>
#include <cstring>
#include <fstream>
#include <functional>
#include <random>
#include <string>
#include <string_view>
#include <vector>

#include "util/atomic_write.hpp"
#include "util/decimal.hpp"
#include "util/error.hpp"
#include "util/input_file.hpp"
#include "study/study.hpp"
#include "io/csv.hpp"
#include "temp_dir.hpp"
#include "user_error_expect.hpp"

namespace vaesweep {
namespace {

using test::user_error;  // the message of the UserError an action throws

TEST(InputFile, NamesWhatIsThereInsteadOfAFile) {
  test::TempDir dir;
  const auto fifo = dir / "pipe.csv";
  ASSERT_EQ(mkfifo(fifo.c_str(), 0600), 0);
  std::filesystem::create_directory(dir / "folder.csv");
  std::ofstream(dir / "table.csv") << "a,b\n1,2\n";
  EXPECT_NE(user_error([&] { require_regular_file(fifo, "the CSV file"); }).find("pipe.csv: cannot open the CSV file: it is a FIFO (named pipe), not a regular file"), std::string::npos);
  EXPECT_NE(user_error([&] { require_regular_file(dir / "folder.csv", "the CSV file"); }).find("it is a directory"), std::string::npos);
  EXPECT_NE(user_error([&] { require_regular_file("/dev/zero", "the CSV file"); }).find("/dev/zero: cannot open the CSV file: it is a character device"), std::string::npos);
  EXPECT_NE(user_error([&] { require_regular_file(dir / "none.csv", "the CSV file"); }).find("it does not exist"), std::string::npos);
  EXPECT_NO_THROW(require_regular_file(dir / "table.csv", "the CSV file"));
  // read_csv asks before opening: a FIFO with no writer would block an open() for ever.
  EXPECT_NE(user_error([&] { io::read_csv(fifo); }).find("FIFO"), std::string::npos);
  EXPECT_NE(user_error([&] { io::read_csv("/dev/zero"); }).find("character device"), std::string::npos);
}

// A table followed by a hole of zero bytes: the first NUL byte stops the read.
TEST(InputFile, ANulByteStopsTheRead) {
  test::TempDir dir;
  const auto file = dir / "holed.csv";
  {
    std::ofstream out(file, std::ios::binary);
    out << "a,b\n1,2\n";
    out << std::string(1 << 20, '\0');
  }
  const std::string what = user_error([&] { io::read_csv(file); });
  EXPECT_NE(what.find("holed.csv:3: a NUL byte"), std::string::npos) << what;
  // Inside a label too: a NUL is never text.
  std::ofstream(file, std::ios::binary) << "x,label\n1,ro" << '\0' << "ck\n";
  EXPECT_NE(user_error([&] { io::read_csv(file); }).find("holed.csv:2: a NUL byte"), std::string::npos);
}

// A line without end (binary data without NULs): the line past 16 MiB stops.
TEST(InputFile, ALineBeyondTheBoundStopsTheRead) {
  test::TempDir dir;
  const auto file = dir / "long.csv";
  {
    std::ofstream out(file, std::ios::binary);
    out << "a,b\n1,2\n";
    out << std::string(kMaxTextLineBytes + 10, 'x');
  }
  const std::string what = user_error([&] { io::read_csv(file); });
  EXPECT_NE(what.find("long.csv:3: the line is longer than 16 MiB"), std::string::npos) << what;
}

// Decimal notation only: strtod would read "0x1p3" as 8 and stop quietly at a NUL.
TEST(Decimal, ReadsDecimalNumbersOnly) {
  double x = 0;
  EXPECT_TRUE(parse_decimal("8", x));
  EXPECT_EQ(x, 8.0);
  EXPECT_TRUE(parse_decimal(" -1.5e3 ", x));
  EXPECT_EQ(x, -1500.0);
  EXPECT_TRUE(parse_decimal("nan", x));
  EXPECT_TRUE(std::isnan(x));
  for (const std::string& bad : std::vector<std::string>{"0x1p3", "-0X10", "+0x8", "1e999", "", "  ", "1.5abc",
                                                         std::string("1\0abc", 5)})
    EXPECT_FALSE(parse_decimal(bad, x)) << "accepted \"" << bad << "\"";
}

// The fast path (std::from_chars) against strtod, the reference: the same value, bit for bit,
// for numbers written the ways tables write them (pandas' repr, %g, %e, fixed, integers), and
// the same verdict on text at the edges of both syntaxes.
TEST(Decimal, GivesStrtodsValueForEveryNumber) {
  std::mt19937_64 rng(425);
  std::uniform_int_distribution<std::uint64_t> bits;
  const char* formats[] = {"%.17g", "%.6g", "%.3e", "%.10f", "%.0f", "%a"};
  int fast_values = 0;
  for (int i = 0; i < 60000; ++i) {
    double v;
    const std::uint64_t b = bits(rng);
    if (i % 3 == 0) {
      std::memcpy(&v, &b, sizeof v);  // any finite double, the ends of the range included
      if (!std::isfinite(v)) continue;
    } else {
      v = std::ldexp(static_cast<double>(b >> 11) * 0x1p-53 - 0.5, static_cast<int>(b % 41) - 20);
    }
    char text[512];
    std::snprintf(text, sizeof text, formats[i % 6], v);
    char* end = nullptr;
    errno = 0;
    const double expected = std::strtod(text, &end);
    const bool expected_ok = *end == '\0' && errno != ERANGE && std::string_view(text).find('x') == std::string::npos;
    double got = 0;
    ASSERT_EQ(parse_decimal(text, got), expected_ok) << text;
    if (expected_ok) {
      ASSERT_EQ(std::memcmp(&got, &expected, sizeof got), 0) << text;
      fast_values += std::fabs(got) >= 1e-300 && std::fabs(got) <= 1e300;
    }
  }
  EXPECT_GT(fast_values, 30000);  // most went through the fast path
  double x = 0;
  for (const std::string& good : std::vector<std::string>{"+1.5", "-0", "0", ".5", "5.", "1E5", "00012", "1e-300",
                                                          "-1e300", "1e-320", "inf", "-Infinity", "NaN"}) {
    errno = 0;
    char* end = nullptr;
    const double expected = std::strtod(good.c_str(), &end);
    const bool ok = errno != ERANGE;
    EXPECT_EQ(parse_decimal(good, x), ok) << good;
    if (ok && !std::isnan(expected)) {
      EXPECT_EQ(std::memcmp(&x, &expected, sizeof x), 0) << good;
    }
  }
  for (const std::string& bad : std::vector<std::string>{"1.5e", "1_000", "--1", "+-1", "1.2.3", "e5", ".", "-", "1e400"})
    EXPECT_FALSE(parse_decimal(bad, x)) << "accepted \"" << bad << "\"";
}

// A quoted cell may span lines (lyrics), but not past the bound: an unterminated quote.
TEST(InputFile, ACellBeyondTheBoundStopsTheRead) {
  test::TempDir dir;
  const auto file = dir / "quote.csv";
  {
    std::ofstream out(file, std::ios::binary);
    out << "id,lyrics\n1,\"la la\n";
    const std::string line(1 << 20, 'x');
    for (int i = 0; i < 17; ++i) out << line << "\n";
  }
  const std::string what = user_error([&] { io::read_csv(file); });
  EXPECT_NE(what.find("quote.csv:2: a cell of the record starting here is longer than 16 MiB"), std::string::npos) << what;
  // Below the bound, a long multi-line cell reads whole.
  {
    std::ofstream out(file, std::ios::binary);
    out << "id,lyrics\n1,\"" << std::string(1 << 20, 'y') << "\n" << std::string(1 << 20, 'z') << "\"\n";
  }
  const io::CsvTable table = io::read_csv(file);
  ASSERT_EQ(table.rows.size(), 1u);
  EXPECT_EQ(table.rows[0][1].size(), (std::size_t{2} << 20) + 1);
}

TEST(InputFile, AnEmptyStudyFileIsRefused) {
  test::TempDir dir;
  std::ofstream(dir / "empty.toml") << "\n  \n";
  const std::string what = user_error([&] { load_study(dir / "empty.toml"); });
  EXPECT_NE(what.find("empty.toml: the study file is empty"), std::string::npos) << what;
  EXPECT_NE(user_error([&] { load_study(dir.path()); }).find("it is a directory"), std::string::npos);
}

}  // namespace
}  // namespace vaesweep

namespace vaesweep {
namespace {

// A rename that fails keeps its reason in the message (it said "Success": the clean-up's
// error code overwrote the rename's), and the temporary is gone.
TEST(WriteAtomically, AFailedRenameSaysWhy) {
  test::TempDir dir;
  const auto target = dir / "results.h5";
  std::filesystem::create_directory(target);
  std::ofstream(target / "inside") << "x";  // a non-empty folder cannot be replaced by a file
  const std::string what = user_error([&] {
    write_atomically(target, [](const std::filesystem::path& tmp) { std::ofstream(tmp) << "new"; });
  });
  EXPECT_NE(what.find("results.h5: cannot move the finished file into place: Is a directory"), std::string::npos)
      << what;
  EXPECT_EQ(what.find("Success"), std::string::npos) << what;
  std::size_t left = 0;
  for (const auto& entry : std::filesystem::directory_iterator(dir.path())) left += entry.path() != target;
  EXPECT_EQ(left, 0u) << "the temporary was left behind";
}

}  // namespace
}  // namespace vaesweep
