// Sync endpoints: POST /api/sync/push and POST /api/sync/pull (?wait=N long-polls N seconds).
#include "http_util.hpp"
#include "routes.hpp"
#include "shared/snapshot_codec.hpp"

namespace linedesk::server {

void install_sync_routes(httplib::Server& s, Service& service) {
  s.Post("/api/sync/push", authed(service, [&service](const httplib::Request& req,
                                                      httplib::Response& res, const Actor& actor) {
           auto body = read_json_body(req, res);
           if (!body) return;
           auto push = push_request_from_json(*body);
           if (!push) return send_error(res, push.error());
           const PushResponse answer = service.push(actor, *push);
           int status = 200;
           if (answer.error) {
             const std::string& code = answer.error->code;
             status = code == "out_of_order" || code == "sequence_reused" ? 409
                      : code == "client_taken"                            ? 403
                                                                          : 426;  // version_mismatch
           }
           send_json(res, status, to_json(answer));
         }));

  s.Post("/api/sync/pull", authed(service, [&service](const httplib::Request& req,
                                                      httplib::Response& res, const Actor& actor) {
           auto body = read_json_body(req, res);
           if (!body) return;
           auto pull = pull_request_from_json(*body);
           if (!pull) return send_error(res, pull.error());
           std::int64_t wait_s = 0;
           if (const std::string w = req.get_param_value("wait"); !w.empty()) {
             try {
               wait_s = std::clamp<std::int64_t>(std::stoll(w), 0, 25);
             } catch (...) {
               return send_error(res, 400, make_error("invalid_field", "wait", "\"wait\" must be a number of seconds."));
             }
           }
           const PullResponse answer = service.pull(actor, *pull, wait_s * 1000);
           int status = 200;
           if (answer.error) {
             status = answer.error->code == "client_taken" ? 403
                      : answer.error->code == "no_session"  ? 401
                                                            : 426;
           }
           res.status = status;
           res.set_header("Cache-Control", "no-store");
           const bool text = !answer.error && answer.snapshot && pull->text_snapshot;
           res.set_content(encode_pull_answer(*pull, answer),
                           text ? "text/plain; charset=utf-8" : "application/json; charset=utf-8");
         }));
}

}  // namespace linedesk::server
