#pragma once
// When a study key does not change a unit's results, given the unit's other settings: the
// conditions the key table (study_schema.cpp) attaches to each key, each written once here with
// the words docs/study-file.md shows for it. A unit's hash leaves such a key out, so that units
// differing only in it are one unit (pca units that differ in model.beta; a table study's units
// whatever features.n_fft says).
//
// A condition reads only the decider keys (kRelevanceDeciders). The grid evaluates the
// conditions once per distinct combination of the deciders' values, with a settings map that
// holds nothing else, so a condition that reads another key fails loudly there.
#include <array>
#include <string>
#include <string_view>

#include "cluster/method.hpp"
#include "study/study.hpp"
#include "study/study_schema.hpp"

namespace vaesweep {

// The keys the conditions read. features.sample_rate is read by the grid's resampler rule
// (features.resample matters only when a file is at another rate, which only the data knows).
inline constexpr std::array<const char*, 14> kRelevanceDeciders = {
    "data.source",        "features.kind",    "features.segment", "features.modalities",
    "features.fusion",    "text.source",      "text.join",        "cluster.methods",
    "cluster.projection", "cluster.affinity", "model.kind",       "model.kl_schedule",
    "model.engine",       "features.sample_rate"};

inline bool is_relevance_decider(const std::string& key) {
  for (const char* decider : kRelevanceDeciders)
    if (key == decider) return true;
  return false;
}

namespace relevance {

inline const std::string& text_of(const Settings& s, const char* key) { return s.at(key).value.as_string(); }

inline bool lists(const Settings& s, const char* key, std::string_view name) {
  for (const auto& v : s.at(key).value.as_list())
    if (v.as_string() == name) return true;
  return false;
}

// The unit's model kind as a spec, so that its own predicates (trained, variational) decide
// rather than a second list of kind names here.
inline ModelSpec model_of(const Settings& s) {
  ModelSpec m;
  m.kind = parse_model_kind(text_of(s, "model.kind"));
  return m;
}

inline FeatureSpec features_of(const Settings& s) {
  FeatureSpec f;
  f.kind = parse_feature_kind(text_of(s, "features.kind"));
  return f;
}

inline bool clusters_with(const Settings& s, cluster::Method method) {
  for (const auto& m : s.at("cluster.methods").value.as_list())
    if (cluster::parse_method(m.as_string()) == method) return true;
  return false;
}

}  // namespace relevance

// The conditions by name, as the key table writes them.
namespace unused_when {
using namespace relevance;
using M = cluster::Method;

inline constexpr Irrelevance synthetic_data{"data.source = \"synthetic\"",
                                            [](const Settings& s) { return text_of(s, "data.source") == "synthetic"; }};
inline constexpr Irrelevance not_synthetic_data{
    "data.source is not \"synthetic\"", [](const Settings& s) { return text_of(s, "data.source") != "synthetic"; }};
inline constexpr Irrelevance table_data{"data.source = \"table\" (features are read, not extracted)",
                                        [](const Settings& s) { return text_of(s, "data.source") == "table"; }};
inline constexpr Irrelevance no_audio{"features.modalities has no \"audio\"",
                                      [](const Settings& s) { return !lists(s, "features.modalities", "audio"); }};
inline constexpr Irrelevance no_text{"features.modalities has no \"text\"",
                                     [](const Settings& s) { return !lists(s, "features.modalities", "text"); }};
inline constexpr Irrelevance not_audio_and_text{"features.modalities is not audio and text", [](const Settings& s) {
                                                  return !(lists(s, "features.modalities", "audio") &&
                                                           lists(s, "features.modalities", "text"));
                                                }};
inline constexpr Irrelevance text_embeddings{"text.source = \"embeddings\"",
                                             [](const Settings& s) { return text_of(s, "text.source") == "embeddings"; }};
inline constexpr Irrelevance text_joined_by_label{"text.join = \"label\"",
                                                  [](const Settings& s) { return text_of(s, "text.join") == "label"; }};
inline constexpr Irrelevance text_joined_by_id{"text.join = \"id\"",
                                               [](const Settings& s) { return text_of(s, "text.join") != "label"; }};
inline constexpr Irrelevance whole_clips{"features.segment = \"whole\"",
                                         [](const Settings& s) { return text_of(s, "features.segment") == "whole"; }};
inline constexpr Irrelevance not_sequence_features{"features.kind is not a sequence (logmel, mfcc_sequence)",
                                                   [](const Settings& s) { return !features_of(s).sequence(); }};
inline constexpr Irrelevance not_mfcc_stats{
    "features.kind is not \"mfcc_stats\"", [](const Settings& s) { return features_of(s).kind != FeatureKind::mfcc_stats; }};
inline constexpr Irrelevance logmel_features{
    "features.kind = \"logmel\"", [](const Settings& s) { return features_of(s).kind == FeatureKind::logmel; }};
// The GTZAN-table preset is librosa's defaults by definition: only the rate and n_mfcc vary.
inline constexpr Irrelevance librosa_preset{
    "features.kind = \"librosa\" (librosa's defaults by definition)",
    [](const Settings& s) { return features_of(s).kind == FeatureKind::librosa; }};
inline constexpr Irrelevance not_conv_vae{"model.kind is not \"conv_vae\"",
                                          [](const Settings& s) { return model_of(s).kind != ModelKind::conv_vae; }};
inline constexpr Irrelevance not_pca{"model.kind is not \"pca\"",
                                     [](const Settings& s) { return model_of(s).kind != ModelKind::pca; }};
inline constexpr Irrelevance not_cvae{"model.kind is not \"cvae\"",
                                      [](const Settings& s) { return model_of(s).kind != ModelKind::cvae; }};
inline constexpr Irrelevance not_variational{"model.kind has no KL term (ae, pca, raw, noop)",
                                             [](const Settings& s) { return !model_of(s).variational(); }};
inline constexpr Irrelevance constant_kl{"model.kl_schedule = \"constant\"",
                                         [](const Settings& s) { return text_of(s, "model.kl_schedule") != "linear"; }};
// conv_vae trained with torch whatever model.engine said before the stacked engine: only stacked
// is part of its identity.
inline constexpr Irrelevance engine_not_in_identity{
    "model.kind is not trained, or is \"conv_vae\" with an engine other than \"stacked\"", [](const Settings& s) {
      const ModelSpec m = model_of(s);
      if (m.kind == ModelKind::conv_vae) return text_of(s, "model.engine") != "stacked";
      return !m.trained();
    }};
// What gradient descent reads; a model fitted otherwise does not.
inline constexpr Irrelevance untrained_model{"model.kind is not trained (pca, raw, noop)",
                                             [](const Settings& s) { return !model_of(s).trained(); }};
// noop only sleeps; raw clusters the features themselves.
inline constexpr Irrelevance noop_model{"model.kind = \"noop\"",
                                        [](const Settings& s) { return model_of(s).kind == ModelKind::noop; }};
inline constexpr Irrelevance not_noop_model{"model.kind is not \"noop\"",
                                            [](const Settings& s) { return model_of(s).kind != ModelKind::noop; }};
inline constexpr Irrelevance raw_model{"model.kind = \"raw\"",
                                       [](const Settings& s) { return model_of(s).kind == ModelKind::raw; }};
inline constexpr Irrelevance no_agglomerative{"cluster.methods has no \"agglomerative\"",
                                              [](const Settings& s) { return !clusters_with(s, M::agglomerative); }};
inline constexpr Irrelevance no_dbscan{"cluster.methods has no \"dbscan\"",
                                       [](const Settings& s) { return !clusters_with(s, M::dbscan); }};
inline constexpr Irrelevance no_spectral{"cluster.methods has no \"spectral\"",
                                         [](const Settings& s) { return !clusters_with(s, M::spectral); }};
inline constexpr Irrelevance not_rbf_affinity{"cluster.affinity is not \"rbf\"",
                                              [](const Settings& s) { return text_of(s, "cluster.affinity") != "rbf"; }};
inline constexpr Irrelevance no_gmm{"cluster.methods has no \"gmm\"",
                                    [](const Settings& s) { return !clusters_with(s, M::gmm); }};
inline constexpr Irrelevance no_kmeans{"cluster.methods has no \"kmeans\"",
                                       [](const Settings& s) { return !clusters_with(s, M::kmeans); }};
// spectral embeds, then runs k-means with cluster.n_init restarts.
inline constexpr Irrelevance no_kmeans_or_spectral{
    "cluster.methods has neither \"kmeans\" nor \"spectral\"",
    [](const Settings& s) { return !clusters_with(s, M::kmeans) && !clusters_with(s, M::spectral); }};
inline constexpr Irrelevance no_umap{"cluster.projection is not \"umap\"",
                                     [](const Settings& s) { return text_of(s, "cluster.projection") != "umap"; }};
}  // namespace unused_when

}  // namespace vaesweep
