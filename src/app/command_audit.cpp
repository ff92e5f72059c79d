// vaesweep audit: which columns, alone, predict a label set (data/confound_audit.hpp), for a
// feature table or for the data of any study.
#include <cstdio>
#include <iostream>

#include "app/commands.hpp"
#include "app/options.hpp"
#include "util/csv_field.hpp"
#include "util/error.hpp"
#include "util/log.hpp"
#include "util/strings.hpp"
#include "study/study.hpp"
#include "data/confound_audit.hpp"
#include "data/dataset.hpp"

namespace vaesweep::app {
namespace {

std::string fixed(double v) {
  char buffer[32];
  std::snprintf(buffer, sizeof buffer, "%.4f", v);
  return buffer;
}

// A study's feature matrix and labels as a table, for studies whose data is audio: the audit
// then sees exactly the columns the models train on.
io::CsvTable table_of(const data::FeatureTable& t, const std::string& source) {
  io::CsvTable csv;
  csv.file = source;
  csv.header = t.feature_names;
  for (const auto& set : t.labels) csv.header.push_back(set.name);
  char buffer[32];
  for (std::size_t r = 0; r < t.rows(); ++r) {
    std::vector<std::string> row;
    for (Eigen::Index c = 0; c < t.X.cols(); ++c) {
      std::snprintf(buffer, sizeof buffer, "%.17g", t.X(static_cast<Eigen::Index>(r), c));
      row.push_back(buffer);
    }
    for (const auto& set : t.labels) row.push_back(set.class_of(r));
    csv.rows.push_back(std::move(row));
    csv.lines.push_back(r + 2);
  }
  return csv;
}

void print_markdown(const std::vector<data::ColumnAudit>& audits, const data::AuditOptions& o, std::size_t top) {
  std::string current;
  std::size_t shown = 0;
  for (const auto& a : audits) {
    if (a.label_set != current) {
      current = a.label_set;
      shown = 0;
      std::cout << "\n## Columns that predict " << current << " on their own\n\n"
                << o.folds << "-fold cross-validated accuracy of a one-column classifier (numbers: " << o.bins
                << " quantile bins; text: each value) against always predicting the majority class; "
                   "lift = (accuracy - baseline) / (1 - baseline); flagged at lift >= "
                << fixed(o.threshold) << ".\n\n"
                << "| column | kind | kept out by default | distinct | accuracy | baseline | lift | |\n"
                << "|---|---|---|---:|---:|---:|---:|---|\n";
    }
    if (top > 0 && shown++ >= top) continue;
    std::cout << "| " << a.column << " | " << a.kind << " | " << (a.metadata ? "yes" : "no") << " | " << a.distinct
              << " | " << fixed(a.accuracy) << " | " << fixed(a.baseline) << " | " << fixed(a.lift) << " | "
              << (a.flagged ? "FLAGGED" : "") << " |\n";
  }
}

void print_csv(const std::vector<data::ColumnAudit>& audits) {
  std::cout << "label_set,column,kind,kept_out_by_default,distinct,accuracy,baseline,lift,flagged\n";
  for (const auto& a : audits)
    std::cout << csv_field(a.label_set) << "," << csv_field(a.column) << "," << a.kind << "," << (a.metadata ? 1 : 0)
              << "," << a.distinct << "," << fixed(a.accuracy) << "," << fixed(a.baseline) << "," << fixed(a.lift)
              << "," << (a.flagged ? 1 : 0) << "\n";
}

}  // namespace

int command_audit(const std::vector<std::string>& args) {
  std::string table, study_file, labels_text, format = "md";
  std::vector<std::string> overrides;
  std::string data_root;
  std::size_t top = 0;
  data::AuditOptions o;
  po::options_description options("vaesweep audit options");
  options.add_options()
      ("table", po::value(&table), "a feature table (CSV): every column is audited, the excluded ones too")
      ("study", po::value(&study_file), "a study: its table (data.source = \"table\") or its extracted features")
      ("set", po::value(&overrides)->composing(), "override a study key (repeatable)")
      ("data-root", po::value(&data_root), "with --study: the folder \"{data_root}/...\" paths point into")
      ("labels", po::value(&labels_text), "label set columns, comma-separated (default with --study: data.labels)")
      ("threshold", po::value(&o.threshold)->default_value(0.5), "flag a column at this lift or above")
      ("folds", po::value(&o.folds)->default_value(5), "cross-validation folds")
      ("bins", po::value(&o.bins)->default_value(10), "quantile bins of a numeric column")
      ("seed", po::value(&o.seed)->default_value(0), "seed of the fold assignment")
      ("format,f", po::value(&format)->default_value("md"), "md or csv")
      ("top", po::value(&top)->default_value(0), "md: show only the N strongest columns per label set (0 = all)");
  po::positional_options_description positional;
  po::variables_map vm;
  const std::string usage =
      "usage: vaesweep audit --table features.csv --labels label,language [--threshold 0.5]\n"
      "       vaesweep audit --study STUDY.toml [--set key=value ...]\n\n"
      "How well each column alone predicts each label set; flags confounds such as a file length that\n"
      "gives away the corpus (and so the language).";
  if (!parse_options(usage, args, options, positional, vm)) return kExitOk;
  if (table.empty() == study_file.empty()) throw UserError("audit: give exactly one of --table and --study");
  if (format != "md" && format != "csv") throw UserError("--format: unknown format \"" + format + "\"; valid: md, csv");
  if (!labels_text.empty()) o.labels = split(labels_text, ',');

  io::CsvTable csv;
  if (!table.empty()) {
    if (o.labels.empty()) throw UserError("audit --table: name the label set columns with --labels");
    csv = io::read_csv(table);
  } else {
    const Study study = load_study(study_file, overrides, find_data_root(data_root));
    const DataSpec data = data_spec(study.settings, study.file, study.data_root);
    if (o.labels.empty()) o.labels = data.labels;
    if (data.source == DataSource::table) {
      csv = io::read_csv(data.path);  // the raw table: the columns the study keeps out are audited too
    } else {
      log_info("auditing the features the study extracts (" + study.file.string() + ")");
      csv = table_of(data::load_features(data, feature_spec(study.settings), text_spec(study.settings, study.file, study.data_root)),
                     study.file.string());
    }
  }
  const auto audits = data::audit_columns(csv, o);
  if (format == "csv") print_csv(audits);
  else {
    std::cout << "Confound audit of " << csv.file.string() << " (" << csv.rows.size() << " rows)\n";
    print_markdown(audits, o, top);
  }
  for (const auto& a : audits) {
    if (!a.flagged) continue;
    log_warn(a.column + " alone predicts " + a.label_set + " (lift " + fixed(a.lift) + ": accuracy " +
             fixed(a.accuracy) + " vs " + fixed(a.baseline) + " by the majority class)" +
             (a.metadata ? ": a confound; it is kept out of the features by default, never add it back"
                         : ": if it is not a property of the music (a recording or corpus artefact), it is a confound"));
  }
  return kExitOk;
}

}  // namespace vaesweep::app
