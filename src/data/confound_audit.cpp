#include "data/confound_audit.hpp"

#include <algorithm>
#include <cmath>
#include <map>
#include <numeric>
#include <set>

#include "util/decimal.hpp"
#include "util/error.hpp"
#include "util/rng.hpp"
#include "data/feature_table.hpp"

namespace vaesweep::data {
namespace {

// A column seen as classifier input: every row's number, or every row's text.
struct Predictor {
  std::string name, kind;
  std::vector<double> numbers;  // numeric
  std::vector<std::string> texts;  // text
};

bool parse_finite(std::string_view text, double& out) { return parse_decimal(text, out) && std::isfinite(out); }

// "blues.00042.wav" -> "blues", "clips/rock_07.wav" -> "clips": what a name says before its
// first separator or digit, where collections put the class.
std::string leading_token(const std::string& value) {
  const std::size_t end = value.find_first_of("./\\_- 0123456789");
  return end == std::string::npos ? value : value.substr(0, end);
}

std::vector<Predictor> predictors_of(const io::CsvTable& csv, std::size_t column) {
  Predictor p;
  p.name = csv.header[column];
  bool numeric = true;
  p.numbers.reserve(csv.rows.size());
  for (const auto row : csv.rows) {
    double v = 0;
    if (!parse_finite(row[column], v)) {
      numeric = false;
      break;
    }
    p.numbers.push_back(v);
  }
  if (numeric) {
    p.kind = "numeric";
    return {std::move(p)};
  }
  p.kind = "text";
  p.numbers.clear();
  for (const auto row : csv.rows) p.texts.emplace_back(row[column]);
  std::vector<Predictor> out = {p};
  Predictor token{p.name + " (leading token)", "text", {}, {}};
  for (const auto& t : p.texts) token.texts.push_back(leading_token(t));
  // Only a token that groups rows the whole value does not is a view of its own.
  const std::set<std::string> values(p.texts.begin(), p.texts.end()), tokens(token.texts.begin(), token.texts.end());
  if (tokens.size() < values.size() && tokens.size() > 1) out.push_back(std::move(token));
  return out;
}

// The most frequent class among `codes` (ties: the smaller code, so results never depend on order).
int majority(const std::vector<int>& counts) {
  return static_cast<int>(std::max_element(counts.begin(), counts.end()) - counts.begin());
}

// Maps a training fold's inputs to group ids; a test row gets the id of its bin or value, -1
// when it has none (a value never seen in training).
class Grouping {
 public:
  Grouping(const Predictor& p, const std::vector<std::size_t>& train, int bins) : p_(p) {
    if (p.kind == "numeric") {
      std::vector<double> v;
      for (std::size_t r : train) v.push_back(p.numbers[r]);
      std::sort(v.begin(), v.end());
      const std::size_t n = v.size(), per_bin = n / static_cast<std::size_t>(bins);
      for (int b = 1; b < bins; ++b) cuts_.push_back(v[n * static_cast<std::size_t>(b) / static_cast<std::size_t>(bins)]);
      // A value that fills a bin or more on its own (a constant length, a default) gets a bin of
      // its own: the training value just below it is a cut too. Quantile cuts alone would share
      // its bin with whatever lies next to it.
      for (std::size_t i = 0; i < n;) {
        const std::size_t j = static_cast<std::size_t>(std::upper_bound(v.begin() + static_cast<std::ptrdiff_t>(i), v.end(), v[i]) - v.begin());
        if (j - i >= per_bin && i > 0) cuts_.push_back(v[i - 1]);
        if (j - i >= per_bin) cuts_.push_back(v[i]);
        i = j;
      }
      std::sort(cuts_.begin(), cuts_.end());
      cuts_.erase(std::unique(cuts_.begin(), cuts_.end()), cuts_.end());
    } else {
      for (std::size_t r : train) ids_.emplace(p.texts[r], static_cast<int>(ids_.size()));
    }
  }
  int groups() const { return p_.kind == "numeric" ? static_cast<int>(cuts_.size()) + 1 : static_cast<int>(ids_.size()); }
  int of(std::size_t row) const {
    if (p_.kind == "numeric")
      // Bins are (cut_{b-1}, cut_b]: a cut belongs to the bin it closes.
      return static_cast<int>(std::lower_bound(cuts_.begin(), cuts_.end(), p_.numbers[row]) - cuts_.begin());
    const auto it = ids_.find(p_.texts[row]);
    return it == ids_.end() ? -1 : it->second;
  }

 private:
  const Predictor& p_;
  std::vector<double> cuts_;
  std::map<std::string, int> ids_;
};

ColumnAudit audit_one(const Predictor& p, const LabelSet& labels, const std::vector<int>& fold, const AuditOptions& o) {
  // Unlabelled rows say nothing about what a column gives away: they take no part.
  std::size_t n = 0;
  const std::size_t classes = labels.classes.size();
  std::size_t correct = 0, baseline_correct = 0;
  for (int f = 0; f < o.folds; ++f) {
    std::vector<std::size_t> train, test;
    for (std::size_t r = 0; r < labels.codes.size(); ++r)
      if (labels.codes[r] != LabelSet::kUnlabelled) (fold[r] == f ? test : train).push_back(r);
    n += test.size();
    const Grouping grouping(p, train, o.bins);
    std::vector<std::vector<int>> counts(static_cast<std::size_t>(grouping.groups()), std::vector<int>(classes, 0));
    std::vector<int> overall(classes, 0);
    for (std::size_t r : train) {
      ++counts[static_cast<std::size_t>(grouping.of(r))][static_cast<std::size_t>(labels.codes[r])];
      ++overall[static_cast<std::size_t>(labels.codes[r])];
    }
    const int fallback = majority(overall);
    std::vector<int> predicted(counts.size());
    for (std::size_t g = 0; g < counts.size(); ++g)
      predicted[g] = std::accumulate(counts[g].begin(), counts[g].end(), 0) == 0 ? fallback : majority(counts[g]);
    for (std::size_t r : test) {
      const int g = grouping.of(r);
      correct += (g < 0 ? fallback : predicted[static_cast<std::size_t>(g)]) == labels.codes[r];
      baseline_correct += fallback == labels.codes[r];
    }
  }
  ColumnAudit a;
  a.column = p.name;
  a.label_set = labels.name;
  a.kind = p.kind;
  a.distinct = p.kind == "numeric" ? std::set<double>(p.numbers.begin(), p.numbers.end()).size()
                                   : std::set<std::string>(p.texts.begin(), p.texts.end()).size();
  a.accuracy = static_cast<double>(correct) / static_cast<double>(n);
  a.baseline = static_cast<double>(baseline_correct) / static_cast<double>(n);
  a.lift = a.baseline >= 1.0 ? 0.0 : (a.accuracy - a.baseline) / (1.0 - a.baseline);
  a.flagged = a.lift >= o.threshold;
  return a;
}

}  // namespace

std::vector<ColumnAudit> audit_columns(const io::CsvTable& csv, const AuditOptions& o) {
  const std::string file = csv.file.string();
  if (o.labels.empty()) throw UserError(file + ": the audit needs at least one label set (--labels)");
  if (o.folds < 2) throw UserError("audit: folds must be >= 2, got " + std::to_string(o.folds));
  if (o.bins < 2) throw UserError("audit: bins must be >= 2, got " + std::to_string(o.bins));
  if (!(o.threshold >= 0.0 && o.threshold <= 1.0))
    throw UserError("audit: the threshold is a lift in [0, 1], got " + std::to_string(o.threshold));
  if (csv.rows.size() < static_cast<std::size_t>(o.folds))
    throw UserError(file + ": " + std::to_string(csv.rows.size()) + " rows, fewer than the " +
                    std::to_string(o.folds) + " cross-validation folds");
  std::vector<LabelSet> label_sets;
  std::set<std::size_t> label_columns;
  for (const auto& name : o.labels) {
    label_sets.push_back(read_label_column(csv, name));
    label_columns.insert(csv.column_index(name));
  }
  // Folds from a seeded shuffle: rows of a corpus are usually sorted by class, and contiguous
  // folds would hold out whole classes.
  const std::size_t n = csv.rows.size();
  std::vector<std::size_t> order(n);
  std::iota(order.begin(), order.end(), std::size_t{0});
  std::sort(order.begin(), order.end(), [&](std::size_t a, std::size_t b) {
    return derive_seed(o.seed, {a}) < derive_seed(o.seed, {b});
  });
  std::vector<int> fold(n);
  for (std::size_t i = 0; i < n; ++i) fold[order[i]] = static_cast<int>(i % static_cast<std::size_t>(o.folds));

  const auto& metadata = default_excluded_columns();
  std::vector<ColumnAudit> out;
  for (const LabelSet& labels : label_sets) {
    const std::size_t first = out.size();
    for (std::size_t c = 0; c < csv.header.size(); ++c) {
      if (label_columns.count(c)) continue;
      for (const Predictor& p : predictors_of(csv, c)) {
        ColumnAudit a = audit_one(p, labels, fold, o);
        a.metadata = std::find(metadata.begin(), metadata.end(), csv.header[c]) != metadata.end();
        out.push_back(std::move(a));
      }
    }
    std::stable_sort(out.begin() + static_cast<std::ptrdiff_t>(first), out.end(),
                     [](const ColumnAudit& a, const ColumnAudit& b) { return a.lift > b.lift; });
  }
  return out;
}

}  // namespace vaesweep::data
