#pragma once
// numpy's .npy format (numpy/lib/format.py), read side only, for the 2-D float arrays that
// embedding models write with np.save: magic "\x93NUMPY", version 1.0 (2-byte header length),
// 2.0 or 3.0 (4-byte length), then a Python dict literal
//   {'descr': '<f4', 'fortran_order': False, 'shape': (rows, cols), }
// and the raw data. No library in Debian reads .npy from C++, hence this small reader.
#include <Eigen/Core>
#include <filesystem>

namespace vaesweep::text {

// Reads a 2-D float32 or float64 array (either byte order, C or Fortran order) as doubles.
// UserError naming the file for: a missing file, no .npy magic, an unknown version, a header
// that does not parse, another dtype (with the expected ones), a shape that is not 2-D, data
// shorter than the shape says (truncated) or longer (trailing bytes). Values are not checked
// here (NaN/Inf are the caller's to reject, with ids at hand).
Eigen::MatrixXd read_npy_matrix(const std::filesystem::path& file);

}  // namespace vaesweep::text
