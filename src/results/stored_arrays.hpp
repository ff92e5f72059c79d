#pragma once
// The optional per-unit arrays of a results file, for plots and audits: a unit's clustered space
// (evaluation.store_latents -> /latents/<unit>), every row's cluster per (method, k)
// (evaluation.store_assignments -> /assignments/<unit>), and the rows they refer to
// (/rows/<feature hash>: row, id, track and each label set's class). Records carry the arrays
// through journals; this file moves them into and out of a results file.
#include <map>
#include <string>
#include <vector>

#include "data/feature_table.hpp"
#include "io/hdf5_file.hpp"
#include "results/records.hpp"
#include "results/results_file.hpp"

namespace vaesweep::results {

// Keeps `Z` (rows x dimensions) as the unit's stored latent, row-major as on disk and in numpy.
void keep_latent(const Eigen::MatrixXd& Z, UnitRecord& unit);

// Moves the units' latents and the evaluations' assignments into `content.extra`, with a /rows
// table for every feature table a stored array refers to. Records without arrays add nothing.
void move_stored_arrays(std::vector<UnitRecord>& units, std::vector<EvaluationRecord>& evaluations,
                        const std::map<std::string, data::FeatureTable>& tables, ResultsContent& content);

// The inverse, for resume: fills the arrays of records read from `file`'s tables (matched by
// unit id and assignment column). A dataset whose shape does not fit its unit is a UserError
// naming the file and the dataset.
void read_stored_arrays(const io::Hdf5File& file, std::vector<UnitRecord>& units,
                        std::vector<EvaluationRecord>& evaluations);

}  // namespace vaesweep::results
