// Track-level labels from segments: analytic cases of the documented majority rule.
#include <gtest/gtest.h>

#include "metrics/external.hpp"
#include "metrics/track_votes.hpp"

namespace vm = vaesweep::metrics;

TEST(TrackVotes, IndexInOrderOfFirstAppearance) {
  const auto index = vm::track_index({"b", "b", "a", "b", "c"});
  EXPECT_EQ(index.tracks, 3);
  EXPECT_EQ(index.track_of_row, (std::vector<int>{0, 0, 1, 0, 2}));
  EXPECT_EQ(index.first_row, (std::vector<std::size_t>{0, 2, 4}));
  EXPECT_TRUE(index.segmented());
  EXPECT_FALSE(vm::track_index({"a", "b"}).segmented());
}

TEST(TrackVotes, MajorityWithLowestLabelOnTies) {
  const auto index = vm::track_index({"t1", "t1", "t1", "t2", "t2", "t3", "t3", "t3", "t3"});
  // t1: 5,5,2 -> 5; t2: 7,3 tie -> 3; t3: 1,4,4,1 tie -> 1.
  EXPECT_EQ(vm::track_majority(index, {5, 5, 2, 7, 3, 1, 4, 4, 1}), (std::vector<int>{5, 3, 1}));
  EXPECT_EQ(vm::track_labels(index, {0, 0, 0, 1, 1, 2, 2, 2, 2}), (std::vector<int>{0, 1, 2}));
}

TEST(TrackVotes, TrackScoresForgiveMinoritySegmentErrors) {
  // Two genres, two tracks each, 3 segments per track; one segment per track misclustered:
  // segment-level ARI < 1, track-level ARI = 1 (every track's majority is right).
  std::vector<std::string> ids;
  for (const char* t : {"a", "b", "c", "d"})
    for (int s = 0; s < 3; ++s) ids.push_back(t);
  const std::vector<int> truth = {0, 0, 0, 0, 0, 0, 1, 1, 1, 1, 1, 1};
  const std::vector<int> pred = {0, 0, 1, 0, 1, 0, 1, 1, 0, 0, 1, 1};
  const auto index = vm::track_index(ids);
  EXPECT_LT(vm::adjusted_rand_index(truth, pred), 1.0);
  EXPECT_DOUBLE_EQ(vm::adjusted_rand_index(vm::track_labels(index, truth), vm::track_majority(index, pred)), 1.0);
}
