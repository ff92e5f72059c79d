#include "pipeline/feature_sharing.hpp"

#include <algorithm>
#include <limits>

#include "util/error.hpp"
#include "util/log.hpp"
#include "util/strings.hpp"
#include "data/dataset.hpp"
#include "data/extraction.hpp"
#include "metrics/external.hpp"
#include "engine/bytes.hpp"
#include "pipeline/feature_message.hpp"

namespace vaesweep::pipeline {
namespace {

// Checks that need the data: k against the number of rows, label sets against the table. Every
// unit evaluates the same ks and label sets, so one check per table covers them all.
void check_grid_against_data(const Grid& grid, const data::FeatureTable& table, const Study& study) {
  const auto n = static_cast<long long>(table.rows());
  for (int k : grid.ks())
    if (k >= n)
      throw UserError(study.file.string() + ": cluster.k = " + std::to_string(k) + " but the data has only " +
                      std::to_string(n) + " rows (need 2 <= k < " + std::to_string(n) + ")");
  for (const auto& set : grid.label_sets()) table.label(set);
}

// This rank's share of an extraction task: files i with i mod size == rank.
std::string extract_share(const std::vector<data::AudioItem>& todo, const data::ExtractionParams& params,
                          const engine::MpiSession& mpi) {
  std::vector<std::size_t> indices;
  for (std::size_t i = static_cast<std::size_t>(mpi.rank()); i < todo.size(); i += static_cast<std::size_t>(mpi.size()))
    indices.push_back(i);
  try {
    std::vector<data::ClipFeatures> clips;
    Progress progress("audio files (this rank's share)", indices.size());
    std::size_t bad = 0;
    for (std::size_t j = 0; j < indices.size(); ++j) {
      clips.push_back(data::extract_clip(todo[indices[j]], params));
      if (!clips.back().error.empty()) ++bad;
      progress.update(j + 1, bad);
    }
    return encode_clip_features(indices, clips);
  } catch (const std::exception& e) {
    // Sent, not thrown: the root is waiting in the gather and must not hang.
    return encode_feature_error(std::string("rank ") + std::to_string(mpi.rank()) +
                                ": internal error while extracting features: " + e.what());
  }
}

// The root's extractor: announces the task, does its share, collects everyone's.
data::ClipExtractor mpi_extractor(const data::ExtractionParams& params, const engine::MpiSession& mpi) {
  return [&params, &mpi](const std::vector<data::AudioItem>& todo, const data::ClipDone& done) {
    mpi.broadcast(encode_extraction_task(todo));
    const auto parts = mpi.gather(extract_share(todo, params, mpi));
    std::vector<data::ClipFeatures> out(todo.size());
    for (const auto& part : parts) decode_clip_features(part, out);
    // The ranks' shares arrive together: the cache takes them all at once.
    if (done)
      for (std::size_t i = 0; i < out.size(); ++i) done(i, out[i]);
    return out;
  };
}

data::FeatureTable build_on_root(const WorkUnit& first, const Grid& grid, const Study& study, const engine::MpiSession& mpi) {
  data::ClipExtractor extract;
  data::ExtractionParams params;
  if (first.data.source != DataSource::table && first.features.audio) {
    params = data::extraction_params(first.features);
    extract = mpi_extractor(params, mpi);
  }
  std::string text_note;
  data::FeatureTable table = data::load_features(first.data, first.features, first.text, extract, &text_note);
  if (!text_note.empty()) log_info("text: " + text_note);
  check_grid_against_data(grid, table, study);
  log_info("features: " + std::to_string(table.rows()) + " rows x " + std::to_string(table.X.cols()) + " columns" +
           (table.excluded.empty() ? "" : ", kept out: " + join(table.excluded)) +
           (table.skipped.empty() ? "" : ", " + std::to_string(table.skipped.size()) + " bad audio files skipped"));
  if (!table.draw_note.empty()) {
    log_info("data.balance: " + table.draw_note);
    if (!table.skipped.empty())
      log_warn("data.balance: " + std::to_string(table.skipped.size()) +
               " drawn audio files were skipped (unreadable): their groups have fewer rows than the others");
  }
  if (const std::string note = data::unlabelled_summary(table); !note.empty()) log_info("labels: " + note);
  if (const std::string note = data::degenerate_columns_note(table); !note.empty()) log_warn("features: " + note);
  return table;
}

}  // namespace

std::map<std::string, data::FeatureTable> share_features(const Grid& grid, const Study& study, const engine::MpiSession& mpi) {
  std::map<std::string, data::FeatureTable> tables;
  // Units with one feature hash read the same table: build it from the first of them.
  for (std::size_t rep : grid.feature_representatives()) {
    const WorkUnit unit = grid.unit(rep);
    std::string message;
    if (mpi.is_root()) {
      try {
        message = encode_features(build_on_root(unit, grid, study, mpi));
      } catch (const UserError& e) {
        message = encode_feature_error(e.what());
      } catch (const std::exception& e) {
        // Forwarded too: a rank left waiting for the broadcast would hang the job.
        message = encode_feature_error(std::string("internal error while preparing the features: ") + e.what());
      }
      message = mpi.broadcast(message);
    } else {
      // Extraction tasks until the table (or the root's error) arrives.
      for (message = mpi.broadcast({}); is_extraction_task(message); message = mpi.broadcast({})) {
        const auto params = data::extraction_params(unit.features);
        mpi.gather(extract_share(decode_extraction_task(message), params, mpi));
      }
    }
    tables.emplace(unit.feature_hash, decode_features(message));
  }
  return tables;
}

namespace {

// How strongly the label sets depend on each other, per pair (a, b) in label-set order, on the
// rows labelled in both: "nmi_<a>_and_<b>", sklearn's normalized_mutual_info_score
// (arithmetic); "mi_share_<b>_from_<a>", MI / H(b), the share of b's entropy that a explains
// (sklearn's homogeneity_score(b, a); 1: a determines b), and the same the other way; and
// "labelled_<a>_and_<b>", how many rows that is (NaN and 0 without such rows). NMI alone hides
// a one-way dependence: 18 genres that each belong to one of 2 languages have NMI 0.38 with
// them, yet genre determines language.
// Disentanglement metrics treat each label set as an independent factor; when genre
// determines language they are not, and a latent dimension can carry both.
void add_label_dependence(io::ColumnTable& t, const std::map<std::string, data::FeatureTable>& tables,
                          const std::vector<std::string>& label_sets) {
  for (std::size_t a = 0; a < label_sets.size(); ++a)
    for (std::size_t b = a + 1; b < label_sets.size(); ++b) {
      std::vector<double> nmi, b_from_a, a_from_b;
      std::vector<std::int64_t> rows;
      for (const auto& [hash, table] : tables) {
        const auto& first = table.label(label_sets[a]).codes;
        const auto& second = table.label(label_sets[b]).codes;
        std::vector<int> x, y;
        for (std::size_t r = 0; r < first.size(); ++r)
          if (first[r] != data::LabelSet::kUnlabelled && second[r] != data::LabelSet::kUnlabelled)
            x.push_back(first[r]), y.push_back(second[r]);
        rows.push_back(static_cast<std::int64_t>(x.size()));
        constexpr double kNaN = std::numeric_limits<double>::quiet_NaN();
        nmi.push_back(x.empty() ? kNaN : metrics::normalized_mutual_info(x, y));
        b_from_a.push_back(x.empty() ? kNaN : metrics::homogeneity(y, x));
        a_from_b.push_back(x.empty() ? kNaN : metrics::homogeneity(x, y));
      }
      const std::string pair = label_sets[a] + "_and_" + label_sets[b];
      t.add_column("nmi_" + pair, nmi);
      t.add_column("mi_share_" + label_sets[b] + "_from_" + label_sets[a], b_from_a);
      t.add_column("mi_share_" + label_sets[a] + "_from_" + label_sets[b], a_from_b);
      t.add_column("labelled_" + pair, rows);
    }
}

}  // namespace

io::ColumnTable features_table(const std::map<std::string, data::FeatureTable>& tables, const Grid& grid) {
  std::vector<std::string> hashes, sources, names, excluded, shapes;
  std::vector<std::int64_t> rows, cols, skipped;
  // Per label set of the grid: the rows without a label there (scored by no external metric).
  std::vector<std::vector<std::int64_t>> unlabelled(grid.label_sets().size());
  std::map<std::string, std::size_t> representative;
  for (std::size_t rep : grid.feature_representatives()) representative[grid.feature_hash(rep)] = rep;
  for (const auto& [hash, table] : tables) {
    hashes.push_back(hash);
    const DataSpec d = grid.unit(representative.at(hash)).data;
    sources.push_back(d.source == DataSource::synthetic ? "synthetic" : d.path.string());
    rows.push_back(static_cast<std::int64_t>(table.rows()));
    cols.push_back(table.X.cols());
    names.push_back(join(table.feature_names, ","));
    excluded.push_back(join(table.excluded, ","));
    std::string shape;
    for (int extent : table.shape) shape += (shape.empty() ? "" : "x") + std::to_string(extent);
    shapes.push_back(shape);
    skipped.push_back(static_cast<std::int64_t>(table.skipped.size()));
    for (std::size_t s = 0; s < unlabelled.size(); ++s)
      unlabelled[s].push_back(static_cast<std::int64_t>(table.label(grid.label_sets()[s]).unlabelled()));
  }
  io::ColumnTable t;
  t.add_column("feature_hash", hashes);
  t.add_column("source", sources);
  t.add_column("rows", rows);
  t.add_column("columns", cols);
  t.add_column("shape", shapes);
  t.add_column("feature_names", names);
  t.add_column("excluded_columns", excluded);
  t.add_column("skipped_files", skipped);
  for (std::size_t s = 0; s < unlabelled.size(); ++s) t.add_column("unlabelled_" + grid.label_sets()[s], unlabelled[s]);
  std::vector<std::string> draws;
  for (const auto& [hash, table] : tables) draws.push_back(table.draw_note);
  if (std::any_of(draws.begin(), draws.end(), [](const std::string& d) { return !d.empty(); }))
    t.add_column("balanced_draw", draws);
  add_label_dependence(t, tables, grid.label_sets());
  return t;
}

void add_drawn_rows(const std::map<std::string, data::FeatureTable>& tables, results::ResultsContent& content) {
  for (const auto& [hash, table] : tables) {
    if (table.drawn_rows.empty()) continue;
    results::ExtraDataset d;
    d.path = "/drawn_rows/" + hash;
    io::ColumnTable rows;
    rows.add_column("position", table.drawn_rows);
    rows.add_column("id", table.drawn_ids);
    d.values = std::move(rows);
    d.text_attributes = {{"feature_hash", hash}, {"draw", table.draw_note}};
    content.extra.push_back(std::move(d));
  }
}

io::ColumnTable skipped_files_table(const std::map<std::string, data::FeatureTable>& tables) {
  std::vector<std::string> hashes, paths, reasons;
  for (const auto& [hash, table] : tables)
    for (const auto& s : table.skipped) {
      hashes.push_back(hash);
      paths.push_back(s.path);
      reasons.push_back(s.reason);
    }
  io::ColumnTable t;
  t.add_column("feature_hash", hashes);
  t.add_column("path", paths);
  t.add_column("reason", reasons);
  return t;
}

}  // namespace vaesweep::pipeline
