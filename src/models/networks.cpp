#include "models/networks.hpp"

#include <algorithm>
#include <numeric>
#include <stdexcept>
#include <string>

namespace vaesweep::models {
namespace {

using Sizes = std::vector<std::int64_t>;

torch::nn::Sequential mlp(std::int64_t in, const std::vector<int>& widths) {
  torch::nn::Sequential seq;
  for (int w : widths) {
    seq->push_back(torch::nn::Linear(in, w));
    seq->push_back(torch::nn::ReLU());
    in = w;
  }
  return seq;
}

std::int64_t product(const Sizes& sizes) {
  return std::accumulate(sizes.begin(), sizes.end(), std::int64_t{1}, std::multiplies<>());
}

Sizes concat(std::int64_t first, const Sizes& rest) {
  Sizes out{first};
  out.insert(out.end(), rest.begin(), rest.end());
  return out;
}

// conv1d: channels = input_shape[0], spatial {frames}; conv2d: one channel, spatial {bands, frames}.
std::int64_t input_channels(const NetSpec& s) {
  return s.architecture == Architecture::conv1d ? s.input_shape[0] : 1;
}
Sizes input_spatial(const NetSpec& s) {
  if (s.architecture == Architecture::conv1d) return {s.input_shape[1]};
  return {s.input_shape[0], s.input_shape[1]};
}

// Spatial sizes before each conv layer and after the last: kernel 3, stride 2, padding 1 maps
// a length L to ceil(L / 2), which stays >= 1, so any positive input size can be convolved.
std::vector<Sizes> conv_sizes(const NetSpec& s) {
  std::vector<Sizes> sizes{input_spatial(s)};
  for (std::size_t layer = 0; layer < s.hidden.size(); ++layer) {
    Sizes next = sizes.back();
    for (auto& length : next) length = (length + 1) / 2;
    sizes.push_back(next);
  }
  return sizes;
}

// A transposed conv (kernel 3, stride 2, padding 1) maps m to 2m - 1 + output_padding. With
// m = ceil(L / 2) that is L exactly when output_padding is 1 for even L and 0 for odd L.
Sizes output_padding(const Sizes& target) {
  Sizes padding;
  for (auto length : target) padding.push_back(1 - length % 2);
  return padding;
}

template <std::size_t D>
struct ConvLayers;
template <>
struct ConvLayers<1> {
  using Conv = torch::nn::Conv1d;
  using ConvOptions = torch::nn::Conv1dOptions;
  using ConvT = torch::nn::ConvTranspose1d;
  using ConvTOptions = torch::nn::ConvTranspose1dOptions;
};
template <>
struct ConvLayers<2> {
  using Conv = torch::nn::Conv2d;
  using ConvOptions = torch::nn::Conv2dOptions;
  using ConvT = torch::nn::ConvTranspose2d;
  using ConvTOptions = torch::nn::ConvTranspose2dOptions;
};

template <std::size_t D>
torch::nn::Sequential conv_encoder(const NetSpec& s) {
  using L = ConvLayers<D>;
  torch::nn::Sequential seq;
  std::int64_t in = input_channels(s);
  seq->push_back(torch::nn::Unflatten(torch::nn::UnflattenOptions(1, concat(in, input_spatial(s)))));
  for (int h : s.hidden) {
    seq->push_back(typename L::Conv(typename L::ConvOptions(in, h, 3).stride(2).padding(1)));
    seq->push_back(torch::nn::ReLU());
    in = h;
  }
  seq->push_back(torch::nn::Flatten());
  return seq;
}

// Linear + ReLU up to the last conv output, then transposed convs mirroring the encoder; the
// last one outputs the input's channels with no activation.
template <std::size_t D>
torch::nn::Sequential conv_decoder(const NetSpec& s) {
  using L = ConvLayers<D>;
  const std::vector<Sizes> sizes = conv_sizes(s);
  const Sizes& last = sizes.back();
  torch::nn::Sequential seq;
  seq->push_back(torch::nn::Linear(s.latent_dim + s.condition_dim, s.hidden.back() * product(last)));
  seq->push_back(torch::nn::ReLU());
  seq->push_back(torch::nn::Unflatten(torch::nn::UnflattenOptions(1, concat(s.hidden.back(), last))));
  for (std::size_t i = s.hidden.size(); i-- > 0;) {
    const std::int64_t out = i > 0 ? s.hidden[i - 1] : input_channels(s);
    const Sizes padding = output_padding(sizes[i]);
    seq->push_back(typename L::ConvT(typename L::ConvTOptions(s.hidden[i], out, 3)
                                         .stride(2)
                                         .padding(1)
                                         .output_padding(torch::ExpandingArray<D>(padding))));
    if (i > 0) seq->push_back(torch::nn::ReLU());
  }
  seq->push_back(torch::nn::Flatten());
  return seq;
}

// Width of what the mean and logvar heads read: the encoder's features, plus the condition
// for conv encoders (an MLP encoder already read it with x).
std::int64_t head_input(const NetSpec& s) {
  if (s.architecture == Architecture::mlp) return s.hidden.back();
  return s.hidden.back() * product(conv_sizes(s).back()) + s.condition_dim;
}

torch::Tensor with_condition(const torch::Tensor& t, const torch::Tensor& condition) {
  return condition.defined() ? torch::cat({t, condition}, 1) : t;
}

}  // namespace

NetSpec net_spec(const VaeParams& p, std::int64_t input_dim, std::int64_t condition_dim) {
  return {p.architecture, p.variational, p.hidden, p.input_shape, input_dim, condition_dim, p.latent_dim};
}

void check_input_shape(const NetSpec& s) {
  if (s.architecture == Architecture::mlp) return;
  const bool two_positive = s.input_shape.size() == 2 && s.input_shape[0] > 0 && s.input_shape[1] > 0;
  if (!two_positive || static_cast<std::int64_t>(s.input_shape[0]) * s.input_shape[1] != s.input_dim) {
    std::string shape;
    for (int v : s.input_shape) shape += (shape.empty() ? "" : ", ") + std::to_string(v);
    throw std::invalid_argument("conv input_shape {" + shape + "} must be two positive sizes whose product is " +
                                std::to_string(s.input_dim) + ", the number of features");
  }
}

VaeNetImpl::VaeNetImpl(const NetSpec& s) : spec(s) {
  // Registration order fixes the order in which the seeded generator initialises layers.
  switch (s.architecture) {
    case Architecture::mlp: encoder = mlp(s.input_dim + s.condition_dim, s.hidden); break;
    case Architecture::conv1d: encoder = conv_encoder<1>(s); break;
    case Architecture::conv2d: encoder = conv_encoder<2>(s); break;
  }
  register_module("encoder", encoder);
  to_mean = register_module("to_mean", torch::nn::Linear(head_input(s), s.latent_dim));
  if (s.variational) to_logvar = register_module("to_logvar", torch::nn::Linear(head_input(s), s.latent_dim));
  switch (s.architecture) {
    case Architecture::mlp: {
      std::vector<int> widths(s.hidden.rbegin(), s.hidden.rend());
      decoder = mlp(s.latent_dim + s.condition_dim, widths);
      decoder->push_back(torch::nn::Linear(s.hidden.front(), s.input_dim));
      break;
    }
    case Architecture::conv1d: decoder = conv_decoder<1>(s); break;
    case Architecture::conv2d: decoder = conv_decoder<2>(s); break;
  }
  register_module("decoder", decoder);
}

std::pair<torch::Tensor, torch::Tensor> VaeNetImpl::encode(const torch::Tensor& x, const torch::Tensor& condition) {
  const torch::Tensor h = spec.architecture == Architecture::mlp ? encoder->forward(with_condition(x, condition))
                                                                 : with_condition(encoder->forward(x), condition);
  return {to_mean->forward(h), spec.variational ? to_logvar->forward(h) : torch::Tensor()};
}

torch::Tensor VaeNetImpl::decode(const torch::Tensor& z, const torch::Tensor& condition) {
  return decoder->forward(with_condition(z, condition));
}

}  // namespace vaesweep::models
