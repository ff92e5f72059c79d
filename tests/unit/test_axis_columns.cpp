// The grid axes of /units as typed columns (results/axis_columns.hpp) and the legacy decoder of
// the axes text of older files (results/legacy_axes_text.hpp).
// Expected values: the study below sets them (the learning rates, epochs, schedules and
// standardize flags of its grid); "does not apply" follows grid.cpp's relevance rules (PCA has
// no beta, learning rate, epochs or KL schedule).
#include <gtest/gtest.h>

#include <cmath>
#include <cstdint>

#include "util/error.hpp"
#include "study/grid.hpp"
#include "study/study.hpp"
#include "io/hdf5_file.hpp"
#include "report/axis_values.hpp"
#include "results/axis_columns.hpp"
#include "results/legacy_axes_text.hpp"
#include "results/records.hpp"
#include "temp_dir.hpp"
#include "user_error_expect.hpp"

namespace vaesweep::results {
namespace {
using test::expect_user_error_naming;

const char* kStudy = R"(
[grid]
model = ["vae", "pca"]
beta = [4.0]
latent_dim = [4]
"model.learning_rate" = [0.001, 0.00123456789]
"model.epochs" = [2, 3]
"model.kl_schedule" = ["constant", "linear"]
"features.standardize" = [true, false]
"features.modalities" = [["audio"]]
k = [2]
seed = [1]
)";

// One record per unit of the study, with what unit_runner puts in them for the axes.
std::vector<UnitRecord> records_of(const std::string& text) {
  const Grid grid = expand_grid(parse_study(text, "s.toml"));
  std::vector<UnitRecord> out;
  for (const WorkUnit& w : grid.all_units()) {
    UnitRecord r;
    r.unit = w.index;
    r.model = to_string(w.model.kind);
    r.axes = w.axes_text(false);
    r.axis_values = unit_axis_values(w);
    r.beta = w.model.variational() ? w.model.beta : std::nan("");
    r.latent_dim = w.model.latent_dim;
    r.status = UnitStatus::ok;
    out.push_back(std::move(r));
  }
  return out;
}

TEST(AxisColumns, EveryAxisGetsATypedColumnNamedByItsKey) {
  const auto units = records_of(kStudy);
  ASSERT_EQ(units.size(), 16u + 2u);  // vae: 2 x 2 x 2 x 2; pca: the 2 standardize values
  const io::ColumnTable t = units_table(units, {});
  const auto axes = axis_columns(units);
  // Axes by their names in the axes text; the seed and the model kind are not axes here.
  std::vector<std::string> names;
  for (const auto& a : axes) names.push_back(a.name);
  EXPECT_EQ(names, (std::vector<std::string>{"beta", "latent_dim", "model.learning_rate", "model.epochs",
                                             "model.kl_schedule", "features.standardize", "features.modalities"}));
  EXPECT_EQ(axes[0].kind, AxisKind::real);
  EXPECT_EQ(axes[1].kind, AxisKind::integer);
  EXPECT_EQ(axes[2].kind, AxisKind::real);
  EXPECT_EQ(axes[3].kind, AxisKind::integer);
  EXPECT_EQ(axes[4].kind, AxisKind::text);
  EXPECT_EQ(axes[5].kind, AxisKind::boolean);
  EXPECT_EQ(axes[6].kind, AxisKind::text);  // a list: its display text
  // Columns by key: beta and latent_dim stay the unit's values, model.beta and model.latent_dim the axes.
  EXPECT_EQ(std::string(io::column_type_name(t.column("model.beta").values)), "double");
  EXPECT_EQ(std::string(io::column_type_name(t.column("model.latent_dim").values)), "int64");
  EXPECT_EQ(std::string(io::column_type_name(t.column("model.learning_rate").values)), "double");
  EXPECT_EQ(std::string(io::column_type_name(t.column("model.epochs").values)), "int64");
  EXPECT_EQ(std::string(io::column_type_name(t.column("model.kl_schedule").values)), "string");
  EXPECT_EQ(std::string(io::column_type_name(t.column("features.standardize").values)), "int64");

  const auto& beta = t.doubles("model.beta");
  const auto& latent_dim = t.ints("model.latent_dim");
  const auto& lr = t.doubles("model.learning_rate");
  const auto& epochs = t.ints("model.epochs");
  const auto& schedule = t.strings("model.kl_schedule");
  const auto& standardize = t.ints("features.standardize");
  const auto& modalities = t.strings("features.modalities");
  int vae = 0, pca = 0;
  for (std::size_t i = 0; i < units.size(); ++i) {
    EXPECT_EQ(modalities[i], "[audio]");
    EXPECT_EQ(latent_dim[i], 4);
    EXPECT_TRUE(standardize[i] == 0 || standardize[i] == 1);
    if (units[i].model == "pca") {
      ++pca;
      EXPECT_TRUE(std::isnan(lr[i]));
      EXPECT_TRUE(std::isnan(beta[i]));
      EXPECT_EQ(epochs[i], kMissingAxisInteger);
      EXPECT_EQ(schedule[i], "");
      continue;
    }
    ++vae;
    EXPECT_EQ(beta[i], 4.0);
    EXPECT_TRUE(lr[i] == 0.001 || lr[i] == 0.00123456789) << lr[i];  // exactly the study's doubles
    EXPECT_TRUE(epochs[i] == 2 || epochs[i] == 3);
    EXPECT_TRUE(schedule[i] == "constant" || schedule[i] == "linear");
    // The typed values say what the axes text says.
    EXPECT_EQ(units[i].axes, report::axes_text(units[i].axis_values));
  }
  EXPECT_EQ(vae, 16);
  EXPECT_EQ(pca, 2);
}

// A raw unit's latent_dim column is its feature count; the latent_dim axis does not apply to it.
TEST(AxisColumns, AnAxisThatDoesNotApplyIsMissingEvenWhereTheUnitColumnHasAValue) {
  auto units = records_of("[grid]\nmodel = [\"vae\", \"raw\"]\nlatent_dim = [4, 8]\nk = [2]\nseed = [1]\n");
  ASSERT_EQ(units.size(), 3u);  // vae at 4 and 8; raw once
  for (auto& u : units)
    if (u.model == "raw") u.latent_dim = 52;  // what unit_runner writes: the table's width
  const io::ColumnTable t = units_table(units, {});
  const auto& axis = t.ints("model.latent_dim");
  const auto& model = t.strings("model");
  for (std::size_t i = 0; i < units.size(); ++i)
    EXPECT_EQ(axis[i] == kMissingAxisInteger, model[i] == "raw") << i;
  const auto rows = read_axis_values(t, UnitsLayout{kResultsFormat, axis_columns(units)});
  for (std::size_t i = 0; i < units.size(); ++i)
    EXPECT_EQ(report::find_axis(rows[i], "latent_dim") == nullptr, model[i] == "raw") << i;
}

// Written to a file and read back: the same values, booleans as booleans, missing cells absent.
TEST(AxisColumns, ReadBackFromAFileGivesTheUnitsValues) {
  const auto units = records_of(kStudy);
  test::TempDir dir;
  {
    io::Hdf5File f = io::Hdf5File::create(dir / "r.h5");
    f.write_table("/units", units_table(units, {}));
    write_units_layout(f, axis_columns(units));
    f.close();
  }
  const io::Hdf5File f = io::Hdf5File::open_read(dir / "r.h5");
  const UnitsLayout layout = read_units_layout(f);
  EXPECT_EQ(layout.format, kResultsFormat);
  const auto rows = read_axis_values(f.read_table("/units"), layout);
  ASSERT_EQ(rows.size(), units.size());
  for (std::size_t i = 0; i < units.size(); ++i) {
    ASSERT_EQ(rows[i].size(), units[i].axis_values.size()) << i;
    for (std::size_t a = 0; a < rows[i].size(); ++a) {
      EXPECT_EQ(rows[i][a].first, units[i].axis_values[a].first);
      EXPECT_EQ(rows[i][a].second.kind_name(), units[i].axis_values[a].second.kind_name());
      EXPECT_EQ(rows[i][a].second.canonical(), units[i].axis_values[a].second.canonical());
    }
  }
}

TEST(AxisColumns, AFileOfANewerFormatOrWithoutItsAttributesIsRefused) {
  test::TempDir dir;
  {
    io::Hdf5File f = io::Hdf5File::create(dir / "newer.h5");
    f.write_table("/units", units_table(records_of(kStudy), {}));
    f.set_attribute("/", "results_format", std::int64_t{kResultsFormat + 1});
    f.close();
  }
  expect_user_error_naming([&] { read_units_layout(io::Hdf5File::open_read(dir / "newer.h5")); },
                           "this build reads formats 1 to");
  {
    io::Hdf5File f = io::Hdf5File::open_read_write(dir / "newer.h5");
    f.set_attribute("/", "results_format", kResultsFormat);
    f.close();
  }
  expect_user_error_naming([&] { read_units_layout(io::Hdf5File::open_read(dir / "newer.h5")); },
                           "lacks its axis_columns");
  expect_user_error_naming([&] { parse_axis_kind("float", "x.h5"); }, "valid: integer, real, boolean, text");
}

// The text Value::display_exact wrote, read back as typed values: the format-1 layout.
TEST(LegacyAxesText, TypesEachKindOfValue) {
  const auto v = legacy_axes_text(
      "beta=4 latent_dim=8 model.learning_rate=0.00123456789 model.epochs=3 model.kl_schedule=linear "
      "features.standardize=true features.modalities=[audio, text]");
  ASSERT_EQ(v.size(), 7u);
  EXPECT_EQ(v[0].first, "beta");
  EXPECT_TRUE(v[0].second.is_double());  // the schema makes beta real: "4" is 4.0
  EXPECT_EQ(v[0].second.as_double(), 4.0);
  EXPECT_TRUE(v[1].second.is_int());
  EXPECT_EQ(v[1].second.as_int(), 8);
  EXPECT_EQ(v[2].second.as_double(), 0.00123456789);
  EXPECT_TRUE(v[3].second.is_int());
  EXPECT_EQ(v[4].second.as_string(), "linear");
  EXPECT_TRUE(v[5].second.is_bool() && v[5].second.as_bool());
  EXPECT_EQ(v[6].first, "features.modalities");
  EXPECT_EQ(v[6].second.as_string(), "[audio, text]");  // a list stays its text, as in new files
  EXPECT_TRUE(legacy_axes_text("").empty());
  expect_user_error_naming([] { legacy_axes_text("beta 4"); }, "cannot read the axes text \"beta 4\"");
}

// The grid writes an axis's double with display_exact: what the decoder reads is the same double.
TEST(LegacyAxesText, ExactDisplayOfADoubleReadsBackTheSameDouble) {
  for (double d : {0.00123456789, 1.0 / 3.0, 0.1, 1e-300, 12345.678901234567, 0.5})
    EXPECT_EQ(legacy_axes_text("model.learning_rate=" + Value(d).display_exact())[0].second.as_double(), d)
        << Value(d).display_exact();
}

}  // namespace
}  // namespace vaesweep::results
