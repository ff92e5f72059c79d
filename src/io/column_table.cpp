#include "io/column_table.hpp"

#include <type_traits>
#include <utility>

#include "util/error.hpp"

namespace vaesweep::io {

const char* column_type_name(const ColumnValues& values) {
  switch (values.index()) {
    case 0: return "int64";
    case 1: return "double";
    default: return "string";
  }
}

std::size_t column_length(const ColumnValues& values) {
  return std::visit([](const auto& v) { return v.size(); }, values);
}

void ColumnTable::add_column(std::string name, ColumnValues values) {
  if (name.empty()) throw UserError("column table: a column name must not be empty");
  if (has(name)) throw UserError("column table: duplicate column name '" + name + "'");
  const std::size_t length = column_length(values);
  if (!columns_.empty() && length != rows()) {
    throw UserError("column table: column '" + name + "' has " + std::to_string(length) +
                    " rows, expected " + std::to_string(rows()) + " like the other columns");
  }
  columns_.push_back(Column{std::move(name), std::move(values)});
}

std::size_t ColumnTable::rows() const {
  return columns_.empty() ? 0 : column_length(columns_.front().values);
}

bool ColumnTable::has(const std::string& name) const {
  for (const Column& c : columns_) {
    if (c.name == name) return true;
  }
  return false;
}

const Column& ColumnTable::column(const std::string& name) const {
  for (const Column& c : columns_) {
    if (c.name == name) return c;
  }
  std::string available;
  for (const Column& c : columns_) available += (available.empty() ? "" : ", ") + c.name;
  throw UserError("column table: no column '" + name + "'; available: " +
                  (available.empty() ? std::string("(none)") : available));
}

namespace {

template <typename T>
const std::vector<T>& typed(const ColumnTable& table, const std::string& name, const char* asked) {
  const Column& c = table.column(name);
  if (const auto* v = std::get_if<std::vector<T>>(&c.values)) return *v;
  throw UserError("column table: column '" + name + "' holds " + column_type_name(c.values) +
                  " values, not " + asked);
}

}  // namespace

const std::vector<std::int64_t>& ColumnTable::ints(const std::string& name) const {
  return typed<std::int64_t>(*this, name, "int64");
}

const std::vector<double>& ColumnTable::doubles(const std::string& name) const {
  return typed<double>(*this, name, "double");
}

const std::vector<std::string>& ColumnTable::strings(const std::string& name) const {
  return typed<std::string>(*this, name, "string");
}

std::string ColumnTable::schema_string() const {
  std::string s;
  for (const Column& c : columns_) {
    s += (s.empty() ? "" : ", ") + c.name + ":" + column_type_name(c.values);
  }
  return s.empty() ? "(no columns)" : s;
}

void ColumnTable::append(const ColumnTable& other) {
  if (&other == this) {  // inserting a vector's own range into itself is undefined
    const ColumnTable copy = other;
    append(copy);
    return;
  }
  if (columns_.empty()) {
    columns_ = other.columns_;
    return;
  }
  bool same = other.columns_.size() == columns_.size();
  for (std::size_t i = 0; same && i < columns_.size(); ++i) {
    same = columns_[i].name == other.columns_[i].name &&
           columns_[i].values.index() == other.columns_[i].values.index();
  }
  if (!same) {
    throw UserError("column table: cannot append rows with schema [" + other.schema_string() +
                    "] to a table with schema [" + schema_string() + "]");
  }
  for (std::size_t i = 0; i < columns_.size(); ++i) {
    std::visit(
        [&](auto& dst) {
          const auto& src = std::get<std::decay_t<decltype(dst)>>(other.columns_[i].values);
          dst.insert(dst.end(), src.begin(), src.end());
        },
        columns_[i].values);
  }
}

}  // namespace vaesweep::io
