#pragma once
// Ranking of configurations across seeds: rows (one per unit x method x k, say) are grouped by
// any of their keys, seed aside; each group gets the mean, sample spread and a confidence
// interval of one metric over its seeds, and a paired test (on the seeds both share) against
// the best group, Holm-corrected over all comparisons. Further metrics (--also), the Pareto
// front of two metrics and, for a label-free ranking, the label-free choice next to the oracle
// choice ride along. Pure computation: the caller reads the results file and builds the input.
//
// The unit of replication is the seed. A coarse grouping (say, by model alone) pools several
// rows per seed (every beta, every k); those rows are averaged per seed first, so that n, the
// interval and the paired tests count seeds, never rows that share a trained model.
#include <cstddef>
#include <cstdint>
#include <map>
#include <string>
#include <string_view>
#include <vector>

namespace vaesweep::report {

struct RankInput {
  std::vector<std::string> key_names;          // candidate grouping keys, e.g. {"model","beta","k"}
  std::vector<std::vector<std::string>> keys;  // per row, values in key_names order (display strings;
                                               // "" = the key does not apply to the row)
  std::vector<std::string> unit_ids;           // per row: the unit the row came from (traceability)
  std::vector<std::string> config_hashes;      // per row, or empty when not known
  std::vector<std::int64_t> seeds;             // per row
  std::vector<std::string> metric_names;       // e.g. {"silhouette","davies_bouldin","ari_genre"}
  std::vector<std::vector<double>> metrics;    // per row, in metric_names order; NaN = not available
  // The grouping when none is asked for; empty = every key name except "seed".
  std::vector<std::string> default_group_by;
  // Per label set ("genre"): the fewest rows an evaluation's external scores compared (the
  // rows labelled there, DBSCAN noise left out), and the rows of the data; absent when the
  // results do not record it.
  struct ScoredRows {
    std::int64_t fewest = 0, rows = 0;
  };
  std::map<std::string, ScoredRows> scored;
  // How strongly the label sets depend on each other, one line per pair ("NMI(genre, language)
  // = 0.83 on 2617 rows labelled in both"), from /features; shown beside disentanglement scores.
  std::vector<std::string> label_dependence;
  // For compare: each "config" key value -> the same axes sorted by name, numbers at 6
  // significant digits, so that two files' configurations match whatever their axis order and
  // digits. rank_input fills it from the typed axis values.
  std::map<std::string, std::string> matching_configs;

  // The compact rows rank_input builds from a results file (a million rows fit): when row_key is
  // not empty, keys, unit_ids, config_hashes, seeds and metrics stay empty; row r has the key
  // values distinct_keys[row_key[r]], the unit of /units row u = row_unit[r] (unit "<unit
  // number>:<first 12 of its hash>", seed unit_seeds[u], config hash unit_hash(u)) and
  // metric m at metric_columns[m][r], or [u] for a unit-level metric (per_unit[m]). A metric
  // the ranking does not use may be left empty (read_rank_input's `used`). Strings are built
  // only for output.
  struct Compact {
    std::vector<std::vector<std::string>> distinct_keys;
    std::vector<std::uint32_t> row_key, row_unit;
    std::vector<std::int64_t> unit_numbers, unit_seeds;
    // The units' config hashes end to end: unit u's ends at hash_end[u] (a string per unit would
    // double it).
    std::string hash_text;
    std::vector<std::uint64_t> hash_end;
    std::string_view unit_hash(std::size_t u) const {
      const std::uint64_t begin = u == 0 ? 0 : hash_end[u - 1];
      return std::string_view(hash_text).substr(begin, hash_end[u] - begin);
    }
    std::vector<std::vector<double>> metric_columns;
    std::vector<bool> per_unit;
  };
  Compact compact;

  // Row access whichever form the input has.
  bool is_compact() const { return !compact.row_key.empty(); }
  std::size_t rows() const { return is_compact() ? compact.row_key.size() : keys.size(); }
  std::size_t key_count() const { return is_compact() ? compact.distinct_keys.size() : keys.size(); }
  std::size_t key_id(std::size_t r) const { return is_compact() ? compact.row_key[r] : r; }
  const std::vector<std::string>& key_by_id(std::size_t id) const {
    return is_compact() ? compact.distinct_keys[id] : keys[id];
  }
  std::int64_t seed(std::size_t r) const { return is_compact() ? compact.unit_seeds[compact.row_unit[r]] : seeds[r]; }
  double metric(std::size_t r, std::size_t m) const {
    if (!is_compact()) return metrics[r][m];
    return compact.metric_columns[m][compact.per_unit[m] ? compact.row_unit[r] : r];
  }
  std::string unit_id(std::size_t r) const;
  bool has_config_hashes() const { return is_compact() || !config_hashes.empty(); }
  std::string_view config_hash(std::size_t r) const {
    return is_compact() ? compact.unit_hash(compact.row_unit[r]) : std::string_view(config_hashes[r]);
  }
};

// A closed set of choices, each parsed from its name by one function whose error lists them.
enum class CiMethod { t, bootstrap };
enum class PairedTest { t, wilcoxon };
CiMethod parse_ci_method(const std::string& name);      // "t" | "bootstrap"
PairedTest parse_paired_test(const std::string& name);  // "t" | "wilcoxon"
const char* to_string(CiMethod m);
const char* to_string(PairedTest t);

// How selecting by a metric relates to the labels (DESIGN.md, evaluation integrity 6).
enum class MetricKind {
  label_free,  // silhouette, calinski_harabasz, davies_bouldin, inertia, trustworthiness, reconstruction, loss
  oracle,      // compares with a label set: <ari|nmi|...>_<set>[_track], <mig|sap|dci_...>_<set>
  diagnostic,  // kl, active_units, noise_fraction, total_correlation: shown, allowed, but not a
               // sensible selection criterion
};
MetricKind metric_kind(const std::string& metric);
const char* to_string(MetricKind k);  // "label-free" | "oracle" | "diagnostic"

struct RankOptions {
  std::string metric;                 // a metric name, or an external metric ("nmi") with `labels`
  std::vector<std::string> group_by;  // empty = input.default_group_by (seed is never a key)
  double confidence = 0.95;           // of the two-sided interval, in (0, 1)
  std::string labels;                 // label set completing bare external metric names ("genre")
  CiMethod ci = CiMethod::t;
  std::size_t bootstrap_samples = 10000;
  std::uint64_t bootstrap_seed = 0;
  PairedTest test = PairedTest::t;
  double alpha = 0.05;                // family-wise, after Holm's correction
  std::vector<std::string> also;      // further metrics shown for the same groups
  std::vector<std::string> pareto;    // none or two metrics
};

// Mean and interval of one metric over a group's seeds.
struct MetricSummary {
  double mean = 0.0;  // NaN when n = 0
  double ci_low = 0.0;
  double ci_high = 0.0;
  std::size_t n = 0;  // seeds with a value
};

enum class Verdict {
  best,       // rank 1 (a group whose mean equals the best mean shares it)
  tie,        // not significantly different from the best (Holm-adjusted p >= alpha)
  worse,      // significantly worse than the best
  untested,   // no value, or too few seeds shared with the best group for the test
};
const char* to_string(Verdict v);  // "best" | "tie with best" | "worse" | "untested"

struct RankedGroup {
  std::vector<std::string> key_values;  // in group_by order
  std::size_t n = 0;                    // seeds with a finite value (the replicates)
  std::size_t n_rows = 0;               // rows with a finite value (n_rows > n: rows pooled per seed)
  std::size_t n_missing = 0;            // rows whose value was NaN or infinite
  double mean = 0.0;                    // of the per-seed values; NaN when n = 0
  double std = 0.0;                     // sample std (ddof 1) of the per-seed values; NaN when n < 2
  double ci_low = 0.0;                  // NaN when n < 2
  double ci_high = 0.0;
  int rank = 0;  // 1 = best, competition ranking ("1,2,2,4"); 0 = unranked (n = 0)
  // The seeds behind the mean and the group's value on each (its rows on that seed averaged).
  std::vector<std::int64_t> seeds;
  std::vector<double> seed_values;
  std::vector<std::string> unit_ids;       // every unit behind the finite rows, by seed then id
  std::vector<std::string> config_hashes;  // distinct, sorted; empty when the input had none
  // The paired test against the best group (groups[0]) on the seeds both have.
  Verdict verdict = Verdict::untested;
  double p = 0.0;            // raw two-sided p; NaN for the best and untested groups
  double p_holm = 0.0;       // Holm-adjusted over all comparisons; NaN likewise
  std::size_t n_pairs = 0;   // seeds shared with the best group
  bool underpowered = false; // the test could not give p < alpha with these pairs at all
  std::vector<MetricSummary> also;  // in Ranking::also order
  double noise_fraction = 0.0;      // mean over the group's rows; NaN when not in the input
  double active_units = 0.0;        // likewise
};

// The label-free choice against the oracle choice for one label metric.
struct OracleGap {
  std::string label_metric;
  double label_free_value = 0.0;     // the label metric's mean in the label-free best group
  std::size_t oracle_group = 0;      // index in Ranking::groups of the best group by the label metric
  double oracle_value = 0.0;         // its mean there
};

struct ParetoPoint {
  std::size_t group = 0;  // index in Ranking::groups
  double x = 0.0, y = 0.0;  // group means of pareto_metrics[0] and [1]
};

struct Ranking {
  std::string metric;  // the resolved name ("nmi_genre")
  bool higher_is_better = true;
  MetricKind kind = MetricKind::label_free;
  double confidence = 0.95;
  CiMethod ci = CiMethod::t;
  std::size_t bootstrap_samples = 0;
  std::uint64_t bootstrap_seed = 0;
  PairedTest test = PairedTest::t;
  double alpha = 0.05;
  std::string labels;
  std::vector<std::string> group_by;
  std::size_t max_rows_per_seed = 0;  // > 1: groups pool rows per seed (averaged first)
  std::vector<RankedGroup> groups;    // best first; equal means by key values; n = 0 last
  std::vector<std::string> also;      // resolved names
  std::vector<bool> also_higher_is_better;
  std::vector<OracleGap> selection;   // label-free ranking with label metrics in `also`
  std::vector<std::string> pareto_metrics;
  std::vector<bool> pareto_higher_is_better;
  std::vector<ParetoPoint> pareto;    // the non-dominated groups, best pareto_metrics[0] first
  bool any_noise = false;             // some row has DBSCAN noise
  bool has_active_units = false;
  // Plain sentences for the reader: pooled rows, tests that could not reach alpha, diagnostics.
  std::vector<std::string> notes;
};

// False for metrics where lower is better: davies_bouldin and inertia (and variants such as
// "davies_bouldin_latent"), noise_fraction, reconstruction and names ending in "loss"; true otherwise.
bool higher_is_better(const std::string& metric);

// The label sets that the input's metric names score against ("genre", "genre_track").
std::vector<std::string> label_sets(const std::vector<std::string>& metric_names);

// `name` as given when it is a metric of the input; "<name>_<labels>" when labels is set and
// that is one. UserError naming the flag and listing the valid names otherwise.
std::string resolve_metric(const std::vector<std::string>& metric_names, const std::string& name,
                           const std::string& labels, const std::string& flag);

// The metrics a ranking with `options` reads of an input with these metric names (the metric,
// --also, --pareto, noise_fraction, active_units); every name when one does not resolve (so
// that rank_groups gives the error).
std::vector<std::string> metrics_used(const std::vector<std::string>& metric_names, const RankOptions& options);

// UserError for an unknown metric, label set or group key (listing the valid names), "seed"
// as a key, a confidence or alpha outside (0, 1), or --pareto with other than two metrics.
// Inconsistent row counts in `input` are a caller bug (assert).
Ranking rank_groups(const RankInput& input, const RankOptions& options);

}  // namespace vaesweep::report
