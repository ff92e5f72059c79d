#pragma once
// The confound audit (DESIGN.md, evaluation integrity 2): how well each column of a table, on
// its own, predicts each label set. A column that is not meant to carry the labels (a file
// length, a path, a recording property) and predicts them anyway is a confound: a model can
// "cluster by genre" through it. The measure is the cross-validated accuracy of a one-column
// classifier (numbers: quantile bins, each predicting its majority class; text: each value,
// and its leading token such as "blues" of "blues.00042.wav", predicting its majority class),
// against the accuracy of always predicting the majority class, as a lift
// (accuracy - baseline) / (1 - baseline): 0 = no better than the baseline, 1 = perfect.
// Cross-validation keeps a unique identifier from "predicting" anything it merely memorised.
#include <cstdint>
#include <string>
#include <vector>

#include "io/csv.hpp"

namespace vaesweep::data {

struct AuditOptions {
  std::vector<std::string> labels;  // label set columns (each must exist)
  int folds = 5;                    // cross-validation folds, >= 2
  int bins = 10;                    // quantile bins of a numeric column, >= 2
  double threshold = 0.5;           // lift at or above which a column is flagged
  std::uint64_t seed = 0;           // fold assignment
};

struct ColumnAudit {
  std::string column;     // the column, or "<column> (leading token)"
  std::string label_set;
  std::string kind;       // "numeric" or "text"
  bool metadata = false;  // kept out of the features by default (filename, length, ...)
  std::size_t distinct = 0;  // distinct values in the column (or tokens)
  double accuracy = 0;    // cross-validated, of the one-column classifier
  double baseline = 0;    // cross-validated, of predicting the training majority class
  double lift = 0;        // (accuracy - baseline) / (1 - baseline); 0 when baseline is 1
  bool flagged = false;   // lift >= threshold
};

// Every column that is not a label set, against every label set; sorted by label set, then by
// lift, highest first. UserError naming the file for a missing label column, an empty label
// cell (with its line), fewer rows than folds, or options out of range.
std::vector<ColumnAudit> audit_columns(const io::CsvTable& csv, const AuditOptions& options);

}  // namespace vaesweep::data
