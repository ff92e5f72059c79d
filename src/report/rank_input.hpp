#pragma once
// The input of a ranking, built from a results file: one row per /evaluations row, keyed by
// model, config (the whole axes text), method, k, space, flags and every grid axis on its own,
// with the evaluation metrics and the unit-level ones (/units: reconstruction, loss, kl,
// active_units) copied to each evaluation row of their unit.
#include <string>
#include <utility>
#include <vector>

#include "report/ranking.hpp"
#include "sweep/results_file.hpp"

namespace vaesweep::report {

// "beta=4 latent_dim=8 features.modalities=[audio, text]" -> {beta, 4}, {latent_dim, 8},
// {features.modalities, [audio, text]}. A new pair starts at a space outside brackets that is
// followed by "name="; any other space belongs to the value (lists print as "[a, b]").
// UserError quoting the text when a piece has no "name=".
std::vector<std::pair<std::string, std::string>> parse_axes(const std::string& axes);

// UserError naming the row and unit when an evaluation row names a unit missing from /units.
RankInput rank_input(const sweep::ResultsFile& results);

}  // namespace vaesweep::report
