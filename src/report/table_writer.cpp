#include "report/table_writer.hpp"

#include <charconv>
#include <cmath>

#include "util/csv_field.hpp"
#include "util/error.hpp"

namespace vaesweep::report {
namespace {

// Shortest text that reads back to the same double (std::to_chars' guarantee).
std::string number_text(double d) {
  char buffer[32];
  const auto end = std::to_chars(buffer, buffer + sizeof buffer, d).ptr;
  return std::string(buffer, end);
}

std::string list_text(const nlohmann::ordered_json& list) {
  std::string out = "[";
  for (std::size_t i = 0; i < list.size(); ++i) {
    const auto& item = list[i];
    out += (i ? ", " : "") + (item.is_string() ? item.get<std::string>() : item.dump());
  }
  return out + "]";
}

std::string csv_cell(const nlohmann::ordered_json& cell) {
  if (cell.is_null()) return "";
  if (cell.is_boolean()) return cell.get<bool>() ? "true" : "false";
  if (cell.is_number_integer()) return std::to_string(cell.get<std::int64_t>());
  if (cell.is_number_unsigned()) return std::to_string(cell.get<std::uint64_t>());
  if (cell.is_number_float()) {
    const double d = cell.get<double>();
    return std::isfinite(d) ? number_text(d) : "";
  }
  if (cell.is_array()) return csv_field(list_text(cell), true);
  return csv_field(cell.get<std::string>());
}

}  // namespace

TableFormat parse_table_format(const std::string& text) {
  if (text == "csv") return TableFormat::csv;
  if (text == "json") return TableFormat::json;
  throw UserError("--format: unknown format \"" + text + "\"; valid formats are: csv, json");
}

void TableWriter::header(std::vector<std::string> names) {
  names_ = std::move(names);
  if (format_ == TableFormat::json) {
    out_ << "[";
    return;
  }
  for (std::size_t i = 0; i < names_.size(); ++i) out_ << (i ? "," : "") << csv_field(names_[i]);
  out_ << "\n";
}

void TableWriter::row(const std::vector<nlohmann::ordered_json>& cells) {
  VAESWEEP_ASSERT(cells.size() == names_.size(), "a row of another width than its header");
  if (format_ == TableFormat::csv) {
    for (std::size_t i = 0; i < cells.size(); ++i) out_ << (i ? "," : "") << csv_cell(cells[i]);
    out_ << "\n";
  } else {
    nlohmann::ordered_json object = nlohmann::ordered_json::object();
    for (std::size_t i = 0; i < cells.size(); ++i) {
      const auto& cell = cells[i];
      // nlohmann writes NaN and infinities as null; said here so that it is not a surprise.
      object[names_[i]] = cell.is_number_float() && !std::isfinite(cell.get<double>()) ? nullptr : cell;
    }
    out_ << (rows_ ? ",\n" : "\n") << object.dump();
  }
  ++rows_;
}

void TableWriter::finish() {
  if (format_ == TableFormat::json) out_ << (rows_ ? "\n]\n" : "]\n");
  out_.flush();
}

}  // namespace vaesweep::report
