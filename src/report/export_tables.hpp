#pragma once
// `vaesweep export`: a results file's tables as tidy CSV or JSON, one column per field and one
// per grid axis with typed values (not the /units.axes text), every row traceable to its unit:
// - units: /units, the axes text replaced by one column per axis (named as in the text: beta,
//   latent_dim and seed are the typed columns /units already has; other axes by their key);
// - evaluations: /evaluations with its unit's model, seed, status (unit_status) and axes;
// - aggregate: a table `vaesweep rank` wrote under /aggregate (named by --name when several);
// - latents: one row per unit and data row: unit, config_hash, the row's id, track and label
//   classes ("" when unlabelled) from /rows/<feature hash>, then z0, z1, ... (null past a unit's
//   own dimension);
// - assignments: the same row keys, then one column per (method, k) ("kmeans_k10"; null where a
//   unit has no such partition; -1 is DBSCAN noise).
// Latents and assignments exist only for studies with evaluation.store_latents /
// store_assignments.
#include <cstdint>
#include <filesystem>
#include <optional>
#include <string>

#include "report/table_writer.hpp"

namespace vaesweep::report {

enum class ExportTable { units, evaluations, aggregate, latents, assignments };

// UserError naming the valid tables.
ExportTable parse_export_table(const std::string& text);

struct ExportRequest {
  ExportTable table = ExportTable::units;
  std::string aggregate_name;         // aggregate: which /aggregate table ("" when there is one)
  std::optional<std::int64_t> unit;   // latents, assignments: only this unit
};

// Writes the table; returns its row count. UserError naming the file and what is missing.
std::size_t export_table(const std::filesystem::path& results, const ExportRequest& request, TableWriter& out);

}  // namespace vaesweep::report
