#include "sweep/records.hpp"

#include <algorithm>
#include <limits>

#include "sweep/bytes.hpp"

namespace vaesweep::sweep {

std::string encode(const std::vector<UnitRecord>& units, const std::vector<EvaluationRecord>& evaluations) {
  ByteWriter w;
  w.put<std::uint64_t>(units.size());
  for (const auto& u : units) {
    w.put(u.unit);
    for (const auto* s : {&u.config_hash, &u.group_hash, &u.feature_hash, &u.model, &u.axes, &u.status, &u.message,
                          &u.kl_per_dim, &u.host, &u.device})
      w.put_string(*s);
    w.put(u.beta), w.put(u.latent_dim), w.put(u.seed), w.put(u.epochs_run), w.put(u.train_seconds);
    w.put(u.eval_seconds), w.put(u.loss), w.put(u.reconstruction), w.put(u.kl), w.put(u.active_units), w.put(u.rank);
  }
  w.put<std::uint64_t>(evaluations.size());
  for (const auto& e : evaluations) {
    w.put(e.unit);
    for (const auto* s : {&e.config_hash, &e.method, &e.space, &e.status}) w.put_string(*s);
    w.put(e.k), w.put(e.clusters_found), w.put(e.noise_fraction), w.put(e.inertia), w.put(e.silhouette);
    w.put(e.calinski_harabasz), w.put(e.davies_bouldin), w.put(e.trustworthiness);
    w.put_vector(e.external);
    w.put_vector(e.track_external);
  }
  return w.bytes();
}

void decode(const std::string& bytes, std::vector<UnitRecord>& units, std::vector<EvaluationRecord>& evaluations) {
  ByteReader r(bytes);
  for (auto n = r.get<std::uint64_t>(); n > 0; --n) {
    UnitRecord u;
    u.unit = r.get<std::int64_t>();
    for (auto* s : {&u.config_hash, &u.group_hash, &u.feature_hash, &u.model, &u.axes, &u.status, &u.message,
                    &u.kl_per_dim, &u.host, &u.device})
      *s = r.get_string();
    u.beta = r.get<double>(), u.latent_dim = r.get<std::int64_t>(), u.seed = r.get<std::int64_t>();
    u.epochs_run = r.get<std::int64_t>(), u.train_seconds = r.get<double>(), u.eval_seconds = r.get<double>();
    u.loss = r.get<double>(), u.reconstruction = r.get<double>(), u.kl = r.get<double>();
    u.active_units = r.get<std::int64_t>(), u.rank = r.get<std::int64_t>();
    units.push_back(std::move(u));
  }
  for (auto n = r.get<std::uint64_t>(); n > 0; --n) {
    EvaluationRecord e;
    e.unit = r.get<std::int64_t>();
    for (auto* s : {&e.config_hash, &e.method, &e.space, &e.status}) *s = r.get_string();
    e.k = r.get<std::int64_t>(), e.clusters_found = r.get<std::int64_t>(), e.noise_fraction = r.get<double>();
    e.inertia = r.get<double>(), e.silhouette = r.get<double>(), e.calinski_harabasz = r.get<double>();
    e.davies_bouldin = r.get<double>();
    e.trustworthiness = r.get<double>();
    e.external = r.get_vector<double>();
    e.track_external = r.get_vector<double>();
    evaluations.push_back(std::move(e));
  }
  VAESWEEP_ASSERT(r.done(), "trailing bytes in a results message");
}

namespace {
template <typename Record, typename Field>
auto column(const std::vector<Record>& rows, Field field) {
  std::vector<std::decay_t<decltype(rows.front().*field)>> out;
  out.reserve(rows.size());
  for (const auto& row : rows) out.push_back(row.*field);
  return out;
}
}  // namespace

data::ColumnTable units_table(const std::vector<UnitRecord>& u) {
  data::ColumnTable t;
  t.add_column("unit", column(u, &UnitRecord::unit));
  t.add_column("config_hash", column(u, &UnitRecord::config_hash));
  t.add_column("group_hash", column(u, &UnitRecord::group_hash));
  t.add_column("feature_hash", column(u, &UnitRecord::feature_hash));
  t.add_column("model", column(u, &UnitRecord::model));
  t.add_column("axes", column(u, &UnitRecord::axes));
  t.add_column("beta", column(u, &UnitRecord::beta));
  t.add_column("latent_dim", column(u, &UnitRecord::latent_dim));
  t.add_column("seed", column(u, &UnitRecord::seed));
  t.add_column("status", column(u, &UnitRecord::status));
  t.add_column("message", column(u, &UnitRecord::message));
  t.add_column("epochs_run", column(u, &UnitRecord::epochs_run));
  t.add_column("train_seconds", column(u, &UnitRecord::train_seconds));
  t.add_column("eval_seconds", column(u, &UnitRecord::eval_seconds));
  t.add_column("loss", column(u, &UnitRecord::loss));
  t.add_column("reconstruction", column(u, &UnitRecord::reconstruction));
  t.add_column("kl", column(u, &UnitRecord::kl));
  t.add_column("active_units", column(u, &UnitRecord::active_units));
  t.add_column("kl_per_dim", column(u, &UnitRecord::kl_per_dim));
  t.add_column("rank", column(u, &UnitRecord::rank));
  t.add_column("host", column(u, &UnitRecord::host));
  t.add_column("device", column(u, &UnitRecord::device));
  return t;
}

data::ColumnTable evaluations_table(const std::vector<EvaluationRecord>& e, const std::vector<std::string>& label_sets) {
  data::ColumnTable t;
  t.add_column("unit", column(e, &EvaluationRecord::unit));
  t.add_column("config_hash", column(e, &EvaluationRecord::config_hash));
  t.add_column("method", column(e, &EvaluationRecord::method));
  t.add_column("k", column(e, &EvaluationRecord::k));
  t.add_column("space", column(e, &EvaluationRecord::space));
  t.add_column("status", column(e, &EvaluationRecord::status));
  t.add_column("clusters_found", column(e, &EvaluationRecord::clusters_found));
  t.add_column("noise_fraction", column(e, &EvaluationRecord::noise_fraction));
  t.add_column("inertia", column(e, &EvaluationRecord::inertia));
  t.add_column("silhouette", column(e, &EvaluationRecord::silhouette));
  t.add_column("calinski_harabasz", column(e, &EvaluationRecord::calinski_harabasz));
  t.add_column("davies_bouldin", column(e, &EvaluationRecord::davies_bouldin));
  t.add_column("trustworthiness", column(e, &EvaluationRecord::trustworthiness));
  const auto& names = external_metric_names();
  const bool per_track = std::any_of(e.begin(), e.end(), [](const auto& row) { return !row.track_external.empty(); });
  for (const bool track : {false, true}) {
    if (track && !per_track) break;
    for (std::size_t s = 0; s < label_sets.size(); ++s) {
      for (std::size_t m = 0; m < names.size(); ++m) {
        std::vector<double> values;
        values.reserve(e.size());
        for (const auto& row : e) {
          const auto& source = track ? row.track_external : row.external;
          values.push_back(source.empty() ? std::numeric_limits<double>::quiet_NaN() : source.at(s * names.size() + m));
        }
        t.add_column(names[m] + "_" + label_sets[s] + (track ? "_track" : ""), std::move(values));
      }
    }
  }
  return t;
}

}  // namespace vaesweep::sweep
