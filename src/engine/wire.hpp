#pragma once
// The one codec of records and messages: a type's wire form is the list of its members,
//
//   constexpr Wire<&Report::done, &Report::failed, &Report::want> wire_of(const Report*) { return {}; }
//
// once, beside the type or its only encoder (found by argument-dependent lookup: in the type's
// namespace; only its return type is used),
// and put_value / get_value encode each member by its type, in the listed order. The journal's
// unit records, the shard header and every message between ranks are declared this way, so that
// adding a member to what travels is one edit to its list, and decoding reads exactly the bytes
// encoding wrote: a count or length larger than the bytes left, a truncated record or trailing
// bytes throw UserError through ByteReader's checks instead of misreading. Journal records also
// start with a format version (their decoders read the lists of older versions).
//
// Encodings by type (native byte order: every node runs the same build):
//   bool                                   one byte, 0 or 1
//   other arithmetic types, enums          their bytes
//   std::string, std::filesystem::path     uint64 length, then the bytes
//   std::vector of a trivially copyable T  uint64 count, then the elements' bytes
//   other std::vector                      uint64 count, then each element
//   std::pair                              first, then second
//   a type with a wire_of declaration      its listed members: all of them (a compile error
//                                          otherwise), or PartialWire's chosen ones
// A type that travels in another form (a status as its name, a matrix with its shape) declares
// its own put_value / get_value overloads beside its encoder, found by argument-dependent lookup.
#include <cstdint>
#include <filesystem>
#include <stdexcept>
#include <string>
#include <string_view>
#include <type_traits>
#include <utility>
#include <vector>

#include "util/error.hpp"
#include "engine/bytes.hpp"

namespace vaesweep::engine {

template <auto... Members>
struct Wire;

namespace wire_detail {
template <typename T>
inline constexpr bool is_vector = false;
template <typename T, typename A>
inline constexpr bool is_vector<std::vector<T, A>> = true;
template <typename T>
inline constexpr bool is_pair = false;
template <typename A, typename B>
inline constexpr bool is_pair<std::pair<A, B>> = true;
template <typename T>
concept has_wire_form = requires(const T* p) { wire_of(p); };
template <typename T>
inline constexpr bool always_false = false;

// Converts to anything: T{any_member{}, ...} compiles exactly up to T's number of members.
struct any_member {
  template <typename T>
  operator T() const;  // never defined: only used unevaluated
};
template <typename T, typename... Filled>
consteval std::size_t member_count() {
  if constexpr (requires { T{Filled{}..., any_member{}}; }) return member_count<T, Filled..., any_member>();
  else return sizeof...(Filled);
}
}  // namespace wire_detail

// The number of members of the aggregate T (a struct without constructors or bases): lets a
// wire form assert that it lists every member, so that a member added to a record and not to
// its list is a compile error rather than a value silently lost between ranks or in a journal.
template <typename T>
inline constexpr std::size_t member_count = wire_detail::member_count<T>();

template <typename T>
void put_value(ByteWriter& w, const T& value) {
  if constexpr (std::is_same_v<T, bool>) {
    w.put<std::uint8_t>(value ? 1 : 0);
  } else if constexpr (std::is_arithmetic_v<T> || std::is_enum_v<T>) {
    w.put(value);
  } else if constexpr (std::is_same_v<T, std::string>) {
    w.put_string(value);
  } else if constexpr (std::is_same_v<T, std::filesystem::path>) {
    w.put_string(value.string());
  } else if constexpr (wire_detail::is_vector<T>) {
    using Element = typename T::value_type;
    if constexpr (std::is_trivially_copyable_v<Element> && !std::is_same_v<Element, bool>) {
      w.put_vector(value);
    } else {
      w.put<std::uint64_t>(value.size());
      for (const auto& element : value) put_value(w, element);
    }
  } else if constexpr (wire_detail::is_pair<T>) {
    put_value(w, value.first);
    put_value(w, value.second);
  } else if constexpr (wire_detail::has_wire_form<T>) {
    using Form = decltype(wire_of(static_cast<const T*>(nullptr)));
    static_assert(Form::partial || Form::size == member_count<T>,
                  "a wire form lists fewer (or more) members than its type has: add the new member to its wire_of");
    Form::put(w, value);
  } else {
    static_assert(wire_detail::always_false<T>, "no wire form: declare wire_of(const T*) or put_value/get_value for it");
  }
}

template <typename T>
void get_value(ByteReader& r, T& value) {
  if constexpr (std::is_same_v<T, bool>) {
    value = r.get<std::uint8_t>() != 0;
  } else if constexpr (std::is_arithmetic_v<T> || std::is_enum_v<T>) {
    value = r.get<T>();
  } else if constexpr (std::is_same_v<T, std::string>) {
    value = r.get_string();
  } else if constexpr (std::is_same_v<T, std::filesystem::path>) {
    value = r.get_string();
  } else if constexpr (wire_detail::is_vector<T>) {
    using Element = typename T::value_type;
    if constexpr (std::is_trivially_copyable_v<Element> && !std::is_same_v<Element, bool>) {
      value = r.get_vector<Element>();
    } else {
      const auto n = r.get<std::uint64_t>();
      r.require(n, 1);  // every element takes at least a byte: a garbage count allocates nothing
      value.clear();
      value.reserve(n);
      for (std::uint64_t i = 0; i < n; ++i) get_value(r, value.emplace_back());
    }
  } else if constexpr (wire_detail::is_pair<T>) {
    get_value(r, value.first);
    get_value(r, value.second);
  } else if constexpr (wire_detail::has_wire_form<T>) {
    decltype(wire_of(static_cast<const T*>(nullptr)))::get(r, value);
  } else {
    static_assert(wire_detail::always_false<T>, "no wire form: declare wire_of(const T*) or put_value/get_value for it");
  }
}

// The listed members, in order (a fold over the comma operator runs left to right).
template <auto... Members>
struct Wire {
  static constexpr std::size_t size = sizeof...(Members);
  static constexpr bool partial = false;  // lists every member of its type (checked where it is used)
  template <typename Record>
  static void put(ByteWriter& w, const Record& record) {
    (put_value(w, record.*Members), ...);
  }
  template <typename Record>
  static void get(ByteReader& r, Record& record) {
    (get_value(r, record.*Members), ...);
  }
};

// A wire form that sends some of a type's members on purpose (the others stay behind).
template <auto... Members>
struct PartialWire : Wire<Members...> {
  static constexpr bool partial = true;
};

// A whole message: `value` alone, or decoded from all of `bytes` (UserError naming `what` on
// truncated, damaged or trailing bytes).
template <typename T>
std::string to_bytes(const T& value) {
  ByteWriter w;
  put_value(w, value);
  return w.release();
}
template <typename T>
T from_bytes(std::string_view bytes, const char* what) {
  ByteReader r(bytes, what);
  T value{};
  get_value(r, value);
  r.require_done();
  return value;
}

// A value or the error that prevented it, for a message one rank sends the others after work
// only it did: the receivers rethrow the sender's error, a UserError as a UserError (its exit
// status), anything else as an internal error.
template <typename T, typename Make>
std::string outcome_to_bytes(Make&& make) {
  ByteWriter w;
  try {
    T value = make();
    w.put<std::uint8_t>(0);
    put_value(w, value);
  } catch (const UserError& e) {
    w = ByteWriter();
    w.put<std::uint8_t>(1);
    w.put_string(e.what());
  } catch (const std::exception& e) {
    w = ByteWriter();
    w.put<std::uint8_t>(2);
    w.put_string(e.what());
  }
  return w.release();
}
template <typename T>
T outcome_from_bytes(std::string_view bytes, const char* what) {
  ByteReader r(bytes, what);
  const auto kind = r.get<std::uint8_t>();
  if (kind == 1) throw UserError(r.get_string());
  if (kind == 2) throw std::runtime_error(r.get_string());
  if (kind != 0) throw UserError(std::string(what) + ": not a result or an error (damaged)");
  T value{};
  get_value(r, value);
  r.require_done();
  return value;
}

}  // namespace vaesweep::engine
