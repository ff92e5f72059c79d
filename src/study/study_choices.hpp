#pragma once
// The names of each closed set of choices a study key takes, written once: the enum's parse
// function and to_string (study.cpp) and the key's `choices` in the schema (study_schema.cpp,
// hence the "valid names are" messages and docs/study-file.md) all read these tables.
#include <array>
#include <string>
#include <string_view>
#include <vector>

#include "util/named.hpp"
#include "study/study.hpp"

namespace vaesweep {

// In documentation order: the order the schema lists and messages name them.
inline constexpr std::array<Named<DataSource>, 3> kDataSourceNames = {
    {{DataSource::synthetic, "synthetic"}, {DataSource::audio, "audio"}, {DataSource::table, "table"}}};
inline constexpr std::array<Named<BadFilePolicy>, 2> kBadFilePolicyNames = {
    {{BadFilePolicy::skip, "skip"}, {BadFilePolicy::fail, "fail"}}};
inline constexpr std::array<Named<FeatureKind>, 4> kFeatureKindNames = {{{FeatureKind::mfcc_stats, "mfcc_stats"},
                                                                          {FeatureKind::librosa, "librosa"},
                                                                          {FeatureKind::logmel, "logmel"},
                                                                          {FeatureKind::mfcc_sequence, "mfcc_sequence"}}};
inline constexpr std::array<Named<ModelKind>, 7> kModelKindNames = {
    {{ModelKind::vae, "vae"}, {ModelKind::conv_vae, "conv_vae"}, {ModelKind::cvae, "cvae"}, {ModelKind::ae, "ae"},
     {ModelKind::pca, "pca"}, {ModelKind::raw, "raw"}, {ModelKind::noop, "noop"}}};
inline constexpr std::array<Named<Fusion>, 2> kFusionNames = {{{Fusion::early, "early"}, {Fusion::late, "late"}}};
inline constexpr std::array<Named<TextSource>, 2> kTextSourceNames = {
    {{TextSource::lyrics, "lyrics"}, {TextSource::embeddings, "embeddings"}}};
inline constexpr std::array<Named<TextJoin>, 2> kTextJoinNames = {{{TextJoin::id, "id"}, {TextJoin::label, "label"}}};
inline constexpr std::array<Named<KlWeightSchedule>, 2> kKlWeightScheduleNames = {
    {{KlWeightSchedule::constant, "constant"}, {KlWeightSchedule::linear, "linear"}}};
inline constexpr std::array<Named<LatentProjection>, 2> kLatentProjectionNames = {
    {{LatentProjection::none, "none"}, {LatentProjection::umap, "umap"}}};
inline constexpr std::array<Named<ConvolutionKind>, 3> kConvolutionKindNames = {
    {{ConvolutionKind::automatic, "auto"}, {ConvolutionKind::conv1d, "1d"}, {ConvolutionKind::conv2d, "2d"}}};
// model.engine's names but "auto", which names none of them (it resolves to one on the machine).
inline constexpr std::array<Named<TrainingEngine>, 3> kTrainingEngineNames = {
    {{TrainingEngine::batched, "batched"}, {TrainingEngine::stacked, "stacked"}, {TrainingEngine::torch, "torch"}}};
// The other closed sets are named beside their enums, where the algorithms parse them
// (util/named.hpp's tables): the clustering methods (cluster/method.hpp), the linkage
// (cluster/agglomerative.hpp), the spectral affinity, the gmm covariance, the PCA solver, the
// pad mode (audio/spectrogram.hpp), the segment policy and the resampler.

}  // namespace vaesweep
