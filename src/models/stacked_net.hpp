#pragma once
// M networks of one NetSpec as one: every parameter has a leading member axis, and one call
// runs all members (internal to src/models: includes torch). Built by walking a VaeNet, so the
// architecture is written once (networks.cpp):
//   Linear           batched GEMM, baddbmm(bias [M, 1, out], x [M, B, in], weight [M, in, out])
//   Conv, ConvT      grouped convolution (groups = M; on the CPU one per member) over member-stacked channels
//                    [B, M * channels, spatial...]: weights [M, out, in, k...] / [M, in, out, k...]
//                    viewed as [M * out, in, k...] / [M * in, out, k...]
//   Unflatten        rows [M, B, F] -> member-stacked channels; Flatten: back to rows
// All parameters live in one flat tensor, parameter by parameter and member-major inside each
// (slot i holds [M, size_i] values), so that the optimizer runs over one tensor. Each slot is a
// leaf tensor aliasing its part of the flat storage, and its .grad aliases the same part of a
// flat gradient, into which autograd accumulates in place: no per-step slicing of a flat
// tensor in the graph (whose backward would allocate and add a zero tensor of every parameter
// per slot and step). A member's numbers depend only on its own slices: batched GEMMs and
// grouped convolutions never mix members.
#include <torch/torch.h>

#include <cstdint>
#include <utility>
#include <vector>

#include "models/networks.hpp"

namespace vaesweep::models {

// How a stack's convolutions run: grouped (groups = M, one call for the stack) or member by
// member; by_device picks per member on the CPU (where oneDNN's grouped convolutions cost twice
// as much per member) and grouped elsewhere. The tests run both on the CPU.
enum class ConvolutionPath { by_device, grouped, per_member };

class StackedNet {
 public:
  // The members' initial values are those of VaeNet(spec) built right after
  // torch::manual_seed(seed) (train_vae's initialisation), converted to `options`' dtype and
  // placed on its device.
  StackedNet(const NetSpec& spec, const std::vector<std::uint64_t>& seeds, const torch::TensorOptions& options,
             ConvolutionPath path = ConvolutionPath::by_device);

  std::int64_t members() const { return members_; }
  const NetSpec& spec() const { return spec_; }
  // The flat parameters and their gradient (the slots' storage; update them in place).
  torch::Tensor& flat() { return flat_; }
  const torch::Tensor& flat_grad() const { return flat_grad_; }
  // Zeros the gradient before a backward pass.
  void zero_grad() { flat_grad_.zero_(); }
  // After a backward pass: makes sure every slot's gradient is in flat_grad() (autograd
  // accumulates into an existing .grad in place; this copies back if a LibTorch did not).
  void collect_grad();
  // The flat layout's index of member m's values of every slot, for the per-member masks of the
  // optimizer: a tensor like flat() holding `per_member[m]` at member m's places.
  torch::Tensor spread(const std::vector<double>& per_member) const;
  // Zeros member m's values in `t` (flat()'s layout).
  void zero_member(torch::Tensor& t, std::int64_t m) const;

  // Members [first, first + count) (all by default) on inputs stacked by member: x [count, B, D],
  // condition [count, B, C] or undefined. {mean, logvar}: [count, B, z]; logvar undefined for
  // the autoencoder. decode: [count, B, D].
  std::pair<torch::Tensor, torch::Tensor> encode(const torch::Tensor& x, const torch::Tensor& condition,
                                                 std::int64_t first = 0, std::int64_t count = -1);
  torch::Tensor decode(const torch::Tensor& z, const torch::Tensor& condition, std::int64_t first = 0,
                       std::int64_t count = -1);

  // Member m's values of `source` (flat()'s layout: the parameters or an optimizer moment) in
  // VaeNet::parameters() order and shapes, float32 on the CPU.
  std::vector<torch::Tensor> member_tensors(const torch::Tensor& source, std::int64_t m) const;

 private:
  enum class OpKind { linear, relu, conv, conv_transpose, unflatten, flatten };
  struct Op {
    explicit Op(OpKind k = OpKind::relu) : kind(k) {}
    OpKind kind;
    int weight = -1, bias = -1;          // slots
    std::vector<std::int64_t> stride, padding, output_padding, sizes;  // conv options; unflatten: {C, spatial...}
  };
  struct Slot {
    std::int64_t offset = 0, size = 0;   // in values per member: slot i is flat[M * offset, M * (offset + size))
    std::vector<std::int64_t> shape;     // VaeNet's shape of the parameter
    bool linear_weight = false;          // stored transposed ([in, out]) for baddbmm
    bool linear_bias = false;            // stored [1, out] to broadcast over rows
  };

  void add_slot(const torch::Tensor& like, bool linear_weight, bool linear_bias);
  std::vector<Op> translate(torch::nn::Sequential& seq);
  Op linear_op(torch::nn::LinearImpl& layer);
  std::vector<std::int64_t> stacked_shape(const Slot& s, std::int64_t count) const;
  torch::Tensor view(int slot, std::int64_t first, std::int64_t count) const;
  torch::Tensor run(const std::vector<Op>& ops, torch::Tensor t, std::int64_t first, std::int64_t count) const;
  torch::Tensor apply(const Op& op, const torch::Tensor& t, std::int64_t first, std::int64_t count) const;
  torch::Tensor convolve(const Op& op, const torch::Tensor& t, std::int64_t first, std::int64_t count) const;
  std::int64_t resolve(std::int64_t count) const { return count < 0 ? members_ : count; }

  NetSpec spec_;
  std::int64_t members_ = 0;
  bool per_member_convolutions_ = false;
  std::vector<Slot> slots_;
  std::vector<Op> encoder_, decoder_;
  Op to_mean_, to_logvar_;
  std::int64_t per_member_ = 0;        // values per member over all slots
  torch::Tensor flat_, flat_grad_;
  std::vector<torch::Tensor> params_, grads_;  // per slot: [M, stacked shape...] views of the flat tensors
};

}  // namespace vaesweep::models
