#pragma once
// The merge tests' fixtures (the run's merge and `vaesweep merge` of parts, each against its
// whole-record oracle): a planted unit record with its evaluations, and two tables compared.
// What varies from one planted unit to the next is what writing the tables a block at a time must
// get right: string widths, an axis that is an integer in most units and text in a few, per-track
// scores in some rows only, failed units (no evaluations), pca and vae units. `variant` changes a
// record's numbers and message (another record of the same unit).
#include <gtest/gtest.h>

#include <cmath>
#include <cstddef>
#include <cstdint>
#include <string>
#include <variant>
#include <vector>

#include "io/column_table.hpp"
#include "results/records.hpp"
#include "results/shards.hpp"

namespace vaesweep::results {

inline ShardUnit planted_record(std::size_t i, UnitStatus status, const std::string& run, const std::string& config_hash,
                                std::int64_t unit, int variant = 0) {
  ShardUnit u;
  UnitRecord& r = u.unit;
  r.unit = unit;
  r.config_hash = config_hash;
  r.group_hash = "g" + std::to_string(i % 3);
  r.feature_hash = "features";
  r.model = i % 5 == 0 ? "pca" : "vae";
  r.status = status;
  r.run_id = run;
  r.seed = static_cast<std::int64_t>(i);
  r.beta = 0.5 * static_cast<double>(i);
  r.host = std::string(1 + i % 9, 'h');  // string widths vary from block to block
  r.message = status == UnitStatus::ok ? "" : "failed in variant " + std::to_string(variant) + std::string(i % 40, '!');
  r.started_at = 100.0 + static_cast<double>(i);
  r.wall_seconds = 0.25;
  r.axes = "beta=" + std::to_string(i);
  r.axis_values.emplace_back("beta", Value(0.5 * static_cast<double>(i)));
  // "mode": integers in most units, text in units 30..33 (the whole column is text then).
  if (i >= 30 && i < 34) r.axis_values.emplace_back("mode", Value(std::string("long-mode-") + std::to_string(i)));
  else r.axis_values.emplace_back("mode", Value(static_cast<std::int64_t>(i * 1000003)));
  if (i % 5 != 0) r.axis_values.emplace_back("model.learning_rate", Value(0.001 * static_cast<double>(1 + i % 4)));
  if (status != UnitStatus::ok) return u;  // a failed unit: no evaluations
  for (int k = 2; k <= 2 + static_cast<int>(i % 3); ++k) {
    EvaluationRecord e;
    e.unit = r.unit;
    e.config_hash = r.config_hash;
    e.method = k % 2 ? "agglomerative" : "kmeans";
    e.k = k;
    e.space = "vae_latent";
    e.silhouette = 0.01 * static_cast<double>(i + k) + variant;
    e.external.assign(external_metric_names().size(), 0.1 * k);
    e.scored = {static_cast<std::int64_t>(i)};
    if (i % 11 == 4) {  // per-track scores in a few rows only
      e.track_external.assign(external_metric_names().size(), 0.2 * k);
      e.track_scored = {3};
    }
    u.evaluations.push_back(e);
  }
  return u;
}

// Same schema, rows and values (NaN equal to NaN).
inline void expect_same_table(const io::ColumnTable& a, const io::ColumnTable& b, const std::string& what) {
  ASSERT_EQ(a.schema_string(), b.schema_string()) << what;
  ASSERT_EQ(a.rows(), b.rows()) << what;
  for (std::size_t c = 0; c < a.cols(); ++c) {
    const auto& x = a.columns()[c];
    const auto& y = b.columns()[c];
    if (const auto* d = std::get_if<std::vector<double>>(&x.values)) {
      const auto& e = std::get<std::vector<double>>(y.values);
      for (std::size_t r = 0; r < d->size(); ++r)
        EXPECT_TRUE((std::isnan((*d)[r]) && std::isnan(e[r])) || (*d)[r] == e[r]) << what << " " << x.name << " row " << r;
    } else {
      EXPECT_TRUE(x.values == y.values) << what << " column " << x.name;
    }
  }
}

}  // namespace vaesweep::results
