// Batch import (Multiple Accounts): a CSV body validated as a dry run or committed as Import or
// Import & Invite; batch records with delivery progress; the Batch Operations Report download.
#include "auth.hpp"
#include "http_util.hpp"
#include "routes.hpp"
#include "shared/exports.hpp"

namespace linedesk::server {
namespace {

Json batch_json(const BatchRecord& b, const Store::BatchDelivery& d) {
  Json j = to_json(b);
  j["mode_label"] = batch_mode_label(b.mode);
  j["delivery"] = Json{{"invitations", d.total},
                       {"sent", d.sent},
                       {"failed", d.failed},
                       {"done", d.sent + d.failed >= d.total}};
  return j;
}

// Batch Operation Reports are for administrators with Reports or Accounts.
bool may_read_batches(Service& service, const Actor& actor, httplib::Response& res) {
  return require_any_privilege(service, actor, {Privilege::kReports, Privilege::kAccounts}, res);
}

}  // namespace

void install_batch_routes(httplib::Server& s, Service& service) {
  // POST /api/batches?org=&permission_group=&mode=import|import_and_invite&file_name=&dry_run=1
  // with the CSV as the body.
  s.Post("/api/batches", authed(service, [&service](const httplib::Request& req,
                                                    httplib::Response& res, const Actor& actor) {
           const OrgId org = requested_org(service, actor, req, res);
           if (!org.valid()) return;
           ImportBatch c;
           c.org = org;
           const std::string group = req.get_param_value("permission_group");
           if (!group.empty()) {
             try {
               c.permission_group = PermGroupId(std::stoll(group));
             } catch (...) {
               return send_error(res, 400, make_error("invalid_field", "permission_group", "\"permission_group\" must be an id."));
             }
           }
           const std::string mode = req.get_param_value("mode");
           auto m = batch_mode_from_name(mode.empty() ? "import" : mode);
           if (!m) {
             return send_error(res, 400, make_error("invalid_field", "mode", "\"mode\" must be import or import_and_invite."));
           }
           c.mode = *m;
           c.file_name = req.get_param_value("file_name");
           if (c.file_name.empty()) c.file_name = "upload.csv";
           c.csv = req.body;
           c.dry_run = req.get_param_value("dry_run") == "1";
           if (c.dry_run) {
             auto r = service.check(actor, c);
             if (!r) return send_error(res, r.error());
             send_json(res, 200, r->result);
             return;
           }
           std::string uuid = req.get_header_value("Idempotency-Key");
           if (uuid.empty() || uuid.size() > 64) uuid = "batch-" + new_session_token();
           auto r = service.run(actor, Command{uuid, c});
           if (!r) return send_error(res, r.error());
           Json body = r->result;
           if (r->report) body["report"] = to_json(*r->report);
           body["version"] = service.version();
           send_json(res, 201, body);
         }));

  s.Get("/api/batches", authed(service, [&service](const httplib::Request&, httplib::Response& res,
                                                   const Actor& actor) {
          if (!may_read_batches(service, actor, res)) return;
          const std::vector<BatchRecord> batches = service.read([&](const State& st) {
            std::vector<BatchRecord> out;
            const Administrator* a = st.admin(actor.admin);
            for (const auto& [id, b] : st.batches()) {
              if (st.org(b.org) && st.orgs().is_within(b.org, a->org)) out.push_back(b);
            }
            std::sort(out.begin(), out.end(), [](const BatchRecord& x, const BatchRecord& y) {
              return x.created_ms != y.created_ms ? x.created_ms > y.created_ms : x.id < y.id;
            });
            return out;
          });
          Json list = Json::array();
          for (const BatchRecord& b : batches) {
            list.push_back(batch_json(b, service.store().batch_delivery(b.id)));
          }
          send_json(res, 200, Json{{"batches", std::move(list)}});
        }));

  // A batch with the progress of its invitations' delivery.
  s.Get(R"(/api/batches/(\d+))", authed(service, [&service](const httplib::Request& req,
                                                           httplib::Response& res,
                                                           const Actor& actor) {
          if (!may_read_batches(service, actor, res)) return;
          auto id = path_id(req, res);
          if (!id) return;
          const std::optional<BatchRecord> batch =
              service.read([&](const State& st) -> std::optional<BatchRecord> {
                const BatchRecord* b = st.batch(BatchId(*id));
                const Administrator* a = st.admin(actor.admin);
                if (!b || !st.org(b->org) || !st.orgs().is_within(b->org, a->org)) return std::nullopt;
                return *b;
              });
          if (!batch) return send_error(res, 404, make_error("not_found", "", "No batch with that id exists in your organizations."));
          send_json(res, 200, batch_json(*batch, service.store().batch_delivery(batch->id)));
        }));

  s.Get(R"(/api/batches/(\d+)/report\.csv)",
        authed(service, [&service](const httplib::Request& req, httplib::Response& res,
                                   const Actor& actor) {
          if (!may_read_batches(service, actor, res)) return;
          auto id = path_id(req, res);
          if (!id) return;
          const std::optional<BatchRecord> batch =
              service.read([&](const State& st) -> std::optional<BatchRecord> {
                const BatchRecord* b = st.batch(BatchId(*id));
                const Administrator* a = st.admin(actor.admin);
                if (!b || !st.org(b->org) || !st.orgs().is_within(b->org, a->org)) return std::nullopt;
                return *b;
              });
          if (!batch) return send_error(res, 404, make_error("not_found", "", "No batch with that id exists in your organizations."));
          auto report = service.store().batch_report(batch->id);
          if (!report) return send_error(res, 404, make_error("not_found", "", "That batch has no report."));
          std::string name = batch->file_name;
          if (name.size() > 4 && name.compare(name.size() - 4, 4, ".csv") == 0) name.resize(name.size() - 4);
          send_csv(res, name + "-report.csv", batch_report_csv(*report));
        }));
}

}  // namespace linedesk::server
