// The signed-in console: header bar (organization navigator with Apply, sync status, profile
// menu with Profile, Sub-Organizations and Logout), the screens in tabs the administrator's
// role allows, and the Sync issues panel.
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "accounts_screen.hpp"
#include "screens.hpp"
#include "shared/replica.hpp"
#include "sync_engine.hpp"
#include "ui.hpp"

namespace linedesk::client {

// What the shell keeps between frames (form fields, open panels).
struct ShellState {
  OrgId working_org;
  OrgId nav_choice;  // picked in the navigator, applied with "Apply"
  const char* select_tab = nullptr;  // a tab to bring forward at the next frame
  const char* current_tab = "";      // the tab drawn last frame (tests read it)
  bool issues_open = false;
  std::string form_error;  // shown under the header (e.g. why Logout kept changes)
  // Sync issues: the refused command being edited before it is sent again, and the answer
  // to the last resubmit (shown in the panel, where the administrator is looking).
  std::optional<std::int64_t> editing_issue;
  char edit_name[128] = {};
  std::string issue_error;
  DashboardState dashboard;
  AccountsState accounts;
  OrgsState orgs;
  NumbersState numbers;
  PeopleState people;
  SettingsState settings;
  ProfileState profile;
  ActivityState activity;
};

struct ShellView {
  const SessionInfo* session = nullptr;
  const Replica* replica = nullptr;
  const SyncStatus* status = nullptr;
  TimestampMs now = 0;
  ConsoleContext* console = nullptr;  // what the screens may ask for
};

struct ShellIntents {
  bool logout = false;
  bool sign_in_again = false;
  std::optional<std::int64_t> resubmit;
  std::optional<CommandArgs> resubmit_edited;  // with `resubmit`: the command as edited
  std::optional<std::int64_t> discard;
};

ShellIntents draw_shell(const Ui& ui, const ShellView& view, ShellState& state);

// The organizations the header's navigator offers (tests: an administrator sees only their
// subtree), and the shell's state for browser tests.
Json shell_test_state(const ShellState& state, const ConsoleContext& ctx);

}  // namespace linedesk::client
