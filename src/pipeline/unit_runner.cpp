#include "pipeline/unit_runner.hpp"

#include <algorithm>
#include <chrono>
#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <limits>
#include <map>
#include <optional>
#include <set>
#include <thread>

#include "cluster/pca.hpp"
#include "cluster/umap.hpp"
#include "util/error.hpp"
#include "util/hash.hpp"
#include "util/log.hpp"
#include "util/rng.hpp"
#include "metrics/external.hpp"
#include "metrics/internal.hpp"
#include "metrics/track_votes.hpp"
#include "metrics/trustworthiness.hpp"
#include "data/modalities.hpp"
#include "pipeline/partition.hpp"
#include "pipeline/pca_fit_cache.hpp"
#include "results/stored_arrays.hpp"
#include "pipeline/unit_disentanglement.hpp"
#include "study/study_choices.hpp"
#include "models/stacked_training.hpp"
#include "models/vae.hpp"

namespace vaesweep::pipeline {
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
  double trustworthiness = std::numeric_limits<double>::quiet_NaN();  // of a projection
};

models::Architecture architecture(const WorkUnit& unit) {
  if (unit.model.kind != ModelKind::conv_vae) return models::Architecture::mlp;
  if (unit.model.convolution == ConvolutionKind::conv1d) return models::Architecture::conv1d;
  if (unit.model.convolution == ConvolutionKind::conv2d) return models::Architecture::conv2d;
  return unit.features.kind == FeatureKind::logmel ? models::Architecture::conv2d : models::Architecture::conv1d;
}

// What a checkpoint needs beside the weights to encode new data the way this unit did.
std::map<std::string, std::string> checkpoint_notes(const WorkUnit& unit, const data::FeatureTable& features) {
  std::map<std::string, std::string> notes = {{"config_hash", unit.config_hash},
                                              {"unit", std::to_string(unit.index)},
                                              {"label", unit.label()},
                                              {"model", to_string(unit.model.kind)},
                                              {"canonical", unit.canonical}};
  std::string names;
  for (std::size_t j = 0; j < features.feature_names.size(); ++j)
    if (!unit.features.fuses_late() || j < static_cast<std::size_t>(features.blocks.front().cols))
      names += (names.empty() ? "" : "\n") + features.feature_names[j];
  notes["feature_names"] = names;
  notes["standardize"] = unit.features.standardize ? "1" : "0";
  notes["modalities"] = std::string(unit.features.audio ? "audio" : "") +
                        (unit.features.audio && unit.features.text ? "+" : "") + (unit.features.text ? "text" : "");
  notes["fusion"] = name_of(kFusionNames, unit.features.fusion);
  if (unit.model.kind == ModelKind::cvae) {
    const auto& set = features.label(unit.model.condition_on);
    notes["condition_on"] = set.name;
    std::string classes;
    for (const auto& c : set.classes) classes += (classes.empty() ? "" : "\n") + c;
    notes["condition_classes"] = classes;
  }
  return notes;
}

// The reconstruction examples as UnitRecord::reconstructions text.
std::string reconstruction_text(const models::TrainResult& t, const data::FeatureTable& features) {
  std::string out;
  char number[32];
  const auto append_row = [&](const Eigen::MatrixXd& M, Eigen::Index i) {
    for (Eigen::Index j = 0; j < M.cols(); ++j) {
      std::snprintf(number, sizeof number, "%s%.9g", j ? " " : "", M(i, j));
      out += number;
    }
  };
  for (std::size_t e = 0; e < t.example_rows.size(); ++e) {
    const auto i = static_cast<Eigen::Index>(e);
    out += (e ? ";" : "") + features.ids.at(static_cast<std::size_t>(t.example_rows[e])) + ":";
    append_row(t.example_input, i);
    out += "|";
    append_row(t.example_output, i);
  }
  return out;
}

// Who trains the unit's model: stacked as asked (every architecture); batched as asked for the
// MLP family; torch otherwise (conv_vae under batched, as before the stacked engine).
models::Engine engine_of(const WorkUnit& unit) {
  if (!unit.model.trained()) return models::Engine::torch;
  if (unit.model.engine == TrainingEngine::stacked) return models::Engine::stacked;
  if (unit.model.engine == TrainingEngine::batched && architecture(unit) == models::Architecture::mlp)
    return models::Engine::batched;
  return models::Engine::torch;
}

}  // namespace

std::string torch_need(const WorkUnit& unit) {
  if (!unit.model.trained()) return "";
  switch (engine_of(unit)) {
    case models::Engine::torch: return "unit " + unit.label() + ": the torch engine";
    case models::Engine::stacked: return "unit " + unit.label() + ": the stacked engine";
    case models::Engine::batched: break;
  }
  return unit.model.checkpoints ? "unit " + unit.label() + ": writing its checkpoint (model.checkpoints)" : "";
}

namespace {

std::string engine_name(models::Engine engine) {
  switch (engine) {
    case models::Engine::batched: return "batched";
    case models::Engine::stacked: return "stacked";
    case models::Engine::torch: break;
  }
  return "torch";
}

// What the model of a trained unit sees: the audio block under late fusion (its latent space is
// joined with the text vectors afterwards), else the whole feature matrix.
Eigen::MatrixXd training_input(const WorkUnit& unit, const data::FeatureTable& features) {
  return unit.features.fuses_late() ? data::block_columns(features, "audio") : features.X;
}

models::VaeParams training_params(const WorkUnit& unit, const data::FeatureTable& features, const RunContext& context) {
  const ModelSpec& m = unit.model;
  models::VaeParams params;
  params.architecture = architecture(unit);
  params.variational = m.variational();
  params.hidden = m.hidden;
  params.input_shape = features.shape;
  params.latent_dim = m.latent_dim;
  params.beta = m.beta;
  params.kl_schedule =
      m.kl_schedule == KlWeightSchedule::linear ? models::KlSchedule::linear : models::KlSchedule::constant;
  params.warmup_epochs = m.warmup_epochs;
  params.epochs = m.epochs;
  params.batch_size = m.batch_size;
  params.learning_rate = m.learning_rate;
  params.seed = unit.seed;
  params.engine = engine_of(unit);
  params.device = params.engine == models::Engine::batched ? "cpu" : context.device;
  params.should_abandon = context.abandon;
  if (m.kind == ModelKind::cvae) {
    const data::LabelSet& condition = features.label(m.condition_on);
    params.condition = data::one_hot(condition, condition.classes, features.ids, unit.label());
  }
  if (m.checkpoints && !context.checkpoint_dir.empty()) {
    std::filesystem::create_directories(context.checkpoint_dir);
    params.checkpoint = context.checkpoint_dir / (unit.config_hash + ".pt");
    params.checkpoint_notes = checkpoint_notes(unit, features);
  }
  params.reconstruction_examples = m.reconstruction_examples;
  return params;
}

// The unit's record and latent space from its training result.
LatentSpace take_trained(const WorkUnit& unit, const data::FeatureTable& features, const RunContext& context,
                         const models::VaeParams& params, models::TrainResult t, results::UnitRecord& record) {
  const ModelSpec& m = unit.model;
  if (m.kind == ModelKind::cvae) record.condition_on = m.condition_on;
  record.engine = engine_name(params.engine);
  record.precision = "float32";  // every engine trains in float32
  record.device = params.device;
  record.epochs_run = t.epochs_run;
  record.train_seconds = t.seconds;
  record.loss = t.loss;
  record.reconstruction = t.reconstruction;
  record.kl = t.kl;
  record.active_units = t.active_units;
  record.kl_per_dim = join_numbers(t.kl_per_dim);
  if (t.abandoned) {
    record.status = results::UnitStatus::abandoned;
    record.message = t.message;
    return {};
  }
  if (t.diverged) {
    record.status = results::UnitStatus::diverged;
    record.message = t.message;
    return {std::move(t.latent_mean), to_string(m.kind) + "_latent"};
  }
  record.collapsed = t.active_units == 0;
  record.reconstructions = reconstruction_text(t, features);
  if (!params.checkpoint.empty() && std::filesystem::exists(params.checkpoint))
    record.checkpoint = std::filesystem::relative(params.checkpoint, context.results_folder).string();
  return {std::move(t.latent_mean), to_string(m.kind) + "_latent"};
}

// How many members of a stack train at once: what fits VAESWEEP_DEVICE_MEMORY_GB by the
// stacked engine's estimate (on a GPU 8 GiB per rank when unset, so that several ranks can
// share one; on the CPU no limit when unset); every member at once for the other engines.
std::size_t members_per_part(const std::vector<models::VaeParams>& params, const Eigen::MatrixXd& X) {
  const models::VaeParams& first = params.front();
  if (first.engine != models::Engine::stacked) return params.size();
  double gigabytes = first.device.rfind("cuda", 0) == 0 ? 8.0 : 0.0;
  if (const char* text = std::getenv("VAESWEEP_DEVICE_MEMORY_GB"); text != nullptr && std::atof(text) > 0)
    gigabytes = std::atof(text);
  if (gigabytes <= 0) return params.size();
  const double per_member = static_cast<double>(models::stacked_bytes_per_member(first, X.rows(), X.cols()));
  return std::clamp<std::size_t>(static_cast<std::size_t>(gigabytes * 1073741824.0 / per_member), 1, params.size());
}

// Trains the unit's model, or takes `trained`: its result from a batch trained with others.
LatentSpace train_model(const WorkUnit& unit, const data::FeatureTable& features, const Eigen::MatrixXd& X,
                        const RunContext& context, models::TrainResult* trained, results::UnitRecord& record) {
  const models::VaeParams params = training_params(unit, features, context);
  record.trained_with = 1;
  if (trained) return take_trained(unit, features, context, params, std::move(*trained), record);
  return take_trained(unit, features, context, params, models::train_vae(X, params), record);
}

LatentSpace fit_model(const WorkUnit& unit, const data::FeatureTable& features, const RunContext& context,
                      models::TrainResult* trained, results::UnitRecord& record) {
  const ModelSpec& m = unit.model;
  if (m.kind == ModelKind::raw) return {features.X, "features"};  // direct feature clustering
  // Late fusion: the model sees the audio columns; the text vectors join its latent space.
  const bool late = unit.features.fuses_late();
  const Eigen::MatrixXd audio = late ? data::block_columns(features, "audio") : Eigen::MatrixXd();
  const Eigen::MatrixXd& X = late ? audio : features.X;
  LatentSpace space;
  if (m.kind == ModelKind::pca) {
    const auto start = std::chrono::steady_clock::now();
    const bool keeps_full = context.full_pca_groups.count(unit.group_hash) > 0;
    const cluster::PcaSolver solver = m.pca_solver != "auto" ? cluster::parse_pca_solver(m.pca_solver)
                                      : keeps_full           ? cluster::PcaSolver::full
                                                             : cluster::auto_pca_solver(X.rows(), X.cols(), m.latent_dim);
    record.pca_solver = cluster::to_string(solver);
    // Units that differ only in seed or clustering settings share one fit (pca_fit_cache.hpp).
    const CachedPca p = fit_pca_once(X, m.latent_dim, solver);
    record.train_seconds = seconds_since(start);
    record.reused_fit = p.reused ? 1 : 0;
    const Eigen::RowVectorXd variance = p.fit->transformed.array().square().colwise().mean();
    record.active_units = (variance.array() > models::kActiveUnitThreshold).count();
    space = {p.fit->transformed, "pca"};
  } else {
    space = train_model(unit, features, X, context, trained, record);
    if (record.status != results::UnitStatus::ok) return space;
  }
  if (!late) return space;
  space.Z = data::balanced_concat({{space.Z, unit.features.audio_weight},
                                   {data::block_columns(features, "text"), unit.features.text_weight}});
  space.name += "+text";
  return space;
}

results::EvaluationRecord empty_evaluation(const WorkUnit& unit, const std::string& method, int k, const std::string& space,
                                  results::UnitStatus status) {
  results::EvaluationRecord e;
  e.unit = unit.index;
  e.config_hash = unit.config_hash;
  e.method = method;
  e.k = k;
  e.space = space;
  e.status = status;
  e.inertia = e.silhouette = e.calinski_harabasz = e.davies_bouldin = e.trustworthiness = kNaN;
  e.external.assign(unit.evaluation.label_sets.size() * results::external_metric_names().size(), kNaN);
  e.scored.assign(unit.evaluation.label_sets.size(), 0);
  return e;
}

// A label set whose scores are withheld: the one a cvae was conditioned on, unless the study
// allows scoring it (the rows are then flagged conditioned).
bool withheld(const WorkUnit& unit, const std::string& set_name) {
  return unit.model.kind == ModelKind::cvae && set_name == unit.model.condition_on &&
         !unit.evaluation.allow_conditioned_scoring;
}

// The external scores of one labelling against every label set, in external_metric_names()
// order per set; NaN for a withheld set. `pred` holds the predictions of `rows` (of tracks
// when `tracks` is given: one per track of those rows). A row (track) unlabelled in a set is
// left out of that set's scores; `scored` gets how many were scored per set.
std::vector<double> external_row(const WorkUnit& unit, const data::FeatureTable& features,
                                 const std::vector<std::size_t>& rows, const std::vector<int>& pred,
                                 const metrics::TrackIndex* tracks, std::vector<std::int64_t>& scored) {
  std::vector<double> out;
  scored.assign(unit.evaluation.label_sets.size(), 0);
  for (std::size_t s = 0; s < unit.evaluation.label_sets.size(); ++s) {
    const std::string& set_name = unit.evaluation.label_sets[s];
    if (withheld(unit, set_name)) {
      out.insert(out.end(), results::external_metric_names().size(), kNaN);
      continue;
    }
    const auto& codes = features.label(set_name).codes;
    std::vector<int> truth;
    truth.reserve(rows.size());
    for (std::size_t r : rows) truth.push_back(codes[r]);
    if (tracks) truth = metrics::track_labels(*tracks, truth);  // a track's rows share its labels
    std::vector<int> labelled_truth, labelled_pred;
    for (std::size_t i = 0; i < truth.size(); ++i)
      if (truth[i] != data::LabelSet::kUnlabelled) {
        labelled_truth.push_back(truth[i]);
        labelled_pred.push_back(pred[i]);
      }
    scored[s] = static_cast<std::int64_t>(labelled_truth.size());
    if (labelled_truth.empty()) {
      out.insert(out.end(), results::external_metric_names().size(), kNaN);
      continue;
    }
    const metrics::ExternalScores sc = metrics::external_scores(labelled_truth, labelled_pred);
    for (double v : {sc.ari, sc.nmi, sc.ami, sc.purity, sc.homogeneity, sc.completeness, sc.v_measure, sc.fowlkes_mallows})
      out.push_back(v);
  }
  return out;
}

// One (method, k) of a unit on its way to a result row: partitioned, waiting for its scores.
struct PendingEvaluation {
  results::EvaluationRecord e;
  metrics::RowLabels kept;  // the partition without DBSCAN noise (noise is left out of every score)
  bool internal = false;    // the internal metrics apply: 2 <= clusters found < kept rows
  std::string error;        // non-empty: the row failed with this message
};

// Clusters the space for (method, k) and fills what the partition alone gives.
PendingEvaluation partition(const WorkUnit& unit, const LatentSpace& space, Partitioner& partitioner,
                            ClusterMethod method, int k) {
  PendingEvaluation pe;
  results::EvaluationRecord& e = pe.e = empty_evaluation(unit, to_string(method), k, space.name, results::UnitStatus::ok);
  const Partition part = partitioner.run(method, k);
  e.inertia = part.inertia;
  e.noise_fraction = part.noise_fraction;
  e.trustworthiness = space.trustworthiness;
  if (unit.evaluation.store_assignments) e.assignment.assign(part.labels.begin(), part.labels.end());
  // DBSCAN noise is left out of every score; noise_fraction says how much was left out.
  for (std::size_t r = 0; r < part.labels.size(); ++r)
    if (part.labels[r] >= 0) {
      pe.kept.rows.push_back(r);
      pe.kept.labels.push_back(part.labels[r]);
    }
  e.clusters_found = static_cast<std::int64_t>(std::set<int>(pe.kept.labels.begin(), pe.kept.labels.end()).size());
  // Internal metrics in the space that was clustered (DESIGN.md, evaluation integrity 3); they
  // need at least two clusters, which a degenerate latent space may not give.
  pe.internal = e.clusters_found >= 2 && e.clusters_found < static_cast<std::int64_t>(pe.kept.rows.size());
  return pe;
}

// The silhouettes of every pending row that takes one. With several evaluations in the unit
// they come from one pass over the space's pairwise distances (metrics::silhouettes: each
// distance computed once for all partitions, never stored); a lone evaluation is scored on its
// own rows.
void score_silhouettes(const LatentSpace& space, std::size_t evaluations, std::vector<PendingEvaluation>& pending) {
  std::vector<PendingEvaluation*> scored;
  for (PendingEvaluation& pe : pending)
    if (pe.error.empty() && pe.internal) scored.push_back(&pe);
  if (scored.empty()) return;
  try {
    if (evaluations == 1) {
      PendingEvaluation& pe = *scored.front();
      const bool all_rows = pe.kept.rows.size() == static_cast<std::size_t>(space.Z.rows());
      pe.e.silhouette = all_rows ? metrics::silhouette(space.Z, pe.kept.labels)
                                 : metrics::silhouette(space.Z(pe.kept.rows, Eigen::all), pe.kept.labels);
      return;
    }
    std::vector<metrics::RowLabels> partitions;
    for (const PendingEvaluation* pe : scored) partitions.push_back(pe->kept);
    const std::vector<double> values = metrics::silhouettes(space.Z, partitions);
    for (std::size_t i = 0; i < scored.size(); ++i) scored[i]->e.silhouette = values[i];
  } catch (const std::exception& ex) {
    for (PendingEvaluation* pe : scored) pe->error = ex.what();  // each row that needed it fails
  }
}

// The remaining scores of a partitioned row: Calinski-Harabasz, Davies-Bouldin and the external
// scores (per row and, for a segmented table, per track).
void finish(const WorkUnit& unit, const data::FeatureTable& features, const LatentSpace& space,
            PendingEvaluation& pe) {
  results::EvaluationRecord& e = pe.e;
  const std::vector<std::size_t>& rows = pe.kept.rows;
  const std::vector<int>& labels = pe.kept.labels;
  if (rows.empty()) return;
  if (pe.internal) {
    Eigen::MatrixXd kept;
    const bool all_rows = rows.size() == static_cast<std::size_t>(space.Z.rows());
    if (!all_rows) kept = space.Z(rows, Eigen::all);
    const Eigen::MatrixXd& Z = all_rows ? space.Z : kept;
    e.calinski_harabasz = metrics::calinski_harabasz(Z, labels);
    e.davies_bouldin = metrics::davies_bouldin(Z, labels);
  }
  e.external = external_row(unit, features, rows, labels, nullptr, e.scored);
  e.conditioned = unit.model.kind == ModelKind::cvae && unit.evaluation.allow_conditioned_scoring &&
                  std::find(unit.evaluation.label_sets.begin(), unit.evaluation.label_sets.end(), unit.model.condition_on) !=
                      unit.evaluation.label_sets.end();
  if (features.track_ids.size() != features.rows()) return;  // a table without track ids
  std::vector<std::string> track_ids;
  for (std::size_t r : rows) track_ids.push_back(features.track_ids[r]);
  const metrics::TrackIndex tracks = metrics::track_index(track_ids);
  if (tracks.segmented())
    e.track_external =
        external_row(unit, features, rows, metrics::track_majority(tracks, labels), &tracks, e.track_scored);
}

// The space the clusterers see: the latent space, or its UMAP projection (with the projection's
// trustworthiness, 15 neighbours, so a distorting projection is visible next to its scores).
LatentSpace clustered_space(const WorkUnit& unit, LatentSpace latent) {
  if (unit.cluster.projection != LatentProjection::umap) return latent;
  cluster::UmapParams params;
  params.n_components = unit.cluster.umap_components;
  params.n_neighbors = unit.cluster.umap_neighbors;
  params.min_dist = unit.cluster.umap_min_dist;
  params.seed = clustering_seed(unit.seed, "umap", 0);
  LatentSpace projected;
  projected.Z = cluster::umap(latent.Z, params).embedding;
  projected.name = latent.name + "+umap";
  const int neighbours = std::min<int>(15, static_cast<int>((latent.Z.rows() - 1) / 2));
  if (neighbours >= 1) projected.trustworthiness = metrics::trustworthiness(latent.Z, projected.Z, neighbours);
  return projected;
}

// Asks the context whether to give the unit up; if so marks it abandoned (not recorded).
bool abandoning(const RunContext& context, results::UnitRecord& record) {
  if (!context.abandon || !context.abandon()) return false;
  record.status = results::UnitStatus::abandoned;
  record.message = "given up: the sweep is stopping and the grace period is over";
  return true;
}

// model.kind = "noop", an engine benchmark stand-in: it trains and clusters nothing. It sleeps
// model.noop_seconds (standing in for training), then fills the usual rows with draws in [0, 1)
// from derive_seed(unit seed, ...), so that schedulers and `rank` have numbers to work with at
// scale. The numbers are pseudo-random draws, not results: they mean nothing about the data.
void run_noop(const WorkUnit& unit, const RunContext& context, UnitOutcome& out) {
  const auto start = std::chrono::steady_clock::now();
  // The sleep stands in for training, so it answers a stop as training does (per "epoch").
  const auto end = start + std::chrono::duration_cast<std::chrono::steady_clock::duration>(
                               std::chrono::duration<double>(unit.model.noop_seconds));
  for (auto now = start; now < end; now = std::chrono::steady_clock::now()) {
    if (abandoning(context, out.unit)) return;
    std::this_thread::sleep_for(std::min<std::chrono::steady_clock::duration>(end - now, std::chrono::milliseconds(50)));
  }
  out.unit.train_seconds = seconds_since(start);
  out.unit.active_units = 0;
  for (ClusterMethod method : unit.cluster.methods) {
    for (int k : evaluated_ks(method, unit.cluster.ks)) {
      results::EvaluationRecord e = empty_evaluation(unit, to_string(method), k, "noop", results::UnitStatus::ok);
      const std::uint64_t base = clustering_seed(unit.seed, to_string(method), k);
      std::uint64_t slot = 0;
      // The top 53 bits of a derived seed, scaled: exactly representable, in [0, 1).
      const auto draw = [&] { return static_cast<double>(derive_seed(base, {slot++}) >> 11) * 0x1.0p-53; };
      for (double* metric : {&e.inertia, &e.silhouette, &e.calinski_harabasz, &e.davies_bouldin, &e.trustworthiness})
        *metric = draw();
      for (double& v : e.external) v = draw();
      e.clusters_found = k;
      out.evaluations.push_back(std::move(e));
    }
  }
}

}  // namespace

std::uint64_t clustering_seed(std::uint64_t unit_seed, const std::string& method, int k) {
  const std::string h = sha256_hex(method);
  return derive_seed(unit_seed, {std::stoull(h.substr(0, 15), nullptr, 16), static_cast<std::uint64_t>(k)});
}

std::string conditioning_notice(const Study& study) {
  const std::vector<Value> kinds = values_in_grid(study, "model.kind");
  const bool cvae = std::any_of(kinds.begin(), kinds.end(), [](const Value& v) { return v.as_string() == "cvae"; });
  const std::string condition = study.settings.at("model.condition_on").value.as_string();
  const auto sets = label_sets(study.settings);
  if (!cvae || std::find(sets.begin(), sets.end(), condition) == sets.end()) return {};
  if (evaluation_spec(study.settings).allow_conditioned_scoring)
    return "cvae units are conditioned on \"" + condition + "\" and evaluation.allow_conditioned_scoring = true: "
           "their " + condition + " scores are computed anyway and flagged conditioned = 1 (the model was given "
           "those labels; the scores are not an honest result)";
  return "cvae units are conditioned on \"" + condition + "\": their " + condition +
         " scores are withheld (NaN, unit column `withheld`); evaluation.allow_conditioned_scoring = true computes "
         "them, flagged";
}

namespace {

// run_unit, with the model already trained when `trained` is given.
UnitOutcome run_unit_with(const WorkUnit& unit, const data::FeatureTable& features, const RunContext& context,
                          models::TrainResult* trained) {
  UnitOutcome out;
  results::UnitRecord& r = out.unit;
  r.unit = unit.index;
  r.config_hash = unit.config_hash;
  r.group_hash = unit.group_hash;
  r.feature_hash = unit.feature_hash;
  r.model = to_string(unit.model.kind);
  r.axes = unit.axes_text(false);
  r.axis_values = results::unit_axis_values(unit);
  r.beta = unit.model.variational() ? unit.model.beta : kNaN;
  r.latent_dim = unit.model.kind == ModelKind::raw ? features.X.cols() : unit.model.latent_dim;
  r.seed = static_cast<std::int64_t>(unit.seed);
  r.status = results::UnitStatus::ok;
  r.rank = context.rank;
  r.host = context.host;
  r.device = unit.model.trained() ? context.device : "cpu";
  for (const auto& set : unit.evaluation.label_sets)
    if (withheld(unit, set)) r.withheld = set;
  r.loss = r.reconstruction = r.kl = kNaN;

  if (unit.model.kind == ModelKind::noop) {
    run_noop(unit, context, out);
    return out;
  }

  LatentSpace space;
  try {
    space = fit_model(unit, features, context, trained, r);
  } catch (const std::exception& e) {
    r.status = results::UnitStatus::failed;
    r.message = e.what();
  }
  if (r.status == results::UnitStatus::abandoned) return out;
  const auto eval_start = std::chrono::steady_clock::now();
  if (r.status == results::UnitStatus::ok) {
    // In the space the model gave, not its UMAP projection: the latent means' dimensions are
    // what disentanglement is about. A failure here costs these scores only.
    std::vector<std::string> withheld_sets;
    for (const auto& set : unit.evaluation.label_sets)
      if (withheld(unit, set)) withheld_sets.push_back(set);
    try {
      score_disentanglement(space.Z, features, unit.evaluation.label_sets, withheld_sets, r);
    } catch (const std::exception& e) {
      r.message += (r.message.empty() ? "" : "; ") + std::string("disentanglement: ") + e.what();
    }
    try {
      space = clustered_space(unit, std::move(space));
    } catch (const std::exception& e) {
      r.status = results::UnitStatus::failed;
      r.message = std::string("projection: ") + e.what();
    }
  }
  std::optional<Partitioner> partitioner;
  if (r.status == results::UnitStatus::ok) partitioner.emplace(space.Z, unit.cluster, unit.seed);
  if (r.status == results::UnitStatus::ok && unit.evaluation.store_latents) results::keep_latent(space.Z, r);
  std::size_t evaluations = 0;
  for (ClusterMethod method : unit.cluster.methods) evaluations += evaluated_ks(method, unit.cluster.ks).size();
  // Every (method, k) is partitioned first, then the partitions are scored together: what all
  // of them need from the space (its pairwise distances, for the silhouettes) is computed once.
  std::vector<PendingEvaluation> pending;
  for (ClusterMethod method : unit.cluster.methods) {
    for (int k : evaluated_ks(method, unit.cluster.ks)) {
      if (r.status != results::UnitStatus::ok) {
        PendingEvaluation& pe = pending.emplace_back();
        pe.e = empty_evaluation(unit, to_string(method), k, space.name, r.status);
        continue;
      }
      if (abandoning(context, r)) return out;
      try {
        pending.push_back(partition(unit, space, *partitioner, method, k));
      } catch (const std::exception& e) {
        // A bad clustering fails its own row, not the unit's other rows.
        PendingEvaluation& pe = pending.emplace_back();
        pe.e = empty_evaluation(unit, to_string(method), k, space.name, results::UnitStatus::ok);
        pe.error = e.what();
      }
    }
  }
  if (r.status == results::UnitStatus::ok) {
    if (abandoning(context, r)) return out;
    score_silhouettes(space, evaluations, pending);
    for (PendingEvaluation& pe : pending) {
      if (!pe.error.empty()) continue;
      try {
        finish(unit, features, space, pe);
      } catch (const std::exception& e) {
        pe.error = e.what();
      }
    }
  }
  for (PendingEvaluation& pe : pending) {
    if (pe.error.empty()) {
      out.evaluations.push_back(std::move(pe.e));
      continue;
    }
    out.evaluations.push_back(empty_evaluation(unit, pe.e.method, pe.e.k, space.name, results::UnitStatus::failed));
    r.message += (r.message.empty() ? "" : "; ") + pe.e.method + " k=" + std::to_string(pe.e.k) + ": " + pe.error;
  }
  r.eval_seconds = seconds_since(eval_start);
  return out;
}

}  // namespace

UnitOutcome run_unit(const WorkUnit& unit, const data::FeatureTable& features, const RunContext& context) {
  return run_unit_with(unit, features, context, nullptr);
}

std::string training_batch_key(const WorkUnit& unit) {
  const models::Engine engine = engine_of(unit);
  if (engine == models::Engine::torch) return {};
  const ModelSpec& m = unit.model;
  std::string key = unit.feature_hash + "|" + to_string(m.kind) + "|" + m.condition_on + "|" +
                    (unit.features.fuses_late() ? "late" : "early") + "|" + engine_name(engine) + "|" +
                    name_of(kConvolutionKindNames, m.convolution);
  for (int width : m.hidden) key += "|" + std::to_string(width);
  for (int size : {m.latent_dim, m.epochs, m.batch_size}) key += "|" + std::to_string(size);
  return key;
}

std::vector<UnitOutcome> run_units_together(const std::vector<WorkUnit>& units, const data::FeatureTable& features,
                                            const RunContext& context) {
  if (units.size() == 1) return {run_unit(units.front(), features, context)};
  std::vector<models::TrainResult> trained;
  std::vector<std::int64_t> together;  // per unit: the models that trained at once with it
  try {
    const std::string key = training_batch_key(units.front());
    for (const WorkUnit& unit : units)
      VAESWEEP_ASSERT(!key.empty() && training_batch_key(unit) == key, "run_units_together: units that cannot train in one batch");
    std::vector<models::VaeParams> params;
    for (const WorkUnit& unit : units) params.push_back(training_params(unit, features, context));
    const auto start = std::chrono::steady_clock::now();
    const Eigen::MatrixXd X = training_input(units.front(), features);
    const std::size_t part = members_per_part(params, X);
    for (std::size_t first = 0; first < params.size(); first += part) {
      const std::size_t last = std::min(first + part, params.size());
      const std::vector<models::VaeParams> members(params.begin() + static_cast<std::ptrdiff_t>(first),
                                                   params.begin() + static_cast<std::ptrdiff_t>(last));
      for (auto& t : models::train_vae_group(X, members)) trained.push_back(std::move(t));
      together.insert(together.end(), last - first, static_cast<std::int64_t>(last - first));
    }
    // The batch's wall time, shared: what the sweep paid per model.
    const double seconds = seconds_since(start) / static_cast<double>(units.size());
    for (auto& t : trained) t.seconds = seconds;
  } catch (const std::exception& e) {
    // Whatever stopped the batch (a bad condition table, say) is found again and recorded by
    // each unit on its own.
    log_warn(std::string("a batch of ") + std::to_string(units.size()) + " models could not train together (" +
             e.what() + "); training them one by one");
    std::vector<UnitOutcome> alone;
    for (const WorkUnit& unit : units) alone.push_back(run_unit(unit, features, context));
    return alone;
  }
  std::vector<UnitOutcome> out;
  for (std::size_t i = 0; i < units.size(); ++i) {
    out.push_back(run_unit_with(units[i], features, context, &trained[i]));
    out.back().unit.trained_with = together[i];
  }
  return out;
}

}  // namespace vaesweep::pipeline
