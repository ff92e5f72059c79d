#include "models/tensors.hpp"

namespace vaesweep::models {

torch::Tensor to_tensor(const Eigen::MatrixXd& X) {
  const Eigen::Matrix<float, Eigen::Dynamic, Eigen::Dynamic, Eigen::RowMajor> rows = X.cast<float>();
  return torch::from_blob(const_cast<float*>(rows.data()), {rows.rows(), rows.cols()}, torch::kFloat32).clone();
}

torch::Tensor condition_tensor(const Eigen::MatrixXd& condition, const torch::Device& device) {
  if (condition.cols() == 0) return {};
  return to_tensor(condition).to(device);
}

Eigen::MatrixXd to_matrix(const torch::Tensor& t) {
  const auto cpu = t.to(torch::kCPU, torch::kFloat64).contiguous();
  using RowMatrix = Eigen::Matrix<double, Eigen::Dynamic, Eigen::Dynamic, Eigen::RowMajor>;
  return Eigen::Map<const RowMatrix>(cpu.data_ptr<double>(), cpu.size(0), cpu.size(1));
}

}  // namespace vaesweep::models
