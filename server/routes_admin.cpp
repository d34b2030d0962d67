// User Permissions groups, roles, administrators and the signed-in administrator's profile.
#include <algorithm>

#include "http_util.hpp"
#include "routes.hpp"

namespace linedesk::server {
namespace {

// Parses {"name": ..., "args": body} through the core's command decoder.
std::optional<CommandArgs> decode(const char* name, const Json& body, httplib::Response& res) {
  auto args = args_from_json(Json{{"name", name}, {"args", body}});
  if (!args) {
    send_error(res, args.error());
    return std::nullopt;
  }
  return std::move(args).value();
}

}  // namespace

void install_admin_routes(httplib::Server& s, Service& service) {
  // Groups usable in ?org= (its own and its ancestors'), and those defined below it.
  s.Get("/api/permission-groups", authed(service, [&service](const httplib::Request& req,
                                                             httplib::Response& res,
                                                             const Actor& actor) {
          const OrgId org = requested_org(service, actor, req, res);
          if (!org.valid()) return;
          const Json body = service.read([&](const State& st) {
            Json list = Json::array();
            const Administrator* me = st.admin(actor.admin);
            std::vector<const PermissionGroup*> groups;
            for (const auto& [id, g] : st.groups()) {
              const bool usable = st.orgs().is_within(org, g.org);
              const bool below = st.orgs().is_within(g.org, org);
              if ((usable || below) && (st.orgs().is_within(g.org, me->org) || usable)) groups.push_back(&g);
            }
            std::sort(groups.begin(), groups.end(), [](const PermissionGroup* a, const PermissionGroup* b) {
              return a->name != b->name ? a->name < b->name : a->id < b->id;
            });
            std::int64_t users = 0;
            for (const PermissionGroup* g : groups) {
              Json j = to_json(*g);
              users = 0;
              // Counted in the administrator's subtree: other branches' numbers are not theirs.
              for (const auto& [id, a] : st.accounts()) {
                users += a.permission_group == g->id && st.orgs().is_within(a.org, me->org);
              }
              const Organization* o = st.org(g->org);
              j["organization"] = o ? o->name : "";
              j["accounts"] = users;
              j["usable"] = st.orgs().is_within(org, g->org);
              list.push_back(std::move(j));
            }
            return Json{{"default", st.default_group(org).value}, {"groups", std::move(list)}};
          });
          send_json(res, 200, body);
        }));

  s.Post("/api/permission-groups", authed(service, [&service](const httplib::Request& req,
                                                              httplib::Response& res,
                                                              const Actor& actor) {
           auto body = read_json_body(req, res);
           if (!body) return;
           if (auto args = decode("save_permission_group", *body, res)) {
             run_command(service, actor, req, res, *args);
           }
         }));

  s.Delete(R"(/api/permission-groups/(\d+))",
           authed(service, [&service](const httplib::Request& req, httplib::Response& res,
                                      const Actor& actor) {
             auto id = path_id(req, res);
             if (!id) return;
             run_command(service, actor, req, res, DeletePermissionGroup{PermGroupId(*id)});
           }));

  // Roles usable by the administrator: defined in its subtree or above it. Lists come sorted:
  // the State's maps have no stable order.
  s.Get("/api/roles", authed(service, [&service](const httplib::Request&, httplib::Response& res,
                                                 const Actor& actor) {
          const Json body = service.read([&](const State& st) {
            const Administrator* me = st.admin(actor.admin);
            std::vector<const Role*> roles;
            for (const auto& [id, r] : st.roles()) {
              if (st.orgs().is_within(r.org, me->org) || st.orgs().is_within(me->org, r.org)) roles.push_back(&r);
            }
            std::sort(roles.begin(), roles.end(), [](const Role* a, const Role* b) {
              return a->name != b->name ? a->name < b->name : a->id < b->id;
            });
            Json list = Json::array();
            for (const Role* r : roles) {
              Json j = to_json(*r);
              const Organization* o = st.org(r->org);
              j["organization"] = o ? o->name : "";
              std::int64_t admins = 0;
              for (const auto& [aid, a] : st.admins()) {
                admins += a.role == r->id && st.orgs().is_within(a.org, me->org);
              }
              j["administrators"] = admins;
              list.push_back(std::move(j));
            }
            return Json{{"roles", std::move(list)}};
          });
          send_json(res, 200, body);
        }));

  s.Post("/api/roles", authed(service, [&service](const httplib::Request& req,
                                                  httplib::Response& res, const Actor& actor) {
           auto body = read_json_body(req, res);
           if (!body) return;
           if (auto args = decode("save_role", *body, res)) run_command(service, actor, req, res, *args);
         }));

  s.Delete(R"(/api/roles/(\d+))", authed(service, [&service](const httplib::Request& req,
                                                            httplib::Response& res,
                                                            const Actor& actor) {
             auto id = path_id(req, res);
             if (!id) return;
             run_command(service, actor, req, res, DeleteRole{RoleId(*id)});
           }));

  s.Get("/api/admins", authed(service, [&service](const httplib::Request&, httplib::Response& res,
                                                  const Actor& actor) {
          if (!require_privilege(service, actor, Privilege::kAdministrators, res)) return;
          const Json body = service.read([&](const State& st) {
            const Administrator* me = st.admin(actor.admin);
            std::vector<const Administrator*> admins;
            for (const auto& [id, a] : st.admins()) {
              if (st.orgs().is_within(a.org, me->org)) admins.push_back(&a);
            }
            std::sort(admins.begin(), admins.end(),
                      [](const Administrator* a, const Administrator* b) { return a->email < b->email; });
            Json list = Json::array();
            for (const Administrator* a : admins) {
              Json j = to_json(*a);
              j.erase("photo");
              const Organization* o = st.org(a->org);
              const Role* r = st.role(a->role);
              j["organization"] = o ? o->name : "";
              j["role_name"] = r ? r->name : "";
              list.push_back(std::move(j));
            }
            return Json{{"admins", std::move(list)}};
          });
          send_json(res, 200, body);
        }));

  s.Post("/api/admins", authed(service, [&service](const httplib::Request& req,
                                                   httplib::Response& res, const Actor& actor) {
           auto body = read_json_body(req, res);
           if (!body) return;
           if (auto args = decode("invite_admin", *body, res)) run_command(service, actor, req, res, *args, 201);
         }));

  s.Patch(R"(/api/admins/(\d+))", authed(service, [&service](const httplib::Request& req,
                                                            httplib::Response& res,
                                                            const Actor& actor) {
            auto id = path_id(req, res);
            if (!id) return;
            auto body = read_json_body(req, res);
            if (!body) return;
            JsonReader r(*body);
            EditAdmin c{AdminId(*id), r.optional_id<RoleTag>("role"), r.optional_id<OrgTag>("org")};
            if (!r.ok()) return send_error(res, r.error());
            run_command(service, actor, req, res, c);
          }));

  s.Delete(R"(/api/admins/(\d+))", authed(service, [&service](const httplib::Request& req,
                                                             httplib::Response& res,
                                                             const Actor& actor) {
             auto id = path_id(req, res);
             if (!id) return;
             run_command(service, actor, req, res, RemoveAdmin{AdminId(*id)});
           }));

  s.Get("/api/profile", authed(service, [&service](const httplib::Request&, httplib::Response& res,
                                                   const Actor& actor) {
          const Json body = service.read([&](const State& st) { return to_json(*st.admin(actor.admin)); });
          send_json(res, 200, body);
        }));

  s.Patch("/api/profile", authed(service, [&service](const httplib::Request& req,
                                                     httplib::Response& res, const Actor& actor) {
            auto body = read_json_body(req, res);
            if (!body) return;
            if (auto args = decode("edit_profile", *body, res)) run_command(service, actor, req, res, *args);
          }));
}

}  // namespace linedesk::server
