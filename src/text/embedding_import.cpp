#include "text/embedding_import.hpp"

#include <algorithm>
#include <cctype>
#include <charconv>
#include <cmath>
#include <fstream>
#include <unordered_map>
#include <variant>

#include "util/error.hpp"
#include "util/input_file.hpp"
#include "util/strings.hpp"
#include "io/csv.hpp"
#include "io/hdf5_file.hpp"
#include "text/npy.hpp"

namespace vaesweep::text {
namespace {

// `where(r)` names row r in messages ("file:line 12", "file: row 3").
template <typename Where>
void check_ids(const std::vector<std::string>& ids, Where where) {
  std::unordered_map<std::string, std::size_t> first;
  for (std::size_t r = 0; r < ids.size(); ++r) {
    if (ids[r].empty()) throw UserError(where(r) + ": the id is empty; expected a non-empty id");
    const auto [it, inserted] = first.emplace(ids[r], r);
    if (!inserted)
      throw UserError(where(r) + ": the id \"" + ids[r] + "\" repeats the id of " + where(it->second) +
                      "; expected unique ids");
  }
}

template <typename Where>
void check_finite(const Eigen::MatrixXd& X, const std::vector<std::string>& ids, Where where) {
  if (X.allFinite()) return;
  for (Eigen::Index i = 0; i < X.rows(); ++i)
    for (Eigen::Index j = 0; j < X.cols(); ++j)
      if (!std::isfinite(X(i, j)))
        throw UserError(where(static_cast<std::size_t>(i)) + " (id \"" + ids[static_cast<std::size_t>(i)] +
                        "\"), value column " + std::to_string(j) + ": " + number_text(X(i, j)) +
                        "; expected finite numbers");
}

void check_shape(const Eigen::MatrixXd& X, const std::string& file) {
  if (X.rows() == 0) throw UserError(file + ": no embeddings (0 rows); expected at least one");
  if (X.cols() == 0) throw UserError(file + ": embeddings of width 0; expected at least one value column");
}

std::string lower(std::string s) {
  std::transform(s.begin(), s.end(), s.begin(), [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
  return s;
}

}  // namespace

Embeddings read_embeddings_csv(const std::filesystem::path& file, const std::string& id_column) {
  const io::CsvTable t = io::read_csv(file);  // ragged rows throw there, naming the line
  const std::size_t id_col = t.column_index(id_column);
  Embeddings e;
  e.X.resize(static_cast<Eigen::Index>(t.rows.size()), static_cast<Eigen::Index>(t.header.size() - 1));
  check_shape(e.X, file.string());
  for (std::size_t r = 0; r < t.rows.size(); ++r) {
    e.ids.emplace_back(t.rows[r][id_col]);
    Eigen::Index j = 0;
    for (std::size_t c = 0; c < t.header.size(); ++c) {
      if (c == id_col) continue;
      std::string_view cell = t.rows[r][c];
      if (!cell.empty() && cell.front() == '+') cell.remove_prefix(1);
      double v = 0;
      const auto [end, err] = std::from_chars(cell.data(), cell.data() + cell.size(), v);
      if (cell.empty() || err != std::errc() || end != cell.data() + cell.size())
        throw UserError(t.where(r) + ", column \"" + t.header[c] + "\": \"" + std::string(cell) +
                        "\" is not a number; expected a number in every column but \"" + id_column + "\"");
      if (!std::isfinite(v))
        throw UserError(t.where(r) + ", column \"" + t.header[c] + "\": " + std::string(cell) +
                        "; expected finite numbers");
      e.X(static_cast<Eigen::Index>(r), j++) = v;
    }
  }
  check_ids(e.ids, [&](std::size_t r) { return t.where(r); });
  return e;
}

Embeddings read_embeddings_hdf5(const std::filesystem::path& file, const std::string& matrix_dataset,
                                const std::string& ids_dataset, const std::string& id_column) {
  const io::Hdf5File h5 = io::Hdf5File::open_read(file);
  Embeddings e;
  e.X = h5.read_matrix(matrix_dataset);
  const io::ColumnTable ids = h5.read_table(ids_dataset);
  const std::string at = file.string() + ":" + ids_dataset;
  if (!ids.has(id_column) && ids.cols() != 1)
    throw UserError(at + ": no member \"" + id_column + "\" and " + std::to_string(ids.cols()) +
                    " members (" + ids.schema_string() + "); expected the ids in \"" + id_column +
                    "\" or in the only member");
  const io::Column& column = ids.has(id_column) ? ids.column(id_column) : ids.columns().front();
  if (const auto* s = std::get_if<std::vector<std::string>>(&column.values)) {
    e.ids = *s;
  } else if (const auto* n = std::get_if<std::vector<std::int64_t>>(&column.values)) {
    for (std::int64_t v : *n) e.ids.push_back(std::to_string(v));
  } else {
    throw UserError(at + ": the ids member \"" + column.name + "\" holds " + io::column_type_name(column.values) +
                    "; expected strings or integers");
  }
  if (e.ids.size() != static_cast<std::size_t>(e.X.rows()))
    throw UserError(at + ": " + std::to_string(e.ids.size()) + " ids for the " + std::to_string(e.X.rows()) +
                    " rows of " + matrix_dataset + "; expected one id per row");
  check_shape(e.X, file.string() + ":" + matrix_dataset);
  const auto where = [&](std::size_t r) { return file.string() + ":" + matrix_dataset + ": row " + std::to_string(r); };
  check_ids(e.ids, where);
  check_finite(e.X, e.ids, where);
  return e;
}

Embeddings read_embeddings_npy(const std::filesystem::path& file, const std::filesystem::path& ids_file) {
  Embeddings e;
  e.X = read_npy_matrix(file);
  check_shape(e.X, file.string());
  const auto rows = static_cast<std::size_t>(e.X.rows());
  if (ids_file.empty()) {
    for (std::size_t r = 0; r < rows; ++r) e.ids.push_back(std::to_string(r));
    check_finite(e.X, e.ids, [&](std::size_t r) { return file.string() + ": row " + std::to_string(r); });
    return e;
  }
  require_regular_file(ids_file, "the ids file");
  std::ifstream in(ids_file, std::ios::binary);
  if (!in) throw UserError(ids_file.string() + ": cannot open the ids file");
  for (std::string line; std::getline(in, line);) {
    if (!line.empty() && line.back() == '\r') line.pop_back();
    e.ids.push_back(line);
  }
  if (e.ids.size() != rows)
    throw UserError(ids_file.string() + ": " + std::to_string(e.ids.size()) + " ids (lines) for the " +
                    std::to_string(rows) + " rows of " + file.string() + "; expected one id per row");
  check_ids(e.ids, [&](std::size_t r) { return ids_file.string() + ":" + std::to_string(r + 1); });
  check_finite(e.X, e.ids, [&](std::size_t r) { return file.string() + ": row " + std::to_string(r); });
  return e;
}

Embeddings read_embeddings(const std::filesystem::path& file, const EmbeddingImportParams& params) {
  const std::string ext = lower(file.extension().string());
  if (ext == ".csv") return read_embeddings_csv(file, params.id_column);
  if (ext == ".h5" || ext == ".hdf5" || ext == ".he5")
    return read_embeddings_hdf5(file, params.matrix_dataset, params.ids_dataset, params.id_column);
  if (ext == ".npy") return read_embeddings_npy(file, params.ids_file);
  throw UserError(file.string() + ": unknown embeddings format \"" + ext +
                  "\"; expected one of .csv, .h5, .hdf5, .he5, .npy");
}

}  // namespace vaesweep::text
