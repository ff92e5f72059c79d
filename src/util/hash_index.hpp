#pragma once
// Config hash -> grid index, compact. A million-unit grid's index was an
// std::unordered_map<std::string, std::size_t>: a node, a 64-character string and a bucket per
// unit, ~150 bytes. Here a key that is a config hash (64 lowercase hex digits) is kept as its 32
// bytes beside a 32-bit value, in one array, found through an open-addressing table of 32-bit
// slots at most half full: ~44 bytes per key. Any other key (a test's "a", a damaged record's
// hash) goes to a small map beside it, so lookups mean exactly what the map's did: the same
// string, the same value.
//
// An index of a grid's units can borrow the grid's own digests (value: a digest's position),
// so that it adds only its slots: ~8 bytes a unit.
#include <array>
#include <cstddef>
#include <cstdint>
#include <initializer_list>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <unordered_map>
#include <utility>
#include <vector>

namespace vaesweep {

class HashIndex {
 public:
  using Digest = std::array<unsigned char, 32>;  // a config hash's bytes

  HashIndex() = default;
  HashIndex(std::initializer_list<std::pair<std::string, std::size_t>> entries);
  // Keys `digests` (as hex), each valued at its position; shares them rather than copying them.
  // A digest that is there twice keeps its first position.
  explicit HashIndex(std::shared_ptr<const std::vector<Digest>> digests);

  void reserve(std::size_t keys);
  // Adds `key -> value` unless `key` is there already (then the first value stays, as
  // unordered_map::emplace). Returns whether it was added. `value` must fit 32 bits.
  bool emplace(std::string_view key, std::size_t value);
  std::optional<std::size_t> find(std::string_view key) const;
  bool contains(std::string_view key) const { return find(key).has_value(); }
  std::size_t size() const { return borrowed_count_ + entries_.size() + other_.size(); }
  bool empty() const { return size() == 0; }

 private:
  struct Entry {
    Digest key;
    std::uint32_t value;
  };
  static std::optional<Digest> parse(std::string_view key);  // a config hash's bytes, or none
  std::size_t home(const Digest& key) const;
  std::uint32_t* slot_of(const Digest& key);  // the key's slot, or the empty one where it would go
  const std::uint32_t* slot_of(const Digest& key) const;
  void rehash(std::size_t slots);
  // Slot contents s > 0: s - 1 < borrowed_->size() names a borrowed digest, else an entry.
  const Digest& key_of(std::uint32_t s) const;
  std::uint32_t value_of(std::uint32_t s) const;
  std::uint32_t entries_base() const { return borrowed_ ? static_cast<std::uint32_t>(borrowed_->size()) : 0; }

  std::shared_ptr<const std::vector<Digest>> borrowed_;
  std::size_t borrowed_count_ = 0;  // distinct borrowed digests
  std::vector<Entry> entries_;
  std::vector<std::uint32_t> slots_;  // 0: empty. A power of two long, at most half full
  std::unordered_map<std::string, std::size_t> other_;
};

}  // namespace vaesweep
