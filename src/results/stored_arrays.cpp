#include "results/stored_arrays.hpp"

#include <set>
#include <unordered_map>

#include "util/error.hpp"

namespace vaesweep::results {
namespace {

// What every stored array says about itself, so that a dataset read alone is traceable.
void describe(ExtraDataset& d, const UnitRecord& u, const std::string& space) {
  d.text_attributes = {{"config_hash", u.config_hash}, {"feature_hash", u.feature_hash}, {"space", space}};
  d.int_attributes = {{"unit", u.unit}};
}

io::ColumnTable rows_table(const data::FeatureTable& t) {
  io::ColumnTable rows;
  std::vector<std::int64_t> index(t.rows());
  for (std::size_t r = 0; r < index.size(); ++r) index[r] = static_cast<std::int64_t>(r);
  rows.add_column("row", std::move(index));
  rows.add_column("id", t.ids);
  rows.add_column("track", t.track_ids);
  for (const data::LabelSet& set : t.labels) {
    std::vector<std::string> names;
    names.reserve(set.codes.size());
    for (std::size_t r = 0; r < set.codes.size(); ++r) names.push_back(set.class_of(r));  // "": unlabelled
    rows.add_column(set.name, std::move(names));
  }
  return rows;
}

}  // namespace

void keep_latent(const Eigen::MatrixXd& Z, UnitRecord& unit) {
  unit.latent_rows = Z.rows();
  unit.latent_cols = Z.cols();
  unit.latent.resize(static_cast<std::size_t>(Z.size()));
  Eigen::Map<Eigen::Matrix<double, Eigen::Dynamic, Eigen::Dynamic, Eigen::RowMajor>>(unit.latent.data(), Z.rows(),
                                                                                      Z.cols()) = Z;
}

void move_stored_arrays(std::vector<UnitRecord>& units, std::vector<EvaluationRecord>& evaluations,
                        const std::map<std::string, data::FeatureTable>& tables, ResultsContent& content) {
  std::unordered_map<std::int64_t, std::size_t> unit_position;
  for (std::size_t i = 0; i < units.size(); ++i) unit_position[units[i].unit] = i;
  std::set<std::string> feature_hashes;
  // The space a unit clustered is named by its evaluations; a unit without any is "latent".
  std::unordered_map<std::int64_t, std::string> space_of;
  std::map<std::int64_t, io::ColumnTable> assignments;  // by unit id, in unit order
  for (EvaluationRecord& e : evaluations) {
    space_of.emplace(e.unit, e.space);
    if (e.assignment.empty()) continue;
    assignments[e.unit].add_column(assignment_column(e), std::move(e.assignment));
    e.assignment = {};
  }
  for (UnitRecord& u : units) {
    if (u.latent.empty()) continue;
    ExtraDataset d;
    d.path = latents_path(u.unit);
    describe(d, u, space_of.count(u.unit) ? space_of.at(u.unit) : "latent");
    d.values = StoredMatrix{std::move(u.latent), u.latent_rows, u.latent_cols};
    u.latent = {};
    feature_hashes.insert(u.feature_hash);
    content.extra.push_back(std::move(d));
  }
  for (auto& [unit, table] : assignments) {
    const UnitRecord& u = units[unit_position.at(unit)];
    ExtraDataset d;
    d.path = assignments_path(unit);
    describe(d, u, space_of.at(unit));
    d.values = std::move(table);
    feature_hashes.insert(u.feature_hash);
    content.extra.push_back(std::move(d));
  }
  for (const std::string& hash : feature_hashes) {
    const auto it = tables.find(hash);
    if (it == tables.end()) continue;  // a unit of an earlier run whose data this run did not load
    ExtraDataset d;
    d.path = "/rows/" + hash;
    d.values = rows_table(it->second);
    d.text_attributes = {{"feature_hash", hash}};
    content.extra.push_back(std::move(d));
  }
}

void read_stored_arrays(const io::Hdf5File& file, std::vector<UnitRecord>& units,
                        std::vector<EvaluationRecord>& evaluations) {
  const auto where = [&](const std::string& path) { return file.path().string() + ": " + path; };
  std::unordered_map<std::int64_t, io::ColumnTable> assignments;
  for (UnitRecord& u : units) {
    const std::string latents = latents_path(u.unit);
    if (file.exists(latents)) keep_latent(file.read_matrix(latents), u);
    if (!file.exists(assignments_path(u.unit))) continue;
    io::ColumnTable table = file.read_table(assignments_path(u.unit));
    if (u.latent_rows > 0 && table.rows() != static_cast<std::size_t>(u.latent_rows))
      throw UserError(where(assignments_path(u.unit)) + " has " + std::to_string(table.rows()) +
                      " rows, but the unit's latent has " + std::to_string(u.latent_rows) + " (damaged)");
    assignments[u.unit] = std::move(table);
  }
  for (EvaluationRecord& e : evaluations) {
    const auto it = assignments.find(e.unit);
    if (it == assignments.end() || !it->second.has(assignment_column(e))) continue;
    e.assignment = it->second.ints(assignment_column(e));
  }
}

}  // namespace vaesweep::results
