#pragma once
// Eigen <-> torch conversions for the model sources (internal: includes torch).
#include <torch/torch.h>

#include <Eigen/Dense>

namespace vaesweep::models {

// Row-major float32 copy of X on the CPU (samples are rows, as in Eigen).
torch::Tensor to_tensor(const Eigen::MatrixXd& X);
// A condition matrix as a tensor on `device`; undefined when it has no columns (unconditional),
// so the networks can tell "no condition" apart without a zero-width tensor.
torch::Tensor condition_tensor(const Eigen::MatrixXd& condition, const torch::Device& device);
// A 2-D tensor (any device, any floating type) as a double matrix.
Eigen::MatrixXd to_matrix(const torch::Tensor& t);

}  // namespace vaesweep::models
