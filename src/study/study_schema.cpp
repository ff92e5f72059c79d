#include "study/study_schema.hpp"

#include <algorithm>
#include <cmath>
#include <sstream>

#include "audio/resample.hpp"
#include "audio/segments.hpp"
#include "audio/spectrogram.hpp"
#include "cluster/agglomerative.hpp"
#include "cluster/gmm.hpp"
#include "cluster/method.hpp"
#include "cluster/pca.hpp"
#include "cluster/spectral.hpp"
#include "util/strings.hpp"
#include "study/key_relevance.hpp"
#include "study/study_choices.hpp"

namespace vaesweep {
namespace {

Value strings(std::initializer_list<const char*> names) {
  Value::List list;
  for (const char* n : names) list.emplace_back(n);
  return Value(list);
}

// "auto" (resolved later, on the data or the machine), then `names`.
std::vector<std::string> auto_or(std::vector<std::string> names) {
  names.insert(names.begin(), "auto");
  return names;
}

Value ints(std::initializer_list<int> values) {
  Value::List list;
  for (int v : values) list.emplace_back(v);
  return Value(list);
}

// Each entry: key, type, default, choices, bounds, help, later; then the conditions under which
// the key does not change a unit's results (`.unused({...})`, study/key_relevance.hpp), or
// `.describing()` for a key that never does.
std::vector<KeySpec> make_keys() {
  const double inf = std::numeric_limits<double>::infinity();
  using T = ValueType;
  using namespace unused_when;
  return {
      KeySpec{"study.name", T::string, "", {}, -inf, inf, "name shown in logs and results (default: file name)"}
          .describing(),
      KeySpec{"study.description", T::string, "", {}, -inf, inf, "free text kept in the results file"}.describing(),
      KeySpec{"study.seed", T::integer, 0, {}, 0, 9.0e15, "base seed of a unit (training and clustering)"},

      KeySpec{"data.source", T::string, "synthetic", names_of(kDataSourceNames), -inf, inf,
              "synthetic corpus, audio files (a folder or a manifest CSV), or a feature table (CSV)"},
      KeySpec{"data.path", T::string, "", {}, -inf, inf,
              "audio folder, manifest CSV or feature table CSV: relative to the study file, absolute, or "
              "\"{data_root}/...\" under the data root"}.unused({synthetic_data}),
      KeySpec{"data.labels", T::string_list, strings({"genre", "language"}), {}, -inf, inf,
              "label columns (never features)"},
      // Only refuses data: the numbers of the data it accepts are the same.
      KeySpec{"data.require_labels", T::boolean, false, {}, -inf, inf,
              "an empty label cell stops the run (default: the row is unlabelled for that label set and left out of "
              "its external scores only)",
              true}.describing(),
      KeySpec{"data.exclude", T::string_list, Value(Value::List{}), {}, -inf, inf,
              "further columns kept out of the features (identifiers and recording metadata always are)"},
      KeySpec{"data.id_column", T::string, "", {}, -inf, inf, "track id column (default: path or filename)"}
          .unused({synthetic_data}),
      KeySpec{"data.clips", T::integer, 160, {}, 8, 1.0e7, "synthetic: number of clips"}.unused({not_synthetic_data}),
      KeySpec{"data.corpus_seed", T::integer, 7, {}, 0, 9.0e15, "synthetic: generator seed"}
          .unused({not_synthetic_data}),
      KeySpec{"data.seconds", T::real, 3.0, {}, 0.5, 600, "synthetic: clip length in seconds"}
          .unused({not_synthetic_data}),
      KeySpec{"data.cache_dir", T::string, ".vaesweep-cache", {}, -inf, inf,
              "where generated corpora live (relative to the working directory)"}.describing(),

      KeySpec{"data.on_bad_file", T::string, "skip", names_of(kBadFilePolicyNames), -inf, inf,
              "an unreadable audio file: skip it (named in the log and the results) or stop"}.unused({table_data, no_audio}),
      KeySpec{"data.feature_cache", T::boolean, true, {}, -inf, inf,
              "reuse audio features computed earlier with the same files and parameters (in data.cache_dir)"}.describing(),
      KeySpec{"data.balance", T::string_list, Value(Value::List{}), {}, -inf, inf,
              "label sets to balance: the same number of rows drawn from every class (every combination of "
              "classes with several sets), before features are built",
              true},
      KeySpec{"data.per_group", T::real_or_name, "min", {"min"}, 1, 1.0e9,
              "data.balance: rows drawn per group, or \"min\" (the smallest group's size)", true},
      KeySpec{"data.sample_seed", T::integer, 0, {}, 0, 9.0e15, "data.balance: seed of the draw", true},

      KeySpec{"features.kind", T::string, "mfcc_stats", names_of(kFeatureKindNames), -inf, inf,
              "MFCC statistics, the GTZAN-table feature set, or fixed-size log-mel / MFCC sequences"}
          .unused({table_data, no_audio}),
      KeySpec{"features.n_mfcc", T::integer, 13, {}, 1, 128, "MFCC coefficients (left unset: 20 under features.kind = \"librosa\", the published table's)"}
          .unused({table_data, no_audio, logmel_features}),
      KeySpec{"features.statistics", T::string_list, strings({"mean", "std", "skew", "kurtosis"}),
              {"mean", "var", "std", "skew", "kurtosis", "min", "max"}, -inf, inf,
              "statistics of each coefficient over frames"}.unused({table_data, no_audio, not_mfcc_stats}),
      KeySpec{"features.sample_rate", T::integer, 22050, {}, 1000, 384000, "audio sample rate in Hz"}
          .unused({table_data, no_audio}),
      KeySpec{"features.resample", T::string, "soxr_hq", names_of(audio::kResamplerNames), -inf, inf,
              "converter for files at another rate: libsoxr HQ (librosa >= 0.10's default) or VHQ, or libsamplerate's "
              "best sinc (vaesweep's only one before this key existed); in a unit's hash only when a file is resampled"}
          .unused({table_data, no_audio}),
      KeySpec{"features.n_fft", T::integer, 2048, {}, 16, 65536, "STFT window length"}
          .unused({table_data, no_audio, librosa_preset}),
      KeySpec{"features.hop_length", T::integer, 512, {}, 1, 65536, "STFT hop"}
          .unused({table_data, no_audio, librosa_preset}),
      KeySpec{"features.n_mels", T::integer, 128, {}, 1, 1024, "mel bands"}
          .unused({table_data, no_audio, librosa_preset}),
      KeySpec{"features.fmin", T::real, 0.0, {}, 0, 192000, "lowest mel edge in Hz"}
          .unused({table_data, no_audio, librosa_preset}),
      KeySpec{"features.fmax", T::real, 0.0, {}, 0, 192000, "highest mel edge in Hz (0: sample_rate / 2)"}
          .unused({table_data, no_audio, librosa_preset}),
      KeySpec{"features.mel_scale", T::string, "slaney", {"slaney", "htk"}, -inf, inf, "mel scale of the filterbank"}
          .unused({table_data, no_audio, librosa_preset}),
      KeySpec{"features.top_db", T::real, 80.0, {}, 0, 1000, "dB floor below the maximum of a clip's spectrogram"}
          .unused({table_data, no_audio, librosa_preset}),
      KeySpec{"features.pad_mode", T::string, "reflect", names_of(audio::kPadModeNames), -inf, inf,
              "padding of centred STFT frames (reflect: librosa < 0.10 and the GTZAN table; constant: librosa >= 0.10)"}
          .unused({table_data, no_audio, librosa_preset}),
      KeySpec{"features.frames", T::integer, 128, {}, 1, 1.0e6, "logmel / mfcc_sequence: frames per row (cropped or padded)"}
          .unused({table_data, no_audio, not_sequence_features}),
      KeySpec{"features.segment", T::string, "whole", names_of(audio::kSegmentPolicyNames), -inf, inf,
              "which part of each clip: whole, the first or centre segment, or all consecutive segments"}
          .unused({table_data, no_audio}),
      KeySpec{"features.segment_seconds", T::real, 3.0, {}, 0.05, 36000, "segment length in seconds"}
          .unused({table_data, no_audio, whole_clips}),
      KeySpec{"features.standardize", T::boolean, true, {}, -inf, inf, "z-score every audio feature column"}
          .unused({no_audio}),
      KeySpec{"features.modalities", T::string_list, strings({"audio"}), {"audio", "text"}, -inf, inf,
              "what the model sees: [\"audio\"], [\"text\"] or [\"audio\", \"text\"] (an axis: a list of such lists)", true},
      KeySpec{"features.fusion", T::string, "early", {"early", "late"}, -inf, inf,
              "audio + text: early (the model trains on both, concatenated) or late (it trains on audio; its latent "
              "space is concatenated with the text vectors before clustering)", true}.unused({not_audio_and_text}),
      KeySpec{"features.audio_weight", T::real, 1.0, {}, 0, 1.0e6,
              "audio + text: weight of the audio block (each block is first scaled to an equal share of the total variance)", true}
          .unused({not_audio_and_text}),
      KeySpec{"features.text_weight", T::real, 1.0, {}, 0, 1.0e6, "audio + text: weight of the text block", true}
          .unused({not_audio_and_text}),

      KeySpec{"text.source", T::string, "lyrics", {"lyrics", "embeddings"}, -inf, inf,
              "lyrics embedded by the built-in hashed character n-gram TF-IDF embedder, or precomputed embeddings", true}
          .unused({no_text}),
      KeySpec{"text.path", T::string, "", {}, -inf, inf,
              "lyrics CSV, or embeddings (.csv, .h5, .npy): relative to the study file, absolute, or under "
              "\"{data_root}\"; empty: the lyrics column of "
              "the data's own manifest (synthetic corpus, audio manifest)", true}.unused({no_text}),
      KeySpec{"text.column", T::string, "lyrics", {}, -inf, inf, "lyrics: the text column", true}
          .unused({no_text, text_embeddings}),
      KeySpec{"text.id_column", T::string, "", {}, -inf, inf,
              "the column of track ids matching the data's (default: path for a manifest, id otherwise)", true}
          .unused({no_text, text_joined_by_label}),
      KeySpec{"text.join", T::string, "id", {"id", "label"}, -inf, inf,
              "pair rows with texts by track id, or (unpaired corpora) give each row a text drawn from those with the "
              "same label (text.join_label): the text then carries nothing but that label", true}.unused({no_text}),
      KeySpec{"text.join_label", T::string, "language", {}, -inf, inf, "join = \"label\": the label set shared by both", true}
          .unused({no_text, text_joined_by_id}),
      KeySpec{"text.label_map", T::string_list, Value(Value::List{}), {}, -inf, inf,
              "join = \"label\": data label = text label pairs where the spellings differ, e.g. [\"eng=en\", \"bng=bn\"]", true}
          .unused({no_text, text_joined_by_id}),
      KeySpec{"text.pair_seed", T::integer, 0, {}, 0, 9.0e15, "join = \"label\": seed of the draw", true}
          .unused({no_text, text_joined_by_id}),
      KeySpec{"text.dimension", T::integer, 384, {}, 1, 1.0e6, "lyrics: embedding width (hash buckets)", true}
          .unused({no_text, text_embeddings}),
      KeySpec{"text.min_n", T::integer, 2, {}, 1, 32, "lyrics: shortest character n-gram", true}
          .unused({no_text, text_embeddings}),
      KeySpec{"text.max_n", T::integer, 4, {}, 1, 32, "lyrics: longest character n-gram", true}
          .unused({no_text, text_embeddings}),

      KeySpec{"model.kind", T::string, "vae", names_of(kModelKindNames), -inf, inf,
              "MLP beta-VAE, convolutional beta-VAE (sequence features), conditional beta-VAE (model.condition_on), "
              "deterministic autoencoder, the PCA baseline, raw (cluster the standardised features directly), or noop "
              "(an engine benchmark stand-in: sleeps, then reports random draws, not results)"},
      KeySpec{"model.hidden", T::int_list, ints({64, 32}), {}, 1, 65536,
              "encoder layer widths (conv_vae: channels per convolution); the decoder mirrors them"}
          .unused({untrained_model}),
      KeySpec{"model.convolution", T::string, "auto", {"auto", "1d", "2d"}, -inf, inf,
              "conv_vae: 1-D over time with coefficients as channels, or 2-D over (bands, frames) patches; auto: 1d for "
              "mfcc_sequence, 2d for logmel", true}.unused({not_conv_vae}),
      KeySpec{"model.condition_on", T::string, "", {}, -inf, inf,
              "cvae: the label set fed (one-hot) to encoder and decoder; it is not scored unless "
              "evaluation.allow_conditioned_scoring", true}.unused({not_cvae}),
      KeySpec{"model.kl_schedule", T::string, "constant", {"constant", "linear"}, -inf, inf,
              "KL weight: beta throughout, or rising linearly to beta over model.warmup_epochs", true}
          .unused({not_variational}),
      KeySpec{"model.warmup_epochs", T::integer, 10, {}, 1, 1.0e6, "linear KL schedule: epochs to reach beta", true}
          .unused({not_variational, constant_kl}),
      KeySpec{"model.checkpoints", T::boolean, false, {}, -inf, inf,
              "save each trained model and its optimizer in <results>.checkpoints/<config hash>.pt (vaesweep encode reads them)", true}
          .describing(),
      KeySpec{"model.reconstruction_examples", T::integer, 0, {}, 0, 10000,
              "rows kept with their reconstructions per unit in /reconstructions of the results", true}.describing(),
      // Not `later`: the engines give different numbers, so the engine's name is in every MLP
      // unit's hash; torch, the only engine before, is not, and auto hashes as the engine it
      // resolves to (see grid.cpp's line() and resolve_auto_engine).
      KeySpec{"model.engine", T::string, "auto", {"auto", "batched", "stacked", "torch"}, -inf, inf,
              "auto: stacked when the run's first rank has a GPU, else batched; batched: vae / ae / cvae with a "
              "hand-written backward and CBLAS, several models at once on the CPU (conv_vae: torch); stacked: many "
              "models of one architecture (any kind, conv_vae too) as one LibTorch network on the rank's device; torch: "
              "LibTorch autograd, one model at a time"}.unused({engine_not_in_identity}),
      KeySpec{"model.latent_dim", T::integer, 8, {}, 1, 65536, "latent dimension (PCA: components)"}
          .unused({noop_model, raw_model}),
      // Later, and auto leaves no line: pca units hash as before the key existed (their numbers
      // come from full on tables up to 500 rows and columns); an explicit solver is a unit of
      // its own. Which solver a unit ran is in its record (/units pca_solver).
      KeySpec{"model.pca_solver", T::string, "auto", auto_or(names_of(cluster::kPcaSolverNames)), -inf, inf,
              "pca: full (exact SVD), randomized (Halko et al., fixed seed), or auto as scikit-learn 1.2: randomized "
              "when max(rows, columns) > 500 and latent_dim < 0.8 * min(rows, columns), else full", true}.unused({not_pca}),
      KeySpec{"model.beta", T::real, 1.0, {}, 0, 1.0e6, "weight of the KL term"}.unused({not_variational}),
      KeySpec{"model.epochs", T::integer, 50, {}, 1, 1.0e6, "training epochs"}.unused({untrained_model}),
      KeySpec{"model.batch_size", T::integer, 64, {}, 1, 1.0e7, "mini-batch size"}.unused({untrained_model}),
      KeySpec{"model.learning_rate", T::real, 1e-3, {}, 1e-12, 10, "Adam learning rate"}.unused({untrained_model}),
      KeySpec{"model.noop_seconds", T::real, 0.0, {}, 0, 1.0e6,
              "noop: seconds a unit sleeps, standing in for training time (scheduler tests)"}.unused({not_noop_model}),

      KeySpec{"cluster.methods", T::string_list, strings({"kmeans"}),
              cluster::method_names(), -inf, inf,
              "clustering methods run on each latent space"},
      KeySpec{"cluster.k", T::integer, 4, {}, 2, 1.0e7, "number of clusters (not used by dbscan)"},
      KeySpec{"cluster.n_init", T::integer, 10, {}, 1, 10000, "k-means restarts (best inertia wins; also spectral's k-means)"}
          .unused({no_kmeans_or_spectral}),
      KeySpec{"cluster.max_iter", T::integer, 300, {}, 1, 1.0e6, "k-means iterations per restart"}
          .unused({no_kmeans}),
      KeySpec{"cluster.linkage", T::string, "ward", names_of(cluster::kLinkageNames), -inf, inf,
              "agglomerative linkage"}.unused({no_agglomerative}),
      KeySpec{"cluster.eps", T::real_or_name, "auto", {"auto"}, 1e-300, 1.0e300,
              "dbscan neighbourhood radius, or \"auto\" (knee of the k-distance curve)"}.unused({no_dbscan}),
      KeySpec{"cluster.min_samples", T::integer, 5, {}, 1, 1.0e6, "dbscan: neighbours (itself included) of a core point"}
          .unused({no_dbscan}),
      KeySpec{"cluster.affinity", T::string, "nearest_neighbors", names_of(cluster::kSpectralAffinityNames), -inf, inf,
              "spectral affinity"}.unused({no_spectral}),
      KeySpec{"cluster.n_neighbors", T::integer, 10, {}, 2, 1.0e6, "spectral: neighbours of the k-NN graph"}
          .unused({no_spectral}),
      KeySpec{"cluster.gamma", T::real, 1.0, {}, 1e-300, 1.0e300, "spectral rbf: kernel coefficient"}
          .unused({no_spectral, not_rbf_affinity}),
      KeySpec{"cluster.covariance", T::string, "full", names_of(cluster::kCovarianceTypeNames), -inf, inf, "gmm covariance type"}
          .unused({no_gmm}),
      KeySpec{"cluster.projection", T::string, "none", {"none", "umap"}, -inf, inf,
              "cluster (and score) a UMAP projection of the latent space instead of the space itself"},
      KeySpec{"cluster.umap_components", T::integer, 2, {}, 1, 1000, "UMAP output dimensions"}.unused({no_umap}),
      KeySpec{"cluster.umap_neighbors", T::integer, 15, {}, 2, 10000, "UMAP n_neighbors"}.unused({no_umap}),
      KeySpec{"cluster.umap_min_dist", T::real, 0.1, {}, 0, 100, "UMAP min_dist"}.unused({no_umap}),

      KeySpec{"evaluation.label_sets", T::string_list, Value(Value::List{}), {}, -inf, inf,
              "label sets scored with ARI/NMI/purity (default: all of data.labels)"},
      KeySpec{"evaluation.allow_conditioned_scoring", T::boolean, false, {}, -inf, inf,
              "score a cvae against the label set it was conditioned on anyway (such rows are flagged conditioned)", true}
          .unused({not_cvae}),
      KeySpec{"evaluation.store_latents", T::boolean, false, {}, -inf, inf,
              "keep each unit's latent means (the space clustered) in /latents/<unit> of the results, for plots", true}
          .describing(),
      KeySpec{"evaluation.store_assignments", T::boolean, false, {}, -inf, inf,
              "keep each (method, k)'s cluster of every row in /assignments/<unit> of the results, for plots", true}
          .describing(),

      // Defaults of `vaesweep slurm` (its flags override them). Never part of a unit's hash,
      // never a grid axis: where a study runs does not change its results.
      KeySpec{"slurm.partition", T::string, "", {}, -inf, inf, "sbatch --partition (empty: the cluster's default)", true}
          .describing(),
      KeySpec{"slurm.account", T::string, "", {}, -inf, inf, "sbatch --account (empty: the user's default)", true}
          .describing(),
      KeySpec{"slurm.qos", T::string, "", {}, -inf, inf, "sbatch --qos (empty: the default)", true}.describing(),
      KeySpec{"slurm.time", T::string, "01:00:00", {}, -inf, inf,
              "time limit of a job (or of each array task): \"M\", \"M:S\", \"H:M:S\", \"D-H\", \"D-H:M\" or \"D-H:M:S\"", true}
          .describing(),
      KeySpec{"slurm.nodes", T::integer, 1, {}, 1, 1.0e6, "nodes of the job (of each array task)", true}.describing(),
      KeySpec{"slurm.ntasks_per_node", T::integer, 1, {}, 1, 1.0e5, "MPI ranks per node", true}.describing(),
      KeySpec{"slurm.cpus_per_task", T::integer, 1, {}, 1, 1.0e5, "CPUs per rank (OMP_NUM_THREADS follows)", true}
          .describing(),
      KeySpec{"slurm.gpus_per_node", T::integer, 0, {}, 0, 1024,
              "GPUs per node; rank i of a node takes GPU i mod gpus (0: CPU only)", true}.describing(),
      KeySpec{"slurm.mem_per_cpu", T::string, "", {}, -inf, inf, "sbatch --mem-per-cpu, e.g. \"4G\" (empty: the default)", true}
          .describing(),
      KeySpec{"slurm.array", T::integer, 0, {}, 0, 1.0e9,
              "0: one MPI job for the whole grid; N: a job array of N slices (grid index mod N), merged at the end", true}
          .describing(),
      KeySpec{"slurm.max_array_size", T::integer, 1001, {}, 1, 4.0e6,
              "the cluster's MaxArraySize: a larger array is submitted in several chunks with offsets", true}.describing(),
      KeySpec{"slurm.signal_seconds", T::integer, 120, {}, 0, 65535,
              "SIGUSR1 this many seconds before the time limit; a unit in progress gets half of it (0: no signal)", true}
          .describing(),
      KeySpec{"slurm.requeue", T::boolean, true, {}, -inf, inf,
              "a job stopped by the signal or by preemption is requeued and resumes", true}.describing(),
      KeySpec{"slurm.setup", T::string_list, Value(Value::List{}), {}, -inf, inf,
              "shell lines run before vaesweep in every job, e.g. [\"module load openmpi\"]", true}.describing(),
      KeySpec{"slurm.vaesweep", T::string, "", {}, -inf, inf,
              "the vaesweep binary jobs run (empty: the one that renders the script)", true}.describing(),
  };
}

std::size_t edit_distance(const std::string& a, const std::string& b) {
  std::vector<std::size_t> row(b.size() + 1);
  for (std::size_t j = 0; j <= b.size(); ++j) row[j] = j;
  for (std::size_t i = 1; i <= a.size(); ++i) {
    std::size_t diag = row[0];
    row[0] = i;
    for (std::size_t j = 1; j <= b.size(); ++j) {
      std::size_t up = row[j];
      row[j] = std::min({row[j] + 1, row[j - 1] + 1, diag + (a[i - 1] == b[j - 1] ? 0 : 1)});
      diag = up;
    }
  }
  return row[b.size()];
}

std::optional<std::string> check_number(const KeySpec& spec, double x) {
  if (!std::isfinite(x) || x < spec.min || x > spec.max) {
    std::ostringstream msg;
    msg << "expected a value in [" << Value(spec.min).display() << ", " << Value(spec.max).display()
        << "], got " << Value(x).display();
    return msg.str();
  }
  return std::nullopt;
}

std::optional<std::string> check_choice(const KeySpec& spec, const std::string& s) {
  if (spec.choices.empty() || std::find(spec.choices.begin(), spec.choices.end(), s) != spec.choices.end())
    return std::nullopt;
  return "unknown name \"" + s + "\"; valid names are: " + join(spec.choices);
}

}  // namespace

const std::vector<std::string>& study_sections() {
  static const std::vector<std::string> sections = {"study",   "data",    "features",   "text", "model",
                                                    "cluster", "evaluation", "grid",   "search", "slurm"};
  return sections;
}

const std::vector<KeySpec>& study_keys() {
  static const std::vector<KeySpec> keys = make_keys();
  return keys;
}

const KeySpec* find_key(const std::string& key) {
  for (const auto& spec : study_keys())
    if (spec.key == key) return &spec;
  return nullptr;
}

std::vector<std::string> keys_in_section(const std::string& section) {
  std::vector<std::string> out;
  for (const auto& spec : study_keys())
    if (spec.key.rfind(section + ".", 0) == 0) out.push_back(spec.key.substr(section.size() + 1));
  return out;
}

const std::vector<std::pair<std::string, std::string>>& grid_shorthands() {
  static const std::vector<std::pair<std::string, std::string>> shorthands = {
      {"seed", "study.seed"},          {"beta", "model.beta"},  {"latent_dim", "model.latent_dim"}, {"k", "cluster.k"},
      {"model", "model.kind"},         {"kind", "model.kind"},  {"modalities", "features.modalities"}};
  return shorthands;
}

std::optional<std::string> grid_alias(const std::string& name) {
  for (const auto& [shorthand, key] : grid_shorthands())
    if (name == shorthand) return key;
  return std::nullopt;
}

std::optional<std::string> closest_name(const std::string& name, const std::vector<std::string>& candidates) {
  std::optional<std::string> best;
  std::size_t best_distance = std::max<std::size_t>(2, name.size() / 3) + 1;
  for (const auto& c : candidates) {
    std::size_t d = edit_distance(name, c);
    if (d < best_distance) {
      best_distance = d;
      best = c;
    }
  }
  return best;
}

bool hashed_value(const KeySpec& spec, const Value& value) {
  return !spec.later || value.canonical() != spec.default_value.canonical();
}

std::optional<std::string> check_value(const KeySpec& spec, Value& value) {
  switch (spec.type) {
    case ValueType::boolean:
      if (!value.is_bool()) return "expected true or false, got " + value.kind_name();
      return std::nullopt;
    case ValueType::integer:
      if (!value.is_int()) return "expected an integer, got " + value.kind_name();
      return check_number(spec, static_cast<double>(value.as_int()));
    case ValueType::real:
      if (value.is_int()) value = Value(value.as_double());
      if (!value.is_double()) return "expected a number, got " + value.kind_name();
      return check_number(spec, value.as_double());
    case ValueType::string:
      if (!value.is_string()) return "expected a string, got " + value.kind_name();
      return check_choice(spec, value.as_string());
    case ValueType::real_or_name:
      if (value.is_string()) return check_choice(spec, value.as_string());
      if (value.is_int()) value = Value(value.as_double());
      if (!value.is_double()) return "expected a number or " + join(spec.choices, " or ") + ", got " + value.kind_name();
      return check_number(spec, value.as_double());
    case ValueType::string_list:
      if (!value.is_list()) return "expected a list of strings, got " + value.kind_name();
      for (const auto& item : value.as_list()) {
        if (!item.is_string()) return "expected a list of strings, found " + item.kind_name() + " in it";
        if (auto err = check_choice(spec, item.as_string())) return err;
      }
      return std::nullopt;
    case ValueType::int_list:
      if (!value.is_list() || value.as_list().empty())
        return "expected a non-empty list of integers, got " + value.kind_name();
      for (const auto& item : value.as_list()) {
        if (!item.is_int()) return "expected a list of integers, found " + item.kind_name() + " in it";
        if (auto err = check_number(spec, static_cast<double>(item.as_int()))) return err;
      }
      return std::nullopt;
  }
  return std::nullopt;
}

}  // namespace vaesweep
