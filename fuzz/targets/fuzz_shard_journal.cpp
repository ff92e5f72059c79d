// Fuzzes the shard-journal reader as resume and merge use it (results/shards.cpp read_shards):
// read_journal's frames and CRCs, decode_shard_header and decode_unit on every intact record.
//
// Input: one journal file's bytes, placed as the only journal of a results file's shard folder.
// A UserError is the correct answer to a journal that is not one; damage after the header is
// reported, not thrown. Any other exception or sanitizer report is a bug.
#include <cstddef>
#include <cstdint>

#include "util/error.hpp"
#include "fuzz_support.hpp"
#include "results/shards.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const auto results = vaesweep::fuzz::scratch_folder() / "results.h5";
  vaesweep::fuzz::write_scratch_file("results.h5.shards/run-rank0.journal", data, size);
  try {
    (void)vaesweep::results::read_shards(results);
  } catch (const vaesweep::UserError&) {
  }
  return 0;
}
