// The Accounts screen: table, filters, bulk actions, Add Account, Move, Edit, import progress.
#include "accounts_screen.hpp"

#include <algorithm>
#include <cstdio>
#include <cstring>

#include "shared/batch_csv.hpp"
#include "shared/exports.hpp"
#include "shared/language.hpp"
#include "shared/policy.hpp"
#include "shared/time_zone.hpp"

namespace linedesk::client {
namespace {

using widgets::button;
using widgets::copy_to;
using widgets::org_combo;
using widgets::org_picker;
using widgets::plural;

const std::string* field_error(const AccountsState& s, const char* field) {
  return s.form_error_field == field ? &s.form_error : nullptr;
}

constexpr AccountStatus kStatuses[] = {AccountStatus::kNotInvited, AccountStatus::kInvited,
                                       AccountStatus::kInvitationFailed, AccountStatus::kActive};
constexpr NumberState kNumberStates[] = {NumberState::kAvailable, NumberState::kReserved,
                                         NumberState::kPendingInvitation, NumberState::kAssigned,
                                         NumberState::kActivated};

void group_combo(const char* label, const State& st, OrgId org, PermGroupId& group,
                 const char* none_label) {
  const PermissionGroup* g = st.group(group);
  if (ImGui::BeginCombo(label, g ? g->name.c_str() : none_label)) {
    if (ImGui::Selectable(none_label, !group.valid())) group = PermGroupId();
    for (const PermissionGroup* pg : usable_groups(st, org)) {
      ImGui::PushID(static_cast<int>(pg->id.value & 0x7fffffff));
      if (ImGui::Selectable(pg->name.c_str(), group == pg->id)) group = pg->id;
      ImGui::PopID();
    }
    ImGui::EndCombo();
  }
}


void download_accounts(ConsoleContext& ctx, AccountsState& s,
                       const std::vector<AccountId>* selection) {
  const State& st = ctx.replica->view();
  const std::string name = accounts_file_name(st, ctx.org);
  std::string path = "/api/accounts.csv?org=" + std::to_string(ctx.org.value);
  if (selection) {
    path += "&ids=";
    for (std::size_t i = 0; i < selection->size(); ++i) {
      path += (i ? "," : "") + std::to_string((*selection)[i].value);
    }
  }
  // The server's download is the one recorded in the Admin Activity Report; offline, this
  // device's copy is written by the same core code.
  if (!ctx.online) {
    const std::vector<AccountId> ids = selection ? *selection : std::vector<AccountId>{};
    ctx.download(name, accounts_csv(st, ctx.org, ctx.now, TimeZone::utc(), selection ? &ids : nullptr));
    ++s.downloads;
    s.error.clear();
    s.notice = "Offline: " + name + " was made from this device's copy (times in UTC); it is "
               "not listed in the Admin Activity Report.";
    return;
  }
  ctx.fetch(path, [&s, name, download = ctx.download](int status, const std::string& body) {
    if (status == 200) {
      download(name, body);
      ++s.downloads;
      s.notice = "Downloaded " + name + ".";
      s.error.clear();
    } else if (status == 0) {
      s.error = "The server could not be reached; press Download again to save this device's copy.";
    } else {
      s.error = "The server refused the download (HTTP " + std::to_string(status) + ").";
    }
  });
}

void draw_filters(const Ui& ui, ConsoleContext& ctx, AccountsState& s) {
  const State& st = ctx.replica->view();
  ImGui::SetNextItemWidth(ui.px(260.f));
  if (ImGui::InputTextWithHint("Search", "Name, Account ID, email, number, notes", s.search,
                               sizeof s.search)) {
    s.filter.text = s.search;
  }
  ImGui::SameLine();
  ImGui::SetNextItemWidth(ui.px(150.f));
  const std::string status = s.filter.status ? status_label(*s.filter.status) : "All statuses";
  if (ImGui::BeginCombo("Status", status.c_str())) {
    if (ImGui::Selectable("All statuses", !s.filter.status)) s.filter.status.reset();
    for (AccountStatus a : kStatuses) {
      if (ImGui::Selectable(status_label(a).c_str(), s.filter.status == a)) s.filter.status = a;
    }
    ImGui::EndCombo();
  }
  ImGui::SameLine();
  ImGui::SetNextItemWidth(ui.px(170.f));
  group_combo("User Permissions", st, ctx.org, s.filter.group, "All permission groups");
  ImGui::SameLine();
  ImGui::SetNextItemWidth(ui.px(150.f));
  const std::string number = s.filter.without_number ? std::string("No number")
                             : s.filter.number_state
                                 ? std::string(number_state_label(*s.filter.number_state))
                                 : std::string("Any number");
  if (ImGui::BeginCombo("Number", number.c_str())) {
    if (ImGui::Selectable("Any number", !s.filter.number_state && !s.filter.without_number)) {
      s.filter.number_state.reset();
      s.filter.without_number = false;
    }
    if (ImGui::Selectable("No number", s.filter.without_number)) {
      s.filter.number_state.reset();
      s.filter.without_number = true;
    }
    for (NumberState n : kNumberStates) {
      if (ImGui::Selectable(std::string(number_state_label(n)).c_str(),
                            s.filter.number_state == n)) {
        s.filter.number_state = n;
        s.filter.without_number = false;
      }
    }
    ImGui::EndCombo();
  }
  ImGui::SameLine();
  ImGui::Checkbox("Include sub-organizations", &s.filter.include_suborgs);
}

void draw_actions(ConsoleContext& ctx, AccountsState& s, const std::vector<AccountId>& selection) {
  const State& st = ctx.replica->view();
  if (ImGui::Button("Add Account")) {
    s.add_open = true;
    s.form_error.clear();
    s.form_error_field.clear();
  }
  ImGui::SameLine();
  if (ImGui::Button("Download")) download_accounts(ctx, s, nullptr);
  ImGui::SameLine(0.f, ImGui::GetStyle().ItemSpacing.x * 4);
  ImGui::AlignTextToFramePadding();
  ImGui::TextUnformatted((plural(selection.size(), "selected", "selected") + " of " +
                          std::to_string(s.table.rows().size()))
                             .c_str());
  ImGui::SameLine();
  if (button("Select all", !s.table.rows().empty())) s.table.select_all();
  ImGui::SameLine();
  if (button("Clear selection", !selection.empty())) s.table.clear_selection();
  ImGui::SameLine();
  const std::size_t resend = resend_count(st, selection);
  if (button("Resend Invitation", resend > 0,
             selection.empty() ? "Select accounts first."
             : resend == 0     ? "Every selected account is already active."
                               : "")) {
    std::vector<AccountId> targets;
    for (AccountId id : selection) {
      if (st.account(id)->status != AccountStatus::kActive) targets.push_back(id);
    }
    auto r = ctx.submit(InviteAccounts{targets}, nullptr, {});
    if (r) {
      s.error.clear();
      s.notice = "Invitations queued for " + plural(targets.size(), "account", "accounts") +
                 (ctx.online ? "." : "; they are sent once the server can be reached.");
    } else {
      s.error = r.error().message;
    }
  }
  ImGui::SameLine();
  if (button("Move", !selection.empty(), selection.empty() ? "Select accounts first." : "")) {
    s.move_open = true;
    s.move_destination = OrgId();
    s.move_refusal.clear();
  }
  ImGui::SameLine();
  if (button("Edit", selection.size() == 1,
             selection.size() == 1 ? "" : "Select one account to edit.")) {
    const Account* a = st.account(selection.front());
    s.editing = a->id;
    copy_to(s.edit_first, sizeof s.edit_first, a->first_name);
    copy_to(s.edit_last, sizeof s.edit_last, a->last_name);
    copy_to(s.edit_address, sizeof s.edit_address, a->invite_address);
    copy_to(s.edit_forwarding, sizeof s.edit_forwarding, a->forwarding_number);
    copy_to(s.edit_notes, sizeof s.edit_notes, a->notes);
    s.edit_error.clear();
    s.confirm_delete = false;
  }
  ImGui::SameLine();
  if (button("Delete", !selection.empty(), selection.empty() ? "Select accounts first." : "")) {
    s.confirm_delete = true;
    s.editing.reset();
  }
  ImGui::SameLine();
  if (button("Download selection", !selection.empty(),
             selection.empty() ? "Select accounts first." : "")) {
    download_accounts(ctx, s, &selection);
  }
  if (s.confirm_delete && !s.editing) {
    widgets::error_text("Delete " + plural(selection.size(), "account", "accounts") +
                        "? Their numbers return to the pool and pending invitations are revoked.");
    if (ImGui::Button("Delete accounts")) {
      auto r = ctx.submit(DeleteAccounts{selection}, nullptr, {});
      if (r) {
        s.notice = "Deleted " + plural(selection.size(), "account", "accounts") + ".";
        s.error.clear();
        s.table.clear_selection();
      } else {
        s.error = r.error().message;
      }
      s.confirm_delete = false;
    }
    ImGui::SameLine();
    if (ImGui::Button("Keep them")) s.confirm_delete = false;
  }
}

void draw_table(const Ui& ui, ConsoleContext& ctx, AccountsState& s) {
  const State& st = ctx.replica->view();
  const ImGuiTableFlags flags = ImGuiTableFlags_ScrollY | ImGuiTableFlags_RowBg |
                                ImGuiTableFlags_BordersInnerV | ImGuiTableFlags_Resizable |
                                ImGuiTableFlags_Sortable | ImGuiTableFlags_SizingStretchProp;
  if (!ImGui::BeginTable("accounts", 8, flags, ImVec2(0.f, ImGui::GetContentRegionAvail().y)))
    return;
  ImGui::TableSetupScrollFreeze(0, 1);
  ImGui::TableSetupColumn(
      "##check", ImGuiTableColumnFlags_NoSort | ImGuiTableColumnFlags_WidthFixed, ui.px(24.f));
  ImGui::TableSetupColumn("Name", ImGuiTableColumnFlags_DefaultSort, 1.6f,
                          static_cast<ImGuiID>(AccountSort::kName));
  ImGui::TableSetupColumn("Account ID", 0, 1.6f, static_cast<ImGuiID>(AccountSort::kAccountId));
  ImGui::TableSetupColumn("MultiLine status", 0, 1.0f, static_cast<ImGuiID>(AccountSort::kStatus));
  ImGui::TableSetupColumn("Organization", 0, 1.2f,
                          static_cast<ImGuiID>(AccountSort::kOrganization));
  ImGui::TableSetupColumn("Number", 0, 1.1f, static_cast<ImGuiID>(AccountSort::kNumber));
  ImGui::TableSetupColumn("Number state", ImGuiTableColumnFlags_NoSort, 1.0f);
  ImGui::TableSetupColumn("User Permissions", ImGuiTableColumnFlags_NoSort, 1.1f);
  ImGui::TableHeadersRow();
  if (ImGuiTableSortSpecs* specs = ImGui::TableGetSortSpecs(); specs && specs->SpecsCount > 0) {
    s.filter.sort = static_cast<AccountSort>(specs->Specs[0].ColumnUserID);
    s.filter.descending = specs->Specs[0].SortDirection == ImGuiSortDirection_Descending;
    specs->SpecsDirty = false;
  }
  const auto& rows = s.table.rows();
  ImGuiListClipper clipper;
  clipper.Begin(static_cast<int>(rows.size()));
  const ImGuiIO& io = ImGui::GetIO();
  while (clipper.Step()) {
    for (int i = clipper.DisplayStart; i < clipper.DisplayEnd; ++i) {
      const Account* a = st.account(rows[static_cast<std::size_t>(i)]);
      if (!a) continue;
      ImGui::TableNextRow();
      ImGui::PushID(i);
      ImGui::TableNextColumn();
      bool selected = s.table.is_selected(a->id);
      if (ImGui::Checkbox(("##sel_" + a->account_id).c_str(), &selected))
        s.table.toggle(static_cast<std::size_t>(i));
      ImGui::TableNextColumn();
      const std::string name = a->name().empty() ? a->account_id : a->name();
      // The row's name selects it (Ctrl and Shift as in a file manager); its label carries the
      // Account ID so tests find one row among many.
      if (ImGui::Selectable((name + "##row_" + a->account_id).c_str(),
                            s.table.is_selected(a->id))) {
        s.table.click(static_cast<std::size_t>(i), io.KeyCtrl, io.KeyShift);
      }
      ImGui::TableNextColumn();
      ImGui::TextUnformatted(a->account_id.c_str());
      ImGui::TableNextColumn();
      ImGui::TextUnformatted(status_label(a->status).c_str());
      ImGui::TableNextColumn();
      const Organization* o = st.org(a->org);
      ImGui::TextUnformatted(o ? o->name.c_str() : "");
      ImGui::TableNextColumn();
      ImGui::TextUnformatted(a->number.c_str());
      ImGui::TableNextColumn();
      ImGui::TextUnformatted(number_state_text(st, *a).c_str());
      ImGui::TableNextColumn();
      const PermissionGroup* g = st.group(a->permission_group);
      ImGui::TextUnformatted(g ? g->name.c_str() : "");
      ImGui::PopID();
    }
  }
  ImGui::EndTable();
}

void draw_single(const Ui& ui, ConsoleContext& ctx, AccountsState& s) {
  const State& st = ctx.replica->view();
  const float w = ui.px(300.f);
  auto field = [&](const char* label, char* buf, std::size_t size, const char* key) {
    widgets::labeled_input(label, buf, size, 0, w);
    if (const std::string* e = field_error(s, key)) widgets::error_text(*e);
  };
  const Organization* org = st.org(ctx.org);
  widgets::muted_text(("Adds the account to " + (org ? org->name : std::string()) +
                       " (change it with the organization picker above).")
                          .c_str());
  field("First Name", s.first, sizeof s.first, "first_name");
  field("Last Name", s.last, sizeof s.last, "last_name");
  field("Account ID", s.account_id, sizeof s.account_id, "account_id");
  widgets::muted_text("Blank: the Email or Device # is the Account ID.");
  field("Email or Device #", s.address, sizeof s.address, "invite_address");

  // Assign Number: none, a number, or a tag of reserved numbers.
  const NumberChoices choices = number_choices(st, ctx.org);
  ImGui::TextUnformatted("Assign Number");
  ImGui::SetNextItemWidth(w);
  std::string current = s.form.assign == SingleAccountForm::Assign::kNumber ? s.form.number
                        : s.form.assign == SingleAccountForm::Assign::kTag
                            ? "Tag: " + s.form.tag
                            : std::string("Choose at activation");
  if (ImGui::BeginCombo("##assign", current.c_str())) {
    if (ImGui::Selectable("Choose at activation",
                          s.form.assign == SingleAccountForm::Assign::kNone)) {
      s.form.assign = SingleAccountForm::Assign::kNone;
    }
    for (const auto& [tag, count] : choices.tags) {
      const std::string label = "Tag: " + tag + " (" + std::to_string(count) + ")";
      if (ImGui::Selectable(label.c_str(), s.form.assign == SingleAccountForm::Assign::kTag &&
                                               s.form.tag == tag)) {
        s.form.assign = SingleAccountForm::Assign::kTag;
        s.form.tag = tag;
      }
    }
    for (const std::string& n : choices.numbers) {
      if (ImGui::Selectable(n.c_str(), s.form.assign == SingleAccountForm::Assign::kNumber &&
                                           s.form.number == n)) {
        s.form.assign = SingleAccountForm::Assign::kNumber;
        s.form.number = n;
      }
    }
    ImGui::EndCombo();
  }
  widgets::muted_text(
      (std::to_string(choices.available) + " available numbers in this organization").c_str());
  if (const std::string* e = field_error(s, "number")) widgets::error_text(*e);
  if (const std::string* e = field_error(s, "tag")) widgets::error_text(*e);

  ImGui::TextUnformatted("User Permissions");
  ImGui::SetNextItemWidth(w);
  group_combo("##form_group", st, ctx.org, s.form.group, "The organization's default");
  if (const std::string* e = field_error(s, "permission_group")) widgets::error_text(*e);

  const FeatureToggles t = feature_toggles(st, ctx.org);
  if (t.social_messaging) ImGui::Checkbox("Social Messaging", &s.form.social_messaging);
  if (t.call_monitoring) ImGui::Checkbox("Monitor Calls", &s.form.monitor_calls);
  if (t.message_monitoring) ImGui::Checkbox("Monitor Messages", &s.form.monitor_messages);
  if (t.clare) ImGui::Checkbox("Enable Clare", &s.form.enable_clare);
  if (t.ms_teams_calling) ImGui::Checkbox("Microsoft Teams calling", &s.form.ms_teams_calling);

  field("Forwarding Number", s.forwarding, sizeof s.forwarding, "forwarding_number");
  ImGui::TextUnformatted("Language");
  ImGui::SetNextItemWidth(w);
  if (ImGui::BeginCombo("##language", s.form.language.empty() ? "The organization's default"
                                                              : s.form.language.c_str())) {
    if (ImGui::Selectable("The organization's default", s.form.language.empty()))
      s.form.language.clear();
    for (Language l : kAllLanguages) {
      const std::string name(language_name(l));
      if (ImGui::Selectable(name.c_str(), s.form.language == name)) s.form.language = name;
    }
    ImGui::EndCombo();
  }
  if (!s.form_error.empty() && s.form_error_field.empty()) widgets::error_text(s.form_error);
  if (const std::string* e = field_error(s, "language")) widgets::error_text(*e);

  ImGui::Spacing();
  const bool save = ImGui::Button("Save");
  ImGui::SameLine();
  const bool invite = ImGui::Button("Save & Invite");
  if (save || invite) {
    s.form.first_name = s.first;
    s.form.last_name = s.last;
    s.form.account_id = s.account_id;
    s.form.invite_address = s.address;
    s.form.forwarding_number = s.forwarding;
    auto r = ctx.submit(add_account_command(ctx.org, s.form, invite), nullptr, {});
    if (!r) {
      s.form_error = r.error().message;
      s.form_error_field = r.error().field;
      // Fields the form does not show (e.g. a rule on the Account ID) still read plainly.
      static const char* shown[] = {
          "first_name", "last_name",        "account_id",        "invite_address", "number",
          "tag",        "permission_group", "forwarding_number", "language"};
      bool known = false;
      for (const char* f : shown) known = known || s.form_error_field == f;
      if (!known) s.form_error_field.clear();
      return;
    }
    const std::string who = s.form.first_name.empty() ? s.form.invite_address
                                                      : s.form.first_name + " " + s.form.last_name;
    s.notice = (invite ? "Added " + who + " and queued the invitation" : "Added " + who) +
               (ctx.online ? "." : "; it syncs when the server can be reached.");
    s.error.clear();
    s.form_error.clear();
    s.form_error_field.clear();
    s.first[0] = s.last[0] = s.account_id[0] = s.address[0] = s.forwarding[0] = '\0';
    s.form = SingleAccountForm{};
    s.add_open = false;
  }
}

void run_preview(const ConsoleContext& ctx, AccountsState& s) {
  const double t0 = ctx.perf_now();
  const ImportBatch batch{s.import_org, s.import_group, BatchMode::kImport,
                          s.file_name,  s.file_text,    true};
  s.preview = preview_import(ctx.replica->view(), ctx.admin->id, ctx.now, batch);
  s.preview_ms = ctx.perf_now() - t0;
}

void draw_multiple(const Ui& ui, ConsoleContext& ctx, AccountsState& s) {
  const State& st = ctx.replica->view();
  if (!s.import_org.valid() || !st.org(s.import_org)) s.import_org = ctx.org;
  widgets::muted_text(
      "Up to 1000 accounts per file: one file per organization and permission group.");
  if (ImGui::Button("Download CSV template")) {
    ctx.download(
        "linedesk-accounts-template.csv",
        batch_template_csv(effective_bool(st.orgs(), s.import_org, policy::kSocialMessaging)));
    ++s.downloads;
  }
  ImGui::SetNextItemWidth(ui.px(300.f));
  bool changed = org_combo("Choose Organization", st, ctx.admin->org, s.import_org);
  ImGui::SetNextItemWidth(ui.px(300.f));
  const PermGroupId before = s.import_group;
  group_combo("User Permissions##import", st, s.import_org, s.import_group,
              "The organization's default");
  changed = changed || before != s.import_group;
  if (ImGui::Button("Upload")) ctx.pick_file(FileKind::kAccountsCsv);
  if (!s.file_name.empty()) {
    ImGui::SameLine();
    ImGui::AlignTextToFramePadding();
    ImGui::TextUnformatted(s.file_name.c_str());
  }
  // The preview follows the organization and group: the same file can be checked against each.
  if (changed && !s.file_text.empty()) run_preview(ctx, s);
  if (!s.preview) return;
  const ImportPreview& p = *s.preview;
  if (p.error) {
    widgets::error_text(p.error->message);
    return;
  }
  ImGui::Text("%d rows ready to import, %d with errors, %d skipped", p.ok, p.failed, p.skipped);
  if (ImGui::Button("Download preview report")) {
    ctx.download(report_file_name(s.file_name), p.report_csv);
    ++s.downloads;
  }
  ImGui::SameLine();
  const bool busy = s.import && !s.import->done;
  const bool can = p.ok > 0 && !busy;
  const std::string why = p.ok == 0 ? "No row can be imported; fix the file and upload it again."
                          : busy    ? "An import is still running."
                                    : "";
  const bool import = button("Import", can, why);
  ImGui::SameLine();
  const bool invite = button("Import & Invite", can, why);
  if (import || invite) {
    const ImportBatch batch{
        s.import_org, s.import_group, invite ? BatchMode::kImportAndInvite : BatchMode::kImport,
        s.file_name,  s.file_text,    false};
    std::string uuid;
    auto r = ctx.submit(batch, &uuid, {});
    if (!r) {
      s.error = r.error().message;
    } else {
      AccountsState::Import im;
      im.uuid = uuid;
      im.mode = batch.mode;
      im.file_name = s.file_name;
      for (const Entity& e : r->puts) {
        if (const auto* b = std::get_if<BatchRecord>(&e)) im.batch = b->id;
      }
      if (r->report) im.local_report = batch_report_csv(*r->report);
      s.import = im;
      s.add_open = false;
    }
  }
  // Every row with its outcome; failed rows first would hide the file's order, so they are
  // marked instead.
  const float h = std::min(ui.px(260.f), ImGui::GetContentRegionAvail().y);
  if (ImGui::BeginTable(
          "preview", 4,
          ImGuiTableFlags_ScrollY | ImGuiTableFlags_RowBg | ImGuiTableFlags_BordersInnerV,
          ImVec2(ui.px(640.f), std::max(h, ui.px(120.f))))) {
    ImGui::TableSetupScrollFreeze(0, 1);
    ImGui::TableSetupColumn("Line", ImGuiTableColumnFlags_WidthFixed, ui.px(50.f));
    ImGui::TableSetupColumn("Outcome", ImGuiTableColumnFlags_WidthFixed, ui.px(70.f));
    ImGui::TableSetupColumn("Column", ImGuiTableColumnFlags_WidthFixed, ui.px(150.f));
    ImGui::TableSetupColumn("Reason");
    ImGui::TableHeadersRow();
    ImGuiListClipper clipper;
    clipper.Begin(static_cast<int>(p.report.rows.size()));
    while (clipper.Step()) {
      for (int i = clipper.DisplayStart; i < clipper.DisplayEnd; ++i) {
        const BatchRowResult& row = p.report.rows[static_cast<std::size_t>(i)];
        ImGui::TableNextRow();
        ImGui::TableNextColumn();
        ImGui::Text("%zu", row.line);
        ImGui::TableNextColumn();
        if (row.status == RowStatus::kFailed) {
          ImGui::TextColored(ImVec4(0.75f, 0.12f, 0.18f, 1.f), "error");
        } else {
          ImGui::TextUnformatted(row.status == RowStatus::kOk ? "ok" : "skipped");
        }
        ImGui::TableNextColumn();
        ImGui::TextUnformatted(row.column.c_str());
        ImGui::TableNextColumn();
        ImGui::TextUnformatted(row.reason.c_str());
      }
    }
    ImGui::EndTable();
  }
}

// The import's progress: saved here, sent, applied by the server, report downloaded.
void follow_import(ConsoleContext& ctx, AccountsState& s) {
  if (!s.import || s.import->done) return;
  AccountsState::Import& im = *s.import;
  const Replica& r = *ctx.replica;
  for (const SyncIssue& issue : r.issues()) {
    if (issue.command.uuid == im.uuid) {
      im.done = im.failed = true;
      im.progress = 1.f;
      im.stage = "The server refused the import: " + issue.error.message + " See Sync issues.";
      return;
    }
  }
  for (const PendingCommand& p : r.pending()) {
    if (p.command.uuid != im.uuid) continue;
    if (p.acknowledged) {
      im.progress = 0.8f;
      im.stage = "Imported by the server; fetching the report…";
    } else if (ctx.online) {
      im.progress = 0.4f;
      im.stage = "Sending to the server…";
    } else {
      im.progress = 0.1f;
      im.stage = "Saved on this device. The import runs when the server can be reached.";
    }
    return;
  }
  // Confirmed: the server's Batch Operations Report is the one to keep.
  im.progress = 0.9f;
  if (im.report_requested) return;
  im.report_requested = true;
  im.stage = "Imported; fetching the Batch Operations Report…";
  ctx.fetch("/api/batches/" + std::to_string(im.batch.value) + "/report.csv",
            [&s, download = ctx.download, batch = im.batch](int status, const std::string& body) {
              if (!s.import || s.import->batch != batch) return;
              AccountsState::Import& cur = *s.import;
              cur.done = true;
              cur.progress = 1.f;
              if (status == 200) {
                download(report_file_name(cur.file_name), body);
                ++s.downloads;
                cur.report_downloaded = true;
                cur.stage = "Completed. The Batch Operations Report was downloaded.";
              } else {
                cur.stage = "Completed, but the report could not be fetched (HTTP " +
                            std::to_string(status) + "); download it again from Batch Operations.";
              }
            });
}

void draw_import_window(const Ui& ui, ConsoleContext& ctx, AccountsState& s) {
  if (!s.import) return;
  AccountsState::Import& im = *s.import;
  const State& st = ctx.replica->view();
  ImGui::SetNextWindowSize(ImVec2(ui.px(480.f), 0.f), ImGuiCond_Appearing);
  bool open = true;
  if (ImGui::Begin("Import progress", &open,
                   ImGuiWindowFlags_NoCollapse | ImGuiWindowFlags_AlwaysAutoResize)) {
    ImGui::TextUnformatted((std::string(batch_mode_label(im.mode)) + ": " + im.file_name).c_str());
    const std::string pct = std::to_string(static_cast<int>(im.progress * 100)) + "%";
    ImGui::ProgressBar(im.progress, ImVec2(ui.px(440.f), 0.f), pct.c_str());
    if (im.failed) {
      widgets::error_text(im.stage);
    } else {
      ImGui::TextWrapped("%s", im.stage.c_str());
    }
    if (const BatchRecord* b = st.batch(im.batch); b && im.done && !im.failed) {
      ImGui::Text(
          "%d imported, %d failed, %d skipped%s", b->rows_imported, b->rows_failed, b->rows_skipped,
          b->invitations ? (", " + std::to_string(b->invitations) + " invitations queued").c_str()
                         : "");
    }
    if (ImGui::Button(im.done ? "Download report" : "Download this device's report")) {
      if (im.done && im.report_downloaded) {
        ctx.fetch("/api/batches/" + std::to_string(im.batch.value) + "/report.csv",
                  [&s, download = ctx.download, name = report_file_name(im.file_name),
                   local = im.local_report](int status, const std::string& body) {
                    download(name, status == 200 ? body : local);
                    ++s.downloads;
                  });
      } else {
        ctx.download(report_file_name(im.file_name), im.local_report);
        ++s.downloads;
      }
    }
    if (im.done) {
      ImGui::SameLine();
      if (ImGui::Button("Close")) open = false;
    }
  }
  ImGui::End();
  if (!open) s.import.reset();
}

void draw_move_window(const Ui& ui, ConsoleContext& ctx, AccountsState& s,
                      const std::vector<AccountId>& selection) {
  if (!s.move_open) return;
  const State& st = ctx.replica->view();
  ImGui::SetNextWindowSize(ImVec2(ui.px(420.f), ui.px(420.f)), ImGuiCond_Appearing);
  if (ImGui::Begin("Move to organization", &s.move_open, ImGuiWindowFlags_NoCollapse)) {
    ImGui::TextUnformatted(
        ("Move " + plural(selection.size(), "account", "accounts") + " to:").c_str());
    ImGui::BeginChild("tree", ImVec2(0.f, ImGui::GetContentRegionAvail().y - ui.px(90.f)), true);
    const OrgId before = s.move_destination;
    org_picker(st, ctx.admin->org, s.move_destination);
    ImGui::EndChild();
    if (before != s.move_destination ||
        (s.move_destination.valid() && ImGui::GetFrameCount() % 30 == 0)) {
      // Checked when chosen, then now and then: numbers may arrive or leave meanwhile.
      const auto refusal = move_refusal(st, ctx.admin->id, ctx.now, selection, s.move_destination);
      s.move_refusal = refusal ? refusal->message : std::string();
    }
    const bool ok = s.move_destination.valid() && s.move_refusal.empty();
    if (button(
            "Move accounts", ok,
            s.move_destination.valid() ? s.move_refusal : "Choose the destination organization.")) {
      auto r = ctx.submit(MoveAccounts{selection, s.move_destination}, nullptr, {});
      if (r) {
        const Organization* o = st.org(s.move_destination);
        s.notice = "Moved " + plural(selection.size(), "account", "accounts") + " to " +
                   (o ? o->name : std::string()) + ".";
        s.error.clear();
        s.move_open = false;
      } else {
        s.move_refusal = r.error().message;
      }
    }
    widgets::error_text(s.move_refusal);
  }
  ImGui::End();
}

void draw_edit_window(const Ui& ui, ConsoleContext& ctx, AccountsState& s) {
  if (!s.editing) return;
  const State& st = ctx.replica->view();
  const Account* a = st.account(*s.editing);
  if (!a) {
    s.editing.reset();
    return;
  }
  bool open = true;
  ImGui::SetNextWindowSize(ImVec2(ui.px(380.f), 0.f), ImGuiCond_Appearing);
  if (ImGui::Begin("Edit Account", &open,
                   ImGuiWindowFlags_NoCollapse | ImGuiWindowFlags_AlwaysAutoResize)) {
    ImGui::TextUnformatted((a->account_id + " · " + status_label(a->status)).c_str());
    const float w = ui.px(320.f);
    widgets::labeled_input("First Name", s.edit_first, sizeof s.edit_first, 0, w);
    widgets::labeled_input("Last Name", s.edit_last, sizeof s.edit_last, 0, w);
    widgets::labeled_input("Email or Device #", s.edit_address, sizeof s.edit_address, 0, w);
    widgets::labeled_input("Forwarding Number", s.edit_forwarding, sizeof s.edit_forwarding, 0, w);
    widgets::labeled_input("Notes", s.edit_notes, sizeof s.edit_notes, 0, w);
    widgets::error_text(s.edit_error);
    if (ImGui::Button("Save changes")) {
      EditAccount edit;
      edit.account = a->id;
      edit.fields.first_name = std::string(s.edit_first);
      edit.fields.last_name = std::string(s.edit_last);
      edit.fields.invite_address = std::string(s.edit_address);
      edit.fields.forwarding_number = std::string(s.edit_forwarding);
      edit.fields.notes = std::string(s.edit_notes);
      auto r = ctx.submit(edit, nullptr, {});
      if (r) {
        s.notice = "Saved " + a->account_id + ".";
        open = false;
      } else {
        s.edit_error = r.error().message;
      }
    }
    ImGui::SameLine();
    if (ImGui::Button("Delete account")) {
      auto r = ctx.submit(DeleteAccounts{{a->id}}, nullptr, {});
      if (r) {
        s.notice = "Deleted the account.";
        open = false;
      } else {
        s.edit_error = r.error().message;
      }
    }
  }
  ImGui::End();
  if (!open) s.editing.reset();
}

void draw_add_window(const Ui& ui, ConsoleContext& ctx, AccountsState& s) {
  if (!s.add_open) return;
  const ImGuiViewport* vp = ImGui::GetMainViewport();
  ImGui::SetNextWindowPos(
      ImVec2(vp->WorkPos.x + vp->WorkSize.x * 0.5f, vp->WorkPos.y + ui.px(60.f)),
      ImGuiCond_Appearing, ImVec2(0.5f, 0.f));
  ImGui::SetNextWindowSizeConstraints(ImVec2(ui.px(420.f), 0.f),
                                      ImVec2(ui.px(700.f), vp->WorkSize.y - ui.px(80.f)));
  if (ImGui::Begin("Add Account", &s.add_open,
                   ImGuiWindowFlags_NoCollapse | ImGuiWindowFlags_AlwaysAutoResize)) {
    if (ImGui::BeginTabBar("add_tabs")) {
      if (ImGui::BeginTabItem("Single Account")) {
        s.add_tab = 0;
        draw_single(ui, ctx, s);
        ImGui::EndTabItem();
      }
      if (ImGui::BeginTabItem("Multiple Accounts")) {
        s.add_tab = 1;
        draw_multiple(ui, ctx, s);
        ImGui::EndTabItem();
      }
      ImGui::EndTabBar();
    }
  }
  ImGui::End();
}

}  // namespace

void draw_batches(const Ui& ui, ConsoleContext& ctx, AccountsState& s) {
  const State& st = ctx.replica->view();
  std::vector<const BatchRecord*> batches;
  for (const auto& [id, b] : st.batches()) {
    if (st.org(b.org) && st.orgs().is_within(b.org, ctx.org)) batches.push_back(&b);
  }
  std::sort(batches.begin(), batches.end(), [](const BatchRecord* a, const BatchRecord* b) {
    return a->created_ms != b->created_ms ? a->created_ms > b->created_ms
                                          : a->id.value > b->id.value;
  });
  ImGui::PushFont(ui.title);
  ImGui::TextUnformatted("Batch Operation Reports");
  ImGui::PopFont();
  if (batches.empty()) widgets::muted_text("No CSV imports in this organization yet.");
  widgets::error_text(s.error);
  if (!ImGui::BeginTable(
          "batches", 7,
          ImGuiTableFlags_RowBg | ImGuiTableFlags_BordersInnerV | ImGuiTableFlags_ScrollY))
    return;
  ImGui::TableSetupScrollFreeze(0, 1);
  for (const char* c : {"File", "Operation", "Organization", "By", "When", "Rows", "Report"})
    ImGui::TableSetupColumn(c);
  ImGui::TableHeadersRow();
  const TimeZone utc = TimeZone::utc();
  for (const BatchRecord* b : batches) {
    ImGui::TableNextRow();
    ImGui::PushID(static_cast<int>(b->id.value & 0x7fffffff));
    ImGui::TableNextColumn();
    ImGui::TextUnformatted(b->file_name.c_str());
    ImGui::TableNextColumn();
    ImGui::TextUnformatted(std::string(batch_mode_label(b->mode)).c_str());
    ImGui::TableNextColumn();
    ImGui::TextUnformatted(st.org(b->org)->name.c_str());
    ImGui::TableNextColumn();
    ImGui::TextUnformatted(b->admin_email.c_str());
    ImGui::TableNextColumn();
    ImGui::TextUnformatted((utc.format(b->created_ms) + " UTC").c_str());
    ImGui::TableNextColumn();
    ImGui::Text("%d imported, %d failed", b->rows_imported, b->rows_failed);
    ImGui::TableNextColumn();
    if (ImGui::SmallButton(("Details##" + b->file_name + std::to_string(b->id.value)).c_str())) {
      ImGui::OpenPopup("batch_details");
    }
    if (ImGui::BeginPopup("batch_details")) {
      const PermissionGroup* g = st.group(b->permission_group);
      ImGui::Text("%s", b->file_name.c_str());
      ImGui::Separator();
      ImGui::Text("Operation: %s", std::string(batch_mode_label(b->mode)).c_str());
      ImGui::Text("Organization: %s", st.org(b->org)->name.c_str());
      ImGui::Text("User Permissions: %s", g ? g->name.c_str() : "the organization's default");
      ImGui::Text("By %s on %s UTC", b->admin_email.c_str(), utc.format(b->created_ms).c_str());
      ImGui::Text("Rows: %d · imported %d · failed %d · skipped %d", b->rows_total, b->rows_imported,
                  b->rows_failed, b->rows_skipped);
      ImGui::Text("Invitations sent: %d", b->invitations);
      ImGui::EndPopup();
    }
    ImGui::SameLine();
    if (ImGui::SmallButton(("Download##" + b->file_name + std::to_string(b->id.value)).c_str())) {
      ctx.fetch("/api/batches/" + std::to_string(b->id.value) + "/report.csv",
                [&s, download = ctx.download, name = report_file_name(b->file_name)](
                    int status, const std::string& body) {
                  if (status != 200) {
                    s.error =
                        status == 0
                            ? "The report is kept on the server; download it when back online."
                            : "The server could not give the report (HTTP " +
                                  std::to_string(status) + ").";
                    return;
                  }
                  download(name, body);
                  ++s.downloads;
                });
    }
    ImGui::PopID();
  }
  ImGui::EndTable();
}

void AccountsState::file_chosen(const std::string& name, std::string text,
                                const ConsoleContext& ctx) {
  file_name = name;
  file_text = std::move(text);
  run_preview(ctx, *this);
}

void draw_accounts(const Ui& ui, ConsoleContext& ctx, AccountsState& s) {
  const State& st = ctx.replica->view();
  // A search through a large enterprise is spread over frames (about 10 000 accounts each) so
  // typing never stalls the console.
  s.table.refresh(st, ctx.org, s.filter, 10000);
  follow_import(ctx, s);
  draw_filters(ui, ctx, s);
  // The selection in row order, once a frame for the bulk actions and the Move window.
  const std::vector<AccountId> selection = s.table.selection(st);
  draw_actions(ctx, s, selection);
  widgets::error_text(s.error);
  if (s.table.searching()) {
    const std::string line = "Searching… " + std::to_string(static_cast<int>(s.table.search_progress() * 100)) + "%";
    widgets::muted_text(line.c_str());
  } else if (!s.notice.empty()) {
    widgets::muted_text(s.notice.c_str());
  }
  // Sort specs read in the table apply from the next frame's refresh.
  draw_table(ui, ctx, s);
  draw_add_window(ui, ctx, s);
  draw_move_window(ui, ctx, s, selection);
  draw_edit_window(ui, ctx, s);
  draw_import_window(ui, ctx, s);
}

Json accounts_test_state(const AccountsState& s) {
  Json j{{"rows", s.table.rows().size()},
         {"searching", s.table.searching()},
         {"selected", s.table.selected_count()},
         {"notice", s.notice},
         {"error", s.error},
         {"form_error", s.form_error},
         {"form_error_field", s.form_error_field},
         {"move_refusal", s.move_refusal},
         {"downloads", s.downloads}};
  if (s.preview) {
    j["preview"] = Json{{"ok", s.preview->ok},
                        {"failed", s.preview->failed},
                        {"skipped", s.preview->skipped},
                        {"error", s.preview->error ? s.preview->error->message : std::string()},
                        {"ms", s.preview_ms}};
  }
  if (s.import) {
    j["import"] = Json{{"stage", s.import->stage},
                       {"progress", s.import->progress},
                       {"done", s.import->done},
                       {"failed", s.import->failed},
                       {"report_downloaded", s.import->report_downloaded},
                       {"batch", s.import->batch.value}};
  }
  return j;
}

}  // namespace linedesk::client
