// Reports: number utilization, dashboard figures, the Admin Activity Report (filter, page,
// download), the outbox, and usage ingest (JSON or CSV, idempotent by record id).
#include <charconv>

#include "http_util.hpp"
#include "routes.hpp"
#include "shared/csv.hpp"
#include "shared/dashboard.hpp"
#include "shared/exports.hpp"
#include "shared/text.hpp"
#include "zoneinfo.hpp"

namespace linedesk::server {
namespace {

Result<ActivityQuery> activity_query(Service& service, const Actor& actor,
                                     const httplib::Request& req) {
  ActivityQuery q;
  q.orgs = service.read([&](const State& st) { return visible_orgs(st, actor); });
  q.admin_email = ascii_lower(trim(req.get_param_value("admin")));
  q.action = req.get_param_value("action");
  q.text = req.get_param_value("q");
  for (const auto& [key, target] : {std::pair{"from", &q.from_ms}, std::pair{"to", &q.to_ms},
                                    std::pair{"offset", &q.offset}, std::pair{"limit", &q.limit}}) {
    const std::string v = req.get_param_value(key);
    if (v.empty()) continue;
    std::int64_t n = 0;
    auto [p, ec] = std::from_chars(v.data(), v.data() + v.size(), n);
    if (ec != std::errc() || p != v.data() + v.size() || n < 0) {
      return make_error("invalid_field", key, std::string("\"") + key + "\" must be a whole number.");
    }
    *target = n;
  }
  if (q.limit > 10000) q.limit = 10000;
  return q;
}

// "2026-11-05T10:00:00Z" (or with a space, milliseconds, "+00:00" or no zone: UTC) as ms.
std::optional<std::int64_t> parse_utc_iso(std::string_view v) {
  auto digits = [&](std::size_t at, std::size_t n, int& out) {
    if (at + n > v.size()) return false;
    out = 0;
    for (std::size_t i = at; i < at + n; ++i) {
      if (v[i] < '0' || v[i] > '9') return false;
      out = out * 10 + (v[i] - '0');
    }
    return true;
  };
  CivilTime c;
  if (!digits(0, 4, c.year) || v.size() < 19 || v[4] != '-' || !digits(5, 2, c.month) ||
      v[7] != '-' || !digits(8, 2, c.day) || (v[10] != 'T' && v[10] != ' ') ||
      !digits(11, 2, c.hour) || v[13] != ':' || !digits(14, 2, c.minute) || v[16] != ':' ||
      !digits(17, 2, c.second)) {
    return std::nullopt;
  }
  std::string_view rest = v.substr(19);
  if (rest.size() >= 4 && rest[0] == '.' && digits(20, 3, c.millisecond)) rest.remove_prefix(4);
  if (!rest.empty() && rest != "Z" && rest != "+00:00") return std::nullopt;
  if (c.month < 1 || c.month > 12 || c.day < 1 || c.day > days_in_month(c.year, c.month) ||
      c.hour > 23 || c.minute > 59 || c.second > 59) {
    return std::nullopt;
  }
  return utc_from_civil(c);
}

// One usage record from a CSV row: record_id, account (id or Account ID), kind, at (ms or ISO
// 8601 UTC), quantity, billable (true/false, optional).
Result<UsageRecord> usage_from_row(const State& st, const std::vector<std::string>& header,
                                   const CsvRow& row) {
  Json j = Json::object();
  for (std::size_t i = 0; i < header.size() && i < row.cells.size(); ++i) {
    const std::string key = ascii_lower(trim(header[i]));
    const std::string value(trim(row.cells[i]));
    if (key == "account") {
      std::int64_t id = 0;
      auto [p, ec] = std::from_chars(value.data(), value.data() + value.size(), id);
      if (ec != std::errc() || p != value.data() + value.size()) {
        const Account* a = st.account_by_key(account_id_key(value));
        id = a ? a->id.value : 0;
      }
      j["account"] = id;
    } else if (key == "at" || key == "at_ms" || key == "quantity") {
      std::int64_t n = 0;
      auto [p, ec] = std::from_chars(value.data(), value.data() + value.size(), n);
      if (ec == std::errc() && p == value.data() + value.size()) {
        j[key == "quantity" ? "quantity" : "at_ms"] = n;
      } else if (auto at = key == "quantity" ? std::nullopt : parse_utc_iso(value)) {
        j["at_ms"] = *at;
      } else {
        j[key == "quantity" ? "quantity" : "at_ms"] = value;  // refused below as not an integer
      }
    } else if (key == "billable") {
      j["billable"] = ascii_lower(value) != "false" && value != "0" && ascii_lower(value) != "no";
    } else if (key == "record_id" || key == "kind") {
      j[key] = value;
    }
  }
  return usage_record_from_json(j);
}

// Link tokens in mail stay in the mail: whoever lists the outbox cannot activate a line or
// set another administrator's password with them.
std::string redact_links(std::string body) {
  for (const std::string marker : {"/admin-activate/", "/activate/"}) {
    for (std::size_t at = body.find(marker); at != std::string::npos; at = body.find(marker, at + 1)) {
      const std::size_t start = at + marker.size();
      std::size_t end = start;
      while (end < body.size() && (std::isalnum(static_cast<unsigned char>(body[end])) ||
                                   body[end] == '-' || body[end] == '_')) {
        ++end;
      }
      if (end > start) body.replace(start, end - start, "…");
    }
  }
  return body;
}

}  // namespace

void install_report_routes(httplib::Server& s, Service& service) {
  s.Get("/api/reports/utilization", authed(service, [&service](const httplib::Request& req,
                                                               httplib::Response& res,
                                                               const Actor& actor) {
          const OrgId org = requested_org(service, actor, req, res);
          if (!org.valid()) return;
          const Json body = service.read([&](const State& st) {
            Json j = to_json(number_utilization(st, org));
            j["org"] = org.value;
            j["threshold"] = effective_int(st.orgs(), org, policy::kUtilizationThreshold);
            return j;
          });
          send_json(res, 200, body);
        }));

  // Dashboard figures for ?org=, in the administrator's time zone.
  s.Get("/api/reports/dashboard", authed(service, [&service](const httplib::Request& req,
                                                             httplib::Response& res,
                                                             const Actor& actor) {
          const OrgId org = requested_org(service, actor, req, res);
          if (!org.valid()) return;
          const auto [orgs, tz] = service.read([&](const State& st) {
            std::vector<OrgId> ids;
            for (const Organization& o : st.orgs().subtree(org)) ids.push_back(o.id);
            return std::pair{ids, time_zone_named(st.admin(actor.admin)->time_zone)};
          });
          const std::int64_t now = service.now();
          const Cycle current = cycle_containing(tz, now);
          const Cycle past = previous_cycle(tz, current);
          const std::vector<UsageRecord> usage = service.store().usage(orgs, past.start, current.end);
          const Json body = service.read([&](const State& st) {
            Json j = to_json(dashboard_figures(st, org, usage, now, tz));
            j["org"] = org.value;
            j["time_zone"] = tz.name();
            j["threshold"] = effective_int(st.orgs(), org, policy::kUtilizationThreshold);
            return j;
          });
          send_json(res, 200, body);
        }));

  s.Get("/api/reports/activity", authed(service, [&service](const httplib::Request& req,
                                                            httplib::Response& res,
                                                            const Actor& actor) {
          if (!require_privilege(service, actor, Privilege::kReports, res)) return;
          auto q = activity_query(service, actor, req);
          if (!q) return send_error(res, q.error());
          Json list = Json::array();
          for (const ActivityEntry& e : service.store().activity(*q)) list.push_back(to_json(e));
          send_json(res, 200, Json{{"total", service.store().activity_count(*q)},
                                   {"offset", q->offset},
                                   {"entries", std::move(list)}});
        }));

  s.Get("/api/reports/activity.csv", authed(service, [&service](const httplib::Request& req,
                                                                httplib::Response& res,
                                                                const Actor& actor) {
          if (!require_privilege(service, actor, Privilege::kReports, res)) return;
          auto q = activity_query(service, actor, req);
          if (!q) return send_error(res, q.error());
          if (req.get_param_value("limit").empty()) q->limit = 10000;
          const auto entries = service.store().activity(*q);
          const std::string csv = service.read([&](const State& st) { return activity_csv(st, entries); });
          send_csv(res, "admin-activity.csv", csv);
        }));

  // Mail the server decided to send for the administrator's organizations. Invitations carry
  // activation links: users' ones are for Accounts, administrators' ones for Administrators.
  s.Get("/api/outbox", authed(service, [&service](const httplib::Request& req,
                                                  httplib::Response& res, const Actor& actor) {
          if (!require_any_privilege(service, actor, {Privilege::kAccounts, Privilege::kAdministrators}, res)) return;
          const PrivilegeSet privileges = privileges_of(service, actor);
          const auto orgs = service.read([&](const State& st) { return visible_orgs(st, actor); });
          std::int64_t limit = 100;
          try {
            if (!req.get_param_value("limit").empty()) limit = std::clamp<std::int64_t>(std::stoll(req.get_param_value("limit")), 1, 1000);
          } catch (...) {
            return send_error(res, 400, make_error("invalid_field", "limit", "\"limit\" must be a whole number."));
          }
          Json list = Json::array();
          for (const OutboxMessage& m : service.store().outbox(orgs, limit)) {
            if (m.kind == "admin_invitation" ? !privileges.has(Privilege::kAdministrators)
                : m.kind == "invitation"     ? !privileges.has(Privilege::kAccounts)
                                             : false) {
              continue;
            }
            list.push_back(Json{{"id", m.id},
                                {"kind", m.kind},
                                {"org", m.org.value},
                                {"to", m.to},
                                {"subject", m.subject},
                                {"body", redact_links(m.body)},
                                {"status", m.status},
                                {"attempts", m.attempts},
                                {"last_error", m.last_error},
                                {"created_ms", m.created_ms},
                                {"sent_ms", m.sent_ms},
                                {"invitation", m.invitation.value},
                                {"batch", m.batch.value}});
          }
          send_json(res, 200, Json{{"messages", std::move(list)}});
        }));

  // Usage records, as JSON ([...] or {"records": [...]}) or CSV. Each record names an account
  // the administrator may see; records already received (same record_id) count once.
  s.Post("/api/usage", authed(service, [&service](const httplib::Request& req,
                                                  httplib::Response& res, const Actor& actor) {
           if (!require_privilege(service, actor, Privilege::kReports, res)) return;
           std::vector<UsageRecord> records;
           Json errors = Json::array();
           const bool json = req.get_header_value("Content-Type").rfind("application/json", 0) == 0;
           service.read([&](const State& st) {
             const Administrator* me = st.admin(actor.admin);
             auto accept = [&](Result<UsageRecord> r, std::size_t row) {
               if (!r) {
                 errors.push_back(Json{{"row", row}, {"code", r.error().code}, {"field", r.error().field},
                                       {"reason", r.error().message}});
                 return;
               }
               const Account* a = st.account(r->account);
               if (!a || !st.orgs().is_within(a->org, me->org)) {
                 errors.push_back(Json{{"row", row}, {"code", "not_found"}, {"field", "account"},
                                       {"reason", "No account with that id exists in your organizations."}});
                 return;
               }
               UsageRecord u = std::move(r).value();
               u.org = a->org;
               records.push_back(std::move(u));
             };
             if (json) {
               auto body = parse_json(req.body);
               if (!body) {
                 errors.push_back(Json{{"row", 0}, {"code", "bad_json"}, {"reason", body.error().message}});
                 return;
               }
               const Json& list = body->is_object() && body->contains("records") ? (*body)["records"] : *body;
               if (!list.is_array()) {
                 errors.push_back(Json{{"row", 0}, {"code", "invalid_field"}, {"reason", "Send a list of usage records."}});
                 return;
               }
               for (std::size_t i = 0; i < list.size(); ++i) accept(usage_record_from_json(list[i]), i + 1);
             } else {
               auto doc = read_csv(req.body);
               if (!doc) {
                 errors.push_back(Json{{"row", 0}, {"code", doc.error().code}, {"reason", doc.error().message}});
                 return;
               }
               if (doc->rows.empty()) return;
               const std::vector<std::string> header = doc->rows[0].cells;
               for (std::size_t r = 1; r < doc->rows.size(); ++r) {
                 if (doc->rows[r].blank()) continue;
                 accept(usage_from_row(st, header, doc->rows[r]), doc->rows[r].line);
               }
             }
           });
           if (!errors.empty() && records.empty() && errors[0]["row"] == 0) {
             return send_error(res, 400, make_error(errors[0]["code"].get<std::string>(), "", errors[0]["reason"].get<std::string>()));
           }
           const std::int64_t added = service.store().add_usage(records);
           // Decided before `errors` moves into the body (argument order is unspecified).
           const int status = errors.empty() ? 200 : 207;
           send_json(res, status,
                     Json{{"received", records.size() + errors.size()},
                          {"added", added},
                          {"duplicates", static_cast<std::int64_t>(records.size()) - added},
                          {"refused", errors.size()},
                          {"errors", std::move(errors)}});
         }));
}

}  // namespace linedesk::server
