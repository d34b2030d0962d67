// Strong id types: an OrgId cannot be passed where an AccountId is expected.
#pragma once

#include <cstdint>
#include <functional>
#include <string_view>

namespace linedesk {

// A 64-bit id tagged with the entity it names. 0 means "none". Ids stay below 2^53 so that
// scripts reading the JSON API in JavaScript keep them exact.
template <class Tag>
struct Id {
  std::int64_t value = 0;

  constexpr Id() = default;
  constexpr explicit Id(std::int64_t v) : value(v) {}

  constexpr bool valid() const { return value > 0; }
  constexpr explicit operator bool() const { return valid(); }
  constexpr auto operator<=>(const Id&) const = default;
};

inline constexpr std::int64_t kMaxId = (std::int64_t{1} << 53) - 1;

using OrgId = Id<struct OrgTag>;
using AdminId = Id<struct AdminTag>;
using RoleId = Id<struct RoleTag>;
using PermGroupId = Id<struct PermGroupTag>;
using AccountId = Id<struct AccountTag>;
// A number's id is its E.164 digits (at most 15, so below 2^53): "+390612345678" -> 390612345678.
using NumberId = Id<struct NumberTag>;
using InvitationId = Id<struct InvitationTag>;
using BatchId = Id<struct BatchTag>;
using ActivityId = Id<struct ActivityTag>;

// Deterministic ids for the entities a command creates. Seeded from the command's UUID, so the
// browser (optimistically) and the server (authoritatively) derive the same ids.
class IdGen {
 public:
  explicit constexpr IdGen(std::uint64_t seed) : state_(seed) {}
  // The next id in [1, 2^53).
  constexpr std::int64_t next() {
    for (;;) {
      std::uint64_t z = (state_ += 0x9E3779B97F4A7C15ULL);
      z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ULL;
      z = (z ^ (z >> 27)) * 0x94D049BB133111EBULL;
      z ^= z >> 31;
      const auto id = static_cast<std::int64_t>(z & static_cast<std::uint64_t>(kMaxId));
      if (id > 0) return id;
    }
  }
  template <class IdT>
  constexpr IdT next_id() {
    return IdT(next());
  }

 private:
  std::uint64_t state_;
};

// 64-bit FNV-1a of `text`: turns a command UUID into an IdGen seed.
constexpr std::uint64_t seed_from(std::string_view text) {
  std::uint64_t h = 0xcbf29ce484222325ULL;
  for (char c : text) {
    h ^= static_cast<std::uint8_t>(c);
    h *= 0x100000001b3ULL;
  }
  return h;
}

// Milliseconds since the Unix epoch, UTC. The core never reads a clock: callers pass time in.
using TimestampMs = std::int64_t;

}  // namespace linedesk

template <class Tag>
struct std::hash<linedesk::Id<Tag>> {
  std::size_t operator()(const linedesk::Id<Tag>& id) const noexcept {
    return std::hash<std::int64_t>{}(id.value);
  }
};
