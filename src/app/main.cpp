// vaesweep: git-style subcommands. Each subcommand lives in its own file.
#include <boost/program_options/errors.hpp>

#include <unistd.h>

#include <cstdlib>
#include <cstring>
#include <filesystem>
#include <iostream>
#include <string>
#include <vector>

#include "app/commands.hpp"
#include "util/error.hpp"
#include "util/heap.hpp"
#include "util/stop_request.hpp"
#include "util/version.hpp"
#include "io/hdf5_file.hpp"
#include "models/blas_core.hpp"

namespace {

const char* kUsage =
    "usage: vaesweep <command> [options]\n"
    "\n"
    "commands:\n"
    "  synth     write the synthetic corpus (WAV clips + manifest.csv)\n"
    "  features  extract audio features (librosa-compatible) into a CSV or HDF5 table\n"
    "  run       run a study (under mpirun for several ranks) into a results file\n"
    "  status    how far a sweep is: units done, failures, rate and ETA of a running sweep\n"
    "  rank      rank the configurations of a results file across seeds\n"
    "  compare   two results files side by side: configurations matched by settings, paired differences\n"
    "  export    a table of a results file as tidy CSV or JSON (units, evaluations, aggregate, latents, ...)\n"
    "  cluster   cluster the rows of a feature CSV into a labels CSV (kmeans, agglomerative, dbscan, ...)\n"
    "  score     internal and external metrics of a labels CSV\n"
    "  encode    latent means of a feature table under a model a sweep saved (model.checkpoints)\n"
    "  merge     join results files of one study (the slices of a job array, run --slice I/N) into one\n"
    "  slurm     render a Slurm job script for a study (one MPI job, or a job array of slices + a merge)\n"
    "  audit     which columns of a table (or a study's data), alone, predict a label set: confounds\n"
    "  keys      every key a study file may set: type, default, valid values, meaning (docs/study-file.md)\n"
    "\n"
    "  vaesweep <command> --help   options of a command\n"
    "  vaesweep --version          version and git commit\n";

// Debian 12's OpenBLAS 0.3.21 does not know recent Intel CPUs and falls back to its SSE3
// kernels, which makes training 2.5x slower (src/models/blas_core.hpp, bench/README.md). The
// kernels are chosen when the library loads, before main, so the fix is to set
// OPENBLAS_CORETYPE and start again: execv keeps the process (and its MPI launcher's view of
// it). A user's own OPENBLAS_CORETYPE is never overridden.
void restart_with_right_blas_kernels(char** argv) {
  if (std::getenv("OPENBLAS_CORETYPE") != nullptr) return;
  const std::string fix = vaesweep::models::openblas_coretype_fix();
  if (fix.empty()) return;
  setenv("OPENBLAS_CORETYPE", fix.c_str(), 1);
  execv("/proc/self/exe", argv);
  // execv failed (no /proc): go on with the slow kernels; the results file names them.
}

}  // namespace

int main(int argc, char** argv) {
  using namespace vaesweep::app;
  // A sweep answers Slurm's warning signal (SIGUSR1, or SIGTERM) from its first instruction: a
  // job script requeues on exit 75, and the signal comes whenever the scheduler likes. The
  // handlers go in before MPI and LibTorch start; the signals wait, blocked, across the restart
  // for the BLAS kernels (execv keeps the mask, not the handlers). A stop asked this early is
  // honoured when units would be handed out: none is, and the run exits 75.
  const bool sweep = argc >= 2 && std::strcmp(argv[1], "run") == 0;
  if (sweep) vaesweep::block_stop_signals();
  restart_with_right_blas_kernels(argv);
  vaesweep::io::skip_hdf5_cleanup_at_exit();
  if (sweep) {
    vaesweep::install_stop_handlers();
    vaesweep::unblock_stop_signals();
  }
  vaesweep::keep_freed_memory_for_reuse();
  if (argc < 2) {
    std::cerr << kUsage;
    return kExitUsage;
  }
  const std::string command = argv[1];
  if (command == "--help" || command == "-h" || command == "help") {
    std::cout << kUsage;
    return kExitOk;
  }
  if (command == "--version") {
    const std::string commit = vaesweep::git_commit();
    std::cout << "vaesweep " << vaesweep::version() << (commit.empty() ? "" : " (git " + commit + ")") << "\n";
    return kExitOk;
  }
  const std::vector<std::string> args(argv + 2, argv + argc);
  try {
    if (command == "synth") return command_synth(args);
    if (command == "run") return command_run(args, &argc, &argv);
    if (command == "rank") return command_rank(args);
    if (command == "status") return command_status(args);
    if (command == "features") return command_features(args);
    if (command == "cluster") return command_cluster(args);
    if (command == "score") return command_score(args);
    if (command == "encode") return command_encode(args);
    if (command == "merge") return command_merge(args);
    if (command == "slurm") return command_slurm(args);
    if (command == "audit") return command_audit(args);
    if (command == "export") return command_export(args);
    if (command == "compare") return command_compare(args);
    if (command == "keys") return command_keys(args);
    std::cerr << "vaesweep: unknown command \"" << command << "\"; the commands are: synth, features, run, status, rank, cluster, score, encode, merge, slurm, audit\n";
    return kExitUsage;
  } catch (const boost::program_options::error& e) {
    std::cerr << "vaesweep " << command << ": " << e.what() << " (see vaesweep " << command << " --help)\n";
    return kExitUsage;
  } catch (const vaesweep::UserError& e) {
    std::cerr << "vaesweep " << command << ": error: " << e.what() << "\n";
    return kExitUserError;
  } catch (const std::filesystem::filesystem_error& e) {
    // A path the user gave that the system refuses (too long, no permission, a full disk): the
    // path and the system's reason, as any other bad input.
    std::cerr << "vaesweep " << command << ": error: " << e.path1().string()
              << (e.path2().empty() ? "" : " -> " + e.path2().string()) << ": " << e.code().message() << "\n";
    return kExitUserError;
  } catch (const std::exception& e) {
    std::cerr << "vaesweep " << command << ": internal error: " << e.what() << "\n";
    return kExitInternal;
  }
}
