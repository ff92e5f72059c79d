// Segment spans: analytic expectations from the documented rules (segments.hpp).
#include <gtest/gtest.h>

#include "audio/segments.hpp"
#include "util/error.hpp"

namespace va = vaesweep::audio;

namespace {

std::vector<std::pair<std::size_t, std::size_t>> spans(std::size_t n, va::SegmentPolicy p, double seconds, int sr = 100) {
  std::vector<std::pair<std::size_t, std::size_t>> out;
  for (const auto& s : va::segment_spans(n, sr, p, seconds)) out.emplace_back(s.begin, s.length);
  return out;
}

}  // namespace

TEST(Segments, WholeIsTheClip) {
  EXPECT_EQ(spans(1234, va::SegmentPolicy::whole, 3.0), (decltype(spans(0, {}, 0)){{0, 1234}}));
}

TEST(Segments, FirstAndCentre) {
  // 10 s at 100 Hz, 3 s segments: first [0, 300), centre starts at (1000 - 300) / 2 = 350.
  EXPECT_EQ(spans(1000, va::SegmentPolicy::first, 3.0), (decltype(spans(0, {}, 0)){{0, 300}}));
  EXPECT_EQ(spans(1000, va::SegmentPolicy::centre, 3.0), (decltype(spans(0, {}, 0)){{350, 300}}));
  // An odd remainder: (1001 - 300) / 2 = 350 (the earlier sample).
  EXPECT_EQ(spans(1001, va::SegmentPolicy::centre, 3.0), (decltype(spans(0, {}, 0)){{350, 300}}));
}

TEST(Segments, AllDropsTheRemainder) {
  // 10.5 s in 3 s segments: three of them, the last 1.5 s dropped.
  EXPECT_EQ(spans(1050, va::SegmentPolicy::all, 3.0),
            (decltype(spans(0, {}, 0)){{0, 300}, {300, 300}, {600, 300}}));
  // Exactly divisible: 30 s in 3 s segments gives 10, as GTZAN's published 3-second table.
  EXPECT_EQ(va::segment_spans(661500, 22050, va::SegmentPolicy::all, 3.0).size(), 10U);
  // GTZAN's 661794 samples (30.013 s): still 10, the 294 extra samples dropped.
  EXPECT_EQ(va::segment_spans(661794, 22050, va::SegmentPolicy::all, 3.0).size(), 10U);
}

TEST(Segments, ShortClipIsOneSpan) {
  for (auto p : {va::SegmentPolicy::first, va::SegmentPolicy::centre, va::SegmentPolicy::all})
    EXPECT_EQ(spans(120, p, 3.0), (decltype(spans(0, {}, 0)){{0, 120}}));
}

TEST(Segments, ParseNames) {
  EXPECT_EQ(va::parse_segment_policy("centre"), va::SegmentPolicy::centre);
  EXPECT_EQ(va::to_string(va::SegmentPolicy::all), "all");
  try {
    va::parse_segment_policy("center");
    FAIL() << "expected UserError";
  } catch (const vaesweep::UserError& e) {
    EXPECT_NE(std::string(e.what()).find("whole, first, centre, all"), std::string::npos) << e.what();
  }
}
