#pragma once
// Text forms of a Ranking: Markdown for people (READMEs, reports), CSV and JSON for programs.
#include <cstddef>
#include <string>

#include "report/ranking.hpp"

namespace vaesweep::report {

// Where a ranking came from: printed above the Markdown and kept in the JSON.
struct RankProvenance {
  std::string study_name;
  std::string study_sha256;
  std::string results_path;
  std::string command_line;
  std::string aggregate_name;  // the /aggregate table written, "" with --no-write
};

// A headline (metric, direction, label-free or oracle selection), a line on the grouping, the
// interval and the test, and a table with columns rank, the group keys, mean, std, CI low,
// CI high, n (seeds), rows (when rows are pooled per seed), missing (when any), verdict, p,
// p (Holm), pairs, noise (when any row has DBSCAN noise), active units (when known), mean and
// CI of each --also metric, seeds. Then the notes, the label-free vs oracle selection and the
// Pareto front when there are any. `max_rows` > 0 keeps the best max_rows groups and says how
// many were left out.
std::string format_markdown(const Ranking& r, std::size_t max_rows = 0);

// RFC 4180 CSV with a header: rank, the group keys, mean, std, ci_low, ci_high, n, n_rows,
// n_missing, verdict, p, p_holm, n_pairs, [noise_fraction], [active_units], <m>_mean,
// <m>_ci_low, <m>_ci_high per --also metric, [pareto (1 = on the front)], seeds, unit_ids.
// Numbers at full precision (%.17g), NaN and rank 0 as empty fields; seeds and unit ids are
// ';'-separated inside one quoted field.
std::string format_csv(const Ranking& r);

// One JSON object: provenance, every setting, the notes, and per group everything the
// Markdown shows plus the per-seed values, unit ids and config hashes; the selection section
// and the Pareto front. NaN as null.
std::string format_json(const Ranking& r, const RankProvenance& provenance);

}  // namespace vaesweep::report
