// JSON forms of the sync protocol.
#include "sync.hpp"

#include "api.hpp"

namespace linedesk {
namespace {

Json error_json(const Error& e) {
  return Json{{"code", e.code}, {"field", e.field}, {"message", e.message}};
}

// Lenient: a missing member, or one that is not text, reads as empty (Json::value would throw
// on a member of another type).
Error error_from(const Json& j) {
  if (!j.is_object()) return Error{};
  auto text = [&j](const char* key) {
    const auto it = j.find(key);
    return it != j.end() && it->is_string() ? it->get<std::string>() : std::string();
  };
  return Error{text("code"), text("field"), text("message")};
}

Result<std::vector<CommandResult>> results_from(const Json* list) {
  std::vector<CommandResult> out;
  if (!list) return out;
  if (!list->is_array()) return make_error("invalid_field", "results", "\"results\" must be a list.");
  for (const Json& r : *list) {
    auto cr = command_result_from_json(r);
    if (!cr) return cr.error();
    out.push_back(std::move(cr).value());
  }
  return out;
}

}  // namespace

Error protocol_mismatch(int theirs) {
  return make_error("version_mismatch", "protocol",
                    "This console speaks sync protocol " + std::to_string(theirs) +
                        " but the server speaks " + std::to_string(kProtocolVersion) +
                        ". Reload the page to update it; your queued changes are kept.");
}

Json to_json(const CommandResult& r) {
  Json j{{"seq", r.seq}, {"uuid", r.uuid}, {"ok", r.ok}, {"version", r.version}};
  if (r.ok) {
    j["result"] = r.result;
  } else {
    j["error"] = error_json(r.error);
  }
  return j;
}

Result<CommandResult> command_result_from_json(const Json& j) {
  JsonReader r(j, "result");
  CommandResult out;
  out.seq = r.required_int("seq");
  out.uuid = r.optional_string("uuid");
  out.ok = r.required_bool("ok");
  out.version = r.optional_int("version");
  if (!r.ok()) return r.error();
  if (const Json* res = r.optional("result")) out.result = *res;
  if (const Json* err = r.optional("error")) out.error = error_from(*err);
  return out;
}

Json to_json(const PushRequest& r) {
  Json commands = Json::array();
  for (const auto& c : r.commands) {
    Json j = to_json(c.command);
    j["seq"] = c.seq;
    commands.push_back(std::move(j));
  }
  return Json{{"protocol", r.protocol}, {"client_id", r.client_id}, {"commands", std::move(commands)}};
}

Result<PushRequest> push_request_from_json(const Json& j) {
  JsonReader r(j, "push");
  PushRequest out;
  out.protocol = static_cast<int>(r.required_int("protocol"));
  out.client_id = r.required_string("client_id");
  const Json& commands = r.required("commands");
  if (!r.ok()) return r.error();
  if (out.client_id.empty() || out.client_id.size() > 64) {
    return make_error("invalid_field", "client_id", "A client id has 1 to 64 characters.");
  }
  if (!commands.is_array()) return make_error("invalid_field", "commands", "\"commands\" must be a list.");
  for (const Json& c : commands) {
    JsonReader cr(c, "commands");
    const std::int64_t seq = cr.required_int("seq");
    if (!cr.ok()) return cr.error();
    auto command = command_from_json(c);
    if (!command) return command.error();
    out.commands.push_back(SequencedCommand{seq, std::move(command).value()});
  }
  return out;
}

Json to_json(const PushResponse& r) {
  Json results = Json::array();
  for (const auto& res : r.results) results.push_back(to_json(res));
  Json j{{"protocol", r.protocol}, {"last_seq", r.last_seq}, {"results", std::move(results)}};
  if (r.error) j["error"] = error_json(*r.error);
  return j;
}

Result<PushResponse> push_response_from_json(const Json& j) {
  JsonReader r(j, "push_response");
  PushResponse out;
  out.protocol = static_cast<int>(r.optional_int("protocol"));
  out.last_seq = r.required_int("last_seq");
  if (!r.ok()) return r.error();
  auto results = results_from(r.optional("results"));
  if (!results) return results.error();
  out.results = std::move(results).value();
  if (const Json* e = r.optional("error")) out.error = error_from(*e);
  return out;
}

Json to_json(const PullRequest& r) {
  Json j{{"protocol", r.protocol}, {"client_id", r.client_id}, {"since", r.since},
         {"from_seq", r.from_seq}};
  if (r.text_snapshot) j["text_snapshot"] = true;
  return j;
}

Result<PullRequest> pull_request_from_json(const Json& j) {
  JsonReader r(j, "pull");
  PullRequest out;
  out.protocol = static_cast<int>(r.required_int("protocol"));
  out.client_id = r.required_string("client_id");
  out.since = r.optional_int("since");
  out.from_seq = r.optional_int("from_seq");
  out.text_snapshot = r.optional_bool("text_snapshot", false);
  if (!r.ok()) return r.error();
  if (out.client_id.empty() || out.client_id.size() > 64) {
    return make_error("invalid_field", "client_id", "A client id has 1 to 64 characters.");
  }
  return out;
}

Json to_json(const PullResponse& r) {
  Json puts = Json::array();
  for (const auto& e : r.puts) puts.push_back(entity_envelope(e));
  Json deletes = Json::array();
  for (const auto& t : r.deletes) deletes.push_back(to_json(t));
  Json results = Json::array();
  for (const auto& res : r.results) results.push_back(to_json(res));
  std::string ops;
  ops.reserve(r.ops.size());
  for (bool put : r.ops) ops += put ? 'p' : 'd';
  Json j{{"protocol", r.protocol}, {"version", r.version},  {"snapshot", r.snapshot},
         {"scope", r.scope.value},  {"puts", std::move(puts)}, {"deletes", std::move(deletes)},
         {"ops", ops},              {"last_seq", r.last_seq}, {"results", std::move(results)}};
  if (r.error) j["error"] = error_json(*r.error);
  return j;
}

Result<PullResponse> pull_response_from_json(const Json& j) {
  JsonReader r(j, "pull_response");
  PullResponse out;
  out.protocol = static_cast<int>(r.optional_int("protocol"));
  out.version = r.required_int("version");
  out.snapshot = r.optional_bool("snapshot");
  out.scope = r.optional_id<OrgTag>("scope");
  out.last_seq = r.optional_int("last_seq");
  const std::string ops = r.optional_string("ops");
  if (!r.ok()) return r.error();
  if (const Json* e = r.optional("error")) out.error = error_from(*e);
  if (const Json* puts = r.optional("puts")) {
    if (!puts->is_array()) return make_error("invalid_field", "puts", "\"puts\" must be a list.");
    out.puts.reserve(puts->size());
    for (const Json& p : *puts) {
      auto e = entity_from_envelope(p);
      if (!e) return e.error();
      out.puts.push_back(std::move(e).value());
    }
  }
  if (const Json* deletes = r.optional("deletes")) {
    if (!deletes->is_array()) return make_error("invalid_field", "deletes", "\"deletes\" must be a list.");
    for (const Json& d : *deletes) {
      auto t = tombstone_from_json(d);
      if (!t) return t.error();
      out.deletes.push_back(t.value());
    }
  }
  for (char c : ops) out.ops.push_back(c == 'p');
  std::size_t puts = 0, dels = 0;
  for (bool p : out.ops) (p ? puts : dels)++;
  if (!out.ops.empty() && (puts != out.puts.size() || dels != out.deletes.size())) {
    return make_error("invalid_field", "ops", "The change order does not match the changes.");
  }
  auto results = results_from(r.optional("results"));
  if (!results) return results.error();
  out.results = std::move(results).value();
  return out;
}

}  // namespace linedesk
