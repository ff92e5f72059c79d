#include "data/feature_table.hpp"

#include <algorithm>
#include <cmath>
#include <cstdlib>
#include <map>
#include <set>

#include "util/decimal.hpp"
#include "util/error.hpp"
#include "util/strings.hpp"

namespace vaesweep::data {

const LabelSet& FeatureTable::label(const std::string& name) const {
  for (const auto& l : labels)
    if (l.name == name) return l;
  std::string names;
  for (const auto& l : labels) names += (names.empty() ? "" : ", ") + l.name;
  throw UserError("no label set \"" + name + "\"; the data has: " + names);
}

const std::string& LabelSet::class_of(std::size_t r) const {
  static const std::string none;
  return codes[r] == kUnlabelled ? none : classes[static_cast<std::size_t>(codes[r])];
}

std::size_t LabelSet::unlabelled() const {
  return static_cast<std::size_t>(std::count(codes.begin(), codes.end(), kUnlabelled));
}

std::string degenerate_columns_note(const FeatureTable& table) {
  const Eigen::MatrixXd& X = table.X;
  if (X.rows() < 2 || X.cols() == 0) return "";
  std::vector<std::string> constant;
  for (Eigen::Index c = 0; c < X.cols(); ++c)
    if ((X.col(c).array() == X(0, c)).all()) constant.push_back(static_cast<std::size_t>(c) < table.feature_names.size()
                             ? table.feature_names[static_cast<std::size_t>(c)]
                             : "column " + std::to_string(c + 1));
  if (constant.empty()) return "";
  if (static_cast<Eigen::Index>(constant.size()) == X.cols())
    return "every row has the same values: a model or a clustering sees one point, and the internal metrics "
           "(silhouette, Calinski-Harabasz, Davies-Bouldin) are NaN";
  const std::size_t shown = std::min<std::size_t>(5, constant.size());
  return std::to_string(constant.size()) + " of " + std::to_string(X.cols()) + " columns are constant (" +
         join(std::vector<std::string>(constant.begin(), constant.begin() + static_cast<std::ptrdiff_t>(shown))) +
         (constant.size() > shown ? ", ..." : "") + "): they carry no information";
}

std::string unlabelled_summary(const FeatureTable& table) {
  std::string out;
  for (const auto& set : table.labels)
    if (const std::size_t n = set.unlabelled(); n > 0)
      out += (out.empty() ? "" : "; ") + set.name + ": " + std::to_string(n) + " of " +
             std::to_string(set.codes.size()) + " rows unlabelled, left out of its external scores";
  return out;
}

Eigen::MatrixXd one_hot(const LabelSet& labels, const std::vector<std::string>& classes,
                        const std::vector<std::string>& row_ids, const std::string& source) {
  Eigen::MatrixXd C = Eigen::MatrixXd::Zero(static_cast<Eigen::Index>(labels.codes.size()),
                                            static_cast<Eigen::Index>(classes.size()));
  for (std::size_t r = 0; r < labels.codes.size(); ++r) {
    if (labels.codes[r] == LabelSet::kUnlabelled) continue;
    const std::string& name = labels.classes[static_cast<std::size_t>(labels.codes[r])];
    const auto it = std::find(classes.begin(), classes.end(), name);
    if (it == classes.end())
      throw UserError(source + ": row " + row_ids[r] + " has " + labels.name + " = \"" + name +
                      "\", a class the model was not conditioned on (it knows " + join(classes) + ")");
    C(static_cast<Eigen::Index>(r), it - classes.begin()) = 1.0;
  }
  return C;
}

LabelSet encode_labels(const std::string& name, const std::vector<std::string>& values) {
  LabelSet set;
  set.name = name;
  std::set<std::string> distinct(values.begin(), values.end());
  distinct.erase("");
  set.classes.assign(distinct.begin(), distinct.end());
  std::map<std::string, int> code;
  for (std::size_t i = 0; i < set.classes.size(); ++i) code[set.classes[i]] = static_cast<int>(i);
  set.codes.reserve(values.size());
  for (const auto& v : values) set.codes.push_back(v.empty() ? LabelSet::kUnlabelled : code[v]);
  return set;
}

LabelSet read_label_column(const io::CsvTable& csv, const std::string& name, bool require) {
  const std::size_t c = csv.column_index(name);
  std::vector<std::string> values;
  values.reserve(csv.rows.size());
  for (std::size_t r = 0; r < csv.rows.size(); ++r) {
    if (require && csv.rows[r][c].empty())
      throw UserError(csv.where(r) + ": label column \"" + name +
                      "\" is empty in this row (data.require_labels = true; without it the row is unlabelled "
                      "for \"" + name + "\" and left out of its scores only)");
    values.emplace_back(csv.rows[r][c]);
  }
  return encode_labels(name, values);
}

const std::vector<std::string>& default_excluded_columns() {
  static const std::vector<std::string> columns = {"filename", "file", "path", "length", "duration",
                                                   "id", "track_id", "track", "segment"};
  return columns;
}

namespace {

}  // namespace

FeatureTable table_from_csv(const io::CsvTable& csv, const TableOptions& options) {
  FeatureTable table;
  if (csv.rows.empty()) throw UserError(csv.file.string() + ": the table has a header but no rows");

  std::set<std::size_t> not_features;
  for (const auto& name : options.labels) {
    not_features.insert(csv.column_index(name));
    table.labels.push_back(read_label_column(csv, name, options.require_labels));
  }
  for (const auto& name : options.exclude) {
    not_features.insert(csv.column_index(name));
    table.excluded.push_back(name);
  }
  for (const auto& name : default_excluded_columns()) {
    if (csv.has_column(name) && not_features.insert(csv.column_index(name)).second) table.excluded.push_back(name);
  }

  std::string id_column = options.id_column;
  if (id_column.empty()) {
    if (csv.has_column("filename")) id_column = "filename";
    else if (csv.has_column("path")) id_column = "path";
  }
  if (!id_column.empty()) {
    const std::size_t c = csv.column_index(id_column);
    if (not_features.insert(c).second) table.excluded.push_back(id_column);
    for (const auto row : csv.rows) table.ids.emplace_back(row[c]);
  } else {
    for (std::size_t r = 0; r < csv.rows.size(); ++r) table.ids.push_back("row" + std::to_string(r + 1));
  }
  table.track_ids = table.ids;

  std::vector<std::size_t> feature_columns;
  for (std::size_t c = 0; c < csv.header.size(); ++c) {
    if (not_features.count(c)) continue;
    if (csv.header[c].empty()) throw UserError(csv.file.string() + ":1: column " + std::to_string(c + 1) +
                                               " has no name; name it or add it to data.exclude");
    feature_columns.push_back(c);
    table.feature_names.push_back(csv.header[c]);
  }
  if (feature_columns.empty())
    throw UserError(csv.file.string() + ": no feature columns left after labels and exclusions");

  table.X.resize(static_cast<Eigen::Index>(csv.rows.size()), static_cast<Eigen::Index>(feature_columns.size()));
  for (std::size_t r = 0; r < csv.rows.size(); ++r) {
    for (std::size_t j = 0; j < feature_columns.size(); ++j) {
      const std::string_view cell = csv.rows[r][feature_columns[j]];
      double x = 0;
      if (!parse_decimal(cell, x))
        throw UserError(csv.where(r) + ": column \"" + csv.header[feature_columns[j]] + "\": \"" + std::string(cell) +
                        "\" is not a number (declare the column in data.labels or data.exclude if it "
                        "is not a feature)");
      if (!std::isfinite(x))
        throw UserError(csv.where(r) + ": column \"" + csv.header[feature_columns[j]] + "\": " + std::string(cell) +
                        " is not a finite number (NaN and Inf are not allowed in features)");
      table.X(static_cast<Eigen::Index>(r), static_cast<Eigen::Index>(j)) = x;
    }
  }
  return table;
}

void standardize(Eigen::MatrixXd& X) {
  if (X.rows() == 0) return;
  const Eigen::RowVectorXd mean = X.colwise().mean();
  X.rowwise() -= mean;
  const Eigen::RowVectorXd sd = (X.array().square().colwise().sum() / static_cast<double>(X.rows())).sqrt();
  for (Eigen::Index j = 0; j < X.cols(); ++j)
    if (sd(j) > 0) X.col(j) /= sd(j);
}

void check_finite(const FeatureTable& table, const std::string& source) {
  for (Eigen::Index r = 0; r < table.X.rows(); ++r)
    for (Eigen::Index c = 0; c < table.X.cols(); ++c)
      if (!std::isfinite(table.X(r, c)))
        throw UserError(source + ": track \"" + table.ids[static_cast<std::size_t>(r)] + "\", feature \"" +
                        table.feature_names[static_cast<std::size_t>(c)] + "\" is " +
                        std::to_string(table.X(r, c)) + " (NaN and Inf are not allowed in features)");
}

}  // namespace vaesweep::data
