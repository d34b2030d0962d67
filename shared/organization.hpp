// Organization: a node of the enterprise tree (the root is the enterprise itself).
#pragma once

#include <string>

#include "ids.hpp"
#include "json_io.hpp"
#include "policy.hpp"

namespace linedesk {

struct Organization {
  OrgId id;
  OrgId parent;  // none for the root (the enterprise)
  std::string name;
  std::string description;
  PolicyOverrides policies;  // only what this organization sets; see effective_policy()
  TimestampMs created_ms = 0;

  bool is_root() const { return !parent.valid(); }
  bool operator==(const Organization&) const = default;
};

inline constexpr std::size_t kMaxOrgNameLength = 120;

Json to_json(const Organization& org);
// Refuses missing or mistyped fields and an empty or over-long name.
Result<Organization> organization_from_json(const Json& j);

}  // namespace linedesk
