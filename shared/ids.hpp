// Strong id types: an OrgId cannot be passed where an AccountId is expected.
#pragma once

#include <cstdint>
#include <functional>

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

// Milliseconds since the Unix epoch, UTC. The core never reads a clock: callers pass time in.
using TimestampMs = std::int64_t;

}  // namespace linedesk

template <class Tag>
struct std::hash<linedesk::Id<Tag>> {
  std::size_t operator()(const linedesk::Id<Tag>& id) const noexcept {
    return std::hash<std::int64_t>{}(id.value);
  }
};
