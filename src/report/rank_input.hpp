#pragma once
// The input of a ranking, built from a results file: one row per /evaluations row, keyed by
// model, config (every axis of the unit, as its axes text shows them), method, k, space, flags
// and every grid axis on its own (from the typed axis columns, or an older file's axes text),
// with the evaluation metrics and the unit-level ones (/units: reconstruction, loss, kl,
// active_units) copied to each evaluation row of their unit.
#include <cstddef>
#include <filesystem>
#include <string>
#include <utility>
#include <vector>

#include "report/ranking.hpp"
#include "results/results_file.hpp"

namespace vaesweep::report {

// UserError naming the row and unit when an evaluation row names a unit missing from /units.
// The per-row form (keys, unit_ids, ... filled): for small inputs and tests.
RankInput rank_input(const results::ResultsFile& results);
// The same rows in RankInput's compact form (a key index, a unit index and the metrics per row).
RankInput compact_rank_input(const results::ResultsFile& results);

// The compact input straight from a results file, /units then /evaluations `block_rows` rows
// at a time (rank_input_columns' columns), so that neither table of a million rows is held;
// only the metrics a ranking with `options` reads are kept (metrics_used).
struct RankFile {
  RankInput input;
  std::string study_name, study_sha256;
};
RankFile read_rank_input(const std::filesystem::path& path, const RankOptions& options,
                         std::size_t block_rows = 65536);

// The columns rank_input reads, for read_results_file: a million units' messages, hashes and
// reconstructions stay on disk.
results::ResultsColumns rank_input_columns();

}  // namespace vaesweep::report
