#include "metrics/track_votes.hpp"

#include <map>
#include <unordered_map>

#include "util/error.hpp"

namespace vaesweep::metrics {

TrackIndex track_index(const std::vector<std::string>& track_ids) {
  TrackIndex index;
  std::unordered_map<std::string, int> seen;
  index.track_of_row.reserve(track_ids.size());
  for (std::size_t r = 0; r < track_ids.size(); ++r) {
    const auto [it, inserted] = seen.emplace(track_ids[r], index.tracks);
    if (inserted) {
      index.first_row.push_back(r);
      ++index.tracks;
    }
    index.track_of_row.push_back(it->second);
  }
  return index;
}

std::vector<int> track_majority(const TrackIndex& index, const std::vector<int>& row_labels) {
  if (row_labels.size() != index.track_of_row.size())
    throw UserError("track_majority: " + std::to_string(row_labels.size()) + " labels for " +
                    std::to_string(index.track_of_row.size()) + " rows");
  std::vector<std::map<int, int>> counts(static_cast<std::size_t>(index.tracks));
  for (std::size_t r = 0; r < row_labels.size(); ++r)
    ++counts[static_cast<std::size_t>(index.track_of_row[r])][row_labels[r]];
  std::vector<int> out;
  out.reserve(counts.size());
  for (const auto& c : counts) {
    // std::map iterates labels in ascending order; only a strictly larger count replaces.
    int best = c.begin()->first, best_count = 0;
    for (const auto& [label, n] : c)
      if (n > best_count) {
        best = label;
        best_count = n;
      }
    out.push_back(best);
  }
  return out;
}

std::vector<int> track_labels(const TrackIndex& index, const std::vector<int>& row_labels) {
  std::vector<int> out;
  out.reserve(index.first_row.size());
  for (std::size_t r : index.first_row) out.push_back(row_labels.at(r));
  return out;
}

}  // namespace vaesweep::metrics
