#include "sweep/unit_runner.hpp"

#include <chrono>
#include <cmath>
#include <limits>
#include <set>

#include "cluster/kmeans.hpp"
#include "cluster/pca.hpp"
#include "core/error.hpp"
#include "core/hash.hpp"
#include "core/rng.hpp"
#include "metrics/external.hpp"
#include "metrics/internal.hpp"
#include "metrics/track_votes.hpp"
#include "models/vae.hpp"

namespace vaesweep::sweep {
namespace {

constexpr double kNaN = std::numeric_limits<double>::quiet_NaN();

double seconds_since(std::chrono::steady_clock::time_point start) {
  return std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
}

std::string join_numbers(const std::vector<double>& values) {
  std::string out;
  for (double v : values) out += (out.empty() ? "" : ";") + Value(v).display();
  return out;
}

// A latent space and what produced it.
struct LatentSpace {
  Eigen::MatrixXd Z;
  std::string name;
};

LatentSpace fit_model(const WorkUnit& unit, const data::FeatureTable& features, const RunContext& context,
                      UnitRecord& record) {
  const ModelSpec& m = unit.model;
  if (m.kind == ModelKind::pca) {
    const auto start = std::chrono::steady_clock::now();
    cluster::PcaResult p = cluster::pca(features.X, m.latent_dim);
    record.train_seconds = seconds_since(start);
    const Eigen::RowVectorXd variance = p.transformed.array().square().colwise().mean();
    record.active_units = (variance.array() > models::kActiveUnitThreshold).count();
    return {std::move(p.transformed), "pca"};
  }
  models::VaeParams params;
  params.hidden = m.hidden;
  params.latent_dim = m.latent_dim;
  params.beta = m.beta;
  params.epochs = m.epochs;
  params.batch_size = m.batch_size;
  params.learning_rate = m.learning_rate;
  params.seed = unit.seed;
  params.device = context.device;
  models::TrainResult t = models::train_vae(features.X, params);
  record.epochs_run = t.epochs_run;
  record.train_seconds = t.seconds;
  record.loss = t.loss;
  record.reconstruction = t.reconstruction;
  record.kl = t.kl;
  record.active_units = t.active_units;
  record.kl_per_dim = join_numbers(t.kl_per_dim);
  if (t.diverged) {
    record.status = "diverged";
    record.message = t.message;
  }
  return {std::move(t.latent_mean), "vae_latent"};
}

EvaluationRecord empty_evaluation(const WorkUnit& unit, const std::string& method, int k, const std::string& space,
                                  const std::string& status) {
  EvaluationRecord e;
  e.unit = unit.index;
  e.config_hash = unit.config_hash;
  e.method = method;
  e.k = k;
  e.space = space;
  e.status = status;
  e.inertia = e.silhouette = e.calinski_harabasz = e.davies_bouldin = kNaN;
  e.external.assign(unit.label_sets.size() * external_metric_names().size(), kNaN);
  return e;
}

EvaluationRecord evaluate(const WorkUnit& unit, const data::FeatureTable& features, const metrics::TrackIndex& tracks,
                          const LatentSpace& space, ClusterMethod method, int k) {
  EvaluationRecord e = empty_evaluation(unit, to_string(method), k, space.name, "ok");
  cluster::KMeansParams params;
  params.k = k;
  params.n_init = unit.cluster.n_init;
  params.max_iter = unit.cluster.max_iter;
  params.seed = clustering_seed(unit.seed, e.method, k);
  const cluster::KMeansResult fit = cluster::kmeans(space.Z, params);
  e.inertia = fit.inertia;
  e.clusters_found = static_cast<std::int64_t>(std::set<int>(fit.labels.begin(), fit.labels.end()).size());
  // Internal metrics in the space that was clustered (DESIGN.md, evaluation integrity 3); they
  // need at least two clusters, which a degenerate latent space may not give.
  if (e.clusters_found >= 2 && e.clusters_found < static_cast<std::int64_t>(space.Z.rows())) {
    e.silhouette = metrics::silhouette(space.Z, fit.labels);
    e.calinski_harabasz = metrics::calinski_harabasz(space.Z, fit.labels);
    e.davies_bouldin = metrics::davies_bouldin(space.Z, fit.labels);
  }
  std::size_t i = 0;
  for (const auto& set_name : unit.label_sets) {
    const auto& truth = features.label(set_name).codes;
    e.external[i++] = metrics::adjusted_rand_index(truth, fit.labels);
    e.external[i++] = metrics::normalized_mutual_info(truth, fit.labels);
    e.external[i++] = metrics::purity(truth, fit.labels);
  }
  if (tracks.segmented()) {
    const std::vector<int> predicted = metrics::track_majority(tracks, fit.labels);
    for (const auto& set_name : unit.label_sets) {
      const std::vector<int> truth = metrics::track_labels(tracks, features.label(set_name).codes);
      e.track_external.push_back(metrics::adjusted_rand_index(truth, predicted));
      e.track_external.push_back(metrics::normalized_mutual_info(truth, predicted));
      e.track_external.push_back(metrics::purity(truth, predicted));
    }
  }
  return e;
}

}  // namespace

std::uint64_t clustering_seed(std::uint64_t unit_seed, const std::string& method, int k) {
  const std::string h = sha256_hex(method);
  return derive_seed(unit_seed, {std::stoull(h.substr(0, 15), nullptr, 16), static_cast<std::uint64_t>(k)});
}

UnitOutcome run_unit(const WorkUnit& unit, const data::FeatureTable& features, const RunContext& context) {
  UnitOutcome out;
  UnitRecord& r = out.unit;
  r.unit = unit.index;
  r.config_hash = unit.config_hash;
  r.group_hash = unit.group_hash;
  r.feature_hash = unit.feature_hash;
  r.model = to_string(unit.model.kind);
  r.axes = unit.axes_text(false);
  r.beta = unit.model.kind == ModelKind::vae ? unit.model.beta : kNaN;
  r.latent_dim = unit.model.latent_dim;
  r.seed = static_cast<std::int64_t>(unit.seed);
  r.status = "ok";
  r.rank = context.rank;
  r.host = context.host;
  r.device = unit.model.kind == ModelKind::vae ? context.device : "cpu";
  r.loss = r.reconstruction = r.kl = kNaN;

  LatentSpace space;
  try {
    space = fit_model(unit, features, context, r);
  } catch (const std::exception& e) {
    r.status = "failed";
    r.message = e.what();
  }
  const auto eval_start = std::chrono::steady_clock::now();
  const metrics::TrackIndex tracks = metrics::track_index(features.track_ids);
  for (ClusterMethod method : unit.cluster.methods) {
    for (int k : unit.cluster.ks) {
      if (r.status != "ok") {
        out.evaluations.push_back(empty_evaluation(unit, to_string(method), k, space.name, r.status));
        continue;
      }
      try {
        out.evaluations.push_back(evaluate(unit, features, tracks, space, method, k));
      } catch (const std::exception& e) {
        // A bad clustering fails its own row, not the unit's other rows.
        out.evaluations.push_back(empty_evaluation(unit, to_string(method), k, space.name, "failed"));
        r.message += (r.message.empty() ? "" : "; ") + to_string(method) + " k=" + std::to_string(k) + ": " + e.what();
      }
    }
  }
  r.eval_seconds = seconds_since(eval_start);
  return out;
}

}  // namespace vaesweep::sweep
