#pragma once
// The grid axes of /units as typed columns, so that pandas reads every axis with no parsing
// (results format 2). One column per axis, named by the axis's key ("model.learning_rate",
// "features.standardize", "model.beta", "model.latent_dim"). The columns `beta` and `latent_dim`
// stay what they always were, the unit's values (a raw unit's latent_dim is its feature count);
// the axis columns say what the grid set, and nothing where the axis does not apply to the unit.
// Elsewhere (rank keys, exports, the axes text) an axis keeps its short name: beta, latent_dim.
// The seed has its own column and the model kind is `model`; neither is listed as an axis.
//
// A column's type follows its values: integers int64, reals float64 (an axis mixing integers
// and reals is real), booleans int64 0/1 like the file's other flags (`collapsed`), text
// (strings, and lists as their display text "[audio, text]") UTF-8 strings. A unit the axis does
// not apply to (a PCA unit's learning rate) holds the column's missing value: NaN, the smallest
// int64 (kMissingAxisInteger) or "".
//
// What the columns are is written beside them: the root attribute `results_format` (2; absent
// in older files, which are format 1 and have the axes only as text) and the /units attributes
// `axis_columns` and `axis_kinds` (comma-separated, in the same order: the axis columns in order
// of first appearance, each "integer", "real", "boolean" or "text").
#include <cstdint>
#include <limits>
#include <string>
#include <utility>
#include <vector>

#include "util/value.hpp"
#include "io/column_table.hpp"

namespace vaesweep {
struct WorkUnit;
namespace io {
class Hdf5File;
}
}  // namespace vaesweep

namespace vaesweep::results {

struct UnitRecord;

// The layout this build writes. 1: the axes only as /units.axes text; 2: typed axis columns.
constexpr std::int64_t kResultsFormat = 2;
constexpr std::int64_t kMissingAxisInteger = std::numeric_limits<std::int64_t>::min();

enum class AxisKind { integer, real, boolean, text };
const char* axis_kind_name(AxisKind kind);
// UserError listing the valid names; `where` says which file / attribute it came from.
AxisKind parse_axis_kind(const std::string& name, const std::string& where);

struct AxisColumn {
  std::string name;  // the axis's name in the axes text and rank keys: "beta", "model.learning_rate"
  AxisKind kind = AxisKind::text;
};

// The /units column of an axis: its key ("beta" -> "model.beta"), and back.
std::string axis_column_name(const std::string& axis);
std::string axis_of_column(const std::string& column);

// What a /units table holds: its results format and, from format 2, its axis columns.
struct UnitsLayout {
  std::int64_t format = 1;
  std::vector<AxisColumn> axes;
};

// (axis name, scalar value) per axis that applies to a unit, in axis order.
using AxisValues = std::vector<std::pair<std::string, Value>>;

// The unit's axes as the axes text names them: without model.kind and the seed, model.beta and
// model.latent_dim under their short names, lists as their display text.
AxisValues unit_axis_values(const WorkUnit& unit);

// The axes of `units` in order of first appearance, each with the kind its values need.
std::vector<AxisColumn> axis_columns(const std::vector<UnitRecord>& units);
// The same, block by block: `axes` (axis_columns of the units before) gains the axes of `units`.
void add_axis_columns_of(std::vector<AxisColumn>& axes, const std::vector<UnitRecord>& units);
// Appends one column per axis (axis_column_name). UserError when another column has that name.
void add_axis_columns(io::ColumnTable& t, const std::vector<UnitRecord>& units,
                      const std::vector<AxisColumn>& axes);

// Writes the root `results_format` and the /units attributes (after /units is written).
void write_units_layout(io::Hdf5File& file, const std::vector<AxisColumn>& axes);
// The file's layout; UserError naming the file for a format newer than this build reads, a
// format-2 file without its axis attributes, or attributes that do not fit the table.
UnitsLayout read_units_layout(const io::Hdf5File& file);

// Each /units row's axes: from the typed columns, or, in a format-1 table, decoded from its
// `axes` text (results/legacy_axes_text.hpp). Missing values are left out.
std::vector<AxisValues> read_axis_values(const io::ColumnTable& units, const UnitsLayout& layout);
// The axis names of a table in column order: the layout's, or (format 1) the text's in order of
// first appearance.
std::vector<std::string> axis_names(const std::vector<AxisValues>& rows, const UnitsLayout& layout);

}  // namespace vaesweep::results
