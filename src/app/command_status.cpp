#include <iostream>

#include "app/commands.hpp"
#include "app/options.hpp"
#include "results/sweep_status.hpp"

namespace vaesweep::app {

int command_status(const std::vector<std::string>& args) {
  std::string results;
  po::options_description options("vaesweep status options");
  options.add_options()
      ("results", po::value(&results)->required(), "results file of a sweep (finished, stopped, killed or running)")
      ("all", "list every unit that is not ok (default: the first 20)");
  po::positional_options_description positional;
  positional.add("results", 1);
  po::variables_map vm;
  if (!parse_options("usage: vaesweep status RESULTS.h5 [--all]", args, options, positional, vm)) return kExitOk;
  const results::SweepStatus status = results::read_sweep_status(results);
  std::cout << results::format_sweep_status(status, vm.count("all") ? 0 : 20);
  return kExitOk;
}

}  // namespace vaesweep::app
