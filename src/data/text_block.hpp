#pragma once
// The text modality of a feature table: one vector per row, from lyrics embedded by the
// built-in n-gram embedder or from precomputed embeddings, paired with the table's rows by
// track id or, for corpora that were never paired, by a shared label.
#include <Eigen/Dense>
#include <filesystem>
#include <string>
#include <vector>

#include "study/study.hpp"
#include "data/feature_table.hpp"

namespace vaesweep::data {

struct TextBlock {
  Eigen::MatrixXd X;                   // one row per row of the feature table
  std::vector<std::string> names;      // "text_0", ...
  std::string note;                    // how the rows were paired, for the log
};

// `own_manifest` is the data's own manifest (the synthetic corpus's, an audio manifest), read
// when spec.path is empty; empty when the data has none. UserError naming the file and the
// rows when a row finds no text, a column is missing, or a label has no text to draw from.
TextBlock text_block(const FeatureTable& rows, const TextSpec& spec, const std::filesystem::path& own_manifest);

}  // namespace vaesweep::data
