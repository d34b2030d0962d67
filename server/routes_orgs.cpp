// Organizations, their policies and the utilization threshold.
#include "http_util.hpp"
#include "routes.hpp"

namespace linedesk::server {

void install_org_routes(httplib::Server& s, Service& service) {
  // The tree the administrator may see, with user, administrator and number counts.
  s.Get("/api/orgs", authed(service, [&service](const httplib::Request&, httplib::Response& res,
                                                const Actor& actor) {
          const Json body = service.read([&](const State& st) {
            const Administrator* a = st.admin(actor.admin);
            OrgTreeResponse tree{a->org, st.orgs().subtree(a->org)};
            Json out = to_json(tree);
            Json counts = Json::object();
            for (const Organization& o : tree.orgs) {
              counts[std::to_string(o.id.value)] =
                  Json{{"users", st.accounts_in(o.id)},
                       {"admins", st.admins_in(o.id)},
                       {"numbers", st.pool(o.id).total()},
                       {"available", st.pool(o.id).available}};
            }
            out["counts"] = std::move(counts);
            return out;
          });
          send_json(res, 200, body);
        }));

  s.Post("/api/orgs", authed(service, [&service](const httplib::Request& req,
                                                 httplib::Response& res, const Actor& actor) {
           auto body = read_json_body(req, res);
           if (!body) return;
           JsonReader r(*body);
           CreateOrg c{r.required_id<OrgTag>("parent"), r.required_string("name"),
                       r.optional_string("description")};
           if (!r.ok()) return send_error(res, r.error());
           run_command(service, actor, req, res, c, 201);
         }));

  s.Patch(R"(/api/orgs/(\d+))", authed(service, [&service](const httplib::Request& req,
                                                          httplib::Response& res,
                                                          const Actor& actor) {
            auto id = path_id(req, res);
            if (!id) return;
            auto body = read_json_body(req, res);
            if (!body) return;
            JsonReader r(*body);
            EditOrg c{OrgId(*id), std::nullopt, std::nullopt};
            if (r.optional("name")) c.name = r.optional_string("name");
            if (r.optional("description")) c.description = r.optional_string("description");
            if (!r.ok()) return send_error(res, r.error());
            run_command(service, actor, req, res, c);
          }));

  s.Delete(R"(/api/orgs/(\d+))", authed(service, [&service](const httplib::Request& req,
                                                           httplib::Response& res,
                                                           const Actor& actor) {
             auto id = path_id(req, res);
             if (!id) return;
             run_command(service, actor, req, res, DeleteOrg{OrgId(*id)});
           }));

  // Every policy with its effective value and where it comes from.
  s.Get(R"(/api/orgs/(\d+)/policies)", authed(service, [&service](const httplib::Request& req,
                                                                 httplib::Response& res,
                                                                 const Actor& actor) {
          auto id = path_id(req, res);
          if (!id) return;
          const std::optional<Json> body = service.read([&](const State& st) -> std::optional<Json> {
            const Administrator* a = st.admin(actor.admin);
            if (!st.org(OrgId(*id)) || !st.orgs().is_within(OrgId(*id), a->org)) return std::nullopt;
            const Organization* org = st.org(OrgId(*id));
            Json list = Json::array();
            for (const PolicyDef& def : policy_defs()) {
              const EffectivePolicy eff = effective_policy(st.orgs(), org->id, def.key);
              const Organization* source = st.org(eff.source);
              list.push_back(Json{{"key", def.key},
                                  {"label", def.label},
                                  {"help", def.help},
                                  {"value", to_json(eff.value)},
                                  {"display", describe_policy_value(def, eff.value)},
                                  {"set_here", eff.source == org->id},
                                  {"source", eff.source.value},
                                  {"source_name", source ? source->name : "LineDesk default"}});
            }
            return Json{{"org", org->id.value}, {"policies", std::move(list)}};
          });
          if (!body) {
            return send_error(res, 404, make_error("not_found", "org", "No organization with that id exists in your organizations."));
          }
          send_json(res, 200, *body);
        }));

  s.Put(R"(/api/orgs/(\d+)/policies/([a-z_]+))",
        authed(service, [&service](const httplib::Request& req, httplib::Response& res,
                                   const Actor& actor) {
          auto id = path_id(req, res);
          if (!id) return;
          auto body = read_json_body(req, res);
          if (!body) return;
          JsonReader r(*body);
          const Json& value = r.required("value");
          if (!r.ok()) return send_error(res, r.error());
          run_command(service, actor, req, res, SetPolicy{OrgId(*id), req.matches[2].str(), value});
        }));

  s.Delete(R"(/api/orgs/(\d+)/policies/([a-z_]+))",
           authed(service, [&service](const httplib::Request& req, httplib::Response& res,
                                      const Actor& actor) {
             auto id = path_id(req, res);
             if (!id) return;
             run_command(service, actor, req, res,
                         SetPolicy{OrgId(*id), req.matches[2].str(), std::nullopt});
           }));

  s.Put(R"(/api/orgs/(\d+)/threshold)", authed(service, [&service](const httplib::Request& req,
                                                                  httplib::Response& res,
                                                                  const Actor& actor) {
          auto id = path_id(req, res);
          if (!id) return;
          auto body = read_json_body(req, res);
          if (!body) return;
          JsonReader r(*body);
          const std::int64_t percent = r.required_int("percent");
          if (!r.ok()) return send_error(res, r.error());
          run_command(service, actor, req, res, SetThreshold{OrgId(*id), percent});
        }));
}

}  // namespace linedesk::server
