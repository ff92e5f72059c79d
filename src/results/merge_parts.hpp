#pragma once
// `vaesweep merge`: results files of one study written apart (the slices of a job array, or
// runs on different machines) joined into one results file, as if one run had made it: every
// unit once (in grid order), the union of the evaluations, the feature tables and skipped files
// once, every run of every part, and the optional /latents, /assignments and /rows groups.
// The records stay in the parts: only each unit's config hash digest, part and row are held,
// and the merged tables are written a block of units at a time.
// Nothing is written unless every part reads and agrees; the output is written atomically.
#include <cstddef>
#include <filesystem>
#include <string>
#include <vector>

namespace vaesweep::results {

struct MergeOptions {
  std::vector<std::filesystem::path> parts;
  std::filesystem::path out;
  bool overwrite = false;  // replace an existing `out`
  // Units per block: the parts' records are read back by rows, a block of merged units at a
  // time (record_merge.hpp's kMergeBlockUnits). 0: every part's records read whole, as the merge
  // did before it streamed (what a part that cannot be read by rows gets anyway; the tests'
  // oracle).
  std::size_t block_units = 8192;
};

struct MergeSummary {
  std::size_t parts = 0;
  std::size_t units_in_grid = 0;    // the study's whole grid
  std::size_t units = 0, ok = 0, failed = 0, diverged = 0, evaluations = 0;
  std::size_t pending = 0;          // grid units no part has a record of
  std::size_t duplicates = 0;       // units given by several parts with identical records (kept once)
  // When the parts are slices of one --slice I/N family: N, and the indices no part is (the
  // incomplete_parts are there, but lack some of their units).
  std::size_t slice_count = 0;
  std::vector<std::size_t> missing_slices;
  std::vector<std::string> incomplete_parts;  // parts whose own `complete` attribute is 0
  // The parts' records were read whole (block_units 0, or a part that cannot be read back by
  // rows: a format-1 file, evaluations out of their units' order, a unit twice in one part).
  bool read_whole = false;
};

// UserError naming the file(s) when a part is missing, not HDF5, truncated or not a results
// file; when two parts come from different studies (study_sha256) or disagree about the grid;
// when a unit (config hash) is in two parts with different records; or when `out` exists
// without overwrite or is one of the parts. In all these cases nothing is written. Missing
// units are not an error here: the merged file says complete = 0 and the summary says what is
// missing.
MergeSummary merge_parts(const MergeOptions& options);

}  // namespace vaesweep::results
