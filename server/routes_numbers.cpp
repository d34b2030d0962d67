// Numbers: import (CSV or JSON) with a per-row report, inventory by state, allocate, reserve,
// release, the inventory download and a number's assignment history.
#include "auth.hpp"
#include "http_util.hpp"
#include "routes.hpp"
#include "shared/csv.hpp"
#include "shared/exports.hpp"
#include "shared/query.hpp"
#include "shared/text.hpp"

namespace linedesk::server {
namespace {

Result<std::vector<std::string>> strings(const Json& body, const char* key) {
  JsonReader r(body);
  const Json& list = r.required(key);
  if (!r.ok()) return r.error();
  std::vector<std::string> out;
  if (!list.is_array()) return make_error("invalid_field", key, std::string("\"") + key + "\" must be a list of numbers.");
  for (const Json& e : list) {
    if (!e.is_string()) return make_error("invalid_field", key, std::string("\"") + key + "\" must be a list of numbers.");
    out.push_back(e.get<std::string>());
  }
  return out;
}

}  // namespace

void install_number_routes(httplib::Server& s, Service& service) {
  // CSV body (text/csv) or JSON {"entries": [{"number", "tag"}]}. ?format=csv answers with the
  // per-row report as a CSV download.
  s.Post("/api/numbers/import", authed(service, [&service](const httplib::Request& req,
                                                           httplib::Response& res,
                                                           const Actor& actor) {
           ImportNumbers c;
           const std::string type = req.get_header_value("Content-Type");
           if (type.rfind("application/json", 0) == 0) {
             auto body = read_json_body(req, res);
             if (!body) return;
             auto args = args_from_json(Json{{"name", "import_numbers"}, {"args", *body}});
             if (!args) return send_error(res, args.error());
             c = std::get<ImportNumbers>(args.value());
           } else {
             auto entries = number_entries_from_csv(req.body);
             if (!entries) return send_error(res, entries.error());
             c.entries = std::move(entries).value();
           }
           std::string uuid = req.get_header_value("Idempotency-Key");
           if (uuid.empty() || uuid.size() > 64) uuid = "numbers-" + new_session_token();
           auto r = service.run(actor, Command{uuid, c});
           if (!r) return send_error(res, r.error());
           if (req.get_param_value("format") == "csv") {
             return send_csv(res, "numbers-import-report.csv", number_import_report_csv(r->result));
           }
           send_json(res, 200, r->result);
         }));

  // The Accounts screen assigns from this list too.
  s.Get("/api/numbers", authed(service, [&service](const httplib::Request& req,
                                                   httplib::Response& res, const Actor& actor) {
          if (!require_any_privilege(service, actor, {Privilege::kNumbers, Privilege::kAccounts}, res)) return;
          const OrgId org = requested_org(service, actor, req, res);
          if (!org.valid()) return;
          auto q = number_query_from_params(query_params(req), org);
          if (!q) return send_error(res, q.error());
          q->org = org;
          const Json body = service.read([&](const State& st) {
            const NumberPage page = query_numbers(st, *q);
            Json rows = Json::array();
            for (const Number* n : page.rows) {
              Json j = to_json(*n);
              const Organization* o = st.org(n->org);
              const Account* a = n->account.valid() ? st.account(n->account) : nullptr;
              j["organization"] = o ? o->name : "";
              j["state_label"] = number_state_label(n->state);
              j["account_id"] = a ? a->account_id : "";
              j["account_name"] = a ? a->name() : "";
              rows.push_back(std::move(j));
            }
            return Json{{"total", page.total}, {"offset", q->offset}, {"numbers", std::move(rows)}};
          });
          send_json(res, 200, body);
        }));

  s.Post("/api/numbers/allocate", authed(service, [&service](const httplib::Request& req,
                                                             httplib::Response& res,
                                                             const Actor& actor) {
           auto body = read_json_body(req, res);
           if (!body) return;
           auto args = args_from_json(Json{{"name", "allocate_numbers"}, {"args", *body}});
           if (!args) return send_error(res, args.error());
           run_command(service, actor, req, res, args.value());
         }));

  s.Post("/api/numbers/reserve", authed(service, [&service](const httplib::Request& req,
                                                            httplib::Response& res,
                                                            const Actor& actor) {
           auto body = read_json_body(req, res);
           if (!body) return;
           auto numbers = strings(*body, "numbers");
           if (!numbers) return send_error(res, numbers.error());
           JsonReader r(*body);
           const std::string tag = r.required_string("tag");
           if (!r.ok()) return send_error(res, r.error());
           run_command(service, actor, req, res, ReserveNumbers{*numbers, tag});
         }));

  s.Post("/api/numbers/release", authed(service, [&service](const httplib::Request& req,
                                                            httplib::Response& res,
                                                            const Actor& actor) {
           auto body = read_json_body(req, res);
           if (!body) return;
           auto numbers = strings(*body, "numbers");
           if (!numbers) return send_error(res, numbers.error());
           run_command(service, actor, req, res, ReleaseNumbers{*numbers});
         }));

  s.Get("/api/numbers.csv", authed(service, [&service](const httplib::Request& req,
                                                       httplib::Response& res,
                                                       const Actor& actor) {
          if (!require_privilege(service, actor, Privilege::kNumbers, res)) return;
          const OrgId org = requested_org(service, actor, req, res);
          if (!org.valid()) return;
          const auto [csv, name] = service.read([&](const State& st) {
            return std::pair{numbers_csv(st, org), st.org(org)->name};
          });
          send_csv(res, "numbers-" + name + ".csv", csv);
        }));

  // Who held a number and when: the audit entries naming it.
  s.Get(R"(/api/numbers/(\+?\d+)/history)",
        authed(service, [&service](const httplib::Request& req, httplib::Response& res,
                                   const Actor& actor) {
          if (!require_any_privilege(service, actor, {Privilege::kNumbers, Privilege::kAccounts}, res)) return;
          auto e164 = parse_e164(req.matches[1].str(), "number");
          if (!e164) return send_error(res, e164.error());
          const std::vector<OrgId> orgs = service.read([&](const State& st) -> std::vector<OrgId> {
            const Number* n = st.number(number_id_of(*e164));
            const Administrator* a = st.admin(actor.admin);
            if (!n || !st.orgs().is_within(n->org, a->org)) return {};
            return visible_orgs(st, actor);
          });
          if (orgs.empty()) {
            return send_error(res, 404, make_error("number_not_found", "number", "The number " + *e164 + " is not in your number inventory."));
          }
          ActivityQuery q;
          q.orgs = orgs;
          q.text = *e164;
          q.limit = 200;
          Json list = Json::array();
          for (const ActivityEntry& e : service.store().activity(q)) list.push_back(to_json(e));
          send_json(res, 200, Json{{"number", *e164}, {"history", std::move(list)}});
        }));
}

}  // namespace linedesk::server
