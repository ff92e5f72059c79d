#include "audio/segments.hpp"

#include <cmath>

#include "util/error.hpp"

namespace vaesweep::audio {

SegmentPolicy parse_segment_policy(const std::string& name) {
  return parse_named(kSegmentPolicyNames, name, "segment policy");
}

std::string to_string(SegmentPolicy policy) { return name_of(kSegmentPolicyNames, policy); }

std::vector<SegmentSpan> segment_spans(std::size_t n_samples, int sample_rate, SegmentPolicy policy, double seconds) {
  VAESWEEP_ASSERT(n_samples > 0 && sample_rate > 0, "segment_spans needs samples and a rate");
  if (policy == SegmentPolicy::whole) return {{0, n_samples}};
  if (!(seconds > 0)) throw UserError("segment length must be > 0 seconds, got " + std::to_string(seconds));
  const auto length = static_cast<std::size_t>(std::llround(seconds * sample_rate));
  if (length == 0 || length >= n_samples) return {{0, n_samples}};
  switch (policy) {
    case SegmentPolicy::first: return {{0, length}};
    case SegmentPolicy::centre: return {{(n_samples - length) / 2, length}};
    case SegmentPolicy::all: {
      std::vector<SegmentSpan> spans;
      for (std::size_t begin = 0; begin + length <= n_samples; begin += length) spans.push_back({begin, length});
      return spans;
    }
    case SegmentPolicy::whole: break;
  }
  return {{0, n_samples}};
}

}  // namespace vaesweep::audio
