#include "models/batched_mlp.hpp"

#include <algorithm>
#include <cmath>

#include "util/error.hpp"
#include "models/batched_mlp_kernels.hpp"

namespace vaesweep::models {

namespace detail {

// One buffer per activation the backward pass reads, and one per gradient it writes; sized
// for `rows` rows, each row-major with the layer's width as leading dimension.
template <typename Scalar>
struct MlpWorkspace {
  MlpWorkspace(const MlpLayout& layout, int rows_) : rows(rows_) {
    const auto r = static_cast<std::size_t>(rows);
    for (const auto& l : layout.encoder) {
      encoder.emplace_back(r * static_cast<std::size_t>(l.out));
      encoder_grad.emplace_back(r * static_cast<std::size_t>(l.out));
    }
    const auto z = r * static_cast<std::size_t>(layout.shape.latent_dim);
    for (auto* b : {&mean, &logvar, &stdev, &mean_grad, &logvar_grad, &z_grad}) b->resize(z);
    decoder_in.resize(r * static_cast<std::size_t>(layout.shape.latent_dim + layout.shape.condition_dim));
    for (const auto& l : layout.decoder) {
      decoder.emplace_back(r * static_cast<std::size_t>(l.out));
      decoder_grad.emplace_back(r * static_cast<std::size_t>(l.out));
    }
  }
  int rows;
  std::vector<AlignedVector<Scalar>> encoder, encoder_grad;  // per encoder layer: rows x out
  AlignedVector<Scalar> mean, logvar, stdev, mean_grad, logvar_grad, z_grad;  // rows x latent
  AlignedVector<Scalar> decoder_in;  // rows x (latent + condition): z, then the condition
  std::vector<AlignedVector<Scalar>> decoder, decoder_grad;  // per decoder layer: rows x out
};

}  // namespace detail

namespace {

using detail::MlpWorkspace;

std::size_t size(int v) { return static_cast<std::size_t>(v); }

LinearSlot place(int in, int out, std::size_t& cursor) {
  LinearSlot s{in, out, cursor, cursor + size(in) * size(out)};
  cursor = s.bias + size(out);
  return s;
}

// out = in W^T + b (torch::nn::Linear, as ATen's addmm adds the bias), then the ReLU when asked.
template <typename S>
void linear_forward(const LinearSlot& l, const S* params, const S* in, int in_ld, int rows, S* out, bool relu) {
  kernels::linear_rows(rows, l.out, l.in, in, in_ld, params + l.weight, params + l.bias, out);
  if (relu) kernels::relu(size(rows) * size(l.out), out);
}

// dW = G^T A and db = column sums of G, written into the gradient buffer.
template <typename S>
void linear_weight_grads(const LinearSlot& l, const S* out_grad, const S* in, int in_ld, int rows, S* grads) {
  kernels::gemm(true, false, l.out, l.in, rows, S(1), out_grad, l.out, in, in_ld, S(0), grads + l.weight, l.in);
  kernels::column_sums(rows, l.out, out_grad, grads + l.bias);
}

// in_grad (rows x `cols` first input columns) = G W[:, :cols], added to in_grad when `accumulate`.
template <typename S>
void linear_input_grad(const LinearSlot& l, const S* params, const S* out_grad, int rows, int cols, S* in_grad,
                       bool accumulate) {
  kernels::gemm(false, false, rows, cols, l.out, S(1), out_grad, l.out, params + l.weight, l.in,
                accumulate ? S(1) : S(0), in_grad, cols);
}

// The encoder over `rows` rows of data (features then condition): hidden layers, mean, logvar.
template <typename S>
void encode(const MlpLayout& layout, const S* params, const S* data, int rows, MlpWorkspace<S>& w) {
  const S* in = data;
  int in_ld = layout.shape.input_dim + layout.shape.condition_dim;
  for (std::size_t k = 0; k < layout.encoder.size(); ++k) {
    linear_forward(layout.encoder[k], params, in, in_ld, rows, w.encoder[k].data(), true);
    in = w.encoder[k].data();
    in_ld = layout.encoder[k].out;
  }
  linear_forward(layout.to_mean, params, in, in_ld, rows, w.mean.data(), false);
  if (layout.shape.variational) linear_forward(layout.to_logvar, params, in, in_ld, rows, w.logvar.data(), false);
}

// Copies the condition columns of `data` beside the latent columns of decoder_in.
template <typename S>
void append_condition(const MlpLayout& layout, const S* data, int rows, MlpWorkspace<S>& w) {
  const int d = layout.shape.input_dim, c = layout.shape.condition_dim, z = layout.shape.latent_dim;
  if (c == 0) return;
  for (int i = 0; i < rows; ++i) {
    const S* from = data + size(i) * size(d + c) + size(d);
    std::copy(from, from + c, w.decoder_in.data() + size(i) * size(z + c) + size(z));
  }
}

template <typename S>
void decode(const MlpLayout& layout, const S* params, int rows, MlpWorkspace<S>& w) {
  const S* in = w.decoder_in.data();
  int in_ld = layout.shape.latent_dim + layout.shape.condition_dim;
  for (std::size_t k = 0; k < layout.decoder.size(); ++k) {
    const bool last = k + 1 == layout.decoder.size();
    linear_forward(layout.decoder[k], params, in, in_ld, rows, w.decoder[k].data(), !last);
    in = w.decoder[k].data();
    in_ld = layout.decoder[k].out;
  }
}

}  // namespace

MlpShape mlp_shape(const VaeParams& p, int input_dim, int condition_dim) {
  return {input_dim, condition_dim, p.hidden, p.latent_dim, p.variational};
}

MlpLayout::MlpLayout(const MlpShape& s) : shape(s) {
  VAESWEEP_ASSERT(s.input_dim > 0 && s.condition_dim >= 0 && s.latent_dim > 0 && !s.hidden.empty(), "MlpShape");
  std::size_t cursor = 0;
  int in = s.input_dim + s.condition_dim;
  for (int h : s.hidden) {
    VAESWEEP_ASSERT(h > 0, "MlpShape.hidden");
    encoder.push_back(place(in, h, cursor));
    in = h;
  }
  to_mean = place(in, s.latent_dim, cursor);
  if (s.variational) to_logvar = place(in, s.latent_dim, cursor);
  in = s.latent_dim + s.condition_dim;
  for (auto h = s.hidden.rbegin(); h != s.hidden.rend(); ++h) {
    decoder.push_back(place(in, *h, cursor));
    in = *h;
  }
  decoder.push_back(place(in, s.input_dim, cursor));
  parameters = cursor;
}

std::vector<LinearSlot> MlpLayout::linears() const {
  std::vector<LinearSlot> all(encoder);
  all.push_back(to_mean);
  if (shape.variational) all.push_back(to_logvar);
  all.insert(all.end(), decoder.begin(), decoder.end());
  return all;
}

NormalStream noise_stream(std::uint64_t seed, int epoch) {
  return NormalStream(derive_seed(seed, {kNoiseStream, static_cast<std::uint64_t>(epoch)}));
}

template <typename Scalar>
BatchedMlp<Scalar>::BatchedMlp(const MlpShape& shape, int members, int max_rows)
    : layout_(shape), members_(members) {
  VAESWEEP_ASSERT(members > 0 && max_rows > 0, "BatchedMlp sizes");
  constexpr std::size_t per_line = 64 / sizeof(Scalar);
  stride_ = (layout_.parameters + per_line - 1) / per_line * per_line;
  for (auto* b : {&params_, &grads_, &adam_m_, &adam_v_}) b->assign(stride_ * size(members), Scalar(0));
  steps_.assign(size(members), 0);
  work_ = std::make_unique<MlpWorkspace<Scalar>>(layout_, max_rows);
}

template <typename Scalar>
BatchedMlp<Scalar>::~BatchedMlp() = default;

template <typename Scalar>
void BatchedMlp<Scalar>::initialise(int m, std::uint64_t seed) {
  Scalar* p = parameters(m);
  const std::vector<LinearSlot> slots = layout_.linears();
  for (std::size_t l = 0; l < slots.size(); ++l) {
    Rng rng(derive_seed(seed, {kInitStream, static_cast<std::uint64_t>(l)}));
    const double bound = 1.0 / std::sqrt(static_cast<double>(slots[l].in));
    const auto draw = [&] {
      const double u = static_cast<double>(rng() >> 11) * 0x1.0p-53;
      return static_cast<Scalar>(bound * (2.0 * u - 1.0));
    };
    const std::size_t weights = size(slots[l].in) * size(slots[l].out);
    for (std::size_t i = 0; i < weights; ++i) p[slots[l].weight + i] = draw();
    for (std::size_t i = 0; i < size(slots[l].out); ++i) p[slots[l].bias + i] = draw();
  }
  for (auto* b : {&grads_, &adam_m_, &adam_v_}) std::fill_n(b->data() + offset(m), stride_, Scalar(0));
  steps_[size(m)] = 0;
}

template <typename Scalar>
double BatchedMlp<Scalar>::loss_and_gradients(int m, const Scalar* data, int rows, const Scalar* noise,
                                              double kl_weight) {
  using S = Scalar;
  MlpWorkspace<S>& w = *work_;
  VAESWEEP_ASSERT(m >= 0 && m < members_ && rows > 0 && rows <= w.rows, "loss_and_gradients rows");
  const MlpShape& s = layout_.shape;
  const int d = s.input_dim, c = s.condition_dim, z = s.latent_dim;
  const S* params = parameters(m);
  S* grads = grads_.data() + offset(m);

  encode(layout_, params, data, rows, w);
  for (int i = 0; i < rows; ++i)
    for (int k = 0; k < z; ++k) {
      const std::size_t at = size(i) * size(z) + size(k);
      S latent = w.mean[at];
      if (s.variational) {
        w.stdev[at] = std::exp(S(0.5) * w.logvar[at]);
        latent = w.mean[at] + noise[at] * w.stdev[at];
      }
      w.decoder_in[size(i) * size(z + c) + size(k)] = latent;
    }
  append_condition(layout_, data, rows, w);
  decode(layout_, params, rows, w);

  // Squared error summed over features, mean over rows; its gradient (1/B) * (2 (x_hat - x)),
  // the order in which autograd forms it. The loss itself is summed in double.
  const S inverse_rows = S(1) / static_cast<S>(rows);
  const S* x_hat = w.decoder.back().data();
  S* x_hat_grad = w.decoder_grad.back().data();
  double reconstruction = 0;
  for (int i = 0; i < rows; ++i)
    for (int j = 0; j < d; ++j) {
      const std::size_t at = size(i) * size(d) + size(j);
      const S diff = x_hat[at] - data[size(i) * size(d + c) + size(j)];
      reconstruction += static_cast<double>(diff) * static_cast<double>(diff);
      x_hat_grad[at] = inverse_rows * (S(2) * diff);
    }

  for (std::size_t k = layout_.decoder.size(); k-- > 0;) {
    const LinearSlot& l = layout_.decoder[k];
    const S* in = k == 0 ? w.decoder_in.data() : w.decoder[k - 1].data();
    linear_weight_grads(l, w.decoder_grad[k].data(), in, l.in, rows, grads);
    if (k > 0) {
      linear_input_grad(l, params, w.decoder_grad[k].data(), rows, l.in, w.decoder_grad[k - 1].data(), false);
      kernels::relu_backward(size(rows) * size(l.in), w.decoder[k - 1].data(), w.decoder_grad[k - 1].data());
    } else {
      // Only the latent columns: the condition is data, it needs no gradient.
      linear_input_grad(l, params, w.decoder_grad[0].data(), rows, z, w.z_grad.data(), false);
    }
  }

  // Through the reparameterisation and the KL term 0.5 (mean^2 + exp(logvar) - 1 - logvar).
  double kl = 0;
  const S kl_scale = static_cast<S>(kl_weight) * inverse_rows;
  for (std::size_t at = 0; at < size(rows) * size(z); ++at) {
    if (!s.variational) {
      w.mean_grad[at] = w.z_grad[at];
      continue;
    }
    const S mean = w.mean[at], logvar = w.logvar[at], variance = std::exp(logvar);
    kl += 0.5 * (static_cast<double>(mean) * mean + static_cast<double>(variance) - 1.0 - static_cast<double>(logvar));
    w.mean_grad[at] = w.z_grad[at] + kl_scale * mean;
    w.logvar_grad[at] = w.z_grad[at] * noise[at] * w.stdev[at] * S(0.5) + kl_scale * (S(0.5) * (variance - S(1)));
  }

  const LinearSlot& top = layout_.encoder.back();
  const S* h = w.encoder.back().data();
  S* h_grad = w.encoder_grad.back().data();
  linear_weight_grads(layout_.to_mean, w.mean_grad.data(), h, top.out, rows, grads);
  linear_input_grad(layout_.to_mean, params, w.mean_grad.data(), rows, top.out, h_grad, false);
  if (s.variational) {
    linear_weight_grads(layout_.to_logvar, w.logvar_grad.data(), h, top.out, rows, grads);
    linear_input_grad(layout_.to_logvar, params, w.logvar_grad.data(), rows, top.out, h_grad, true);
  }
  kernels::relu_backward(size(rows) * size(top.out), h, h_grad);

  for (std::size_t k = layout_.encoder.size(); k-- > 0;) {
    const LinearSlot& l = layout_.encoder[k];
    const S* in = k == 0 ? data : w.encoder[k - 1].data();
    linear_weight_grads(l, w.encoder_grad[k].data(), in, l.in, rows, grads);
    if (k > 0) {
      linear_input_grad(l, params, w.encoder_grad[k].data(), rows, l.in, w.encoder_grad[k - 1].data(), false);
      kernels::relu_backward(size(rows) * size(l.in), w.encoder[k - 1].data(), w.encoder_grad[k - 1].data());
    }
  }
  return (reconstruction + kl_weight * kl) / rows;
}

template <typename Scalar>
void BatchedMlp<Scalar>::adam_step(int m, double learning_rate) {
  const std::int64_t step = ++steps_[size(m)];
  const auto constants = kernels::adam_step_constants<Scalar>(learning_rate, step);
  const std::size_t at = offset(m);
  kernels::adam_update(layout_.parameters, constants, grads_.data() + at, adam_m_.data() + at, adam_v_.data() + at,
                       params_.data() + at);
}

template <typename Scalar>
PosteriorPass<Scalar> BatchedMlp<Scalar>::posterior_pass(int m, const Scalar* data, int rows) const {
  VAESWEEP_ASSERT(m >= 0 && m < members_ && rows > 0, "posterior_pass rows");
  const MlpShape& s = layout_.shape;
  MlpWorkspace<Scalar> w(layout_, rows);
  const Scalar* params = parameters(m);
  encode(layout_, params, data, rows, w);
  for (int i = 0; i < rows; ++i)
    std::copy_n(w.mean.data() + size(i) * size(s.latent_dim), s.latent_dim,
                w.decoder_in.data() + size(i) * size(s.latent_dim + s.condition_dim));
  append_condition(layout_, data, rows, w);
  decode(layout_, params, rows, w);
  PosteriorPass<Scalar> out;
  out.mean.assign(w.mean.begin(), w.mean.end());
  if (s.variational) out.logvar.assign(w.logvar.begin(), w.logvar.end());
  out.reconstruction.assign(w.decoder.back().begin(), w.decoder.back().end());
  return out;
}

template class BatchedMlp<float>;
template class BatchedMlp<double>;

}  // namespace vaesweep::models
