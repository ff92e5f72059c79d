#include <fstream>
#include <iostream>

#include "app/commands.hpp"
#include "app/options.hpp"
#include "util/atomic_write.hpp"
#include "util/error.hpp"
#include "util/input_file.hpp"
#include "report/export_tables.hpp"

namespace vaesweep::app {

int command_export(const std::vector<std::string>& args) {
  std::string results, table = "evaluations", format = "csv", out, name;
  long long unit = -1;
  bool overwrite = false;
  po::options_description options("vaesweep export options");
  options.add_options()
      ("results", po::value(&results)->required(), "results file written by vaesweep run")
      ("table,t", po::value(&table)->default_value("evaluations"),
       "units, evaluations, aggregate, latents or assignments")
      ("format,f", po::value(&format)->default_value("csv"), "csv or json")
      ("out,o", po::value(&out), "write to this file (replaced only once complete) instead of stdout")
      ("name", po::value(&name), "aggregate: the /aggregate table (needed when there are several)")
      ("unit", po::value(&unit), "latents, assignments: only this unit")
      ("overwrite", po::bool_switch(&overwrite), "replace an existing --out file");
  po::positional_options_description positional;
  positional.add("results", 1);
  po::variables_map vm;
  const std::string usage =
      "usage: vaesweep export RESULTS.h5 [--table units|evaluations|aggregate|latents|assignments]\n"
      "                       [--format csv|json] [--out FILE [--overwrite]] [--name AGGREGATE] [--unit N]\n\n"
      "Writes a table of a results file as tidy CSV or JSON: one column per field and one per grid axis\n"
      "(typed values), every row with its unit; latents and assignments with the rows' ids and labels.";
  if (!parse_options(usage, args, options, positional, vm)) return kExitOk;
  report::ExportRequest request;
  request.table = report::parse_export_table(table);
  const report::TableFormat table_format = report::parse_table_format(format);
  request.aggregate_name = name;
  if (vm.count("name") && request.table != report::ExportTable::aggregate)
    throw po::error("--name is for --table aggregate");
  if (vm.count("unit")) {
    if (request.table != report::ExportTable::latents && request.table != report::ExportTable::assignments)
      throw po::error("--unit is for --table latents or assignments");
    if (unit < 0) throw po::error("--unit must be a unit id (0 or more), got " + std::to_string(unit));
    request.unit = unit;
  }
  if (out.empty()) {
    report::TableWriter writer(std::cout, table_format);
    report::export_table(results, request, writer);
    return kExitOk;
  }
  refuse_unsafe_output(out, "a file to write", {{results, "the results file itself"}});
  refuse_existing_output(out, overwrite);
  std::size_t rows = 0;
  write_atomically(out, [&](const std::filesystem::path& tmp) {
    std::ofstream file(tmp, std::ios::binary);
    if (!file) throw UserError(out + ": cannot write the export");
    report::TableWriter writer(file, table_format);
    rows = report::export_table(results, request, writer);
    if (!file.flush()) throw UserError(out + ": cannot write the export (disk full?)");
  });
  std::cerr << "wrote " << out << ": " << rows << " rows (" << table << ", " << format << ")\n";
  return kExitOk;
}

}  // namespace vaesweep::app
