// ApiClient: typed calls to the LineDesk server, decoding answers with the core's codecs.
#pragma once

#include <functional>
#include <string>

#include "http.hpp"
#include "shared/api.hpp"

namespace linedesk::client {

class ApiClient {
 public:
  explicit ApiClient(Http& http) : http_(http) {}

  void set_token(std::string token) { token_ = std::move(token); }
  const std::string& token() const { return token_; }

  void login(const LoginRequest& req, std::function<void(Result<SessionInfo>)> done);
  void logout(std::function<void(Status)> done);
  void org_tree(std::function<void(Result<OrgTreeResponse>)> done);

  // Turns an HTTP answer into the decoded body or the server's Error; status 0 becomes
  // code "offline". The screens read their JSON fetches with it too (ConsoleContext::fetch_json).
  static Result<Json> read_answer(const HttpResponse& res);

 private:
  Http& http_;
  std::string token_;
};

}  // namespace linedesk::client
