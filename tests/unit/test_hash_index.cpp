// HashIndex against the std::unordered_map<std::string, std::size_t> it replaced: the same
// answers for the same emplace calls and lookups (the map is the expected value).
#include <gtest/gtest.h>

#include <cctype>
#include <cstdint>
#include <memory>
#include <random>
#include <string>
#include <unordered_map>
#include <vector>

#include "util/hash.hpp"
#include "util/hash_index.hpp"

namespace vaesweep {
namespace {

std::string hex_of(std::mt19937_64& rng) {
  static const char* digits = "0123456789abcdef";
  std::string out(64, '0');
  for (char& c : out) c = digits[rng() % 16];
  return out;
}

TEST(HashIndex, AgreesWithAnUnorderedMapOnManyConfigHashes) {
  std::mt19937_64 rng(7);
  HashIndex index;
  std::unordered_map<std::string, std::size_t> expected;
  std::vector<std::string> keys;
  for (std::size_t i = 0; i < 50000; ++i) {
    keys.push_back(i % 3 == 0 ? sha256_hex(std::to_string(i)) : hex_of(rng));
    const std::size_t value = (i * 7919) % 100003;
    EXPECT_EQ(index.emplace(keys.back(), value), expected.emplace(keys.back(), value).second);
  }
  // Emplacing a key again keeps its first value, as the map does.
  for (std::size_t i = 0; i < 1000; ++i)
    EXPECT_EQ(index.emplace(keys[i * 37], 5), expected.emplace(keys[i * 37], 5).second);
  ASSERT_EQ(index.size(), expected.size());
  for (const std::string& key : keys) EXPECT_EQ(index.find(key), expected.at(key)) << key;
  for (std::size_t i = 0; i < 5000; ++i) EXPECT_FALSE(index.contains(hex_of(rng)));  // 2^-256 to be there
}

// Keys whose first 16 hex digits (the slot's hash) are the same: every one probes past the others.
TEST(HashIndex, KeysThatShareTheirSlotAreAllFound) {
  HashIndex index;
  std::unordered_map<std::string, std::size_t> expected;
  const std::string prefix(16, 'a');
  for (std::size_t i = 0; i < 300; ++i) {
    std::string key = prefix + std::string(48, '0');
    const std::string tail = std::to_string(i);
    key.replace(key.size() - tail.size(), tail.size(), tail);
    index.emplace(key, i);
    expected.emplace(key, i);
  }
  ASSERT_EQ(index.size(), 300u);
  for (const auto& [key, value] : expected) EXPECT_EQ(index.find(key), value);
  EXPECT_FALSE(index.find(prefix + std::string(47, '0') + "x"));  // not hex
  EXPECT_FALSE(index.find(prefix + std::string(48, 'f')));
}

// Strings that are not config hashes are keys like any other: a test's "a", an uppercase hash
// (another string than its lowercase one), a hash cut short.
TEST(HashIndex, OtherStringsAreKeysAsInTheMap) {
  const std::string hash = sha256_hex("unit");
  std::string upper = hash;
  for (char& c : upper) c = static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
  HashIndex index = {{"a", 2}, {"b", 0}, {hash, 1}, {"", 9}};
  EXPECT_EQ(index.size(), 4u);
  EXPECT_EQ(index.find("a"), 2u);
  EXPECT_EQ(index.find("b"), 0u);
  EXPECT_EQ(index.find(hash), 1u);
  EXPECT_EQ(index.find(""), 9u);
  EXPECT_FALSE(index.find(upper));
  EXPECT_FALSE(index.find(hash.substr(0, 63)));
  EXPECT_FALSE(index.find("c"));
  EXPECT_TRUE(index.emplace(upper, 3));
  EXPECT_EQ(index.find(upper), 3u);
  EXPECT_EQ(index.find(hash), 1u);
  EXPECT_FALSE(index.emplace("a", 4));
  EXPECT_EQ(index.find("a"), 2u);
  EXPECT_FALSE(HashIndex().find(hash));
  EXPECT_TRUE(HashIndex().empty());
}

// Borrowed digests: each found at its position (the map built by emplace is the expected
// value), a repeated digest at its first; keys added afterwards beside them.
TEST(HashIndex, BorrowedDigestsAreFoundAtTheirPositions) {
  std::mt19937_64 rng(11);
  auto digests = std::make_shared<std::vector<HashIndex::Digest>>();
  std::unordered_map<std::string, std::size_t> expected;
  std::vector<std::string> keys;
  for (std::size_t i = 0; i < 20000; ++i) {
    keys.push_back(i == 777 ? keys[5] : hex_of(rng));  // position 777 repeats position 5
    HashIndex::Digest d;
    for (std::size_t b = 0; b < d.size(); ++b) d[b] = static_cast<unsigned char>(std::stoi(keys.back().substr(2 * b, 2), nullptr, 16));
    digests->push_back(d);
    expected.emplace(keys.back(), i);
  }
  HashIndex index(digests);
  EXPECT_EQ(index.size(), expected.size());
  for (const std::string& key : keys) EXPECT_EQ(index.find(key), expected.at(key));
  EXPECT_EQ(index.find(keys[777]), 5u);
  for (std::size_t i = 0; i < 20000; ++i) {  // enough to grow the slots past the borrowed ones
    const std::string key = hex_of(rng);
    EXPECT_EQ(index.emplace(key, 100000 + i), expected.emplace(key, 100000 + i).second);
    keys.push_back(key);
  }
  EXPECT_FALSE(index.emplace(keys[3], 1));
  EXPECT_TRUE(index.emplace("x", 1));
  expected.emplace("x", 1);
  EXPECT_EQ(index.size(), expected.size());
  for (const std::string& key : keys) EXPECT_EQ(index.find(key), expected.at(key));
  EXPECT_EQ(index.find("x"), 1u);
}

}  // namespace
}  // namespace vaesweep
