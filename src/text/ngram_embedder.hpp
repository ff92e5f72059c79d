#pragma once
// A lyrics embedder that needs no download: hashed character n-grams with TF-IDF weighting,
// a fixed output width. With the defaults it is scikit-learn 1.2's
//   TfidfVectorizer(analyzer="char_wb", ngram_range=(2, 4), sublinear_tf=True, norm="l2")
// with the vocabulary replaced by hash buckets (as HashingVectorizer(alternate_sign=False)
// followed by TfidfTransformer), and with punctuation ending words (see below). When no two
// n-grams of a corpus share a bucket the rows equal scikit-learn's up to the order of the
// features, so cosines agree (tests/unit/test_ngram_embedder.cpp checks them to 1e-12).
//
// Analysis of one document (all in Unicode code points, never bytes):
//  1. UTF-8 is decoded strictly; invalid bytes throw UserError naming the document index and the
//     byte offset (text/unicode.hpp says why they are not replaced by U+FFFD).
//  2. lowercase: Latin letters only (text::latin_lower); Bengali has no case.
//  3. Words are maximal runs of code points that are neither whitespace (Python's str.isspace)
//     nor, when punctuation_breaks_words, punctuation (text::is_punctuation: ASCII punctuation,
//     dashes, quotes, the danda "।"). Bengali vowel signs, virama and ZWJ/ZWNJ stay inside words.
//  4. Each word is padded with one space on each side (" word ") and cut into its n-grams for
//     n = min_n..max_n, left to right, as scikit-learn's _char_wb_ngrams, including its quirk: a
//     padded word no longer than n is emitted once, whole, and longer n are skipped for it.
// Weighting: tf = count of the bucket in the document (1 + ln(tf) when sublinear_tf), times
// idf = ln((1 + n) / (1 + df)) + 1 (scikit-learn's smooth idf; n documents seen by fit, df of
// them holding the bucket), then each row is scaled to unit L2 norm. A bucket unseen by fit has
// df = 0 (the largest idf), as in HashingVectorizer + TfidfTransformer. A document without
// n-grams (empty, or only whitespace and punctuation) gives a row of zeros, never NaN.
#include <Eigen/Core>
#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

namespace vaesweep::text {

struct NgramEmbedderParams {
  int dimension = 384;          // output width (hash buckets); >= 1
  int min_n = 2;                // n-gram lengths in code points; 1 <= min_n <= max_n
  int max_n = 4;
  bool lowercase = true;        // Latin lower-casing only (see above)
  bool sublinear_tf = true;     // 1 + ln(tf), as TfidfVectorizer(sublinear_tf=True)
  // true: punctuation ends a word ("don't" is "don" and "t"); false: only whitespace does,
  // exactly as scikit-learn's char_wb ("don't" is one word).
  bool punctuation_breaks_words = true;
  // Bucket of an n-gram: splitmix64(fnv1a64(its UTF-8 bytes) ^ hash_seed) % dimension. FNV-1a
  // is tiny and well known; the SplitMix64 finaliser makes every bit of the 64-bit hash reach
  // the bucket (plain FNV's low bits mix poorly) and lets the seed pick another hash function.
  std::uint64_t hash_seed = 0;
};

// UserError naming the first invalid field, its value and the valid range.
void validate(const NgramEmbedderParams& params);

// FNV-1a, 64 bits (offset basis 0xcbf29ce484222325, prime 0x100000001b3).
std::uint64_t fnv1a64(std::string_view bytes);
// The bucket of one n-gram given as UTF-8 (formula above).
int ngram_bucket(std::string_view ngram_utf8, const NgramEmbedderParams& params);

// The n-grams of one document in the order the analyzer emits them (repeats kept), as UTF-8:
// steps 1-4 above, independent of dimension and hashing. `doc_index` only names the document
// in errors.
std::vector<std::string> char_wb_ngrams(std::string_view doc, const NgramEmbedderParams& params,
                                        std::size_t doc_index = 0);

class NgramEmbedder {
 public:
  // Validates params (UserError naming the field).
  explicit NgramEmbedder(NgramEmbedderParams params);

  // Learns the idf of every bucket from `docs` (at least one document).
  void fit(const std::vector<std::string>& docs);
  // One L2-normalised row per document, dimension columns. UserError before fit().
  Eigen::MatrixXd transform(const std::vector<std::string>& docs) const;
  // fit(docs) then transform(docs), analysing each document once.
  Eigen::MatrixXd fit_transform(const std::vector<std::string>& docs);

  bool fitted() const { return idf_.size() > 0; }
  const Eigen::VectorXd& idf() const { return idf_; }  // per bucket; empty before fit()
  const NgramEmbedderParams& params() const { return params_; }

 private:
  NgramEmbedderParams params_;
  Eigen::VectorXd idf_;
};

}  // namespace vaesweep::text
