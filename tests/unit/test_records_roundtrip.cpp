// Unit and evaluation records: records -> /units and /evaluations tables -> records (resume
// reads an earlier results file back), and the per-unit journal encoding, bit for bit.
#include <gtest/gtest.h>

#include <algorithm>
#include <bit>
#include <cstdint>
#include <functional>
#include <limits>
#include <random>

#include "util/error.hpp"
#include "results/records.hpp"
#include "user_error_expect.hpp"

namespace vaesweep::results {
namespace {

constexpr double kNaN = std::numeric_limits<double>::quiet_NaN();

// Every field distinct per unit, NaN where the tool writes NaN (beta of PCA, a diverged loss),
// and a negative NaN to show that the bits are kept, not just "some NaN".
UnitRecord unit_record(std::int64_t i) {
  UnitRecord u;
  u.unit = i;
  u.config_hash = "cfg" + std::to_string(i);
  u.group_hash = "grp" + std::to_string(i / 2);
  u.feature_hash = "feat";
  u.model = i % 2 ? "pca" : "vae";
  // Axes of every kind; the text is what WorkUnit::axes_text writes for them (display_exact),
  // so that the legacy decoder of older journals and files gives the same typed values back.
  if (i % 2 == 0) u.axis_values.emplace_back("beta", 0.5 * static_cast<double>(i));
  u.axis_values.emplace_back("latent_dim", std::int64_t{8 + i});
  if (i % 2 == 0) u.axis_values.emplace_back("model.learning_rate", 0.00123456789);
  if (i % 2 == 0) u.axis_values.emplace_back("model.kl_schedule", "linear");
  u.axis_values.emplace_back("features.standardize", i % 4 == 0);
  u.axis_values.emplace_back("features.modalities", "[audio, text]");
  for (const auto& [name, value] : u.axis_values) u.axes += (u.axes.empty() ? "" : " ") + name + "=" + value.display_exact();
  u.beta = i % 2 ? kNaN : 0.5 * static_cast<double>(i);
  u.latent_dim = 8 + i;
  u.seed = -i;
  u.status = i % 3 ? UnitStatus::ok : UnitStatus::diverged;
  u.message = i % 3 ? "" : "loss is NaN at epoch 3; Café ☕";
  u.epochs_run = 10 * i;
  u.train_seconds = 1.0 / 3.0 + static_cast<double>(i);
  u.eval_seconds = 1e-300;
  u.loss = i % 3 ? 0.1 * static_cast<double>(i) : -kNaN;
  u.reconstruction = 2.5;
  u.kl = std::numeric_limits<double>::infinity();
  u.active_units = i;
  u.kl_per_dim = "0.1;0.2;" + std::to_string(i);
  u.rank = i % 4;
  u.host = "node" + std::to_string(i % 4);
  u.device = "cuda:" + std::to_string(i % 2);
  u.run_id = "run-" + std::to_string(i / 3);
  u.started_at = 1.7e9 + 0.125 * static_cast<double>(i);
  u.wall_seconds = 3.0 + 1.0 / 7.0;
  u.collapsed = i % 2;
  u.condition_on = i % 2 ? "genre" : "";
  u.withheld = i % 2 ? "genre" : "";
  u.checkpoint = i % 2 ? "" : "results.checkpoints/cfg" + std::to_string(i) + ".pt";
  u.reconstructions = i % 2 ? "" : "t1:0.5 -1.25|0.49 -1.2;t7:2 0|1.9 0.1";
  u.engine = i % 2 ? "torch" : "batched";
  u.trained_with = i % 2 ? 1 : 8;
  return u;
}

// `width` external values per row; track values only when `track`.
EvaluationRecord evaluation_record(std::int64_t unit, std::int64_t k, std::size_t width, bool track) {
  EvaluationRecord e;
  e.unit = unit;
  e.config_hash = "cfg" + std::to_string(unit);
  e.method = k % 2 ? "kmeans" : "dbscan";
  e.k = k;
  e.space = "vae_latent+umap";
  e.status = UnitStatus::ok;
  e.clusters_found = k - 1;
  e.noise_fraction = 0.0625;
  e.inertia = 1234.5 + static_cast<double>(unit);
  e.silhouette = -0.25;
  e.calinski_harabasz = kNaN;
  e.davies_bouldin = 0.75;
  e.trustworthiness = 0.9 + 1e-17 * static_cast<double>(k);
  e.conditioned = k % 3 == 0;
  for (std::size_t j = 0; j < width; ++j) e.external.push_back(j == 3 ? kNaN : 0.01 * static_cast<double>(j + unit));
  if (track)
    for (std::size_t j = 0; j < width; ++j) e.track_external.push_back(j == 0 ? -kNaN : 0.5 + static_cast<double>(j));
  for (std::size_t set = 0; set < width / external_metric_names().size(); ++set) {
    e.scored.push_back(300 - unit - static_cast<std::int64_t>(set));
    if (track) e.track_scored.push_back(30 - static_cast<std::int64_t>(set));
  }
  return e;
}

bool same_bits(double a, double b) { return std::bit_cast<std::uint64_t>(a) == std::bit_cast<std::uint64_t>(b); }

bool same_bits(const std::vector<double>& a, const std::vector<double>& b) {
  if (a.size() != b.size()) return false;
  for (std::size_t i = 0; i < a.size(); ++i)
    if (!same_bits(a[i], b[i])) return false;
  return true;
}

void expect_same(const UnitRecord& a, const UnitRecord& b) {
  EXPECT_EQ(a.unit, b.unit);
  EXPECT_EQ(a.config_hash, b.config_hash);
  EXPECT_EQ(a.group_hash, b.group_hash);
  EXPECT_EQ(a.feature_hash, b.feature_hash);
  EXPECT_EQ(a.model, b.model);
  EXPECT_EQ(a.axes, b.axes);
  ASSERT_EQ(a.axis_values.size(), b.axis_values.size()) << a.unit;
  for (std::size_t i = 0; i < a.axis_values.size(); ++i) {
    EXPECT_EQ(a.axis_values[i].first, b.axis_values[i].first) << a.unit;
    EXPECT_EQ(a.axis_values[i].second.kind_name(), b.axis_values[i].second.kind_name()) << a.axis_values[i].first;
    EXPECT_EQ(a.axis_values[i].second.canonical(), b.axis_values[i].second.canonical()) << a.axis_values[i].first;
  }
  EXPECT_TRUE(same_bits(a.beta, b.beta)) << a.unit;
  EXPECT_EQ(a.latent_dim, b.latent_dim);
  EXPECT_EQ(a.seed, b.seed);
  EXPECT_EQ(a.status, b.status);
  EXPECT_EQ(a.message, b.message);
  EXPECT_EQ(a.epochs_run, b.epochs_run);
  EXPECT_TRUE(same_bits(a.train_seconds, b.train_seconds)) << a.unit;
  EXPECT_TRUE(same_bits(a.eval_seconds, b.eval_seconds)) << a.unit;
  EXPECT_TRUE(same_bits(a.loss, b.loss)) << a.unit;
  EXPECT_TRUE(same_bits(a.reconstruction, b.reconstruction)) << a.unit;
  EXPECT_TRUE(same_bits(a.kl, b.kl)) << a.unit;
  EXPECT_EQ(a.active_units, b.active_units);
  EXPECT_EQ(a.kl_per_dim, b.kl_per_dim);
  EXPECT_EQ(a.rank, b.rank);
  EXPECT_EQ(a.host, b.host);
  EXPECT_EQ(a.device, b.device);
  EXPECT_EQ(a.run_id, b.run_id);
  EXPECT_TRUE(same_bits(a.started_at, b.started_at)) << a.unit;
  EXPECT_TRUE(same_bits(a.wall_seconds, b.wall_seconds)) << a.unit;
  EXPECT_EQ(a.collapsed, b.collapsed);
  EXPECT_EQ(a.condition_on, b.condition_on);
  EXPECT_EQ(a.withheld, b.withheld);
  EXPECT_EQ(a.checkpoint, b.checkpoint);
  EXPECT_EQ(a.reconstructions, b.reconstructions);
  EXPECT_EQ(a.engine, b.engine);
  EXPECT_EQ(a.trained_with, b.trained_with);
  EXPECT_TRUE(same_bits(a.latent, b.latent)) << a.unit;
  EXPECT_EQ(a.latent_rows, b.latent_rows);
  EXPECT_EQ(a.latent_cols, b.latent_cols);
  EXPECT_TRUE(same_bits(a.disentanglement, b.disentanglement)) << a.unit;
  EXPECT_EQ(a.disentangled_rows, b.disentangled_rows) << a.unit;
  EXPECT_EQ(a.mi_per_dim, b.mi_per_dim) << a.unit;
  EXPECT_TRUE(same_bits(a.total_correlation, b.total_correlation)) << a.unit;
}

void expect_same(const EvaluationRecord& a, const EvaluationRecord& b) {
  EXPECT_EQ(a.unit, b.unit);
  EXPECT_EQ(a.config_hash, b.config_hash);
  EXPECT_EQ(a.method, b.method);
  EXPECT_EQ(a.k, b.k);
  EXPECT_EQ(a.space, b.space);
  EXPECT_EQ(a.status, b.status);
  EXPECT_EQ(a.clusters_found, b.clusters_found);
  EXPECT_TRUE(same_bits(a.noise_fraction, b.noise_fraction)) << a.unit;
  EXPECT_TRUE(same_bits(a.inertia, b.inertia)) << a.unit;
  EXPECT_TRUE(same_bits(a.silhouette, b.silhouette)) << a.unit;
  EXPECT_TRUE(same_bits(a.calinski_harabasz, b.calinski_harabasz)) << a.unit;
  EXPECT_TRUE(same_bits(a.davies_bouldin, b.davies_bouldin)) << a.unit;
  EXPECT_TRUE(same_bits(a.trustworthiness, b.trustworthiness)) << a.unit;
  EXPECT_TRUE(same_bits(a.external, b.external)) << a.unit;
  EXPECT_TRUE(same_bits(a.track_external, b.track_external)) << a.unit;
  EXPECT_EQ(a.scored, b.scored) << a.unit;
  EXPECT_EQ(a.track_scored, b.track_scored) << a.unit;
  EXPECT_EQ(a.conditioned, b.conditioned);
  EXPECT_EQ(a.assignment, b.assignment);
}

template <typename Record>
void expect_same(const std::vector<Record>& a, const std::vector<Record>& b) {
  ASSERT_EQ(a.size(), b.size());
  for (std::size_t i = 0; i < a.size(); ++i) expect_same(a[i], b[i]);
}

using test::expect_user_error_naming;

struct Records {
  std::vector<UnitRecord> units;
  std::vector<EvaluationRecord> evaluations;
};

// Disentanglement values for `label_sets` sets (NaN for the second: withheld), as the unit
// runner writes them; every third unit has none (diverged, as unit_record makes it).
void add_disentanglement(UnitRecord& u, std::size_t label_sets) {
  if (u.unit % 3 == 0) return;
  for (std::size_t s = 0; s < label_sets; ++s) {
    for (std::size_t f = 0; f < disentanglement_field_names().size(); ++f)
      u.disentanglement.push_back(s == 1 ? kNaN : 0.125 * static_cast<double>(f + 1) + static_cast<double>(u.unit));
    u.disentangled_rows.push_back(s == 1 ? 0 : 400 - static_cast<std::int64_t>(s));
    u.mi_per_dim.push_back(s == 1 ? "nan;nan" : "0.5;0.0625;" + std::to_string(s));
  }
  u.total_correlation = 0.25 * static_cast<double>(u.unit);
}

// `units` units with two evaluations each; with track values when `track`, except on every
// third unit's rows (a failed clustering has none, as in unit_runner's empty_evaluation).
Records sample(std::int64_t units, std::size_t label_sets, bool track) {
  Records r;
  const std::size_t width = label_sets * external_metric_names().size();
  for (std::int64_t i = 0; i < units; ++i) {
    r.units.push_back(unit_record(i));
    add_disentanglement(r.units.back(), label_sets);
    for (std::int64_t k : {3, 4}) r.evaluations.push_back(evaluation_record(i, k, width, track && i % 3 != 0));
  }
  return r;
}

// The layout write_units_layout records beside a table of these units.
UnitsLayout layout_of(const std::vector<UnitRecord>& units) { return {kResultsFormat, axis_columns(units)}; }

Records through_tables(const Records& in, const std::vector<std::string>& label_sets) {
  Records out;
  records_from_tables(units_table(in.units, label_sets), evaluations_table(in.evaluations, label_sets), label_sets,
                      layout_of(in.units), out.units, out.evaluations);
  return out;
}

TEST(RecordsFromTables, ReproduceEveryFieldWithTrackColumns) {
  const std::vector<std::string> sets = {"genre", "mood", "era"};
  const Records in = sample(7, sets.size(), true);
  const auto evaluations = evaluations_table(in.evaluations, sets);
  EXPECT_TRUE(evaluations.has("nmi_era_track"));
  EXPECT_TRUE(units_table(in.units, sets).has("wall_seconds"));
  EXPECT_TRUE(units_table(in.units, sets).has("dci_completeness_era"));
  EXPECT_TRUE(units_table(in.units, sets).has("mi_per_dim_mood"));
  const Records out = through_tables(in, sets);
  expect_same(out.units, in.units);
  expect_same(out.evaluations, in.evaluations);
}

TEST(RecordsFromTables, ReproduceEveryFieldWithoutTrackColumns) {
  const std::vector<std::string> sets = {"genre"};
  const Records in = sample(5, sets.size(), false);
  EXPECT_FALSE(evaluations_table(in.evaluations, sets).has("ari_genre_track"));
  const Records out = through_tables(in, sets);
  expect_same(out.units, in.units);
  expect_same(out.evaluations, in.evaluations);
}

TEST(RecordsFromTables, AppendsAndAcceptsEmptyTables) {
  const std::vector<std::string> sets = {"genre"};
  const Records in = sample(2, sets.size(), false);
  Records out = through_tables(in, sets);
  records_from_tables(units_table(in.units, sets), evaluations_table(in.evaluations, sets), sets, layout_of(in.units),
                      out.units, out.evaluations);
  EXPECT_EQ(out.units.size(), 4u);
  EXPECT_EQ(out.evaluations.size(), 8u);
  records_from_tables(units_table({}, sets), evaluations_table({}, sets), sets, layout_of({}), out.units, out.evaluations);
  records_from_tables(io::ColumnTable(), io::ColumnTable(), sets, UnitsLayout{}, out.units, out.evaluations);
  EXPECT_EQ(out.units.size(), 4u);
}

// A results file written before run_id, started_at, wall_seconds, the model-family, the
// engine and the disentanglement columns existed.
TEST(RecordsFromTables, ColumnsAddedLaterDefaultWhenAbsent) {
  const Records in = sample(3, 1, false);
  const io::ColumnTable full = units_table(in.units, {"genre"});
  const std::vector<std::string> later = {"run_id", "started_at", "wall_seconds", "collapsed", "condition_on",
                                          "withheld", "checkpoint", "reconstructions", "engine", "trained_with",
                                          "mig_genre", "sap_genre", "dci_completeness_genre",
                                          "dci_informativeness_genre", "label_entropy_genre",
                                          "disentangled_rows_genre", "mi_per_dim_genre", "total_correlation"};
  io::ColumnTable old;
  for (const auto& c : full.columns())
    if (std::find(later.begin(), later.end(), c.name) == later.end()) old.add_column(c.name, c.values);
  std::vector<UnitRecord> units;
  std::vector<EvaluationRecord> evaluations;
  records_from_tables(old, evaluations_table(in.evaluations, {"genre"}), {"genre"}, layout_of(in.units), units, evaluations);
  ASSERT_EQ(units.size(), 3u);
  for (std::size_t i = 0; i < units.size(); ++i) {
    UnitRecord expected = in.units[i];
    expected.run_id = "", expected.started_at = 0, expected.wall_seconds = 0;
    expected.collapsed = 0, expected.condition_on = "", expected.withheld = "", expected.checkpoint = "";
    expected.reconstructions = "", expected.engine = "", expected.trained_with = 0;
    expected.disentanglement = {}, expected.disentangled_rows = {}, expected.mi_per_dim = {};
    expected.total_correlation = kNaN;
    expect_same(units[i], expected);
  }
}

TEST(RecordsFromTables, AMissingColumnOrAWrongTypeIsNamed) {
  const Records in = sample(2, 1, false);
  const io::ColumnTable evaluations = evaluations_table(in.evaluations, {"genre"});
  std::vector<UnitRecord> units;
  std::vector<EvaluationRecord> rows;
  // The label sets asked for are not the ones in the file.
  expect_user_error_naming([&] { records_from_tables(units_table(in.units, {"genre"}), evaluations, {"mood"}, layout_of(in.units), units, rows); },
                           "/evaluations: column table: no column 'ari_mood'");
  // The evaluations do have them, /units lacks the disentanglement columns of that set.
  expect_user_error_naming(
      [&] { records_from_tables(units_table(in.units, {"genre"}), evaluations_table(in.evaluations, {"mood"}), {"mood"}, layout_of(in.units), units, rows); },
      "/units: column table: no column 'mig_mood'");
  const io::ColumnTable full = units_table(in.units, {"genre"});
  io::ColumnTable no_seed, double_seed;
  for (const auto& c : full.columns()) {
    if (c.name != "seed") no_seed.add_column(c.name, c.values);
    double_seed.add_column(c.name, c.name == "seed" ? io::ColumnValues(std::vector<double>{1, 2}) : c.values);
  }
  expect_user_error_naming([&] { records_from_tables(no_seed, evaluations, {"genre"}, layout_of(in.units), units, rows); },
                           "/units: column table: no column 'seed'");
  expect_user_error_naming([&] { records_from_tables(double_seed, evaluations, {"genre"}, layout_of(in.units), units, rows); },
                           "column 'seed' holds double values, not int64");
  EXPECT_TRUE(units.empty() && rows.empty()) << "nothing appended on failure";
}

// Stored arrays travel in journal records only (the results file keeps them in their own
// datasets), so the table round trips above leave them empty.
void add_stored_arrays(Records& r) {
  for (UnitRecord& u : r.units) {
    u.latent_rows = 3, u.latent_cols = 2;
    u.latent = {0.5, -1.0 / 3.0, kNaN, 1e-300, static_cast<double>(u.unit), -0.0};
  }
  for (EvaluationRecord& e : r.evaluations) e.assignment = {-1, 0, e.k - 1};
}

TEST(EncodeUnit, RoundTripsEveryFieldAndAppendsEvaluations) {
  Records in = sample(4, 2, true);
  add_stored_arrays(in);
  std::vector<EvaluationRecord> evaluations;
  for (std::int64_t i = 0; i < 4; ++i) {
    const std::vector<EvaluationRecord> mine(in.evaluations.begin() + 2 * i, in.evaluations.begin() + 2 * i + 2);
    UnitRecord unit;
    decode_unit(encode_unit(in.units[i], mine), unit, evaluations);
    expect_same(unit, in.units[i]);
  }
  expect_same(evaluations, in.evaluations);
  UnitRecord unit;
  std::vector<EvaluationRecord> none;
  decode_unit(encode_unit(UnitRecord(), {}), unit, none);
  expect_same(unit, UnitRecord());
  EXPECT_TRUE(none.empty());
}

// Found by the sanitizer build: a damaged latent shape whose product overflows int64 (undefined
// behaviour) or two negative sizes whose product matches the values must be refused, not multiplied.
TEST(EncodeUnit, ADamagedLatentShapeIsRefusedWithoutOverflow) {
  UnitRecord overflowing;
  overflowing.latent_rows = 3;
  overflowing.latent_cols = -5980780305148018686;  // 3 x this overflows
  UnitRecord negative;
  negative.latent_rows = -1;
  negative.latent_cols = -1;  // -1 x -1 = 1 value
  negative.latent = {0.5};
  for (const UnitRecord& damaged : {overflowing, negative}) {
    UnitRecord unit;
    std::vector<EvaluationRecord> evaluations;
    expect_user_error_naming([&] { decode_unit(encode_unit(damaged, {}), unit, evaluations); }, "(damaged)");
  }
}

// A journal written before the disentanglement fields (version 6: the same bytes without
// them) still decodes, so that a sweep interrupted before an upgrade resumes.
TEST(EncodeUnit, AVersion6RecordDecodesWithoutDisentanglement) {
  UnitRecord old = unit_record(4);
  old.total_correlation = kNaN;
  UnitRecord untyped = old;
  untyped.axis_values.clear();
  const std::string current = encode_unit(untyped, {});
  // version 8: ... latent | disentanglement (8) | rows (8) | mi (8) | total_correlation (8) |
  // axis values (8: none) | evaluations (8); version 6 ends at the latent. Its axis values come
  // from the axes text (the legacy decoder), the same as unit_record's.
  std::string v6 = current.substr(0, current.size() - 48) + current.substr(current.size() - 8);
  v6[0] = 6;
  UnitRecord unit;
  std::vector<EvaluationRecord> evaluations;
  decode_unit(v6, unit, evaluations);
  expect_same(unit, old);
  std::string too_old = v6;
  too_old[0] = 5;
  expect_user_error_naming([&] { decode_unit(too_old, unit, evaluations); }, "format version 5");
}

// A journal written before the typed axis values (version 7) decodes with the values its axes
// text gives (the legacy decoder), so that a sweep interrupted before the upgrade resumes.
TEST(EncodeUnit, AVersion7RecordGetsItsAxisValuesFromTheText) {
  UnitRecord old = unit_record(2);
  add_disentanglement(old, 2);
  UnitRecord untyped = old;
  untyped.axis_values.clear();
  const std::string current = encode_unit(untyped, {});
  // version 8 without axis values: ... total_correlation | axis count (8: 0) | evaluations (8)
  std::string v7 = current.substr(0, current.size() - 16) + current.substr(current.size() - 8);
  v7[0] = 7;
  UnitRecord unit;
  std::vector<EvaluationRecord> evaluations;
  decode_unit(v7, unit, evaluations);
  expect_same(unit, old);
  ASSERT_TRUE(unit.axis_values[0].second.is_double());  // "beta=1": a real key's whole number
  EXPECT_TRUE(unit.axis_values[4].second.is_bool());
}

// The disentanglement vectors must fit the number of label sets their rows give.
TEST(EncodeUnit, DisentanglementOfMismatchedSizesIsDamage) {
  UnitRecord u = unit_record(1);
  add_disentanglement(u, 2);
  u.mi_per_dim.pop_back();
  UnitRecord unit;
  std::vector<EvaluationRecord> evaluations;
  expect_user_error_naming([&] { decode_unit(encode_unit(u, {}), unit, evaluations); }, "(damaged)");
}

TEST(EncodeUnit, TheMessageBetweenRanksCarriesTheNewFields) {
  Records in = sample(3, 1, true);
  add_stored_arrays(in);
  Records out;
  decode(encode(in.units, in.evaluations), out.units, out.evaluations);
  expect_same(out.units, in.units);
  expect_same(out.evaluations, in.evaluations);
}

TEST(EncodeUnit, DamagedBytesThrowUserErrorAndChangeNothing) {
  Records in = sample(1, 2, true);
  add_stored_arrays(in);
  const std::string bytes = encode_unit(in.units[0], in.evaluations);
  UnitRecord unit;
  std::vector<EvaluationRecord> evaluations;
  for (std::size_t n = 0; n < bytes.size(); ++n)
    EXPECT_THROW(decode_unit(std::string_view(bytes).substr(0, n), unit, evaluations), UserError) << n;
  EXPECT_TRUE(evaluations.empty());
  expect_same(unit, UnitRecord());
  expect_user_error_naming([&] { decode_unit(bytes + "x", unit, evaluations); }, "trailing bytes");
  std::string other_version = bytes;
  other_version[0] = 9;
  expect_user_error_naming([&] { decode_unit(other_version, unit, evaluations); }, "format version 9");
  // A garbage length (config_hash's, just after the version and the unit number) is refused
  // before anything is allocated for it.
  std::string huge = bytes;
  huge[1 + 8 + 7] = '\x40';
  expect_user_error_naming([&] { decode_unit(huge, unit, evaluations); }, "a unit record: truncated or damaged");
  std::mt19937 rng(7);
  for (int trial = 0; trial < 2000; ++trial) {
    std::string garbage = bytes;
    for (int flips = 0; flips < 4; ++flips) garbage[rng() % garbage.size()] = static_cast<char>(rng());
    try {
      decode_unit(garbage, unit, evaluations);  // a flip inside a number decodes to another number
    } catch (const UserError&) {
    }
  }
  evaluations.clear();
  decode_unit(bytes, unit, evaluations);
  expect_same(unit, in.units[0]);
}

}  // namespace
}  // namespace vaesweep::results

namespace vaesweep::results {
namespace {

// The on-disk names of the statuses are those the results files have always held.
TEST(UnitStatusNames, EveryNameParsesBackAndAnUnknownOneIsNamed) {
  for (UnitStatus s : {UnitStatus::ok, UnitStatus::failed, UnitStatus::diverged, UnitStatus::abandoned})
    EXPECT_EQ(parse_unit_status(to_string(s)), s);
  EXPECT_STREQ(to_string(UnitStatus::diverged), "diverged");
  test::expect_user_error_naming([] { parse_unit_status("skipped"); },
                                 "unknown unit status \"skipped\" (valid: ok, failed, diverged, abandoned)");
}

// A table with a status the build does not know is refused, naming the table.
TEST(UnitStatusNames, AnUnknownStatusInATableIsNamedWithTheTable) {
  io::ColumnTable units = units_table({unit_record(0)}, {});
  io::ColumnTable damaged;
  for (const auto& c : units.columns())
    damaged.add_column(c.name, c.name == "status" ? io::ColumnValues(std::vector<std::string>{"exploded"}) : c.values);
  std::vector<UnitRecord> out;
  std::vector<EvaluationRecord> evaluations;
  test::expect_user_error_naming(
      [&] { records_from_tables(damaged, io::ColumnTable(), {}, UnitsLayout{kResultsFormat, axis_columns({unit_record(0)})}, out, evaluations); },
      "/units: unknown unit status \"exploded\"");
}

}  // namespace
}  // namespace vaesweep::results
