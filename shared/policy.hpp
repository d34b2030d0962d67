// Policies: settings an organization sets for itself and its descendants (seed: "policies set
// at the top-level are inherited by the organizations below"), unless a descendant overrides.
#pragma once

#include <cstdint>
#include <map>
#include <string>
#include <string_view>
#include <variant>
#include <vector>

#include "ids.hpp"
#include "json_io.hpp"

namespace linedesk {

class OrgTree;

enum class PolicyType { kBool, kInt, kText, kLanguage, kAdminList };

// A policy's value: bool, integer, text (also a language name), or a list of administrator ids.
using PolicyValue = std::variant<bool, std::int64_t, std::string, std::vector<std::int64_t>>;

// Stable keys, used in JSON and storage.
namespace policy {
inline constexpr std::string_view kSocialMessaging = "social_messaging";
inline constexpr std::string_view kMsTeamsCalling = "ms_teams_calling";
inline constexpr std::string_view kClare = "clare";
inline constexpr std::string_view kCallMonitoring = "call_monitoring";
inline constexpr std::string_view kMessageMonitoring = "message_monitoring";
inline constexpr std::string_view kSmtpDataOffload = "smtp_data_offload";
inline constexpr std::string_view kDefaultLanguage = "default_language";
inline constexpr std::string_view kUtilizationThreshold = "utilization_threshold";
inline constexpr std::string_view kInvitationSubject = "invitation_subject";
inline constexpr std::string_view kInvitationBody = "invitation_body";
inline constexpr std::string_view kInvitationValidDays = "invitation_valid_days";
inline constexpr std::string_view kNotificationAdmins = "notification_admins";
inline constexpr std::string_view kBatchNotifications = "batch_notifications";
}  // namespace policy

struct PolicyDef {
  std::string_view key;
  std::string_view label;  // what the console shows
  std::string_view help;   // one sentence on what it does
  PolicyType type;
  PolicyValue fallback;    // the value when no organization up the tree sets it
  std::int64_t min = 0;    // for kInt
  std::int64_t max = 0;
  std::size_t max_length = 0;  // for kText
};

// Every policy, in the order the console lists them.
const std::vector<PolicyDef>& policy_defs();
const PolicyDef* find_policy(std::string_view key);

// Overrides set on one organization, by key.
using PolicyOverrides = std::map<std::string, PolicyValue, std::less<>>;

Json to_json(const PolicyValue& v);
// Decodes and validates a value for `def` (type, range, length, known language).
Result<PolicyValue> policy_value_from_json(const PolicyDef& def, const Json& j);
Status check_policy_value(const PolicyDef& def, const PolicyValue& v);
Json to_json(const PolicyOverrides& overrides);
Result<PolicyOverrides> policy_overrides_from_json(const Json& j);

// The value in force at `org` and where it comes from: the nearest organization (itself or an
// ancestor) that sets it, or none (source invalid) when the built-in default applies.
struct EffectivePolicy {
  PolicyValue value;
  OrgId source;
};
EffectivePolicy effective_policy(const OrgTree& tree, OrgId org, std::string_view key);

bool effective_bool(const OrgTree& tree, OrgId org, std::string_view key);
std::int64_t effective_int(const OrgTree& tree, OrgId org, std::string_view key);
std::string effective_text(const OrgTree& tree, OrgId org, std::string_view key);
std::vector<std::int64_t> effective_list(const OrgTree& tree, OrgId org, std::string_view key);

// A readable rendering of a value ("On", "80", "English", "2 administrators").
std::string describe_policy_value(const PolicyDef& def, const PolicyValue& v);

}  // namespace linedesk
