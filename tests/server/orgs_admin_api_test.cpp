// Organizations (seed 004 "Manage Organizations"), policies and the utilization threshold,
// User Permissions groups, roles, administrators with their invitation link, and the profile.
#include <catch2/catch.hpp>

#include "test_support.hpp"

using namespace linedesk;
using namespace linedesk::test;

namespace {

struct Enterprise {
  TempDir dir;
  TestServer s{dir.file("db.sqlite")};
  std::string token = session_for(s, admin_id(s, kAdminEmail));
  OrgId root = s.root();

  std::string org_path(OrgId org, const std::string& rest = "") const {
    return "/api/orgs/" + std::to_string(org.value) + rest;
  }
  Json policy(OrgId org, const std::string& key) const {
    auto r = s.get(org_path(org, "/policies"), token);
    for (const Json& p : r.json["policies"]) {
      if (p["key"] == key) return p;
    }
    return {};
  }
};

const std::string kForm = "application/x-www-form-urlencoded";

}  // namespace

TEST_CASE("organizations are created, renamed and deleted only when empty", "[orgs-api]") {
  Enterprise e;
  auto created = e.s.post("/api/orgs", Json{{"parent", e.root.value}, {"name", "Retail Bank"}, {"description", "Branches"}}, e.token);
  REQUIRE(created.status == 201);
  const OrgId retail(created.json["result"]["org"].get<std::int64_t>());
  const OrgId europe = create_org(e.s, e.token, retail, "Europe");

  auto tree = e.s.get("/api/orgs", e.token);
  REQUIRE(tree.status == 200);
  CHECK(tree.json["orgs"].size() == 3);
  CHECK(tree.json["counts"][std::to_string(retail.value)]["users"] == 0);

  auto renamed = e.s.request("PATCH", e.org_path(retail), Json{{"name", "Retail Banking"}}.dump(), e.token);
  CHECK(renamed.status == 200);
  CHECK(e.s.service().read([&](const State& st) { return st.org(retail)->name; }) == "Retail Banking");
  CHECK(e.s.service().read([&](const State& st) { return st.org(retail)->description; }) == "Branches");

  create_org(e.s, e.token, e.root, "Operations");
  auto clash = e.s.request("PATCH", e.org_path(retail), Json{{"name", "operations"}}.dump(), e.token);
  CHECK(clash.status == 409);
  CHECK(clash.code() == "org_name_taken");
  CHECK(e.s.post("/api/orgs", Json{{"parent", e.root.value}, {"name", " OPERATIONS "}}, e.token).code() == "org_name_taken");
  CHECK(e.s.post("/api/orgs", Json{{"parent", e.root.value}, {"name", ""}}, e.token).status == 400);
  CHECK(e.s.post("/api/orgs", Json{{"parent", 4242}, {"name", "Nowhere"}}, e.token).status == 404);

  // Seed 004: "must not contain any users or administrators", sub-organizations included.
  const AccountId user = add_account(e.s, e.token, europe, account_fields("eu-1", "Eva", "Euro", "eva@example.com"));
  auto refused = e.s.request("DELETE", e.org_path(retail), "", e.token);
  CHECK(refused.status == 422);
  CHECK(refused.code() == "org_not_empty");
  CHECK(refused.message() == "\"Retail Banking\" cannot be deleted: it or its sub-organizations hold 1 user and 0 "
                             "administrators. Delete or move them first.");
  REQUIRE(e.s.request("DELETE", "/api/accounts/" + std::to_string(user.value), "", e.token).status == 200);
  const RoleId role = create_role(e.s, e.token, e.root, "Viewer", {"reports"});
  const AdminId admin = invite_admin(e.s, e.token, europe, role, "eu-admin@example.com");
  CHECK(e.s.request("DELETE", e.org_path(retail), "", e.token).message().find("0 users and 1 administrator") != std::string::npos);
  REQUIRE(e.s.request("DELETE", "/api/admins/" + std::to_string(admin.value), "", e.token).status == 200);

  auto deleted = e.s.request("DELETE", e.org_path(retail), "", e.token);
  CHECK(deleted.status == 200);
  CHECK(deleted.json["result"]["deleted_orgs"] == 2);
  CHECK(e.s.get("/api/orgs", e.token).json["orgs"].size() == 2);
  CHECK(e.s.request("DELETE", e.org_path(retail), "", e.token).status == 404);
  auto root_delete = e.s.request("DELETE", e.org_path(e.root), "", e.token);
  CHECK(root_delete.status == 422);
  CHECK(root_delete.code() == "org_is_root");
}

TEST_CASE("policies show their effective value and the organization it comes from", "[orgs-api]") {
  Enterprise e;
  const OrgId sales = create_org(e.s, e.token, e.root, "Sales");
  const OrgId europe = create_org(e.s, e.token, sales, "Europe");

  Json p = e.policy(europe, "social_messaging");
  CHECK(p["value"] == false);
  CHECK(p["source_name"] == "LineDesk default");
  CHECK(p["set_here"] == false);
  CHECK(p["label"] == "Social Messaging");

  REQUIRE(e.s.request("PUT", e.org_path(e.root, "/policies/social_messaging"), Json{{"value", true}}.dump(), e.token).status == 200);
  p = e.policy(europe, "social_messaging");
  CHECK(p["value"] == true);
  CHECK(p["source_name"] == kOrgName);
  CHECK(p["source"] == e.root.value);

  REQUIRE(e.s.request("PUT", e.org_path(sales, "/policies/social_messaging"), Json{{"value", false}}.dump(), e.token).status == 200);
  p = e.policy(europe, "social_messaging");
  CHECK(p["value"] == false);
  CHECK(p["source_name"] == "Sales");
  CHECK(e.policy(sales, "social_messaging")["set_here"] == true);
  CHECK(e.policy(sales, "social_messaging")["display"] == "Off");

  REQUIRE(e.s.request("DELETE", e.org_path(sales, "/policies/social_messaging"), "", e.token).status == 200);
  CHECK(e.policy(europe, "social_messaging")["source_name"] == kOrgName);
  CHECK(e.policy(europe, "social_messaging")["value"] == true);

  REQUIRE(e.s.request("PUT", e.org_path(sales, "/policies/default_language"), Json{{"value", "Italian"}}.dump(), e.token).status == 200);
  CHECK(e.policy(europe, "default_language")["value"] == "Italian");

  struct Case {
    const char* rule;
    std::string path;
    std::string body;
    int status;
    const char* code;
  };
  for (const Case& c : std::vector<Case>{
           {"unknown policy", e.org_path(sales, "/policies/free_lunch"), Json{{"value", true}}.dump(), 400, "unknown_policy"},
           {"wrong type", e.org_path(sales, "/policies/social_messaging"), Json{{"value", "yes"}}.dump(), 400, "invalid_field"},
           {"unknown language", e.org_path(sales, "/policies/default_language"), Json{{"value", "Klingon"}}.dump(), 400, "invalid_field"},
           {"out of range", e.org_path(sales, "/policies/invitation_valid_days"), Json{{"value", 365}}.dump(), 400, "out_of_range"},
           {"no value", e.org_path(sales, "/policies/social_messaging"), Json::object().dump(), 400, "missing_field"},
           {"bad JSON", e.org_path(sales, "/policies/social_messaging"), "{value", 400, "bad_json"},
           {"unknown organization", "/api/orgs/4242/policies/social_messaging", Json{{"value", true}}.dump(), 404, "not_found"},
       }) {
    CAPTURE(c.rule);
    auto r = e.s.request("PUT", c.path, c.body, e.token);
    CHECK(r.status == c.status);
    CHECK(r.code() == c.code);
  }
  CHECK(e.s.get("/api/orgs/4242/policies", e.token).status == 404);
}

TEST_CASE("the utilization threshold is 1 to 100 percent (seed 004)", "[orgs-api]") {
  Enterprise e;
  for (auto [percent, status] : std::vector<std::pair<std::int64_t, int>>{{50, 200}, {1, 200}, {100, 200}, {0, 400}, {101, 400}, {-5, 400}}) {
    CAPTURE(percent);
    auto r = e.s.request("PUT", e.org_path(e.root, "/threshold"), Json{{"percent", percent}}.dump(), e.token);
    CHECK(r.status == status);
    if (status == 400) CHECK(r.code() == "threshold_out_of_range");
  }
  CHECK(e.s.get("/api/reports/utilization", e.token).json["threshold"] == 100);
  CHECK(e.s.request("PUT", e.org_path(e.root, "/threshold"), Json{{"percent", "half"}}.dump(), e.token).status == 400);
  CHECK(e.s.request("PUT", e.org_path(e.root, "/threshold"), "{}", e.token).code() == "missing_field");
}

TEST_CASE("User Permissions groups: one default per organization, deletable only when unused", "[orgs-api]") {
  Enterprise e;
  const OrgId sales = create_org(e.s, e.token, e.root, "Sales");
  auto made = e.s.post("/api/permission-groups", Json{{"org", sales.value}, {"name", "No roaming"}, {"international_calling", false}}, e.token);
  REQUIRE(made.status == 200);
  const std::int64_t no_roaming = made.json["result"]["permission_group"].get<std::int64_t>();

  auto list = e.s.get("/api/permission-groups?org=" + std::to_string(sales.value), e.token);
  REQUIRE(list.status == 200);
  CHECK(list.json["default"] == e.s.default_group().value);  // inherited from the enterprise
  CHECK(list.json["groups"].size() == 2);

  REQUIRE(e.s.post("/api/permission-groups", Json{{"id", no_roaming}, {"org", sales.value}, {"name", "No roaming"}, {"is_default", true}}, e.token).status == 200);
  CHECK(e.s.get("/api/permission-groups?org=" + std::to_string(sales.value), e.token).json["default"] == no_roaming);

  CHECK(e.s.post("/api/permission-groups", Json{{"org", sales.value}, {"name", "no ROAMING"}}, e.token).code() == "group_name_taken");
  auto default_delete = e.s.request("DELETE", "/api/permission-groups/" + std::to_string(no_roaming), "", e.token);
  CHECK(default_delete.status == 422);
  CHECK(default_delete.code() == "group_is_default");

  auto spare = e.s.post("/api/permission-groups", Json{{"org", sales.value}, {"name", "Spare"}}, e.token);
  const std::string spare_path = "/api/permission-groups/" + spare.json["result"]["permission_group"].dump();
  Json fields = account_fields("pg-1", "Pia", "Group", "pia@example.com");
  fields["permission_group"] = spare.json["result"]["permission_group"];
  const AccountId user = add_account(e.s, e.token, sales, fields);
  auto in_use = e.s.request("DELETE", spare_path, "", e.token);
  CHECK(in_use.status == 422);
  CHECK(in_use.code() == "group_in_use");
  REQUIRE(e.s.request("DELETE", "/api/accounts/" + std::to_string(user.value), "", e.token).status == 200);
  CHECK(e.s.request("DELETE", spare_path, "", e.token).status == 200);
  CHECK(e.s.request("DELETE", spare_path, "", e.token).status == 404);
  CHECK(e.s.post("/api/permission-groups", Json{{"name", "No org"}}, e.token).code() == "missing_field");
}

TEST_CASE("roles: no administrator grants privileges their own role lacks", "[orgs-api]") {
  Enterprise e;
  const OrgId sales = create_org(e.s, e.token, e.root, "Sales");
  const RoleId managers = create_role(e.s, e.token, e.root, "Admin managers", {"administrators", "accounts"});
  const AdminId manager = invite_admin(e.s, e.token, sales, managers, "manager@example.com");
  const std::string manager_token = session_for(e.s, manager);

  auto escalate = e.s.post("/api/roles", Json{{"org", sales.value}, {"name", "Numbers too"}, {"privileges", {"accounts", "numbers"}}}, manager_token);
  CHECK(escalate.status == 403);
  CHECK(escalate.code() == "privilege_escalation");
  CHECK(escalate.message() == "You cannot grant privileges your own role lacks: Numbers.");
  const RoleId full = create_role(e.s, e.token, e.root, "Everything", all_privilege_names());
  auto invite_up = e.s.post("/api/admins", Json{{"org", sales.value}, {"role", full.value}, {"email", "boss@example.com"}}, manager_token);
  CHECK(invite_up.status == 403);
  CHECK(invite_up.code() == "privilege_escalation");

  auto fine = e.s.post("/api/roles", Json{{"org", sales.value}, {"name", "Accounts clerk"}, {"privileges", {"accounts"}}}, manager_token);
  REQUIRE(fine.status == 200);
  auto roles = e.s.get("/api/roles", manager_token);
  std::vector<std::string> names;
  for (const Json& r : roles.json["roles"]) names.push_back(r["name"].get<std::string>());
  std::sort(names.begin(), names.end());
  CHECK(names == std::vector<std::string>{"Accounts clerk", "Admin managers", "Enterprise Administrator", "Everything"});

  CHECK(e.s.post("/api/roles", Json{{"org", sales.value}, {"name", "accounts CLERK"}, {"privileges", Json::array()}}, e.token).code() == "role_name_taken");
  CHECK(e.s.post("/api/roles", Json{{"org", sales.value}, {"name", "Bad"}, {"privileges", {"flying"}}}, e.token).code() == "invalid_field");
  auto in_use = e.s.request("DELETE", "/api/roles/" + std::to_string(managers.value), "", e.token);
  CHECK(in_use.status == 422);
  CHECK(in_use.code() == "role_in_use");
  CHECK(e.s.request("DELETE", "/api/roles/" + fine.json["result"]["role"].dump(), "", e.token).status == 200);
  CHECK(e.s.request("DELETE", "/api/roles/4242", "", e.token).status == 404);
}

TEST_CASE("an invited administrator chooses a password through the mailed link and signs in", "[orgs-api]") {
  Enterprise e;
  const OrgId sales = create_org(e.s, e.token, e.root, "Sales");
  const OrgId europe = create_org(e.s, e.token, sales, "Europe");
  const OrgId ops = create_org(e.s, e.token, e.root, "Operations");
  const RoleId clerk = create_role(e.s, e.token, e.root, "Accounts clerk", {"accounts"});
  add_account(e.s, e.token, europe, account_fields("eu-1", "Eva", "Euro", "eva@example.com"));
  const AccountId ops_user = add_account(e.s, e.token, ops, account_fields("op-1", "Olaf", "Ops", "olaf@example.com"));

  const AdminId sam = invite_admin(e.s, e.token, sales, clerk, "Sam.Sales@Example.com", "Sam", "Sales");
  REQUIRE(e.s.deliver() == 1);
  const auto mail = outbox_files(e.s);
  REQUIRE(mail.size() == 1);
  CHECK(mail[0].name.find("admin_invitation.eml") != std::string::npos);
  CHECK(mail_header(mail[0].text, "To") == "<sam.sales@example.com>");
  CHECK(mail_header(mail[0].text, "Subject") == "You are now an administrator of Sales on LineDesk");
  CHECK(mail[0].text.find("You were made Accounts clerk of Sales.") != std::string::npos);
  const std::string token = link_token(mail[0].text, "http://127.0.0.1:8080/admin-activate/");
  REQUIRE(token.size() == 43);
  const std::string page = "/admin-activate/" + token;

  CHECK_THROWS(e.s.login("sam.sales@example.com", "whatever-123"));  // no password yet
  auto form = e.s.get(page, "");
  CHECK(form.status == 200);
  CHECK(form.body.find("sam.sales@example.com") != std::string::npos);
  CHECK(form.headers.find("Content-Security-Policy") != form.headers.end());

  auto differ = e.s.request("POST", page, "password=Correct-Horse-9&confirm=Correct-Horse-8", "", kForm);
  CHECK(differ.status == 422);
  CHECK(differ.body.find("The two passwords differ") != std::string::npos);
  auto weak = e.s.request("POST", page, "password=short&confirm=short", "", kForm);
  CHECK(weak.status == 422);
  CHECK(weak.body.find("at least") != std::string::npos);
  auto saved = e.s.request("POST", page, "password=Correct-Horse-9&confirm=Correct-Horse-9", "", kForm);
  CHECK(saved.status == 200);
  CHECK(saved.body.find("Password saved") != std::string::npos);
  CHECK(e.s.get(page, "").status == 410);
  CHECK(e.s.request("POST", page, "password=Other-Horse-99&confirm=Other-Horse-99", "", kForm).status == 410);

  const std::string sam_token = e.s.login("sam.sales@example.com", "Correct-Horse-9");
  auto session = e.s.get("/api/session", sam_token);
  CHECK(session.json["admin"]["id"] == sam.value);
  CHECK(session.json["role"]["name"] == "Accounts clerk");

  // A limited administrator sees only its subtree.
  auto tree = e.s.get("/api/orgs", sam_token);
  std::vector<std::string> orgs;
  for (const Json& o : tree.json["orgs"]) orgs.push_back(o["name"].get<std::string>());
  CHECK(orgs == std::vector<std::string>{"Sales", "Europe"});
  auto accounts = e.s.get("/api/accounts", sam_token);
  CHECK(accounts.json["total"] == 1);
  CHECK(accounts.json["accounts"][0]["account_id"] == "eu-1");
  CHECK(e.s.get("/api/accounts/" + std::to_string(ops_user.value), sam_token).status == 404);
  CHECK(e.s.get("/api/accounts?org=" + std::to_string(ops.value), sam_token).status == 404);
  CHECK(e.s.get("/api/admins", sam_token).status == 403);
  CHECK(e.s.post("/api/orgs", Json{{"parent", sales.value}, {"name", "Asia"}}, sam_token).status == 403);
}

TEST_CASE("an administrator link expires after 7 days and unknown links are 404", "[orgs-api]") {
  Enterprise e;
  const RoleId viewer = create_role(e.s, e.token, e.root, "Viewer", {"reports"});
  invite_admin(e.s, e.token, e.root, viewer, "late@example.com");
  e.s.deliver();
  const std::string token = link_token(outbox_files(e.s).at(0).text, "/admin-activate/");
  e.s.clock().advance_ms(7LL * 24 * 3600 * 1000 + 1);
  auto expired = e.s.get("/admin-activate/" + token, "");
  CHECK(expired.status == 410);
  CHECK(expired.body.find("expired") != std::string::npos);
  CHECK(e.s.get("/admin-activate/" + std::string(43, 'x'), "").status == 404);
}

TEST_CASE("administrators are moved between roles and removed, never by themselves", "[orgs-api]") {
  Enterprise e;
  const OrgId sales = create_org(e.s, e.token, e.root, "Sales");
  const RoleId viewer = create_role(e.s, e.token, e.root, "Viewer", {"reports"});
  const RoleId clerk = create_role(e.s, e.token, e.root, "Clerk", {"accounts"});
  const AdminId ada = invite_admin(e.s, e.token, sales, viewer, "ada@example.com");
  const std::string ada_token = session_for(e.s, ada);
  const std::string ada_path = "/api/admins/" + std::to_string(ada.value);

  auto admins = e.s.get("/api/admins", e.token);
  REQUIRE(admins.status == 200);
  CHECK(admins.json["admins"].size() == 2);
  for (const Json& a : admins.json["admins"]) CHECK_FALSE(a.contains("photo"));

  CHECK(e.s.get("/api/accounts", ada_token).status == 403);
  REQUIRE(e.s.request("PATCH", ada_path, Json{{"role", clerk.value}}.dump(), e.token).status == 200);
  CHECK(e.s.get("/api/accounts", ada_token).status == 200);
  REQUIRE(e.s.request("PATCH", ada_path, Json{{"org", e.root.value}}.dump(), e.token).status == 200);
  CHECK(e.s.service().read([&](const State& st) { return st.admin(ada)->org; }) == e.root);

  const std::string self = "/api/admins/" + std::to_string(admin_id(e.s, kAdminEmail).value);
  auto edit_self = e.s.request("PATCH", self, Json{{"role", viewer.value}}.dump(), e.token);
  CHECK(edit_self.status == 403);
  CHECK(edit_self.code() == "cannot_edit_self");
  auto remove_self = e.s.request("DELETE", self, "", e.token);
  CHECK(remove_self.status == 403);
  CHECK(remove_self.code() == "cannot_remove_self");
  CHECK(e.s.request("PATCH", ada_path, Json{{"role", 4242}}.dump(), e.token).status == 404);

  REQUIRE(e.s.request("DELETE", ada_path, "", e.token).status == 200);
  auto gone = e.s.get("/api/session", ada_token);
  CHECK(gone.status == 401);
  CHECK(e.s.request("DELETE", ada_path, "", e.token).status == 404);
  CHECK(e.s.post("/api/admins", Json{{"org", sales.value}, {"role", viewer.value}, {"email", "not-an-email"}}, e.token).code() == "invalid_email");
  CHECK(e.s.post("/api/admins", Json{{"org", sales.value}, {"role", viewer.value}, {"email", kAdminEmail}}, e.token).code() == "admin_email_taken");
}

TEST_CASE("the profile is read and edited by its owner", "[orgs-api]") {
  Enterprise e;
  auto before = e.s.get("/api/profile", e.token);
  REQUIRE(before.status == 200);
  CHECK(before.json["email"] == kAdminEmail);

  auto edited = e.s.request("PATCH", "/api/profile",
                            Json{{"first_name", "Zoé"}, {"last_name", "Müller"}, {"time_zone", "Europe/Rome"},
                                 {"phone", "+39 06 1234 5678"}, {"address", "Via Roma 1"}}
                                .dump(),
                            e.token);
  REQUIRE(edited.status == 200);
  auto after = e.s.get("/api/profile", e.token);
  CHECK(after.json["first_name"] == "Zoé");
  CHECK(after.json["time_zone"] == "Europe/Rome");
  CHECK(after.json["phone"] == "+390612345678");
  CHECK(after.json["address"] == "Via Roma 1");

  struct Case {
    const char* rule;
    Json body;
    const char* code;
  };
  for (const Case& c : std::vector<Case>{{"time zone", Json{{"time_zone", "Mars/Olympus Mons"}}, "invalid_time_zone"},
                                          {"phone", Json{{"phone", "12"}}, "invalid_number"},
                                          {"photo type", Json{{"photo", "data:text/html;base64,PGI+"}}, "invalid_photo"},
                                          {"photo size", Json{{"photo", "data:image/png;base64," + std::string(500 * 1024, 'A')}}, "photo_too_large"}}) {
    CAPTURE(c.rule);
    auto r = e.s.request("PATCH", "/api/profile", c.body.dump(), e.token);
    CHECK(r.status == 400);
    CHECK(r.code() == c.code);
  }
}

TEST_CASE("changing the password ends the other sessions and keeps this one", "[orgs-api]") {
  Enterprise e;
  const std::string mine = e.s.login();
  const std::string other = e.s.login();
  auto wrong = e.s.post("/api/profile/password", Json{{"current_password", "nope-nope-nope"}, {"new_password", "A-new-secret-1"}}, mine);
  CHECK(wrong.status == 403);
  CHECK(wrong.code() == "wrong_password");
  CHECK(wrong.json["error"]["field"] == "current_password");
  auto weak = e.s.post("/api/profile/password", Json{{"current_password", kAdminPassword}, {"new_password", "short"}}, mine);
  CHECK(weak.status == 400);
  CHECK(weak.code() == "weak_password");
  CHECK(e.s.get("/api/session", other).status == 200);

  auto changed = e.s.post("/api/profile/password", Json{{"current_password", kAdminPassword}, {"new_password", "A-new-secret-1"}}, mine);
  REQUIRE(changed.status == 200);
  CHECK(e.s.get("/api/session", mine).status == 200);
  auto ended = e.s.get("/api/session", other);
  CHECK(ended.status == 401);
  CHECK(ended.code() == "no_session");
  CHECK(e.s.get("/api/session", e.token).status == 401);
  CHECK_THROWS(e.s.login(kAdminEmail, kAdminPassword));
  CHECK_NOTHROW(e.s.login(kAdminEmail, "A-new-secret-1"));
  CHECK(e.s.get("/api/reports/activity?action=change_password", mine).json["total"] == 1);
}

TEST_CASE("group and role usage counts cover only the administrator's subtree", "[orgs-api]") {
  Enterprise e;
  const OrgId east = create_org(e.s, e.token, e.root, "East");
  const OrgId west = create_org(e.s, e.token, e.root, "West");
  const RoleId branch = create_role(e.s, e.token, e.root, "Branch", all_privilege_names());
  invite_admin(e.s, e.token, east, branch, "east@example.com");
  const std::string west_token = session_for(e.s, invite_admin(e.s, e.token, west, branch, "west@example.com"));
  for (int i = 0; i < 3; ++i) {
    add_account(e.s, e.token, east, account_fields("east-" + std::to_string(i), "Ed", "East", "ed" + std::to_string(i) + "@example.com"));
  }
  add_account(e.s, e.token, west, account_fields("west-1", "Wes", "West", "wes@example.com"));

  auto groups = e.s.get("/api/permission-groups?org=" + std::to_string(west.value), west_token);
  REQUIRE(groups.status == 200);
  REQUIRE(groups.json["groups"].size() == 1);
  CHECK(groups.json["groups"][0]["accounts"] == 1);
  CHECK(e.s.get("/api/permission-groups", e.token).json["groups"][0]["accounts"] == 4);

  auto roles = e.s.get("/api/roles", west_token);
  REQUIRE(roles.status == 200);
  for (const Json& r : roles.json["roles"]) {
    CAPTURE(r["name"]);
    CHECK(r["administrators"] == (r["name"] == "Branch" ? 1 : 0));
  }
}
