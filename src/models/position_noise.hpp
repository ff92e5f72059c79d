#pragma once
// The reparameterisation noise of the stacked engine (internal: includes torch). It is a
// function of (seed, epoch, position), not a generator's state, so that a member's noise is the
// same whichever device draws it and whatever its stack-mates are, and a whole epoch for a
// whole stack is drawn in one pass on the device:
//   key    = derive_seed(seed, {kPositionNoiseStream, epoch}); k1, k2 its low and high 32 bits
//   value c of the epoch (row position p in the epoch's order, latent dimension j: c = p * z + j)
//   pair   q = c / 2: h1 = mix32(mix32(q ^ k1) ^ k2), h2 = mix32(h1 ^ 0x9e3779b9)
//   u1 = (h1 + 1) / 2^32 in (0, 1], u2 = h2 / 2^32 in [0, 1)
//   Box-Muller in double: c even -> sqrt(-2 ln u1) cos(2 pi u2), c odd -> ... sin(2 pi u2)
// mix32 is Wellons' lowbias32 (x ^= x >> 16; x *= 0x7feb352d; x ^= x >> 15; x *= 0x846ca68b;
// x ^= x >> 16, all mod 2^32). The CPU fills with a scalar loop; other devices run the same
// arithmetic as tensor ops (int64 lanes holding 32-bit values; products split so that none
// overflows). The two agree to the last bit or two of a double (libm vs a vectorised log/cos).
#include <torch/torch.h>

#include <cstdint>
#include <vector>

namespace vaesweep::models {

inline constexpr std::uint64_t kPositionNoiseStream = 0x0005eed5ULL;

// Noise for `seeds.size()` members over `rows` positions of epoch `epoch`: [members, rows, z]
// with `options`' dtype and device (the CPU loop on the CPU, tensor ops elsewhere).
torch::Tensor position_noise(const std::vector<std::uint64_t>& seeds, int epoch, std::int64_t rows, std::int64_t z,
                             const torch::TensorOptions& options);

// The same law as tensor ops on `options`' device, whatever it is (the tests compare it with
// the CPU loop, and run it on the meta device).
torch::Tensor position_noise_by_tensor_ops(const std::vector<std::uint64_t>& seeds, int epoch, std::int64_t rows,
                                           std::int64_t z, const torch::TensorOptions& options);

}  // namespace vaesweep::models
