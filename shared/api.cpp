// JSON forms of the API's request and response bodies.
#include "api.hpp"

#include "text.hpp"

namespace linedesk {

Json to_json(const LoginRequest& r) { return Json{{"email", r.email}, {"password", r.password}}; }

Result<LoginRequest> login_request_from_json(const Json& j) {
  JsonReader r(j);
  LoginRequest req;
  req.email = ascii_lower(trim(r.required_string("email")));
  req.password = r.required_string("password");
  if (r.ok() && req.email.empty()) r.fail("missing_field", "email", "Enter your email address.");
  if (r.ok() && req.password.empty()) r.fail("missing_field", "password", "Enter your password.");
  if (!r.ok()) return r.error();
  return req;
}

Json to_json(const SessionInfo& s) {
  return Json{{"token", s.token},
              {"expires_ms", s.expires_ms},
              {"admin", to_json(s.admin)},
              {"role", to_json(s.role)},
              {"org", to_json(s.org)},
              {"protocol", kProtocolVersion}};
}

Result<SessionInfo> session_info_from_json(const Json& j) {
  JsonReader r(j, "session");
  SessionInfo s;
  s.token = r.required_string("token");
  s.expires_ms = r.required_int("expires_ms");
  const Json& admin = r.required("admin");
  const Json& role = r.required("role");
  const Json& org = r.required("org");
  if (!r.ok()) return r.error();
  auto a = administrator_from_json(admin);
  if (!a) return a.error();
  auto ro = role_from_json(role);
  if (!ro) return ro.error();
  auto o = organization_from_json(org);
  if (!o) return o.error();
  s.admin = std::move(a).value();
  s.role = std::move(ro).value();
  s.org = std::move(o).value();
  return s;
}

Json to_json(const OrgTreeResponse& r) {
  Json orgs = Json::array();
  for (const auto& o : r.orgs) orgs.push_back(to_json(o));
  return Json{{"root", r.root.value}, {"orgs", std::move(orgs)}};
}

Result<OrgTreeResponse> org_tree_response_from_json(const Json& j) {
  JsonReader r(j);
  OrgTreeResponse out;
  out.root = r.required_id<OrgTag>("root");
  const Json& orgs = r.required("orgs");
  if (!r.ok()) return r.error();
  if (!orgs.is_array()) return make_error("invalid_field", "orgs", "\"orgs\" must be a list.");
  for (const Json& o : orgs) {
    auto org = organization_from_json(o);
    if (!org) return org.error();
    out.orgs.push_back(std::move(org).value());
  }
  return out;
}

Json error_body(const Error& e) {
  return Json{{"error", {{"code", e.code}, {"message", e.message}, {"field", e.field}}}};
}

Error error_from_body(const Json& j, int http_status) {
  if (j.is_object() && j.contains("error") && j["error"].is_object()) {
    JsonReader r(j["error"]);
    Error e{r.required_string("code"), r.optional_string("field"), r.required_string("message")};
    if (r.ok()) return e;
  }
  return make_error("bad_response", "",
                    "The server answered with status " + std::to_string(http_status) +
                        " and a body the console does not understand.");
}

}  // namespace linedesk
