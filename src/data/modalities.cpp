#include "data/modalities.hpp"

#include <cmath>

#include "util/error.hpp"
#include "util/strings.hpp"

namespace vaesweep::data {
namespace {

double total_variance(const Eigen::MatrixXd& X) {
  if (X.rows() == 0) return 0;
  const Eigen::RowVectorXd mean = X.colwise().mean();
  return (X.rowwise() - mean).array().square().sum() / static_cast<double>(X.rows());
}

// Scales X to total variance `target`; a constant block stays as it is.
void scale_to(Eigen::MatrixXd& X, double target) {
  const double v = total_variance(X);
  if (v > 0) X *= std::sqrt(target / v);
}

}  // namespace

Eigen::MatrixXd balanced_concat(std::vector<WeightedBlock> blocks) {
  Eigen::Index rows = blocks.empty() ? 0 : blocks.front().X.rows(), cols = 0;
  for (const auto& b : blocks) {
    VAESWEEP_ASSERT(b.X.rows() == rows, "blocks of equal height");
    cols += b.X.cols();
  }
  const double share = static_cast<double>(cols) / static_cast<double>(blocks.size());
  Eigen::MatrixXd out(rows, cols);
  Eigen::Index at = 0;
  for (auto& b : blocks) {
    scale_to(b.X, b.weight * b.weight * share);
    out.middleCols(at, b.X.cols()) = b.X;
    at += b.X.cols();
  }
  return out;
}

void add_text_modality(FeatureTable& table, TextBlock text, const FeatureSpec& spec) {
  const auto audio_cols = table.X.cols();
  VAESWEEP_ASSERT(text.X.rows() == table.X.rows(), "text rows match the table");
  if (audio_cols > 0) {
    table.blocks = {{"audio", 0, audio_cols}, {"text", audio_cols, text.X.cols()}};
    table.X = balanced_concat({{std::move(table.X), spec.audio_weight}, {std::move(text.X), spec.text_weight}});
  } else {
    table.blocks = {{"text", 0, text.X.cols()}};
    table.X = balanced_concat({{std::move(text.X), 1.0}});
  }
  table.feature_names.insert(table.feature_names.end(), text.names.begin(), text.names.end());
}

Eigen::MatrixXd block_columns(const FeatureTable& table, const std::string& name) {
  std::vector<std::string> names;
  for (const auto& b : table.blocks) {
    if (b.name == name) return table.X.middleCols(b.begin, b.cols);
    names.push_back(b.name);
  }
  throw UserError("the feature table has no " + name + " columns (its blocks: " + join(names) + ")");
}

}  // namespace vaesweep::data
