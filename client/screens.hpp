// The console's screens around Accounts (seeds 001, 003, 004): Organizations with their
// policies, Numbers, User Permissions, Administrators and Roles, Settings, Profile and the
// Admin Activity Report. Each keeps its fields between frames in a state struct and asks for
// everything through the ConsoleContext; the rules are the core's (console_model.hpp).
#pragma once

#include <map>
#include <optional>
#include <set>
#include <string>
#include <vector>

#include "console_context.hpp"
#include "console_model.hpp"
#include "ui.hpp"

namespace linedesk::client {

// What a screen shows after an action: the refusal (and the field it names) or what was done.
struct Feedback {
  std::string error, field, notice;
  void fail(const Error& e) {
    error = e.message;
    field = e.field;
    notice.clear();
  }
  void done(std::string what) {
    error.clear();
    field.clear();
    notice = std::move(what);
  }
  void clear() { error.clear(), field.clear(), notice.clear(); }
  // The error when it is about `f` (drawn under that field).
  const std::string* about(const char* f) const { return field == f ? &error : nullptr; }
};

// The error of `fb` under the field it names.
inline void field_error(const Feedback& fb, const char* field) {
  if (const std::string* e = fb.about(field)) widgets::error_text(*e);
}

// Flags of the screens' dialogs (sized to their content).
inline constexpr ImGuiWindowFlags kDialog = ImGuiWindowFlags_NoCollapse | ImGuiWindowFlags_AlwaysAutoResize;

// A number for each request a screen sends, unique for the page's life (a screen's state is
// reset when another administrator signs in; their answers must not land in it).
int next_request();

// Submits `args`; on success sets `fb` to `done_text` (with "on this device" while offline).
bool submit(ConsoleContext& ctx, CommandArgs args, Feedback& fb, const std::string& done_text);

// --- Organizations (Profile menu → Sub-Organizations) ----------------------------------------
// The seed's confirmation before an organization is deleted.
inline constexpr const char* kDeleteQuestion = "Are you sure to delete the selected item/s?";
struct OrgsState {
  OrgId selected;
  RefusalCache refusals;
  Feedback fb;
  bool create_open = false;
  OrgId create_parent;
  char create_name[128] = {}, create_description[256] = {};
  Feedback create_fb;
  bool edit_open = false;
  OrgId editing;  // the organization the Edit dialog was opened for
  char edit_name[128] = {}, edit_description[256] = {};
  Feedback edit_fb;
  bool confirm_delete = false;
  // Policy values being edited, by organization and key (the text of a number).
  std::map<std::pair<OrgId, std::string>, std::string> policy_edits;
  Feedback policy_fb;
};
void draw_organizations(const Ui& ui, ConsoleContext& ctx, OrgsState& s);

// --- Numbers --------------------------------------------------------------------------------
struct NumbersState {
  NumbersTable table;
  RefusalCache refusals;
  OrgId shown_for;  // the organization the selection was made in
  int state_filter = 0;  // 0 all, else NumberState + 1
  char tag[48] = {}, search[32] = {};
  bool include_suborgs = true;
  std::set<NumberId> selected;
  Feedback fb;
  // Allocate.
  bool allocate_open = false;
  OrgId allocate_to;
  int allocate_count = 1;
  bool allocate_selected = false;  // the selected numbers instead of a count
  Feedback allocate_fb;
  // Reserve.
  bool reserve_open = false;
  char reserve_tag[48] = {};
  Feedback reserve_fb;
  // Import.
  std::string import_file;
  Json import_result;  // {"rows": [...], "imported": n, ...} of the last import
  // History of one number (fetched from the server).
  std::string history_number;
  int history_request = 0;  // answers to an earlier request are dropped
  bool history_loading = false;
  Json history;
  std::string history_error;
  void file_chosen(const std::string& name, const std::string& text, ConsoleContext& ctx);
};
void draw_numbers(const Ui& ui, ConsoleContext& ctx, NumbersState& s);

// --- User Permissions, Administrators and Roles ---------------------------------------------
struct PeopleState {
  RefusalCache refusals;
  Feedback groups_fb;
  std::optional<SavePermissionGroup> group_form;  // open while set
  char group_name[96] = {}, group_description[256] = {};
  Feedback group_form_fb;

  Feedback admins_fb;
  bool invite_open = false;
  char invite_first[64] = {}, invite_last[64] = {}, invite_email[128] = {};
  OrgId invite_org;
  RoleId invite_role;
  Feedback invite_fb;
  std::optional<AdminId> editing_admin;
  RoleId edit_role;
  OrgId edit_org;
  Feedback edit_admin_fb;
  std::optional<AdminId> confirm_remove;

  Feedback roles_fb;
  std::optional<SaveRole> role_form;
  char role_name[96] = {};
  Feedback role_form_fb;
};
void draw_permissions(const Ui& ui, ConsoleContext& ctx, PeopleState& s);
void draw_administrators(const Ui& ui, ConsoleContext& ctx, PeopleState& s);

// --- Settings -------------------------------------------------------------------------------
struct SettingsState {
  OrgId loaded_for;  // the organization the buffers were filled from
  char subject[256] = {};
  char body[8192] = {};
  int threshold = 80;
  int valid_days = 14;
  std::set<std::int64_t> recipients;
  bool batch_summaries = true;
  Feedback template_fb, threshold_fb, recipients_fb;
};
void draw_settings(const Ui& ui, ConsoleContext& ctx, SettingsState& s);

// --- Profile --------------------------------------------------------------------------------
struct ProfileState {
  bool open = false;
  bool loaded = false;
  char first[64] = {}, last[64] = {}, phone[32] = {}, address[256] = {}, time_zone[64] = {};
  std::string photo;  // data URL
  Feedback fb;
  void load(const Administrator& a);
  void file_chosen(const std::string& name, const std::string& data_url);
};
// The Profile window; returns true when the administrator pressed Logout in it.
bool draw_profile(const Ui& ui, ConsoleContext& ctx, ProfileState& s);

// --- Dashboard (seed 004) ---------------------------------------------------------------------
struct DashboardState {
  int kind = 0;  // the dropdown: 0 Voice, 1 Message, 2 Data
  std::optional<DashboardFigures> figures;
  std::string time_zone;
  std::string error;
  OrgId loaded_for;
  std::int64_t loaded_version = -1;
  TimestampMs loaded_ms = 0;
  bool loading = false;
  int request = 0;
  bool detail_open = false;
  bool threshold_open = false;
  int threshold_edit = 80;
  Feedback threshold_fb;
};
void draw_dashboard(const Ui& ui, ConsoleContext& ctx, DashboardState& s);

// --- Admin Activity Report ------------------------------------------------------------------
struct ActivityState {
  char admin[128] = {}, action[64] = {}, text[128] = {}, from[16] = {}, to[16] = {};
  bool loading = false, loaded = false;
  int request = 0;  // answers to an earlier request are dropped
  Json entries = Json::array();
  std::int64_t total = 0;
  std::optional<std::size_t> open_entry;
  Feedback fb;
  int downloads = 0;
};
void draw_activity(const Ui& ui, ConsoleContext& ctx, ActivityState& s);

}  // namespace linedesk::client
