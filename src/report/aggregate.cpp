#include "report/aggregate.hpp"

#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <system_error>

#include "util/atomic_write.hpp"
#include "util/clock.hpp"
#include "util/error.hpp"
#include "util/strings.hpp"
#include "io/hdf5_file.hpp"

namespace vaesweep::report {

namespace fs = std::filesystem;

namespace {

const char* const kNothingChanged = " (nothing was changed)";

std::vector<std::string> key_column_names(const Ranking& r, const std::vector<std::string>& taken) {
  std::vector<std::string> names;
  for (const std::string& k : r.group_by)
    names.push_back(std::find(taken.begin(), taken.end(), k) != taken.end() ? "key_" + k : k);
  return names;
}

template <typename T, typename Get>
std::vector<T> per_group(const Ranking& r, Get get) {
  std::vector<T> values;
  values.reserve(r.groups.size());
  for (const RankedGroup& g : r.groups) values.push_back(get(g));
  return values;
}

template <typename T>
std::string joined(const std::vector<T>& values) {
  std::string s;
  for (std::size_t i = 0; i < values.size(); ++i) {
    if (i > 0) s += ";";
    if constexpr (std::is_same_v<T, std::string>) s += values[i];
    else s += std::to_string(values[i]);
  }
  return s;
}

void add_key_columns(io::ColumnTable& t, const Ranking& r, const std::vector<std::string>& taken,
                     const std::vector<std::size_t>& groups) {
  const std::vector<std::string> names = key_column_names(r, taken);
  for (std::size_t k = 0; k < names.size(); ++k) {
    std::vector<std::string> values;
    for (std::size_t g : groups) values.push_back(r.groups[g].key_values[k]);
    t.add_column(names[k], std::move(values));
  }
}

bool read_only(const fs::path& path) {
  struct stat st {};
  if (::stat(path.c_str(), &st) != 0) return false;  // missing: the reader reports it
  return ::access(path.c_str(), W_OK) != 0 || (st.st_mode & (S_IWUSR | S_IWGRP | S_IWOTH)) == 0;
}

}  // namespace

std::string default_aggregate_name(const Ranking& r) { return r.metric + "__by_" + join(r.group_by, "+"); }

void check_aggregate_name(const std::string& name) {
  if (name.empty() || name.find('/') != std::string::npos || name[0] == '.')
    throw UserError("rank: --name \"" + name + "\" cannot name a table under /aggregate: it must be non-empty, "
                    "without '/' and not start with '.'");
}

io::ColumnTable aggregate_table(const Ranking& r) {
  std::vector<std::string> taken = {"mean", "std", "ci_low", "ci_high", "n", "n_rows", "n_missing", "rank",
                                    "verdict", "p", "p_holm", "n_pairs", "underpowered", "noise_fraction",
                                    "active_units", "pareto", "seeds", "unit_ids", "config_hashes"};
  for (const std::string& m : r.also)
    for (const char* suffix : {"_mean", "_ci_low", "_ci_high"}) taken.push_back(m + suffix);
  std::vector<std::size_t> all(r.groups.size());
  for (std::size_t i = 0; i < all.size(); ++i) all[i] = i;
  io::ColumnTable t;
  add_key_columns(t, r, taken, all);
  using I = std::int64_t;
  t.add_column("mean", per_group<double>(r, [](const RankedGroup& g) { return g.mean; }));
  t.add_column("std", per_group<double>(r, [](const RankedGroup& g) { return g.std; }));
  t.add_column("ci_low", per_group<double>(r, [](const RankedGroup& g) { return g.ci_low; }));
  t.add_column("ci_high", per_group<double>(r, [](const RankedGroup& g) { return g.ci_high; }));
  t.add_column("n", per_group<I>(r, [](const RankedGroup& g) { return static_cast<I>(g.n); }));
  t.add_column("n_rows", per_group<I>(r, [](const RankedGroup& g) { return static_cast<I>(g.n_rows); }));
  t.add_column("n_missing", per_group<I>(r, [](const RankedGroup& g) { return static_cast<I>(g.n_missing); }));
  t.add_column("rank", per_group<I>(r, [](const RankedGroup& g) { return static_cast<I>(g.rank); }));
  t.add_column("verdict", per_group<std::string>(r, [](const RankedGroup& g) { return std::string(to_string(g.verdict)); }));
  t.add_column("p", per_group<double>(r, [](const RankedGroup& g) { return g.p; }));
  t.add_column("p_holm", per_group<double>(r, [](const RankedGroup& g) { return g.p_holm; }));
  t.add_column("n_pairs", per_group<I>(r, [](const RankedGroup& g) { return static_cast<I>(g.n_pairs); }));
  t.add_column("underpowered", per_group<I>(r, [](const RankedGroup& g) { return static_cast<I>(g.underpowered); }));
  if (r.any_noise) t.add_column("noise_fraction", per_group<double>(r, [](const RankedGroup& g) { return g.noise_fraction; }));
  if (r.has_active_units)
    t.add_column("active_units", per_group<double>(r, [](const RankedGroup& g) { return g.active_units; }));
  for (std::size_t a = 0; a < r.also.size(); ++a) {
    t.add_column(r.also[a] + "_mean", per_group<double>(r, [a](const RankedGroup& g) { return g.also[a].mean; }));
    t.add_column(r.also[a] + "_ci_low", per_group<double>(r, [a](const RankedGroup& g) { return g.also[a].ci_low; }));
    t.add_column(r.also[a] + "_ci_high", per_group<double>(r, [a](const RankedGroup& g) { return g.also[a].ci_high; }));
  }
  if (!r.pareto_metrics.empty()) {
    std::vector<I> on_front(r.groups.size(), 0);
    for (const ParetoPoint& p : r.pareto) on_front[p.group] = 1;
    t.add_column("pareto", std::move(on_front));
  }
  t.add_column("seeds", per_group<std::string>(r, [](const RankedGroup& g) { return joined(g.seeds); }));
  t.add_column("unit_ids", per_group<std::string>(r, [](const RankedGroup& g) { return joined(g.unit_ids); }));
  t.add_column("config_hashes", per_group<std::string>(r, [](const RankedGroup& g) { return joined(g.config_hashes); }));
  return t;
}

io::ColumnTable pareto_table(const Ranking& r) {
  VAESWEEP_ASSERT(r.pareto_metrics.size() == 2, "pareto_table needs a ranking with two pareto metrics");
  std::vector<std::size_t> groups;
  std::vector<std::int64_t> ranks;
  std::vector<double> x, y;
  for (const ParetoPoint& p : r.pareto) {
    groups.push_back(p.group);
    ranks.push_back(r.groups[p.group].rank);
    x.push_back(p.x);
    y.push_back(p.y);
  }
  io::ColumnTable t;
  add_key_columns(t, r, {"rank", r.pareto_metrics[0], r.pareto_metrics[1]}, groups);
  t.add_column("rank", std::move(ranks));
  t.add_column(r.pareto_metrics[0], std::move(x));
  t.add_column(r.pareto_metrics[1], std::move(y));
  return t;
}

void check_results_writable(const fs::path& results) {
  const fs::path folder = results.has_parent_path() ? results.parent_path() : fs::path(".");
  if (read_only(results))
    throw UserError(results.string() + ": the results file is read-only, so rank cannot add /aggregate to it; "
                    "pass --no-write to rank without writing" + kNothingChanged);
  if (read_only(folder))
    throw UserError(results.string() + ": its folder " + folder.string() +
                    " is read-only, so rank cannot replace the file with one that holds /aggregate; pass --no-write "
                    "to rank without writing" + kNothingChanged);
}

void write_aggregate(const fs::path& results, const std::string& name, const Ranking& r,
                     const AggregateProvenance& provenance) {
  check_aggregate_name(name);
  check_results_writable(results);
  const std::string table = "/aggregate/" + name;
  const std::string pareto = r.pareto_metrics.empty() ? std::string() : table + "__pareto";
  const std::string created_at = utc_text(unix_now());
  write_atomically(results, [&](const fs::path& tmp) {
    if (const std::string error = copy_file_bytes(results, tmp); !error.empty())
      throw UserError(results.string() + ": cannot copy the results file to " + tmp.string() + ": " + error +
                      kNothingChanged);
    io::Hdf5File file = io::Hdf5File::open_read_write(tmp);
    file.write_table(table, aggregate_table(r));
    const auto text = [&](const char* key, const std::string& value) { file.set_attribute(table, key, value); };
    text("metric", r.metric);
    text("selection", to_string(r.kind == MetricKind::oracle ? MetricKind::oracle : MetricKind::label_free));
    text("metric_kind", to_string(r.kind));
    file.set_attribute(table, "higher_is_better", static_cast<std::int64_t>(r.higher_is_better));
    text("ci", to_string(r.ci));
    file.set_attribute(table, "confidence", r.confidence);
    file.set_attribute(table, "bootstrap_samples", static_cast<std::int64_t>(r.bootstrap_samples));
    file.set_attribute(table, "bootstrap_seed", static_cast<std::int64_t>(r.bootstrap_seed));
    text("test", to_string(r.test));
    text("correction", "holm");
    file.set_attribute(table, "alpha", r.alpha);
    text("group_by", join(r.group_by));
    text("labels", r.labels);
    text("also", join(r.also));
    text("pareto_table", pareto);
    file.set_attribute(table, "max_rows_per_seed", static_cast<std::int64_t>(r.max_rows_per_seed));
    text("notes", join(r.notes, "\n"));
    text("created_at", created_at);
    text("study_sha256", provenance.study_sha256);
    text("command_line", provenance.command_line);
    if (!pareto.empty()) {
      file.write_table(pareto, pareto_table(r));
      file.set_attribute(pareto, "metrics", join(r.pareto_metrics));
      file.set_attribute(pareto, "created_at", created_at);
      file.set_attribute(pareto, "ranking", table);
    }
    file.close();
  });
}

}  // namespace vaesweep::report
