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

// "auto" (resolved later, on the data or the machine), then `names`.
std::vector<std::string> auto_or(std::vector<std::string> names) {
  names.insert(names.begin(), "auto");
  return names;
}

using T = ValueType;
using namespace unused_when;

// The key table, one function per section. Each entry binds a key to the spec member it sets
// (spec_binding.hpp), whence the key's type and its default: the member's initialiser in
// study.hpp, read off a default-constructed spec, is the one place a default is written. Then
// its help, bounds (`.range`), names (`.names`, where the binding does not bring an enum's
// table), `.added_later()`, and the conditions under which the key does not change a unit's
// results (`.unused({...})`, study/key_relevance.hpp), or `.describing()` for a key that never
// does. The spec builders (study_fields.cpp) apply every entry bound to their spec; the hash,
// the loader, `vaesweep keys` and docs/study-file.md read the same entries.
std::vector<KeySpec> study_section() {
  return {
      KeySpec{unbound("study.name", T::string, ""), "name shown in logs and results (default: file name)"}.describing(),
      KeySpec{unbound("study.description", T::string, ""), "free text kept in the results file"}.describing(),
      KeySpec{unbound("study.seed", T::integer, 0), "base seed of a unit (training and clustering)"}.range(0, 9.0e15),
  };
}

std::vector<KeySpec> data_section() {
  using S = DataSpec;
  return {
      KeySpec{bind_key("data.source", &S::source, kDataSourceNames),
              "synthetic corpus, audio files (a folder or a manifest CSV), or a feature table (CSV)"},
      KeySpec{bind_key("data.path", &S::path_as_written),
              "audio folder, manifest CSV or feature table CSV: relative to the study file, absolute, or "
              "\"{data_root}/...\" under the data root"}
          .unused({synthetic_data}),
      KeySpec{bind_key("data.labels", &S::labels), "label columns (never features)"},
      // Only refuses data: the numbers of the data it accepts are the same.
      KeySpec{bind_key("data.require_labels", &S::require_labels),
              "an empty label cell stops the run (default: the row is unlabelled for that label set and left out of "
              "its external scores only)"}
          .added_later()
          .describing(),
      KeySpec{bind_key("data.exclude", &S::exclude),
              "further columns kept out of the features (identifiers and recording metadata always are)"},
      KeySpec{bind_key("data.id_column", &S::id_column), "track id column (default: path or filename)"}.unused(
          {synthetic_data}),
      KeySpec{bind_key("data.clips", &S::clips), "synthetic: number of clips"}.range(8, 1.0e7).unused(
          {not_synthetic_data}),
      KeySpec{bind_key("data.corpus_seed", &S::corpus_seed), "synthetic: generator seed"}.range(0, 9.0e15).unused(
          {not_synthetic_data}),
      KeySpec{bind_key("data.seconds", &S::seconds), "synthetic: clip length in seconds"}.range(0.5, 600).unused(
          {not_synthetic_data}),
      KeySpec{bind_key("data.cache_dir", &S::cache_dir),
              "where generated corpora live (relative to the working directory)"}
          .describing(),
      KeySpec{bind_key("data.on_bad_file", &S::on_bad_file, kBadFilePolicyNames),
              "an unreadable audio file: skip it (named in the log and the results) or stop"}
          .unused({table_data, no_audio}),
      KeySpec{bind_key("data.feature_cache", &S::feature_cache),
              "reuse audio features computed earlier with the same files and parameters (in data.cache_dir)"}
          .describing(),
      KeySpec{bind_key("data.balance", &S::balance),
              "label sets to balance: the same number of rows drawn from every class (every combination of classes "
              "with several sets), before features are built"}
          .added_later(),
      KeySpec{bind_number_or_name("data.per_group", &S::per_group, "min"),
              "data.balance: rows drawn per group, or \"min\" (the smallest group's size)"}
          .range(1, 1.0e9)
          .added_later(),
      KeySpec{bind_key("data.sample_seed", &S::sample_seed), "data.balance: seed of the draw"}
          .range(0, 9.0e15)
          .added_later(),
  };
}

std::vector<KeySpec> features_section() {
  using S = FeatureSpec;
  return {
      KeySpec{bind_key("features.kind", &S::kind, kFeatureKindNames),
              "MFCC statistics, the GTZAN-table feature set, or fixed-size log-mel / MFCC sequences"}
          .unused({table_data, no_audio}),
      KeySpec{convert<S>(
                  "features.n_mfcc", T::integer, [](const S& f) { return Value(f.n_mfcc); },
                  // Left at its default, 20 under the librosa kind (n_mfcc_follows_kind): reads the
                  // origin and features.kind, not only its own value.
                  [](S& f, const Settings& s) {
                    const Setting& n_mfcc = s.at("features.n_mfcc");
                    f.n_mfcc = n_mfcc_follows_kind(n_mfcc, s.at("features.kind").value.as_string())
                                   ? kLibrosaTableMfcc
                                   : static_cast<int>(n_mfcc.value.as_int());
                  }),
              "MFCC coefficients (left unset: 20 under features.kind = \"librosa\", the published table's)"}
          .range(1, 128)
          .unused({table_data, no_audio, logmel_features}),
      KeySpec{bind_key("features.statistics", &S::statistics), "statistics of each coefficient over frames"}
          .names({"mean", "var", "std", "skew", "kurtosis", "min", "max"})
          .unused({table_data, no_audio, not_mfcc_stats}),
      KeySpec{bind_key("features.sample_rate", &S::sample_rate), "audio sample rate in Hz"}
          .range(1000, 384000)
          .unused({table_data, no_audio}),
      KeySpec{bind_key("features.resample", &S::resample),
              "converter for files at another rate: libsoxr HQ (librosa >= 0.10's default) or VHQ, or libsamplerate's "
              "best sinc (vaesweep's only one before this key existed); in a unit's hash only when a file is resampled"}
          .names(names_of(audio::kResamplerNames))
          .unused({table_data, no_audio}),
      KeySpec{bind_key("features.n_fft", &S::n_fft), "STFT window length"}.range(16, 65536).unused(
          {table_data, no_audio, librosa_preset}),
      KeySpec{bind_key("features.hop_length", &S::hop_length), "STFT hop"}.range(1, 65536).unused(
          {table_data, no_audio, librosa_preset}),
      KeySpec{bind_key("features.n_mels", &S::n_mels), "mel bands"}.range(1, 1024).unused(
          {table_data, no_audio, librosa_preset}),
      KeySpec{bind_key("features.fmin", &S::fmin), "lowest mel edge in Hz"}.range(0, 192000).unused(
          {table_data, no_audio, librosa_preset}),
      KeySpec{bind_key("features.fmax", &S::fmax), "highest mel edge in Hz (0: sample_rate / 2)"}
          .range(0, 192000)
          .unused({table_data, no_audio, librosa_preset}),
      KeySpec{bind_key("features.mel_scale", &S::mel_scale), "mel scale of the filterbank"}
          .names({"slaney", "htk"})
          .unused({table_data, no_audio, librosa_preset}),
      KeySpec{bind_key("features.top_db", &S::top_db), "dB floor below the maximum of a clip's spectrogram"}
          .range(0, 1000)
          .unused({table_data, no_audio, librosa_preset}),
      KeySpec{bind_key("features.pad_mode", &S::pad_mode),
              "padding of centred STFT frames (reflect: librosa < 0.10 and the GTZAN table; constant: librosa >= 0.10)"}
          .names(names_of(audio::kPadModeNames))
          .unused({table_data, no_audio, librosa_preset}),
      KeySpec{bind_key("features.frames", &S::frames), "logmel / mfcc_sequence: frames per row (cropped or padded)"}
          .range(1, 1.0e6)
          .unused({table_data, no_audio, not_sequence_features}),
      KeySpec{bind_key("features.segment", &S::segment),
              "which part of each clip: whole, the first or centre segment, or all consecutive segments"}
          .names(names_of(audio::kSegmentPolicyNames))
          .unused({table_data, no_audio}),
      KeySpec{bind_key("features.segment_seconds", &S::segment_seconds), "segment length in seconds"}
          .range(0.05, 36000)
          .unused({table_data, no_audio, whole_clips}),
      KeySpec{bind_key("features.standardize", &S::standardize), "z-score every audio feature column"}.unused(
          {no_audio}),
      KeySpec{convert<S>(
                  "features.modalities", T::string_list,
                  [](const S& f) {
                    Value::List list;
                    if (f.audio) list.emplace_back("audio");
                    if (f.text) list.emplace_back("text");
                    return Value(list);
                  },
                  [](S& f, const Settings& s) {
                    f.audio = f.text = false;
                    for (const auto& m : s.at("features.modalities").value.as_list()) {
                      f.audio = f.audio || m.as_string() == "audio";
                      f.text = f.text || m.as_string() == "text";
                    }
                  }),
              "what the model sees: [\"audio\"], [\"text\"] or [\"audio\", \"text\"] (an axis: a list of such lists)"}
          .names({"audio", "text"})
          .added_later(),
      KeySpec{bind_key("features.fusion", &S::fusion, kFusionNames),
              "audio + text: early (the model trains on both, concatenated) or late (it trains on audio; its latent "
              "space is concatenated with the text vectors before clustering)"}
          .added_later()
          .unused({not_audio_and_text}),
      KeySpec{bind_key("features.audio_weight", &S::audio_weight),
              "audio + text: weight of the audio block (each block is first scaled to an equal share of the total "
              "variance)"}
          .range(0, 1.0e6)
          .added_later()
          .unused({not_audio_and_text}),
      KeySpec{bind_key("features.text_weight", &S::text_weight), "audio + text: weight of the text block"}
          .range(0, 1.0e6)
          .added_later()
          .unused({not_audio_and_text}),
  };
}

std::vector<KeySpec> text_section() {
  using S = TextSpec;
  return {
      KeySpec{bind_key("text.source", &S::source, kTextSourceNames),
              "lyrics embedded by the built-in hashed character n-gram TF-IDF embedder, or precomputed embeddings"}
          .added_later()
          .unused({no_text}),
      KeySpec{bind_key("text.path", &S::path_as_written),
              "lyrics CSV, or embeddings (.csv, .h5, .npy): relative to the study file, absolute, or under "
              "\"{data_root}\"; empty: the lyrics column of the data's own manifest (synthetic corpus, audio manifest)"}
          .added_later()
          .unused({no_text}),
      KeySpec{bind_key("text.column", &S::column), "lyrics: the text column"}.added_later().unused(
          {no_text, text_embeddings}),
      KeySpec{bind_key("text.id_column", &S::id_column),
              "the column of track ids matching the data's (default: path for a manifest, id otherwise)"}
          .added_later()
          .unused({no_text, text_joined_by_label}),
      KeySpec{bind_key("text.join", &S::join, kTextJoinNames),
              "pair rows with texts by track id, or (unpaired corpora) give each row a text drawn from those with the "
              "same label (text.join_label): the text then carries nothing but that label"}
          .added_later()
          .unused({no_text}),
      KeySpec{bind_key("text.join_label", &S::join_label), "join = \"label\": the label set shared by both"}
          .added_later()
          .unused({no_text, text_joined_by_id}),
      KeySpec{
          bind_key("text.label_map", &S::label_map),
          "join = \"label\": data label = text label pairs where the spellings differ, e.g. [\"eng=en\", \"bng=bn\"]"}
          .added_later()
          .unused({no_text, text_joined_by_id}),
      KeySpec{bind_key("text.pair_seed", &S::pair_seed), "join = \"label\": seed of the draw"}
          .range(0, 9.0e15)
          .added_later()
          .unused({no_text, text_joined_by_id}),
      KeySpec{bind_key("text.dimension", &S::dimension), "lyrics: embedding width (hash buckets)"}
          .range(1, 1.0e6)
          .added_later()
          .unused({no_text, text_embeddings}),
      KeySpec{bind_key("text.min_n", &S::min_n), "lyrics: shortest character n-gram"}.range(1, 32).added_later().unused(
          {no_text, text_embeddings}),
      KeySpec{bind_key("text.max_n", &S::max_n), "lyrics: longest character n-gram"}.range(1, 32).added_later().unused(
          {no_text, text_embeddings}),
  };
}

std::vector<KeySpec> model_section() {
  using S = ModelSpec;
  return {
      KeySpec{bind_key("model.kind", &S::kind, kModelKindNames),
              "MLP beta-VAE, convolutional beta-VAE (sequence features), conditional beta-VAE (model.condition_on), "
              "deterministic autoencoder, the PCA baseline, raw (cluster the standardised features directly), or noop "
              "(an engine benchmark stand-in: sleeps, then reports random draws, not results)"},
      KeySpec{bind_key("model.hidden", &S::hidden),
              "encoder layer widths (conv_vae: channels per convolution); the decoder mirrors them"}
          .range(1, 65536)
          .unused({untrained_model}),
      KeySpec{bind_key("model.convolution", &S::convolution, kConvolutionKindNames),
              "conv_vae: 1-D over time with coefficients as channels, or 2-D over (bands, frames) patches; auto: 1d "
              "for mfcc_sequence, 2d for logmel"}
          .added_later()
          .unused({not_conv_vae}),
      KeySpec{bind_key("model.condition_on", &S::condition_on),
              "cvae: the label set fed (one-hot) to encoder and decoder; it is not scored unless "
              "evaluation.allow_conditioned_scoring"}
          .added_later()
          .unused({not_cvae}),
      KeySpec{bind_key("model.kl_schedule", &S::kl_schedule, kKlWeightScheduleNames),
              "KL weight: beta throughout, or rising linearly to beta over model.warmup_epochs"}
          .added_later()
          .unused({not_variational}),
      KeySpec{bind_key("model.warmup_epochs", &S::warmup_epochs), "linear KL schedule: epochs to reach beta"}
          .range(1, 1.0e6)
          .added_later()
          .unused({not_variational, constant_kl}),
      KeySpec{bind_key("model.checkpoints", &S::checkpoints),
              "save each trained model and its optimizer in <results>.checkpoints/<config hash>.pt (vaesweep encode "
              "reads them)"}
          .added_later()
          .describing(),
      KeySpec{bind_key("model.reconstruction_examples", &S::reconstruction_examples),
              "rows kept with their reconstructions per unit in /reconstructions of the results"}
          .range(0, 10000)
          .added_later()
          .describing(),
      // Not `later`: the engines give different numbers, so the engine's name is in every MLP
      // unit's hash; torch, the only engine before, is not, and auto hashes as the engine it
      // resolves to (see grid.cpp's line() and resolve_auto_engine).
      KeySpec{convert_with_default<S>("model.engine", T::string, "auto",
                                      // auto not yet resolved (resolve_auto_engine) trains as on a CPU rank.
                                      [](S& m, const Settings& s) {
                                        const std::string& engine = s.at("model.engine").value.as_string();
                                        m.engine = engine == "auto" ? TrainingEngine::batched
                                                                    : parse_named(kTrainingEngineNames, engine, "engine");
                                      }),
              "auto: stacked when the run's first rank has a GPU, else batched; batched: vae / ae / cvae with a "
              "hand-written backward and its own FMA GEMMs, several models at once on the CPU (conv_vae: torch); "
              "stacked: many models of one architecture (any kind, conv_vae too) as one LibTorch network on the "
              "rank's device; torch: LibTorch autograd, one model at a time"}
          .names(auto_or(names_of(kTrainingEngineNames)))
          .unused({engine_not_in_identity}),
      KeySpec{bind_key("model.latent_dim", &S::latent_dim), "latent dimension (PCA: components)"}
          .range(1, 65536)
          .unused({noop_model, raw_model}),
      // Later, and auto leaves no line: pca units hash as before the key existed (their numbers
      // come from full on tables up to 500 rows and columns); an explicit solver is a unit of
      // its own. Which solver a unit ran is in its record (/units pca_solver).
      KeySpec{bind_key("model.pca_solver", &S::pca_solver),
              "pca: full (exact SVD), randomized (Halko et al., fixed seed), or auto as scikit-learn 1.2: randomized "
              "when max(rows, columns) > 500 and latent_dim < 0.8 * min(rows, columns), else full"}
          .names(auto_or(names_of(cluster::kPcaSolverNames)))
          .added_later()
          .unused({not_pca}),
      KeySpec{bind_key("model.beta", &S::beta), "weight of the KL term"}.range(0, 1.0e6).unused({not_variational}),
      KeySpec{bind_key("model.epochs", &S::epochs), "training epochs"}.range(1, 1.0e6).unused({untrained_model}),
      KeySpec{bind_key("model.batch_size", &S::batch_size), "mini-batch size"}.range(1, 1.0e7).unused(
          {untrained_model}),
      KeySpec{bind_key("model.learning_rate", &S::learning_rate), "Adam learning rate"}.range(1e-12, 10).unused(
          {untrained_model}),
      KeySpec{bind_key("model.noop_seconds", &S::noop_seconds),
              "noop: seconds a unit sleeps, standing in for training time (scheduler tests)"}
          .range(0, 1.0e6)
          .unused({not_noop_model}),
  };
}

std::vector<KeySpec> cluster_section() {
  using S = ClusterSpec;
  return {
      KeySpec{bind_key(
                  "cluster.methods", &S::methods, cluster::method_names(), cluster::method_name,
                  +[](const std::string& name) { return cluster::parse_method(name); }),
              "clustering methods run on each latent space"},
      KeySpec{convert<S>(
                  "cluster.k", T::integer, [](const S& c) { return Value(c.ks.front()); },
                  // The unit's own k; the grid replaces it with every k of a cluster.k axis.
                  [](S& c, const Settings& s) { c.ks = {static_cast<int>(s.at("cluster.k").value.as_int())}; }),
              "number of clusters (not used by dbscan)"}
          .range(2, 1.0e7),
      KeySpec{bind_key("cluster.n_init", &S::n_init), "k-means restarts (best inertia wins; also spectral's k-means)"}
          .range(1, 10000)
          .unused({no_kmeans_or_spectral}),
      KeySpec{bind_key("cluster.max_iter", &S::max_iter), "k-means iterations per restart"}.range(1, 1.0e6).unused(
          {no_kmeans}),
      KeySpec{bind_key("cluster.linkage", &S::linkage), "agglomerative linkage"}
          .names(names_of(cluster::kLinkageNames))
          .unused({no_agglomerative}),
      KeySpec{bind_number_or_name("cluster.eps", &S::eps, "auto"),
              "dbscan neighbourhood radius, or \"auto\" (knee of the k-distance curve)"}
          .range(1e-300, 1.0e300)
          .unused({no_dbscan}),
      KeySpec{bind_key("cluster.min_samples", &S::min_samples), "dbscan: neighbours (itself included) of a core point"}
          .range(1, 1.0e6)
          .unused({no_dbscan}),
      KeySpec{bind_key("cluster.affinity", &S::affinity), "spectral affinity"}
          .names(names_of(cluster::kSpectralAffinityNames))
          .unused({no_spectral}),
      KeySpec{bind_key("cluster.n_neighbors", &S::n_neighbors), "spectral: neighbours of the k-NN graph"}
          .range(2, 1.0e6)
          .unused({no_spectral}),
      KeySpec{bind_key("cluster.gamma", &S::gamma), "spectral rbf: kernel coefficient"}
          .range(1e-300, 1.0e300)
          .unused({no_spectral, not_rbf_affinity}),
      KeySpec{bind_key("cluster.covariance", &S::covariance), "gmm covariance type"}
          .names(names_of(cluster::kCovarianceTypeNames))
          .unused({no_gmm}),
      KeySpec{bind_key("cluster.projection", &S::projection, kLatentProjectionNames),
              "cluster (and score) a UMAP projection of the latent space instead of the space itself"},
      KeySpec{bind_key("cluster.umap_components", &S::umap_components), "UMAP output dimensions"}.range(1, 1000).unused(
          {no_umap}),
      KeySpec{bind_key("cluster.umap_neighbors", &S::umap_neighbors), "UMAP n_neighbors"}.range(2, 10000).unused(
          {no_umap}),
      KeySpec{bind_key("cluster.umap_min_dist", &S::umap_min_dist), "UMAP min_dist"}.range(0, 100).unused({no_umap}),
  };
}

std::vector<KeySpec> evaluation_section() {
  using S = EvaluationSpec;
  return {
      KeySpec{convert_with_default<S>("evaluation.label_sets", T::string_list, Value(Value::List{}),
                                      // Empty: every set of data.labels (label_sets reads both keys).
                                      [](S& e, const Settings& s) { e.label_sets = label_sets(s); }),
              "label sets scored with ARI/NMI/purity (default: all of data.labels)"},
      KeySpec{bind_key("evaluation.allow_conditioned_scoring", &S::allow_conditioned_scoring),
              "score a cvae against the label set it was conditioned on anyway (such rows are flagged conditioned)"}
          .added_later()
          .unused({not_cvae}),
      KeySpec{bind_key("evaluation.store_latents", &S::store_latents),
              "keep each unit's latent means (the space clustered) in /latents/<unit> of the results, for plots"}
          .added_later()
          .describing(),
      KeySpec{bind_key("evaluation.store_assignments", &S::store_assignments),
              "keep each (method, k)'s cluster of every row in /assignments/<unit> of the results, for plots"}
          .added_later()
          .describing(),
  };
}

std::vector<KeySpec> slurm_section() {
  return {
      // Defaults of `vaesweep slurm` (its flags override them). Never part of a unit's hash,
      // never a grid axis: where a study runs does not change its results.
      KeySpec{unbound("slurm.partition", T::string, ""), "sbatch --partition (empty: the cluster's default)"}
          .added_later()
          .describing(),
      KeySpec{unbound("slurm.account", T::string, ""), "sbatch --account (empty: the user's default)"}
          .added_later()
          .describing(),
      KeySpec{unbound("slurm.qos", T::string, ""), "sbatch --qos (empty: the default)"}.added_later().describing(),
      KeySpec{
          unbound("slurm.time", T::string, "01:00:00"),
          "time limit of a job (or of each array task): \"M\", \"M:S\", \"H:M:S\", \"D-H\", \"D-H:M\" or \"D-H:M:S\""}
          .added_later()
          .describing(),
      KeySpec{unbound("slurm.nodes", T::integer, 1), "nodes of the job (of each array task)"}
          .range(1, 1.0e6)
          .added_later()
          .describing(),
      KeySpec{unbound("slurm.ntasks_per_node", T::integer, 1), "MPI ranks per node"}
          .range(1, 1.0e5)
          .added_later()
          .describing(),
      KeySpec{unbound("slurm.cpus_per_task", T::integer, 1), "CPUs per rank (OMP_NUM_THREADS follows)"}
          .range(1, 1.0e5)
          .added_later()
          .describing(),
      KeySpec{unbound("slurm.gpus_per_node", T::integer, 0),
              "GPUs per node; rank i of a node takes GPU i mod gpus (0: CPU only)"}
          .range(0, 1024)
          .added_later()
          .describing(),
      KeySpec{unbound("slurm.mem_per_cpu", T::string, ""), "sbatch --mem-per-cpu, e.g. \"4G\" (empty: the default)"}
          .added_later()
          .describing(),
      KeySpec{unbound("slurm.array", T::integer, 0),
              "0: one MPI job for the whole grid; N: a job array of N slices (grid index mod N), merged at the end"}
          .range(0, 1.0e9)
          .added_later()
          .describing(),
      KeySpec{unbound("slurm.max_array_size", T::integer, 1001),
              "the cluster's MaxArraySize: a larger array is submitted in several chunks with offsets"}
          .range(1, 4.0e6)
          .added_later()
          .describing(),
      KeySpec{unbound("slurm.signal_seconds", T::integer, 120),
              "SIGUSR1 this many seconds before the time limit; a unit in progress gets half of it (0: no signal)"}
          .range(0, 65535)
          .added_later()
          .describing(),
      KeySpec{unbound("slurm.requeue", T::boolean, true),
              "a job stopped by the signal or by preemption is requeued and resumes"}
          .added_later()
          .describing(),
      KeySpec{unbound("slurm.setup", T::string_list, Value(Value::List{})),
              "shell lines run before vaesweep in every job, e.g. [\"module load openmpi\"]"}
          .added_later()
          .describing(),
      KeySpec{unbound("slurm.vaesweep", T::string, ""),
              "the vaesweep binary jobs run (empty: the one that renders the script)"}
          .added_later()
          .describing(),
  };
}
std::vector<KeySpec> make_keys() {
  std::vector<KeySpec> keys;
  for (auto section : {study_section, data_section, features_section, text_section, model_section, cluster_section,
                       evaluation_section, slurm_section})
    for (KeySpec& key : section()) keys.push_back(std::move(key));
  return keys;
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
