// The spec builders: each spec is every key-table entry bound to it (study_schema.cpp) applied
// to a unit's settings, then what no single key says (resolved paths, the data root).
#include <variant>

#include "study/study_schema.hpp"

namespace vaesweep {
namespace {

// A default-constructed spec, then every entry of the key table bound to this spec sets its
// member(s), in table order.
template <typename Spec>
Spec build_spec(const Settings& s) {
  Spec spec;
  for (const KeySpec& key : study_keys())
    if (const auto* set = std::get_if<SetSpec<Spec>>(&key.bind)) (*set)(spec, s);
  return spec;
}

}  // namespace

DataSpec data_spec(const Settings& s, const std::filesystem::path& study_file, const DataRoot& data_root) {
  DataSpec d = build_spec<DataSpec>(s);
  d.data_root = data_root;
  // A synthetic corpus reads no path (the key may be left over from another source).
  if (!d.path_as_written.empty() && d.source != DataSource::synthetic)
    d.path = resolve_data_path(d.path_as_written, study_file.parent_path(), data_root, "data.path");
  return d;
}

bool n_mfcc_follows_kind(const Setting& n_mfcc, const std::string& feature_kind) {
  return feature_kind == "librosa" && n_mfcc.origin == "default";
}

FeatureSpec feature_spec(const Settings& s) { return build_spec<FeatureSpec>(s); }

TextSpec text_spec(const Settings& s, const std::filesystem::path& study_file, const DataRoot& data_root) {
  TextSpec t = build_spec<TextSpec>(s);
  t.data_root = data_root;
  if (!t.path_as_written.empty())
    t.path = resolve_data_path(t.path_as_written, study_file.parent_path(), data_root, "text.path");
  return t;
}

ModelSpec model_spec(const Settings& s) { return build_spec<ModelSpec>(s); }

ClusterSpec cluster_spec(const Settings& s) { return build_spec<ClusterSpec>(s); }

EvaluationSpec evaluation_spec(const Settings& s) { return build_spec<EvaluationSpec>(s); }

}  // namespace vaesweep
