#include "text/ngram_embedder.hpp"

#include <algorithm>
#include <cmath>
#include <utility>

#include "util/error.hpp"
#include "util/rng.hpp"
#include "text/unicode.hpp"

namespace vaesweep::text {
namespace {

// (bucket, count) pairs of one document, buckets ascending.
using BucketCounts = std::vector<std::pair<int, double>>;

// Calls emit(std::string_view) with every n-gram of `doc` as UTF-8, in the analyzer's order.
template <typename Emit>
void for_each_ngram(std::string_view doc, const NgramEmbedderParams& p, std::size_t doc_index, Emit&& emit) {
  const std::u32string cps = decode_utf8(doc, "ngram embedder: document " + std::to_string(doc_index));
  const auto boundary = [&p](char32_t c) {
    return is_whitespace(c) || (p.punctuation_breaks_words && is_punctuation(c));
  };
  std::string word;                 // the padded word " w o r d " as UTF-8
  std::vector<std::size_t> starts;  // byte offset of each of its code points, then its size
  std::size_t i = 0;
  while (i < cps.size()) {
    if (boundary(cps[i])) {
      ++i;
      continue;
    }
    word.assign(1, ' ');
    starts.assign(1, 0);
    for (; i < cps.size() && !boundary(cps[i]); ++i) {
      starts.push_back(word.size());
      append_utf8(p.lowercase ? latin_lower(cps[i]) : cps[i], word);
    }
    starts.push_back(word.size());
    word.push_back(' ');
    starts.push_back(word.size());
    const std::size_t length = starts.size() - 1;  // code points in the padded word
    const std::string_view w(word);
    for (auto n = static_cast<std::size_t>(p.min_n); n <= static_cast<std::size_t>(p.max_n); ++n) {
      if (n >= length) {  // scikit-learn's quirk: the whole padded word once, no longer n
        emit(w);
        break;
      }
      for (std::size_t a = 0; a + n <= length; ++a) emit(w.substr(starts[a], starts[a + n] - starts[a]));
    }
  }
}

BucketCounts bucket_counts(std::string_view doc, const NgramEmbedderParams& p, std::size_t doc_index) {
  std::vector<int> buckets;
  for_each_ngram(doc, p, doc_index, [&](std::string_view g) { buckets.push_back(ngram_bucket(g, p)); });
  std::sort(buckets.begin(), buckets.end());
  BucketCounts out;
  for (int b : buckets) {
    if (!out.empty() && out.back().first == b) {
      out.back().second += 1;
    } else {
      out.emplace_back(b, 1.0);
    }
  }
  return out;
}

std::vector<BucketCounts> all_counts(const std::vector<std::string>& docs, const NgramEmbedderParams& p) {
  std::vector<BucketCounts> out;
  out.reserve(docs.size());
  for (std::size_t d = 0; d < docs.size(); ++d) out.push_back(bucket_counts(docs[d], p, d));
  return out;
}

Eigen::VectorXd smooth_idf(const std::vector<BucketCounts>& counts, int dimension) {
  Eigen::VectorXd df = Eigen::VectorXd::Zero(dimension);
  for (const auto& doc : counts)
    for (const auto& [b, c] : doc) df(b) += 1;
  const double n = static_cast<double>(counts.size());
  return ((1.0 + n) / (1.0 + df.array())).log() + 1.0;
}

Eigen::MatrixXd weigh(const std::vector<BucketCounts>& counts, const Eigen::VectorXd& idf, bool sublinear) {
  Eigen::MatrixXd X = Eigen::MatrixXd::Zero(static_cast<Eigen::Index>(counts.size()), idf.size());
  for (std::size_t d = 0; d < counts.size(); ++d) {
    const auto row = static_cast<Eigen::Index>(d);
    double squared = 0;
    for (const auto& [b, c] : counts[d]) {
      const double v = (sublinear ? 1.0 + std::log(c) : c) * idf(b);  // c >= 1: no log(0)
      X(row, b) = v;
      squared += v * v;
    }
    if (squared > 0) X.row(row) /= std::sqrt(squared);  // a document without n-grams stays 0
  }
  return X;
}

}  // namespace

void validate(const NgramEmbedderParams& params) {
  if (params.dimension < 1)
    throw UserError("ngram embedder: dimension = " + std::to_string(params.dimension) + "; expected >= 1");
  if (params.min_n < 1)
    throw UserError("ngram embedder: min_n = " + std::to_string(params.min_n) + "; expected >= 1");
  if (params.max_n < params.min_n)
    throw UserError("ngram embedder: max_n = " + std::to_string(params.max_n) + "; expected >= min_n = " +
                    std::to_string(params.min_n));
}

std::uint64_t fnv1a64(std::string_view bytes) {
  std::uint64_t h = 0xcbf29ce484222325ULL;
  for (char c : bytes) {
    h ^= static_cast<unsigned char>(c);
    h *= 0x100000001b3ULL;
  }
  return h;
}

int ngram_bucket(std::string_view ngram_utf8, const NgramEmbedderParams& params) {
  const std::uint64_t h = splitmix64(fnv1a64(ngram_utf8) ^ params.hash_seed);
  return static_cast<int>(h % static_cast<std::uint64_t>(params.dimension));
}

std::vector<std::string> char_wb_ngrams(std::string_view doc, const NgramEmbedderParams& params,
                                        std::size_t doc_index) {
  validate(params);
  std::vector<std::string> out;
  for_each_ngram(doc, params, doc_index, [&](std::string_view g) { out.emplace_back(g); });
  return out;
}

NgramEmbedder::NgramEmbedder(NgramEmbedderParams params) : params_(std::move(params)) { validate(params_); }

void NgramEmbedder::fit(const std::vector<std::string>& docs) {
  if (docs.empty()) throw UserError("ngram embedder: fit() got no documents; expected at least one");
  idf_ = smooth_idf(all_counts(docs, params_), params_.dimension);
}

Eigen::MatrixXd NgramEmbedder::transform(const std::vector<std::string>& docs) const {
  if (!fitted()) throw UserError("ngram embedder: transform() before fit(); fit on a corpus first");
  return weigh(all_counts(docs, params_), idf_, params_.sublinear_tf);
}

Eigen::MatrixXd NgramEmbedder::fit_transform(const std::vector<std::string>& docs) {
  if (docs.empty()) throw UserError("ngram embedder: fit() got no documents; expected at least one");
  const std::vector<BucketCounts> counts = all_counts(docs, params_);
  idf_ = smooth_idf(counts, params_.dimension);
  return weigh(counts, idf_, params_.sublinear_tf);
}

}  // namespace vaesweep::text
