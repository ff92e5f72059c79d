#include "models/position_noise.hpp"

#include <cmath>
#include <numbers>

#include "util/error.hpp"
#include "util/rng.hpp"

namespace vaesweep::models {
namespace {

constexpr std::uint32_t kMix1 = 0x7feb352dU, kMix2 = 0x846ca68bU, kSecond = 0x9e3779b9U;
constexpr double kTwoToMinus32 = 0x1.0p-32;

constexpr std::uint32_t mix32(std::uint32_t x) {
  x ^= x >> 16;
  x *= kMix1;
  x ^= x >> 15;
  x *= kMix2;
  x ^= x >> 16;
  return x;
}

struct Keys {
  std::uint32_t k1, k2;
};
Keys keys_of(std::uint64_t seed, int epoch) {
  const std::uint64_t key = derive_seed(seed, {kPositionNoiseStream, static_cast<std::uint64_t>(epoch)});
  return {static_cast<std::uint32_t>(key), static_cast<std::uint32_t>(key >> 32)};
}

void check_size(std::int64_t values) {
  // Pair indices are 32-bit: 2^33 values per member and epoch is far beyond any data set here.
  VAESWEEP_ASSERT(values >= 0 && values / 2 < (std::int64_t{1} << 32), "position noise: too many values per epoch");
}

void fill(double* out, std::int64_t values, Keys k) {
  for (std::int64_t c = 0; c < values; c += 2) {
    const auto q = static_cast<std::uint32_t>(c / 2);
    const std::uint32_t h1 = mix32(mix32(q ^ k.k1) ^ k.k2);
    const std::uint32_t h2 = mix32(h1 ^ kSecond);
    const double r = std::sqrt(-2.0 * std::log((static_cast<double>(h1) + 1.0) * kTwoToMinus32));
    const double angle = 2.0 * std::numbers::pi * (static_cast<double>(h2) * kTwoToMinus32);
    out[c] = r * std::cos(angle);
    if (c + 1 < values) out[c + 1] = r * std::sin(angle);
  }
}

// (x * c) mod 2^32 for x < 2^32 in int64 lanes: c split in 16-bit halves keeps every product
// below 2^48.
torch::Tensor multiply32(const torch::Tensor& x, std::uint32_t c) {
  const auto low = static_cast<std::int64_t>(c & 0xffffU), high = static_cast<std::int64_t>(c >> 16);
  return (x * low + (x * high).bitwise_and(std::int64_t{0xffff}) * 65536).bitwise_and(std::int64_t{0xffffffff});
}
torch::Tensor shifted_right(const torch::Tensor& x, int bits) { return x.div(std::int64_t{1} << bits, "floor"); }
torch::Tensor mix32(torch::Tensor x) {
  x = x.bitwise_xor(shifted_right(x, 16));
  x = multiply32(x, kMix1);
  x = x.bitwise_xor(shifted_right(x, 15));
  x = multiply32(x, kMix2);
  return x.bitwise_xor(shifted_right(x, 16));
}

}  // namespace

torch::Tensor position_noise_by_tensor_ops(const std::vector<std::uint64_t>& seeds, int epoch, std::int64_t rows,
                                           std::int64_t z, const torch::TensorOptions& options) {
  const std::int64_t values = rows * z, pairs = (values + 1) / 2;
  check_size(values);
  const auto members = static_cast<std::int64_t>(seeds.size());
  std::vector<std::int64_t> k1, k2;
  for (std::uint64_t seed : seeds) {
    const Keys k = keys_of(seed, epoch);
    k1.push_back(k.k1);
    k2.push_back(k.k2);
  }
  const auto integers = torch::TensorOptions().dtype(torch::kInt64).device(options.device());
  const torch::Tensor key1 = torch::tensor(k1, torch::kInt64).view({members, 1}).to(options.device());
  const torch::Tensor key2 = torch::tensor(k2, torch::kInt64).view({members, 1}).to(options.device());
  const torch::Tensor q = torch::arange(pairs, integers).view({1, pairs});
  const torch::Tensor h1 = mix32(mix32(q.bitwise_xor(key1)).bitwise_xor(key2));
  const torch::Tensor h2 = mix32(h1.bitwise_xor(static_cast<std::int64_t>(kSecond)));
  const torch::Tensor r = (-2.0 * ((h1.to(torch::kFloat64) + 1.0) * kTwoToMinus32).log()).sqrt();
  const torch::Tensor angle = (2.0 * std::numbers::pi) * (h2.to(torch::kFloat64) * kTwoToMinus32);
  const torch::Tensor both = torch::stack({r * angle.cos(), r * angle.sin()}, 2).view({members, 2 * pairs});
  return both.narrow(1, 0, values).reshape({members, rows, z}).to(options.dtype());
}

torch::Tensor position_noise(const std::vector<std::uint64_t>& seeds, int epoch, std::int64_t rows, std::int64_t z,
                             const torch::TensorOptions& options) {
  if (!options.device().is_cpu()) return position_noise_by_tensor_ops(seeds, epoch, rows, z, options);
  const std::int64_t values = rows * z;
  check_size(values);
  const auto members = static_cast<std::int64_t>(seeds.size());
  torch::Tensor out = torch::empty({members, rows, z}, torch::kFloat64);
  double* data = out.data_ptr<double>();
  at::parallel_for(0, members, 1, [&](std::int64_t first, std::int64_t last) {
    for (std::int64_t m = first; m < last; ++m)
      fill(data + m * values, values, keys_of(seeds[static_cast<std::size_t>(m)], epoch));
  });
  return out.to(options.dtype());
}

}  // namespace vaesweep::models
