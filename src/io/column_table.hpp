#pragma once
// A column-oriented table: the in-memory shape of the compound datasets in results.h5
// (/units, /evaluations, /aggregate). Columns are named, typed (int64, double or UTF-8 string)
// and all have the same length. No HDF5 here: Hdf5File maps a ColumnTable to and from disk.
#include <cstddef>
#include <cstdint>
#include <string>
#include <variant>
#include <vector>

namespace vaesweep::io {

using ColumnValues =
    std::variant<std::vector<std::int64_t>, std::vector<double>, std::vector<std::string>>;

struct Column {
  std::string name;
  ColumnValues values;
};

// "int64", "double" or "string": used in error messages and schema comparisons.
const char* column_type_name(const ColumnValues& values);
std::size_t column_length(const ColumnValues& values);

class ColumnTable {
 public:
  // UserError on an empty or duplicate name, or a length different from the existing columns.
  void add_column(std::string name, ColumnValues values);

  std::size_t rows() const;  // 0 for a table without columns
  std::size_t cols() const { return columns_.size(); }

  bool has(const std::string& name) const;
  // UserError listing the available names when `name` is absent.
  const Column& column(const std::string& name) const;

  // Typed accessors: UserError naming the column, the asked and the actual type on mismatch.
  const std::vector<std::int64_t>& ints(const std::string& name) const;
  const std::vector<double>& doubles(const std::string& name) const;
  const std::vector<std::string>& strings(const std::string& name) const;

  const std::vector<Column>& columns() const { return columns_; }

  // Appends the rows of `other`, which must have the same names, order and types. A table
  // without columns takes the schema of `other`, so that rows can be accumulated from empty.
  void append(const ColumnTable& other);

  // "name:type, name:type, ...": for error messages about mismatching schemas.
  std::string schema_string() const;

 private:
  std::vector<Column> columns_;
};

}  // namespace vaesweep::io
