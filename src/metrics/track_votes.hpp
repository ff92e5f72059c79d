#pragma once
// Track-level labels from segment-level ones: when a clip is cut into segments, each segment is
// clustered on its own, and a track's predicted cluster is the one most of its segments got
// (the lowest cluster label on a tie, so the result does not depend on row order). Scoring
// tracks as well as segments keeps a study comparable with per-track published numbers.
#include <string>
#include <vector>

namespace vaesweep::metrics {

struct TrackIndex {
  std::vector<int> track_of_row;       // per row, 0..tracks-1 in order of first appearance
  std::vector<std::size_t> first_row;  // per track
  int tracks = 0;
  bool segmented() const { return static_cast<std::size_t>(tracks) < track_of_row.size(); }
};

TrackIndex track_index(const std::vector<std::string>& track_ids);

// Per track, the most frequent label among its rows (lowest label on ties).
std::vector<int> track_majority(const TrackIndex& index, const std::vector<int>& row_labels);

// Per track, the label of its first row (segments of one track share the track's labels).
std::vector<int> track_labels(const TrackIndex& index, const std::vector<int>& row_labels);

}  // namespace vaesweep::metrics
