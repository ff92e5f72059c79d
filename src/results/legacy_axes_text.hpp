#pragma once
// The one reader of the /units `axes` text, kept for results files written before the grid axes
// had typed columns (results format 1) and for shard journal records of those builds (record
// versions 6 and 7). Newer files carry one typed column per axis (results/axis_columns.hpp) and no
// code reads their `axes` text, which stays for people only.
#include <string>
#include <utility>
#include <vector>

#include "util/value.hpp"

namespace vaesweep::results {

// "beta=4 latent_dim=8 features.modalities=[audio, text]" -> {beta, 4}, {latent_dim, 8},
// {features.modalities, "[audio, text]"}. A new pair starts at a space outside brackets that is
// followed by "name="; any other space belongs to the value (lists print as "[a, b]").
// Values are typed as Value::display_exact wrote them: a whole number is an integer, another
// number a real (so is a whole number of a key the schema makes real: "beta=4" is 4.0),
// true / false a boolean, anything else (lists included) its text. UserError quoting the text
// when a piece has no "name=".
std::vector<std::pair<std::string, Value>> legacy_axes_text(const std::string& axes);

}  // namespace vaesweep::results
