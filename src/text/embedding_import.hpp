#pragma once
// Precomputed embeddings (e.g. a sentence-transformer run elsewhere), keyed by an id per row,
// from CSV, HDF5 or .npy. Every reader checks the same things and throws UserError naming the
// file and the row (the CSV line) and column: a NaN or Inf value, a duplicate or empty id, ids
// and rows that do not pair up, and the format's own faults (ragged CSV rows, a cell that is not
// a number, a wrong dtype, a truncated .npy).
#include <Eigen/Core>
#include <filesystem>
#include <string>
#include <vector>

namespace vaesweep::text {

struct Embeddings {
  std::vector<std::string> ids;  // one per row of X, unique, not empty
  Eigen::MatrixXd X;             // rows = samples, finite
};

// CSV with a header row (RFC 4180, through io::read_csv): the column `id_column` holds the ids,
// every other column is a number (std::from_chars: "1.5", "-2e-3"; an empty cell is an error).
Embeddings read_embeddings_csv(const std::filesystem::path& file, const std::string& id_column = "id");

// HDF5: `matrix_dataset` is a 2-D numeric dataset (rows = samples; read as double by
// io::Hdf5File::read_matrix), `ids_dataset` a 1-D table (compound dataset, read by
// Hdf5File::read_table) with one row per matrix row; the ids are its `id_column` member, or its
// only member when it has just one, as strings or integers. With h5py:
//   f["ids"] = np.array([(b"song1",), ...], dtype=[("id", h5py.string_dtype())])
// A plain 1-D string dataset is not read yet: Hdf5File offers no reader for one.
Embeddings read_embeddings_hdf5(const std::filesystem::path& file, const std::string& matrix_dataset = "/embeddings",
                                const std::string& ids_dataset = "/ids", const std::string& id_column = "id");

// .npy (text/npy.hpp: float32 or float64, 2-D). The ids come from `ids_file`, a UTF-8 text file
// with one id per line (a final line break is optional; "\r\n" is accepted), or, when
// `ids_file` is empty, are the row numbers "0", "1", ... (row order).
Embeddings read_embeddings_npy(const std::filesystem::path& file, const std::filesystem::path& ids_file = {});

struct EmbeddingImportParams {
  std::string id_column = "id";                // CSV column; HDF5 member of the ids table
  std::string matrix_dataset = "/embeddings";  // HDF5
  std::string ids_dataset = "/ids";            // HDF5
  std::filesystem::path ids_file;              // .npy sidecar; empty: row order
};

// Picks the reader by extension (case-insensitive): .csv, .h5 / .hdf5 / .he5, .npy; another
// extension is a UserError listing these.
Embeddings read_embeddings(const std::filesystem::path& file, const EmbeddingImportParams& params = {});

}  // namespace vaesweep::text
