// First start: create the root organization and the first administrator, and tell the
// operator how to sign in.
#pragma once

#include <string>

#include "options.hpp"
#include "store.hpp"

namespace linedesk::server {

struct BootInfo {
  bool created = false;
  std::string sign_in_hint;  // printed under the URL at every start
};

// On an empty database, validates the first-start options and creates the enterprise. When no
// password was given it generates one, prints it in the hint and saves it beside the database
// (first-admin-password.txt, mode 0600) so a later start can point to it.
Result<BootInfo> bootstrap_if_empty(Store& store, const Options& opts, std::int64_t now_ms);

}  // namespace linedesk::server
