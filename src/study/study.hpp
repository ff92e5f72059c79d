#pragma once
// A study: one TOML file under sweeps/, validated once at the edge into plain data.
#include <cstdint>
#include <filesystem>
#include <optional>
#include <map>
#include <string>
#include <vector>

#include "cluster/method.hpp"
#include "study/data_root.hpp"
#include "study/search.hpp"
#include "util/value.hpp"

namespace vaesweep {

// A resolved setting and where it came from ("sweeps/q.toml:12", "--set", "default"), so that
// an error found later can still point at the line that caused it.
struct Setting {
  Value value;
  std::string origin;
};
using Settings = std::map<std::string, Setting>;  // "section.key" -> setting

// One grid axis: a scalar key and the values it takes.
struct Axis {
  std::string key;
  std::vector<Value> values;
  std::string origin;
  // Drawn by [search]: values[i] is the key's value in sample i. The sampled axes advance
  // together (one configuration per sample, crossed with the other axes), not with each other.
  bool sampled = false;
};

struct Study {
  std::filesystem::path file;  // as given
  std::string text;            // the file's exact text (kept in the results for provenance)
  std::string sha256;          // of text plus the overrides
  std::vector<std::string> overrides;  // the --set arguments, in order
  std::string name;
  Settings settings;           // defaults + file + overrides; grid values are not applied here
  std::vector<Axis> axes;      // the sampled axes (sorted by key) first, then [grid]'s in file order
  SearchSpec search;           // [search]; kind grid (no sampled axes) when absent
  // The distinct sample rates the study's audio files are stored at, when someone read them
  // from the files (`vaesweep run` does, before it expands the grid; see probe_audio_rates).
  // They decide whether features.resample enters a unit's hash: only a unit whose
  // features.sample_rate differs from one of these rates resamples anything. Unset: not
  // read (a grid expanded outside a run), and no unit counts as resampling. Empty: the study
  // has no audio files.
  std::optional<std::vector<int>> audio_rates;
  DataRoot data_root;  // where "{data_root}/..." paths of the study point (find_data_root)
};

// Reads, parses and validates a study. `overrides` are "section.key=value" strings (the value is
// TOML: 0.5, "text", [1, 2]; a bare word is taken as a string); "grid.key=[...]" sets an axis.
// Throws UserError naming the file, line and key of the first problem.
Study load_study(const std::filesystem::path& file, const std::vector<std::string>& overrides = {},
                 const DataRoot& data_root = {});
// The same from text (tests); `file` is used in messages and to resolve relative paths.
Study parse_study(const std::string& text, const std::filesystem::path& file,
                  const std::vector<std::string>& overrides = {});

// model.engine = "auto" (setting or axis value) becomes "stacked" when `gpu` (the run's first
// rank has a GPU), else "batched", so that the engine that trains is what a unit's hash names.
// Returns the engine auto became, or "" when no unit of the study says auto.
std::string resolve_auto_engine(Study& study, bool gpu);

// Every value `key` takes in the study's units: an axis's values, or else its one setting.
std::vector<Value> values_in_grid(const Study& study, const std::string& key);

// Typed views of a settings map (after grid values are applied). Every value was validated
// when the study was loaded, so these do not fail. The specs are built from the key table
// (study_schema.cpp binds each key to its member); a member's initialiser below is its key's
// default (the table reads it off a default-constructed spec), written nowhere else.
enum class DataSource { synthetic, audio, table };
enum class BadFilePolicy { skip, fail };
enum class FeatureKind { mfcc_stats, librosa, logmel, mfcc_sequence };
// noop: an engine benchmark stand-in that sleeps model.noop_seconds and draws its scores.
enum class ModelKind { vae, conv_vae, cvae, ae, pca, raw, noop };
// The two-way (and three-way) choices of the specs, each named by its key's values in
// study_choices.hpp: features.fusion, text.source, text.join, model.kl_schedule,
// cluster.projection, model.convolution (auto: by the feature kind), model.engine (its "auto"
// is resolved before a spec is built: resolve_auto_engine).
enum class Fusion { early, late };
enum class TextSource { lyrics, embeddings };
enum class TextJoin { id, label };
enum class KlWeightSchedule { constant, linear };
enum class LatentProjection { none, umap };
enum class ConvolutionKind { automatic, conv1d, conv2d };
enum class TrainingEngine { batched, stacked, torch };
// The clustering methods are cluster::Method (named and parsed in cluster/method.hpp).
using ClusterMethod = cluster::Method;

DataSource parse_data_source(const std::string& name);
BadFilePolicy parse_bad_file_policy(const std::string& name);
FeatureKind parse_feature_kind(const std::string& name);
std::string to_string(FeatureKind kind);
ModelKind parse_model_kind(const std::string& name);
std::string to_string(ModelKind kind);

struct DataSpec {
  DataSource source = DataSource::synthetic;
  std::filesystem::path path;               // resolve_data_path of data.path (study file's folder, data root)
  std::string path_as_written;              // data.path as the study gives it, for messages
  DataRoot data_root;                       // also resolves "{data_root}/..." rows of a manifest
  std::vector<std::string> labels = {"genre", "language"};
  bool require_labels = false;              // an empty label cell is an error, not an unlabelled row
  std::vector<std::string> exclude;
  std::string id_column;
  int clips = 160;
  std::uint64_t corpus_seed = 7;
  double seconds = 3.0;
  std::filesystem::path cache_dir = ".vaesweep-cache";
  BadFilePolicy on_bad_file = BadFilePolicy::skip;
  bool feature_cache = true;
  // A balanced draw of the rows before features are built (data/balanced_draw.hpp): the label
  // sets to balance (none: every row), rows per group (0: the smallest group's size), seed.
  std::vector<std::string> balance;
  std::int64_t per_group = 0;
  std::uint64_t sample_seed = 0;

  friend bool operator==(const DataSpec&, const DataSpec&) = default;
};

// Audio feature extraction; the string-valued choices are parsed by the audio room.
struct FeatureSpec {
  FeatureKind kind = FeatureKind::mfcc_stats;
  int n_mfcc = 13;
  std::vector<std::string> statistics = {"mean", "std", "skew", "kurtosis"};
  int sample_rate = 22050;
  std::string resample = "soxr_hq";   // or "soxr_vhq", "sinc_best" (parsed by the audio room)
  int n_fft = 2048;
  int hop_length = 512;
  int n_mels = 128;
  double fmin = 0.0;
  double fmax = 0.0;                  // 0: sample_rate / 2
  std::string mel_scale = "slaney";   // or "htk"
  double top_db = 80.0;
  std::string pad_mode = "reflect";   // or "constant"
  int frames = 128;                   // sequences only
  std::string segment = "whole";      // whole | first | centre | all
  double segment_seconds = 3.0;
  bool standardize = true;
  bool audio = true;                  // features.modalities holds "audio"
  bool text = false;                  // ... and "text"
  Fusion fusion = Fusion::early;
  double audio_weight = 1.0;
  double text_weight = 1.0;

  // Fixed-size sequences (frames x bands or coefficients), what conv_vae convolves; else one
  // vector per clip.
  bool sequence() const { return kind == FeatureKind::logmel || kind == FeatureKind::mfcc_sequence; }
  // The model trains on the audio columns and the text joins its latent space afterwards.
  bool fuses_late() const { return audio && text && fusion == Fusion::late; }

  friend bool operator==(const FeatureSpec&, const FeatureSpec&) = default;
};

// Where a study's text comes from and how it becomes vectors ([text]).
struct TextSpec {
  TextSource source = TextSource::lyrics;  // embeddings, or lyrics embedded here
  std::filesystem::path path;         // resolve_data_path of text.path; empty: the data's manifest
  std::string path_as_written;        // text.path as the study gives it, for messages
  DataRoot data_root;
  std::string column = "lyrics";
  std::string id_column;
  TextJoin join = TextJoin::id;
  std::string join_label = "language";
  std::vector<std::string> label_map; // "data label=text label"
  std::uint64_t pair_seed = 0;
  int dimension = 384;
  int min_n = 2;
  int max_n = 4;

  friend bool operator==(const TextSpec&, const TextSpec&) = default;
};

struct ModelSpec {
  ModelKind kind = ModelKind::vae;
  std::vector<int> hidden = {64, 32};
  int latent_dim = 8;
  double beta = 1.0;
  int epochs = 50;
  int batch_size = 64;
  double learning_rate = 1e-3;
  double noop_seconds = 0;  // noop: how long a unit sleeps
  ConvolutionKind convolution = ConvolutionKind::automatic;  // conv_vae
  std::string condition_on;           // cvae: the label set fed to encoder and decoder
  KlWeightSchedule kl_schedule = KlWeightSchedule::constant;
  int warmup_epochs = 10;
  bool checkpoints = false;
  int reconstruction_examples = 0;
  TrainingEngine engine = TrainingEngine::batched;  // auto resolved (resolve_auto_engine; unresolved: batched)
  std::string pca_solver = "auto";    // pca: auto | full | randomized (auto resolves on the data's shape)

  // A model trained by gradient descent (vae, conv_vae, cvae, ae).
  bool trained() const {
    return kind == ModelKind::vae || kind == ModelKind::conv_vae || kind == ModelKind::cvae || kind == ModelKind::ae;
  }
  // One with a KL term and a beta (vae, conv_vae, cvae).
  bool variational() const { return trained() && kind != ModelKind::ae; }

  friend bool operator==(const ModelSpec&, const ModelSpec&) = default;
};

struct ClusterSpec {
  std::vector<ClusterMethod> methods = {ClusterMethod::kmeans};
  std::vector<int> ks = {4};  // every k evaluated on a unit's latent space
  int n_init = 10;
  int max_iter = 300;
  std::string linkage = "ward";
  double eps = 0.0;     // 0: "auto"
  int min_samples = 5;
  std::string affinity = "nearest_neighbors";
  int n_neighbors = 10;
  double gamma = 1.0;
  std::string covariance = "full";
  LatentProjection projection = LatentProjection::none;
  int umap_components = 2;
  int umap_neighbors = 15;
  double umap_min_dist = 0.1;

  bool uses(ClusterMethod method) const {
    for (ClusterMethod m : methods)
      if (m == method) return true;
    return false;
  }

  friend bool operator==(const ClusterSpec&, const ClusterSpec&) = default;
};

// What a unit scores and keeps ([evaluation]).
struct EvaluationSpec {
  // The label sets scored with ARI / NMI / purity: evaluation.label_sets, or every one of
  // data.labels when it is empty (hence data.labels' default here).
  std::vector<std::string> label_sets = {"genre", "language"};
  bool allow_conditioned_scoring = false;  // a cvae scored on its own condition anyway (flagged)
  bool store_latents = false;              // /latents/<unit> of the results
  bool store_assignments = false;          // /assignments/<unit>/<method>_<k> of the results

  friend bool operator==(const EvaluationSpec&, const EvaluationSpec&) = default;
};

DataSpec data_spec(const Settings& s, const std::filesystem::path& study_file, const DataRoot& data_root);
FeatureSpec feature_spec(const Settings& s);

// features.kind = "librosa" is the published GTZAN table's columns, whose MFCCs are 20: a study
// that leaves features.n_mfcc at its default gets 20 there (exactly `vaesweep features --preset
// librosa`'s table), the schema's 13 under the other kinds. True when `n_mfcc` (the unit's
// setting of features.n_mfcc) takes that kind default under `feature_kind`.
inline constexpr int kLibrosaTableMfcc = 20;
bool n_mfcc_follows_kind(const Setting& n_mfcc, const std::string& feature_kind);
TextSpec text_spec(const Settings& s, const std::filesystem::path& study_file, const DataRoot& data_root);
ModelSpec model_spec(const Settings& s);
ClusterSpec cluster_spec(const Settings& s);
EvaluationSpec evaluation_spec(const Settings& s);
std::vector<std::string> label_sets(const Settings& s);  // evaluation.label_sets or data.labels

}  // namespace vaesweep
