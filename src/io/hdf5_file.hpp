#pragma once
// The one place where vaesweep talks to the HDF5 C library (after HighFive's wrappers): every
// C call is checked, every handle is owned by an RAII object whose destructor never throws, and
// HDF5's automatic error printing is off; a failure throws UserError naming the file, the object
// path and HDF5's own reason. hdf5.h stays out of this header so that only this room's .cpp
// files see the C API.
//
// On-disk shapes (read by h5py and pandas as they are):
//  - a table is a 1-D compound dataset, one member per column: int64 -> 64-bit signed integer,
//    double -> IEEE double, string -> fixed-length UTF-8 string, NUL-padded, as wide as the
//    column's longest value (at least 1 byte) when that value has at most 255 bytes; a longer
//    value, or a table written without rows, makes the column a variable-length UTF-8 string.
//    Numbers are 8-aligned in the row, so a row may hold zero padding bytes. h5py returns both
//    kinds of string member as bytes. Chunked (about 256 KiB of rows per chunk), unlimited (so
//    that append_rows can extend it), shuffled and deflated (level 1): fixed-length text lies
//    inside the rows, where deflate compresses it.
//  - a matrix is a 2-D double dataset, row-major (rows = samples), as numpy expects.
//  - attributes are scalars: variable-length UTF-8 strings (h5py reads them as str), int64 or
//    double.
#include <Eigen/Core>
#include <cstdint>
#include <filesystem>
#include <functional>
#include <map>
#include <string>
#include <utility>
#include <vector>

#include "io/column_table.hpp"

namespace vaesweep::io {

// Call first thing in main, before any HDF5 call. HDF5's own exit handler closes what is still
// open, and a file whose close failed (a full disk) is then closed again: a SIGSEGV inside
// H5F__close_cb at exit, after the clear error. Every file is closed by its owner anyway.
void skip_hdf5_cleanup_at_exit();

// The longest value (in bytes) of each string column of a table seen block by block, by column
// name: what write_table sizes a fixed-length string column by (Hdf5File::create_table).
class StringWidths {
 public:
  void add(const ColumnTable& block);
  // 0 for a column never seen (or without values).
  std::size_t longest(const std::string& column) const;
  // The string columns seen, each with its longest value.
  const std::map<std::string, std::size_t>& all() const { return longest_; }

 private:
  std::map<std::string, std::size_t> longest_;
};

class Hdf5File {
 public:
  // Creates or truncates `path`. Callers that must not leave a half-written file behind write
  // to a temporary name and rename after close().
  static Hdf5File create(const std::filesystem::path& path);
  // A missing file, a file that is not HDF5 and a truncated file all throw UserError naming
  // the path.
  static Hdf5File open_read(const std::filesystem::path& path);
  static Hdf5File open_read_write(const std::filesystem::path& path);

  Hdf5File(Hdf5File&& other) noexcept;
  Hdf5File& operator=(Hdf5File&& other) noexcept;
  Hdf5File(const Hdf5File&) = delete;
  Hdf5File& operator=(const Hdf5File&) = delete;
  ~Hdf5File();  // closes, ignoring errors; call close() to learn about them

  // Writes `table` as a new compound dataset at `dataset` ("/a/b/name"; missing groups are
  // created). An existing object at that path is replaced (HDF5 does not reclaim its space
  // until the file is repacked). A table needs at least one column; 0 rows is fine. String
  // values end at their first NUL byte, as C strings do.
  void write_table(const std::string& dataset, const ColumnTable& table);
  // A table too large to hold, written in blocks: create_table makes the dataset write_table
  // would make for the whole table (the columns, names and types of `columns`, whose rows are
  // ignored; each string column as wide as `widths` says its longest value is; `rows` rows),
  // then write_rows fills rows [first, first + block.rows()) with a block of the same columns.
  // Rows never written read as zeros and empty strings. A value longer than its column's width
  // is a UserError naming the column.
  void create_table(const std::string& dataset, const ColumnTable& columns, const StringWidths& widths,
                    std::size_t rows);
  void write_rows(const std::string& dataset, std::size_t first, const ColumnTable& block);
  // Extends an existing table; `rows` must have the same column names, order and types. A
  // fixed-length string column keeps the width write_table gave it: a longer value is a
  // UserError naming the dataset and the column, and nothing is appended. A table meant to grow
  // with strings of unknown length is best started with 0 rows, which makes its string columns
  // variable-length.
  void append_rows(const std::string& dataset, const ColumnTable& rows);
  // Reads any 1-D compound dataset whose members are integers (read as int64), floats (read as
  // double) or strings (variable- or fixed-length; fixed-length ones without their padding).
  ColumnTable read_table(const std::string& dataset) const;
  // Only the columns `wanted` says yes to (in the table's order), the others left on disk: what
  // a reader of a few columns of a large table needs.
  ColumnTable read_columns(const std::string& dataset, const std::function<bool(const std::string&)>& wanted) const;
  // The table's column names, in its order, without reading a row.
  std::vector<std::string> column_names(const std::string& dataset) const;

  // True when `object_path` names an existing group, dataset or named datatype ("/" always).
  bool exists(const std::string& object_path) const;

  // Writes `m` as a 2-D double dataset, row-major on disk; replaces an existing object.
  void write_matrix(const std::string& dataset, const Eigen::MatrixXd& m);
  Eigen::MatrixXd read_matrix(const std::string& dataset) const;
  // Rows and columns of a matrix read_matrix would read, without reading it.
  std::pair<std::int64_t, std::int64_t> matrix_shape(const std::string& dataset) const;

  // Scalar attributes on an existing group or dataset; an attribute of the same name is
  // replaced.
  void set_attribute(const std::string& object_path, const std::string& name, const std::string& value);
  void set_attribute(const std::string& object_path, const std::string& name, std::int64_t value);
  void set_attribute(const std::string& object_path, const std::string& name, double value);
  // Without this overload a string literal would pick the bool-like pointer conversion.
  void set_attribute(const std::string& object_path, const std::string& name, const char* value) {
    set_attribute(object_path, name, std::string(value));
  }
  // UserError when the attribute is absent or of another type (an integer attribute may be
  // read as double).
  std::string string_attribute(const std::string& object_path, const std::string& name) const;
  std::int64_t int_attribute(const std::string& object_path, const std::string& name) const;
  double double_attribute(const std::string& object_path, const std::string& name) const;
  // Names in ascending order.
  std::vector<std::string> attribute_names(const std::string& object_path) const;

  // Names of the links in group `group` (not their paths), in ascending order. UserError when
  // `group` is missing or not a group.
  std::vector<std::string> children(const std::string& group) const;
  // Copies the object at `object_path` of `source` (a dataset, or a group with everything in
  // it, attributes included) to the same path in this file, creating missing parent groups.
  // UserError when this file already has an object there or `source` lacks it.
  void copy_from(const Hdf5File& source, const std::string& object_path);

  // Makes everything written so far durable (H5Fflush), e.g. after each finished unit.
  void flush();
  // Closes the file, throwing if HDF5 reports a failure; the object is then empty.
  void close();

  const std::filesystem::path& path() const { return path_; }

 private:
  Hdf5File(std::int64_t id, std::filesystem::path path) : id_(id), path_(std::move(path)) {}
  std::int64_t open_id() const;  // id_, asserting that the file is still open

  std::int64_t id_ = -1;  // hid_t of the open file; -1 once closed or moved from
  std::filesystem::path path_;
};

}  // namespace vaesweep::io
