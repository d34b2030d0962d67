// First-start bootstrap of the enterprise.
#include "bootstrap.hpp"

#include <sys/stat.h>

#include <filesystem>
#include <fstream>

#include "auth.hpp"
#include "shared/text.hpp"

namespace linedesk::server {
namespace {

std::filesystem::path password_file(const BootstrapOptions& opts) {
  return std::filesystem::path(opts.files_dir) / "first-admin-password.txt";
}

}  // namespace

Result<BootInfo> bootstrap_if_empty(Store& store, const BootstrapOptions& opts, std::int64_t now_ms) {
  BootInfo info;
  if (store.has_enterprise()) {
    info.sign_in_hint = "Sign in with your administrator email and password.";
    if (std::filesystem::exists(password_file(opts))) {
      info.sign_in_hint += " The first administrator's generated password is in " +
                           password_file(opts).string() + ".";
    }
    return info;
  }
  const std::string org_name(trim(opts.org_name));
  if (auto s = check_display_text(org_name, "--org-name", "The organization name", kMaxOrgNameLength); !s) {
    return make_error("bad_option", "--org-name", "--org-name: " + s.error().message);
  }
  const std::string email = ascii_lower(trim(opts.admin_email));
  if (!is_plausible_email(email)) {
    return make_error("bad_option", "--admin-email",
                      "--admin-email \"" + opts.admin_email + "\" is not a valid email address.");
  }
  std::string password = opts.admin_password;
  const bool generated = password.empty();
  if (generated) password = random_password();
  if (auto s = check_new_password(password); !s) {
    return make_error("bad_option", "--admin-password", "--admin-password: " + s.error().message);
  }

  Changes c;
  const Organization root{OrgId(random_id()), OrgId(), org_name, "", {}, now_ms};
  c.puts.emplace_back(root);
  const Role role{RoleId(random_id()), root.id, "Enterprise Administrator", PrivilegeSet::all()};
  c.puts.emplace_back(role);
  PermissionGroup group;
  group.id = PermGroupId(random_id());
  group.org = root.id;
  group.name = "Default User Permissions";
  group.is_default = true;
  c.puts.emplace_back(group);
  Administrator admin;
  admin.id = AdminId(random_id());
  admin.org = root.id;
  admin.role = role.id;
  admin.email = email;
  admin.time_zone = "UTC";
  admin.created_ms = now_ms;
  c.puts.emplace_back(admin);
  ActivityEntry created;
  created.id = ActivityId(random_id());
  created.at_ms = now_ms;
  created.admin_email = "system";
  created.org = root.id;
  created.action = "create_enterprise";
  created.target = "organization " + org_name;
  created.summary = "Created the enterprise \"" + org_name + "\" with its first administrator " + email + ".";
  c.activity.push_back(created);
  CommitRecord record;
  record.changes = &c;
  record.now_ms = now_ms;
  store.commit(record);
  store.set_password_hash(admin.id, hash_password(password), now_ms);

  info.created = true;
  info.sign_in_hint = "Created the enterprise \"" + org_name + "\". Sign in as " + email;
  if (generated) {
    const auto file = password_file(opts);
    {
      std::ofstream out(file, std::ios::trunc);
      out << "email: " << email << "\npassword: " << password << "\n";
    }
    ::chmod(file.c_str(), 0600);
    info.sign_in_hint += " with the password " + password + " (also saved in " + file.string() +
                         "; change it under Profile).";
  } else {
    info.sign_in_hint += " with the password given by --admin-password.";
  }
  return info;
}

}  // namespace linedesk::server
