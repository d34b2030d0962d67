// Accounts: list with filters, sort and paging; add (Save / Save & Invite), edit, delete,
// invite, move, numbers; the accounts download and the CSV template.
#include "http_util.hpp"
#include "routes.hpp"
#include "shared/batch_csv.hpp"
#include "shared/exports.hpp"
#include "shared/query.hpp"
#include "zoneinfo.hpp"

namespace linedesk::server {
namespace {

// An account as the API shows it: its fields plus the names a script would otherwise look up.
Json account_json(const State& st, const Account& a) {
  Json j = to_json(a);
  const Organization* o = st.org(a.org);
  const PermissionGroup* g = st.group(a.permission_group);
  j["organization"] = o ? o->name : "";
  j["permission_group_name"] = g ? g->name : "";
  j["status_label"] = account_status_label(a.status);
  j["name"] = a.name();
  if (!a.number.empty()) {
    if (const Number* n = st.number(number_id_of(a.number))) j["number_state"] = number_state_name(n->state);
  }
  return j;
}

Result<std::vector<AccountId>> read_account_ids(const Json& body) {
  JsonReader r(body);
  const Json& list = r.required("accounts");
  if (!r.ok()) return r.error();
  std::vector<AccountId> ids;
  if (!list.is_array()) return make_error("invalid_field", "accounts", "\"accounts\" must be a list of ids.");
  for (const Json& e : list) {
    if (!e.is_number_integer() || e.get<std::int64_t>() <= 0) {
      return make_error("invalid_field", "accounts", "\"accounts\" must be a list of ids.");
    }
    ids.emplace_back(e.get<std::int64_t>());
  }
  return ids;
}

}  // namespace

void install_account_routes(httplib::Server& s, Service& service) {
  s.Get("/api/accounts", authed(service, [&service](const httplib::Request& req,
                                                    httplib::Response& res, const Actor& actor) {
          if (!require_privilege(service, actor, Privilege::kAccounts, res)) return;
          const OrgId org = requested_org(service, actor, req, res);
          if (!org.valid()) return;
          auto q = account_query_from_params(query_params(req), org);
          if (!q) return send_error(res, q.error());
          q->org = org;
          const Json body = service.read([&](const State& st) {
            const AccountPage page = query_accounts(st, *q);
            Json rows = Json::array();
            for (const Account* a : page.rows) rows.push_back(account_json(st, *a));
            return Json{{"total", page.total}, {"offset", q->offset}, {"accounts", std::move(rows)}};
          });
          send_json(res, 200, body);
        }));

  s.Get(R"(/api/accounts/(\d+))", authed(service, [&service](const httplib::Request& req,
                                                            httplib::Response& res,
                                                            const Actor& actor) {
          if (!require_privilege(service, actor, Privilege::kAccounts, res)) return;
          auto id = path_id(req, res);
          if (!id) return;
          const std::optional<Json> body = service.read([&](const State& st) -> std::optional<Json> {
            const Account* a = st.account(AccountId(*id));
            const Administrator* me = st.admin(actor.admin);
            if (!a || !st.orgs().is_within(a->org, me->org)) return std::nullopt;
            Json j = account_json(st, *a);
            Json invitations = Json::array();
            for (InvitationId i : st.invitations_of(a->id)) {
              if (const Invitation* inv = st.invitation(i)) invitations.push_back(to_json(*inv));
            }
            j["invitations"] = std::move(invitations);
            return j;
          });
          if (!body) return send_error(res, 404, make_error("not_found", "", "No account with that id exists in your organizations."));
          send_json(res, 200, *body);
        }));

  s.Post("/api/accounts", authed(service, [&service](const httplib::Request& req,
                                                     httplib::Response& res, const Actor& actor) {
           auto body = read_json_body(req, res);
           if (!body) return;
           JsonReader r(*body);
           AddAccount c;
           c.org = r.required_id<OrgTag>("org");
           const Json& fields = r.required("fields");
           c.number = r.optional_string("number");
           c.tag = r.optional_string("tag");
           c.invite = r.optional_bool("invite");
           if (!r.ok()) return send_error(res, r.error());
           auto in = account_input_from_json(fields);
           if (!in) return send_error(res, in.error());
           c.fields = std::move(in).value();
           run_command(service, actor, req, res, c, 201);
         }));

  s.Patch(R"(/api/accounts/(\d+))", authed(service, [&service](const httplib::Request& req,
                                                              httplib::Response& res,
                                                              const Actor& actor) {
            auto id = path_id(req, res);
            if (!id) return;
            auto body = read_json_body(req, res);
            if (!body) return;
            JsonReader r(*body);
            EditAccount c;
            c.account = AccountId(*id);
            c.expected_version = r.optional_int("expected_version");
            const Json& fields = r.required("fields");
            if (!r.ok()) return send_error(res, r.error());
            auto in = account_input_from_json(fields);
            if (!in) return send_error(res, in.error());
            c.fields = std::move(in).value();
            run_command(service, actor, req, res, c);
          }));

  s.Delete(R"(/api/accounts/(\d+))", authed(service, [&service](const httplib::Request& req,
                                                               httplib::Response& res,
                                                               const Actor& actor) {
             auto id = path_id(req, res);
             if (!id) return;
             run_command(service, actor, req, res, DeleteAccounts{{AccountId(*id)}});
           }));

  s.Post("/api/accounts/delete", authed(service, [&service](const httplib::Request& req,
                                                            httplib::Response& res,
                                                            const Actor& actor) {
           auto body = read_json_body(req, res);
           if (!body) return;
           auto ids = read_account_ids(*body);
           if (!ids) return send_error(res, ids.error());
           run_command(service, actor, req, res, DeleteAccounts{*ids});
         }));

  // Invite, or "Resend Invitation".
  s.Post("/api/accounts/invite", authed(service, [&service](const httplib::Request& req,
                                                            httplib::Response& res,
                                                            const Actor& actor) {
           auto body = read_json_body(req, res);
           if (!body) return;
           auto ids = read_account_ids(*body);
           if (!ids) return send_error(res, ids.error());
           run_command(service, actor, req, res, InviteAccounts{*ids});
         }));

  s.Post("/api/accounts/move", authed(service, [&service](const httplib::Request& req,
                                                          httplib::Response& res,
                                                          const Actor& actor) {
           auto body = read_json_body(req, res);
           if (!body) return;
           auto ids = read_account_ids(*body);
           if (!ids) return send_error(res, ids.error());
           JsonReader r(*body);
           const OrgId destination = r.required_id<OrgTag>("destination");
           if (!r.ok()) return send_error(res, r.error());
           run_command(service, actor, req, res, MoveAccounts{*ids, destination});
         }));

  s.Put(R"(/api/accounts/(\d+)/number)", authed(service, [&service](const httplib::Request& req,
                                                                   httplib::Response& res,
                                                                   const Actor& actor) {
          auto id = path_id(req, res);
          if (!id) return;
          auto body = read_json_body(req, res);
          if (!body) return;
          JsonReader r(*body);
          AssignNumber c{AccountId(*id), r.optional_string("number"), r.optional_string("tag"),
                         r.optional_id<AccountTag>("expected_owner")};
          if (!r.ok()) return send_error(res, r.error());
          run_command(service, actor, req, res, c);
        }));

  s.Delete(R"(/api/accounts/(\d+)/number)", authed(service, [&service](const httplib::Request& req,
                                                                      httplib::Response& res,
                                                                      const Actor& actor) {
             auto id = path_id(req, res);
             if (!id) return;
             run_command(service, actor, req, res, UnassignNumber{AccountId(*id)});
           }));

  // Seed 000: the accounts download; it "will generate an Admin Activity Report" entry.
  s.Get("/api/accounts.csv", authed(service, [&service](const httplib::Request& req,
                                                        httplib::Response& res,
                                                        const Actor& actor) {
          if (!require_privilege(service, actor, Privilege::kAccounts, res)) return;
          const OrgId org = requested_org(service, actor, req, res);
          if (!org.valid()) return;
          std::vector<AccountId> selection;
          const std::string ids = req.get_param_value("ids");
          for (std::size_t i = 0; i < ids.size();) {
            const std::size_t comma = std::min(ids.find(',', i), ids.size());
            try {
              selection.emplace_back(std::stoll(ids.substr(i, comma - i)));
            } catch (...) {
              return send_error(res, 400, make_error("invalid_field", "ids", "\"ids\" must be a comma-separated list of account ids."));
            }
            i = comma + 1;
          }
          const auto [csv, org_name, count] = service.read([&](const State& st) {
            const Administrator* a = st.admin(actor.admin);
            const TimeZone tz = time_zone_named(a->time_zone);
            std::string text = accounts_csv(st, org, service.now(), tz, ids.empty() ? nullptr : &selection);
            std::int64_t rows = 0;
            if (ids.empty()) {
              for (const auto& [id, acc] : st.accounts()) rows += st.orgs().is_within(acc.org, org);
            } else {
              for (AccountId id : selection) {
                const Account* acc = st.account(id);
                rows += acc && st.orgs().is_within(acc->org, org);
              }
            }
            return std::tuple{std::move(text), st.org(org)->name, rows};
          });
          service.audit(&actor, org, "download_accounts", "accounts of " + org_name,
                        "Downloaded " + std::to_string(count) + " accounts of " + org_name + ".");
          send_csv(res, "accounts-" + org_name + ".csv", csv);
        }));

  // The Multiple Accounts CSV template for an organization (the restrict column only where
  // Social Messaging is on).
  s.Get("/api/template.csv", authed(service, [&service](const httplib::Request& req,
                                                        httplib::Response& res,
                                                        const Actor& actor) {
          const OrgId org = requested_org(service, actor, req, res);
          if (!org.valid()) return;
          const bool social = service.read([&](const State& st) {
            return effective_bool(st.orgs(), org, policy::kSocialMessaging);
          });
          send_csv(res, "accounts-template.csv", batch_template_csv(social));
        }));
}

}  // namespace linedesk::server
