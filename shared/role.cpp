// Privilege names and the JSON form of Role.
#include "role.hpp"

#include "text.hpp"

namespace linedesk {

std::string_view privilege_name(Privilege p) {
  switch (p) {
    case Privilege::kAccounts: return "accounts";
    case Privilege::kNumbers: return "numbers";
    case Privilege::kOrganizations: return "organizations";
    case Privilege::kAdministrators: return "administrators";
    case Privilege::kReports: return "reports";
    case Privilege::kSettings: return "settings";
  }
  return "unknown";
}

std::string_view privilege_label(Privilege p) {
  switch (p) {
    case Privilege::kAccounts: return "Accounts";
    case Privilege::kNumbers: return "Numbers";
    case Privilege::kOrganizations: return "Organizations";
    case Privilege::kAdministrators: return "Administrators";
    case Privilege::kReports: return "Reports";
    case Privilege::kSettings: return "Settings";
  }
  return "Unknown";
}

std::optional<Privilege> privilege_from_name(std::string_view name) {
  for (Privilege p : kAllPrivileges) {
    if (privilege_name(p) == name) return p;
  }
  return std::nullopt;
}

PrivilegeSet PrivilegeSet::all() {
  PrivilegeSet s;
  for (Privilege p : kAllPrivileges) s.add(p);
  return s;
}

Json to_json(const PrivilegeSet& set) {
  Json out = Json::array();
  for (Privilege p : kAllPrivileges) {
    if (set.has(p)) out.push_back(std::string(privilege_name(p)));
  }
  return out;
}

Json to_json(const Role& role) {
  return Json{{"id", role.id.value},
              {"org", role.org.value},
              {"name", role.name},
              {"privileges", to_json(role.privileges)}};
}

Result<PrivilegeSet> privileges_from_json(const Json& j, std::string_view field) {
  if (!j.is_array()) {
    return make_error("invalid_field", std::string(field),
                      "Privileges must be a list such as [\"accounts\", \"numbers\"].");
  }
  PrivilegeSet set;
  for (const Json& item : j) {
    std::optional<Privilege> p =
        item.is_string() ? privilege_from_name(item.get<std::string>()) : std::nullopt;
    if (!p) {
      return make_error("invalid_field", std::string(field),
                        "Unknown privilege " + item.dump() +
                            "; use accounts, numbers, organizations, administrators, reports or "
                            "settings.");
    }
    set.add(*p);
  }
  return set;
}

Result<Role> role_from_json(const Json& j) {
  JsonReader r(j, "role");
  Role role;
  role.id = r.required_id<RoleTag>("id");
  role.org = r.required_id<OrgTag>("org");
  role.name = r.required_string("name");
  const Json& privs = r.required("privileges");
  if (!r.ok()) return r.error();
  if (auto s = check_display_text(role.name, "role.name", "Role name", kMaxRoleNameLength); !s) {
    return s.error();
  }
  auto p = privileges_from_json(privs, "role.privileges");
  if (!p) return p.error();
  role.privileges = *p;
  return role;
}

}  // namespace linedesk
