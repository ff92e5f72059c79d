#pragma once
// A minimal binary encoding for what ranks send each other and for shard journal records
// (same build, same architecture on every node of a cluster, so native byte order and layouts
// are fine).
#include <cstdint>
#include <cstring>
#include <string>
#include <string_view>
#include <type_traits>
#include <utility>
#include <vector>

#include "util/error.hpp"

namespace vaesweep::engine {

class ByteWriter {
 public:
  template <typename T>
  void put(const T& value) {
    static_assert(std::is_trivially_copyable_v<T>);
    bytes_.append(reinterpret_cast<const char*>(&value), sizeof(T));
  }
  void put_string(const std::string& s) {
    put<std::uint64_t>(s.size());
    bytes_ += s;
  }
  template <typename T>
  void put_vector(const std::vector<T>& v) {
    put_array(v.data(), v.size());
  }
  // As put_vector, from `n` values at `data` (get_vector reads them back).
  template <typename T>
  void put_array(const T* data, std::size_t n) {
    static_assert(std::is_trivially_copyable_v<T>);
    put<std::uint64_t>(n);
    if (n) bytes_.append(reinterpret_cast<const char*>(data), n * sizeof(T));  // data may be null when n is 0
  }
  void put_strings(const std::vector<std::string>& v) {
    put<std::uint64_t>(v.size());
    for (const auto& s : v) put_string(s);
  }
  void reserve(std::size_t n) { bytes_.reserve(n); }
  const std::string& bytes() const { return bytes_; }
  std::string release() { return std::move(bytes_); }  // bytes() copies: a big message is worth the move

 private:
  std::string bytes_;
};

// Reads what a ByteWriter wrote. Every read is bounds-checked before anything is allocated or
// copied, so garbage (a damaged journal record) throws UserError naming `what` instead of
// reading out of bounds or allocating a garbage length.
class ByteReader {
 public:
  // `what` (a string literal: it is kept, not copied) names the bytes in error messages.
  explicit ByteReader(std::string_view bytes, const char* what = "a message between ranks")
      : bytes_(bytes), what_(what) {}
  template <typename T>
  T get() {
    static_assert(std::is_trivially_copyable_v<T>);
    T value;
    std::memcpy(&value, take(sizeof(T)), sizeof(T));
    return value;
  }
  std::string get_string() {
    const auto n = get<std::uint64_t>();
    return std::string(take(n), n);
  }
  template <typename T>
  std::vector<T> get_vector() {
    const auto n = get<std::uint64_t>();
    require(n, sizeof(T));
    std::vector<T> v(n);
    if (n) std::memcpy(v.data(), take(n * sizeof(T)), n * sizeof(T));
    return v;
  }
  std::vector<std::string> get_strings() {
    const auto n = get<std::uint64_t>();
    require(n, sizeof(std::uint64_t));  // each string has at least its length
    std::vector<std::string> v;
    v.reserve(n);
    for (std::uint64_t i = 0; i < n; ++i) v.push_back(get_string());
    return v;
  }
  std::size_t remaining() const { return bytes_.size() - pos_; }
  bool done() const { return pos_ == bytes_.size(); }
  // UserError unless every byte was read (trailing bytes: another layout, or damage).
  void require_done() const {
    if (!done())
      throw UserError(std::string(what_) + ": " + std::to_string(remaining()) + " trailing bytes at byte " +
                      std::to_string(pos_) + " (damaged, or written by another layout)");
  }
  // UserError unless `count` items of at least `size` bytes can follow, before a reader
  // allocates for them. Written so that a garbage count or length cannot overflow the check.
  void require(std::uint64_t count, std::size_t size) const {
    if (count > remaining() / size)
      throw UserError(std::string(what_) + ": truncated or damaged: " + std::to_string(count) + " items of " +
                      std::to_string(size) + " bytes at byte " + std::to_string(pos_) + ", only " +
                      std::to_string(remaining()) + " bytes left");
  }

 private:
  const char* take(std::uint64_t n) {
    require(n, 1);
    const char* p = bytes_.data() + pos_;
    pos_ += n;
    return p;
  }
  std::string_view bytes_;
  const char* what_;
  std::size_t pos_ = 0;
};

}  // namespace vaesweep::engine
