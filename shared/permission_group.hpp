// User Permissions: a permission group (class of service) accounts belong to; each
// organization may define its own, and one is its default.
#pragma once

#include <string>

#include "ids.hpp"
#include "json_io.hpp"

namespace linedesk {

struct PermissionGroup {
  PermGroupId id;
  OrgId org;  // defined here; usable by accounts in this organization's subtree
  std::string name;
  std::string description;
  bool is_default = false;  // the default of `org` (at most one per organization)
  bool voice_calling = true;
  bool messaging = true;
  bool international_calling = false;
  bool call_recording_allowed = true;

  bool operator==(const PermissionGroup&) const = default;
};

inline constexpr std::size_t kMaxGroupNameLength = 80;

Json to_json(const PermissionGroup& g);
Result<PermissionGroup> permission_group_from_json(const Json& j);

}  // namespace linedesk
