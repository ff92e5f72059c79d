#include "app/cluster_io.hpp"

#include <filesystem>
#include <fstream>
#include <system_error>

#include "util/atomic_write.hpp"
#include "util/error.hpp"
#include "io/csv.hpp"

namespace vaesweep::app {
namespace fs = std::filesystem;

std::string cluster_id_column(const io::CsvTable& csv) {
  for (const char* name : {"id", "filename", "path", "file", "track_id"})
    if (csv.has_column(name)) return name;
  return "";
}

bool read_cluster_input(const std::string& file, const std::vector<std::string>& exclude, data::FeatureTable& table) {
  const io::CsvTable csv = io::read_csv(file);
  data::TableOptions options;
  options.exclude = exclude;
  options.id_column = cluster_id_column(csv);
  const bool has_id_column = !options.id_column.empty();
  try {
    table = data::table_from_csv(csv, options);
  } catch (const UserError& e) {
    // table_from_csv speaks in study keys; on the command line the remedy is --exclude.
    std::string message = e.what();
    const std::string study_hint = "declare the column in data.labels or data.exclude";
    if (const auto at = message.find(study_hint); at != std::string::npos)
      message.replace(at, study_hint.size(), "pass --exclude with its name");
    throw UserError(message);
  }
  if (!has_id_column)
    for (std::size_t r = 0; r < table.ids.size(); ++r) table.ids[r] = std::to_string(r);
  return has_id_column;
}

void write_file_atomically(const std::string& out, bool overwrite, const std::string& content) {
  refuse_existing_output(out, overwrite);
  write_atomically(out, [&](const fs::path& tmp) {
    std::ofstream f(tmp, std::ios::binary | std::ios::trunc);
    if (!f) throw UserError(out + ": cannot create " + tmp.string() + " (does the folder exist and is it writable?)");
    f << content;
    f.close();
    if (!f) throw UserError(out + ": writing " + tmp.string() + " failed (disk full?)");
  });
}

}  // namespace vaesweep::app
