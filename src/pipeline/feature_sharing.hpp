#pragma once
// Every distinct feature table a sweep's units need, built once and handed to every rank.
// For audio sources the files the feature cache lacks are extracted by all ranks together
// (file i by rank i mod size), the root assembles the table and writes the cache; ranks never
// extract the same file twice and never read the cache concurrently.
#include <map>
#include <string>

#include "study/grid.hpp"
#include "study/study.hpp"
#include "io/column_table.hpp"
#include "data/feature_table.hpp"
#include "engine/mpi_context.hpp"
#include "results/results_file.hpp"

namespace vaesweep::pipeline {

// Collective: every rank calls it with the same grid. feature_hash -> table. A UserError on
// the root (a bad file under on_bad_file = "fail", k larger than the data) reaches every rank.
std::map<std::string, data::FeatureTable> share_features(const Grid& grid, const Study& study, const engine::MpiSession& mpi);

// /features of the results file: one row per table (hash, source, size, shape, kept-out
// columns, skipped files, unlabelled rows per label set, and per pair of label sets how they
// depend on each other on the rows labelled in both: nmi_<a>_and_<b>, mi_share_<b>_from_<a>,
// mi_share_<a>_from_<b>, labelled_<a>_and_<b>; balanced_draw, what data.balance drew, when a
// table was drawn).
io::ColumnTable features_table(const std::map<std::string, data::FeatureTable>& tables, const Grid& grid);
// /skipped_files: feature_hash, path, reason for every audio file a table left out.
io::ColumnTable skipped_files_table(const std::map<std::string, data::FeatureTable>& tables);
// /drawn_rows/<feature hash> for every table data.balance drew: each kept file's or row's
// `position` in the data (0-based) and `id`, with the draw's description as an attribute.
void add_drawn_rows(const std::map<std::string, data::FeatureTable>& tables, results::ResultsContent& content);

}  // namespace vaesweep::pipeline
