// User Permissions groups, roles, administrators and the administrator's own profile.
#include <algorithm>

#include "commands.hpp"
#include "number.hpp"
#include "text.hpp"

namespace linedesk::commands {
namespace {

// Privileges the actor would hand out beyond its own ("privilege escalation").
Status check_no_escalation(const CommandContext& cc, const PrivilegeSet& wanted) {
  if (cc.ctx.system || !cc.role) return {};
  std::string missing;
  for (Privilege p : kAllPrivileges) {
    if (wanted.has(p) && !cc.role->privileges.has(p)) {
      missing += (missing.empty() ? "" : ", ") + std::string(privilege_label(p));
    }
  }
  if (missing.empty()) return {};
  return make_error("privilege_escalation", "privileges",
                    "You cannot grant privileges your own role lacks: " + missing + ".");
}

Status check_role_usable(const CommandContext& cc, OrgId org, RoleId role_id) {
  const Role* r = cc.state.role(role_id);
  if (!r || (!cc.state.orgs().is_within(org, r->org) && !cc.can_see(r->org))) {
    return make_error("not_found", "role", "That role does not exist.");
  }
  if (!cc.state.orgs().is_within(org, r->org)) {
    return make_error("role_not_usable", "role",
                      "The role \"" + r->name + "\" belongs to another branch of the tree.");
  }
  return check_no_escalation(cc, r->privileges);
}

Status check_optional(std::string_view v, std::string_view field, std::string_view label,
                      std::size_t max) {
  if (!is_valid_utf8(v) || utf8_length(v) > max) {
    return make_error("too_long", std::string(field),
                      std::string(label) + " must be text of at most " + std::to_string(max) +
                          " characters.");
  }
  return {};
}

// IANA names like "Europe/Rome" or "America/Argentina/Buenos_Aires", or "UTC".
bool plausible_time_zone(std::string_view tz) {
  if (tz == "UTC") return true;
  if (tz.empty() || tz.size() > 64 || tz.find('/') == std::string_view::npos) return false;
  if (tz.front() == '/' || tz.back() == '/') return false;
  for (char c : tz) {
    const bool ok = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
                    c == '/' || c == '_' || c == '-' || c == '+';
    if (!ok) return false;
  }
  return true;
}

}  // namespace

Status run(CommandContext& cc, const SavePermissionGroup& c) {
  if (auto s = cc.require(Privilege::kSettings, c.org, "organization"); !s) return s;
  const PermissionGroup* old = nullptr;
  if (c.id.valid()) {
    old = cc.state.group(c.id);
    if (!old || !cc.can_see(old->org)) return cc.not_visible("User Permissions group");
    if (old->org != c.org) {
      return make_error("invalid_field", "org", "A group stays in the organization that defines it.");
    }
  }
  PermissionGroup g;
  g.id = old ? old->id : cc.ids.next_id<PermGroupId>();
  g.org = c.org;
  g.name = std::string(trim(c.name));
  g.description = c.description;
  g.is_default = c.is_default;
  g.voice_calling = c.voice_calling;
  g.messaging = c.messaging;
  g.international_calling = c.international_calling;
  g.call_recording_allowed = c.call_recording_allowed;
  if (auto s = check_display_text(g.name, "name", "The group name", kMaxGroupNameLength); !s) return s;
  if (auto s = check_optional(g.description, "description", "The description", 500); !s) return s;
  for (const auto& [id, other] : cc.state.groups()) {
    if (other.org == c.org && id != g.id && ascii_lower(other.name) == ascii_lower(g.name)) {
      return make_error("group_name_taken", "name",
                        "A User Permissions group named \"" + other.name + "\" already exists here.");
    }
  }
  if (old && old->is_default && !g.is_default) {
    return make_error("default_required", "is_default",
                      "An organization keeps its default group; make another group the default "
                      "instead.");
  }
  if (g.is_default) {
    for (const auto& [id, other] : cc.state.groups()) {
      if (other.org == c.org && id != g.id && other.is_default) {
        PermissionGroup demoted = other;
        demoted.is_default = false;
        cc.put(demoted);
      }
    }
  }
  cc.put(g);
  const Json before = old ? to_json(*old) : Json();
  const Json after = to_json(g);
  cc.audit(old ? "edit_permission_group" : "create_permission_group", c.org,
           "User Permissions " + g.name, old ? &before : nullptr, &after,
           (old ? "Edited" : "Created") + std::string(" the User Permissions group \"") + g.name +
               "\"" + (g.is_default ? " (default)." : "."));
  cc.changes().result = Json{{"permission_group", g.id.value}};
  return {};
}

Status run(CommandContext& cc, const DeletePermissionGroup& c) {
  const PermissionGroup* g = cc.state.group(c.id);
  if (!g || !cc.can_see(g->org)) return cc.not_visible("User Permissions group");
  if (auto s = cc.require(Privilege::kSettings, g->org, "organization"); !s) return s;
  if (g->is_default) {
    return make_error("group_is_default", "id",
                      "\"" + g->name + "\" is the default group; make another group the default "
                      "before deleting it.");
  }
  std::int64_t users = 0;
  for (const auto& [id, a] : cc.state.accounts()) users += a.permission_group == c.id ? 1 : 0;
  if (users > 0) {
    return make_error("group_in_use", "id",
                      "\"" + g->name + "\" is used by " + std::to_string(users) +
                          (users == 1 ? " account" : " accounts") + "; move them to another group first.");
  }
  cc.changes().deletes.push_back({EntityKind::kPermissionGroup, c.id.value, g->org});
  const Json before = to_json(*g);
  cc.audit("delete_permission_group", g->org, "User Permissions " + g->name, &before, nullptr,
           "Deleted the User Permissions group \"" + g->name + "\".");
  return {};
}

Status run(CommandContext& cc, const SaveRole& c) {
  if (auto s = cc.require(Privilege::kAdministrators, c.org, "organization"); !s) return s;
  const Role* old = nullptr;
  if (c.id.valid()) {
    old = cc.state.role(c.id);
    if (!old || !cc.can_see(old->org)) return cc.not_visible("role");
    if (old->org != c.org) {
      return make_error("invalid_field", "org", "A role stays in the organization that defines it.");
    }
  }
  Role r{old ? old->id : cc.ids.next_id<RoleId>(), c.org, std::string(trim(c.name)), c.privileges};
  if (auto s = check_display_text(r.name, "name", "The role name", kMaxRoleNameLength); !s) return s;
  if (auto s = check_no_escalation(cc, r.privileges); !s) return s;
  for (const auto& [id, other] : cc.state.roles()) {
    if (other.org == c.org && id != r.id && ascii_lower(other.name) == ascii_lower(r.name)) {
      return make_error("role_name_taken", "name", "A role named \"" + other.name + "\" already exists here.");
    }
  }
  cc.put(r);
  const Json before = old ? to_json(*old) : Json();
  const Json after = to_json(r);
  cc.audit(old ? "edit_role" : "create_role", c.org, "role " + r.name, old ? &before : nullptr,
           &after, (old ? "Edited the role \"" : "Created the role \"") + r.name + "\".");
  cc.changes().result = Json{{"role", r.id.value}};
  return {};
}

Status run(CommandContext& cc, const DeleteRole& c) {
  const Role* r = cc.state.role(c.id);
  if (!r || !cc.can_see(r->org)) return cc.not_visible("role");
  if (auto s = cc.require(Privilege::kAdministrators, r->org, "organization"); !s) return s;
  std::int64_t users = 0;
  for (const auto& [id, a] : cc.state.admins()) users += a.role == c.id ? 1 : 0;
  if (users > 0) {
    return make_error("role_in_use", "id",
                      "\"" + r->name + "\" is the role of " + std::to_string(users) +
                          (users == 1 ? " administrator" : " administrators") + ".");
  }
  cc.changes().deletes.push_back({EntityKind::kRole, c.id.value, r->org});
  const Json before = to_json(*r);
  cc.audit("delete_role", r->org, "role " + r->name, &before, nullptr,
           "Deleted the role \"" + r->name + "\".");
  return {};
}

Status run(CommandContext& cc, const InviteAdmin& c) {
  if (auto s = cc.require(Privilege::kAdministrators, c.org, "organization"); !s) return s;
  Administrator a;
  a.id = cc.ids.next_id<AdminId>();
  a.org = c.org;
  a.role = c.role;
  a.email = ascii_lower(trim(c.email));
  a.first_name = std::string(trim(c.first_name));
  a.last_name = std::string(trim(c.last_name));
  a.time_zone = cc.actor ? cc.actor->time_zone : "UTC";
  a.created_ms = cc.ctx.now_ms;
  if (!is_plausible_email(a.email)) {
    return make_error("invalid_email", "email", "\"" + c.email + "\" is not a valid email address.");
  }
  if (cc.state.admin_by_email(a.email)) {
    return make_error("admin_email_taken", "email",
                      a.email + " is already an administrator of this enterprise.");
  }
  if (auto s = check_optional(a.first_name, "first_name", "First name", 80); !s) return s;
  if (auto s = check_optional(a.last_name, "last_name", "Last name", 80); !s) return s;
  if (auto s = check_role_usable(cc, c.org, c.role); !s) return s;
  cc.put(a);
  Notification note;
  note.kind = Notification::Kind::kAdminInvitation;
  note.org = c.org;
  note.admin = a.id;
  cc.changes().notifications.push_back(note);
  const Json after = to_json(a);
  cc.audit("invite_admin", c.org, "administrator " + a.email, nullptr, &after,
           "Invited " + a.email + " as " + cc.state.role(c.role)->name + " of " +
               cc.state.org(c.org)->name + ".");
  cc.changes().result = Json{{"admin", a.id.value}};
  return {};
}

Status run(CommandContext& cc, const EditAdmin& c) {
  const Administrator* old = cc.state.admin(c.admin);
  if (!old || !cc.can_see(old->org)) return cc.not_visible("administrator");
  if (auto s = cc.require(Privilege::kAdministrators, old->org, "administrator"); !s) return s;
  if (cc.actor && cc.actor->id == c.admin) {
    return make_error("cannot_edit_self", "admin",
                      "Ask another administrator to change your own role or organization.");
  }
  Administrator a = *old;
  if (c.org.valid()) {
    if (auto s = cc.require(Privilege::kAdministrators, c.org, "organization"); !s) return s;
    a.org = c.org;
  }
  if (c.role.valid()) a.role = c.role;
  if (auto s = check_role_usable(cc, a.org, a.role); !s) return s;
  if (a == *old) return {};
  cc.put(a);
  const Json before = to_json(*old);
  const Json after = to_json(a);
  cc.audit("edit_admin", a.org, "administrator " + a.email, &before, &after,
           "Changed " + a.email + " to " + cc.state.role(a.role)->name + " of " +
               cc.state.org(a.org)->name + ".");
  return {};
}

Status run(CommandContext& cc, const RemoveAdmin& c) {
  const Administrator* old = cc.state.admin(c.admin);
  if (!old || !cc.can_see(old->org)) return cc.not_visible("administrator");
  if (auto s = cc.require(Privilege::kAdministrators, old->org, "administrator"); !s) return s;
  if (cc.actor && cc.actor->id == c.admin) {
    return make_error("cannot_remove_self", "admin", "You cannot remove yourself.");
  }
  cc.changes().deletes.push_back({EntityKind::kAdministrator, c.admin.value, old->org});
  const Json before = to_json(*old);
  cc.audit("remove_admin", old->org, "administrator " + old->email, &before, nullptr,
           "Removed the administrator " + old->email + ".");
  return {};
}

Status run(CommandContext& cc, const EditProfile& c) {
  if (!cc.actor) return make_error("unknown_admin", "", "Only administrators have a profile.");
  const Administrator& old = *cc.actor;
  Administrator a = old;
  if (c.first_name) {
    if (auto s = check_optional(*c.first_name, "first_name", "First name", 80); !s) return s;
    a.first_name = std::string(trim(*c.first_name));
  }
  if (c.last_name) {
    if (auto s = check_optional(*c.last_name, "last_name", "Last name", 80); !s) return s;
    a.last_name = std::string(trim(*c.last_name));
  }
  if (c.phone) {
    if (trim(*c.phone).empty()) {
      a.phone.clear();
    } else {
      auto p = parse_e164(*c.phone, "phone");
      if (!p) return p.error();
      a.phone = std::move(p).value();
    }
  }
  if (c.address) {
    if (auto s = check_optional(*c.address, "address", "Address", 300); !s) return s;
    a.address = *c.address;
  }
  if (c.time_zone) {
    if (!plausible_time_zone(*c.time_zone)) {
      return make_error("invalid_time_zone", "time_zone",
                        "\"" + *c.time_zone + "\" is not a time zone such as Europe/Rome or UTC.");
    }
    a.time_zone = *c.time_zone;
  }
  if (c.photo) {
    constexpr std::size_t kMaxPhoto = 400 * 1024;
    const std::string& p = *c.photo;
    const bool image = p.empty() || p.rfind("data:image/png;base64,", 0) == 0 ||
                       p.rfind("data:image/jpeg;base64,", 0) == 0 ||
                       p.rfind("data:image/webp;base64,", 0) == 0;
    if (!image) {
      return make_error("invalid_photo", "photo", "The photo must be a PNG, JPEG or WebP image.");
    }
    if (p.size() > kMaxPhoto) {
      return make_error("photo_too_large", "photo", "The photo must be smaller than 300 KB.");
    }
    a.photo = p;
  }
  if (a == old) return {};
  cc.put(a);
  Json before = to_json(old);
  Json after = to_json(a);
  before.erase("photo");
  after.erase("photo");
  cc.audit("edit_profile", a.org, "administrator " + a.email, &before, &after,
           a.email + " edited their profile.");
  return {};
}

}  // namespace linedesk::commands
