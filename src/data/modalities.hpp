#pragma once
// Audio and text in one feature table. Each modality is a block of columns; with two blocks,
// each is first scaled (by one factor, so its inner geometry is kept) to an equal share of the
// total variance, D / 2 for D columns in all, then multiplied by its weight. Without that, 384
// unit-norm text columns (total variance about 1) would vanish beside 57 standardised audio
// columns (total variance 57), and the weights would be meaningless. A single text block is
// scaled to total variance D (mean column variance 1, as standardised audio has), so that
// model settings carry over between modalities.
#include "study/study.hpp"
#include "data/feature_table.hpp"
#include "data/text_block.hpp"

namespace vaesweep::data {

struct WeightedBlock {
  Eigen::MatrixXd X;
  double weight = 1.0;
};
// The blocks side by side, each scaled to total variance weight^2 x D / B (D columns in all, B
// blocks) first. Late fusion uses it too, for a latent space and the text vectors.
Eigen::MatrixXd balanced_concat(std::vector<WeightedBlock> blocks);

// Appends the text block to `table` (whose X holds the audio columns, or none for text only)
// and records the blocks.
void add_text_modality(FeatureTable& table, TextBlock text, const FeatureSpec& spec);

// The columns of block `name`; UserError when the table has no such block.
Eigen::MatrixXd block_columns(const FeatureTable& table, const std::string& name);

}  // namespace vaesweep::data
