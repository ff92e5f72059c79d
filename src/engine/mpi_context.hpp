#pragma once
// The only place vaesweep calls MPI: every call is wrapped once and its return code checked.
// Runs as a single rank when started without mpirun (MPI singleton). Every wait (collectives,
// receive) sleeps between polls instead of spinning as MPI's blocking calls do, so a waiting
// rank leaves its core to the work of the others.
#include <optional>
#include <string>
#include <utility>
#include <vector>

namespace vaesweep::engine {

class MpiSession {
 public:
  MpiSession(int* argc, char*** argv);
  ~MpiSession();  // finalises when it initialised; never throws
  MpiSession(const MpiSession&) = delete;
  MpiSession& operator=(const MpiSession&) = delete;

  int rank() const { return rank_; }
  int size() const { return size_; }
  bool is_root() const { return rank_ == 0; }

  // Root's `bytes` reach every rank (others pass anything; they get root's).
  std::string broadcast(std::string bytes) const;
  // Every rank's `bytes` reach the root, in rank order; other ranks get an empty list.
  std::vector<std::string> gather(const std::string& bytes) const;
  // Point to point (the unit scheduler). `send` blocks until the bytes can be reused.
  void send(int destination, int tag, const std::string& bytes) const;
  // The source of a message with `tag` waiting for this rank, without receiving it.
  std::optional<int> probe(int tag) const;
  // Blocks until the message of `source` with `tag` arrives.
  std::string receive(int source, int tag) const;
  void barrier() const;
  // Ends every rank of the job (a rank that cannot go on and must not leave the others waiting).
  [[noreturn]] void abort(int exit_code) const;

  // True when several threads of a process may call MPI, one at a time (the scheduler runs a
  // coordinator thread beside rank 0's own work).
  bool serialized_threads() const { return serialized_threads_; }

  std::string processor_name() const;
  std::string library_version() const;

 private:
  bool finalize_ = false;
  bool serialized_threads_ = false;
  int rank_ = 0;
  int size_ = 1;
};

// The rank's index among the ranks of its node (OMPI_COMM_WORLD_LOCAL_RANK or SLURM_LOCALID).
int node_local_rank();

}  // namespace vaesweep::engine
