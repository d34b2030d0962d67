// Route helpers.
#include "http_util.hpp"

#include <algorithm>
#include <cstdio>

#include "auth.hpp"

namespace linedesk::server {

void send_json(httplib::Response& res, int status, const Json& body) {
  res.status = status;
  res.set_header("Cache-Control", "no-store");
  res.set_content(body.dump(-1, ' ', false, Json::error_handler_t::replace),
                  "application/json; charset=utf-8");
}

void send_error(httplib::Response& res, int status, const Error& e) {
  send_json(res, status, error_body(e));
}

void send_error(httplib::Response& res, const Error& e) { send_error(res, http_status_for(e), e); }

void send_csv(httplib::Response& res, const std::string& filename, std::string csv) {
  res.status = 200;
  res.set_header("Cache-Control", "no-store");
  // RFC 6266: an ASCII fallback and the UTF-8 name.
  std::string ascii;
  std::string encoded;
  for (unsigned char c : filename) {
    ascii += (c >= 0x20 && c < 0x7F && c != '"' && c != '\\') ? static_cast<char>(c) : '_';
    if (std::isalnum(c) || c == '.' || c == '-' || c == '_') {
      encoded += static_cast<char>(c);
    } else {
      char buf[4];
      std::snprintf(buf, sizeof buf, "%%%02X", c);
      encoded += buf;
    }
  }
  res.set_header("Content-Disposition",
                 "attachment; filename=\"" + ascii + "\"; filename*=UTF-8''" + encoded);
  res.set_content(std::move(csv), "text/csv; charset=utf-8");
}

std::optional<Json> read_json_body(const httplib::Request& req, httplib::Response& res) {
  auto parsed = parse_json(req.body);
  if (!parsed) {
    send_error(res, 400, parsed.error());
    return std::nullopt;
  }
  return std::move(parsed).value();
}

std::string client_address(const httplib::Request& req,
                           const std::vector<std::string>& trusted_proxies) {
  if (std::find(trusted_proxies.begin(), trusted_proxies.end(), req.remote_addr) ==
      trusted_proxies.end()) {
    return req.remote_addr;
  }
  const std::string forwarded = req.get_header_value("X-Forwarded-For");
  const std::size_t comma = forwarded.rfind(',');
  std::string last = forwarded.substr(comma == std::string::npos ? 0 : comma + 1);
  last.erase(0, last.find_first_not_of(" \t"));
  last.erase(last.find_last_not_of(" \t") + 1);
  const bool address = !last.empty() && last.size() <= 45 &&
                       last.find_first_not_of("0123456789abcdefABCDEF:.") == std::string::npos;
  return address ? last : req.remote_addr;
}

std::string bearer_token(const httplib::Request& req) {
  const std::string h = req.get_header_value("Authorization");
  static constexpr std::string_view kPrefix = "Bearer ";
  if (h.size() > kPrefix.size() && h.compare(0, kPrefix.size(), kPrefix) == 0) {
    return h.substr(kPrefix.size());
  }
  return {};
}

std::map<std::string, std::string> query_params(const httplib::Request& req) {
  std::map<std::string, std::string> out;
  for (const auto& [k, v] : req.params) out[k] = v;
  return out;
}

Handler guarded(std::function<void(const httplib::Request&, httplib::Response&)> f) {
  return [f = std::move(f)](const httplib::Request& req, httplib::Response& res) {
    try {
      f(req, res);
    } catch (const DbError& e) {
      std::fprintf(stderr, "linedesk-server: %s %s: %s\n", req.method.c_str(), req.path.c_str(),
                   e.what());
      // A fault of the server's storage, not a refusal of the change: 503 (clients and scripts
      // retry later, a browser keeps its queue) with the cause an administrator can act on.
      res.set_header("Retry-After", "30");
      if (e.is_full()) {
        send_error(res, 503, make_error("storage_full", "",
                                        "The server could not save the change: its disk is "
                                        "full. Nothing was changed; try again later (the server's "
                                        "operator must free disk space)."));
      } else if (e.is_readonly()) {
        send_error(res, 503, make_error("storage_read_only", "",
                                        "The server could not save the change: its database "
                                        "is read-only. Nothing was changed; try again later (the "
                                        "server's operator must make the database writable)."));
      } else {
        send_error(res, 503, make_error("storage_error", "",
                                        "The server could not save the change: its database "
                                        "failed. Nothing was changed; try again."));
      }
    } catch (const std::exception& e) {
      std::fprintf(stderr, "linedesk-server: %s %s: %s\n", req.method.c_str(), req.path.c_str(),
                   e.what());
      send_error(res, 500, make_error("internal", "", "The server failed unexpectedly."));
    }
  };
}

Handler authed(Service& service,
               std::function<void(const httplib::Request&, httplib::Response&, const Actor&)> f) {
  return guarded([&service, f = std::move(f)](const httplib::Request& req, httplib::Response& res) {
    auto actor = service.authenticate(bearer_token(req));
    if (!actor) {
      send_error(res, 401, actor.error());
      return;
    }
    f(req, res, *actor);
  });
}

void run_command(Service& service, const Actor& actor, const httplib::Request& req,
                 httplib::Response& res, CommandArgs args, int ok_status) {
  std::string uuid = req.get_header_value("Idempotency-Key");
  if (uuid.empty() || uuid.size() > 64) uuid = "api-" + new_session_token();
  auto r = service.run(actor, Command{uuid, std::move(args)});
  if (!r) {
    send_error(res, r.error());
    return;
  }
  send_json(res, ok_status, Json{{"result", r->result}, {"version", service.version()}});
}

OrgId requested_org(Service& service, const Actor& actor, const httplib::Request& req,
                    httplib::Response& res) {
  const std::string param = req.get_param_value("org");
  return service.read([&](const State& s) -> OrgId {
    const Administrator* a = s.admin(actor.admin);
    if (!a) return OrgId();
    if (param.empty()) return a->org;
    std::int64_t id = 0;
    try {
      id = std::stoll(param);
    } catch (...) {
      id = 0;
    }
    if (id <= 0 || !s.org(OrgId(id)) || !s.orgs().is_within(OrgId(id), a->org)) {
      send_error(res, 404, make_error("not_found", "org",
                                      "No organization with that id exists in your organizations."));
      return OrgId();
    }
    return OrgId(id);
  });
}

std::optional<std::int64_t> path_id(const httplib::Request& req, httplib::Response& res,
                                    std::size_t index) {
  std::int64_t id = 0;
  if (req.matches.size() > index) {
    try {
      id = std::stoll(req.matches[index].str());
    } catch (...) {
      id = 0;
    }
  }
  if (id <= 0 || id > kMaxId) {
    send_error(res, 404, make_error("not_found", "", "There is nothing with that id."));
    return std::nullopt;
  }
  return id;
}

namespace {

std::optional<Role> role_of(Service& service, const Actor& actor) {
  return service.read([&](const State& s) -> std::optional<Role> {
    const Administrator* a = s.admin(actor.admin);
    const Role* r = a ? s.role(a->role) : nullptr;
    return r ? std::optional<Role>(*r) : std::nullopt;
  });
}

}  // namespace

bool require_privilege(Service& service, const Actor& actor, Privilege p, httplib::Response& res) {
  return require_any_privilege(service, actor, {p}, res);
}

bool require_any_privilege(Service& service, const Actor& actor, std::initializer_list<Privilege> ps,
                           httplib::Response& res) {
  const std::optional<Role> role = role_of(service, actor);
  std::string labels;
  for (Privilege p : ps) {
    if (role && role->privileges.has(p)) return true;
    labels += (labels.empty() ? "the " : " or the ") + std::string(privilege_label(p));
  }
  send_error(res, 403, make_error("forbidden", "",
                                  "Your role \"" + (role ? role->name : std::string()) +
                                      "\" does not include " + labels + " privilege."));
  return false;
}

PrivilegeSet privileges_of(Service& service, const Actor& actor) {
  const std::optional<Role> role = role_of(service, actor);
  return role ? role->privileges : PrivilegeSet{};
}

std::vector<OrgId> visible_orgs(const State& state, const Actor& actor) {
  std::vector<OrgId> out;
  const Administrator* a = state.admin(actor.admin);
  if (!a) return out;
  for (const Organization& o : state.orgs().subtree(a->org)) out.push_back(o.id);
  return out;
}

}  // namespace linedesk::server
