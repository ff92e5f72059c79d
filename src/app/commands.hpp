#pragma once
// One function per subcommand; each parses its own options. They return the process exit code.
#include <string>
#include <vector>

namespace vaesweep::app {

// Exit codes (documented in docs/commands.md): 0 success, 1 a user error (bad study, data, flag),
// 2 bad command line, 3 the sweep finished but some units failed (merge: or some are missing), 4 the sweep stopped because
// --max-failures units failed, 70 an internal error, 75 (EX_TEMPFAIL) the sweep stopped on a
// signal (preemption, time limit) and is resumable: requeue with --resume.
inline constexpr int kExitOk = 0;
inline constexpr int kExitUserError = 1;
inline constexpr int kExitUsage = 2;
inline constexpr int kExitUnitsFailed = 3;
inline constexpr int kExitTooManyFailures = 4;
inline constexpr int kExitInternal = 70;
inline constexpr int kExitStopped = 75;

int command_synth(const std::vector<std::string>& args);
int command_run(const std::vector<std::string>& args, int* argc, char*** argv);
int command_rank(const std::vector<std::string>& args);
int command_status(const std::vector<std::string>& args);
int command_features(const std::vector<std::string>& args);
int command_cluster(const std::vector<std::string>& args);
int command_score(const std::vector<std::string>& args);
int command_encode(const std::vector<std::string>& args);
int command_merge(const std::vector<std::string>& args);
int command_slurm(const std::vector<std::string>& args);
int command_audit(const std::vector<std::string>& args);
int command_export(const std::vector<std::string>& args);
int command_compare(const std::vector<std::string>& args);
int command_keys(const std::vector<std::string>& args);

}  // namespace vaesweep::app
