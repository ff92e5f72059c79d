// vaesweep encode: the latent means of a feature table under a model a sweep saved
// (model.checkpoints = true), without training again.
//
// The table is a CSV like data.source = "table" reads: the checkpoint's feature columns must all
// be there (they are taken in the checkpoint's order; other numeric columns are ignored, and
// identifier columns kept out as always). When the model was trained on standardised features
// the table is standardised by its own columns, as the study did with its data. A cvae needs
// its condition: the label column it was conditioned on, with classes the model knows.
// Models that saw text (text only, or audio + text fused early) are refused: their inputs are
// built from lyrics by a study, not read from a table.
#include <iostream>
#include <map>

#include "app/commands.hpp"
#include "app/options.hpp"
#include "util/atomic_write.hpp"
#include "util/error.hpp"
#include "util/strings.hpp"
#include "util/version.hpp"
#include "io/column_table.hpp"
#include "io/csv.hpp"
#include "data/feature_table.hpp"
#include "io/hdf5_file.hpp"
#include "models/vae.hpp"

namespace vaesweep::app {
namespace fs = std::filesystem;

namespace {

std::string note(const models::Checkpoint& c, const std::string& key, const fs::path& file) {
  const auto it = c.notes.find(key);
  if (it == c.notes.end())
    throw UserError(file.string() + ": the checkpoint has no \"" + key + "\" note (not written by vaesweep run?)");
  return it->second;
}

// The table's columns in the checkpoint's order.
Eigen::MatrixXd columns_in_order(const data::FeatureTable& table, const std::vector<std::string>& names,
                                 const fs::path& data_file) {
  std::map<std::string, Eigen::Index> index;
  for (std::size_t j = 0; j < table.feature_names.size(); ++j) index[table.feature_names[j]] = static_cast<Eigen::Index>(j);
  std::vector<std::string> missing;
  Eigen::MatrixXd X(table.X.rows(), static_cast<Eigen::Index>(names.size()));
  for (std::size_t j = 0; j < names.size(); ++j) {
    const auto it = index.find(names[j]);
    if (it == index.end()) missing.push_back(names[j]);
    else X.col(static_cast<Eigen::Index>(j)) = table.X.col(it->second);
  }
  if (!missing.empty())
    throw UserError(data_file.string() + ": " + std::to_string(missing.size()) +
                    " feature column(s) the model was trained on are missing: " + join(missing));
  return X;
}

// The cvae's condition, in the class order it was trained with.
Eigen::MatrixXd condition_matrix(const data::FeatureTable& table, const models::Checkpoint& c, const fs::path& ckpt,
                                 const fs::path& data_file) {
  return data::one_hot(table.label(note(c, "condition_on", ckpt)), split(note(c, "condition_classes", ckpt), '\n'),
                       table.ids, data_file.string());
}

}  // namespace

int command_encode(const std::vector<std::string>& args) {
  std::string checkpoint, data_file, out, id_column, device = "cpu";
  std::vector<std::string> labels, exclude;
  bool overwrite = false;
  po::options_description options("vaesweep encode options");
  options.add_options()
      ("checkpoint", po::value(&checkpoint)->required(), "a model saved by a sweep (<results>.checkpoints/<config hash>.pt)")
      ("data", po::value(&data_file)->required(), "feature table CSV holding the model's feature columns")
      ("out,o", po::value(&out)->required(), "latents HDF5 file: /latents (rows x latent_dim) and /ids")
      ("labels", po::value(&labels)->multitoken(), "label columns of the table (kept out of the features; a cvae needs its condition among them)")
      ("exclude", po::value(&exclude)->multitoken(), "further columns to keep out")
      ("id-column", po::value(&id_column), "row id column (default: filename or path when present)")
      ("device", po::value(&device), "torch device (default: cpu)")
      ("overwrite", po::bool_switch(&overwrite), "replace an existing output file");
  po::positional_options_description positional;
  positional.add("checkpoint", 1);
  po::variables_map vm;
  const std::string usage = "usage: vaesweep encode CHECKPOINT --data TABLE.csv --out latents.h5 [options]";
  if (!parse_options(usage, args, options, positional, vm)) return kExitOk;

  const fs::path out_path = out;
  refuse_existing_output(out_path, overwrite);
  const models::Checkpoint c = models::read_checkpoint(checkpoint);
  const std::string modalities = note(c, "modalities", checkpoint);
  if (modalities != "audio" && !(modalities == "audio+text" && note(c, "fusion", checkpoint) == "late"))
    throw UserError(checkpoint + ": the model was trained on " + modalities + " (" + note(c, "fusion", checkpoint) +
                    " fusion); encode reads feature tables, and text vectors are built from lyrics by a study");
  const data::FeatureTable table =
      data::table_from_csv(io::read_csv(data_file), data::TableOptions{labels, exclude, id_column});
  data::check_finite(table, data_file);
  Eigen::MatrixXd X = columns_in_order(table, split(note(c, "feature_names", checkpoint), '\n'), data_file);
  if (note(c, "standardize", checkpoint) == "1") data::standardize(X);
  const Eigen::MatrixXd condition =
      c.condition_dim > 0 ? condition_matrix(table, c, checkpoint, data_file) : Eigen::MatrixXd();
  const Eigen::MatrixXd Z = models::encode_with_checkpoint(checkpoint, X, condition, device);

  write_atomically(out_path, [&](const fs::path& tmp) {
    io::Hdf5File h5 = io::Hdf5File::create(tmp);
    io::ColumnTable ids;
    ids.add_column("id", table.ids);
    h5.write_table("/ids", ids);
    h5.write_matrix("/latents", Z);
    h5.set_attribute("/", "checkpoint", checkpoint);
    h5.set_attribute("/", "config_hash", note(c, "config_hash", checkpoint));
    h5.set_attribute("/", "unit", note(c, "label", checkpoint));
    h5.set_attribute("/", "data", data_file);
    h5.set_attribute("/", "vaesweep_version", version());
    h5.close();
  });
  std::cout << "encoded " << Z.rows() << " rows into " << Z.cols() << " latent dimensions with "
            << note(c, "label", checkpoint) << " [" << note(c, "config_hash", checkpoint).substr(0, 12) << "] -> " << out
            << "\n";
  return kExitOk;
}

}  // namespace vaesweep::app
