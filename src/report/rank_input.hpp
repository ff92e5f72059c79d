#pragma once
// The input of a ranking, built from a results file: one row per /evaluations row, keyed by
// model, config (every axis of the unit, as its axes text shows them), method, k, space, flags
// and every grid axis on its own (from the typed axis columns, or an older file's axes text),
// with the evaluation metrics and the unit-level ones (/units: reconstruction, loss, kl,
// active_units) copied to each evaluation row of their unit.
#include <string>
#include <utility>
#include <vector>

#include "report/ranking.hpp"
#include "results/results_file.hpp"

namespace vaesweep::report {

// UserError naming the row and unit when an evaluation row names a unit missing from /units.
RankInput rank_input(const results::ResultsFile& results);

// The columns rank_input reads, for read_results_file: a million units' messages, hashes and
// reconstructions stay on disk.
results::ResultsColumns rank_input_columns();

}  // namespace vaesweep::report
