#include "pipeline/unit_disentanglement.hpp"

#include <algorithm>
#include <cstdio>
#include <limits>

#include "metrics/disentanglement.hpp"

namespace vaesweep::pipeline {

namespace {

// ";"-separated, 9 significant digits (enough for a picture; the scores keep full precision).
std::string joined(const std::vector<double>& values) {
  std::string out;
  char number[32];
  for (double v : values) {
    std::snprintf(number, sizeof number, "%.9g", v);
    out += (out.empty() ? "" : ";") + std::string(number);
  }
  return out;
}

}  // namespace

void score_disentanglement(const Eigen::MatrixXd& Z, const data::FeatureTable& features,
                           const std::vector<std::string>& label_sets, const std::vector<std::string>& withheld,
                           results::UnitRecord& record) {
  constexpr double kNaN = std::numeric_limits<double>::quiet_NaN();
  results::UnitRecord r;  // filled apart, so that a throw leaves `record` as it was
  r.total_correlation = metrics::gaussian_total_correlation(Z);
  metrics::DisentanglementParams params;
  params.unlabelled = data::LabelSet::kUnlabelled;
  for (const std::string& set : label_sets) {
    if (std::find(withheld.begin(), withheld.end(), set) != withheld.end()) {
      r.disentanglement.insert(r.disentanglement.end(), results::disentanglement_field_names().size(), kNaN);
      r.disentangled_rows.push_back(0);
      r.mi_per_dim.emplace_back();
      continue;
    }
    const metrics::FactorScores s = metrics::factor_scores(Z, features.label(set).codes, params);
    // In disentanglement_field_names() order.
    for (double v : {s.mig, s.sap, s.dci_completeness, s.dci_informativeness, s.entropy}) r.disentanglement.push_back(v);
    r.disentangled_rows.push_back(s.rows);
    r.mi_per_dim.push_back(joined(s.mi));
  }
  record.disentanglement = std::move(r.disentanglement);
  record.disentangled_rows = std::move(r.disentangled_rows);
  record.mi_per_dim = std::move(r.mi_per_dim);
  record.total_correlation = r.total_correlation;
}

}  // namespace vaesweep::pipeline
