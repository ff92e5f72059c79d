#include "engine/mpi_context.hpp"

#include <mpi.h>

#include <algorithm>
#include <climits>
#include <cstdlib>

#include "util/error.hpp"
#include "engine/poll_backoff.hpp"

namespace vaesweep::engine {
namespace {

void check(int rc, const char* call) {
  if (rc == MPI_SUCCESS) return;
  char text[MPI_MAX_ERROR_STRING];
  int length = 0;
  MPI_Error_string(rc, text, &length);
  throw std::runtime_error(std::string(call) + " failed: " + std::string(text, static_cast<std::size_t>(length)));
}

int checked_int(std::size_t n) {
  VAESWEEP_ASSERT(n <= static_cast<std::size_t>(INT_MAX), "message over 2 GiB");
  return static_cast<int>(n);
}

// OpenMPI's blocking calls poll in a busy loop, so a rank waiting for the root (while it plans,
// finishes its last unit or merges the journals) would burn a core the root's own work could
// use. vaesweep's waits poll with PollBackoff (20 us to 2 ms).
void wait_idle(MPI_Request& request, const char* call) {
  for (PollBackoff backoff;; backoff.pause()) {
    int done = 0;
    check(MPI_Test(&request, &done, MPI_STATUS_IGNORE), call);
    if (done) return;
  }
}

}  // namespace

MpiSession::MpiSession(int* argc, char*** argv) {
  int initialized = 0;
  check(MPI_Initialized(&initialized), "MPI_Initialized");
  int provided = MPI_THREAD_SINGLE;
  if (!initialized) {
    check(MPI_Init_thread(argc, argv, MPI_THREAD_SERIALIZED, &provided), "MPI_Init_thread");
    finalize_ = true;
  } else {
    check(MPI_Query_thread(&provided), "MPI_Query_thread");
  }
  serialized_threads_ = provided >= MPI_THREAD_SERIALIZED;
  // Errors come back as codes (and become exceptions) instead of aborting the job silently.
  check(MPI_Comm_set_errhandler(MPI_COMM_WORLD, MPI_ERRORS_RETURN), "MPI_Comm_set_errhandler");
  check(MPI_Comm_rank(MPI_COMM_WORLD, &rank_), "MPI_Comm_rank");
  check(MPI_Comm_size(MPI_COMM_WORLD, &size_), "MPI_Comm_size");
}

MpiSession::~MpiSession() {
  if (finalize_) MPI_Finalize();
}

std::string MpiSession::broadcast(std::string bytes) const {
  unsigned long long length = bytes.size();
  MPI_Request request;
  check(MPI_Ibcast(&length, 1, MPI_UNSIGNED_LONG_LONG, 0, MPI_COMM_WORLD, &request), "MPI_Ibcast(length)");
  wait_idle(request, "MPI_Ibcast(length)");
  bytes.resize(length);
  check(MPI_Ibcast(bytes.data(), checked_int(length), MPI_BYTE, 0, MPI_COMM_WORLD, &request), "MPI_Ibcast(bytes)");
  wait_idle(request, "MPI_Ibcast(bytes)");
  return bytes;
}

std::vector<std::string> MpiSession::gather(const std::string& bytes) const {
  int length = checked_int(bytes.size());
  std::vector<int> lengths(is_root() ? static_cast<std::size_t>(size_) : 0);
  MPI_Request request;
  check(MPI_Igather(&length, 1, MPI_INT, lengths.data(), 1, MPI_INT, 0, MPI_COMM_WORLD, &request), "MPI_Igather(lengths)");
  wait_idle(request, "MPI_Igather(lengths)");
  std::vector<int> offsets(lengths.size());
  std::size_t total = 0;
  for (std::size_t r = 0; r < lengths.size(); ++r) {
    offsets[r] = checked_int(total);
    total += static_cast<std::size_t>(lengths[r]);
  }
  std::string all(total, '\0');
  check(MPI_Igatherv(bytes.data(), length, MPI_BYTE, all.data(), lengths.data(), offsets.data(), MPI_BYTE, 0,
                     MPI_COMM_WORLD, &request),
        "MPI_Igatherv");
  wait_idle(request, "MPI_Igatherv");
  std::vector<std::string> out;
  for (std::size_t r = 0; r < lengths.size(); ++r)
    out.push_back(all.substr(static_cast<std::size_t>(offsets[r]), static_cast<std::size_t>(lengths[r])));
  return out;
}

void MpiSession::send(int destination, int tag, const std::string& bytes) const {
  check(MPI_Send(bytes.data(), checked_int(bytes.size()), MPI_BYTE, destination, tag, MPI_COMM_WORLD), "MPI_Send");
}

std::optional<int> MpiSession::probe(int tag) const {
  int flag = 0;
  MPI_Status status;
  check(MPI_Iprobe(MPI_ANY_SOURCE, tag, MPI_COMM_WORLD, &flag, &status), "MPI_Iprobe");
  if (!flag) return std::nullopt;
  return status.MPI_SOURCE;
}

std::string MpiSession::receive(int source, int tag) const {
  MPI_Status status;
  for (PollBackoff backoff;; backoff.pause()) {  // not MPI_Probe, which would spin
    int arrived = 0;
    check(MPI_Iprobe(source, tag, MPI_COMM_WORLD, &arrived, &status), "MPI_Iprobe");
    if (arrived) break;
  }
  int length = 0;
  check(MPI_Get_count(&status, MPI_BYTE, &length), "MPI_Get_count");
  std::string bytes(static_cast<std::size_t>(length), '\0');
  check(MPI_Recv(bytes.data(), length, MPI_BYTE, source, tag, MPI_COMM_WORLD, MPI_STATUS_IGNORE), "MPI_Recv");
  return bytes;
}

void MpiSession::barrier() const {
  MPI_Request request;
  check(MPI_Ibarrier(MPI_COMM_WORLD, &request), "MPI_Ibarrier");
  wait_idle(request, "MPI_Ibarrier");
}

void MpiSession::abort(int exit_code) const {
  MPI_Abort(MPI_COMM_WORLD, exit_code);
  std::_Exit(exit_code);  // MPI_Abort does not return; this satisfies [[noreturn]] if it ever did
}

std::string MpiSession::processor_name() const {
  char name[MPI_MAX_PROCESSOR_NAME];
  int length = 0;
  check(MPI_Get_processor_name(name, &length), "MPI_Get_processor_name");
  return std::string(name, static_cast<std::size_t>(length));
}

std::string MpiSession::library_version() const {
  char version[MPI_MAX_LIBRARY_VERSION_STRING];
  int length = 0;
  check(MPI_Get_library_version(version, &length), "MPI_Get_library_version");
  std::string text(version, static_cast<std::size_t>(length));
  if (auto nl = text.find_first_of(",\n"); nl != std::string::npos) text.resize(nl);
  return text;
}

int node_local_rank() {
  for (const char* name : {"OMPI_COMM_WORLD_LOCAL_RANK", "SLURM_LOCALID", "MPI_LOCALRANKID"})
    if (const char* v = std::getenv(name)) return std::atoi(v);
  return 0;
}

}  // namespace vaesweep::engine
