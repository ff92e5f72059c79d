// `vaesweep keys`: the study-file reference, generated from the key table (docs/study-file.md
// is this output; a unit test keeps the two equal).
#include <iostream>

#include "app/commands.hpp"
#include "app/options.hpp"
#include "study/study_reference.hpp"

namespace vaesweep::app {

int command_keys(const std::vector<std::string>& args) {
  po::options_description options("vaesweep keys options");
  po::positional_options_description positional;
  po::variables_map vm;
  const std::string usage =
      "usage: vaesweep keys > docs/study-file.md\n"
      "  every key a study file may set, per section: type, default, valid values, meaning (Markdown)";
  if (!parse_options(usage, args, options, positional, vm)) return kExitOk;
  std::cout << study_reference_markdown();
  return kExitOk;
}

}  // namespace vaesweep::app
