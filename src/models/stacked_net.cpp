#include "models/stacked_net.hpp"


#include "util/error.hpp"

namespace vaesweep::models {
namespace {

template <std::size_t D>
std::vector<std::int64_t> values_of(const torch::ExpandingArray<D>& a) {
  return {a->begin(), a->end()};
}

// The padding variant is c10::variant in LibTorch 1.13 and std::variant in 2.x: get_if found by
// argument-dependent lookup serves both.
template <std::size_t D>
std::vector<std::int64_t> padding_of(const torch::nn::detail::conv_padding_t<D>& padding) {
  const auto* explicit_padding = get_if<torch::ExpandingArray<D>>(&padding);
  VAESWEEP_ASSERT(explicit_padding != nullptr, "stacked conv: padding must be explicit");
  return values_of<D>(*explicit_padding);
}

torch::Tensor with_condition(const torch::Tensor& t, const torch::Tensor& condition) {
  return condition.defined() ? torch::cat({t, condition}, -1) : t;
}

}  // namespace

StackedNet::StackedNet(const NetSpec& spec, const std::vector<std::uint64_t>& seeds, const torch::TensorOptions& options,
                       ConvolutionPath path)
    : spec_(spec),
      members_(static_cast<std::int64_t>(seeds.size())),
      per_member_convolutions_(path == ConvolutionPath::per_member ||
                               (path == ConvolutionPath::by_device && options.device().is_cpu())) {
  VAESWEEP_ASSERT(members_ > 0, "a stack without members");
  std::vector<VaeNet> nets;
  nets.reserve(seeds.size());
  for (std::uint64_t seed : seeds) {
    torch::manual_seed(seed);  // train_vae's initialisation, member by member
    nets.emplace_back(spec);
  }
  VaeNet& first = nets.front();
  encoder_ = translate(first->encoder);
  to_mean_ = linear_op(*first->to_mean);
  if (spec.variational) to_logvar_ = linear_op(*first->to_logvar);
  decoder_ = translate(first->decoder);
  VAESWEEP_ASSERT(slots_.size() == first->parameters().size(), "the stacked layout misses parameters of VaeNet");

  torch::Tensor host = torch::empty({members_ * per_member_}, torch::kFloat32);
  for (std::size_t i = 0; i < slots_.size(); ++i) {
    const Slot& s = slots_[i];
    for (std::int64_t m = 0; m < members_; ++m) {
      const torch::Tensor p = nets[static_cast<std::size_t>(m)]->parameters()[i].detach();
      VAESWEEP_ASSERT(p.sizes().vec() == s.shape, "stacked slot shape");
      host.narrow(0, members_ * s.offset + m * s.size, s.size).copy_((s.linear_weight ? p.t() : p).reshape(-1));
    }
  }
  flat_ = host.to(options.device(), options.dtype().toScalarType());
  flat_grad_ = torch::zeros_like(flat_);
  for (const Slot& s : slots_) {
    const std::vector<std::int64_t> shape = stacked_shape(s, members_);
    params_.push_back(flat_.narrow(0, members_ * s.offset, members_ * s.size).view(shape).detach().requires_grad_(true));
    grads_.push_back(flat_grad_.narrow(0, members_ * s.offset, members_ * s.size).view(shape));
    params_.back().mutable_grad() = grads_.back();
  }
}

void StackedNet::collect_grad() {
  for (std::size_t i = 0; i < params_.size(); ++i) {
    const torch::Tensor& grad = params_[i].grad();
    if (grad.is_same(grads_[i])) continue;
    torch::NoGradGuard no_grad;
    if (grad.defined()) grads_[i].copy_(grad);
    params_[i].mutable_grad() = grads_[i];
  }
}

void StackedNet::add_slot(const torch::Tensor& like, bool linear_weight, bool linear_bias) {
  Slot s;
  s.offset = per_member_;
  s.size = like.numel();
  s.shape = like.sizes().vec();
  s.linear_weight = linear_weight;
  s.linear_bias = linear_bias;
  per_member_ += s.size;
  slots_.push_back(std::move(s));
}

StackedNet::Op StackedNet::linear_op(torch::nn::LinearImpl& layer) {
  Op op{OpKind::linear};
  op.weight = static_cast<int>(slots_.size());
  add_slot(layer.weight, true, false);
  op.bias = static_cast<int>(slots_.size());
  add_slot(layer.bias, false, true);
  return op;
}

std::vector<StackedNet::Op> StackedNet::translate(torch::nn::Sequential& seq) {
  std::vector<Op> ops;
  const auto conv = [&](OpKind kind, const torch::Tensor& weight, const torch::Tensor& bias, auto stride, auto padding) {
    Op op{kind};
    op.weight = static_cast<int>(slots_.size());
    add_slot(weight, false, false);
    op.bias = static_cast<int>(slots_.size());
    add_slot(bias, false, false);
    op.stride = stride;
    op.padding = padding;
    return op;
  };
  for (const auto& child : seq->children()) {
    if (auto* l = child->as<torch::nn::Linear>()) {
      ops.push_back(linear_op(*l));
    } else if (child->as<torch::nn::ReLU>()) {
      ops.push_back(Op{OpKind::relu});
    } else if (auto* c1 = child->as<torch::nn::Conv1d>()) {
      ops.push_back(conv(OpKind::conv, c1->weight, c1->bias, values_of<1>(c1->options.stride()),
                         padding_of<1>(c1->options.padding())));
    } else if (auto* c2 = child->as<torch::nn::Conv2d>()) {
      ops.push_back(conv(OpKind::conv, c2->weight, c2->bias, values_of<2>(c2->options.stride()),
                         padding_of<2>(c2->options.padding())));
    } else if (auto* t1 = child->as<torch::nn::ConvTranspose1d>()) {
      ops.push_back(conv(OpKind::conv_transpose, t1->weight, t1->bias, values_of<1>(t1->options.stride()),
                         padding_of<1>(t1->options.padding())));
      ops.back().output_padding = values_of<1>(t1->options.output_padding());
    } else if (auto* t2 = child->as<torch::nn::ConvTranspose2d>()) {
      ops.push_back(conv(OpKind::conv_transpose, t2->weight, t2->bias, values_of<2>(t2->options.stride()),
                         padding_of<2>(t2->options.padding())));
      ops.back().output_padding = values_of<2>(t2->options.output_padding());
    } else if (auto* u = child->as<torch::nn::Unflatten>()) {
      VAESWEEP_ASSERT(u->options.dim() == 1, "stacked unflatten of another dimension than 1");
      Op op{OpKind::unflatten};
      op.sizes = u->options.sizes();
      ops.push_back(std::move(op));
    } else if (child->as<torch::nn::Flatten>()) {
      ops.push_back(Op{OpKind::flatten});
    } else {
      VAESWEEP_ASSERT(false, "the stacked engine has no translation of a VaeNet layer: " + child->name());
    }
  }
  return ops;
}

std::vector<std::int64_t> StackedNet::stacked_shape(const Slot& s, std::int64_t count) const {
  std::vector<std::int64_t> shape{count};
  if (s.linear_weight) {
    shape.push_back(s.shape[1]);
    shape.push_back(s.shape[0]);
  } else {
    if (s.linear_bias) shape.push_back(1);
    shape.insert(shape.end(), s.shape.begin(), s.shape.end());
  }
  return shape;
}

torch::Tensor StackedNet::view(int slot, std::int64_t first, std::int64_t count) const {
  const torch::Tensor& param = params_[static_cast<std::size_t>(slot)];
  return first == 0 && count == members_ ? param : param.narrow(0, first, count);
}

torch::Tensor StackedNet::apply(const Op& op, const torch::Tensor& t, std::int64_t first, std::int64_t count) const {
  switch (op.kind) {
    case OpKind::linear: return torch::baddbmm(view(op.bias, first, count), t, view(op.weight, first, count));
    // threshold(t, 0, 0) is relu in value and gradient, and unlike relu it has a meta-device
    // kernel in LibTorch 1.13 (the wrong-device test runs steps there).
    case OpKind::relu: return torch::threshold(t, 0, 0);
    case OpKind::unflatten: {  // rows [M, B, C * S] -> [B, M * C, spatial...]
      std::vector<std::int64_t> shape{t.size(1), count * op.sizes[0]};
      shape.insert(shape.end(), op.sizes.begin() + 1, op.sizes.end());
      return t.transpose(0, 1).reshape(shape);
    }
    case OpKind::flatten: {  // [B, M * C, spatial...] -> rows [M, B, C * S]
      const std::int64_t batch = t.size(0);
      return t.reshape({batch, count, t.numel() / (batch * count)}).transpose(0, 1);
    }
    case OpKind::conv:
    case OpKind::conv_transpose: break;
  }
  if (per_member_convolutions_ && count > 1) {
    const std::vector<torch::Tensor> inputs = t.chunk(count, 1);
    std::vector<torch::Tensor> outputs;
    for (std::int64_t j = 0; j < count; ++j)
      outputs.push_back(convolve(op, inputs[static_cast<std::size_t>(j)], first + j, 1));
    return torch::cat(outputs, 1);
  }
  return convolve(op, t, first, count);
}

// Grouped convolutions (groups = count): member m's channels see only member m's weights.
torch::Tensor StackedNet::convolve(const Op& op, const torch::Tensor& t, std::int64_t first, std::int64_t count) const {
  torch::Tensor weight = view(op.weight, first, count);
  std::vector<std::int64_t> shape = weight.sizes().vec();
  shape[1] *= count;
  shape.erase(shape.begin());
  weight = weight.view(shape);
  const torch::Tensor bias = view(op.bias, first, count).reshape({-1});
  const bool two_d = op.stride.size() == 2;
  const std::vector<std::int64_t> dilation(op.stride.size(), 1);
  if (op.kind == OpKind::conv)
    return two_d ? torch::conv2d(t, weight, bias, op.stride, op.padding, dilation, count)
                 : torch::conv1d(t, weight, bias, op.stride, op.padding, dilation, count);
  return two_d ? torch::conv_transpose2d(t, weight, bias, op.stride, op.padding, op.output_padding, count, dilation)
               : torch::conv_transpose1d(t, weight, bias, op.stride, op.padding, op.output_padding, count, dilation);
}

torch::Tensor StackedNet::run(const std::vector<Op>& ops, torch::Tensor t, std::int64_t first,
                              std::int64_t count) const {
  for (const Op& op : ops) t = apply(op, t, first, count);
  return t;
}

std::pair<torch::Tensor, torch::Tensor> StackedNet::encode(const torch::Tensor& x, const torch::Tensor& condition,
                                                           std::int64_t first, std::int64_t count) {
  count = resolve(count);
  const torch::Tensor h = spec_.architecture == Architecture::mlp
                              ? run(encoder_, with_condition(x, condition), first, count)
                              : with_condition(run(encoder_, x, first, count), condition);
  return {apply(to_mean_, h, first, count), spec_.variational ? apply(to_logvar_, h, first, count) : torch::Tensor()};
}

torch::Tensor StackedNet::decode(const torch::Tensor& z, const torch::Tensor& condition, std::int64_t first,
                                 std::int64_t count) {
  count = resolve(count);
  return run(decoder_, with_condition(z, condition), first, count);
}

torch::Tensor StackedNet::spread(const std::vector<double>& per_member) const {
  VAESWEEP_ASSERT(static_cast<std::int64_t>(per_member.size()) == members_, "spread: one value per member");
  const torch::Tensor values = torch::tensor(per_member, torch::kFloat64).view({members_, 1});
  std::vector<torch::Tensor> parts;
  for (const Slot& s : slots_) parts.push_back(values.expand({members_, s.size}).reshape({-1}));
  return torch::cat(parts).to(flat_.device(), flat_.scalar_type());
}

void StackedNet::zero_member(torch::Tensor& t, std::int64_t m) const {
  torch::NoGradGuard no_grad;
  for (const Slot& s : slots_) t.narrow(0, members_ * s.offset + m * s.size, s.size).zero_();
}

std::vector<torch::Tensor> StackedNet::member_tensors(const torch::Tensor& source, std::int64_t m) const {
  std::vector<torch::Tensor> out;
  for (const Slot& s : slots_) {
    const torch::Tensor values = source.detach().narrow(0, members_ * s.offset + m * s.size, s.size);
    torch::Tensor t = s.linear_weight ? values.view({s.shape[1], s.shape[0]}).t() : values.view(s.shape);
    out.push_back(t.to(torch::kCPU, torch::kFloat32).contiguous());
  }
  return out;
}

}  // namespace vaesweep::models
