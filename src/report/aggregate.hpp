#pragma once
// A ranking written back into its results file, under /aggregate (DESIGN.md, "Results file"):
// /aggregate/<name> holds one row per group, /aggregate/<name>__pareto the Pareto front when one
// was asked for. The results are never put at risk: the file is copied to a temporary beside
// it, the copy is written, closed and fsynced, and renamed over the original; a failure leaves
// the original as it was. The caller holds the run lock (results/run_lock.hpp) meanwhile, so that
// no run replaces the file underneath.
//
// Columns of /aggregate/<name>: one string column per grouping key (named as the key; "key_"
// + the key when that would clash with a column below), mean, std, ci_low, ci_high, n (seeds),
// n_rows, n_missing, rank (0 = unranked), verdict, p, p_holm, n_pairs, underpowered (0/1),
// noise_fraction and active_units when known, <m>_mean, <m>_ci_low, <m>_ci_high per --also
// metric, pareto (0/1, with a front), seeds and unit_ids (';'-separated), config_hashes.
// Attributes: metric, selection ("label-free" | "oracle"), metric_kind, higher_is_better,
// ci, confidence, bootstrap_samples, bootstrap_seed, test, correction ("holm"), alpha,
// group_by (", "-separated), labels, also, pareto_table ("" when none), max_rows_per_seed,
// notes (one per line), created_at, study_sha256, command_line.
// /aggregate/<name>__pareto: the key columns, rank, the two metrics' means (named after them),
// with attributes metrics, created_at and ranking (the name of its ranking table).
#include <filesystem>
#include <string>

#include "io/column_table.hpp"
#include "report/ranking.hpp"

namespace vaesweep::report {

// "<metric>__by_<key>+<key>..." (e.g. "silhouette__by_model+config+method+k+space+flags").
std::string default_aggregate_name(const Ranking& r);
// UserError naming --name when `name` is empty, holds '/' or starts with '.'.
void check_aggregate_name(const std::string& name);

io::ColumnTable aggregate_table(const Ranking& r);
io::ColumnTable pareto_table(const Ranking& r);  // needs a ranking with pareto metrics

// UserError when the results file or its folder is read-only (by permissions or mode bits, so
// that a file chmod'ed read-only is respected even by root), saying that nothing was changed
// and that --no-write ranks without writing.
void check_results_writable(const std::filesystem::path& results);

struct AggregateProvenance {
  std::string study_sha256;
  std::string command_line;
};

// Writes /aggregate/<name> (replacing a table of that name) and, with a Pareto front,
// /aggregate/<name>__pareto, as described above.
void write_aggregate(const std::filesystem::path& results, const std::string& name, const Ranking& r,
                     const AggregateProvenance& provenance);

}  // namespace vaesweep::report
