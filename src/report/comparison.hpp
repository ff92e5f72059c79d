#pragma once
// Two results files side by side, for "did my change (or another machine) reproduce last
// month's study": configurations are matched by their settings, not by config hash (a version
// bump, a changed data path or another engine changes hashes, not what a configuration is):
// model, grid axes (names sorted; numbers compared at 6 significant digits, what files before
// exact axis text kept), method, k, space and flags (but "collapsed", an outcome). Each side gets the mean and interval of one
// metric over its seeds (as `vaesweep rank` computes them); where both sides ran the same
// seeds, the paired difference B - A per seed, its mean and t interval, and the paired t-test
// (Holm-corrected over all matched configurations). Configurations on one side only are listed.
#include <cstddef>
#include <cstdint>
#include <string>
#include <vector>

#include "report/ranking.hpp"
#include "results/axis_columns.hpp"

namespace vaesweep::report {

enum class Agreement {
  identical,  // the same seeds, and every seed's value equal to the last bit
  same,       // not significantly different (Holm-adjusted p >= alpha, or no difference on the
              // shared seeds, which are not all of them): with few seeds, weak evidence of sameness
  differs,    // significantly different
  untested,   // fewer than 2 shared seeds
  only_a,     // the configuration exists in A only
  only_b,
};
// "identical" | "not significant" | "differs" | "untested" | "A only" | "B only"
const char* to_string(Agreement a);

struct ComparedConfig {
  std::vector<std::string> key_values;  // model, config (as in A, else B), method, k, space, flags
  Agreement agreement = Agreement::untested;
  std::size_t n_a = 0, n_b = 0;   // seeds with a value
  double mean_a = 0, ci_low_a = 0, ci_high_a = 0;  // NaN where a side lacks it
  double mean_b = 0, ci_low_b = 0, ci_high_b = 0;
  std::size_t n_pairs = 0;        // seeds both sides have
  double diff = 0, diff_ci_low = 0, diff_ci_high = 0;  // of B - A over shared seeds; NaN without pairs
  double max_abs_diff = 0;        // largest |B - A| of a shared seed; NaN without pairs
  double p = 0, p_holm = 0;       // paired t-test; NaN when untested or all differences are 0
  std::vector<std::string> unit_ids_a, unit_ids_b;  // the units behind each side (traceability)
};

struct Comparison {
  std::string metric;  // resolved ("nmi_genre")
  bool higher_is_better = true;
  double confidence = 0.95, alpha = 0.05;
  std::vector<std::string> key_names;
  std::vector<ComparedConfig> configs;  // differs first (largest |diff| first), then the rest by key
};

// The configuration key used for matching: the axes sorted by name, numbers (integers and
// reals alike) at 6 significant digits: {beta 4.0, latent_dim 8, model.learning_rate 0.001}
// and {model.learning_rate 0.001000000001, latent_dim 8, beta 4} give the same text.
std::string matching_config(const results::AxisValues& axes);

// options.metric, labels, confidence and alpha are used; grouping is always by the keys above.
Comparison compare_results(const RankInput& a, const RankInput& b, const RankOptions& options);

}  // namespace vaesweep::report
