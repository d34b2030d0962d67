// POST /api/login, sessions and GET /api/orgs against a real server on loopback.
#include <catch2/catch.hpp>

#include "shared/api.hpp"
#include "test_support.hpp"

using namespace linedesk;
using namespace linedesk::test;

namespace {

Reply post(const TestServer& s, const std::string& path, const std::string& body,
           const std::string& token = {}) {
  return s.request("POST", path, body, token);
}

Reply get(const TestServer& s, const std::string& path, const std::string& token = {}) {
  return s.get(path, token);
}

std::string code_of(const Reply& r) { return r.code(); }

}  // namespace

TEST_CASE("login succeeds with the right password and returns a session") {
  TempDir dir;
  TestServer s(dir.file("db.sqlite"));
  auto r = post(s, "/api/login",
                Json{{"email", "ZOE@example.com"}, {"password", kAdminPassword}}.dump());
  REQUIRE(r.status == 200);
  auto info = session_info_from_json(r.json);
  REQUIRE(info);
  CHECK(info->org.name == kOrgName);
  CHECK(info->admin.email == kAdminEmail);
  CHECK(info->role.privileges == PrivilegeSet::all());
  CHECK(info->token.size() == 43);
}

TEST_CASE("login refusals carry a status, a code and a message") {
  TempDir dir;
  TestServer s(dir.file("db.sqlite"));
  struct Case {
    const char* rule;
    std::string body;
    int status;
    const char* code;
    const char* field;
  };
  const std::vector<Case> cases = {
      {"wrong password", Json{{"email", kAdminEmail}, {"password", "wrong password"}}.dump(), 401,
       "invalid_credentials", "password"},
      {"unknown user", Json{{"email", "nobody@example.com"}, {"password", "whatever1"}}.dump(),
       401, "invalid_credentials", "password"},
      {"malformed JSON", R"({"email": "zoe@example.com", "password": )", 400, "bad_json", ""},
      {"not an object", "[1, 2]", 400, "invalid_field", ""},
      {"missing email", Json{{"password", "x"}}.dump(), 400, "missing_field", "email"},
      {"missing password", Json{{"email", kAdminEmail}}.dump(), 400, "missing_field", "password"},
      {"password not text", Json{{"email", kAdminEmail}, {"password", 5}}.dump(), 400,
       "invalid_field", "password"},
      {"empty body", "", 400, "bad_json", ""},
  };
  for (const auto& c : cases) {
    CAPTURE(c.rule);
    auto r = post(s, "/api/login", c.body);
    CHECK(r.status == c.status);
    REQUIRE(r.json.contains("error"));
    CHECK(code_of(r) == c.code);
    CHECK(r.json["error"]["field"] == c.field);
    CHECK_FALSE(r.json["error"]["message"].get<std::string>().empty());
  }
}

TEST_CASE("wrong password and unknown user give the same answer") {
  TempDir dir;
  TestServer s(dir.file("db.sqlite"));
  auto a = post(s, "/api/login", Json{{"email", kAdminEmail}, {"password", "nope-nope"}}.dump());
  auto b = post(s, "/api/login", Json{{"email", "x@example.com"}, {"password", "nope-nope"}}.dump());
  CHECK(a.json == b.json);
}

TEST_CASE("the org tree needs a session and returns the administrator's subtree") {
  TempDir dir;
  TestServer s(dir.file("db.sqlite"));

  auto anonymous = get(s, "/api/orgs");
  CHECK(anonymous.status == 401);
  CHECK(code_of(anonymous) == "no_session");

  auto forged = get(s, "/api/orgs", "not-a-real-token");
  CHECK(forged.status == 401);

  const std::string token = s.login();
  auto r = get(s, "/api/orgs", token);
  REQUIRE(r.status == 200);
  auto tree = org_tree_response_from_json(r.json);
  REQUIRE(tree);
  REQUIRE(tree->orgs.size() == 1);
  CHECK(tree->orgs[0].name == kOrgName);
  CHECK(tree->orgs[0].id == tree->root);
}

TEST_CASE("logout revokes the session on the server") {
  TempDir dir;
  TestServer s(dir.file("db.sqlite"));
  const std::string token = s.login();
  CHECK(get(s, "/api/session", token).status == 200);
  CHECK(post(s, "/api/logout", "", token).status == 200);
  auto after = get(s, "/api/session", token);
  CHECK(after.status == 401);
  CHECK(code_of(after) == "no_session");
}

TEST_CASE("sessions expire after 30 idle minutes and after 12 hours in all") {
  TempDir dir;
  TestServer s(dir.file("db.sqlite"));
  SECTION("idle") {
    const std::string token = s.login();
    s.clock().advance_ms(29LL * 60 * 1000);
    CHECK(get(s, "/api/session", token).status == 200);
    s.clock().advance_ms(29LL * 60 * 1000);  // activity above reset the idle timer
    CHECK(get(s, "/api/session", token).status == 200);
    s.clock().advance_ms(31LL * 60 * 1000);
    auto r = get(s, "/api/session", token);
    CHECK(r.status == 401);
    CHECK(code_of(r) == "session_expired");
  }
  SECTION("absolute") {
    const std::string token = s.login();
    for (int i = 0; i < 25; ++i) {  // active every 29 minutes for over 12 hours
      s.clock().advance_ms(29LL * 60 * 1000);
      (void)get(s, "/api/session", token);
    }
    auto r = get(s, "/api/session", token);
    CHECK(r.status == 401);
    CHECK(code_of(r) == "session_expired");
  }
}

TEST_CASE("unknown API paths and oversized bodies answer in JSON") {
  TempDir dir;
  TestServerOptions options;
  options.http.max_body_bytes = 1024;
  TestServer s(dir.file("db.sqlite"), options);
  auto missing = get(s, "/api/nothing-here");
  CHECK(missing.status == 404);
  CHECK(code_of(missing) == "not_found");
  auto big = post(s, "/api/login", std::string(4096, 'x'));
  CHECK(big.status == 413);
  CHECK(code_of(big) == "body_too_large");
}

TEST_CASE("stored passwords are argon2id hashes with at least 19 MiB and 2 passes") {
  TempDir dir;
  TestServer s(dir.file("db.sqlite"));
  const AdminId admin = s.service().read([](const State& st) { return st.admin_by_email(kAdminEmail)->id; });
  CHECK(s.store().password_hash(admin).rfind("$argon2id$v=19$m=19456,t=2,p=1$", 0) == 0);
}

TEST_CASE("sign-in is rate limited per account and per address, with a clear 429") {
  TempDir dir;
  TestServerOptions options;
  options.service.max_failures_per_account = 3;
  options.service.max_failures_per_address = 5;
  TestServer s(dir.file("db.sqlite"), options);
  const std::string wrong = Json{{"email", kAdminEmail}, {"password", "wrong-password"}}.dump();
  for (int i = 0; i < 3; ++i) CHECK(post(s, "/api/login", wrong).status == 401);
  auto limited = post(s, "/api/login", wrong);
  CHECK(limited.status == 429);
  CHECK(code_of(limited) == "too_many_attempts");
  CHECK(limited.message().find("this account") != std::string::npos);
  CHECK(limited.headers.count("Retry-After") == 1);
  // Even the right password waits: the limit protects the account.
  CHECK(post(s, "/api/login", Json{{"email", kAdminEmail}, {"password", kAdminPassword}}.dump())
            .status == 429);
  // Other accounts from the same address hit the address limit after 5 failures in all.
  const std::string other = Json{{"email", "x@example.com"}, {"password", "wrong-password"}}.dump();
  CHECK(post(s, "/api/login", other).status == 401);
  CHECK(post(s, "/api/login", other).status == 401);
  auto by_address = post(s, "/api/login", other);
  CHECK(by_address.status == 429);
  CHECK(by_address.message().find("your address") != std::string::npos);
  // An hour later the failures no longer count.
  s.clock().advance_ms(61LL * 60 * 1000);
  CHECK(post(s, "/api/login", Json{{"email", kAdminEmail}, {"password", kAdminPassword}}.dump())
            .status == 200);
}

TEST_CASE("behind a trusted proxy the address limit counts each client's own address, and "
          "X-Forwarded-For from anyone else is ignored") {
  TempDir dir;
  const std::string other = Json{{"email", "x@example.com"}, {"password", "wrong-password"}}.dump();
  const std::string right = Json{{"email", kAdminEmail}, {"password", kAdminPassword}}.dump();
  const auto from = [](const std::string& chain) { return httplib::Headers{{"X-Forwarded-For", chain}}; };
  SECTION("the peer is the proxy") {
    TestServerOptions options;
    options.service.max_failures_per_address = 3;
    options.http.trusted_proxies = {"127.0.0.1"};
    TestServer s(dir.file("db.sqlite"), options);
    // An attacker behind the proxy, inventing addresses in front of the one the proxy adds.
    for (int i = 0; i < 3; ++i) {
      CHECK(s.request("POST", "/api/login", other, {}, "application/json",
                      from("10.9.9." + std::to_string(i) + ", 203.0.113.7"))
                .status == 401);
    }
    CHECK(s.request("POST", "/api/login", other, {}, "application/json", from("203.0.113.7")).status == 429);
    // Another client through the same proxy is not locked out, and the report names it.
    REQUIRE(s.request("POST", "/api/login", right, {}, "application/json", from("198.51.100.4")).status == 200);
    const std::string token = s.login();
    auto r = get(s, "/api/reports/activity?action=login", token);
    REQUIRE(r.status == 200);
    bool named = false;
    for (const auto& e : r.json["entries"]) {
      named = named || e["summary"].get<std::string>().find("from 198.51.100.4") != std::string::npos;
    }
    CHECK(named);
  }
  SECTION("no proxy is trusted: the header changes nothing") {
    TestServerOptions options;
    options.service.max_failures_per_address = 3;
    TestServer s(dir.file("db.sqlite"), options);
    for (int i = 0; i < 3; ++i) {
      CHECK(s.request("POST", "/api/login", other, {}, "application/json",
                      from("10.9.9." + std::to_string(i)))
                .status == 401);
    }
    CHECK(s.request("POST", "/api/login", right, {}, "application/json", from("198.51.100.4")).status == 429);
  }
}

TEST_CASE("every sign-in, failed or not, is in the Admin Activity Report") {
  TempDir dir;
  TestServer s(dir.file("db.sqlite"));
  CHECK(post(s, "/api/login", Json{{"email", kAdminEmail}, {"password", "nope-nope"}}.dump()).status == 401);
  const std::string token = s.login();
  auto r = get(s, "/api/reports/activity?action=login_failed", token);
  REQUIRE(r.status == 200);
  REQUIRE(r.json["entries"].size() == 1);
  CHECK(r.json["entries"][0]["admin_email"] == kAdminEmail);
  auto ok = get(s, "/api/reports/activity?action=login", token);
  REQUIRE(ok.json["entries"].size() == 1);
  CHECK(ok.json["entries"][0]["summary"].get<std::string>().find("signed in from 127.0.0.1") != std::string::npos);
}
