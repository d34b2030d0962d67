// Commands: every change to the state is one of these named mutations with JSON arguments,
// validated and applied by the same core code in the browser and on the server.
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <variant>
#include <vector>

#include "batch.hpp"
#include "ids.hpp"
#include "json_io.hpp"
#include "policy.hpp"
#include "role.hpp"

namespace linedesk {

// Version of the command JSON ("v"); decoders refuse other versions.
inline constexpr int kCommandVersion = 1;

// Account fields as given by the administrator; absent fields are left unchanged (edit) or
// take their defaults (add). Shared by add_account, edit_account and batch rows.
struct AccountInput {
  std::optional<std::string> account_id;
  std::optional<std::string> first_name;
  std::optional<std::string> last_name;
  std::optional<std::string> invite_address;
  std::optional<std::string> device_number;
  std::optional<std::string> notification_address;
  std::optional<std::string> compliance_group;
  std::optional<std::string> language;
  std::optional<std::string> forwarding_number;
  std::optional<std::string> notes;
  std::optional<bool> monitor_calls;
  std::optional<bool> monitor_messages;
  std::optional<bool> social_messaging;
  std::optional<bool> restrict_incoming_social_messaging;
  std::optional<bool> enable_clare;
  std::optional<bool> ms_teams_calling;
  std::optional<PermGroupId> permission_group;
  bool operator==(const AccountInput&) const = default;
};

// --- Organizations -------------------------------------------------------------------------
struct CreateOrg {
  static constexpr std::string_view kName = "create_org";
  OrgId parent;
  std::string name;
  std::string description;
  bool operator==(const CreateOrg&) const = default;
};
struct EditOrg {
  static constexpr std::string_view kName = "edit_org";
  OrgId org;
  std::optional<std::string> name;
  std::optional<std::string> description;
  bool operator==(const EditOrg&) const = default;
};
struct DeleteOrg {
  static constexpr std::string_view kName = "delete_org";
  OrgId org;
  bool operator==(const DeleteOrg&) const = default;
};
// Sets (value present) or clears (value absent: inherit again) one policy on `org`.
struct SetPolicy {
  static constexpr std::string_view kName = "set_policy";
  OrgId org;
  std::string key;
  std::optional<Json> value;
  bool operator==(const SetPolicy&) const = default;
};
// Seed 004, "Manage Threshold": 1 to 100 percent.
struct SetThreshold {
  static constexpr std::string_view kName = "set_threshold";
  OrgId org;
  std::int64_t percent = 0;
  bool operator==(const SetThreshold&) const = default;
};

// --- Accounts ------------------------------------------------------------------------------
// Seed 001: "Save" (invite = false) or "Save & Invite" (invite = true). `number` assigns a
// specific number; `tag` assigns a number reserved with that tag; neither leaves the choice to
// the user at activation.
struct AddAccount {
  static constexpr std::string_view kName = "add_account";
  OrgId org;
  AccountInput fields;
  std::string number;
  std::string tag;
  bool invite = false;
  bool operator==(const AddAccount&) const = default;
};
struct EditAccount {
  static constexpr std::string_view kName = "edit_account";
  AccountId account;
  std::int64_t expected_version = 0;  // 0: no check
  AccountInput fields;
  bool operator==(const EditAccount&) const = default;
};
struct DeleteAccounts {
  static constexpr std::string_view kName = "delete_accounts";
  std::vector<AccountId> accounts;
  bool operator==(const DeleteAccounts&) const = default;
};
// Invite or resend ("Resend Invitation"); accounts already active are skipped.
struct InviteAccounts {
  static constexpr std::string_view kName = "invite_accounts";
  std::vector<AccountId> accounts;
  bool operator==(const InviteAccounts&) const = default;
};
struct MoveAccounts {
  static constexpr std::string_view kName = "move_accounts";
  std::vector<AccountId> accounts;
  OrgId destination;
  bool operator==(const MoveAccounts&) const = default;
};
// `expected_owner` is the account the number is expected to belong to now (none: free); a
// different owner refuses with number_taken instead of silently taking it over.
struct AssignNumber {
  static constexpr std::string_view kName = "assign_number";
  AccountId account;
  std::string number;
  std::string tag;
  AccountId expected_owner;
  bool operator==(const AssignNumber&) const = default;
};
struct UnassignNumber {
  static constexpr std::string_view kName = "unassign_number";
  AccountId account;
  bool operator==(const UnassignNumber&) const = default;
};

// --- Server-only (system) commands ---------------------------------------------------------
struct RecordInvitationSent {
  static constexpr std::string_view kName = "record_invitation_sent";
  InvitationId invitation;
  bool operator==(const RecordInvitationSent&) const = default;
};
struct RecordInvitationFailed {
  static constexpr std::string_view kName = "record_invitation_failed";
  InvitationId invitation;
  std::string reason;
  bool operator==(const RecordInvitationFailed&) const = default;
};
// The user activates through the invitation link, choosing `number` when none was assigned.
struct ActivateAccount {
  static constexpr std::string_view kName = "activate_account";
  InvitationId invitation;
  std::string number;
  bool operator==(const ActivateAccount&) const = default;
};
struct RecordAppActivity {
  static constexpr std::string_view kName = "record_app_activity";
  AccountId account;
  std::string app;
  std::string platform;
  TimestampMs at_ms = 0;
  bool operator==(const RecordAppActivity&) const = default;
};

// --- Numbers -------------------------------------------------------------------------------
struct NumberEntry {
  std::string number;  // as written
  std::string tag;
  std::size_t line = 0;  // line in the uploaded file, for the per-row report
  bool operator==(const NumberEntry&) const = default;
};
// Into the enterprise's (root) pool; each entry reported as imported or refused.
struct ImportNumbers {
  static constexpr std::string_view kName = "import_numbers";
  std::vector<NumberEntry> entries;
  bool operator==(const ImportNumbers&) const = default;
};
// Moves free numbers between pools along the tree: down to a sub-organization, or back up.
// Either `numbers` or `count` (the lowest free numbers of `from`, default the parent of `to`).
struct AllocateNumbers {
  static constexpr std::string_view kName = "allocate_numbers";
  OrgId to;
  OrgId from;
  std::vector<std::string> numbers;
  std::int64_t count = 0;
  bool operator==(const AllocateNumbers&) const = default;
};
struct ReserveNumbers {
  static constexpr std::string_view kName = "reserve_numbers";
  std::vector<std::string> numbers;
  std::string tag;
  bool operator==(const ReserveNumbers&) const = default;
};
struct ReleaseNumbers {
  static constexpr std::string_view kName = "release_numbers";
  std::vector<std::string> numbers;
  bool operator==(const ReleaseNumbers&) const = default;
};

// --- Permission groups, roles, administrators, profile -------------------------------------
// Creates (no id) or edits (id) a User Permissions group.
struct SavePermissionGroup {
  static constexpr std::string_view kName = "save_permission_group";
  PermGroupId id;
  OrgId org;
  std::string name;
  std::string description;
  bool is_default = false;
  bool voice_calling = true;
  bool messaging = true;
  bool international_calling = false;
  bool call_recording_allowed = true;
  bool operator==(const SavePermissionGroup&) const = default;
};
struct DeletePermissionGroup {
  static constexpr std::string_view kName = "delete_permission_group";
  PermGroupId id;
  bool operator==(const DeletePermissionGroup&) const = default;
};
struct SaveRole {
  static constexpr std::string_view kName = "save_role";
  RoleId id;
  OrgId org;
  std::string name;
  PrivilegeSet privileges;
  bool operator==(const SaveRole&) const = default;
};
struct DeleteRole {
  static constexpr std::string_view kName = "delete_role";
  RoleId id;
  bool operator==(const DeleteRole&) const = default;
};
struct InviteAdmin {
  static constexpr std::string_view kName = "invite_admin";
  OrgId org;
  RoleId role;
  std::string email;
  std::string first_name;
  std::string last_name;
  bool operator==(const InviteAdmin&) const = default;
};
struct EditAdmin {
  static constexpr std::string_view kName = "edit_admin";
  AdminId admin;
  RoleId role;  // none: unchanged
  OrgId org;    // none: unchanged
  bool operator==(const EditAdmin&) const = default;
};
struct RemoveAdmin {
  static constexpr std::string_view kName = "remove_admin";
  AdminId admin;
  bool operator==(const RemoveAdmin&) const = default;
};
// Seed 004, "Edit Administrator profile": the acting administrator's own profile.
struct EditProfile {
  static constexpr std::string_view kName = "edit_profile";
  std::optional<std::string> first_name;
  std::optional<std::string> last_name;
  std::optional<std::string> phone;
  std::optional<std::string> address;
  std::optional<std::string> time_zone;
  std::optional<std::string> photo;
  bool operator==(const EditProfile&) const = default;
};

// --- Batch import (seeds 001-003) ----------------------------------------------------------
inline constexpr std::size_t kMaxBatchRows = 1000;
// One CSV upload for one organization and one permission group. `dry_run` validates every row
// and reports, changing nothing.
struct ImportBatch {
  static constexpr std::string_view kName = "import_batch";
  OrgId org;
  PermGroupId permission_group;
  BatchMode mode = BatchMode::kImport;
  std::string file_name;
  std::string csv;
  bool dry_run = false;
  bool operator==(const ImportBatch&) const = default;
};

using CommandArgs =
    std::variant<CreateOrg, EditOrg, DeleteOrg, SetPolicy, SetThreshold, AddAccount, EditAccount,
                 DeleteAccounts, InviteAccounts, MoveAccounts, AssignNumber, UnassignNumber,
                 RecordInvitationSent, RecordInvitationFailed, ActivateAccount, RecordAppActivity,
                 ImportNumbers, AllocateNumbers, ReserveNumbers, ReleaseNumbers,
                 SavePermissionGroup, DeletePermissionGroup, SaveRole, DeleteRole, InviteAdmin,
                 EditAdmin, RemoveAdmin, EditProfile, ImportBatch>;

std::string_view command_name(const CommandArgs& args);
// System commands come only from the server itself (delivery results, activation, app
// events); a client or script sending one is refused.
bool is_system_command(const CommandArgs& args);

// A command as queued and sent: a UUID (idempotency and id seed) and its arguments.
struct Command {
  std::string uuid;
  CommandArgs args;
  bool operator==(const Command&) const = default;
};

Json to_json(const AccountInput& in);
Result<AccountInput> account_input_from_json(const Json& j);
// {"name": "...", "args": {...}}
Json args_to_json(const CommandArgs& args);
Result<CommandArgs> args_from_json(const Json& j);
// {"v": 1, "uuid": "...", "name": "...", "args": {...}}
Json to_json(const Command& c);
Result<Command> command_from_json(const Json& j);

}  // namespace linedesk
