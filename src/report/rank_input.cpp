#include "report/rank_input.hpp"

#include <algorithm>
#include <cstdio>
#include <cstdint>
#include <functional>
#include <map>
#include <tuple>
#include <utility>

#include "util/error.hpp"
#include "io/hdf5_file.hpp"
#include "results/axis_columns.hpp"
#include "report/axis_values.hpp"
#include "report/comparison.hpp"
#include "results/records.hpp"

namespace vaesweep::report {

namespace {

// Metrics of /evaluations (everything numeric that is not an identifier or a count).
bool is_metric_column(const std::string& name) {
  return name == "silhouette" || name == "calinski_harabasz" || name == "davies_bouldin" || name == "inertia" ||
         name == "trustworthiness" || name == "noise_fraction" || metric_kind(name) == MetricKind::oracle;
}

// A /units column with a disentanglement score: "<mig|sap|dci_completeness|dci_informativeness>_<set>".
bool is_disentanglement_column(const std::string& name) {
  for (const std::string& metric : results::disentanglement_metric_names())
    if (name.rfind(metric + "_", 0) == 0) return true;
  return false;
}

// "NMI(genre, language) = 0.381, genre explains 100% of language's entropy, language 24% of
// genre's, on 2617 rows labelled in both" per /features column nmi_<a>_and_<b> (with the
// mi_share_ columns when present; one line per feature table when they differ).
std::vector<std::string> label_dependence(const io::ColumnTable& f) {
  std::vector<std::string> lines;
  for (const auto& column : f.columns()) {
    const std::string& name = column.name;
    const std::size_t and_at = name.find("_and_");
    if (name.rfind("nmi_", 0) != 0 || and_at == std::string::npos || !f.has("labelled_" + name.substr(4))) continue;
    const auto& nmi = f.doubles(name);
    const auto& rows = f.ints("labelled_" + name.substr(4));
    const std::string a = name.substr(4, and_at - 4), b = name.substr(and_at + 5);
    const std::string b_from_a = "mi_share_" + b + "_from_" + a, a_from_b = "mi_share_" + a + "_from_" + b;
    const bool shares = f.has(b_from_a) && f.has(a_from_b);
    for (std::size_t i = 0; i < nmi.size(); ++i) {
      char value[96];
      std::snprintf(value, sizeof value, "%.3g", nmi[i]);
      std::string line = "NMI(" + a + ", " + b + ") = " + value;
      if (shares) {
        std::snprintf(value, sizeof value, "%.0f%%", 100 * f.doubles(b_from_a)[i]);
        line += ", " + a + " explains " + value + " of " + b + "'s entropy";
        std::snprintf(value, sizeof value, "%.0f%%", 100 * f.doubles(a_from_b)[i]);
        line += ", " + b + " " + value + " of " + a + "'s";
      }
      line += ", on " + std::to_string(rows[i]) + " rows labelled in both";
      if (std::find(lines.begin(), lines.end(), line) == lines.end()) lines.push_back(line);
    }
  }
  return lines;
}

// The fixed keys; grid axes with one of these names keep an "axis." prefix.
const std::vector<std::string>& base_keys() {
  static const std::vector<std::string> keys = {"model", "config", "method", "k", "space", "flags"};
  return keys;
}

}  // namespace

results::ResultsColumns rank_input_columns() {
  results::ResultsColumns columns;
  columns.units = [](const std::string& name, const results::UnitsLayout& layout) {
    static const std::vector<std::string> used = {"unit",      "model",          "config_hash", "seed",
                                                  "collapsed", "condition_on",   "withheld",    "reconstruction",
                                                  "loss",      "kl",             "active_units", "total_correlation"};
    if (std::find(used.begin(), used.end(), name) != used.end() || is_disentanglement_column(name)) return true;
    if (layout.format < 2) return name == "axes";  // format 1: the axes only as text
    return std::any_of(layout.axes.begin(), layout.axes.end(),
                       [&](const results::AxisColumn& a) { return results::axis_column_name(a.name) == name; });
  };
  columns.evaluations = [](const std::string& name) { return name != "config_hash" && name != "status"; };
  return columns;
}

namespace {

// Per unit, the parts of its keys (model, config, its flags, its grid axes); a million units
// of one configuration share one.
struct UnitPart {
  std::string model, config, condition_on, withheld, collapsed;
  std::vector<std::string> axis_values;
  auto tie() const { return std::tie(model, config, condition_on, withheld, collapsed, axis_values); }
  bool operator<(const UnitPart& o) const { return tie() < o.tie(); }
};

// The compact input, /units then /evaluations a block of rows at a time: per unit its number,
// seed, hash and key parts as indices, per row a key index, a unit index and the metrics used.
class RankInputBuilder {
 public:
  // `units`, `evaluations`: any block of each table (their columns name the metrics); `used`:
  // the metrics kept, given every metric name (the others stay empty).
  using Used = std::function<std::vector<std::string>(const std::vector<std::string>&)>;
  RankInputBuilder(const results::UnitsLayout& layout, const io::ColumnTable& features, const io::ColumnTable& units,
                   const io::ColumnTable& evaluations, const Used& used);
  // Every block of /units, in order, before the first of /evaluations.
  void add_units(const io::ColumnTable& u);
  // A block of /evaluations; `first`: the table row of its first (for messages).
  void add(const io::ColumnTable& e, std::size_t first);
  RankInput finish();

 private:
  static std::uint32_t intern(std::map<std::string, std::uint32_t>& ids, const std::string& s) {
    return ids.emplace(s, static_cast<std::uint32_t>(ids.size())).first->second;
  }

  results::UnitsLayout layout_;
  RankInput in_;
  std::vector<std::string> axis_names_;  // in order of first appearance
  std::vector<std::pair<std::int64_t, std::uint32_t>> unit_row_;  // unit number -> /units row, sorted
  bool units_done_ = false;
  std::map<UnitPart, std::uint32_t> part_ids_;
  std::vector<const UnitPart*> parts_;
  std::vector<std::uint32_t> unit_part_;  // per /units row
  std::vector<std::string> evaluation_metrics_, unit_metrics_;
  std::vector<bool> keep_;  // per metric name
  std::map<std::string, std::uint32_t> method_ids_, space_ids_;
  using RowKey = std::tuple<std::uint32_t, std::uint32_t, std::int64_t, std::uint32_t, bool>;
  std::map<RowKey, std::uint32_t> key_ids_;
  // Per "scored_<set>" column: the fewest rows a scoring compared, of `most_` (/features rows).
  bool has_scored_ = false;
  std::int64_t most_ = 0;
  std::vector<std::pair<std::string, std::int64_t>> scored_;
};

RankInputBuilder::RankInputBuilder(const results::UnitsLayout& layout, const io::ColumnTable& features,
                                   const io::ColumnTable& units, const io::ColumnTable& evaluations, const Used& used)
    : layout_(layout) {
  // Per label set with a "scored_<set>" column in /evaluations and the data's rows in /features.
  if (features.has("rows") && features.rows() > 0) {
    const auto& rows = features.ints("rows");
    has_scored_ = true;
    most_ = *std::max_element(rows.begin(), rows.end());
    for (const auto& column : evaluations.columns()) {
      const std::string& name = column.name;
      if (name.rfind("scored_", 0) != 0 || (name.size() > 6 && name.compare(name.size() - 6, 6, "_track") == 0)) continue;
      scored_.emplace_back(name, most_);
    }
  }
  in_.label_dependence = label_dependence(features);
  // `flags` keeps apart, and shows, rows that are not plain results: scores against a label set
  // the model was conditioned on, withheld scores, collapsed posteriors.
  in_.key_names = base_keys();
  in_.default_group_by = base_keys();
  for (const auto& column : evaluations.columns())
    if (is_metric_column(column.name)) evaluation_metrics_.push_back(column.name);
  // Unit-level metrics, per unit, not per row: the diagnostics, then the disentanglement scores
  // per label set (mig_<set>, ...) and the total correlation.
  for (const char* name : {"reconstruction", "loss", "kl", "active_units"})
    if (units.has(name)) unit_metrics_.push_back(name);
  for (const auto& column : units.columns())
    if (is_disentanglement_column(column.name) || column.name == "total_correlation") unit_metrics_.push_back(column.name);
  in_.metric_names = evaluation_metrics_;
  in_.metric_names.insert(in_.metric_names.end(), unit_metrics_.begin(), unit_metrics_.end());
  const std::vector<std::string> kept = used ? used(in_.metric_names) : in_.metric_names;
  RankInput::Compact& c = in_.compact;
  for (std::size_t m = 0; m < in_.metric_names.size(); ++m) {
    keep_.push_back(std::find(kept.begin(), kept.end(), in_.metric_names[m]) != kept.end());
    c.per_unit.push_back(m >= evaluation_metrics_.size());
  }
  c.metric_columns.resize(in_.metric_names.size());
}

void RankInputBuilder::add_units(const io::ColumnTable& u) {
  VAESWEEP_ASSERT(!units_done_, "rank input: /units after /evaluations");
  const std::uint32_t first = static_cast<std::uint32_t>(unit_part_.size());
  const auto& unit_ids = u.ints("unit");
  for (std::size_t i = 0; i < unit_ids.size(); ++i)
    unit_row_.emplace_back(unit_ids[i], first + static_cast<std::uint32_t>(i));
  RankInput::Compact& c = in_.compact;
  c.unit_numbers.insert(c.unit_numbers.end(), unit_ids.begin(), unit_ids.end());
  const auto& seeds = u.ints("seed");
  c.unit_seeds.insert(c.unit_seeds.end(), seeds.begin(), seeds.end());
  // active_units is an integer column; the others are doubles.
  for (std::size_t m = evaluation_metrics_.size(); m < in_.metric_names.size(); ++m) {
    if (!keep_[m]) continue;
    const std::string& name = in_.metric_names[m];
    auto& column = c.metric_columns[m];
    if (name == "active_units") {
      const auto& ints = u.ints(name);
      column.insert(column.end(), ints.begin(), ints.end());
    } else {
      const auto& doubles = u.doubles(name);
      column.insert(column.end(), doubles.begin(), doubles.end());
    }
  }

  // Columns looked up once, not per row: results files may hold millions of rows.
  const auto& models = u.strings("model");
  const UnitAxes axes = unit_axes(u, layout_);
  const auto& hashes = u.strings("config_hash");
  // Added with the model family: older results files have none of these.
  const std::vector<std::int64_t> none_int;
  const std::vector<std::string> none_text;
  const auto& collapsed = u.has("collapsed") ? u.ints("collapsed") : none_int;
  const auto& condition_on = u.has("condition_on") ? u.strings("condition_on") : none_text;
  const auto& withheld = u.has("withheld") ? u.strings("withheld") : none_text;
  // Grid axes as keys of their own, in order of first appearance over the blocks; a unit
  // without an axis (PCA has no beta) gets "" for it (finish pads the keys of earlier blocks).
  for (const std::string& name : axes.names)
    if (std::find(axis_names_.begin(), axis_names_.end(), name) == axis_names_.end()) axis_names_.push_back(name);
  for (std::size_t i = 0; i < u.rows(); ++i) {
    UnitPart part;
    part.model = models[i];
    part.config = axes_text(axes.rows[i]);
    if (!in_.matching_configs.count(part.config))
      in_.matching_configs.emplace(part.config, matching_config(axes.rows[i]));
    if (!condition_on.empty()) part.condition_on = condition_on[i];
    if (!withheld.empty()) part.withheld = withheld[i];
    if (!collapsed.empty() && collapsed[i]) part.collapsed = "collapsed";
    // Values as the axes text shows them (Value::display_exact).
    for (const std::string& name : axis_names_) {
      const Value* v = find_axis(axes.rows[i], name);
      part.axis_values.push_back(v ? v->display_exact() : std::string());
    }
    const auto [at, added] = part_ids_.emplace(std::move(part), static_cast<std::uint32_t>(parts_.size()));
    if (added) parts_.push_back(&at->first);
    unit_part_.push_back(at->second);
    c.hash_text += hashes[i];
    c.hash_end.push_back(c.hash_text.size());
  }
}

void RankInputBuilder::add(const io::ColumnTable& e, std::size_t first) {
  if (!units_done_) {
    // Unit number -> /units row (the last row of a number wins).
    std::stable_sort(unit_row_.begin(), unit_row_.end(), [](const auto& a, const auto& b) { return a.first < b.first; });
    units_done_ = true;
  }
  const auto& eval_units = e.ints("unit");
  const auto& methods = e.strings("method");
  const auto& ks = e.ints("k");
  const auto& spaces = e.strings("space");
  const std::vector<std::int64_t> none_int;
  const auto& conditioned = e.has("conditioned") ? e.ints("conditioned") : none_int;
  RankInput::Compact& c = in_.compact;
  for (std::size_t m = 0; m < evaluation_metrics_.size(); ++m) {
    if (!keep_[m]) continue;
    const auto& values = e.doubles(evaluation_metrics_[m]);
    c.metric_columns[m].insert(c.metric_columns[m].end(), values.begin(), values.end());
  }
  for (auto& [name, fewest] : scored_)
    for (std::int64_t count : e.ints(name))
      if (count > 0) fewest = std::min(fewest, count);  // 0: an evaluation that scored nothing (a failed unit)

  for (std::size_t r = 0; r < e.rows(); ++r) {
    const auto it = std::upper_bound(unit_row_.begin(), unit_row_.end(), eval_units[r],
                                     [](std::int64_t id, const auto& entry) { return id < entry.first; });
    if (it == unit_row_.begin() || std::prev(it)->first != eval_units[r])
      throw UserError("evaluation row " + std::to_string(first + r) + " names unit " + std::to_string(eval_units[r]) +
                      ", which is not in /units (a damaged results file?)");
    const std::uint32_t ur = std::prev(it)->second;
    const bool is_conditioned = !conditioned.empty() && conditioned[r];
    const RowKey row_key{unit_part_[ur], intern(method_ids_, methods[r]), ks[r], intern(space_ids_, spaces[r]),
                         is_conditioned};
    const auto [k, new_key] = key_ids_.emplace(row_key, static_cast<std::uint32_t>(c.distinct_keys.size()));
    if (new_key) {
      const UnitPart& part = *parts_[unit_part_[ur]];
      std::string flags;
      const auto flag = [&](const std::string& f) { flags += (flags.empty() ? "" : ", ") + f; };
      if (is_conditioned) flag("CONDITIONED on " + part.condition_on + " (scores not honest)");
      if (!part.withheld.empty()) flag(part.withheld + " withheld (conditioned on it)");
      if (!part.collapsed.empty()) flag("collapsed");
      std::vector<std::string> key = {part.model, part.config, methods[r], std::to_string(ks[r]), spaces[r], flags};
      key.insert(key.end(), part.axis_values.begin(), part.axis_values.end());
      c.distinct_keys.push_back(std::move(key));
    }
    c.row_key.push_back(k->second);
    c.row_unit.push_back(ur);
  }
}

RankInput RankInputBuilder::finish() {
  if (has_scored_)
    for (const auto& [name, fewest] : scored_) in_.scored[name.substr(7)] = {fewest, most_};
  for (const std::string& name : axis_names_) {
    const bool taken = std::find(base_keys().begin(), base_keys().end(), name) != base_keys().end() || name == "seed";
    in_.key_names.push_back(taken ? "axis." + name : name);
  }
  for (auto& key : in_.compact.distinct_keys) key.resize(in_.key_names.size());  // axes of later blocks: ""
  RankInput out = std::move(in_);
  out.compact.row_key.shrink_to_fit();
  out.compact.row_unit.shrink_to_fit();
  for (auto& column : out.compact.metric_columns) column.shrink_to_fit();
  out.compact.hash_text.shrink_to_fit();
  return out;
}

}  // namespace

RankInput compact_rank_input(const results::ResultsFile& results) {
  RankInputBuilder builder(results.layout, results.features, results.units, results.evaluations, nullptr);
  builder.add_units(results.units);
  builder.add(results.evaluations, 0);
  return builder.finish();
}

RankInput rank_input(const results::ResultsFile& results) {
  RankInput in = compact_rank_input(results);
  const std::size_t rows = in.rows();
  for (std::size_t r = 0; r < rows; ++r) {
    in.keys.push_back(in.key_by_id(in.key_id(r)));
    in.unit_ids.push_back(in.unit_id(r));
    in.config_hashes.emplace_back(in.config_hash(r));
    in.seeds.push_back(in.seed(r));
    std::vector<double> values(in.metric_names.size());
    for (std::size_t m = 0; m < values.size(); ++m) values[m] = in.metric(r, m);
    in.metrics.push_back(std::move(values));
  }
  in.compact = {};
  return in;
}

RankFile read_rank_input(const std::filesystem::path& path, const RankOptions& options, std::size_t block_rows) {
  VAESWEEP_ASSERT(block_rows > 0, "read_rank_input: block_rows must be positive");
  const io::Hdf5File file = io::Hdf5File::open_read(path);
  for (const char* table : {"/units", "/evaluations"})
    if (!file.exists(table))
      throw UserError(path.string() + ": not a vaesweep results file (no " + std::string(table) + " table)");
  const results::UnitsLayout layout = results::read_units_layout(file);
  const results::ResultsColumns columns = rank_input_columns();
  const auto units_wanted = [&](const std::string& c) { return columns.units(c, layout); };
  const io::ColumnTable features = file.exists("/features") ? file.read_table("/features") : io::ColumnTable{};
  // Each table a block at a time; the first block also names the columns.
  const auto each_block = [&](const std::string& table, const auto& wanted, io::ColumnTable block, const auto& use) {
    const std::size_t rows = file.table_rows(table);
    for (std::size_t first = 0;;) {
      use(block, first);
      first += block_rows;
      if (first >= rows) break;
      block = file.read_columns(table, wanted, first, block_rows);
    }
  };
  io::ColumnTable units = file.read_columns("/units", units_wanted, 0, block_rows);
  io::ColumnTable evaluations = file.read_columns("/evaluations", columns.evaluations, 0, block_rows);
  RankInputBuilder builder(layout, features, units, evaluations,
                           [&](const std::vector<std::string>& names) { return metrics_used(names, options); });
  each_block("/units", units_wanted, std::move(units),
             [&](const io::ColumnTable& block, std::size_t) { builder.add_units(block); });
  each_block("/evaluations", columns.evaluations, std::move(evaluations),
             [&](const io::ColumnTable& block, std::size_t first) { builder.add(block, first); });
  return {builder.finish(), file.string_attribute("/", "study_name"), file.string_attribute("/", "study_sha256")};
}

}  // namespace vaesweep::report
