// Account values, JSON and the invitation-address rule.
#include "account.hpp"

#include "administrator.hpp"
#include "number.hpp"
#include "text.hpp"

namespace linedesk {

std::string_view account_status_name(AccountStatus s) {
  switch (s) {
    case AccountStatus::kNotInvited: return "not_invited";
    case AccountStatus::kInvited: return "invited";
    case AccountStatus::kInvitationFailed: return "invitation_failed";
    case AccountStatus::kActive: return "active";
  }
  return "not_invited";
}

std::string_view account_status_label(AccountStatus s) {
  switch (s) {
    case AccountStatus::kNotInvited: return "Not Invited";
    case AccountStatus::kInvited: return "Invited";
    case AccountStatus::kInvitationFailed: return "Invitation Failed";
    case AccountStatus::kActive: return "Active";
  }
  return "Not Invited";
}

std::optional<AccountStatus> account_status_from_name(std::string_view name) {
  for (AccountStatus s : {AccountStatus::kNotInvited, AccountStatus::kInvited,
                          AccountStatus::kInvitationFailed, AccountStatus::kActive}) {
    if (account_status_name(s) == name) return s;
  }
  return std::nullopt;
}

std::string Account::name() const {
  if (first_name.empty()) return last_name;
  if (last_name.empty()) return first_name;
  return first_name + " " + last_name;
}

bool Account::invite_is_email() const { return invite_address.find('@') != std::string::npos; }

Json to_json(const std::vector<AppActivity>& history) {
  Json out = Json::array();
  for (const auto& h : history) {
    out.push_back(Json{{"app", h.app}, {"platform", h.platform}, {"at_ms", h.at_ms}});
  }
  return out;
}

// Members are placed one by one: a braced list of pairs builds each pair as a temporary
// two-element array first, which made this (the hottest encoder: every account change writes it
// to the change log and the audit) about 2.5 times slower.
Json to_json(const Account& a) {
  Json j = Json::object();
  auto& o = j.get_ref<Json::object_t&>();
  o.emplace("id", a.id.value);
  o.emplace("org", a.org.value);
  o.emplace("permission_group", a.permission_group.value);
  o.emplace("account_id", a.account_id);
  o.emplace("first_name", a.first_name);
  o.emplace("last_name", a.last_name);
  o.emplace("invite_address", a.invite_address);
  o.emplace("device_number", a.device_number);
  o.emplace("notification_address", a.notification_address);
  o.emplace("status", std::string(account_status_name(a.status)));
  o.emplace("number", a.number);
  o.emplace("monitor_calls", a.monitor_calls);
  o.emplace("monitor_messages", a.monitor_messages);
  o.emplace("social_messaging", a.social_messaging);
  o.emplace("restrict_incoming_social_messaging", a.restrict_incoming_social_messaging);
  o.emplace("enable_clare", a.enable_clare);
  o.emplace("ms_teams_calling", a.ms_teams_calling);
  o.emplace("compliance_group", a.compliance_group);
  o.emplace("language", std::string(language_name(a.language)));
  o.emplace("forwarding_number", a.forwarding_number);
  o.emplace("notes", a.notes);
  o.emplace("invitation", a.invitation.value);
  o.emplace("created_ms", a.created_ms);
  o.emplace("updated_ms", a.updated_ms);
  o.emplace("invitation_sent_ms", a.invitation_sent_ms);
  o.emplace("registered_ms", a.registered_ms);
  o.emplace("last_sign_in_ms", a.last_sign_in_ms);
  o.emplace("app_history", to_json(a.app_history));
  o.emplace("version", a.version);
  return j;
}

Result<Account> account_from_json(const Json& j) {
  JsonReader r(j, "account");
  Account a;
  a.id = r.required_id<AccountTag>("id");
  a.org = r.required_id<OrgTag>("org");
  a.permission_group = r.optional_id<PermGroupTag>("permission_group");
  a.account_id = r.required_string("account_id");
  a.first_name = r.optional_string("first_name");
  a.last_name = r.optional_string("last_name");
  a.invite_address = r.optional_string("invite_address");
  a.device_number = r.optional_string("device_number");
  a.notification_address = r.optional_string("notification_address");
  const std::string status = r.optional_string("status", "not_invited");
  a.number = r.optional_string("number");
  a.monitor_calls = r.optional_bool("monitor_calls");
  a.monitor_messages = r.optional_bool("monitor_messages");
  a.social_messaging = r.optional_bool("social_messaging");
  a.restrict_incoming_social_messaging = r.optional_bool("restrict_incoming_social_messaging");
  a.enable_clare = r.optional_bool("enable_clare");
  a.ms_teams_calling = r.optional_bool("ms_teams_calling");
  a.compliance_group = r.optional_string("compliance_group");
  const std::string language = r.optional_string("language", "English");
  a.forwarding_number = r.optional_string("forwarding_number");
  a.notes = r.optional_string("notes");
  a.invitation = r.optional_id<InvitationTag>("invitation");
  a.created_ms = r.optional_int("created_ms");
  a.updated_ms = r.optional_int("updated_ms");
  a.invitation_sent_ms = r.optional_int("invitation_sent_ms");
  a.registered_ms = r.optional_int("registered_ms");
  a.last_sign_in_ms = r.optional_int("last_sign_in_ms");
  a.version = r.optional_int("version");
  if (const Json* h = r.optional("app_history"); h && r.ok()) {
    if (!h->is_array()) {
      r.fail("invalid_field", "app_history", "The application history must be a list.");
    } else {
      for (const Json& e : *h) {
        JsonReader er(e, "account.app_history");
        AppActivity act{er.required_string("app"), er.optional_string("platform"),
                        er.optional_int("at_ms")};
        if (!er.ok()) return er.error();
        a.app_history.push_back(std::move(act));
      }
    }
  }
  if (!r.ok()) return r.error();
  auto st = account_status_from_name(status);
  if (!st) {
    return make_error("invalid_field", "account.status", "Unknown account status \"" + status + "\".");
  }
  a.status = *st;
  auto lang = language_from_name(language);
  if (!lang) {
    return make_error("invalid_language", "account.language",
                      "Language must be English, Italian, German, French or Spanish.");
  }
  a.language = *lang;
  return a;
}

Result<InviteAddress> parse_invite_address(std::string_view text, std::string_view field,
                                           bool email_only) {
  const std::string_view t = trim(text);
  if (t.empty()) {
    return make_error("missing_field", std::string(field),
                      "Enter the email address or device number the invitation goes to.");
  }
  if (t.find('@') != std::string_view::npos) {
    const std::string email = ascii_lower(t);
    if (!is_plausible_email(email)) {
      return make_error("invalid_email", std::string(field),
                        "\"" + std::string(t) + "\" is not a valid email address.");
    }
    return InviteAddress{true, email};
  }
  if (email_only) {
    return make_error("email_required", std::string(field),
                      "\"" + std::string(t) +
                          "\" is a device number, but this organization uses SMTP data offload: "
                          "invitations must go to an email address.");
  }
  auto phone = parse_e164(t, field);
  if (!phone) {
    return make_error("invalid_invite_address", std::string(field),
                      "\"" + std::string(t) +
                          "\" is neither an email address nor a device number with its country "
                          "code (e.g. +39 333 123 4567).");
  }
  return InviteAddress{false, std::move(phone).value()};
}

std::string account_id_key(std::string_view account_id) { return ascii_lower(trim(account_id)); }

}  // namespace linedesk
