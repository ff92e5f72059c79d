#pragma once
// Preemption. Slurm sends SIGTERM (or the signal of `--signal`, usually SIGUSR1) before a job's
// time limit or when it is preempted; a sweep then stops taking units, lets the unit in
// progress run until a grace deadline, abandons it after that, flushes and exits with a status
// a job script can requeue on. This module only records the request; the sweep decides.
// The signal handler is async-signal-safe: it stores lock-free atomics and nothing else.
namespace vaesweep {

// Installs handlers for SIGTERM, SIGUSR1 and SIGINT. A second SIGINT (Ctrl-C twice) kills the
// process as usual: the first one restores the default action.
void install_stop_handlers();

// Blocks (or unblocks) SIGTERM, SIGUSR1 and SIGINT for the process: a signal that arrives while
// blocked waits, and reaches the handler once unblocked. The mask survives execv, handlers do
// not: `run` blocks before it restarts itself and installs and unblocks afterwards, so that no
// moment of its life leaves the default action (death) to Slurm's warning signal.
void block_stop_signals();
void unblock_stop_signals();

// Asks for a stop as a signal would (used when another rank forwards the request). The first
// request wins; later ones change nothing.
void request_stop(int signal_number);

bool stop_requested();
int stop_signal();                 // the signal that asked (0 when none)
const char* stop_signal_name();    // "SIGTERM", "SIGUSR1", "SIGINT", "signal N" or "" when none

// How long work in progress may go on after the request (seconds, default 60).
void set_stop_grace(double seconds);
double stop_grace();
// True once a stop was requested and the grace period since the request has passed: the unit
// in progress should be abandoned now.
bool stop_grace_expired();

// Forgets a request (tests, and a process that runs several sweeps).
void reset_stop_request();

}  // namespace vaesweep
