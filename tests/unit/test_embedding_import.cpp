// Import of precomputed embeddings: round trips of small files written here (the .npy bytes by
// hand, after numpy's format spec: magic \x93NUMPY, version, header length, dict literal, data),
// and every error names the file and the row or line.
#include <gtest/gtest.h>

#include <Eigen/Dense>
#include <bit>
#include <cmath>
#include <cstdint>
#include <cstring>
#include <fstream>
#include <limits>
#include <string>
#include <vector>

#include "util/error.hpp"
#include "io/column_table.hpp"
#include "io/hdf5_file.hpp"
#include "temp_dir.hpp"
#include "text/embedding_import.hpp"
#include "user_error_expect.hpp"

namespace vt = vaesweep::text;
namespace fs = std::filesystem;

namespace {

using vaesweep::test::user_error;

#define EXPECT_ERROR_HAS(expr, ...)                                          \
  do {                                                                       \
    const std::string message_ = user_error([&] { (void)(expr); });          \
    ASSERT_FALSE(message_.empty()) << "no UserError from " #expr;            \
    for (const char* part_ : {__VA_ARGS__})                                  \
      EXPECT_NE(message_.find(part_), std::string::npos) << message_;        \
  } while (0)

void write_text(const fs::path& file, const std::string& text) {
  std::ofstream(file, std::ios::binary) << text;
}

// A .npy file: `header_dict` padded with spaces and '\n' so that the data starts at a multiple
// of 64 bytes, as numpy.save does.
std::string npy_bytes(const std::string& header_dict, const std::string& data, int major = 1) {
  const std::size_t prefix = 6 + 2 + (major == 1 ? 2 : 4);
  std::string header = header_dict;
  while ((prefix + header.size() + 1) % 64 != 0) header += ' ';
  header += '\n';
  std::string out = "\x93NUMPY";
  out += static_cast<char>(major);
  out += '\0';
  const std::size_t n = header.size();
  out += static_cast<char>(n & 0xFF);
  out += static_cast<char>((n >> 8) & 0xFF);
  if (major != 1) out += std::string(2, '\0');
  return out + header + data;
}

template <typename T>
std::string raw(const std::vector<T>& values, bool big_endian = false) {
  std::string out;
  for (T v : values) {
    char b[sizeof(T)];
    std::memcpy(b, &v, sizeof(T));
    if (big_endian == (std::endian::native == std::endian::little))
      for (std::size_t i = 0; i < sizeof(T) / 2; ++i) std::swap(b[i], b[sizeof(T) - 1 - i]);
    out.append(b, sizeof(T));
  }
  return out;
}

const std::string kHeader23 = "{'descr': '<f8', 'fortran_order': False, 'shape': (2, 3), }";
const Eigen::MatrixXd kX23 = (Eigen::MatrixXd(2, 3) << 1, -2.5, 3e-7, 4, 5, 6).finished();
const std::vector<double> kRowMajor23 = {1, -2.5, 3e-7, 4, 5, 6};

class EmbeddingImport : public ::testing::Test {
 protected:
  vaesweep::test::TempDir temp_;
};

}  // namespace

TEST_F(EmbeddingImport, CsvRoundTrip) {
  const fs::path f = temp_ / "emb.csv";
  write_text(f, "a,id,b\n1,song one,2.5\n-3e-1,\"Bangla, \u0986\u09ae\u09bf\",+4\n");
  const vt::Embeddings e = vt::read_embeddings(f);
  EXPECT_EQ(e.ids, (std::vector<std::string>{"song one", "Bangla, \u0986\u09ae\u09bf"}));
  EXPECT_EQ(e.X, (Eigen::MatrixXd(2, 2) << 1, 2.5, -0.3, 4).finished());
  write_text(f, "key,x\nk,0.5\n");
  EXPECT_EQ(vt::read_embeddings_csv(f, "key").ids, std::vector<std::string>{"k"});
}

TEST_F(EmbeddingImport, CsvErrorsNameFileLineAndColumn) {
  const fs::path f = temp_ / "bad.csv";
  write_text(f, "id,a,b\nx,1,2\ny,nan,3\n");
  EXPECT_ERROR_HAS(vt::read_embeddings_csv(f), "bad.csv:3", "column \"a\"", "finite");
  write_text(f, "id,a,b\nx,1,-inf\n");
  EXPECT_ERROR_HAS(vt::read_embeddings_csv(f), "bad.csv:2", "column \"b\"", "finite");
  write_text(f, "id,a,b\nx,1,abc\n");
  EXPECT_ERROR_HAS(vt::read_embeddings_csv(f), "bad.csv:2", "\"abc\" is not a number");
  write_text(f, "id,a,b\nx,1,\n");
  EXPECT_ERROR_HAS(vt::read_embeddings_csv(f), "bad.csv:2", "column \"b\"", "not a number");
  write_text(f, "id,a,b\nx,1,2\ny,3\n");
  EXPECT_ERROR_HAS(vt::read_embeddings_csv(f), "bad.csv", "3");  // ragged: io::read_csv names the line
  write_text(f, "id,a\nx,1\ny,2\nx,3\n");
  EXPECT_ERROR_HAS(vt::read_embeddings_csv(f), "bad.csv:4", "\"x\" repeats the id of", "bad.csv:2");
  write_text(f, "id,a\n,1\n");
  EXPECT_ERROR_HAS(vt::read_embeddings_csv(f), "bad.csv:2", "empty");
  write_text(f, "name,a\nx,1\n");
  EXPECT_ERROR_HAS(vt::read_embeddings_csv(f), "no column \"id\"");
  write_text(f, "id\nx\n");
  EXPECT_ERROR_HAS(vt::read_embeddings_csv(f), "width 0");
  write_text(f, "id,a\n");
  EXPECT_ERROR_HAS(vt::read_embeddings_csv(f), "0 rows");
}

TEST_F(EmbeddingImport, Hdf5RoundTrip) {
  const fs::path f = temp_ / "emb.h5";
  {
    auto h5 = vaesweep::io::Hdf5File::create(f);
    h5.write_matrix("/embeddings", kX23);
    vaesweep::io::ColumnTable ids;
    ids.add_column("id", std::vector<std::string>{"\u0986\u09ae\u09bf", "b"});
    h5.write_table("/ids", ids);
    vaesweep::io::ColumnTable numbers;
    numbers.add_column("track", std::vector<std::int64_t>{7, 9});
    h5.write_table("/numbers", numbers);
    h5.close();
  }
  vt::Embeddings e = vt::read_embeddings(f);
  EXPECT_EQ(e.ids, (std::vector<std::string>{"\u0986\u09ae\u09bf", "b"}));
  EXPECT_EQ(e.X, kX23);
  vt::EmbeddingImportParams p;
  p.ids_dataset = "/numbers";  // the only member, integers
  e = vt::read_embeddings(f, p);
  EXPECT_EQ(e.ids, (std::vector<std::string>{"7", "9"}));
}

TEST_F(EmbeddingImport, Hdf5Errors) {
  const fs::path f = temp_ / "bad.h5";
  const auto write = [&](const Eigen::MatrixXd& X, const vaesweep::io::ColumnTable& ids) {
    auto h5 = vaesweep::io::Hdf5File::create(f);
    h5.write_matrix("/embeddings", X);
    h5.write_table("/ids", ids);
    h5.close();
  };
  vaesweep::io::ColumnTable ids;
  ids.add_column("id", std::vector<std::string>{"a", "b"});
  Eigen::MatrixXd X = kX23;
  X(1, 2) = std::numeric_limits<double>::quiet_NaN();
  write(X, ids);
  EXPECT_ERROR_HAS(vt::read_embeddings_hdf5(f), "bad.h5:/embeddings: row 1", "id \"b\"", "column 2", "finite");
  X(1, 2) = std::numeric_limits<double>::infinity();
  write(X, ids);
  EXPECT_ERROR_HAS(vt::read_embeddings_hdf5(f), "row 1", "inf");
  vaesweep::io::ColumnTable same;
  same.add_column("id", std::vector<std::string>{"a", "a"});
  write(kX23, same);
  EXPECT_ERROR_HAS(vt::read_embeddings_hdf5(f), "row 1", "repeats the id of", "row 0");
  vaesweep::io::ColumnTable three;
  three.add_column("id", std::vector<std::string>{"a", "b", "c"});
  write(kX23, three);
  EXPECT_ERROR_HAS(vt::read_embeddings_hdf5(f), "bad.h5:/ids", "3 ids for the 2 rows");
  vaesweep::io::ColumnTable doubles;
  doubles.add_column("id", std::vector<double>{1, 2});
  write(kX23, doubles);
  EXPECT_ERROR_HAS(vt::read_embeddings_hdf5(f), "double", "expected strings or integers");
  vaesweep::io::ColumnTable two;
  two.add_column("name", std::vector<std::string>{"a", "b"});
  two.add_column("other", std::vector<std::string>{"a", "b"});
  write(kX23, two);
  EXPECT_ERROR_HAS(vt::read_embeddings_hdf5(f), "no member \"id\"");
  EXPECT_ERROR_HAS(vt::read_embeddings_hdf5(f, "/missing"), "bad.h5", "/missing");
}

TEST_F(EmbeddingImport, NpyRoundTrips) {
  const fs::path f = temp_ / "emb.npy";
  write_text(f, npy_bytes(kHeader23, raw(kRowMajor23)));
  vt::Embeddings e = vt::read_embeddings(f);
  EXPECT_EQ(e.ids, (std::vector<std::string>{"0", "1"}));  // row order without a sidecar
  EXPECT_EQ(e.X, kX23);

  // float32, version 2.0, big-endian, Fortran order, and a sidecar with "\r\n" line ends.
  const std::vector<float> col_major = {1, 4, -2.5f, 5, 3e-7f, 6};
  write_text(f, npy_bytes("{'descr': '>f4', 'fortran_order': True, 'shape': (2, 3), }", raw(col_major, true), 2));
  write_text(temp_ / "ids.txt", "first\r\nsecond\r\n");
  vt::EmbeddingImportParams p;
  p.ids_file = temp_ / "ids.txt";
  e = vt::read_embeddings(f, p);
  EXPECT_EQ(e.ids, (std::vector<std::string>{"first", "second"}));
  EXPECT_EQ(e.X, kX23.cast<float>().cast<double>());

  write_text(temp_ / "ids.txt", "a\nb");  // no final line break
  write_text(f, npy_bytes("{\"descr\": \"<f4\", \"fortran_order\": False, \"shape\": (2, 3)}",
                          raw(std::vector<float>{1, -2.5f, 3e-7f, 4, 5, 6})));
  e = vt::read_embeddings_npy(f, temp_ / "ids.txt");
  EXPECT_EQ(e.ids, (std::vector<std::string>{"a", "b"}));
  EXPECT_EQ(e.X, kX23.cast<float>().cast<double>());
}

TEST_F(EmbeddingImport, NpyErrors) {
  const fs::path f = temp_ / "bad.npy";
  const std::string good = npy_bytes(kHeader23, raw(kRowMajor23));
  write_text(f, good.substr(0, good.size() - 5));
  EXPECT_ERROR_HAS(vt::read_embeddings_npy(f), "bad.npy", "truncated", "needs 48 data bytes, the file has 43");
  write_text(f, good.substr(0, 20));
  EXPECT_ERROR_HAS(vt::read_embeddings_npy(f), "bad.npy", "truncated");
  write_text(f, good + "xx");
  EXPECT_ERROR_HAS(vt::read_embeddings_npy(f), "bad.npy", "2 bytes after");
  write_text(f, npy_bytes("{'descr': '<i4', 'fortran_order': False, 'shape': (2, 3), }", std::string(24, '\0')));
  EXPECT_ERROR_HAS(vt::read_embeddings_npy(f), "bad.npy", "dtype '<i4'", "float32 or float64");
  write_text(f, npy_bytes("{'descr': '<f8', 'fortran_order': False, 'shape': (6,), }", raw(kRowMajor23)));
  EXPECT_ERROR_HAS(vt::read_embeddings_npy(f), "bad.npy", "1 dimensions; expected 2");
  write_text(f, npy_bytes("{'descr': '<f8', 'shape': (2, 3), }", raw(kRowMajor23)));
  EXPECT_ERROR_HAS(vt::read_embeddings_npy(f), "bad.npy", "header");
  write_text(f, "PK\x03\x04 not an npy file");
  EXPECT_ERROR_HAS(vt::read_embeddings_npy(f), "bad.npy", "magic");
  EXPECT_ERROR_HAS(vt::read_embeddings_npy(temp_ / "missing.npy"), "missing.npy");

  std::vector<float> values = {1, 2, 3, 4, std::numeric_limits<float>::quiet_NaN(), 6};
  write_text(f, npy_bytes("{'descr': '<f4', 'fortran_order': False, 'shape': (2, 3), }", raw(values)));
  EXPECT_ERROR_HAS(vt::read_embeddings_npy(f), "bad.npy: row 1", "column 1", "nan");
  write_text(f, good);
  write_text(temp_ / "ids.txt", "a\nb\nc\n");
  EXPECT_ERROR_HAS(vt::read_embeddings_npy(f, temp_ / "ids.txt"), "ids.txt", "3 ids (lines) for the 2 rows");
  write_text(temp_ / "ids.txt", "a\na\n");
  EXPECT_ERROR_HAS(vt::read_embeddings_npy(f, temp_ / "ids.txt"), "ids.txt:2", "repeats the id of", "ids.txt:1");
  EXPECT_ERROR_HAS(vt::read_embeddings(temp_ / "emb.parquet"), "emb.parquet", ".csv", ".npy");
}
