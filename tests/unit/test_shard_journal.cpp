// The shard journal: records round-trip, and a torn tail, a damaged record or a killed writer
// lose only what was being written, never the records before it.
#include <gtest/gtest.h>
#include <signal.h>
#include <sys/resource.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <filesystem>
#include <fstream>
#include <functional>
#include <iterator>
#include <thread>

#include "util/error.hpp"
#include "engine/shard_journal.hpp"
#include "temp_dir.hpp"
#include "user_error_expect.hpp"

namespace vaesweep::engine {
namespace {

namespace fs = std::filesystem;

constexpr double kNoSync = 3600;  // sync only on close: a test's records are not worth an fdatasync each
constexpr std::size_t kFrameHead = 12;
constexpr std::size_t kMagicSize = 8;

// Record i of a journal: checkable from i alone, 8 to a few thousand bytes.
std::string record(std::size_t i) {
  std::string out;
  for (std::size_t n = 0; n <= i % 300; ++n) out += "record-" + std::to_string(i);
  return out;
}

std::string binary_bytes() {
  std::string out;
  for (int b = 0; b < 256; ++b) out.push_back(static_cast<char>(b));
  return out;
}

std::string slurp(const fs::path& path) {
  std::ifstream in(path, std::ios::binary);
  return {std::istreambuf_iterator<char>(in), {}};
}

void spit(const fs::path& path, const std::string& bytes) {
  std::ofstream(path, std::ios::binary) << bytes;
}

using test::expect_user_error_naming;

class ShardJournalTest : public ::testing::Test {
 protected:
  // A journal with header "header" and records record(0) .. record(n-1); its bytes.
  std::string write_records(std::size_t n) {
    JournalWriter w(path_, "header", kNoSync);
    for (std::size_t i = 0; i < n; ++i) w.append(record(i));
    return slurp(path_);
  }
  vaesweep::test::TempDir temp_;
  fs::path path_ = temp_ / "rank0.journal";
};

TEST_F(ShardJournalTest, HeaderAndRecordsRoundTrip) {
  const std::string header = std::string("study\0sha", 9) + binary_bytes();
  std::vector<std::string> expected;
  {
    JournalWriter w(path_, header, kNoSync);
    EXPECT_EQ(w.path(), path_);
    for (std::size_t i = 0; i < 1000; ++i) {
      expected.push_back(i % 100 == 0 ? std::string() : i % 100 == 1 ? binary_bytes() : record(i));
      w.append(expected.back());
    }
    EXPECT_EQ(w.records(), 1000u);
    w.sync();
  }
  const JournalContents c = read_journal(path_);
  EXPECT_EQ(c.header, header);
  EXPECT_EQ(c.records, expected);
  EXPECT_EQ(c.damage, "");
  EXPECT_EQ(slurp(path_).substr(0, kMagicSize), "VSJRNL01");
}

TEST_F(ShardJournalTest, SyncAfterEveryRecordAndEmptyJournal) {
  {
    JournalWriter w(path_, "", 0);
  }
  EXPECT_EQ(read_journal(path_).records.size(), 0u);
  const fs::path other = temp_ / "synced.journal";
  {
    JournalWriter w(other, "h", 0);  // 0: fdatasync after every record
    for (std::size_t i = 0; i < 5; ++i) w.append(record(i));
  }
  EXPECT_EQ(read_journal(other).records,
            (std::vector<std::string>{record(0), record(1), record(2), record(3), record(4)}));
}

// The shard folder deleted while a run writes to it (a user cleaning up, a scratch purge): the
// records still live in the open file, and the writer puts them back under the same name.
TEST_F(ShardJournalTest, AJournalDeletedWhileWrittenIsWrittenAgain) {
  const fs::path folder = temp_ / "r.h5.shards";
  fs::create_directories(folder);
  const fs::path path = folder / "run-rank0.journal";
  {
    JournalWriter w(path, "header", kNoSync);
    for (std::size_t i = 0; i < 3; ++i) w.append(record(i));
    fs::remove_all(folder);
    ASSERT_FALSE(fs::exists(path));
    w.append(record(3));  // notices the missing name: folder and file come back, with all 4
    EXPECT_TRUE(fs::exists(path));
    fs::remove(path);     // deleted again: sync() notices it too
    w.sync();
    w.append(record(4));
  }
  const JournalContents c = read_journal(path);
  EXPECT_EQ(c.header, "header");
  EXPECT_EQ(c.records, (std::vector<std::string>{record(0), record(1), record(2), record(3), record(4)}));
  EXPECT_EQ(c.damage, "");
}

// The frame layout of the format: length and CRC-32 little-endian, then the payload. The CRC of
// "123456789" is 0xCBF43926 (the standard CRC-32 check value).
TEST_F(ShardJournalTest, FrameLayoutIsTheDocumentedOne) {
  {
    JournalWriter w(path_, "", kNoSync);
    w.append("123456789");
  }
  const std::string bytes = slurp(path_);
  const std::string frame = bytes.substr(kMagicSize + kFrameHead);  // after the empty header's frame
  EXPECT_EQ(frame, std::string("\x09\0\0\0\0\0\0\0\x26\x39\xF4\xCB", 12) + "123456789");
}

TEST_F(ShardJournalTest, TruncationInsideTheLastFrameKeepsEveryEarlierRecord) {
  const std::string bytes = write_records(5);
  const std::size_t last = bytes.size() - kFrameHead - record(4).size();  // where the last frame starts
  const fs::path cut = temp_ / "cut.journal";
  for (std::size_t size = last; size < bytes.size(); ++size) {
    spit(cut, bytes.substr(0, size));
    const JournalContents c = read_journal(cut);
    ASSERT_EQ(c.records.size(), 4u) << size;
    for (std::size_t i = 0; i < 4; ++i) EXPECT_EQ(c.records[i], record(i));
    if (size == last) {
      EXPECT_EQ(c.damage, "") << "cut exactly between frames";
    } else {
      EXPECT_EQ(c.damage, "torn final record at byte " + std::to_string(last) + " (" + std::to_string(size - last) +
                              " bytes ignored)");
    }
  }
}

// A flipped byte costs its own record only: the intact frames after it are found again by
// their CRCs (a journal is many small frames; the damage is in one).
TEST_F(ShardJournalTest, AFlippedByteCostsOnlyItsRecord) {
  std::string bytes = write_records(10);
  std::size_t at = kMagicSize + kFrameHead + std::string("header").size();
  for (std::size_t i = 0; i < 5; ++i) at += kFrameHead + record(i).size();
  const std::size_t after = bytes.size() - at - kFrameHead - record(5).size();
  bytes[at + kFrameHead + 3] ^= 0x20;
  spit(path_.string() + ".flipped", bytes);
  const JournalContents c = read_journal(path_.string() + ".flipped");
  ASSERT_EQ(c.records.size(), 9u);
  for (std::size_t i = 0; i < 5; ++i) EXPECT_EQ(c.records[i], record(i));
  for (std::size_t i = 6; i < 10; ++i) EXPECT_EQ(c.records[i - 1], record(i));
  EXPECT_FALSE(c.header_damaged);
  EXPECT_EQ(c.damage, "CRC mismatch in record 5 at byte " + std::to_string(at) + "; it and the " +
                          std::to_string(after) + " bytes after it ignored; 4 intact record(s) after it recovered (" +
                          std::to_string(kFrameHead + record(5).size() - 1) + " bytes skipped)");
}

// One flipped byte in the header no longer blocks a resume for good: the records are intact
// frames of their own, and the reader keeps them (the header's study text is what is lost).
TEST_F(ShardJournalTest, ADamagedHeaderKeepsTheRecords) {
  std::string bytes = write_records(4);
  bytes[kMagicSize + kFrameHead + 2] ^= 0x01;  // inside the header's payload
  spit(path_.string() + ".header", bytes);
  JournalContents c = read_journal(path_.string() + ".header");
  EXPECT_TRUE(c.header_damaged);
  EXPECT_EQ(c.header, "");
  EXPECT_EQ(c.records, (std::vector<std::string>{record(0), record(1), record(2), record(3)}));
  EXPECT_NE(c.damage.find("CRC mismatch in the header"), std::string::npos) << c.damage;
  EXPECT_NE(c.damage.find("4 intact record(s) after it recovered"), std::string::npos) << c.damage;
  // Its length field instead: the header cannot even be skipped by length, the scan finds the records.
  fs::remove(path_);
  bytes = write_records(4);
  bytes[kMagicSize + 5] = '\x40';
  spit(path_.string() + ".length", bytes);
  c = read_journal(path_.string() + ".length");
  EXPECT_TRUE(c.header_damaged);
  EXPECT_EQ(c.records, (std::vector<std::string>{record(0), record(1), record(2), record(3)}));
  // A flip that makes the length only run past the end reads like a torn header: the records
  // behind it say otherwise, and are kept.
  fs::remove(path_);
  bytes = write_records(4);
  bytes[kMagicSize + 2] ^= 0x10;  // + 1 MiB
  spit(path_.string() + ".past", bytes);
  c = read_journal(path_.string() + ".past");
  EXPECT_TRUE(c.header_damaged);
  EXPECT_EQ(c.records, (std::vector<std::string>{record(0), record(1), record(2), record(3)}));
  // The same in a record: the intact ones after it come back.
  fs::remove(path_);
  bytes = write_records(6);
  std::size_t at = kMagicSize + kFrameHead + std::string("header").size();
  for (std::size_t i = 0; i < 2; ++i) at += kFrameHead + record(i).size();
  bytes[at + 2] ^= 0x10;  // record 2's length runs past the end
  spit(path_.string() + ".record", bytes);
  c = read_journal(path_.string() + ".record");
  EXPECT_EQ(c.records, (std::vector<std::string>{record(0), record(1), record(3), record(4), record(5)}));
}

TEST_F(ShardJournalTest, AGarbageLengthIsDamageNotAnAllocation) {
  std::string bytes = write_records(3);
  const std::size_t at = bytes.size() - kFrameHead - record(2).size();
  bytes[at + 7] = '\x7f';  // the top byte of record 2's length
  spit(path_.string() + ".bad", bytes);
  const JournalContents c = read_journal(path_.string() + ".bad");
  EXPECT_EQ(c.records, (std::vector<std::string>{record(0), record(1)}));
  EXPECT_NE(c.damage.find("record 2 at byte " + std::to_string(at)), std::string::npos) << c.damage;
}

TEST_F(ShardJournalTest, AnExistingPathIsRefusedAndLeftAlone) {
  spit(path_, "precious");
  expect_user_error_naming([&] { JournalWriter w(path_, "h", 0); }, path_.string());
  EXPECT_EQ(slurp(path_), "precious");
  expect_user_error_naming([&] { JournalWriter w(temp_ / "no_such_folder" / "j", "h", 0); }, "no_such_folder");
  expect_user_error_naming([&] { JournalWriter w(temp_ / "negative", "h", -1); }, "sync interval");
}

TEST_F(ShardJournalTest, WhatIsNotAJournalIsRefusedWithThePath) {
  spit(path_, "a,csv,file\n1,2,3\n");
  expect_user_error_naming([&] { read_journal(path_); }, path_.string() + ": not a vaesweep shard journal");
  expect_user_error_naming([&] { read_journal(temp_ / "missing.journal"); }, (temp_ / "missing.journal").string());
  expect_user_error_naming([&] { read_journal(temp_.path()); }, temp_.path().string());
  spit(path_, "");  // created, then killed before the header was written
  expect_user_error_naming([&] { read_journal(path_); }, "unfinished");
  spit(path_, std::string("VSJRNL01\x06\0\0", 11));  // killed while writing the header
  expect_user_error_naming([&] { read_journal(path_); }, "unfinished");
}

// A writer that cannot write the whole frame (here: over the file size limit) cuts the partial
// frame off again, so that the journal stays readable; run in a child to keep the limit there.
TEST_F(ShardJournalTest, AFailedAppendLeavesNoTornFrameBehind) {
  const pid_t child = fork();
  ASSERT_GE(child, 0);
  if (child == 0) {
    signal(SIGXFSZ, SIG_IGN);  // write() then fails with EFBIG instead of killing the process
    const rlimit limit{20000, 20000};
    setrlimit(RLIMIT_FSIZE, &limit);
    int code = 1;
    try {
      JournalWriter w(path_, "header", kNoSync);
      for (std::size_t i = 0;; ++i) w.append(record(i));
    } catch (const UserError&) {
      code = 0;
    }
    _exit(code);
  }
  int status = 0;
  ASSERT_EQ(waitpid(child, &status, 0), child);
  ASSERT_TRUE(WIFEXITED(status) && WEXITSTATUS(status) == 0) << "the child did not see its append fail";
  const JournalContents c = read_journal(path_);
  EXPECT_EQ(c.damage, "");
  ASSERT_GT(c.records.size(), 3u);
  for (std::size_t i = 0; i < c.records.size(); ++i) EXPECT_EQ(c.records[i], record(i));
  EXPECT_LT(fs::file_size(path_), 20000u);
}

// kill -9 at a random moment while a child appends: every record read back is whole.
TEST_F(ShardJournalTest, AWriterKilledMidStreamLeavesOnlyIntactRecords) {
  const pid_t child = fork();
  ASSERT_GE(child, 0);
  if (child == 0) {
    try {
      JournalWriter w(path_, "header", kNoSync);
      for (std::size_t i = 0; i < 10'000'000; ++i) w.append(record(i));
    } catch (...) {
    }
    _exit(1);
  }
  const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(30);
  const auto written = [&] {
    std::error_code ec;  // the child may not have created the file yet
    const auto size = fs::file_size(path_, ec);
    return ec ? 0 : size;
  };
  while (std::chrono::steady_clock::now() < deadline && written() < 2'000'000)
    std::this_thread::sleep_for(std::chrono::milliseconds(1));
  kill(child, SIGKILL);
  int status = 0;
  ASSERT_EQ(waitpid(child, &status, 0), child);
  ASSERT_TRUE(WIFSIGNALED(status) && WTERMSIG(status) == SIGKILL) << "the child ended before it was killed";
  const JournalContents c = read_journal(path_);
  EXPECT_EQ(c.header, "header");
  ASSERT_GT(c.records.size(), 100u);
  for (std::size_t i = 0; i < c.records.size(); ++i) ASSERT_EQ(c.records[i], record(i)) << i;
  EXPECT_TRUE(c.damage.empty() || c.damage.starts_with("torn final record")) << c.damage;
}

}  // namespace
}  // namespace vaesweep::engine
