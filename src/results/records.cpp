#include "results/records.hpp"

#include <algorithm>
#include <cmath>
#include <limits>
#include <variant>

#include "engine/bytes.hpp"
#include "engine/wire.hpp"
#include "results/legacy_axes_text.hpp"

namespace vaesweep::results {
namespace {

// An axis value: a kind byte, then the value (the values of axis_values are scalars).
enum class ScalarTag : std::uint8_t { boolean = 0, integer = 1, real = 2, text = 3 };

}  // namespace

// The forms of the record members that travel otherwise than by their type (engine/wire.hpp),
// found by argument-dependent lookup: a status as its name, an axis value as its kind and value.
static void put_value(engine::ByteWriter& w, const UnitStatus& status) { w.put_string(to_string(status)); }
static void get_value(engine::ByteReader& r, UnitStatus& status) { status = parse_unit_status(r.get_string()); }
}  // namespace vaesweep::results

namespace vaesweep {
static void put_value(engine::ByteWriter& w, const Value& v) {
  using results::ScalarTag;
  VAESWEEP_ASSERT(!v.is_list(), "an axis value is a scalar (lists are kept as their text)");
  if (v.is_bool()) w.put(ScalarTag::boolean), w.put<std::uint8_t>(v.as_bool());
  else if (v.is_int()) w.put(ScalarTag::integer), w.put(v.as_int());
  else if (v.is_double()) w.put(ScalarTag::real), w.put(v.as_double());
  else w.put(ScalarTag::text), w.put_string(v.as_string());
}

static void get_value(engine::ByteReader& r, Value& v) {
  using results::ScalarTag;
  switch (r.get<ScalarTag>()) {
    case ScalarTag::boolean: v = Value(r.get<std::uint8_t>() != 0); return;
    case ScalarTag::integer: v = Value(r.get<std::int64_t>()); return;
    case ScalarTag::real: v = Value(r.get<double>()); return;
    case ScalarTag::text: v = Value(r.get_string()); return;
  }
  throw UserError("a unit record: an axis value of unknown kind (damaged)");
}
}  // namespace vaesweep

namespace vaesweep::results {
namespace {

// Bumped whenever the wire forms below change, so that decode_unit refuses a journal record of
// another build instead of misreading it. Version 7 added the disentanglement fields at the end
// of the unit; a version 6 record still decodes (without them), so that a sweep interrupted
// before the upgrade resumes from its journals. Version 8 added the typed axis values; an older
// record gets them from its axes text (the legacy decoder). A new member goes at the end of a
// new version's list.
constexpr std::uint8_t kUnitRecordVersion = 8;
constexpr std::uint8_t kOldestUnitRecordVersion = 6;

using U = UnitRecord;
using UnitWireV6 =
    engine::Wire<&U::unit, &U::config_hash, &U::group_hash, &U::feature_hash, &U::model, &U::axes, &U::status, &U::message,
         &U::kl_per_dim, &U::host, &U::device, &U::run_id, &U::condition_on, &U::withheld, &U::checkpoint,
         &U::reconstructions, &U::engine, &U::precision, &U::pca_solver, &U::collapsed, &U::beta, &U::latent_dim,
         &U::seed, &U::epochs_run, &U::train_seconds, &U::eval_seconds, &U::loss, &U::reconstruction, &U::kl,
         &U::active_units, &U::rank, &U::started_at, &U::wall_seconds, &U::trained_with, &U::reused_fit,
         &U::latent_rows, &U::latent_cols, &U::latent>;
using UnitWireAddedIn7 = engine::Wire<&U::disentanglement, &U::disentangled_rows, &U::mi_per_dim, &U::total_correlation>;
using UnitWireAddedIn8 = engine::Wire<&U::axis_values>;
static_assert(UnitWireV6::size + UnitWireAddedIn7::size + UnitWireAddedIn8::size == engine::member_count<UnitRecord>,
              "a UnitRecord member is missing from its wire form: add it to a new version's list");

using E = EvaluationRecord;
using EvaluationWire =
    engine::Wire<&E::unit, &E::config_hash, &E::method, &E::space, &E::status, &E::k, &E::clusters_found, &E::noise_fraction,
         &E::inertia, &E::silhouette, &E::calinski_harabasz, &E::davies_bouldin, &E::trustworthiness, &E::conditioned,
         &E::external, &E::track_external, &E::assignment, &E::scored, &E::track_scored>;
static_assert(EvaluationWire::size == engine::member_count<EvaluationRecord>,
              "an EvaluationRecord member is missing from its wire form: add it (and bump kUnitRecordVersion)");

// Whether `rows` x `cols` holds exactly `values` values. Damaged bytes give any two int64s: a
// product that overflows (undefined behaviour, UBSan's finding) or two negatives must not pass.
bool is_shape_of(std::size_t values, std::int64_t rows, std::int64_t cols) {
  if (rows < 0 || cols < 0) return false;
  if (cols == 0) return values == 0;
  return values % static_cast<std::uint64_t>(cols) == 0 && values / static_cast<std::uint64_t>(cols) == static_cast<std::uint64_t>(rows);
}

void put_unit(engine::ByteWriter& w, const UnitRecord& u) {
  UnitWireV6::put(w, u);
  UnitWireAddedIn7::put(w, u);
  UnitWireAddedIn8::put(w, u);
}

// A record of `version`, with what the bytes cannot check by themselves checked: the latent's
// shape, the disentanglement values' sizes.
UnitRecord get_unit(engine::ByteReader& r, std::uint8_t version = kUnitRecordVersion) {
  UnitRecord u;
  UnitWireV6::get(r, u);
  if (!is_shape_of(u.latent.size(), u.latent_rows, u.latent_cols))
    throw UserError("a unit record: unit " + std::to_string(u.unit) + " has a latent of " +
                    std::to_string(u.latent.size()) + " values, not " + std::to_string(u.latent_rows) + " x " +
                    std::to_string(u.latent_cols) + " (damaged)");
  if (version < 7) {
    u.axis_values = legacy_axes_text(u.axes);
    return u;
  }
  UnitWireAddedIn7::get(r, u);
  const std::size_t sets = u.disentangled_rows.size();
  if (u.mi_per_dim.size() != sets || u.disentanglement.size() != sets * disentanglement_field_names().size())
    throw UserError("a unit record: unit " + std::to_string(u.unit) + " has disentanglement values for " +
                    std::to_string(sets) + " label sets that do not fit together (damaged)");
  if (version < 8) {
    u.axis_values = legacy_axes_text(u.axes);
    return u;
  }
  UnitWireAddedIn8::get(r, u);
  return u;
}

void put_evaluation(engine::ByteWriter& w, const EvaluationRecord& e) { EvaluationWire::put(w, e); }

EvaluationRecord get_evaluation(engine::ByteReader& r) {
  EvaluationRecord e;
  EvaluationWire::get(r, e);
  return e;
}

// One scalar column of /units or /evaluations and the field it holds, listed once for both
// directions (records -> table -> records).
template <typename Record>
struct Field {
  const char* name;
  std::variant<std::int64_t Record::*, double Record::*, std::string Record::*, UnitStatus Record::*> member;
  bool optional = false;  // added after the first release: an older results file lacks it
};

const std::vector<Field<UnitRecord>>& unit_fields() {
  using U = UnitRecord;
  static const std::vector<Field<U>> fields = {
      {"unit", &U::unit},
      {"config_hash", &U::config_hash},
      {"group_hash", &U::group_hash},
      {"feature_hash", &U::feature_hash},
      {"model", &U::model},
      {"axes", &U::axes},
      {"beta", &U::beta},
      {"latent_dim", &U::latent_dim},
      {"seed", &U::seed},
      {"status", &U::status},
      {"message", &U::message},
      {"epochs_run", &U::epochs_run},
      {"train_seconds", &U::train_seconds},
      {"eval_seconds", &U::eval_seconds},
      {"loss", &U::loss},
      {"reconstruction", &U::reconstruction},
      {"kl", &U::kl},
      {"active_units", &U::active_units},
      {"kl_per_dim", &U::kl_per_dim},
      {"rank", &U::rank},
      {"host", &U::host},
      {"device", &U::device},
      {"run_id", &U::run_id, true},
      {"started_at", &U::started_at, true},
      {"wall_seconds", &U::wall_seconds, true},
      {"collapsed", &U::collapsed, true},
      {"condition_on", &U::condition_on, true},
      {"withheld", &U::withheld, true},
      {"checkpoint", &U::checkpoint, true},
      {"reconstructions", &U::reconstructions, true},
      {"engine", &U::engine, true},
      {"trained_with", &U::trained_with, true},
      {"precision", &U::precision, true},
      {"pca_solver", &U::pca_solver, true},
      {"reused_fit", &U::reused_fit, true},
  };
  return fields;
}

const std::vector<Field<EvaluationRecord>>& evaluation_fields() {
  using E = EvaluationRecord;
  static const std::vector<Field<E>> fields = {
      {"unit", &E::unit},
      {"config_hash", &E::config_hash},
      {"method", &E::method},
      {"k", &E::k},
      {"space", &E::space},
      {"status", &E::status},
      {"clusters_found", &E::clusters_found},
      {"noise_fraction", &E::noise_fraction},
      {"inertia", &E::inertia},
      {"silhouette", &E::silhouette},
      {"calinski_harabasz", &E::calinski_harabasz},
      {"davies_bouldin", &E::davies_bouldin},
      {"trustworthiness", &E::trustworthiness},
      {"conditioned", &E::conditioned, true},
  };
  return fields;
}

// The column type of a field: a status is its name (to_string / parse_unit_status).
template <typename T>
using ColumnOf = std::conditional_t<std::is_same_v<T, UnitStatus>, std::string, T>;

// Each column of one type beside the field it holds. The tables are filled and read row by row
// through these, not column by column: a column pass over a million records would stream all
// of them through the cache once per field.
template <typename Record, bool kReading>
struct Bindings {
  template <typename T>
  using Values = std::conditional_t<kReading, const std::vector<T>, std::vector<T>>;
  std::vector<std::pair<Values<std::int64_t>*, std::int64_t Record::*>> ints;
  std::vector<std::pair<Values<double>*, double Record::*>> doubles;
  std::vector<std::pair<Values<std::string>*, std::string Record::*>> strings;
  std::vector<std::pair<Values<std::string>*, UnitStatus Record::*>> statuses;

  template <typename T>
  void bind(Values<ColumnOf<T>>* values, T Record::*member) {
    if constexpr (std::is_same_v<T, std::int64_t>) ints.emplace_back(values, member);
    else if constexpr (std::is_same_v<T, double>) doubles.emplace_back(values, member);
    else if constexpr (std::is_same_v<T, UnitStatus>) statuses.emplace_back(values, member);
    else strings.emplace_back(values, member);
  }
};

template <typename Record>
void add_fields(io::ColumnTable& t, const std::vector<Record>& rows, const std::vector<Field<Record>>& fields) {
  std::vector<io::ColumnValues> columns(fields.size());
  Bindings<Record, false> b;
  for (std::size_t c = 0; c < fields.size(); ++c) {
    std::visit(
        [&](auto member) {
          using T = std::decay_t<decltype(rows.front().*member)>;
          auto& values = columns[c].template emplace<std::vector<ColumnOf<T>>>();
          values.reserve(rows.size());
          b.bind(&values, member);
        },
        fields[c].member);
  }
  for (const Record& row : rows) {
    for (const auto& [values, member] : b.ints) values->push_back(row.*member);
    for (const auto& [values, member] : b.doubles) values->push_back(row.*member);
    for (const auto& [values, member] : b.strings) values->push_back(row.*member);
    for (const auto& [values, member] : b.statuses) values->push_back(to_string(row.*member));
  }
  for (std::size_t c = 0; c < fields.size(); ++c) t.add_column(fields[c].name, std::move(columns[c]));
}

template <typename T>
const std::vector<ColumnOf<T>>& typed(const io::ColumnTable& t, const std::string& name) {
  if constexpr (std::is_same_v<T, std::int64_t>) return t.ints(name);
  else if constexpr (std::is_same_v<T, double>) return t.doubles(name);
  else return t.strings(name);
}

// Runs `read` with the table's name in front of any error it throws ("/units: ...").
template <typename Read>
void reading(const char* table, Read read) {
  try {
    read();
  } catch (const UserError& e) {
    throw UserError(std::string(table) + ": " + e.what());
  }
}

template <typename Record>
void get_fields(const io::ColumnTable& t, const char* table, std::vector<Record>& rows,
                const std::vector<Field<Record>>& fields) {
  if (t.cols() == 0) return;  // a table never written to: no rows, no schema to check
  Bindings<Record, true> b;
  for (const auto& f : fields) {
    if (f.optional && !t.has(f.name)) continue;
    reading(table, [&] {
      std::visit(
          [&](auto member) {
            using T = std::decay_t<decltype(rows.front().*member)>;
            b.bind(&typed<T>(t, f.name), member);
          },
          f.member);
    });
  }
  for (std::size_t i = 0; i < rows.size(); ++i) {
    Record& row = rows[i];
    for (const auto& [values, member] : b.ints) row.*member = (*values)[i];
    for (const auto& [values, member] : b.doubles) row.*member = (*values)[i];
    for (const auto& [values, member] : b.strings) row.*member = (*values)[i];
  }
  // Statuses by name, the table named in a refusal ("/units: unknown unit status ...").
  reading(table, [&] {
    for (std::size_t i = 0; i < rows.size(); ++i)
      for (const auto& [values, member] : b.statuses) rows[i].*member = parse_unit_status((*values)[i]);
  });
}

std::string external_column(const std::string& metric, const std::string& label_set, bool track) {
  return metric + "_" + label_set + (track ? "_track" : "");
}

// The "<metric>_<label set>[_track]" columns, in external_metric_names() order per label set.
std::vector<std::string> external_columns(const std::vector<std::string>& label_sets, bool track) {
  std::vector<std::string> names;
  for (const auto& set : label_sets)
    for (const auto& metric : external_metric_names()) names.push_back(external_column(metric, set, track));
  return names;
}

// The "scored_<label set>[_track]" columns: how many rows (tracks) each set's scores compared.
std::vector<std::string> scored_columns(const std::vector<std::string>& label_sets, bool track) {
  std::vector<std::string> names;
  for (const auto& set : label_sets) names.push_back("scored_" + set + (track ? "_track" : ""));
  return names;
}

// Those columns into each row's external and track_external (and scored, track_scored: -1 in
// a results file written before they existed).
void get_external(const io::ColumnTable& t, const std::vector<std::string>& label_sets,
                  std::vector<EvaluationRecord>& e) {
  if (t.cols() == 0) return;
  const auto names = external_columns(label_sets, false), track_names = external_columns(label_sets, true);
  // Track columns are all there or all absent; one of them present means all are expected.
  const bool per_track = std::any_of(track_names.begin(), track_names.end(), [&](const auto& n) { return t.has(n); });
  std::vector<const std::vector<double>*> external, track;
  reading("/evaluations", [&] {
    for (const auto& n : names) external.push_back(&t.doubles(n));
    if (per_track)
      for (const auto& n : track_names) track.push_back(&t.doubles(n));
  });
  const auto counts = [&](bool track_columns) {
    std::vector<const std::vector<std::int64_t>*> columns;
    for (const auto& n : scored_columns(label_sets, track_columns)) {
      const std::vector<std::int64_t>* column = nullptr;
      if (t.has(n)) reading("/evaluations", [&] { column = &t.ints(n); });
      columns.push_back(column);
    }
    return columns;
  };
  const auto scored = counts(false), track_scored = counts(true);
  const auto count_of = [](const std::vector<std::int64_t>* column, std::size_t i) -> std::int64_t {
    return column ? (*column)[i] : -1;
  };
  for (std::size_t i = 0; i < e.size(); ++i) {
    auto& row = e[i];
    row.external.resize(external.size());
    for (std::size_t j = 0; j < external.size(); ++j) row.external[j] = (*external[j])[i];
    row.scored.resize(scored.size());
    for (std::size_t j = 0; j < scored.size(); ++j) row.scored[j] = count_of(scored[j], i);
    const bool has_track = std::any_of(track.begin(), track.end(), [&](const auto* v) { return !std::isnan((*v)[i]); });
    if (!has_track) continue;
    row.track_external.resize(track.size());
    for (std::size_t j = 0; j < track.size(); ++j) row.track_external[j] = (*track[j])[i];
    row.track_scored.resize(track_scored.size());
    for (std::size_t j = 0; j < track_scored.size(); ++j) row.track_scored[j] = count_of(track_scored[j], i);
  }
}

// The disentanglement columns of /units: "<field>_<set>" per disentanglement_field_names(),
// "disentangled_rows_<set>", "mi_per_dim_<set>" per label set, then "total_correlation".
// A unit without values (failed, noop) gets NaN, 0 and "".
void add_disentanglement(io::ColumnTable& t, const std::vector<UnitRecord>& units,
                         const std::vector<std::string>& label_sets) {
  const auto& fields = disentanglement_field_names();
  const std::size_t width = fields.size(), sets = label_sets.size();
  std::vector<std::vector<double>> values(sets * width);
  std::vector<std::vector<std::int64_t>> rows(sets);
  std::vector<std::vector<std::string>> mi(sets);
  std::vector<double> total_correlation;
  total_correlation.reserve(units.size());
  for (const UnitRecord& u : units) {
    const bool has = !u.disentangled_rows.empty();
    if (has && u.disentangled_rows.size() != sets)
      throw UserError("unit " + std::to_string(u.unit) + " has disentanglement values for " +
                      std::to_string(u.disentangled_rows.size()) + " label set(s); expected " + std::to_string(sets));
    for (std::size_t s = 0; s < sets; ++s) {
      for (std::size_t f = 0; f < width; ++f)
        values[s * width + f].push_back(has ? u.disentanglement[s * width + f] : std::numeric_limits<double>::quiet_NaN());
      rows[s].push_back(has ? u.disentangled_rows[s] : 0);
      mi[s].push_back(has ? u.mi_per_dim[s] : std::string());
    }
    total_correlation.push_back(u.total_correlation);
  }
  for (std::size_t s = 0; s < sets; ++s) {
    for (std::size_t f = 0; f < width; ++f) t.add_column(fields[f] + "_" + label_sets[s], std::move(values[s * width + f]));
    t.add_column("disentangled_rows_" + label_sets[s], std::move(rows[s]));
    t.add_column("mi_per_dim_" + label_sets[s], std::move(mi[s]));
  }
  t.add_column("total_correlation", std::move(total_correlation));
}

// Those columns back into the records; absent in a results file written before them. A row
// with NaN, 0 and "" for every set (a unit without values) comes back with empty vectors.
void get_disentanglement(const io::ColumnTable& t, const std::vector<std::string>& label_sets,
                         std::vector<UnitRecord>& units) {
  if (t.cols() == 0 || !t.has("total_correlation")) return;
  const auto& fields = disentanglement_field_names();
  std::vector<const std::vector<double>*> values;
  std::vector<const std::vector<std::int64_t>*> rows;
  std::vector<const std::vector<std::string>*> mi;
  const std::vector<double>* total_correlation = nullptr;
  reading("/units", [&] {
    for (const auto& set : label_sets) {
      for (const auto& f : fields) values.push_back(&t.doubles(f + "_" + set));
      rows.push_back(&t.ints("disentangled_rows_" + set));
      mi.push_back(&t.strings("mi_per_dim_" + set));
    }
    total_correlation = &t.doubles("total_correlation");
  });
  for (std::size_t i = 0; i < units.size(); ++i) {
    UnitRecord& u = units[i];
    u.total_correlation = (*total_correlation)[i];
    bool has = false;
    for (const auto* column : values) has = has || !std::isnan((*column)[i]);
    for (std::size_t s = 0; s < label_sets.size(); ++s) has = has || (*rows[s])[i] != 0 || !(*mi[s])[i].empty();
    if (!has) continue;
    for (const auto* column : values) u.disentanglement.push_back((*column)[i]);
    for (std::size_t s = 0; s < label_sets.size(); ++s) {
      u.disentangled_rows.push_back((*rows[s])[i]);
      u.mi_per_dim.push_back((*mi[s])[i]);
    }
  }
}

template <typename Record>
void append(std::vector<Record>& to, std::vector<Record>&& rows) {
  if (to.empty()) to = std::move(rows);  // no second copy of a million records
  else to.insert(to.end(), std::make_move_iterator(rows.begin()), std::make_move_iterator(rows.end()));
}

}  // namespace

std::string unit_label(const UnitRecord& u) {
  return u.model + (u.axes.empty() ? "" : " " + u.axes) + " seed=" + std::to_string(u.seed) + " [" +
         u.config_hash.substr(0, 12) + "]";
}

std::string encode(const std::vector<UnitRecord>& units, const std::vector<EvaluationRecord>& evaluations) {
  engine::ByteWriter w;
  w.put<std::uint64_t>(units.size());
  for (const auto& u : units) put_unit(w, u);
  w.put<std::uint64_t>(evaluations.size());
  for (const auto& e : evaluations) put_evaluation(w, e);
  return w.release();
}

void decode(const std::string& bytes, std::vector<UnitRecord>& units, std::vector<EvaluationRecord>& evaluations) {
  engine::ByteReader r(bytes);
  for (auto n = r.get<std::uint64_t>(); n > 0; --n) units.push_back(get_unit(r));
  for (auto n = r.get<std::uint64_t>(); n > 0; --n) evaluations.push_back(get_evaluation(r));
  VAESWEEP_ASSERT(r.done(), "trailing bytes in a results message");
}

std::string encode_unit(const UnitRecord& unit, const std::vector<EvaluationRecord>& evaluations) {
  engine::ByteWriter w;
  std::size_t estimate = 512 + unit.message.size() + unit.kl_per_dim.size() + unit.reconstructions.size() +
                         8 * unit.latent.size() + 8 * unit.disentanglement.size();  // one allocation, not ten doublings
  for (const auto& e : evaluations)
    estimate += 256 + 8 * (e.external.size() + e.track_external.size() + e.assignment.size());
  w.reserve(estimate);
  w.put(kUnitRecordVersion);
  put_unit(w, unit);
  w.put<std::uint64_t>(evaluations.size());
  for (const auto& e : evaluations) put_evaluation(w, e);
  return w.release();
}

void decode_unit(std::string_view bytes, UnitRecord& unit, std::vector<EvaluationRecord>& evaluations) {
  engine::ByteReader r(bytes, "a unit record");
  const auto version = r.get<std::uint8_t>();
  if (version < kOldestUnitRecordVersion || version > kUnitRecordVersion)
    throw UserError("a unit record: format version " + std::to_string(version) + ", this build reads versions " +
                    std::to_string(kOldestUnitRecordVersion) + " to " + std::to_string(kUnitRecordVersion) +
                    " (written by another vaesweep version, or damaged)");
  UnitRecord u = get_unit(r, version);
  const std::size_t before = evaluations.size();
  try {
    for (auto n = r.get<std::uint64_t>(); n > 0; --n) evaluations.push_back(get_evaluation(r));
    if (!r.done())
      throw UserError("a unit record: " + std::to_string(r.remaining()) + " trailing bytes after unit " +
                      std::to_string(u.unit) + " (damaged)");
  } catch (...) {
    evaluations.resize(before);
    throw;
  }
  unit = std::move(u);
}

io::ColumnTable units_table(const std::vector<UnitRecord>& u, const std::vector<std::string>& label_sets) {
  return units_table(u, label_sets, axis_columns(u));
}

io::ColumnTable units_table(const std::vector<UnitRecord>& u, const std::vector<std::string>& label_sets,
                              const std::vector<AxisColumn>& axes) {
  io::ColumnTable t;
  add_fields(t, u, unit_fields());
  add_disentanglement(t, u, label_sets);
  add_axis_columns(t, u, axes);
  return t;
}

bool has_track_scores(const std::vector<EvaluationRecord>& e) {
  return std::any_of(e.begin(), e.end(), [](const auto& row) { return !row.track_external.empty(); });
}

std::string latents_path(std::int64_t unit) { return "/latents/" + std::to_string(unit); }
std::string assignments_path(std::int64_t unit) { return "/assignments/" + std::to_string(unit); }
std::string assignment_column(const EvaluationRecord& e) { return e.method + "_k" + std::to_string(e.k); }

io::ColumnTable evaluations_table(const std::vector<EvaluationRecord>& e,
                                    const std::vector<std::string>& label_sets) {
  return evaluations_table(e, label_sets, has_track_scores(e));
}

io::ColumnTable evaluations_table(const std::vector<EvaluationRecord>& e,
                                    const std::vector<std::string>& label_sets, bool per_track) {
  io::ColumnTable t;
  add_fields(t, e, evaluation_fields());
  const std::size_t width = label_sets.size() * external_metric_names().size();
  std::vector<std::vector<double>> external(width), track(per_track ? width : 0);
  for (auto* columns : {&external, &track})
    for (auto& values : *columns) values.reserve(e.size());
  const auto add = [&](std::vector<std::vector<double>>& columns, const std::vector<double>& row_values,
                       const EvaluationRecord& row) {
    if (!row_values.empty() && row_values.size() != width)
      throw UserError("evaluation of unit " + std::to_string(row.unit) + " (" + row.method + " k=" +
                      std::to_string(row.k) + ") has " + std::to_string(row_values.size()) +
                      " external scores; expected " + std::to_string(width) + " for " +
                      std::to_string(label_sets.size()) + " label set(s)");
    for (std::size_t j = 0; j < columns.size(); ++j)
      columns[j].push_back(row_values.empty() ? std::numeric_limits<double>::quiet_NaN() : row_values[j]);
  };
  // Counts: 0 for a row without scores of that kind (a failed unit; no tracks).
  std::vector<std::vector<std::int64_t>> scored(label_sets.size()), track_scored(per_track ? label_sets.size() : 0);
  const auto add_counts = [&](std::vector<std::vector<std::int64_t>>& columns, const std::vector<std::int64_t>& counts) {
    for (std::size_t j = 0; j < columns.size(); ++j) columns[j].push_back(j < counts.size() ? counts[j] : 0);
  };
  for (const auto& row : e) {
    add(external, row.external, row);
    add_counts(scored, row.scored);
    if (per_track) {
      add(track, row.track_external, row);
      add_counts(track_scored, row.track_scored);
    }
  }
  const auto names = external_columns(label_sets, false), track_names = external_columns(label_sets, true);
  for (std::size_t j = 0; j < external.size(); ++j) t.add_column(names[j], std::move(external[j]));
  for (std::size_t j = 0; j < track.size(); ++j) t.add_column(track_names[j], std::move(track[j]));
  const auto scored_names = scored_columns(label_sets, false), track_scored_names = scored_columns(label_sets, true);
  for (std::size_t j = 0; j < scored.size(); ++j) t.add_column(scored_names[j], std::move(scored[j]));
  for (std::size_t j = 0; j < track_scored.size(); ++j) t.add_column(track_scored_names[j], std::move(track_scored[j]));
  return t;
}

void records_from_tables(const io::ColumnTable& units, const io::ColumnTable& evaluations,
                         const std::vector<std::string>& label_sets, const UnitsLayout& layout,
                         std::vector<UnitRecord>& unit_records, std::vector<EvaluationRecord>& evaluation_records) {
  std::vector<UnitRecord> u(units.rows());
  get_fields(units, "/units", u, unit_fields());
  std::vector<AxisValues> axes;
  reading("/units", [&] { axes = read_axis_values(units, layout); });
  for (std::size_t i = 0; i < u.size(); ++i) u[i].axis_values = std::move(axes[i]);

  std::vector<EvaluationRecord> e(evaluations.rows());
  get_fields(evaluations, "/evaluations", e, evaluation_fields());
  get_external(evaluations, label_sets, e);
  get_disentanglement(units, label_sets, u);

  append(unit_records, std::move(u));
  append(evaluation_records, std::move(e));
}

}  // namespace vaesweep::results
