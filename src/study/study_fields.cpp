#include "study/study_fields.hpp"

namespace vaesweep {

const std::vector<Field<DataSpec>>& data_fields() {
  using S = DataSpec;
  static const std::vector<Field<S>> fields = {
      bind_key("data.source", &S::source, parse_data_source),
      // Resolved against the study file's folder and the data root in data_spec.
      bind_key("data.path", &S::path_as_written),
      bind_key("data.labels", &S::labels),
      bind_key("data.require_labels", &S::require_labels),
      bind_key("data.exclude", &S::exclude),
      bind_key("data.id_column", &S::id_column),
      bind_key("data.clips", &S::clips),
      bind_key("data.corpus_seed", &S::corpus_seed),
      bind_key("data.seconds", &S::seconds),
      bind_key("data.cache_dir", &S::cache_dir),
      bind_key("data.on_bad_file", &S::on_bad_file, parse_bad_file_policy),
      bind_key("data.feature_cache", &S::feature_cache),
      bind_key("data.balance", &S::balance),
      // "min": the smallest group's size, which 0 stands for.
      convert<S>("data.per_group",
                 [](S& d, const Value& v) { d.per_group = v.is_string() ? 0 : static_cast<std::int64_t>(v.as_double()); }),
      bind_key("data.sample_seed", &S::sample_seed),
  };
  return fields;
}

const std::vector<Field<FeatureSpec>>& feature_fields() {
  using S = FeatureSpec;
  static const std::vector<Field<S>> fields = {
      bind_key("features.kind", &S::kind, parse_feature_kind),
      // Left at its default, 20 under the librosa kind (n_mfcc_follows_kind): reads the origin
      // and features.kind, not only its own value.
      {"features.n_mfcc",
       [](S& f, const Settings& s) {
         const Setting& n_mfcc = s.at("features.n_mfcc");
         f.n_mfcc = n_mfcc_follows_kind(n_mfcc, s.at("features.kind").value.as_string())
                        ? kLibrosaTableMfcc
                        : static_cast<int>(n_mfcc.value.as_int());
       }},
      bind_key("features.statistics", &S::statistics),
      bind_key("features.sample_rate", &S::sample_rate),
      bind_key("features.resample", &S::resample),
      bind_key("features.n_fft", &S::n_fft),
      bind_key("features.hop_length", &S::hop_length),
      bind_key("features.n_mels", &S::n_mels),
      bind_key("features.fmin", &S::fmin),
      bind_key("features.fmax", &S::fmax),
      bind_key("features.mel_scale", &S::mel_scale),
      bind_key("features.top_db", &S::top_db),
      bind_key("features.pad_mode", &S::pad_mode),
      bind_key("features.frames", &S::frames),
      bind_key("features.segment", &S::segment),
      bind_key("features.segment_seconds", &S::segment_seconds),
      bind_key("features.standardize", &S::standardize),
      convert<S>("features.modalities",
                 [](S& f, const Value& v) {
                   f.audio = f.text = false;
                   for (const auto& m : v.as_list()) {
                     f.audio = f.audio || m.as_string() == "audio";
                     f.text = f.text || m.as_string() == "text";
                   }
                 }),
      bind_is("features.fusion", &S::late_fusion, "late"),
      bind_key("features.audio_weight", &S::audio_weight),
      bind_key("features.text_weight", &S::text_weight),
  };
  return fields;
}

const std::vector<Field<TextSpec>>& text_fields() {
  using S = TextSpec;
  static const std::vector<Field<S>> fields = {
      bind_is("text.source", &S::embeddings, "embeddings"),
      // Resolved against the study file's folder and the data root in text_spec.
      bind_key("text.path", &S::path_as_written),
      bind_key("text.column", &S::column),
      bind_key("text.id_column", &S::id_column),
      bind_is("text.join", &S::join_by_label, "label"),
      bind_key("text.join_label", &S::join_label),
      bind_key("text.label_map", &S::label_map),
      bind_key("text.pair_seed", &S::pair_seed),
      bind_key("text.dimension", &S::dimension),
      bind_key("text.min_n", &S::min_n),
      bind_key("text.max_n", &S::max_n),
  };
  return fields;
}

const std::vector<Field<ModelSpec>>& model_fields() {
  using S = ModelSpec;
  static const std::vector<Field<S>> fields = {
      bind_key("model.kind", &S::kind, parse_model_kind),
      bind_key("model.hidden", &S::hidden),
      bind_key("model.latent_dim", &S::latent_dim),
      bind_key("model.beta", &S::beta),
      bind_key("model.epochs", &S::epochs),
      bind_key("model.batch_size", &S::batch_size),
      bind_key("model.learning_rate", &S::learning_rate),
      bind_key("model.noop_seconds", &S::noop_seconds),
      bind_key("model.convolution", &S::convolution),
      bind_key("model.condition_on", &S::condition_on),
      bind_is("model.kl_schedule", &S::linear_warmup, "linear"),
      bind_key("model.warmup_epochs", &S::warmup_epochs),
      bind_key("model.checkpoints", &S::checkpoints),
      bind_key("model.reconstruction_examples", &S::reconstruction_examples),
      // auto not yet resolved (resolve_auto_engine) trains as on a CPU rank.
      convert<S>("model.engine", [](S& m, const Value& v) { m.engine = v.as_string() == "auto" ? "batched" : v.as_string(); }),
      bind_key("model.pca_solver", &S::pca_solver),
  };
  return fields;
}

const std::vector<Field<ClusterSpec>>& cluster_fields() {
  using S = ClusterSpec;
  static const std::vector<Field<S>> fields = {
      bind_key("cluster.methods", &S::methods, +[](const std::string& name) { return cluster::parse_method(name); }),
      // The unit's own k; the grid replaces it with every k of a cluster.k axis.
      convert<S>("cluster.k", [](S& c, const Value& v) { c.ks = {static_cast<int>(v.as_int())}; }),
      bind_key("cluster.n_init", &S::n_init),
      bind_key("cluster.max_iter", &S::max_iter),
      bind_key("cluster.linkage", &S::linkage),
      // "auto": the knee of the k-distance curve, which 0 stands for.
      convert<S>("cluster.eps", [](S& c, const Value& v) { c.eps = v.is_string() ? 0.0 : v.as_double(); }),
      bind_key("cluster.min_samples", &S::min_samples),
      bind_key("cluster.affinity", &S::affinity),
      bind_key("cluster.n_neighbors", &S::n_neighbors),
      bind_key("cluster.gamma", &S::gamma),
      bind_key("cluster.covariance", &S::covariance),
      bind_is("cluster.projection", &S::umap, "umap"),
      bind_key("cluster.umap_components", &S::umap_components),
      bind_key("cluster.umap_neighbors", &S::umap_neighbors),
      bind_key("cluster.umap_min_dist", &S::umap_min_dist),
  };
  return fields;
}

const std::vector<Field<EvaluationSpec>>& evaluation_fields() {
  using S = EvaluationSpec;
  static const std::vector<Field<S>> fields = {
      // Empty: every set of data.labels (label_sets reads both keys).
      {"evaluation.label_sets", [](S& e, const Settings& s) { e.label_sets = label_sets(s); }},
      bind_key("evaluation.allow_conditioned_scoring", &S::allow_conditioned_scoring),
      bind_key("evaluation.store_latents", &S::store_latents),
      bind_key("evaluation.store_assignments", &S::store_assignments),
  };
  return fields;
}

namespace {
template <typename Spec>
void append_keys(const std::vector<Field<Spec>>& fields, std::vector<std::string>& out) {
  for (const auto& f : fields) out.push_back(f.key);
}
}  // namespace

std::vector<std::string> bound_keys() {
  std::vector<std::string> out;
  append_keys(data_fields(), out);
  append_keys(feature_fields(), out);
  append_keys(text_fields(), out);
  append_keys(model_fields(), out);
  append_keys(cluster_fields(), out);
  append_keys(evaluation_fields(), out);
  return out;
}

DataSpec data_spec(const Settings& s, const std::filesystem::path& study_file, const DataRoot& data_root) {
  DataSpec d = build_spec(data_fields(), s);
  d.data_root = data_root;
  // A synthetic corpus reads no path (the key may be left over from another source).
  if (!d.path_as_written.empty() && d.source != DataSource::synthetic)
    d.path = resolve_data_path(d.path_as_written, study_file.parent_path(), data_root, "data.path");
  return d;
}

bool n_mfcc_follows_kind(const Setting& n_mfcc, const std::string& feature_kind) {
  return feature_kind == "librosa" && n_mfcc.origin == "default";
}

FeatureSpec feature_spec(const Settings& s) { return build_spec(feature_fields(), s); }

TextSpec text_spec(const Settings& s, const std::filesystem::path& study_file, const DataRoot& data_root) {
  TextSpec t = build_spec(text_fields(), s);
  t.data_root = data_root;
  if (!t.path_as_written.empty())
    t.path = resolve_data_path(t.path_as_written, study_file.parent_path(), data_root, "text.path");
  return t;
}

ModelSpec model_spec(const Settings& s) { return build_spec(model_fields(), s); }

ClusterSpec cluster_spec(const Settings& s) { return build_spec(cluster_fields(), s); }

EvaluationSpec evaluation_spec(const Settings& s) { return build_spec(evaluation_fields(), s); }

}  // namespace vaesweep
