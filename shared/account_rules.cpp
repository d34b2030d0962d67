// Account field rules.
#include "account_rules.hpp"

#include "administrator.hpp"
#include "number.hpp"
#include "policy.hpp"
#include "text.hpp"

namespace linedesk {
namespace {

Status check_optional_text(std::string_view value, std::string_view field, std::string_view label,
                           std::size_t max_chars) {
  if (!is_valid_utf8(value)) {
    return make_error("invalid_text", std::string(field),
                      std::string(label) + " contains bytes that are not valid UTF-8 text.");
  }
  if (utf8_length(value) > max_chars) {
    return make_error("too_long", std::string(field),
                      std::string(label) + " is longer than " + std::to_string(max_chars) +
                          " characters.");
  }
  return {};
}

Status check_name(std::string_view value, std::string_view field, std::string_view label) {
  if (auto s = check_optional_text(value, field, label, kMaxNameLength); !s) return s;
  for (char c : value) {
    if (static_cast<unsigned char>(c) < 0x20 || c == 0x7F) {
      return make_error("invalid_text", std::string(field),
                        std::string(label) + " must not contain control characters.");
    }
  }
  return {};
}

// A feature toggle may be on only when the organization has the feature.
Status check_feature(const CommandContext& cc, OrgId org, bool wanted, std::string_view policy_key,
                     std::string_view field) {
  if (!wanted || effective_bool(cc.state.orgs(), org, policy_key)) return {};
  const PolicyDef* def = find_policy(policy_key);
  const Organization* o = cc.state.org(org);
  return make_error("feature_not_enabled", std::string(field),
                    std::string(def ? def->label : policy_key) + " is not enabled for " +
                        (o ? o->name : std::string("this organization")) + ".");
}

}  // namespace

Status check_group_usable(const CommandContext& cc, OrgId org, PermGroupId group) {
  const PermissionGroup* g = cc.state.group(group);
  // Groups of ancestors are usable; groups elsewhere are not even named to the actor.
  if (!g || (!cc.state.orgs().is_within(org, g->org) && !cc.can_see(g->org))) {
    return make_error("not_found", "permission_group",
                      "That User Permissions group does not exist.");
  }
  if (!cc.state.orgs().is_within(org, g->org)) {
    const Organization* o = cc.state.org(org);
    return make_error("group_not_usable", "permission_group",
                      "The User Permissions group \"" + g->name + "\" is not available in " +
                          (o ? o->name : std::string("this organization")) +
                          ": it belongs to another branch of the organization tree.");
  }
  return {};
}

Status apply_account_input(const CommandContext& cc, OrgId org, const AccountInput& in,
                           Account& a, bool creating) {
  const OrgTree& tree = cc.state.orgs();

  if (in.account_id || creating) {
    const std::string value(trim(in.account_id.value_or("")));
    if (value.empty()) {
      return make_error("missing_field", "account_id", "Account ID is required.");
    }
    if (auto s = check_name(value, "account_id", "Account ID"); !s) return s;
    if (utf8_length(value) > kMaxAccountIdLength) {
      return make_error("too_long", "account_id", "Account ID is longer than 120 characters.");
    }
    if (const Account* other = cc.state.account_by_key(account_id_key(value));
        other && other->id != a.id && cc.account(other->id)) {
      return make_error("account_id_taken", "account_id",
                        "Account ID \"" + value + "\" is already used by " +
                            describe_owner(cc, other) + ".");
    }
    a.account_id = value;
  }
  if (in.first_name) {
    if (auto s = check_name(*in.first_name, "first_name", "First name"); !s) return s;
    a.first_name = std::string(trim(*in.first_name));
  }
  if (in.last_name) {
    if (auto s = check_name(*in.last_name, "last_name", "Last name"); !s) return s;
    a.last_name = std::string(trim(*in.last_name));
  }
  if (in.invite_address || creating) {
    auto addr = parse_invite_address(in.invite_address.value_or(""), "invite_address",
                                     effective_bool(tree, org, policy::kSmtpDataOffload));
    if (!addr) return addr.error();
    a.invite_address = addr->value;
    if (!addr->is_email && !in.device_number) a.device_number = addr->value;
  }
  if (in.device_number) {
    if (trim(*in.device_number).empty()) {
      a.device_number.clear();
    } else {
      auto d = parse_e164(*in.device_number, "device_number");
      if (!d) return d.error();
      a.device_number = std::move(d).value();
    }
  }
  if (in.notification_address) {
    const std::string v = ascii_lower(trim(*in.notification_address));
    if (!v.empty() && !is_plausible_email(v)) {
      return make_error("invalid_email", "notification_address",
                        "Notification address \"" + *in.notification_address +
                            "\" is not a valid email address.");
    }
    a.notification_address = v;
  }
  if (in.compliance_group) {
    if (auto s = check_name(*in.compliance_group, "compliance_group", "Compliance group"); !s) {
      return s;
    }
    a.compliance_group = std::string(trim(*in.compliance_group));
  }
  if (in.language && !trim(*in.language).empty()) {
    auto l = language_from_name(*in.language);
    if (!l) {
      return make_error("invalid_language", "language",
                        "Language \"" + *in.language +
                            "\" is not one of English, Italian, German, French, Spanish.");
    }
    a.language = *l;
  } else if (creating) {
    a.language = language_from_name(effective_text(tree, org, policy::kDefaultLanguage))
                     .value_or(Language::kEnglish);
  }
  if (in.forwarding_number) {
    if (trim(*in.forwarding_number).empty()) {
      a.forwarding_number.clear();
    } else {
      auto f = parse_forwarding_number(*in.forwarding_number, "forwarding_number");
      if (!f) return f.error();
      a.forwarding_number = std::move(f).value();
    }
  }
  if (in.notes) {
    if (auto s = check_optional_text(*in.notes, "notes", "Notes", kMaxNotesLength); !s) return s;
    a.notes = *in.notes;
  }

  if (in.monitor_calls) a.monitor_calls = *in.monitor_calls;
  if (in.monitor_messages) a.monitor_messages = *in.monitor_messages;
  if (in.social_messaging) a.social_messaging = *in.social_messaging;
  if (in.restrict_incoming_social_messaging) {
    a.restrict_incoming_social_messaging = *in.restrict_incoming_social_messaging;
  }
  if (in.enable_clare) a.enable_clare = *in.enable_clare;
  if (in.ms_teams_calling) a.ms_teams_calling = *in.ms_teams_calling;
  // Seed: restrict_incoming_social_messaging is "only applicable when social_messaging" is on.
  if (!a.social_messaging) a.restrict_incoming_social_messaging = false;

  // Toggles the organization does not offer cannot be switched on (re-checked on every
  // change, so a move to an organization without the feature is caught too).
  if (auto s = check_feature(cc, org, a.social_messaging, policy::kSocialMessaging,
                             "social_messaging");
      !s) {
    return s;
  }
  if (auto s = check_feature(cc, org, a.ms_teams_calling, policy::kMsTeamsCalling,
                             "ms_teams_calling");
      !s) {
    return s;
  }
  if (auto s = check_feature(cc, org, a.enable_clare, policy::kClare, "enable_clare"); !s) return s;
  if (auto s = check_feature(cc, org, a.monitor_calls, policy::kCallMonitoring, "monitor_calls");
      !s) {
    return s;
  }
  if (auto s = check_feature(cc, org, a.monitor_messages, policy::kMessageMonitoring,
                             "monitor_messages");
      !s) {
    return s;
  }

  if (in.permission_group && in.permission_group->valid()) {
    if (auto s = check_group_usable(cc, org, *in.permission_group); !s) return s;
    a.permission_group = *in.permission_group;
  } else if (creating || !a.permission_group.valid()) {
    a.permission_group = cc.state.default_group(org);
    if (!a.permission_group.valid()) {
      return make_error("no_permission_group", "permission_group",
                        "There is no default User Permissions group for this organization; "
                        "create one first.");
    }
  }
  return {};
}

}  // namespace linedesk
