// The Accounts screen (seeds 000-003): the accounts table with search, filters, sort and
// multi-select; bulk Resend Invitation, Move, Delete and Download; Add Account with its Single
// Account and Multiple Accounts tabs (template, upload, dry-run preview, Import / Import &
// Invite, progress, report download); editing one account; the batches imported so far.
#pragma once

#include <functional>
#include <optional>
#include <string>

#include "accounts_model.hpp"
#include "console_context.hpp"
#include "shared/replica.hpp"
#include "ui.hpp"

namespace linedesk::client {

struct AccountsState {
  AccountsTable table;
  AccountFilter filter;
  char search[128] = {};
  std::string notice;
  std::string error;
  int downloads = 0;  // files handed to the browser (tests read it)

  // Add Account.
  bool add_open = false;
  int add_tab = 0;  // 0 Single Account, 1 Multiple Accounts (a request for the next frame: -1)
  char first[64] = {}, last[64] = {}, account_id[128] = {}, address[128] = {}, forwarding[32] = {};
  SingleAccountForm form;  // the choices (number, tag, group, toggles, language)
  std::string form_error, form_error_field;

  // Multiple Accounts.
  OrgId import_org;
  PermGroupId import_group;
  std::string file_name, file_text;
  std::optional<ImportPreview> preview;
  double preview_ms = 0;
  struct Import {
    std::string uuid;
    BatchId batch;
    BatchMode mode = BatchMode::kImport;
    std::string file_name;
    std::string local_report;  // this device's report, for a download while offline
    std::string stage;         // what the progress window says
    float progress = 0.f;
    bool done = false, failed = false, report_requested = false, report_downloaded = false;
  };
  std::optional<Import> import;

  // Move.
  bool move_open = false;
  OrgId move_destination;
  std::string move_refusal;

  // Edit one account.
  std::optional<AccountId> editing;
  char edit_first[64] = {}, edit_last[64] = {}, edit_address[128] = {}, edit_forwarding[32] = {},
       edit_notes[256] = {};
  std::string edit_error;
  bool confirm_delete = false;

  // Called by the App when the browser's file picker returns a file.
  void file_chosen(const std::string& name, std::string text, const ConsoleContext& ctx);
};

void draw_accounts(const Ui& ui, ConsoleContext& ctx, AccountsState& state);
// The Batch Operation Reports of the organization's subtree, newest first, each downloadable.
void draw_batches(const Ui& ui, ConsoleContext& ctx, AccountsState& state);

// The screen's state for browser tests ({"rows", "selected", "preview", ...}).
Json accounts_test_state(const AccountsState& state);

}  // namespace linedesk::client
