// First-start bootstrap of the enterprise.
#include "bootstrap.hpp"

#include <sys/stat.h>

#include <filesystem>
#include <fstream>

#include "auth.hpp"
#include "shared/text.hpp"

namespace linedesk::server {
namespace {

std::filesystem::path password_file(const Options& opts) {
  return std::filesystem::path(opts.db_path).parent_path() / "first-admin-password.txt";
}

}  // namespace

Result<BootInfo> bootstrap_if_empty(Store& store, const Options& opts, std::int64_t now_ms) {
  BootInfo info;
  if (store.has_root()) {
    info.sign_in_hint = "Sign in with your administrator email and password.";
    if (std::filesystem::exists(password_file(opts))) {
      info.sign_in_hint += " The first administrator's generated password is in " +
                           password_file(opts).string() + ".";
    }
    return info;
  }
  if (auto s = check_display_text(opts.org_name, "--org-name", "The organization name", 120); !s) {
    return s.error();
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
  BootstrapRequest req{opts.org_name, email, "", "", hash_password(password)};
  store.bootstrap(req, now_ms);
  info.created = true;
  info.sign_in_hint = "Created the enterprise \"" + opts.org_name + "\". Sign in as " + email;
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
