// The signed-in console: header bar (organization, administrator, Log out) and the body.
#pragma once

#include <string>
#include <vector>

#include "shared/org_tree.hpp"
#include "ui.hpp"

namespace linedesk::client {

struct ShellView {
  std::string working_org_name;
  std::string admin_name;
  std::string role_name;
  const OrgTree* tree = nullptr;  // organizations the administrator may see
  OrgId root;                     // the administrator's own organization
  bool loading = false;
  std::string error;
};

struct ShellIntents {
  bool logout = false;
  bool reload = false;
};

ShellIntents draw_shell(const Ui& ui, const ShellView& view);

}  // namespace linedesk::client
