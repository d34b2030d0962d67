// ApiClient calls.
#include "api_client.hpp"

namespace linedesk::client {

Result<Json> ApiClient::read_answer(const HttpResponse& res) {
  if (res.status == 0) {
    return make_error("offline", "",
                      "Cannot reach the LineDesk server. Check the connection and try again.");
  }
  auto body = parse_json(res.body);
  if (res.status >= 200 && res.status < 300) {
    if (!body) {
      return make_error("bad_response", "", "The server's answer could not be read.");
    }
    return std::move(body).value();
  }
  return error_from_body(body ? body.value() : Json(), res.status);
}

void ApiClient::login(const LoginRequest& req, std::function<void(Result<SessionInfo>)> done) {
  http_.request("POST", "/api/login", to_json(req).dump(), "",
                [done = std::move(done)](const HttpResponse& res) {
                  auto answer = read_answer(res);
                  if (!answer) return done(answer.error());
                  done(session_info_from_json(answer.value()));
                });
}

void ApiClient::logout(std::function<void(Status)> done) {
  http_.request("POST", "/api/logout", "", token_, [done = std::move(done)](const HttpResponse& res) {
    auto answer = read_answer(res);
    if (!answer) return done(answer.error());
    done(Status{});
  });
}

void ApiClient::org_tree(std::function<void(Result<OrgTreeResponse>)> done) {
  http_.request("GET", "/api/orgs", "", token_, [done = std::move(done)](const HttpResponse& res) {
    auto answer = read_answer(res);
    if (!answer) return done(answer.error());
    done(org_tree_response_from_json(answer.value()));
  });
}

}  // namespace linedesk::client
