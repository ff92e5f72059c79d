#pragma once
// The spec tables: per study section, each key bound to the spec member it sets. data_spec,
// feature_spec, text_spec, model_spec, cluster_spec and evaluation_spec (study.hpp) are these tables applied
// to a unit's settings; the schema (study_schema.cpp) says each key's type, default and range.
#include <string>
#include <vector>

#include "study/spec_binding.hpp"

namespace vaesweep {

const std::vector<Field<DataSpec>>& data_fields();
const std::vector<Field<FeatureSpec>>& feature_fields();
const std::vector<Field<TextSpec>>& text_fields();
const std::vector<Field<ModelSpec>>& model_fields();
const std::vector<Field<ClusterSpec>>& cluster_fields();
const std::vector<Field<EvaluationSpec>>& evaluation_fields();

// Every key some table binds, in table order (the tests check that each schema key of the
// spec sections is bound exactly once).
std::vector<std::string> bound_keys();

}  // namespace vaesweep
