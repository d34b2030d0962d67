// Role: a named set of administrator privileges (seed: "What Admin Privileges are in
// Management Portal?").
#pragma once

#include <array>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include "ids.hpp"
#include "json_io.hpp"

namespace linedesk {

enum class Privilege : std::uint32_t {
  kAccounts = 1u << 0,
  kNumbers = 1u << 1,
  kOrganizations = 1u << 2,
  kAdministrators = 1u << 3,
  kReports = 1u << 4,
  kSettings = 1u << 5,
};

inline constexpr std::array<Privilege, 6> kAllPrivileges = {
    Privilege::kAccounts,       Privilege::kNumbers, Privilege::kOrganizations,
    Privilege::kAdministrators, Privilege::kReports, Privilege::kSettings};

// Stable lower-case name used in JSON ("accounts") and the label shown in the console
// ("Accounts").
std::string_view privilege_name(Privilege p);
std::string_view privilege_label(Privilege p);
std::optional<Privilege> privilege_from_name(std::string_view name);

// A set of privileges as a bit mask.
struct PrivilegeSet {
  std::uint32_t bits = 0;

  static PrivilegeSet all();
  bool has(Privilege p) const { return (bits & static_cast<std::uint32_t>(p)) != 0; }
  PrivilegeSet& add(Privilege p) {
    bits |= static_cast<std::uint32_t>(p);
    return *this;
  }
  bool operator==(const PrivilegeSet&) const = default;
};

struct Role {
  RoleId id;
  OrgId org;  // the organization that defines the role; usable in its subtree
  std::string name;
  PrivilegeSet privileges;

  bool operator==(const Role&) const = default;
};

inline constexpr std::size_t kMaxRoleNameLength = 80;

Json to_json(const PrivilegeSet& set);
Json to_json(const Role& role);
Result<PrivilegeSet> privileges_from_json(const Json& j, std::string_view field);
Result<Role> role_from_json(const Json& j);

}  // namespace linedesk
