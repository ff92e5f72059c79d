#pragma once
// What a work unit produces: one UnitRecord, and one EvaluationRecord per (method, k). These
// are the rows of /units and /evaluations in the results file.
#include <cstdint>
#include <limits>
#include <string>
#include <string_view>
#include <vector>

#include "util/value.hpp"
#include "io/column_table.hpp"
#include "results/axis_columns.hpp"
#include "results/unit_status.hpp"

namespace vaesweep::results {

struct UnitRecord {
  std::int64_t unit = 0;          // WorkUnit::index
  std::string config_hash, group_hash, feature_hash;
  std::string model;              // "vae", "pca"
  // Axis values without the seed, for people: "beta=4 latent_dim=8". No code reads it back
  // (but the legacy decoder of files and journals written before axis_values existed).
  std::string axes;
  AxisValues axis_values;         // the same, typed: the /units axis columns (results/axis_columns.hpp)
  double beta = 0;                // NaN where the model has none (PCA)
  std::int64_t latent_dim = 0;
  std::int64_t seed = 0;
  UnitStatus status = UnitStatus::ok;  // collapsed units are ok: see `collapsed`
  std::string message;            // why, when not ok
  std::int64_t epochs_run = 0;
  // Training seconds: the model's own; for a model trained in a batch with others, the batch's
  // wall time divided by `trained_with`.
  double train_seconds = 0, eval_seconds = 0;
  double loss = 0, reconstruction = 0, kl = 0;  // per sample, on the whole data after training
  std::int64_t active_units = 0;
  std::string kl_per_dim;         // ";"-separated, for the collapse diagnostics
  std::int64_t rank = 0;
  std::string host, device;
  std::string run_id;             // the run attempt that produced the unit (resumed runs mix several)
  double started_at = 0;          // Unix time in seconds when the unit started
  double wall_seconds = 0;        // the whole unit: train + evaluate + overhead
  std::int64_t collapsed = 0;     // 1: a trained model with no active unit (posterior collapse)
  std::string condition_on;       // cvae: the label set fed to the model
  // Label sets whose external scores were withheld because the model saw them (cvae without
  // evaluation.allow_conditioned_scoring); their columns are NaN in this unit's evaluations.
  std::string withheld;
  std::string engine;             // who trained the model: "batched", "stacked" or "torch"; empty: not trained
  std::string precision;          // the trained model's arithmetic: "float32"; empty: not trained
  std::int64_t trained_with = 0;  // models trained together in one batch, this one included (0: not trained)
  std::string checkpoint;         // the saved model, relative to the results file's folder; empty: none
  // pca: the solver that produced the unit's numbers, "full" or "randomized" (model.pca_solver
  // with auto resolved on the table's shape); empty for other models. A results file written
  // before the column existed ran every pca unit with full.
  std::string pca_solver;
  // 1: the model was not fitted for this unit but taken from an earlier unit of the same rank
  // with the same input, latent_dim and solver (pca); train_seconds is then the lookup's time.
  std::int64_t reused_fit = 0;
  // model.reconstruction_examples: per example "<row id>:<x_1> ... <x_d>|<x̂_1> ... <x̂_d>", examples
  // separated by ";", values with 9 significant digits (the model computes in float32); x is
  // the row as the model saw it (standardised), x̂ its reconstruction from the posterior mean.
  std::string reconstructions;
  // evaluation.store_latents: the space the unit clustered (latent means, PCA components, the
  // features for raw; its UMAP projection under cluster.projection = "umap"), row-major,
  // latent_rows x latent_cols, rows in the order of the feature table. Empty when not stored.
  // Kept apart from the /units table: in the results file it is the dataset /latents/<unit>.
  std::vector<double> latent;
  std::int64_t latent_rows = 0, latent_cols = 0;
  // Disentanglement of the unit's space (before any UMAP projection) against each label set,
  // src/metrics/disentanglement.hpp, in the unit's label-set order; all empty when not computed
  // (a failed unit, noop). Per label set: disentanglement_field_names() values (NaN: withheld,
  // undefined), the labelled rows they used, and the MI of each dimension (nats, ";"-separated).
  std::vector<double> disentanglement;
  std::vector<std::int64_t> disentangled_rows;
  std::vector<std::string> mi_per_dim;
  // Label-free: the Gaussian total correlation of the same space (nats); NaN when not computed.
  double total_correlation = std::numeric_limits<double>::quiet_NaN();
};

struct EvaluationRecord {
  std::int64_t unit = 0;
  std::string config_hash;
  std::string method;             // "kmeans"
  std::int64_t k = 0;
  std::string space;              // the space clustered and scored: "vae_latent", "pca", "features", "+umap"
  UnitStatus status = UnitStatus::ok;  // ok, failed, or the unit's status when it produced no latent space
  std::int64_t clusters_found = 0;
  double noise_fraction = 0;      // DBSCAN noise, left out of every score
  double inertia = 0, silhouette = 0, calinski_harabasz = 0, davies_bouldin = 0;
  double trustworthiness = 0;     // of the UMAP projection that was clustered; NaN without one
  std::vector<double> external;   // per label set: external_metric_names() in that order
  // The same per track when rows are segments of tracks (a track's prediction is the majority
  // cluster of its segments); empty when every row is its own track.
  std::vector<double> track_external;
  // Per label set: the rows (scored) and tracks (track_scored, empty as track_external) whose
  // labels the external scores compare with the partition: labelled, not DBSCAN noise. A row
  // unlabelled in a set is clustered but left out of that set's scores. -1: not recorded (a
  // results file written before the count existed).
  std::vector<std::int64_t> scored, track_scored;
  // 1: the external scores include the label set the model was conditioned on (computed under
  // evaluation.allow_conditioned_scoring); such scores are not honest and are flagged as such.
  std::int64_t conditioned = 0;
  // evaluation.store_assignments: every row's cluster (-1: DBSCAN noise), in the order of the
  // feature table; empty when not stored. In the results file: column <method>_k<k> of
  // /assignments/<unit>.
  std::vector<std::int64_t> assignment;
};

inline const std::vector<std::string>& external_metric_names() {
  static const std::vector<std::string> names = {"ari",          "nmi",          "ami",       "purity",
                                                 "homogeneity",  "completeness", "v_measure", "fmi"};
  return names;
}

// Per label set, UnitRecord::disentanglement holds these in this order; /units has a column
// "<name>_<label set>" for each. The first four are scores (rank ranks by them; oracle metrics,
// since they read the labels); label_entropy is H(labels) in nats, MIG's normaliser.
inline const std::vector<std::string>& disentanglement_field_names() {
  static const std::vector<std::string> names = {"mig", "sap", "dci_completeness", "dci_informativeness",
                                                 "label_entropy"};
  return names;
}
inline const std::vector<std::string>& disentanglement_metric_names() {
  static const std::vector<std::string> names = {"mig", "sap", "dci_completeness", "dci_informativeness"};
  return names;
}

// Many records in one message between ranks; decode appends to both vectors.
// "vae beta=4 latent_dim=8 seed=2 [a1b2c3d4e5f6]": a unit in messages (config hash prefix).
std::string unit_label(const UnitRecord& unit);

std::string encode(const std::vector<UnitRecord>& units, const std::vector<EvaluationRecord>& evaluations);
void decode(const std::string& bytes, std::vector<UnitRecord>& units, std::vector<EvaluationRecord>& evaluations);

// One unit and its evaluations: a shard journal record. The bytes start with a format version,
// so that a journal written by another build is refused rather than misread. decode_unit
// assigns `unit` and appends to `evaluations`, both only when the whole record decodes;
// garbage, truncated bytes, trailing bytes or another version throw UserError.
std::string encode_unit(const UnitRecord& unit, const std::vector<EvaluationRecord>& evaluations);
void decode_unit(std::string_view bytes, UnitRecord& unit, std::vector<EvaluationRecord>& evaluations);

// With the disentanglement columns of `label_sets` (mig_<set>, ..., disentangled_rows_<set>,
// mi_per_dim_<set>) and total_correlation, then the axis columns of axis_columns(units) (whose
// names and kinds write_units_layout records beside the table); UserError when a unit has values for another
// number of label sets.
io::ColumnTable units_table(const std::vector<UnitRecord>& units, const std::vector<std::string>& label_sets);
// The same with the axis columns `axes` (axis_columns of the whole table, when `units` is a block
// of it): a unit without an axis holds the column's missing value.
io::ColumnTable units_table(const std::vector<UnitRecord>& units, const std::vector<std::string>& label_sets,
                              const std::vector<AxisColumn>& axes);
// "/latents/17", "/assignments/17": where a unit's stored arrays live in the results file.
std::string latents_path(std::int64_t unit);
std::string assignments_path(std::int64_t unit);
// "kmeans_k4", "dbscan_k0": an evaluation's column in /assignments/<unit>.
std::string assignment_column(const EvaluationRecord& evaluation);
// External metric columns are named "<metric>_<label set>", e.g. "nmi_genre"; per-track ones
// "<metric>_<label set>_track", present when some row has them. UserError when a row has scores
// for another number of label sets.
io::ColumnTable evaluations_table(const std::vector<EvaluationRecord>& evaluations,
                                    const std::vector<std::string>& label_sets);
// The same with the "_track" columns or without them, as `per_track` says (has_track_scores of
// the whole table, when `evaluations` is a block of it).
io::ColumnTable evaluations_table(const std::vector<EvaluationRecord>& evaluations,
                                    const std::vector<std::string>& label_sets, bool per_track);
// Whether some row has per-track scores: evaluations_table's "_track" columns are there.
bool has_track_scores(const std::vector<EvaluationRecord>& evaluations);

// The inverse of units_table and evaluations_table, for resume (an earlier results file merged
// with new shards); appends to both vectors. `label_sets` gives the external columns' order;
// `layout` says where the axis values are (typed columns, or a format-1 file's axes text).
// The "_track" columns are optional (absent: empty track_external), and so are the columns
// added after the first release (run_id, started_at, wall_seconds: defaulted when absent) and
// the disentanglement columns (absent, or NaN with no row for every set: empty vectors).
// A row whose track values are all NaN comes back with an empty track_external (the table
// cannot tell the two apart; evaluations_table writes both alike); external always comes back
// with one value per (label set, metric). UserError naming the table and the column when one
// is missing or has the wrong type; nothing is appended then. A table without any column (never
// written) reads as no rows.
void records_from_tables(const io::ColumnTable& units, const io::ColumnTable& evaluations,
                         const std::vector<std::string>& label_sets, const UnitsLayout& layout,
                         std::vector<UnitRecord>& unit_records, std::vector<EvaluationRecord>& evaluation_records);

}  // namespace vaesweep::results
