// First start: create the enterprise and its first administrator, and tell the operator how
// to sign in.
#pragma once

#include <string>

#include "clock.hpp"
#include "store.hpp"

namespace linedesk::server {

struct BootstrapOptions {
  std::string files_dir;  // the generated password is saved in this folder ("": the current one)
  std::string org_name = "My Enterprise";
  std::string admin_email = "admin@linedesk.local";
  std::string admin_password;  // empty: generate one
};

struct BootInfo {
  bool created = false;
  std::string sign_in_hint;  // printed under the URL at every start
};

// On an empty database, validates the options and creates the root organization, the
// "Enterprise Administrator" role (every privilege), the default User Permissions group and the
// first administrator. Without a password it generates one, prints it in the hint and saves it
// in `files_dir` (first-admin-password.txt, mode 0600).
Result<BootInfo> bootstrap_if_empty(Store& store, const BootstrapOptions& opts, std::int64_t now_ms);

}  // namespace linedesk::server
