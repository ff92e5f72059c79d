#pragma once
// The study-file reference (docs/study-file.md), written from the key table itself
// (study/study_schema.hpp): one table per section with each key's type, default, valid values
// and meaning. `vaesweep keys` prints it; a unit test fails when the committed page differs.
#include <string>

namespace vaesweep {

std::string study_reference_markdown();

}  // namespace vaesweep
