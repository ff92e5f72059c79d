#include "util/hash_index.hpp"

#include <cstring>
#include <limits>

#include "util/error.hpp"

namespace vaesweep {
namespace {

int hex_digit(char c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  return -1;  // uppercase too: "ABC..." is another string than "abc...", so not a config hash here
}

}  // namespace

HashIndex::HashIndex(std::initializer_list<std::pair<std::string, std::size_t>> entries) {
  reserve(entries.size());
  for (const auto& [key, value] : entries) emplace(key, value);
}

HashIndex::HashIndex(std::shared_ptr<const std::vector<Digest>> digests) : borrowed_(std::move(digests)) {
  VAESWEEP_ASSERT(borrowed_ && borrowed_->size() < std::numeric_limits<std::uint32_t>::max() / 2,
                  "a HashIndex holds < 2^31 keys");
  rehash(2 * borrowed_->size());
  for (std::size_t i = 0; i < borrowed_->size(); ++i) {
    std::uint32_t* s = slot_of((*borrowed_)[i]);
    if (*s != 0) continue;
    *s = static_cast<std::uint32_t>(i + 1);
    ++borrowed_count_;
  }
}

const HashIndex::Digest& HashIndex::key_of(std::uint32_t s) const {
  return s - 1 < entries_base() ? (*borrowed_)[s - 1] : entries_[s - 1 - entries_base()].key;
}

std::uint32_t HashIndex::value_of(std::uint32_t s) const {
  return s - 1 < entries_base() ? s - 1 : entries_[s - 1 - entries_base()].value;
}

std::optional<HashIndex::Digest> HashIndex::parse(std::string_view key) {
  Digest out;
  if (key.size() != 2 * out.size()) return std::nullopt;
  for (std::size_t i = 0; i < out.size(); ++i) {
    const int high = hex_digit(key[2 * i]), low = hex_digit(key[2 * i + 1]);
    if (high < 0 || low < 0) return std::nullopt;
    out[i] = static_cast<unsigned char>(high << 4 | low);
  }
  return out;
}

// A SHA-256 digest is already uniformly spread: its first 8 bytes are the hash.
std::size_t HashIndex::home(const Digest& key) const {
  std::uint64_t h;
  std::memcpy(&h, key.data(), sizeof h);
  return static_cast<std::size_t>(h) & (slots_.size() - 1);
}

const std::uint32_t* HashIndex::slot_of(const Digest& key) const {
  const std::size_t mask = slots_.size() - 1;
  for (std::size_t s = home(key);; s = (s + 1) & mask)
    if (slots_[s] == 0 || key_of(slots_[s]) == key) return &slots_[s];
}

std::uint32_t* HashIndex::slot_of(const Digest& key) {
  return const_cast<std::uint32_t*>(static_cast<const HashIndex*>(this)->slot_of(key));
}

void HashIndex::rehash(std::size_t slots) {
  std::size_t n = 16;
  while (n < slots) n *= 2;
  std::vector<std::uint32_t> old(n, 0);
  old.swap(slots_);
  for (std::uint32_t s : old)
    if (s != 0) *slot_of(key_of(s)) = s;
}

void HashIndex::reserve(std::size_t keys) {
  entries_.reserve(keys);
  if (2 * (size() + keys) > slots_.size()) rehash(2 * (size() + keys));
}

bool HashIndex::emplace(std::string_view key, std::size_t value) {
  VAESWEEP_ASSERT(value <= std::numeric_limits<std::uint32_t>::max(), "a HashIndex value fits 32 bits");
  const std::optional<Digest> digest = parse(key);
  if (!digest) return other_.try_emplace(std::string(key), value).second;
  VAESWEEP_ASSERT(entries_base() + entries_.size() < std::numeric_limits<std::uint32_t>::max() / 2,
                  "a HashIndex holds < 2^31 keys");
  if (2 * (borrowed_count_ + entries_.size() + 1) > slots_.size()) rehash(2 * slots_.size());
  std::uint32_t* s = slot_of(*digest);
  if (*s != 0) return false;
  entries_.push_back({*digest, static_cast<std::uint32_t>(value)});
  *s = entries_base() + static_cast<std::uint32_t>(entries_.size());
  return true;
}

std::optional<std::size_t> HashIndex::find(std::string_view key) const {
  if (const std::optional<Digest> digest = parse(key)) {
    if (slots_.empty()) return std::nullopt;
    const std::uint32_t s = *slot_of(*digest);
    if (s == 0) return std::nullopt;
    return value_of(s);
  }
  const auto it = other_.find(std::string(key));
  if (it == other_.end()) return std::nullopt;
  return it->second;
}

}  // namespace vaesweep
