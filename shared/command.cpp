// JSON codec of commands: {"v": 1, "uuid", "name", "args"}.
#include "command.hpp"

#include "text.hpp"

namespace linedesk {
namespace {

// Optional fields are written only when present, so "absent" survives a round trip.
template <class T>
void put_opt(Json& j, const char* key, const std::optional<T>& v) {
  if (v) j[key] = *v;
}

std::optional<std::string> opt_string(JsonReader& r, std::string_view key) {
  if (!r.optional(key)) return std::nullopt;
  return r.optional_string(key);
}

std::optional<bool> opt_bool(JsonReader& r, std::string_view key) {
  if (!r.optional(key)) return std::nullopt;
  return r.optional_bool(key);
}

template <class IdT>
Json ids_to_json(const std::vector<IdT>& ids) {
  Json out = Json::array();
  for (const auto& id : ids) out.push_back(id.value);
  return out;
}

template <class Tag>
std::vector<Id<Tag>> read_ids(JsonReader& r, std::string_view key) {
  std::vector<Id<Tag>> out;
  const Json& list = r.required(key);
  if (!r.ok()) return out;
  if (!list.is_array()) {
    r.fail("invalid_field", key, "\"" + r.field_name(key) + "\" must be a list of ids.");
    return out;
  }
  for (const Json& e : list) {
    if (!e.is_number_integer() || e.get<std::int64_t>() <= 0 || e.get<std::int64_t>() > kMaxId) {
      r.fail("invalid_field", key, "\"" + r.field_name(key) + "\" must be a list of ids.");
      return {};
    }
    out.emplace_back(e.get<std::int64_t>());
  }
  return out;
}

std::vector<std::string> read_strings(JsonReader& r, std::string_view key, bool required) {
  std::vector<std::string> out;
  const Json* list = required ? &r.required(key) : r.optional(key);
  if (!list || !r.ok() || list->is_null()) return out;
  if (!list->is_array()) {
    r.fail("invalid_field", key, "\"" + r.field_name(key) + "\" must be a list of text.");
    return out;
  }
  for (const Json& e : *list) {
    if (!e.is_string()) {
      r.fail("invalid_field", key, "\"" + r.field_name(key) + "\" must be a list of text.");
      return {};
    }
    out.push_back(e.get<std::string>());
  }
  return out;
}

// --- per-command encoders -------------------------------------------------------------------
Json encode(const CreateOrg& c) {
  return Json{{"parent", c.parent.value}, {"name", c.name}, {"description", c.description}};
}
Json encode(const EditOrg& c) {
  Json j{{"org", c.org.value}};
  put_opt(j, "name", c.name);
  put_opt(j, "description", c.description);
  return j;
}
Json encode(const DeleteOrg& c) { return Json{{"org", c.org.value}}; }
Json encode(const SetPolicy& c) {
  Json j{{"org", c.org.value}, {"key", c.key}};
  j["value"] = c.value ? *c.value : Json();
  return j;
}
Json encode(const SetThreshold& c) { return Json{{"org", c.org.value}, {"percent", c.percent}}; }
Json encode(const AddAccount& c) {
  return Json{{"org", c.org.value},
              {"fields", to_json(c.fields)},
              {"number", c.number},
              {"tag", c.tag},
              {"invite", c.invite}};
}
Json encode(const EditAccount& c) {
  return Json{{"account", c.account.value},
              {"expected_version", c.expected_version},
              {"fields", to_json(c.fields)}};
}
Json encode(const DeleteAccounts& c) { return Json{{"accounts", ids_to_json(c.accounts)}}; }
Json encode(const InviteAccounts& c) { return Json{{"accounts", ids_to_json(c.accounts)}}; }
Json encode(const MoveAccounts& c) {
  return Json{{"accounts", ids_to_json(c.accounts)}, {"destination", c.destination.value}};
}
Json encode(const AssignNumber& c) {
  return Json{{"account", c.account.value},
              {"number", c.number},
              {"tag", c.tag},
              {"expected_owner", c.expected_owner.value}};
}
Json encode(const UnassignNumber& c) { return Json{{"account", c.account.value}}; }
Json encode(const RecordInvitationSent& c) { return Json{{"invitation", c.invitation.value}}; }
Json encode(const RecordInvitationFailed& c) {
  return Json{{"invitation", c.invitation.value}, {"reason", c.reason}};
}
Json encode(const ActivateAccount& c) {
  return Json{{"invitation", c.invitation.value}, {"number", c.number}};
}
Json encode(const RecordAppActivity& c) {
  return Json{{"account", c.account.value},
              {"app", c.app},
              {"platform", c.platform},
              {"at_ms", c.at_ms}};
}
Json encode(const ImportNumbers& c) {
  Json entries = Json::array();
  for (const auto& e : c.entries) {
    entries.push_back(Json{{"number", e.number}, {"tag", e.tag}, {"line", e.line}});
  }
  return Json{{"entries", std::move(entries)}};
}
Json encode(const AllocateNumbers& c) {
  return Json{{"to", c.to.value}, {"from", c.from.value}, {"numbers", c.numbers},
              {"count", c.count}};
}
Json encode(const ReserveNumbers& c) { return Json{{"numbers", c.numbers}, {"tag", c.tag}}; }
Json encode(const ReleaseNumbers& c) { return Json{{"numbers", c.numbers}}; }
Json encode(const SavePermissionGroup& c) {
  return Json{{"id", c.id.value},
              {"org", c.org.value},
              {"name", c.name},
              {"description", c.description},
              {"is_default", c.is_default},
              {"voice_calling", c.voice_calling},
              {"messaging", c.messaging},
              {"international_calling", c.international_calling},
              {"call_recording_allowed", c.call_recording_allowed}};
}
Json encode(const DeletePermissionGroup& c) { return Json{{"id", c.id.value}}; }
Json encode(const SaveRole& c) {
  return Json{{"id", c.id.value}, {"org", c.org.value}, {"name", c.name},
              {"privileges", to_json(c.privileges)}};
}
Json encode(const DeleteRole& c) { return Json{{"id", c.id.value}}; }
Json encode(const InviteAdmin& c) {
  return Json{{"org", c.org.value},     {"role", c.role.value},
              {"email", c.email},       {"first_name", c.first_name},
              {"last_name", c.last_name}};
}
Json encode(const EditAdmin& c) {
  return Json{{"admin", c.admin.value}, {"role", c.role.value}, {"org", c.org.value}};
}
Json encode(const RemoveAdmin& c) { return Json{{"admin", c.admin.value}}; }
Json encode(const EditProfile& c) {
  Json j = Json::object();
  put_opt(j, "first_name", c.first_name);
  put_opt(j, "last_name", c.last_name);
  put_opt(j, "phone", c.phone);
  put_opt(j, "address", c.address);
  put_opt(j, "time_zone", c.time_zone);
  put_opt(j, "photo", c.photo);
  return j;
}
Json encode(const ImportBatch& c) {
  return Json{{"org", c.org.value},
              {"permission_group", c.permission_group.value},
              {"mode", batch_mode_name(c.mode)},
              {"file_name", c.file_name},
              {"csv", c.csv},
              {"dry_run", c.dry_run}};
}

// --- per-command decoders -------------------------------------------------------------------
Result<CommandArgs> decode(std::string_view name, const Json& args) {
  JsonReader r(args, "args");
  auto done = [&r](auto&& value) -> Result<CommandArgs> {
    if (!r.ok()) return r.error();
    return CommandArgs(std::forward<decltype(value)>(value));
  };
  if (name == CreateOrg::kName) {
    CreateOrg c{r.required_id<OrgTag>("parent"), r.required_string("name"),
                r.optional_string("description")};
    return done(std::move(c));
  }
  if (name == EditOrg::kName) {
    EditOrg c{r.required_id<OrgTag>("org"), opt_string(r, "name"), opt_string(r, "description")};
    return done(std::move(c));
  }
  if (name == DeleteOrg::kName) return done(DeleteOrg{r.required_id<OrgTag>("org")});
  if (name == SetPolicy::kName) {
    SetPolicy c{r.required_id<OrgTag>("org"), r.required_string("key"), std::nullopt};
    if (const Json* v = r.optional("value")) c.value = *v;
    return done(std::move(c));
  }
  if (name == SetThreshold::kName) {
    return done(SetThreshold{r.required_id<OrgTag>("org"), r.required_int("percent")});
  }
  if (name == AddAccount::kName) {
    AddAccount c;
    c.org = r.required_id<OrgTag>("org");
    const Json& fields = r.required("fields");
    c.number = r.optional_string("number");
    c.tag = r.optional_string("tag");
    c.invite = r.optional_bool("invite");
    if (!r.ok()) return r.error();
    auto in = account_input_from_json(fields);
    if (!in) return in.error();
    c.fields = std::move(in).value();
    return done(std::move(c));
  }
  if (name == EditAccount::kName) {
    EditAccount c;
    c.account = r.required_id<AccountTag>("account");
    c.expected_version = r.optional_int("expected_version");
    const Json& fields = r.required("fields");
    if (!r.ok()) return r.error();
    auto in = account_input_from_json(fields);
    if (!in) return in.error();
    c.fields = std::move(in).value();
    return done(std::move(c));
  }
  if (name == DeleteAccounts::kName) return done(DeleteAccounts{read_ids<AccountTag>(r, "accounts")});
  if (name == InviteAccounts::kName) return done(InviteAccounts{read_ids<AccountTag>(r, "accounts")});
  if (name == MoveAccounts::kName) {
    MoveAccounts c{read_ids<AccountTag>(r, "accounts"), r.required_id<OrgTag>("destination")};
    return done(std::move(c));
  }
  if (name == AssignNumber::kName) {
    AssignNumber c{r.required_id<AccountTag>("account"), r.optional_string("number"),
                   r.optional_string("tag"), r.optional_id<AccountTag>("expected_owner")};
    return done(std::move(c));
  }
  if (name == UnassignNumber::kName) return done(UnassignNumber{r.required_id<AccountTag>("account")});
  if (name == RecordInvitationSent::kName) {
    return done(RecordInvitationSent{r.required_id<InvitationTag>("invitation")});
  }
  if (name == RecordInvitationFailed::kName) {
    return done(RecordInvitationFailed{r.required_id<InvitationTag>("invitation"),
                                       r.optional_string("reason")});
  }
  if (name == ActivateAccount::kName) {
    return done(ActivateAccount{r.required_id<InvitationTag>("invitation"),
                                r.optional_string("number")});
  }
  if (name == RecordAppActivity::kName) {
    RecordAppActivity c{r.required_id<AccountTag>("account"), r.required_string("app"),
                        r.optional_string("platform"), r.required_int("at_ms")};
    return done(std::move(c));
  }
  if (name == ImportNumbers::kName) {
    ImportNumbers c;
    const Json& entries = r.required("entries");
    if (!r.ok()) return r.error();
    if (!entries.is_array()) {
      return make_error("invalid_field", "args.entries", "\"entries\" must be a list.");
    }
    for (const Json& e : entries) {
      JsonReader er(e, "args.entries");
      NumberEntry ne{er.required_string("number"), er.optional_string("tag"),
                     static_cast<std::size_t>(er.optional_int("line"))};
      if (!er.ok()) return er.error();
      c.entries.push_back(std::move(ne));
    }
    return done(std::move(c));
  }
  if (name == AllocateNumbers::kName) {
    AllocateNumbers c;
    c.to = r.required_id<OrgTag>("to");
    c.from = r.optional_id<OrgTag>("from");
    c.numbers = read_strings(r, "numbers", false);
    c.count = r.optional_int("count");
    return done(std::move(c));
  }
  if (name == ReserveNumbers::kName) {
    ReserveNumbers c{read_strings(r, "numbers", true), r.required_string("tag")};
    return done(std::move(c));
  }
  if (name == ReleaseNumbers::kName) return done(ReleaseNumbers{read_strings(r, "numbers", true)});
  if (name == SavePermissionGroup::kName) {
    SavePermissionGroup c;
    c.id = r.optional_id<PermGroupTag>("id");
    c.org = r.required_id<OrgTag>("org");
    c.name = r.required_string("name");
    c.description = r.optional_string("description");
    c.is_default = r.optional_bool("is_default");
    c.voice_calling = r.optional_bool("voice_calling", true);
    c.messaging = r.optional_bool("messaging", true);
    c.international_calling = r.optional_bool("international_calling");
    c.call_recording_allowed = r.optional_bool("call_recording_allowed", true);
    return done(std::move(c));
  }
  if (name == DeletePermissionGroup::kName) {
    return done(DeletePermissionGroup{r.required_id<PermGroupTag>("id")});
  }
  if (name == SaveRole::kName) {
    SaveRole c;
    c.id = r.optional_id<RoleTag>("id");
    c.org = r.required_id<OrgTag>("org");
    c.name = r.required_string("name");
    const Json& privs = r.required("privileges");
    if (!r.ok()) return r.error();
    auto p = privileges_from_json(privs, "args.privileges");
    if (!p) return p.error();
    c.privileges = p.value();
    return done(std::move(c));
  }
  if (name == DeleteRole::kName) return done(DeleteRole{r.required_id<RoleTag>("id")});
  if (name == InviteAdmin::kName) {
    InviteAdmin c{r.required_id<OrgTag>("org"), r.required_id<RoleTag>("role"),
                  r.required_string("email"), r.optional_string("first_name"),
                  r.optional_string("last_name")};
    return done(std::move(c));
  }
  if (name == EditAdmin::kName) {
    EditAdmin c{r.required_id<AdminTag>("admin"), r.optional_id<RoleTag>("role"),
                r.optional_id<OrgTag>("org")};
    return done(std::move(c));
  }
  if (name == RemoveAdmin::kName) return done(RemoveAdmin{r.required_id<AdminTag>("admin")});
  if (name == EditProfile::kName) {
    EditProfile c{opt_string(r, "first_name"), opt_string(r, "last_name"),
                  opt_string(r, "phone"),      opt_string(r, "address"),
                  opt_string(r, "time_zone"),  opt_string(r, "photo")};
    return done(std::move(c));
  }
  if (name == ImportBatch::kName) {
    ImportBatch c;
    c.org = r.required_id<OrgTag>("org");
    c.permission_group = r.optional_id<PermGroupTag>("permission_group");
    const std::string mode = r.optional_string("mode", "import");
    c.file_name = r.optional_string("file_name");
    c.csv = r.required_string("csv");
    c.dry_run = r.optional_bool("dry_run");
    if (!r.ok()) return r.error();
    auto m = batch_mode_from_name(mode);
    if (!m) {
      return make_error("invalid_field", "args.mode",
                        "The batch mode must be \"import\" or \"import_and_invite\".");
    }
    c.mode = *m;
    return done(std::move(c));
  }
  return make_error("unknown_command", "name", "There is no command \"" + std::string(name) + "\".");
}

}  // namespace

std::string_view command_name(const CommandArgs& args) {
  return std::visit([](const auto& c) { return std::decay_t<decltype(c)>::kName; }, args);
}

bool is_system_command(const CommandArgs& args) {
  return std::holds_alternative<RecordInvitationSent>(args) ||
         std::holds_alternative<RecordInvitationFailed>(args) ||
         std::holds_alternative<ActivateAccount>(args) ||
         std::holds_alternative<RecordAppActivity>(args);
}

Json to_json(const AccountInput& in) {
  Json j = Json::object();
  put_opt(j, "account_id", in.account_id);
  put_opt(j, "first_name", in.first_name);
  put_opt(j, "last_name", in.last_name);
  put_opt(j, "invite_address", in.invite_address);
  put_opt(j, "device_number", in.device_number);
  put_opt(j, "notification_address", in.notification_address);
  put_opt(j, "compliance_group", in.compliance_group);
  put_opt(j, "language", in.language);
  put_opt(j, "forwarding_number", in.forwarding_number);
  put_opt(j, "notes", in.notes);
  put_opt(j, "monitor_calls", in.monitor_calls);
  put_opt(j, "monitor_messages", in.monitor_messages);
  put_opt(j, "social_messaging", in.social_messaging);
  put_opt(j, "restrict_incoming_social_messaging", in.restrict_incoming_social_messaging);
  put_opt(j, "enable_clare", in.enable_clare);
  put_opt(j, "ms_teams_calling", in.ms_teams_calling);
  if (in.permission_group) j["permission_group"] = in.permission_group->value;
  return j;
}

Result<AccountInput> account_input_from_json(const Json& j) {
  JsonReader r(j, "fields");
  AccountInput in;
  in.account_id = opt_string(r, "account_id");
  in.first_name = opt_string(r, "first_name");
  in.last_name = opt_string(r, "last_name");
  in.invite_address = opt_string(r, "invite_address");
  in.device_number = opt_string(r, "device_number");
  in.notification_address = opt_string(r, "notification_address");
  in.compliance_group = opt_string(r, "compliance_group");
  in.language = opt_string(r, "language");
  in.forwarding_number = opt_string(r, "forwarding_number");
  in.notes = opt_string(r, "notes");
  in.monitor_calls = opt_bool(r, "monitor_calls");
  in.monitor_messages = opt_bool(r, "monitor_messages");
  in.social_messaging = opt_bool(r, "social_messaging");
  in.restrict_incoming_social_messaging = opt_bool(r, "restrict_incoming_social_messaging");
  in.enable_clare = opt_bool(r, "enable_clare");
  in.ms_teams_calling = opt_bool(r, "ms_teams_calling");
  if (r.optional("permission_group")) {
    in.permission_group = r.optional_id<PermGroupTag>("permission_group");
  }
  if (!r.ok()) return r.error();
  return in;
}

Json args_to_json(const CommandArgs& args) {
  return Json{{"name", command_name(args)},
              {"args", std::visit([](const auto& c) { return encode(c); }, args)}};
}

Result<CommandArgs> args_from_json(const Json& j) {
  JsonReader r(j, "command");
  const std::string name = r.required_string("name");
  const Json& args = r.required("args");
  if (!r.ok()) return r.error();
  return decode(name, args);
}

Json to_json(const Command& c) {
  Json j = args_to_json(c.args);
  j["v"] = kCommandVersion;
  j["uuid"] = c.uuid;
  return j;
}

Result<Command> command_from_json(const Json& j) {
  JsonReader r(j, "command");
  const std::int64_t v = r.required_int("v");
  std::string uuid = r.required_string("uuid");
  if (!r.ok()) return r.error();
  if (v != kCommandVersion) {
    return make_error("version_mismatch", "v",
                      "This command has version " + std::to_string(v) + "; the server speaks " +
                          std::to_string(kCommandVersion) + ". Reload the console.");
  }
  if (uuid.empty() || uuid.size() > 64 || !is_valid_utf8(uuid)) {
    return make_error("invalid_field", "uuid", "A command needs a UUID of 1 to 64 characters.");
  }
  auto args = args_from_json(j);
  if (!args) return args.error();
  return Command{std::move(uuid), std::move(args).value()};
}

}  // namespace linedesk
