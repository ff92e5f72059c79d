#pragma once
// The batched MLP engine: M networks of one shape (the MLP family of vae.hpp: the beta-VAE,
// the autoencoder, the conditional VAE) held side by side, each with a hand-written forward
// and backward pass, its own GEMMs (fma_sgemm.hpp; CBLAS in float64 and on CPUs without FMA) and
// Adam in one pass over its flat parameter buffer.
// Torch-free: batched_training.cpp drives it, the tests check it against LibTorch autograd.
//
// Members never share arithmetic: each member's GEMMs are calls of their own, on buffers of
// its own that start on a 64-byte boundary, with the same sizes whatever M is. A member's
// numbers therefore do not depend on M or on the other members (bit-identical to training it
// alone), only on its own seed, settings and data. (CBLAS has no batched GEMM that would keep
// members apart.) On the CPU a group is barely faster per model than one member alone
// (bench/README.md): the speed comes from the hand-written passes, not from batching.
//
// Threads: the float engine's GEMMs (fma_sgemm) are single-threaded, so on x86-64 with FMA its
// results are the same at every OMP_NUM_THREADS. Where OpenBLAS does the GEMMs (float64, other
// CPUs), Debian's OpenMP build splits one over OMP_NUM_THREADS threads once m * n * k > 262144
// (the evaluation on all rows; batches of hundreds of rows): results are then bit-identical for
// a given thread count, as the torch engine's, and may differ in the last bits between counts;
// a member alone and in a group agree at every count. Ranks run one thread by default.
//
// Random laws (platform-independent draws from our Rng, util/rng.hpp):
//   weights  PyTorch's default torch::nn::Linear init: weight and bias U(-1/sqrt(fan_in),
//            1/sqrt(fan_in)), linear layer l (in parameter order) from
//            Rng(derive_seed(seed, {kInitStream, l})), weights row by row, then biases; a draw
//            is u = (rng() >> 11) * 2^-53 in [0, 1), the value bound * (2u - 1), in double, then
//            rounded to the engine's scalar type.
//   noise    NormalStream(derive_seed(seed, {kNoiseStream, epoch})): Marsaglia's polar method
//            in double, one stream per epoch, drawn batch after batch, row-major
//            (rows x latent_dim), then rounded to the engine's scalar type.
#include <cmath>
#include <cstddef>
#include <cstdint>
#include <memory>
#include <new>
#include <vector>

#include "util/rng.hpp"
#include "models/vae.hpp"

namespace vaesweep::models {
namespace detail {
template <typename Scalar>
struct MlpWorkspace;  // activations and their gradients for a number of rows (batched_mlp.cpp)
}

inline constexpr std::uint64_t kInitStream = 0x1417;
inline constexpr std::uint64_t kNoiseStream = 0x40153;

// The sizes shared by every member of a batch.
struct MlpShape {
  int input_dim = 0;        // D: features of x and of its reconstruction
  int condition_dim = 0;    // C: the one-hot condition read by encoder and decoder; 0: none
  std::vector<int> hidden;  // encoder widths; the decoder runs through them reversed
  int latent_dim = 0;
  bool variational = true;  // false: the autoencoder (no logvar head, no noise, no KL)
};
MlpShape mlp_shape(const VaeParams& p, int input_dim, int condition_dim);

// One torch::nn::Linear in a member's flat buffer, in PyTorch's layout: the weight
// out x in (row-major), then the bias.
struct LinearSlot {
  int in = 0, out = 0;
  std::size_t weight = 0, bias = 0;  // offsets in the member's buffer
};

// Where each layer lives in a member's buffer. The order is VaeNet::parameters()'s: encoder
// layers, to_mean, to_logvar, decoder layers, each weight then bias, with no gaps, so a
// checkpoint copies the buffer as it is.
struct MlpLayout {
  explicit MlpLayout(const MlpShape& shape);
  MlpShape shape;
  std::vector<LinearSlot> encoder;  // each followed by a ReLU
  LinearSlot to_mean, to_logvar;    // to_logvar.out == 0 for the autoencoder
  std::vector<LinearSlot> decoder;  // each followed by a ReLU but the last (the reconstruction)
  std::size_t parameters = 0;       // per member
  std::vector<LinearSlot> linears() const;  // all of them, in buffer order
};

// The standard normal law of the reparameterisation noise: Marsaglia's polar method on our Rng,
// in double. A candidate pair comes from one 64-bit draw w: its high and low 32-bit halves a, b
// map to u = (a + 0.5) 2^-31 - 1 and v = (b + 0.5) 2^-31 - 1 in (-1, 1); the pair is kept when
// s = u^2 + v^2 < 1 and gives u f, then v f, with f = sqrt(-2 ln(s) / s). (One draw per pair and
// no sine or cosine: the noise is a fifth of the engine's time with Box-Muller on two draws.)
class NormalStream {
 public:
  explicit NormalStream(std::uint64_t seed) : rng_(seed) {}
  double operator()() {
    if (has_spare_) {
      has_spare_ = false;
      return spare_;
    }
    double u, v, s;
    do {
      const std::uint64_t w = rng_();
      u = (static_cast<double>(w >> 32) + 0.5) * 0x1.0p-31 - 1.0;
      v = (static_cast<double>(w & 0xffffffffULL) + 0.5) * 0x1.0p-31 - 1.0;
      s = u * u + v * v;
    } while (s >= 1.0);  // s > 0: u and v are never 0
    const double f = std::sqrt(-2.0 * std::log(s) / s);
    spare_ = v * f;
    has_spare_ = true;
    return u * f;
  }
  // The next n values, rounded to T.
  template <typename T>
  void fill(T* out, std::size_t n) {
    for (std::size_t i = 0; i < n; ++i) out[i] = static_cast<T>((*this)());
  }

 private:
  Rng rng_;
  double spare_ = 0;
  bool has_spare_ = false;
};
// The noise stream of `epoch` (0-based) of the member with seed `seed`.
NormalStream noise_stream(std::uint64_t seed, int epoch);

// 64-byte aligned storage, so that every member's buffers start the same way.
template <typename T>
struct AlignedAllocator {
  using value_type = T;
  AlignedAllocator() = default;
  template <typename U>
  AlignedAllocator(const AlignedAllocator<U>&) {}
  T* allocate(std::size_t n) { return static_cast<T*>(::operator new(n * sizeof(T), std::align_val_t(64))); }
  void deallocate(T* p, std::size_t) { ::operator delete(p, std::align_val_t(64)); }
  template <typename U>
  bool operator==(const AlignedAllocator<U>&) const { return true; }
};
template <typename T>
using AlignedVector = std::vector<T, AlignedAllocator<T>>;

// What the deterministic pass (posterior means, no sampling) gives for `rows` rows.
template <typename Scalar>
struct PosteriorPass {
  std::vector<Scalar> mean;            // rows x latent_dim
  std::vector<Scalar> logvar;          // rows x latent_dim; empty for the autoencoder
  std::vector<Scalar> reconstruction;  // rows x input_dim: the decoder's output for the means
};

// M members' parameters, gradients and Adam state (all zero until initialise or a copy in),
// and one workspace for batches of up to `max_rows` rows. Data rows are row-major with
// input_dim + condition_dim columns: the features, then the condition.
template <typename Scalar>
class BatchedMlp {
 public:
  BatchedMlp(const MlpShape& shape, int members, int max_rows);
  ~BatchedMlp();
  BatchedMlp(const BatchedMlp&) = delete;
  BatchedMlp& operator=(const BatchedMlp&) = delete;

  const MlpLayout& layout() const { return layout_; }
  int members() const { return members_; }
  Scalar* parameters(int m) { return params_.data() + offset(m); }
  const Scalar* parameters(int m) const { return params_.data() + offset(m); }
  const Scalar* gradients(int m) const { return grads_.data() + offset(m); }
  const Scalar* first_moments(int m) const { return adam_m_.data() + offset(m); }
  const Scalar* second_moments(int m) const { return adam_v_.data() + offset(m); }
  std::int64_t adam_steps(int m) const { return steps_[static_cast<std::size_t>(m)]; }

  // PyTorch's default Linear init from our Rng (see the top of this file).
  void initialise(int m, std::uint64_t seed);

  // The training loss of member m on `rows` rows (<= max_rows) and its gradient, left in
  // gradients(m): mean over the rows of the squared error summed over features, plus
  // kl_weight * the mean of the KL summed over latent dimensions (VAE), with the latent
  // z = mean + noise * exp(logvar / 2); `noise` is rows x latent_dim (unused by the AE).
  double loss_and_gradients(int m, const Scalar* rows_data, int rows, const Scalar* noise, double kl_weight);
  // One Adam step of member m on gradients(m), PyTorch's defaults, this learning rate.
  void adam_step(int m, double learning_rate);
  // Encodes `rows` rows with the posterior means and decodes the means.
  PosteriorPass<Scalar> posterior_pass(int m, const Scalar* rows_data, int rows) const;

 private:
  std::size_t offset(int m) const { return static_cast<std::size_t>(m) * stride_; }

  MlpLayout layout_;
  int members_ = 0;
  std::size_t stride_ = 0;  // per member, a multiple of 64 bytes
  AlignedVector<Scalar> params_, grads_, adam_m_, adam_v_;
  std::vector<std::int64_t> steps_;
  std::unique_ptr<detail::MlpWorkspace<Scalar>> work_;
};

extern template class BatchedMlp<float>;
extern template class BatchedMlp<double>;

}  // namespace vaesweep::models
