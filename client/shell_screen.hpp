// The signed-in console: header bar (organization, sync status, administrator, Log out), the
// Sync issues panel, and the organization overview.
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "accounts_screen.hpp"
#include "shared/replica.hpp"
#include "sync_engine.hpp"
#include "ui.hpp"

namespace linedesk::client {

// What the shell keeps between frames (form fields, open panels).
struct ShellState {
  OrgId working_org;
  bool issues_open = false;
  char new_org_name[128] = {};
  OrgId new_org_parent;
  std::string form_error;
  std::string notice;  // e.g. "Saved on this device; waiting to sync."
  // Sync issues: the refused command being edited before it is sent again, and the answer
  // to the last resubmit (shown in the panel, where the administrator is looking).
  std::optional<std::int64_t> editing_issue;
  char edit_name[128] = {};
  std::string issue_error;
  AccountsState accounts;
};

struct ShellView {
  const SessionInfo* session = nullptr;
  const Replica* replica = nullptr;
  const SyncStatus* status = nullptr;
  TimestampMs now = 0;
  AccountsContext* accounts = nullptr;  // what the Accounts and Reports tabs may ask for
};

struct ShellIntents {
  bool logout = false;
  bool sign_in_again = false;
  std::optional<CreateOrg> create_org;
  std::optional<std::int64_t> resubmit;
  std::optional<CommandArgs> resubmit_edited;  // with `resubmit`: the command as edited
  std::optional<std::int64_t> discard;
};

ShellIntents draw_shell(const Ui& ui, const ShellView& view, ShellState& state);

}  // namespace linedesk::client
