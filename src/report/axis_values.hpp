#pragma once
// Typed values of the grid axes that /units records as text ("beta=4 model.learning_rate=0.001
// features.modalities=[audio, text]"), for exports: 4 is an integer, 0.001 a number, true a
// boolean, [audio, text] a list, anything else a string. The text of a double has as many
// digits as read back to the same double (Value::display_exact); files of builds before that
// kept 6 significant digits.
#include <nlohmann/json.hpp>

#include <string>

namespace vaesweep::report {

nlohmann::ordered_json axis_value(const std::string& text);

}  // namespace vaesweep::report
