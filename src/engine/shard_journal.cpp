#include "engine/shard_journal.hpp"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>
#include <zlib.h>

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <functional>
#include <utility>

#include "util/atomic_write.hpp"
#include "util/error.hpp"
#include "util/log.hpp"

namespace vaesweep::engine {
namespace {

namespace fs = std::filesystem;

constexpr std::string_view kMagic = "VSJRNL01";
constexpr std::size_t kFrameHead = 12;          // length (8) + CRC (4)
constexpr std::uint64_t kMaxFrame = 1ull << 30;  // 1 GiB; a unit record is a few KiB

std::string failure(const fs::path& path, const std::string& what, int error) {
  return path.string() + ": " + what + ": " + std::strerror(error);
}

std::uint32_t crc(std::string_view bytes) {
  return static_cast<std::uint32_t>(crc32_z(0, reinterpret_cast<const Bytef*>(bytes.data()), bytes.size()));
}

void put_le(std::string& out, std::uint64_t value, int bytes) {
  for (int i = 0; i < bytes; ++i) out.push_back(static_cast<char>(value >> (8 * i)));
}

std::uint64_t get_le(const char* in, int bytes) {
  std::uint64_t value = 0;
  for (int i = 0; i < bytes; ++i) value |= std::uint64_t{static_cast<unsigned char>(in[i])} << (8 * i);
  return value;
}

void put_frame(std::string& out, std::string_view payload) {
  put_le(out, payload.size(), 8);
  put_le(out, crc(payload), 4);
  out.append(payload);
}

// Up to `count` bytes of fd from `offset` (fewer only where the file ends or a read fails).
std::string read_at(int fd, std::uint64_t offset, std::uint64_t count) {
  std::string bytes(static_cast<std::size_t>(count), '\0');
  std::size_t got = 0;
  while (got < bytes.size()) {
    const ssize_t n = ::pread(fd, bytes.data() + got, bytes.size() - got, static_cast<off_t>(offset + got));
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) break;
    got += static_cast<std::size_t>(n);
  }
  bytes.resize(got);
  return bytes;
}

int data_sync(int fd) {
  while (::fdatasync(fd) != 0) {
    if (errno != EINTR) return errno;
  }
  return 0;
}

// Sequential reads through a buffer: a journal is many small frames. The buffer is no larger
// than the file: zeroing 1 MiB for a journal of a few kB cost more than reading it.
class BufferedFile {
 public:
  BufferedFile(int fd, const fs::path& path, std::uint64_t file_size)
      : fd_(fd), path_(path), buffer_(static_cast<std::size_t>(std::min<std::uint64_t>(file_size, 1 << 20))) {}
  // Up to n bytes; fewer only at the end of the file.
  std::size_t read(char* out, std::size_t n) {
    std::size_t got = 0;
    while (got < n) {
      if (pos_ == filled_) {
        if (n - got >= buffer_.size()) {  // a large frame: straight into its string
          const std::size_t k = raw_read(out + got, n - got);
          if (k == 0) break;
          got += k;
          continue;
        }
        filled_ = raw_read(buffer_.data(), buffer_.size());
        pos_ = 0;
        if (filled_ == 0) break;
      }
      const std::size_t k = std::min(n - got, filled_ - pos_);
      std::memcpy(out + got, buffer_.data() + pos_, k);
      pos_ += k, got += k;
    }
    return got;
  }

 private:
  std::size_t raw_read(char* out, std::size_t n) {
    for (;;) {
      const ssize_t k = ::read(fd_, out, n);
      if (k >= 0) return static_cast<std::size_t>(k);
      if (errno != EINTR) throw UserError(failure(path_, "cannot read the shard journal", errno));
    }
  }
  int fd_;
  const fs::path& path_;
  std::vector<char> buffer_;
  std::size_t pos_ = 0, filled_ = 0;
};

struct FileCloser {
  int fd;
  ~FileCloser() { ::close(fd); }
};

constexpr std::size_t kHeader = static_cast<std::size_t>(-1);  // read_frame's index of the header

// Reads the frame at `offset` into `payload` and moves `offset` past it; "" when it is intact,
// else what is wrong with it. `index` is the record's (kHeader for the header). `size` is the
// file's size when reading started: a length beyond it is a torn tail, and is not allocated.
std::string read_frame(BufferedFile& file, std::uint64_t& offset, std::uint64_t size, std::size_t index,
                       std::string& payload) {
  const std::uint64_t left = size - offset;
  const auto name = [&] { return index == kHeader ? std::string("the header") : "record " + std::to_string(index); };
  const auto torn = [&] {
    return (index == kHeader ? "torn header" : "torn final record") + std::string(" at byte ") +
           std::to_string(offset) + " (" + std::to_string(left) + " bytes ignored)";
  };
  char head[kFrameHead];
  if (left < kFrameHead || file.read(head, kFrameHead) < kFrameHead) return torn();
  const std::uint64_t length = get_le(head, 8);
  if (length > kMaxFrame)
    return "impossible length " + std::to_string(length) + " of " + name() + " at byte " + std::to_string(offset) +
           "; it and the " + std::to_string(left - kFrameHead) + " bytes after it ignored";
  if (length > left - kFrameHead) return torn();
  payload.resize(length);
  if (file.read(payload.data(), length) < length) return torn();  // the file shrank while read
  if (crc(payload) != static_cast<std::uint32_t>(get_le(head + 8, 4)))
    return "CRC mismatch in " + name() + " at byte " + std::to_string(offset) + "; it and the " +
           std::to_string(left - kFrameHead - length) + " bytes after it ignored";
  offset += kFrameHead + length;
  return "";
}

using RecordSink = std::function<void(std::string&&, JournalRecordPlace)>;

// After damage at byte `from - 1`: every later frame whose length fits and whose CRC-32 matches
// (a non-empty payload: zero-filled holes would otherwise pass as empty frames) is a record
// again. A random match is a 1-in-2^32 event per offset, and a record is still decoded and
// checked after this. `out.damage` gains how many records came back and how many bytes were
// skipped.
void salvage_records(int fd, std::uint64_t from, std::uint64_t size, JournalContents& out, const RecordSink& sink) {
  const std::string bytes = read_at(fd, from, size - std::min(from, size));
  std::size_t salvaged = 0, skipped = 0, at = 0;
  while (at + kFrameHead < bytes.size()) {
    const std::uint64_t length = get_le(bytes.data() + at, 8);
    if (length > 0 && length <= kMaxFrame && length <= bytes.size() - at - kFrameHead &&
        crc(std::string_view(bytes).substr(at + kFrameHead, length)) == static_cast<std::uint32_t>(get_le(bytes.data() + at + 8, 4))) {
      sink(bytes.substr(at + kFrameHead, length), JournalRecordPlace{from + at + kFrameHead, length});
      ++salvaged;
      at += kFrameHead + length;
    } else {
      ++skipped;
      ++at;
    }
  }
  skipped += bytes.size() - at;
  if (salvaged > 0)
    out.damage += "; " + std::to_string(salvaged) + " intact record(s) after it recovered (" + std::to_string(skipped) +
                  " bytes skipped)";
}

}  // namespace

JournalWriter::JournalWriter(const fs::path& path, std::string_view header, double sync_interval_seconds)
    : path_(path), sync_interval_(sync_interval_seconds) {
  if (!(sync_interval_seconds >= 0))
    throw UserError(path_.string() + ": the journal's sync interval must be 0 or more seconds, got " +
                    std::to_string(sync_interval_seconds));
  if (header.size() > kMaxFrame)
    throw UserError(path_.string() + ": a journal header of " + std::to_string(header.size()) +
                    " bytes is over the 1 GiB limit");
  // Read-write: a journal whose name was deleted is copied back from this descriptor.
  fd_ = ::open(path_.c_str(), O_RDWR | O_CREAT | O_EXCL | O_CLOEXEC, 0644);
  if (fd_ < 0) {
    if (errno == EEXIST)
      throw UserError(path_.string() + ": the shard journal already exists (a journal is never reopened for writing)");
    throw UserError(failure(path_, "cannot create the shard journal", errno));
  }
  try {
    frame_.assign(kMagic);
    put_frame(frame_, header);
    if (const int error = write_all(fd_, frame_))
      throw UserError(failure(path_, "cannot write the journal header", error));
    if (const int error = data_sync(fd_)) throw UserError(failure(path_, "cannot sync the journal header", error));
    sync_folder_of(path_);  // a new file's name lives in its folder: without it a crash can lose the file
  } catch (...) {
    // Ours since O_EXCL: remove it rather than leave a journal without a header behind.
    ::close(fd_);
    ::unlink(path_.c_str());
    throw;
  }
  end_ = frame_.size();
  last_sync_ = std::chrono::steady_clock::now();
}

JournalWriter::~JournalWriter() {
  try {
    if (unsynced_ && !broken_) {
      if (const int error = data_sync(fd_)) log_warn(failure(path_, "cannot sync the shard journal", error));
    }
    if (::close(fd_) != 0) log_warn(failure(path_, "cannot close the shard journal", errno));
  } catch (...) {  // log_warn allocates; a destructor must not throw
  }
}

void JournalWriter::append(std::string_view payload) {
  if (broken_)
    throw UserError(path_.string() + ": an earlier write to the shard journal failed and could not be undone; "
                                     "no further records are written");
  if (payload.size() > kMaxFrame)
    throw UserError(path_.string() + ": a journal record of " + std::to_string(payload.size()) +
                    " bytes is over the 1 GiB limit");
  frame_.clear();
  put_frame(frame_, payload);
  if (const int error = write_all(fd_, frame_)) {
    // Cut a partial frame off again: records appended after it would be unreadable behind it.
    const auto end = static_cast<off_t>(end_);
    if (::ftruncate(fd_, end) != 0 || ::lseek(fd_, end, SEEK_SET) != end) broken_ = true;
    throw UserError(
        failure(path_, "cannot append record " + std::to_string(records_) + " to the shard journal", error));
  }
  end_ += frame_.size();
  ++records_;
  unsynced_ = true;
  restore_if_unlinked();
  const std::chrono::duration<double> since = std::chrono::steady_clock::now() - last_sync_;
  if (since.count() >= sync_interval_) sync();
}

void JournalWriter::restore_if_unlinked() {
  struct stat st {};
  if (broken_ || ::fstat(fd_, &st) != 0 || st.st_nlink > 0) return;
  // The name is gone (the shard folder or the journal deleted while the run ran): the records
  // still live in the open file. Write them under the old name again, or every unit of this
  // run would be lost at the merge while the run reported success.
  std::error_code ec;
  fs::create_directories(path_.parent_path(), ec);
  const int fresh = ::open(path_.c_str(), O_RDWR | O_CREAT | O_EXCL | O_CLOEXEC, 0644);
  if (fresh < 0) {
    broken_ = true;
    throw UserError(failure(path_, "the shard journal was deleted while the run ran and cannot be written again",
                            errno));
  }
  const std::string bytes = read_at(fd_, 0, end_);
  int error = bytes.size() == end_ ? write_all(fresh, bytes) : EIO;
  if (error == 0) error = data_sync(fresh);
  if (error != 0) {
    ::close(fresh);
    broken_ = true;
    throw UserError(failure(path_, "the shard journal was deleted while the run ran and could not be rewritten", error));
  }
  sync_folder_of(path_);
  ::close(fd_);
  fd_ = fresh;
  unsynced_ = false;
  log_warn(path_.string() + ": the shard journal was deleted while the run ran; its " + std::to_string(records_) +
           " record(s) were written again from the open file");
}

void JournalWriter::sync() {
  if (broken_) return;
  restore_if_unlinked();
  if (unsynced_) {
    if (const int error = data_sync(fd_)) {
      // After a failed fdatasync the kernel may have dropped the pages: a later success would
      // not mean they reached the disk, so stop trusting this journal.
      broken_ = true;
      throw UserError(failure(path_, "cannot sync the shard journal to disk", error));
    }
  }
  unsynced_ = false;
  last_sync_ = std::chrono::steady_clock::now();
}

JournalContents read_journal(const fs::path& path) {
  JournalContents out;
  JournalContents header =
      read_journal(path, [&](std::string&& record, JournalRecordPlace) { out.records.push_back(std::move(record)); });
  out.header = std::move(header.header);
  out.damage = std::move(header.damage);
  out.header_damaged = header.header_damaged;
  return out;
}

JournalContents read_journal(const fs::path& path, const RecordSink& on_record) {
  const int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
  if (fd < 0) throw UserError(failure(path, "cannot open the shard journal", errno));
  const FileCloser closer{fd};
  struct stat st {};
  if (::fstat(fd, &st) != 0) throw UserError(failure(path, "cannot read the shard journal", errno));
  if (!S_ISREG(st.st_mode)) throw UserError(path.string() + ": not a shard journal (not a regular file)");
  const auto size = static_cast<std::uint64_t>(st.st_size);

  BufferedFile file(fd, path, size);
  // The writer makes the magic and the header durable before it returns: a file cut short in
  // them was never given a record.
  const std::string unfinished = path.string() + ": an unfinished shard journal (" + std::to_string(size) +
                                 " bytes): its writer stopped before the header was written, so it holds no records";
  std::string magic(kMagic.size(), '\0');
  magic.resize(file.read(magic.data(), magic.size()));
  if (magic != kMagic) {
    if (kMagic.starts_with(magic)) throw UnfinishedJournal(unfinished);  // also the empty file
    throw UserError(path.string() + ": not a vaesweep shard journal (it does not start with \"" +
                    std::string(kMagic) + "\")");
  }
  JournalContents out;
  std::uint64_t offset = kMagic.size();
  if (const std::string damage = read_frame(file, offset, size, kHeader, out.header); !damage.empty()) {
    // "Torn" is also what a flipped bit in the length field looks like (a length past the end):
    // only a header with no intact record behind it is a writer killed before its header.
    out.header.clear();
    out.header_damaged = true;
    out.damage = damage;
    std::size_t salvaged = 0;
    salvage_records(fd, kMagic.size() + 1, size, out, [&](std::string&& record, JournalRecordPlace place) {
      ++salvaged;
      on_record(std::move(record), place);
    });
    if (salvaged == 0 && damage.starts_with("torn header")) throw UnfinishedJournal(unfinished);
    return out;
  }
  std::size_t records = 0;
  while (offset < size) {
    std::string payload;
    const std::uint64_t at = offset;
    out.damage = read_frame(file, offset, size, records, payload);
    if (!out.damage.empty()) {
      // A torn tail is the normal end of a killed writer, but a damaged length field reads the
      // same: whatever the damage, intact frames behind it are records again.
      salvage_records(fd, at + 1, size, out, on_record);
      break;
    }
    ++records;
    on_record(std::move(payload), JournalRecordPlace{at + kFrameHead, offset - at - kFrameHead});
  }
  return out;
}

JournalRecordReader::JournalRecordReader(const fs::path& path) : path_(path) {
  fd_ = ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
  if (fd_ < 0) throw UserError(failure(path, "cannot open the shard journal", errno));
}

JournalRecordReader::JournalRecordReader(JournalRecordReader&& other) noexcept
    : path_(std::move(other.path_)), fd_(std::exchange(other.fd_, -1)) {}

JournalRecordReader::~JournalRecordReader() {
  if (fd_ >= 0) ::close(fd_);
}

std::string JournalRecordReader::read(JournalRecordPlace place) const {
  if (place.offset < kFrameHead || place.size > kMaxFrame)
    throw UserError(path_.string() + ": no journal record at byte " + std::to_string(place.offset));
  std::string frame = read_at(fd_, place.offset - kFrameHead, kFrameHead + place.size);
  if (frame.size() != kFrameHead + place.size || get_le(frame.data(), 8) != place.size ||
      crc(std::string_view(frame).substr(kFrameHead)) != static_cast<std::uint32_t>(get_le(frame.data() + 8, 4)))
    throw UserError(path_.string() + ": the journal record at byte " + std::to_string(place.offset) +
                    " changed since it was read (another process writing the journal?)");
  return frame.substr(kFrameHead);
}

}  // namespace vaesweep::engine
