// Sign-in, sessions, health, the generic command endpoint.
#include "http_util.hpp"
#include "routes.hpp"

namespace linedesk::server {

void install_auth_routes(httplib::Server& s, Service& service,
                         const std::vector<std::string>& trusted_proxies) {
  s.Get("/api/health", guarded([&service](const httplib::Request&, httplib::Response& res) {
          send_json(res, 200,
                    Json{{"ok", true},
                         {"protocol", kProtocolVersion},
                         {"schema", service.store().schema_version()},
                         {"version", service.version()}});
        }));

  s.Post("/api/login", guarded([&service, trusted_proxies](const httplib::Request& req,
                                                            httplib::Response& res) {
           auto body = read_json_body(req, res);
           if (!body) return;
           auto login = login_request_from_json(*body);
           if (!login) {
             send_error(res, login.error());
             return;
           }
           auto info = service.login(*login, client_address(req, trusted_proxies));
           if (!info) {
             if (info.error().code == "too_many_attempts") res.set_header("Retry-After", "3600");
             send_error(res, info.error());
             return;
           }
           send_json(res, 200, to_json(*info));
         }));

  s.Post("/api/logout", authed(service, [&service](const httplib::Request&, httplib::Response& res,
                                                   const Actor& actor) {
           service.logout(actor);
           send_json(res, 200, Json{{"ok", true}});
         }));

  s.Get("/api/session", authed(service, [&service](const httplib::Request& req,
                                                   httplib::Response& res, const Actor& actor) {
          auto info = service.read([&](const State& st) -> std::optional<SessionInfo> {
            const Administrator* a = st.admin(actor.admin);
            const Role* r = a ? st.role(a->role) : nullptr;
            const Organization* o = a ? st.org(a->org) : nullptr;
            if (!a || !r || !o) return std::nullopt;
            return SessionInfo{bearer_token(req),
                               actor.session.created_ms + service.config().session_absolute_ms, *a,
                               *r, *o};
          });
          if (!info) {
            send_error(res, 401, make_error("no_session", "", "Your administrator account changed; sign in again."));
            return;
          }
          send_json(res, 200, to_json(*info));
        }));

  s.Post("/api/profile/password",
         authed(service, [&service](const httplib::Request& req, httplib::Response& res,
                                    const Actor& actor) {
           auto body = read_json_body(req, res);
           if (!body) return;
           JsonReader r(*body);
           const std::string current = r.required_string("current_password");
           const std::string next = r.required_string("new_password");
           if (!r.ok()) {
             send_error(res, r.error());
             return;
           }
           if (auto st = service.change_password(actor, current, next); !st) {
             send_error(res, st.error());
             return;
           }
           send_json(res, 200, Json{{"ok", true}});
         }));

  // Any command as its JSON envelope ({"v", "uuid", "name", "args"}): scripts and the console's
  // queue use the same commands as the rest of the API. The UUID makes retries safe.
  s.Post("/api/commands", authed(service, [&service](const httplib::Request& req,
                                                     httplib::Response& res, const Actor& actor) {
           auto body = read_json_body(req, res);
           if (!body) return;
           auto command = command_from_json(*body);
           if (!command) {
             send_error(res, command.error());
             return;
           }
           auto r = service.run(actor, *command);
           if (!r) {
             send_error(res, r.error());
             return;
           }
           send_json(res, 200, Json{{"result", r->result}, {"version", service.version()}});
         }));
}

}  // namespace linedesk::server
