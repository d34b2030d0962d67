// Request and response bodies of the JSON API that both the server and the console use.
#pragma once

#include <string>
#include <vector>

#include "administrator.hpp"
#include "organization.hpp"
#include "role.hpp"

namespace linedesk {

// Version of the API and sync protocol; a client with another version gets an explicit
// "version_mismatch" answer.
inline constexpr int kProtocolVersion = 1;

// POST /api/login
struct LoginRequest {
  std::string email;
  std::string password;
  bool operator==(const LoginRequest&) const = default;
};
Json to_json(const LoginRequest& r);
// Both fields are required and must be text; the email is trimmed and lower-cased.
Result<LoginRequest> login_request_from_json(const Json& j);

// The signed-in administrator with what the console needs to start.
struct SessionInfo {
  std::string token;
  TimestampMs expires_ms = 0;
  Administrator admin;
  Role role;
  Organization org;  // the administrator's own organization
  bool operator==(const SessionInfo&) const = default;
};
Json to_json(const SessionInfo& s);
Result<SessionInfo> session_info_from_json(const Json& j);

// GET /api/orgs: the organizations the administrator may see, parents before children.
struct OrgTreeResponse {
  OrgId root;
  std::vector<Organization> orgs;
  bool operator==(const OrgTreeResponse&) const = default;
};
Json to_json(const OrgTreeResponse& r);
Result<OrgTreeResponse> org_tree_response_from_json(const Json& j);

// The body of every refused request: {"error": {"code", "message", "field"}}.
Json error_body(const Error& e);
// Reads an error body; a body of another shape becomes code "bad_response".
Error error_from_body(const Json& j, int http_status);

}  // namespace linedesk
