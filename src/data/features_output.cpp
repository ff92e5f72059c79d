#include "data/features_output.hpp"

#include <fstream>
#include <set>
#include <system_error>

#include "util/atomic_write.hpp"
#include "util/error.hpp"
#include "util/strings.hpp"
#include "util/version.hpp"
#include "util/csv_field.hpp"
#include "io/hdf5_file.hpp"

namespace vaesweep::data {
namespace fs = std::filesystem;
namespace {

std::string lower_extension(const fs::path& p) {
  std::string ext = p.extension().string();
  for (auto& c : ext) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return ext;
}

std::vector<std::string> file_names(const FeatureTable& t) {
  std::vector<std::string> names;
  for (const auto& track : t.track_ids) names.push_back(fs::path(track).filename().string());
  return names;
}

void write_csv(const fs::path& path, const AudioFeatures& f, const FeaturesOutputInfo& info) {
  std::ofstream csv(path, std::ios::binary);
  if (!csv) throw UserError(path.string() + ": cannot create the file");
  const FeatureTable& t = f.table;
  csv << "filename,length";
  if (info.segmented) csv << ",track_id,segment";
  for (const auto& name : t.feature_names) csv << "," << csv_field(name);
  for (const auto& l : t.labels) csv << "," << csv_field(l.name);
  for (const auto& name : f.kept_names) csv << "," << csv_field(name);
  csv << "\n";
  const auto names = file_names(t);
  for (std::size_t r = 0; r < t.rows(); ++r) {
    csv << csv_field(names[r]) << "," << f.lengths[r];
    if (info.segmented) csv << "," << csv_field(t.track_ids[r]) << "," << f.segments[r];
    for (Eigen::Index c = 0; c < t.X.cols(); ++c) csv << "," << number_text(t.X(static_cast<Eigen::Index>(r), c));
    for (const auto& l : t.labels) csv << "," << csv_field(l.class_of(r));
    for (const auto& values : f.kept_values) csv << "," << csv_field(values[r]);
    csv << "\n";
  }
  csv.close();
  if (!csv) throw UserError(path.string() + ": write failed (disk full?)");
}

void write_skipped_csv(const fs::path& path, const FeatureTable& t) {
  std::ofstream csv(path, std::ios::binary);
  if (!csv) throw UserError(path.string() + ": cannot create the file");
  csv << "path,reason\n";
  for (const auto& s : t.skipped) csv << csv_field(s.path) << "," << csv_field(s.reason) << "\n";
  csv.close();
  if (!csv) throw UserError(path.string() + ": write failed (disk full?)");
}

void write_h5(const fs::path& path, const AudioFeatures& f, const FeaturesOutputInfo& info) {
  const FeatureTable& t = f.table;
  io::ColumnTable rows;
  rows.add_column("filename", file_names(t));
  rows.add_column("track_id", t.track_ids);
  rows.add_column("segment", std::vector<std::int64_t>(f.segments.begin(), f.segments.end()));
  rows.add_column("length", f.lengths);
  for (const auto& l : t.labels) {
    std::vector<std::string> values;
    for (std::size_t r = 0; r < l.codes.size(); ++r) values.push_back(l.class_of(r));
    rows.add_column(l.name, values);
  }
  for (std::size_t k = 0; k < f.kept_names.size(); ++k) rows.add_column(f.kept_names[k], f.kept_values[k]);
  io::ColumnTable names;
  names.add_column("name", t.feature_names);
  std::vector<std::string> paths, reasons;
  for (const auto& s : t.skipped) {
    paths.push_back(s.path);
    reasons.push_back(s.reason);
  }
  io::ColumnTable skipped;
  skipped.add_column("path", paths);
  skipped.add_column("reason", reasons);
  std::string shape;
  for (int extent : t.shape) shape += (shape.empty() ? "" : "x") + std::to_string(extent);

  io::Hdf5File h5 = io::Hdf5File::create(path);
  h5.set_attribute("/", "extraction", info.extraction);
  h5.set_attribute("/", "source", info.source.string());
  h5.set_attribute("/", "shape", shape);
  h5.set_attribute("/", "vaesweep_version", version());
  h5.set_attribute("/", "git_commit", git_commit());
  h5.write_table("/rows", rows);
  h5.write_matrix("/X", t.X);
  h5.write_table("/feature_names", names);
  h5.write_table("/skipped_files", skipped);
  h5.close();
}

// A kept manifest column must not take the name of a column the table already has: a reader
// would find two.
void check_kept_names(const fs::path& out, const AudioFeatures& f) {
  std::set<std::string> taken = {"filename", "length", "track_id", "segment"};
  taken.insert(f.table.feature_names.begin(), f.table.feature_names.end());
  for (const auto& l : f.table.labels) taken.insert(l.name);
  for (const auto& name : f.kept_names)
    if (!taken.insert(name).second)
      throw UserError(out.string() + ": the kept column \"" + name + "\" has the name of another column of the table");
}

}  // namespace

void check_features_output(const fs::path& out, bool overwrite) {
  const std::string ext = lower_extension(out);
  if (ext != ".csv" && ext != ".h5" && ext != ".hdf5")
    throw UserError(out.string() + ": unknown output format \"" + ext + "\"; use .csv or .h5");
  refuse_existing_output(out, overwrite);
}

void write_features_output(const fs::path& out, const AudioFeatures& features, const FeaturesOutputInfo& info,
                           bool overwrite) {
  check_features_output(out, overwrite);
  check_kept_names(out, features);
  std::error_code ec;
  if (lower_extension(out) == ".csv") {
    write_atomically(out, [&](const fs::path& tmp) { write_csv(tmp, features, info); });
    const fs::path skipped = out.string() + ".skipped.csv";
    if (!features.table.skipped.empty())
      write_atomically(skipped, [&](const fs::path& tmp) { write_skipped_csv(tmp, features.table); });
    else
      fs::remove(skipped, ec);  // a stale list from an earlier run would be wrong now
  } else {
    write_atomically(out, [&](const fs::path& tmp) { write_h5(tmp, features, info); });
  }
}

}  // namespace vaesweep::data
