// The policy registry and inheritance.
#include "policy.hpp"

#include "language.hpp"
#include "org_tree.hpp"
#include "text.hpp"

namespace linedesk {

const std::vector<PolicyDef>& policy_defs() {
  static const std::vector<PolicyDef> kDefs = {
      {policy::kSocialMessaging, "Social Messaging",
       "Users may use WhatsApp, WeChat and LINE through their business number.", PolicyType::kBool,
       false},
      {policy::kMsTeamsCalling, "MS Teams Calling", "Users may call through Microsoft Teams.",
       PolicyType::kBool, false},
      {policy::kClare, "Clare", "Users may enable the Clare assistant.", PolicyType::kBool, false},
      {policy::kCallMonitoring, "Call recording", "Calls of users with Monitor Calls are recorded.",
       PolicyType::kBool, true},
      {policy::kMessageMonitoring, "Message recording",
       "Messages of users with Monitor Messages are recorded.", PolicyType::kBool, true},
      {policy::kSmtpDataOffload, "SMTP data offload",
       "Invitations must go to email addresses (device numbers are refused).", PolicyType::kBool,
       false},
      {policy::kDefaultLanguage, "Default language",
       "Language of the MultiLine app for users added without one.", PolicyType::kLanguage,
       std::string("English")},
      {policy::kUtilizationThreshold, "Utilization threshold (%)",
       "Designated administrators are emailed when this share of numbers is in use, then on "
       "every further assignment.",
       PolicyType::kInt, std::int64_t{80}, 1, 100},
      {policy::kInvitationSubject, "Invitation subject", "Subject line of invitation emails.",
       PolicyType::kText, std::string("Activate your business line for {organization}"), 0, 0,
       200},
      {policy::kInvitationBody, "Invitation text",
       "Body of invitation emails; {name}, {number}, {organization} and {link} are filled in.",
       PolicyType::kText,
       std::string("Hello {name},\n\n{organization} has set up a business phone line for you: "
                   "{number}.\nActivate it here: {link}\n\nThe link is personal; do not share it."),
       0, 0, 8000},
      {policy::kInvitationValidDays, "Invitation link valid (days)",
       "Activation links expire after this many days.", PolicyType::kInt, std::int64_t{14}, 1, 90},
      {policy::kNotificationAdmins, "Designated administrators",
       "Administrators who receive threshold alerts and batch summaries.", PolicyType::kAdminList,
       std::vector<std::int64_t>{}},
      {policy::kBatchNotifications, "Batch summaries",
       "Designated administrators get a summary of each batch import.", PolicyType::kBool, true},
  };
  return kDefs;
}

const PolicyDef* find_policy(std::string_view key) {
  for (const PolicyDef& d : policy_defs()) {
    if (d.key == key) return &d;
  }
  return nullptr;
}

Json to_json(const PolicyValue& v) {
  return std::visit([](const auto& x) { return Json(x); }, v);
}

Status check_policy_value(const PolicyDef& def, const PolicyValue& v) {
  const std::string field = "policy." + std::string(def.key);
  switch (def.type) {
    case PolicyType::kBool:
      if (!std::holds_alternative<bool>(v)) {
        return make_error("invalid_field", field, std::string(def.label) + " is on or off.");
      }
      return {};
    case PolicyType::kInt: {
      const auto* n = std::get_if<std::int64_t>(&v);
      if (!n || *n < def.min || *n > def.max) {
        return make_error("out_of_range", field,
                          std::string(def.label) + " must be a whole number from " +
                              std::to_string(def.min) + " to " + std::to_string(def.max) + ".");
      }
      return {};
    }
    case PolicyType::kText: {
      const auto* s = std::get_if<std::string>(&v);
      if (!s || !is_valid_utf8(*s)) {
        return make_error("invalid_field", field, std::string(def.label) + " must be text.");
      }
      if (utf8_length(*s) > def.max_length) {
        return make_error("too_long", field,
                          std::string(def.label) + " is longer than " +
                              std::to_string(def.max_length) + " characters.");
      }
      return {};
    }
    case PolicyType::kLanguage: {
      const auto* s = std::get_if<std::string>(&v);
      if (!s || !language_from_name(*s)) {
        return make_error("invalid_field", field,
                          std::string(def.label) +
                              " must be English, Italian, German, French or Spanish.");
      }
      return {};
    }
    case PolicyType::kAdminList:
      if (!std::holds_alternative<std::vector<std::int64_t>>(v)) {
        return make_error("invalid_field", field,
                          std::string(def.label) + " must be a list of administrators.");
      }
      return {};
  }
  return {};
}

Result<PolicyValue> policy_value_from_json(const PolicyDef& def, const Json& j) {
  PolicyValue v;
  const std::string field = "policy." + std::string(def.key);
  switch (def.type) {
    case PolicyType::kBool:
      if (!j.is_boolean()) {
        return make_error("invalid_field", field, std::string(def.label) + " must be true or false.");
      }
      v = j.get<bool>();
      break;
    case PolicyType::kInt:
      if (!j.is_number_integer()) {
        return make_error("invalid_field", field, std::string(def.label) + " must be a whole number.");
      }
      v = j.get<std::int64_t>();
      break;
    case PolicyType::kText:
    case PolicyType::kLanguage:
      if (!j.is_string()) {
        return make_error("invalid_field", field, std::string(def.label) + " must be text.");
      }
      v = j.get<std::string>();
      if (def.type == PolicyType::kLanguage) {
        if (auto l = language_from_name(std::get<std::string>(v))) {
          v = std::string(language_name(*l));
        }
      }
      break;
    case PolicyType::kAdminList: {
      if (!j.is_array()) {
        return make_error("invalid_field", field,
                          std::string(def.label) + " must be a list of administrator ids.");
      }
      std::vector<std::int64_t> ids;
      for (const Json& e : j) {
        if (!e.is_number_integer() || e.get<std::int64_t>() <= 0) {
          return make_error("invalid_field", field,
                            std::string(def.label) + " must be a list of administrator ids.");
        }
        ids.push_back(e.get<std::int64_t>());
      }
      v = std::move(ids);
      break;
    }
  }
  if (auto s = check_policy_value(def, v); !s) return s.error();
  return v;
}

Json to_json(const PolicyOverrides& overrides) {
  Json out = Json::object();
  for (const auto& [key, value] : overrides) out[key] = to_json(value);
  return out;
}

Result<PolicyOverrides> policy_overrides_from_json(const Json& j) {
  if (!j.is_object()) {
    return make_error("invalid_field", "policies", "Policies must be an object of key: value.");
  }
  PolicyOverrides out;
  for (const auto& [key, value] : j.items()) {
    const PolicyDef* def = find_policy(key);
    if (!def) {
      return make_error("unknown_policy", "policy." + key, "There is no policy \"" + key + "\".");
    }
    auto v = policy_value_from_json(*def, value);
    if (!v) return v.error();
    out.emplace(key, std::move(v).value());
  }
  return out;
}

EffectivePolicy effective_policy(const OrgTree& tree, OrgId org, std::string_view key) {
  const PolicyDef* def = find_policy(key);
  EffectivePolicy out{def ? def->fallback : PolicyValue(false), OrgId()};
  std::size_t guard = 0;
  for (const Organization* o = tree.find(org); o && guard <= tree.size(); ++guard) {
    auto it = o->policies.find(key);
    if (it != o->policies.end()) {
      out.value = it->second;
      out.source = o->id;
      return out;
    }
    o = o->parent.valid() ? tree.find(o->parent) : nullptr;
  }
  return out;
}

bool effective_bool(const OrgTree& tree, OrgId org, std::string_view key) {
  const PolicyValue v = effective_policy(tree, org, key).value;
  const auto* b = std::get_if<bool>(&v);
  return b && *b;
}

std::int64_t effective_int(const OrgTree& tree, OrgId org, std::string_view key) {
  const PolicyValue v = effective_policy(tree, org, key).value;
  const auto* n = std::get_if<std::int64_t>(&v);
  return n ? *n : 0;
}

std::string effective_text(const OrgTree& tree, OrgId org, std::string_view key) {
  const PolicyValue v = effective_policy(tree, org, key).value;
  const auto* s = std::get_if<std::string>(&v);
  return s ? *s : std::string();
}

std::vector<std::int64_t> effective_list(const OrgTree& tree, OrgId org, std::string_view key) {
  const PolicyValue v = effective_policy(tree, org, key).value;
  const auto* l = std::get_if<std::vector<std::int64_t>>(&v);
  return l ? *l : std::vector<std::int64_t>{};
}

std::string describe_policy_value(const PolicyDef& def, const PolicyValue& v) {
  switch (def.type) {
    case PolicyType::kBool: return std::get_if<bool>(&v) && std::get<bool>(v) ? "On" : "Off";
    case PolicyType::kInt:
      return std::get_if<std::int64_t>(&v) ? std::to_string(std::get<std::int64_t>(v)) : "";
    case PolicyType::kText:
    case PolicyType::kLanguage:
      return std::get_if<std::string>(&v) ? std::get<std::string>(v) : "";
    case PolicyType::kAdminList: {
      const auto* l = std::get_if<std::vector<std::int64_t>>(&v);
      const std::size_t n = l ? l->size() : 0;
      return n == 0 ? "None" : n == 1 ? "1 administrator" : std::to_string(n) + " administrators";
    }
  }
  return "";
}

}  // namespace linedesk
