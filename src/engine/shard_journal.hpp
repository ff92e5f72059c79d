#pragma once
// The crash-safe shard journal: each MPI rank appends one record per finished work unit to its
// own file, so that a run killed at any moment (kill -9, preemption, a node failure) loses at
// most the record being written and never makes the earlier records unreadable.
//
// Format: the 8-byte magic "VSJRNL01", then frames: payload length (uint64 little-endian),
// CRC-32 of the payload (zlib's crc32, uint32 little-endian), the payload. The first frame is
// the header (opaque bytes given by the writer); the others are the records. A frame is at most
// 1 GiB: a longer length field is damage, not an allocation.
#include <chrono>
#include <cstddef>
#include <cstdint>
#include <filesystem>
#include <functional>
#include <string>
#include <string_view>
#include <vector>

#include "util/error.hpp"

namespace vaesweep::engine {

class JournalWriter {
 public:
  // Creates `path` exclusively (UserError naming it when it exists or cannot be created), writes
  // the magic and the header frame and makes them durable: fdatasync, and fsync of the parent
  // folder so that the new name survives a crash. A negative or NaN interval is a UserError.
  JournalWriter(const std::filesystem::path& path, std::string_view header, double sync_interval_seconds);
  ~JournalWriter();  // syncs and closes; never throws
  JournalWriter(const JournalWriter&) = delete;
  JournalWriter& operator=(const JournalWriter&) = delete;

  // Writes one frame with a single write() when the kernel takes it whole (looping on short
  // writes and EINTR), so that a killed process leaves the whole frame or a torn tail. Then
  // fdatasync when the last sync is at least sync_interval_seconds old (0: after every record):
  // a killed process loses nothing written, a node that loses power at most the records since
  // the last sync (call sync() when idle to bound that in time too). UserError with the path
  // and the reason when writing fails; the frame is then cut off again so that later records
  // stay readable, and when even that fails the writer refuses further records.
  void append(std::string_view payload);
  void sync();

  std::size_t records() const { return records_; }
  const std::filesystem::path& path() const { return path_; }

 private:
  // When the journal's name was deleted (its link count is 0), writes its bytes to a new file
  // of that name (recreating the folder) and continues there, with a warning; UserError when
  // that fails.
  void restore_if_unlinked();

  std::filesystem::path path_;
  int fd_ = -1;
  double sync_interval_;
  std::size_t records_ = 0;
  std::uint64_t end_ = 0;  // bytes of whole frames: where a failed append is cut back to
  bool unsynced_ = false;
  bool broken_ = false;    // a failed append could not be cut back: the tail is torn
  std::chrono::steady_clock::time_point last_sync_;
  std::string frame_;      // reused between appends
};

// A journal whose writer died before its header was durable (killed right after creating it):
// it holds no records, so a reader may skip it.
class UnfinishedJournal : public UserError {
 public:
  using UserError::UserError;
};

struct JournalContents {
  std::string header;
  std::vector<std::string> records;  // every intact record, in order
  // Empty when clean; else what was ignored and where (records numbered from 0, the header not
  // counted), e.g. "torn final record at byte 4096 (17 bytes ignored)" or "CRC mismatch in
  // record 12 at byte 9000; it and the 3 bytes after it ignored".
  std::string damage;
  // The header frame is damaged: `header` is empty and `records` holds the intact frames found
  // after it (a reader knows the run from the records themselves).
  bool header_damaged = false;
};

// UserError naming the path when it cannot be read, is not a journal (bad magic) or has no intact
// header. Damage after the header is reported in `damage`, never thrown: the intact records
// before it are kept and nothing after it is read. A journal still being written may show a torn
// final record: its writer is in the middle of it.
JournalContents read_journal(const std::filesystem::path& path);

// Where a record lies in its journal: the first byte of its payload and the payload's size.
struct JournalRecordPlace {
  std::uint64_t offset = 0, size = 0;
};
// read_journal one record at a time, for journals too large to hold: `on_record` gets each
// intact record (in the order read_journal lists them) and its place; the contents returned
// have the header and the damage, and no records.
JournalContents read_journal(const std::filesystem::path& path,
                             const std::function<void(std::string&&, JournalRecordPlace)>& on_record);

// Reads records back by their place (read_journal's), each checked against its CRC again.
class JournalRecordReader {
 public:
  explicit JournalRecordReader(const std::filesystem::path& path);  // UserError when it cannot be opened
  JournalRecordReader(JournalRecordReader&& other) noexcept;
  JournalRecordReader& operator=(JournalRecordReader&&) = delete;
  ~JournalRecordReader();
  // UserError naming the journal when the bytes there are not that intact record any more.
  std::string read(JournalRecordPlace place) const;

 private:
  std::filesystem::path path_;
  int fd_ = -1;
};

}  // namespace vaesweep::engine
