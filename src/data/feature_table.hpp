#pragma once
// The feature matrix a study trains on, with its label sets kept apart: labels never become
// features (DESIGN.md, evaluation integrity 1), and identifier or recording-metadata columns
// (filename, length, paths) are excluded by default because they give away the corpus (2).
#include <Eigen/Dense>
#include <string>
#include <vector>

#include "io/csv.hpp"

namespace vaesweep::data {

// Real metadata is incomplete: a row without a value for a label set is unlabelled there. It is
// trained on and clustered like any other, and left out of that set's external scores only.
struct LabelSet {
  static constexpr int kUnlabelled = -1;
  std::string name;
  std::vector<std::string> classes;  // sorted class names; code c means classes[c]
  std::vector<int> codes;            // one per row; kUnlabelled for a row without a value

  // The class name of row r, "" when it is unlabelled.
  const std::string& class_of(std::size_t r) const;
  std::size_t unlabelled() const;
};

// An audio file left out under data.on_bad_file = "skip", and why.
struct SkippedFile {
  std::string path;
  std::string reason;
};

// A run of X's columns from one modality ("audio", "text").
struct ColumnBlock {
  std::string name;
  Eigen::Index begin = 0, cols = 0;
};

struct FeatureTable {
  std::vector<std::string> ids;             // row ids: the track id, "<track>#<segment>" for segments
  std::vector<std::string> track_ids;       // the track each row comes from (== ids without segments)
  std::vector<std::string> feature_names;   // one per column of X
  Eigen::MatrixXd X;                        // rows = tracks
  std::vector<LabelSet> labels;
  std::vector<std::string> excluded;        // columns kept out of X (not labels), for the log
  std::vector<int> shape;                   // {} for vectors; {bands, frames} for sequence features
  std::vector<SkippedFile> skipped;         // audio files that gave no rows
  std::vector<ColumnBlock> blocks;          // with text: the modalities' columns; empty: all audio
  // data.balance: the rows (audio files or table rows, in the data's order) the balanced draw
  // kept, by position in the data and id, and what it did; empty without a draw.
  std::vector<std::int64_t> drawn_rows;
  std::vector<std::string> drawn_ids;
  std::string draw_note;

  std::size_t rows() const { return static_cast<std::size_t>(X.rows()); }
  const LabelSet& label(const std::string& name) const;  // UserError listing the label sets
};

// "genre: 48 of 160 rows unlabelled, left out of its external scores; ..." for the label sets
// that have unlabelled rows; "" when every row is labelled.
std::string unlabelled_summary(const FeatureTable& table);

// A warning for data that cannot be clustered meaningfully, "" when there is none: every row
// the same (each space is one point: internal metrics are NaN), or constant columns (no
// information; named, up to 5).
std::string degenerate_columns_note(const FeatureTable& table);

// Encodes string labels as codes over their sorted distinct values; an empty value is
// unlabelled (kUnlabelled), not a class.
LabelSet encode_labels(const std::string& name, const std::vector<std::string>& values);

// One column per name of `classes` (in that order), 1 where a row of `labels` has that class;
// an unlabelled row is all zeros (no condition). UserError "<source>: row <id> has <set> =
// "<class>", ..." when a row's class is not among them.
Eigen::MatrixXd one_hot(const LabelSet& labels, const std::vector<std::string>& classes,
                        const std::vector<std::string>& row_ids, const std::string& source);

// Label set `name` from a CSV column. An empty cell leaves its row unlabelled, or with
// `require` (data.require_labels) is a UserError naming the file, line and column.
LabelSet read_label_column(const io::CsvTable& csv, const std::string& name, bool require = false);

// Columns that identify a file or describe the recording, never features unless a study
// names them explicitly in its own feature list (not possible yet).
const std::vector<std::string>& default_excluded_columns();

struct TableOptions {
  std::vector<std::string> labels;    // label columns (must exist)
  std::vector<std::string> exclude;   // further columns to keep out (must exist)
  std::string id_column;              // empty: "filename" or "path" when present, else row numbers
  bool require_labels = false;        // an empty label cell is an error instead of unlabelled
};

// Every column that is not a label, an id or excluded must be numeric and finite; the error
// for one that is not names the file, line and column.
FeatureTable table_from_csv(const io::CsvTable& csv, const TableOptions& options);

// Z-scores every column in place (population standard deviation, like scikit-learn's
// StandardScaler; a constant column is only centred).
void standardize(Eigen::MatrixXd& X);

// UserError naming the row id and column of the first NaN or Inf.
void check_finite(const FeatureTable& table, const std::string& source);

}  // namespace vaesweep::data
