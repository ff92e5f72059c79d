#pragma once
// A unit's disentanglement scores (src/metrics/disentanglement.hpp) against each of its label
// sets, and the label-free Gaussian total correlation, written into its record. Kept apart from
// the unit runner so that these scores need no LibTorch header to be built or tested.
#include <Eigen/Dense>
#include <string>
#include <vector>

#include "data/feature_table.hpp"
#include "results/records.hpp"

namespace vaesweep::pipeline {

// Z: the unit's space before any projection, one row per row of `features`. A set named in
// `withheld` (the label set a cvae was conditioned on, unless the study allows scoring it) gets
// NaN scores, 0 rows and no MI, like its external scores. Rows unlabelled in a set are left
// out of that set's scores (`disentangled_rows` counts the rest). Throws UserError on a
// non-finite Z (the caller records it and the unit keeps its other results).
void score_disentanglement(const Eigen::MatrixXd& Z, const data::FeatureTable& features,
                           const std::vector<std::string>& label_sets, const std::vector<std::string>& withheld,
                           results::UnitRecord& record);

}  // namespace vaesweep::pipeline
