// JSON round trips of the walking skeleton's values, and their decoders' refusals.
#include <catch2/catch.hpp>

#include "shared/api.hpp"

using namespace linedesk;

namespace {

Organization sample_org() {
  return Organization{OrgId(42), OrgId(7), "Zoë Müller Holdings", "Europe — Retail", {}, 1700000000123};
}

Administrator sample_admin() {
  Administrator a;
  a.id = AdminId(9007199254740991);
  a.org = OrgId(42);
  a.role = RoleId(3);
  a.email = "zoe.muller@example.com";
  a.first_name = "Zoë";
  a.last_name = "Müller";
  a.phone = "+39 06 1234 5678";
  a.address = "Via Roma 1, 00100 Roma";
  a.time_zone = "Europe/Rome";
  a.created_ms = 1700000000000;
  return a;
}

Role sample_role() {
  Role r;
  r.id = RoleId(3);
  r.org = OrgId(42);
  r.name = "Accounts only";
  r.privileges.add(Privilege::kAccounts).add(Privilege::kReports);
  return r;
}

}  // namespace

TEST_CASE("Organization survives a JSON round trip, text included") {
  const Organization o = sample_org();
  auto back = organization_from_json(parse_json(to_json(o).dump()).value());
  REQUIRE(back);
  CHECK(back.value() == o);
}

TEST_CASE("a root Organization has no parent after a round trip") {
  Organization root{OrgId(1), OrgId(), "ABC Banking Corporation", "", {}, 0};
  auto back = organization_from_json(to_json(root));
  REQUIRE(back);
  CHECK(back->is_root());
}

TEST_CASE("Administrator survives a JSON round trip") {
  const Administrator a = sample_admin();
  auto back = administrator_from_json(parse_json(to_json(a).dump()).value());
  REQUIRE(back);
  CHECK(back.value() == a);
  CHECK(back->display_name() == "Zoë Müller");
}

TEST_CASE("Role survives a JSON round trip with its privileges") {
  const Role r = sample_role();
  auto back = role_from_json(to_json(r));
  REQUIRE(back);
  CHECK(back.value() == r);
  CHECK(to_json(r)["privileges"] == Json::array({"accounts", "reports"}));
}

TEST_CASE("SessionInfo and OrgTreeResponse survive a JSON round trip") {
  SessionInfo s{"tok", 123, sample_admin(), sample_role(), sample_org()};
  auto back = session_info_from_json(parse_json(to_json(s).dump()).value());
  REQUIRE(back);
  CHECK(back.value() == s);

  OrgTreeResponse t{OrgId(42), {sample_org()}};
  auto t2 = org_tree_response_from_json(to_json(t));
  REQUIRE(t2);
  CHECK(t2.value() == t);
}

TEST_CASE("entity decoders refuse bad documents, naming the field") {
  struct Case {
    const char* rule;
    Json doc;
    const char* code;
    const char* field;
  };
  Json org = to_json(sample_org());
  Json admin = to_json(sample_admin());
  Json role = to_json(sample_role());
  auto without = [](Json j, const char* key) {
    j.erase(key);
    return j;
  };
  auto with = [](Json j, const char* key, Json v) {
    j[key] = std::move(v);
    return j;
  };
  const std::vector<Case> cases = {
      {"organization id is required", without(org, "id"), "missing_field", "organization.id"},
      {"organization name is required", without(org, "name"), "missing_field",
       "organization.name"},
      {"organization name is not blank", with(org, "name", "   "), "missing_field",
       "organization.name"},
      {"organization name is text", with(org, "name", 12), "invalid_field", "organization.name"},
      {"organization name has no control characters", with(org, "name", "a\nb"), "invalid_text",
       "organization.name"},
      {"organization name at most 120 characters", with(org, "name", std::string(121, 'x')),
       "too_long", "organization.name"},
      {"organization id is an integer", with(org, "id", "42"), "invalid_field",
       "organization.id"},
      {"administrator email is required", without(admin, "email"), "missing_field",
       "administrator.email"},
      {"administrator email is an address", with(admin, "email", "not-an-email"),
       "invalid_email", "administrator.email"},
      {"role privileges are known names", with(role, "privileges", Json::array({"root"})),
       "invalid_field", "role.privileges"},
  };
  for (const auto& c : cases) {
    CAPTURE(c.rule);
    Error e;
    if (std::string(c.field).rfind("administrator", 0) == 0) {
      auto r = administrator_from_json(c.doc);
      REQUIRE_FALSE(r);
      e = r.error();
    } else if (std::string(c.field).rfind("role", 0) == 0) {
      auto r = role_from_json(c.doc);
      REQUIRE_FALSE(r);
      e = r.error();
    } else {
      auto r = organization_from_json(c.doc);
      REQUIRE_FALSE(r);
      e = r.error();
    }
    CHECK(e.code == c.code);
    CHECK(e.field == c.field);
    CHECK_FALSE(e.message.empty());
  }
}

TEST_CASE("login requests require email and password, and normalise the email") {
  auto ok = login_request_from_json(Json{{"email", "  Admin@Example.COM "}, {"password", "pw"}});
  REQUIRE(ok);
  CHECK(ok->email == "admin@example.com");

  auto no_pw = login_request_from_json(Json{{"email", "a@b.c"}});
  REQUIRE_FALSE(no_pw);
  CHECK(no_pw.error().code == "missing_field");
  CHECK(no_pw.error().field == "password");

  auto blank = login_request_from_json(Json{{"email", " "}, {"password", "x"}});
  REQUIRE_FALSE(blank);
  CHECK(blank.error().field == "email");
}

TEST_CASE("error bodies round trip and unknown bodies become bad_response") {
  Error e{"number_taken", "number", "The number is taken."};
  CHECK(error_from_body(error_body(e), 409) == e);
  CHECK(error_from_body(Json{{"x", 1}}, 502).code == "bad_response");
}
