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
// The other closed sets are named beside their enums, where the algorithms parse them
// (util/named.hpp's tables): the clustering methods (cluster/method.hpp), the linkage
// (cluster/agglomerative.hpp), the spectral affinity, the gmm covariance, the PCA solver, the
// pad mode (audio/spectrogram.hpp), the segment policy and the resampler.

}  // namespace vaesweep
