// Routes of the JSON API and the static console.
#include "http_server.hpp"

#include <httplib.h>

#include <cstdio>
#include <filesystem>

#include "auth.hpp"
#include "shared/api.hpp"
#include "shared/org_tree.hpp"

namespace linedesk::server {
namespace {

void send_json(httplib::Response& res, int status, const Json& body) {
  res.status = status;
  res.set_header("Cache-Control", "no-store");
  res.set_content(body.dump(), "application/json; charset=utf-8");
}

void send_error(httplib::Response& res, int status, const Error& e) {
  send_json(res, status, error_body(e));
}

// Maps a core error code to its HTTP status.
int status_for(const Error& e) {
  if (e.code == "bad_json" || e.code == "missing_field" || e.code == "invalid_field") return 400;
  if (e.code == "not_found") return 404;
  if (e.code == "forbidden") return 403;
  return 422;
}

// Parses the request body as JSON, answering 400 when it is not.
std::optional<Json> read_json_body(const httplib::Request& req, httplib::Response& res) {
  auto parsed = parse_json(req.body);
  if (!parsed) {
    send_error(res, 400, parsed.error());
    return std::nullopt;
  }
  return std::move(parsed).value();
}

// Runs a handler, turning storage failures and unexpected exceptions into JSON errors so a
// request never ends without an answer the console can show.
template <class F>
httplib::Server::Handler guarded(F&& f) {
  return [f = std::forward<F>(f)](const httplib::Request& req, httplib::Response& res) {
    try {
      f(req, res);
    } catch (const DbError& e) {
      std::fprintf(stderr, "linedesk-server: %s %s: %s\n", req.method.c_str(), req.path.c_str(),
                   e.what());
      if (e.is_full()) {
        send_error(res, 507, make_error("storage_full", "",
                                        "The server's disk is full; nothing was changed. "
                                        "Ask the operator to free space."));
      } else if (e.is_readonly()) {
        send_error(res, 503, make_error("storage_read_only", "",
                                        "The database is read-only; nothing was changed."));
      } else {
        send_error(res, 503, make_error("storage_error", "",
                                        "The server could not reach its database; nothing was "
                                        "changed. Try again."));
      }
    } catch (const std::exception& e) {
      std::fprintf(stderr, "linedesk-server: %s %s: %s\n", req.method.c_str(), req.path.c_str(),
                   e.what());
      send_error(res, 500, make_error("internal", "", "The server failed unexpectedly."));
    }
  };
}

std::string bearer_token(const httplib::Request& req) {
  const std::string h = req.get_header_value("Authorization");
  static constexpr std::string_view kPrefix = "Bearer ";
  if (h.size() > kPrefix.size() && h.compare(0, kPrefix.size(), kPrefix) == 0) {
    return h.substr(kPrefix.size());
  }
  return {};
}

}  // namespace

struct HttpServer::Auth {
  std::string token_hash;
  SessionRecord session;
  Administrator admin;
  Role role;
};

HttpServer::HttpServer(Store& store, const Clock& clock, ServerConfig config)
    : store_(store), clock_(clock), config_(std::move(config)),
      http_(std::make_unique<httplib::Server>()) {
  const int threads = config_.worker_threads;
  http_->new_task_queue = [threads] {
    return new httplib::ThreadPool(static_cast<std::size_t>(threads));
  };
  http_->set_payload_max_length(config_.max_body_bytes);
  http_->set_read_timeout(config_.read_timeout_s, 0);
  http_->set_write_timeout(config_.write_timeout_s, 0);
  http_->set_keep_alive_max_count(1000);
  http_->set_keep_alive_timeout(5);
  http_->set_tcp_nodelay(true);
  if (config_.log_requests) {
    http_->set_logger([](const httplib::Request& req, const httplib::Response& res) {
      std::fprintf(stderr, "%s %s -> %d\n", req.method.c_str(), req.path.c_str(), res.status);
    });
  }
  install_routes();
}

HttpServer::~HttpServer() = default;

int HttpServer::bind() {
  if (config_.port == 0) return http_->bind_to_any_port(config_.host);
  return http_->bind_to_port(config_.host, config_.port) ? config_.port : -1;
}

bool HttpServer::listen() { return http_->listen_after_bind(); }
void HttpServer::stop() { http_->stop(); }
bool HttpServer::is_running() const { return http_->is_running(); }

bool HttpServer::authenticate(const httplib::Request& req, httplib::Response& res, Auth& out) {
  const std::string token = bearer_token(req);
  if (token.empty()) {
    send_error(res, 401, make_error("no_session", "", "Sign in first."));
    return false;
  }
  out.token_hash = token_hash(token);
  auto session = store_.session(out.token_hash);
  const std::int64_t now = clock_.now_ms();
  if (!session || session->revoked) {
    send_error(res, 401, make_error("no_session", "", "Your session has ended. Sign in again."));
    return false;
  }
  if (now - session->last_seen_ms > config_.session_idle_ms ||
      now - session->created_ms > config_.session_absolute_ms) {
    send_error(res, 401, make_error("session_expired", "",
                                    "Your session expired. Sign in again; nothing you queued "
                                    "is lost."));
    return false;
  }
  auto admin = store_.admin(session->admin);
  auto role = admin ? store_.role(admin->role) : std::nullopt;
  if (!admin || !role) {
    send_error(res, 401, make_error("no_session", "", "Your administrator account was removed."));
    return false;
  }
  store_.touch_session(out.token_hash, now);
  out.session = *session;
  out.admin = std::move(*admin);
  out.role = std::move(*role);
  return true;
}

void HttpServer::install_routes() {
  httplib::Server& s = *http_;

  s.Get("/api/health", guarded([this](const httplib::Request&, httplib::Response& res) {
          send_json(res, 200,
                    Json{{"ok", true},
                         {"protocol", kProtocolVersion},
                         {"schema", store_.schema_version()}});
        }));

  s.Post("/api/login", guarded([this](const httplib::Request& req, httplib::Response& res) {
           auto body = read_json_body(req, res);
           if (!body) return;
           auto login = login_request_from_json(*body);
           if (!login) {
             send_error(res, status_for(login.error()), login.error());
             return;
           }
           auto creds = store_.admin_by_email(login->email);
           // Verify against a fixed hash for unknown emails too, so timing does not reveal
           // which addresses exist.
           static const std::string kDummyHash = hash_password("linedesk-dummy-password");
           const bool ok = creds ? verify_password(creds->password_hash, login->password)
                                 : (verify_password(kDummyHash, login->password), false);
           if (!ok) {
             send_error(res, 401, make_error("invalid_credentials", "password",
                                             "The email or password is incorrect."));
             return;
           }
           auto role = store_.role(creds->admin.role);
           auto org = store_.org(creds->admin.org);
           if (!role || !org) {
             send_error(res, 500, make_error("internal", "", "The administrator's role or "
                                                             "organization is missing."));
             return;
           }
           const std::string token = new_session_token();
           const std::int64_t now = clock_.now_ms();
           store_.create_session(token_hash(token), creds->admin.id, now);
           SessionInfo info{token, now + config_.session_absolute_ms, creds->admin, *role, *org};
           send_json(res, 200, to_json(info));
         }));

  s.Post("/api/logout", guarded([this](const httplib::Request& req, httplib::Response& res) {
           Auth auth;
           if (!authenticate(req, res, auth)) return;
           store_.revoke_session(auth.token_hash);
           send_json(res, 200, Json{{"ok", true}});
         }));

  s.Get("/api/session", guarded([this](const httplib::Request& req, httplib::Response& res) {
          Auth auth;
          if (!authenticate(req, res, auth)) return;
          auto org = store_.org(auth.admin.org);
          if (!org) {
            send_error(res, 500, make_error("internal", "", "The organization is missing."));
            return;
          }
          SessionInfo info{bearer_token(req), auth.session.created_ms + config_.session_absolute_ms,
                           auth.admin, auth.role, *org};
          send_json(res, 200, to_json(info));
        }));

  s.Get("/api/orgs", guarded([this](const httplib::Request& req, httplib::Response& res) {
          Auth auth;
          if (!authenticate(req, res, auth)) return;
          OrgTree tree(store_.all_orgs());
          OrgTreeResponse out{auth.admin.org, tree.subtree(auth.admin.org)};
          send_json(res, 200, to_json(out));
        }));

  // Refusals httplib makes itself (unknown path, body too large, bad request line) get a JSON
  // body too, so scripts and the console always read {code, message}.
  s.set_error_handler([](const httplib::Request& req, httplib::Response& res) {
    if (!res.body.empty()) return;
    Error e;
    switch (res.status) {
      case 404:
        e = make_error("not_found", "", "There is nothing at " + req.method + " " + req.path + ".");
        break;
      case 413:
        e = make_error("body_too_large", "", "The request body is larger than the server accepts.");
        break;
      case 414:
        e = make_error("uri_too_long", "", "The request address is too long.");
        break;
      default:
        e = make_error("bad_request", "",
                       "The server refused the request (HTTP " + std::to_string(res.status) + ").");
    }
    res.set_content(error_body(e).dump(), "application/json; charset=utf-8");
  });

  if (!config_.web_root.empty() && std::filesystem::is_directory(config_.web_root)) {
    s.set_mount_point("/", config_.web_root);
    s.set_file_request_handler([](const httplib::Request&, httplib::Response& res) {
      res.set_header("Cache-Control", "no-cache");
    });
  } else {
    const std::string root = config_.web_root;
    s.Get("/", [root](const httplib::Request&, httplib::Response& res) {
      res.set_content("<!doctype html><meta charset=utf-8><title>LineDesk</title><p>The LineDesk "
                      "console is not built (looked in " + root +
                          "). Run <code>scripts/serve.sh</code>.",
                      "text/html; charset=utf-8");
    });
  }
}

}  // namespace linedesk::server
