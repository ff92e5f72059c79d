#include <iostream>

#include "app/commands.hpp"
#include "app/options.hpp"
#include "util/strings.hpp"
#include "results/merge_parts.hpp"

namespace vaesweep::app {

int command_merge(const std::vector<std::string>& args) {
  results::MergeOptions merge;
  std::vector<std::string> parts;
  std::string out;
  po::options_description options("vaesweep merge options");
  options.add_options()
      ("parts", po::value(&parts)->multitoken(), "results files of one study (e.g. the slices of a job array)")
      ("out,o", po::value(&out)->required(), "the merged results file")
      ("overwrite", "replace an existing --out")
      ("allow-incomplete", "exit 0 even when units are missing (the merged file says complete = 0 either way)");
  po::positional_options_description positional;
  positional.add("parts", -1);
  po::variables_map vm;
  const std::string usage = "usage: vaesweep merge PART.h5 ... --out results.h5 [--overwrite] [--allow-incomplete]";
  if (!parse_options(usage, args, options, positional, vm)) return kExitOk;
  if (parts.empty()) throw po::error("no results files to merge: give one or more PART.h5");
  for (const auto& p : parts) merge.parts.emplace_back(p);
  merge.out = out;
  merge.overwrite = vm.count("overwrite") > 0;

  const results::MergeSummary s = results::merge_parts(merge);
  std::cout << "wrote " << out << ": " << s.units << "/" << s.units_in_grid << " units (" << s.ok << " ok, "
            << s.diverged << " diverged, " << s.failed << " failed), " << s.evaluations << " evaluations from "
            << s.parts << " part(s)" << (s.duplicates ? ", " + std::to_string(s.duplicates) + " identical unit(s) given twice" : "")
            << "\n";
  if (s.pending == 0) return s.ok < s.units ? kExitUnitsFailed : kExitOk;

  std::cerr << "vaesweep merge: incomplete: " << s.pending << " of " << s.units_in_grid
            << " units have no record in any part (the merged file says complete = 0)\n";
  if (!s.missing_slices.empty()) {
    std::vector<std::string> names;
    for (std::size_t i : s.missing_slices) names.push_back(std::to_string(i) + "/" + std::to_string(s.slice_count));
    std::cerr << "  missing slices: " << join(names, ", ") << " (run them with vaesweep run --slice I/N, then merge again)\n";
  }
  if (!s.incomplete_parts.empty())
    std::cerr << "  parts that were stopped before their end (continue them with vaesweep run --resume --slice I/N): "
              << join(s.incomplete_parts, ", ") << "\n";
  return vm.count("allow-incomplete") ? kExitOk : kExitUnitsFailed;
}

}  // namespace vaesweep::app
