#include <iostream>
#include <optional>

#include "app/commands.hpp"
#include "app/options.hpp"
#include "util/error.hpp"
#include "study/grid.hpp"
#include "study/study.hpp"
#include "sweep/slurm_script.hpp"

namespace vaesweep::app {
namespace fs = std::filesystem;

int command_slurm(const std::vector<std::string>& args) {
  std::string study_path, out;
  std::string data_root;
  std::vector<std::string> overrides, setup;
  po::options_description options("vaesweep slurm options (each overrides the study's [slurm] key of the same name)");
  options.add_options()
      ("study", po::value(&study_path)->required(), "study file (TOML)")
      ("out,o", po::value(&out), "results file (default: <study name>.h5 in the working folder)")
      ("set", po::value(&overrides)->composing(), "override a study key, passed on to every run: --set model.beta=4")
      ("data-root", po::value(&data_root),
       "the folder \"{data_root}/...\" study paths point into (default: $VAESWEEP_DATA, else ../shared/data beside "
       "the checkout); passed on to every run")
      ("nodes", po::value<std::int64_t>(), "nodes of the job (of each array task)")
      ("ntasks-per-node", po::value<std::int64_t>(), "MPI ranks per node")
      ("cpus-per-task", po::value<std::int64_t>(), "CPUs per rank (OMP_NUM_THREADS follows)")
      ("gpus-per-node", po::value<std::int64_t>(), "GPUs per node (rank i of a node takes GPU i mod G)")
      ("time", po::value<std::string>(), "time limit: M, M:S, H:M:S, D-H, D-H:M or D-H:M:S")
      ("partition", po::value<std::string>(), "Slurm partition")
      ("account", po::value<std::string>(), "Slurm account")
      ("qos", po::value<std::string>(), "Slurm quality of service")
      ("mem-per-cpu", po::value<std::string>(), "memory per CPU, e.g. 4G")
      ("array", po::value<std::int64_t>(), "0: one MPI job; N: a job array of N slices merged at the end")
      ("max-array-size", po::value<std::int64_t>(), "the cluster's MaxArraySize (larger arrays go in chunks)")
      ("signal-seconds", po::value<std::int64_t>(), "SIGUSR1 this many seconds before the time limit (0: none)")
      ("no-requeue", "do not requeue a job stopped before its end (exit 75)")
      ("setup", po::value(&setup)->composing(), "a shell line run before vaesweep, e.g. \"module load openmpi\" (repeatable)")
      ("vaesweep", po::value<std::string>(), "the vaesweep binary jobs run (default: this one)");
  po::positional_options_description positional;
  positional.add("study", 1);
  po::variables_map vm;
  const std::string usage =
      "usage: vaesweep slurm STUDY.toml [--out results.h5] [--nodes N --ntasks-per-node T --gpus-per-node G "
      "--cpus-per-task C --time T --partition P --account A --qos Q --array N --max-array-size M] [--set key=value ...] "
      "> job.sh\n"
      "  one MPI job (array 0): sbatch job.sh; a job array (--array N): bash job.sh (submits the array and the merge)";
  if (!parse_options(usage, args, options, positional, vm)) return kExitOk;

  std::vector<sweep::SlurmFlag> flags;
  for (const char* flag : {"nodes", "ntasks-per-node", "cpus-per-task", "gpus-per-node", "array", "max-array-size",
                           "signal-seconds"})
    if (vm.count(flag)) flags.push_back({flag, Value(vm[flag].as<std::int64_t>()), std::string("--") + flag});
  for (const char* flag : {"time", "partition", "account", "qos", "mem-per-cpu", "vaesweep"})
    if (vm.count(flag)) flags.push_back({flag, Value(vm[flag].as<std::string>()), std::string("--") + flag});
  if (vm.count("no-requeue")) flags.push_back({"requeue", Value(false), "--no-requeue"});
  if (!setup.empty()) {
    Value::List lines(setup.begin(), setup.end());
    flags.push_back({"setup", Value(lines), "--setup"});
  }
  for (auto& f : flags)  // flag spelling -> key spelling
    for (char& c : f.key)
      if (c == '-') c = '_';

  const Study study = load_study(study_path, overrides, find_data_root(data_root));
  const Grid grid = expand_grid(study);
  if (grid.size() == 0) throw UserError(study.file.string() + ": the grid has no units");

  sweep::SlurmJob job;
  job.slurm = sweep::resolve_slurm_settings(study.settings, flags);
  if (job.slurm.vaesweep.empty()) job.slurm.vaesweep = fs::canonical("/proc/self/exe").string();
  job.slurm.vaesweep = fs::absolute(job.slurm.vaesweep).string();
  job.study_name = study.name;
  job.study_file = fs::absolute(study_path);
  job.out = fs::absolute(out.empty() ? fs::path(fs::path(study_path).stem().string() + ".h5") : fs::path(out));
  job.workdir = fs::current_path();
  job.overrides = overrides;
  job.data_root = study.data_root.folder;
  job.grid_units = grid.size();
  if (!fs::is_directory(job.out.parent_path()))
    throw UserError(job.out.string() + ": the folder " + job.out.parent_path().string() + " does not exist");
  std::cout << sweep::render_slurm_script(job);
  return kExitOk;
}

}  // namespace vaesweep::app
