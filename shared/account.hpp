// Account: an end user of a business line, with every field of the seed's accounts download.
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "ids.hpp"
#include "json_io.hpp"
#include "language.hpp"

namespace linedesk {

// Seed 000, "MultiLine status".
enum class AccountStatus { kNotInvited, kInvited, kInvitationFailed, kActive };

std::string_view account_status_name(AccountStatus s);   // "not_invited", ...
std::string_view account_status_label(AccountStatus s);  // "Not Invited", "Invitation Failed", ...
std::optional<AccountStatus> account_status_from_name(std::string_view name);
// Invited or Invitation Failed: an invitation is outstanding.
inline bool invitation_outstanding(AccountStatus s) {
  return s == AccountStatus::kInvited || s == AccountStatus::kInvitationFailed;
}

// One use of a MultiLine application ("Applications Activity History").
struct AppActivity {
  std::string app;       // "MultiLine", "MultiLine for Intune"
  std::string platform;  // "iOS", "Android", "Desktop"
  TimestampMs at_ms = 0;
  bool operator==(const AppActivity&) const = default;
};

struct Account {
  AccountId id;
  OrgId org;
  PermGroupId permission_group;          // "User Permissions"
  std::string account_id;                // "Account ID": required, unique in the enterprise
  std::string first_name;
  std::string last_name;
  std::string invite_address;            // "Email or Device #" the invitation goes to
  std::string device_number;             // "Device #"
  std::string notification_address;      // optional email for notifications
  AccountStatus status = AccountStatus::kNotInvited;
  std::string number;                    // E.164 of the assigned or in-use MultiLine number
  bool monitor_calls = false;            // CSV monitor_calls auto/off
  bool monitor_messages = false;         // CSV monitor_sms on/off
  bool social_messaging = false;
  bool restrict_incoming_social_messaging = false;
  bool enable_clare = false;
  bool ms_teams_calling = false;
  std::string compliance_group;
  Language language = Language::kEnglish;
  std::string forwarding_number;
  std::string notes;
  InvitationId invitation;               // the current invitation, if any
  TimestampMs created_ms = 0;
  TimestampMs updated_ms = 0;
  TimestampMs invitation_sent_ms = 0;    // "Invitation sent"
  TimestampMs registered_ms = 0;         // "Date Registered": activation
  TimestampMs last_sign_in_ms = 0;
  std::vector<AppActivity> app_history;  // newest last
  std::int64_t version = 0;              // +1 on every change; edits may require a version

  std::string name() const;  // "First Last", as the seed's "Name" column
  bool invite_is_email() const;
  bool operator==(const Account&) const = default;
};

inline constexpr std::size_t kMaxNameLength = 80;
inline constexpr std::size_t kMaxAccountIdLength = 120;
inline constexpr std::size_t kMaxNotesLength = 2000;

// The application history alone, as to_json(Account) writes it (the store keeps it in a column).
Json to_json(const std::vector<AppActivity>& history);
Json to_json(const Account& a);
Result<Account> account_from_json(const Json& j);

// An invitation target: an email address, or a device number in international form.
struct InviteAddress {
  bool is_email = false;
  std::string value;  // lower-cased email, or "+<digits>"
};
// Seed: "Accepts standard email address or phone number". `email_only` applies the SMTP data
// offload rule ("Must be email if using SMTP data offload").
Result<InviteAddress> parse_invite_address(std::string_view text, std::string_view field,
                                           bool email_only);

// Account IDs compare case-insensitively (ASCII) with surrounding spaces ignored.
std::string account_id_key(std::string_view account_id);

}  // namespace linedesk
