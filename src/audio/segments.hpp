#pragma once
// Which part of a clip becomes feature rows: the whole clip, one N-second segment (the first
// or the centre one), or all consecutive N-second segments. BanglaBeats ships 3 s clips and
// GTZAN 30 s ones; cutting both to the same segment length removes clip length as a confound,
// and every segment keeps its track id so results can be reported per track as well.
#include <array>
#include <cstddef>
#include <string>
#include <vector>

#include "util/named.hpp"

namespace vaesweep::audio {

enum class SegmentPolicy { whole, first, centre, all };
inline constexpr std::array<Named<SegmentPolicy>, 4> kSegmentPolicyNames = {{{SegmentPolicy::whole, "whole"},
                                                                             {SegmentPolicy::first, "first"},
                                                                             {SegmentPolicy::centre, "centre"},
                                                                             {SegmentPolicy::all, "all"}}};

// A name of kSegmentPolicyNames; anything else throws vaesweep::UserError listing them.
SegmentPolicy parse_segment_policy(const std::string& name);
std::string to_string(SegmentPolicy policy);

struct SegmentSpan {
  std::size_t begin = 0;   // first sample
  std::size_t length = 0;  // samples
};

// The spans of a clip of n_samples (>= 1) at sample_rate for the policy. A segment is
// round(seconds * sample_rate) samples (seconds > 0; ignored for `whole`).
//   whole   one span, the clip
//   first   [0, L)
//   centre  [(n - L) / 2, (n - L) / 2 + L)   (integer division: the earlier sample on a tie)
//   all     floor(n / L) consecutive spans; the remainder after the last one is dropped
// A clip shorter than one segment gives one span, the whole clip (its features then come from
// fewer frames; sequence features pad it to their fixed frame count).
std::vector<SegmentSpan> segment_spans(std::size_t n_samples, int sample_rate, SegmentPolicy policy, double seconds);

}  // namespace vaesweep::audio
