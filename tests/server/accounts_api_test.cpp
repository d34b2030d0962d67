// The accounts API against a real server on loopback: Save and Save & Invite (seed 001), the
// list with its filters, sort and paging, edits with versions, delete, invite, move (seeds
// 001-003), numbers, the accounts download (seed 000), the CSV template and Idempotency-Key.
#include <catch2/catch.hpp>

#include <set>

#include "test_support.hpp"

using namespace linedesk;
using namespace linedesk::test;

namespace {

struct Enterprise {
  explicit Enterprise(TestServerOptions options = {}) : s(dir.file("db.sqlite"), std::move(options)) {}
  TempDir dir;
  TestServer s;
  std::string token = session_for(s, admin_id(s, kAdminEmail));
  OrgId root = s.root();
};

std::int64_t id_of(const Json& j, const char* key) { return j["result"][key].get<std::int64_t>(); }

std::vector<std::string> names_in(const Reply& r) {
  std::vector<std::string> out;
  for (const Json& a : r.json["accounts"]) out.push_back(a["name"].get<std::string>());
  return out;
}

}  // namespace

TEST_CASE("Save adds an account without an invitation; Save & Invite mails one from the template", "[accounts-api]") {
  Enterprise e;
  const auto numbers = import_numbers(e.s, e.token, 15550001000, 3);

  auto saved = e.s.post("/api/accounts",
                        Json{{"org", e.root.value},
                             {"fields", account_fields("anna-1", "Anna", "Berg", "anna@example.com")}},
                        e.token);
  REQUIRE(saved.status == 201);
  CHECK(saved.json["result"]["invitation"] == 0);
  CHECK(saved.json["version"].get<std::int64_t>() > 0);
  auto anna = e.s.get("/api/accounts/" + std::to_string(id_of(saved.json, "account")), e.token);
  REQUIRE(anna.status == 200);
  CHECK(anna.json["status"] == "not_invited");
  CHECK(anna.json["status_label"] == "Not Invited");
  CHECK(anna.json["organization"] == kOrgName);
  CHECK(anna.json["permission_group_name"] == "Default User Permissions");
  CHECK(anna.json["invitations"].empty());
  CHECK(e.s.deliver() == 0);
  CHECK(outbox_files(e.s).empty());

  auto invited = e.s.post("/api/accounts",
                          Json{{"org", e.root.value},
                               {"fields", account_fields("emile-1", "Émile", "Zola", "Emile@Example.com")},
                               {"number", numbers[1]},
                               {"invite", true}},
                          e.token);
  REQUIRE(invited.status == 201);
  CHECK(invited.json["result"]["invitation"].get<std::int64_t>() > 0);
  CHECK(invited.json["result"]["number"] == numbers[1]);
  const AccountId emile(id_of(invited.json, "account"));
  CHECK(account_of(e.s, emile).status == AccountStatus::kInvited);
  CHECK(e.s.service().read([&](const State& st) { return st.number(number_id_of(numbers[1]))->state; }) ==
        NumberState::kAssigned);

  CHECK(e.s.deliver() == 1);
  const auto files = outbox_files(e.s);
  REQUIRE(files.size() == 1);
  CHECK(files[0].name.find("-invitation.eml") != std::string::npos);
  const std::string& eml = files[0].text;
  CHECK(mail_header(eml, "To") == "<emile@example.com>");
  CHECK(mail_header(eml, "Subject") == std::string("Activate your business line for ") + kOrgName);
  CHECK(eml.find("Hello Émile Zola,") != std::string::npos);
  CHECK(eml.find(numbers[1]) != std::string::npos);
  CHECK(eml.find(std::string(kOrgName) + " has set up a business phone line") != std::string::npos);
  const std::string token = link_token(eml, "http://127.0.0.1:8080/activate/");
  REQUIRE(token.size() == 43);
  CHECK(e.s.get("/activate/" + token, "").status == 200);

  SECTION("the organization's own template is used, with its placeholders filled in") {
    REQUIRE(e.s.request("PUT", "/api/orgs/" + std::to_string(e.root.value) + "/policies/invitation_subject",
                        Json{{"value", "Welcome {name}: {number} at {organization}"}}.dump(), e.token)
                .status == 200);
    REQUIRE(e.s.request("PUT", "/api/orgs/" + std::to_string(e.root.value) + "/policies/invitation_body",
                        Json{{"value", "Hi {name}! Your line {number}. Go to {link} now."}}.dump(), e.token)
                .status == 200);
    add_account(e.s, e.token, e.root, account_fields("li-1", "Lí", "Wú", "li@example.com"), true, numbers[2]);
    CHECK(e.s.deliver() == 1);
    const auto all = outbox_files(e.s);
    REQUIRE(all.size() == 2);
    CHECK(mail_header(all[1].text, "Subject") ==
          "Welcome Lí Wú: " + numbers[2] + " at " + std::string(kOrgName));
    CHECK(all[1].text.find("Hi Lí Wú! Your line " + numbers[2] + ". Go to http://127.0.0.1:8080/activate/") !=
          std::string::npos);
  }
}

TEST_CASE("adding an account is refused with the rule it breaks", "[accounts-api]") {
  Enterprise e;
  add_account(e.s, e.token, e.root, account_fields("taken-1", "Tina", "Taken", "tina@example.com"));
  const Json fields = account_fields("new-1", "Nina", "New", "nina@example.com");
  struct Case {
    const char* rule;
    std::string body;
    int status;
    const char* code;
  };
  auto body = [&](Json f, Json extra = Json::object()) {
    Json j{{"org", e.root.value}, {"fields", std::move(f)}};
    for (auto& [k, v] : extra.items()) j[k] = v;
    return j.dump();
  };
  Json no_first = fields;
  no_first.erase("first_name");
  Json dup = fields;
  dup["account_id"] = "TAKEN-1";
  Json bad_address = fields;
  bad_address["invite_address"] = "not an address";
  Json bad_language = fields;
  bad_language["language"] = "Klingon";
  Json social = fields;
  social["social_messaging"] = true;
  Json bad_forward = fields;
  bad_forward["forwarding_number"] = "12";
  const std::vector<Case> cases = {
      {"malformed JSON", R"({"org": )", 400, "bad_json"},
      {"no org", Json{{"fields", fields}}.dump(), 400, "missing_field"},
      {"no fields", Json{{"org", e.root.value}}.dump(), 400, "missing_field"},
      {"fields not an object", Json{{"org", e.root.value}, {"fields", 5}}.dump(), 400, "invalid_field"},
      {"first name is required (seed 003's form)", body(no_first), 400, "missing_field"},
      {"Account ID unique in the enterprise, ignoring case", body(dup), 409, "account_id_taken"},
      {"email or device", body(bad_address), 400, "invalid_invite_address"},
      {"language list", body(bad_language), 400, "invalid_language"},
      {"forwarding number 4-18 digits", body(bad_forward), 400, "invalid_forwarding_number"},
      {"features only when enabled for the organization", body(social), 422, "feature_not_enabled"},
      {"an organization outside the tree", Json{{"org", 987654321}, {"fields", fields}}.dump(), 404, "not_found"},
      {"a number not in the inventory", body(fields, Json{{"number", "+15559990000"}}), 404, "number_not_found"},
      {"Save & Invite needs an Available number", body(fields, Json{{"invite", true}}), 422,
       "no_numbers_available"},
  };
  for (const Case& c : cases) {
    CAPTURE(c.rule);
    auto r = e.s.request("POST", "/api/accounts", c.body, e.token);
    CHECK(r.status == c.status);
    CHECK(r.code() == c.code);
    CHECK_FALSE(r.message().empty());
  }
  CHECK(e.s.service().read([](const State& st) { return st.accounts().size(); }) == 1);
}

TEST_CASE("the accounts list filters, searches, sorts and pages", "[accounts-api]") {
  Enterprise e;
  const auto numbers = import_numbers(e.s, e.token, 15550002000, 8);
  const OrgId sales = create_org(e.s, e.token, e.root, "Sales");
  const OrgId support = create_org(e.s, e.token, e.root, "Support");
  allocate_numbers(e.s, e.token, sales, {numbers[4], numbers[5]});
  auto night = e.s.post("/api/permission-groups", Json{{"org", e.root.value}, {"name", "Night shift"}}, e.token);
  REQUIRE(night.status == 200);
  const std::int64_t night_id = night.json["result"]["permission_group"].get<std::int64_t>();

  add_account(e.s, e.token, e.root, account_fields("a-anna", "Anna", "Berg", "anna@example.com"));
  add_account(e.s, e.token, e.root, account_fields("b-bruno", "Bruno", "Costa", "bruno@example.com"), true,
              numbers[0]);
  add_account(e.s, e.token, sales, account_fields("c-carla", "Carla", "Diaz", "carla@example.com"), false,
              numbers[4]);
  add_account(e.s, e.token, sales, account_fields("d-dario", "Dario", "Esposito", "+390612345678"), true);
  Json elodie = account_fields("e-elodie", "Elodie", "Faure", "elodie@example.com");
  elodie["permission_group"] = night_id;
  elodie["notes"] = "VIP customer";
  add_account(e.s, e.token, support, elodie);
  add_account(e.s, e.token, e.root, account_fields("f-fabio", "Fabio", "Gallo", "fabio@example.com"), true,
              numbers[1]);
  e.s.deliver();
  // Fabio activates through his link: Active, number Activated.
  const auto files = outbox_files(e.s);
  const std::string fabio_link = link_token(files.back().text, "/activate/");
  REQUIRE(e.s.request("POST", "/activate/" + fabio_link, "", "", "application/x-www-form-urlencoded").status == 200);

  struct Case {
    std::string query;
    std::int64_t total;
    std::vector<std::string> names;  // in order
  };
  const std::vector<Case> cases = {
      {"", 6, {"Anna Berg", "Bruno Costa", "Carla Diaz", "Dario Esposito", "Elodie Faure", "Fabio Gallo"}},
      {"q=COSTA", 1, {"Bruno Costa"}},
      {"q=vip", 1, {"Elodie Faure"}},
      {"q=" + url_encode(numbers[4].substr(4)), 1, {"Carla Diaz"}},
      {"status=invited", 2, {"Bruno Costa", "Dario Esposito"}},
      {"status=not_invited", 3, {"Anna Berg", "Carla Diaz", "Elodie Faure"}},
      {"status=active", 1, {"Fabio Gallo"}},
      {"group=" + std::to_string(night_id), 1, {"Elodie Faure"}},
      {"number_state=assigned", 1, {"Bruno Costa"}},
      {"number_state=pending_invitation", 1, {"Carla Diaz"}},
      {"number_state=activated", 1, {"Fabio Gallo"}},
      {"org=" + std::to_string(sales.value), 2, {"Carla Diaz", "Dario Esposito"}},
      {"sort=name&dir=desc", 6, {"Fabio Gallo", "Elodie Faure", "Dario Esposito", "Carla Diaz", "Bruno Costa", "Anna Berg"}},
      {"sort=account_id&dir=desc&limit=2", 6, {"Fabio Gallo", "Elodie Faure"}},
      {"sort=name&offset=2&limit=2", 6, {"Carla Diaz", "Dario Esposito"}},
      {"status=not_invited&org=" + std::to_string(sales.value), 1, {"Carla Diaz"}},
  };
  for (const Case& c : cases) {
    CAPTURE(c.query);
    auto r = e.s.get("/api/accounts?" + c.query, e.token);
    REQUIRE(r.status == 200);
    CHECK(r.json["total"] == c.total);
    CHECK(names_in(r) == c.names);
  }
  // Each row carries what a script would otherwise look up.
  auto carla = e.s.get("/api/accounts?q=carla", e.token);
  CHECK(carla.json["accounts"][0]["organization"] == "Sales");
  CHECK(carla.json["accounts"][0]["number_state"] == "pending_invitation");

  struct Bad {
    std::string query;
    int status;
    const char* field;
  };
  for (const Bad& b : std::vector<Bad>{{"status=sleeping", 400, "status"},
                                        {"number_state=lost", 400, "number_state"},
                                        {"sort=shoe_size", 400, "sort"},
                                        {"dir=sideways", 400, "dir"},
                                        {"limit=lots", 400, "limit"},
                                        {"offset=-1", 400, "offset"},
                                        {"org=123456789", 404, "org"},
                                        {"org=abc", 404, "org"}}) {
    CAPTURE(b.query);
    auto r = e.s.get("/api/accounts?" + b.query, e.token);
    CHECK(r.status == b.status);
    CHECK(r.json["error"]["field"] == b.field);
  }
}

TEST_CASE("one account reads with its invitations; unknown ids are 404", "[accounts-api]") {
  Enterprise e;
  import_numbers(e.s, e.token, 15550003000, 2);
  const AccountId a = add_account(e.s, e.token, e.root, account_fields("x-1", "Xena", "Yu", "xena@example.com"), true);
  auto r = e.s.get("/api/accounts/" + std::to_string(a.value), e.token);
  REQUIRE(r.status == 200);
  CHECK(r.json["account_id"] == "x-1");
  REQUIRE(r.json["invitations"].size() == 1);
  CHECK(r.json["invitations"][0]["status"] == "pending");
  CHECK(r.json["invitations"][0]["address"] == "xena@example.com");
  for (const std::string path : {"/api/accounts/0", "/api/accounts/99999999999", "/api/accounts/99999999999999999999"}) {
    CAPTURE(path);
    auto missing = e.s.get(path, e.token);
    CHECK(missing.status == 404);
    CHECK(missing.code() == "not_found");
  }
}

TEST_CASE("an edit with a stale expected_version is refused with 409 and changes nothing", "[accounts-api]") {
  Enterprise e;
  const AccountId a = add_account(e.s, e.token, e.root, account_fields("v-1", "Vera", "Voss", "vera@example.com"));
  const std::string path = "/api/accounts/" + std::to_string(a.value);
  auto first = e.s.request("PATCH", path, Json{{"expected_version", 1}, {"fields", {{"notes", "first"}}}}.dump(), e.token);
  REQUIRE(first.status == 200);
  CHECK(account_of(e.s, a).version == 2);
  CHECK(account_of(e.s, a).notes == "first");

  auto stale = e.s.request("PATCH", path, Json{{"expected_version", 1}, {"fields", {{"notes", "second"}}}}.dump(), e.token);
  CHECK(stale.status == 409);
  CHECK(stale.code() == "version_conflict");
  CHECK(stale.message().find("Vera Voss") != std::string::npos);
  CHECK(account_of(e.s, a).notes == "first");

  auto unchecked = e.s.request("PATCH", path, Json{{"fields", {{"last_name", "Voß"}, {"language", "German"}}}}.dump(), e.token);
  CHECK(unchecked.status == 200);
  auto now = e.s.get(path, e.token);
  CHECK(now.json["last_name"] == "Voß");
  CHECK(now.json["language"] == "German");
  CHECK(now.json["version"] == 3);

  CHECK(e.s.request("PATCH", path, Json{{"fields", {{"language", "Latin"}}}}.dump(), e.token).status == 400);
  CHECK(e.s.request("PATCH", path, "{", e.token).code() == "bad_json");
  CHECK(e.s.request("PATCH", "/api/accounts/123456", Json{{"fields", Json::object()}}.dump(), e.token).status == 404);
}

TEST_CASE("deleting accounts frees their numbers and kills their links", "[accounts-api]") {
  Enterprise e;
  const auto numbers = import_numbers(e.s, e.token, 15550004000, 3);
  const AccountId a = add_account(e.s, e.token, e.root, account_fields("d-1", "Dora", "Dee", "dora@example.com"), true, numbers[0]);
  const AccountId b = add_account(e.s, e.token, e.root, account_fields("d-2", "Dirk", "Dee", "dirk@example.com"), false, numbers[1]);
  const AccountId c = add_account(e.s, e.token, e.root, account_fields("d-3", "Dina", "Dee", "dina@example.com"));
  e.s.deliver();
  const std::string link = link_token(outbox_files(e.s).at(0).text, "/activate/");

  auto one = e.s.request("DELETE", "/api/accounts/" + std::to_string(a.value), "", e.token);
  REQUIRE(one.status == 200);
  CHECK(e.s.get("/api/accounts/" + std::to_string(a.value), e.token).status == 404);
  CHECK(e.s.request("DELETE", "/api/accounts/" + std::to_string(a.value), "", e.token).status == 404);
  CHECK(e.s.get("/activate/" + link, "").status == 404);
  CHECK(e.s.service().read([&](const State& st) { return st.number(number_id_of(numbers[0]))->state; }) ==
        NumberState::kAvailable);

  auto many = e.s.post("/api/accounts/delete", Json{{"accounts", {b.value, c.value}}}, e.token);
  REQUIRE(many.status == 200);
  CHECK(many.json["result"]["deleted"] == 2);
  CHECK(e.s.service().read([](const State& st) { return st.accounts().size(); }) == 0);
  CHECK(e.s.service().read([&](const State& st) { return st.number(number_id_of(numbers[1]))->state; }) ==
        NumberState::kAvailable);

  CHECK(e.s.post("/api/accounts/delete", Json{{"accounts", "all"}}, e.token).code() == "invalid_field");
  CHECK(e.s.post("/api/accounts/delete", Json{{"accounts", Json::array()}}, e.token).status == 400);
  CHECK(e.s.post("/api/accounts/delete", Json{{"accounts", {424242}}}, e.token).status == 404);
}

TEST_CASE("invite and resend send a new link each time; active accounts are skipped", "[accounts-api]") {
  Enterprise e;
  const auto numbers = import_numbers(e.s, e.token, 15550005000, 3);
  const AccountId a = add_account(e.s, e.token, e.root, account_fields("i-1", "Ivo", "Ilic", "ivo@example.com"));
  const AccountId b = add_account(e.s, e.token, e.root, account_fields("i-2", "Ida", "Ilic", "ida@example.com"), true, numbers[0]);
  e.s.deliver();
  const std::string ida_link = link_token(outbox_files(e.s).at(0).text, "/activate/");
  REQUIRE(e.s.request("POST", "/activate/" + ida_link, "", "", "application/x-www-form-urlencoded").status == 200);

  auto r = e.s.post("/api/accounts/invite", Json{{"accounts", {a.value, b.value}}}, e.token);
  REQUIRE(r.status == 200);
  CHECK(r.json["result"]["invited"] == Json::array({a.value}));
  REQUIRE(r.json["result"]["skipped"].size() == 1);
  CHECK(r.json["result"]["skipped"][0]["account"] == b.value);
  CHECK(account_of(e.s, a).status == AccountStatus::kInvited);
  CHECK(e.s.deliver() == 1);

  auto again = e.s.post("/api/accounts/invite", Json{{"accounts", {a.value}}}, e.token);
  REQUIRE(again.status == 200);
  CHECK(e.s.deliver() == 1);
  const auto files = outbox_files(e.s);
  REQUIRE(files.size() == 3);
  CHECK(link_token(files[1].text, "/activate/") != link_token(files[2].text, "/activate/"));
  auto activity = e.s.get("/api/reports/activity?action=resend_invitation", e.token);
  CHECK(activity.json["total"] == 1);
  CHECK(e.s.post("/api/accounts/invite", Json{{"accounts", {777}}}, e.token).status == 404);
}

TEST_CASE("moving accounts follows the seed: refused without enough numbers in the destination", "[accounts-api]") {
  Enterprise e;
  const auto numbers = import_numbers(e.s, e.token, 15550006000, 4);
  const OrgId sales = create_org(e.s, e.token, e.root, "Sales");
  const OrgId empty = create_org(e.s, e.token, e.root, "Empty");
  allocate_numbers(e.s, e.token, sales, {numbers[2]});
  const AccountId saved = add_account(e.s, e.token, e.root, account_fields("m-1", "Mia", "Moe", "mia@example.com"));
  const AccountId pending = add_account(e.s, e.token, e.root, account_fields("m-2", "Max", "Moe", "max@example.com"), true);

  auto moved = e.s.post("/api/accounts/move", Json{{"accounts", {saved.value}}, {"destination", empty.value}}, e.token);
  REQUIRE(moved.status == 200);
  CHECK(moved.json["result"]["moved"] == 1);
  CHECK(account_of(e.s, saved).org == empty);

  auto refused = e.s.post("/api/accounts/move", Json{{"accounts", {pending.value}}, {"destination", empty.value}}, e.token);
  CHECK(refused.status == 422);
  CHECK(refused.code() == "not_enough_numbers");
  CHECK(refused.message() ==
        "Unable to move account(s). You do not have enough numbers available in the selected organization");
  CHECK(account_of(e.s, pending).org == e.root);

  auto into_sales = e.s.post("/api/accounts/move", Json{{"accounts", {pending.value}}, {"destination", sales.value}}, e.token);
  CHECK(into_sales.status == 200);
  CHECK(account_of(e.s, pending).org == sales);

  CHECK(e.s.post("/api/accounts/move", Json{{"accounts", {saved.value}}, {"destination", 99999}}, e.token).status == 404);
  CHECK(e.s.post("/api/accounts/move", Json{{"accounts", {saved.value}}}, e.token).code() == "missing_field");
}

TEST_CASE("assigning a number names its current owner and takes it over only when asked", "[accounts-api]") {
  Enterprise e;
  const auto numbers = import_numbers(e.s, e.token, 15550007000, 3);
  REQUIRE(e.s.post("/api/numbers/reserve", Json{{"numbers", {numbers[2]}}, {"tag", "PORTED"}}, e.token).status == 200);
  const AccountId owner = add_account(e.s, e.token, e.root, account_fields("own-1", "Olga", "Owner", "olga@example.com"));
  const AccountId other = add_account(e.s, e.token, e.root, account_fields("oth-1", "Otto", "Other", "otto@example.com"));
  const std::string owner_path = "/api/accounts/" + std::to_string(owner.value) + "/number";
  const std::string other_path = "/api/accounts/" + std::to_string(other.value) + "/number";

  REQUIRE(e.s.request("PUT", owner_path, Json{{"number", numbers[0]}}.dump(), e.token).status == 200);
  CHECK(account_of(e.s, owner).number == numbers[0]);
  CHECK(e.s.service().read([&](const State& st) { return st.number(number_id_of(numbers[0]))->state; }) ==
        NumberState::kPendingInvitation);

  auto taken = e.s.request("PUT", other_path, Json{{"number", numbers[0]}}.dump(), e.token);
  CHECK(taken.status == 409);
  CHECK(taken.code() == "number_taken");
  CHECK(taken.message() == "The number " + numbers[0] + " is already assigned to Olga Owner (own-1, " +
                               std::string(kOrgName) + ").");
  CHECK(account_of(e.s, owner).number == numbers[0]);

  auto takeover = e.s.request("PUT", other_path, Json{{"number", numbers[0]}, {"expected_owner", owner.value}}.dump(), e.token);
  CHECK(takeover.status == 200);
  CHECK(account_of(e.s, other).number == numbers[0]);
  CHECK(account_of(e.s, owner).number.empty());

  auto by_tag = e.s.request("PUT", owner_path, Json{{"tag", "PORTED"}}.dump(), e.token);
  CHECK(by_tag.status == 200);
  CHECK(account_of(e.s, owner).number == numbers[2]);

  auto freed = e.s.request("DELETE", owner_path, "", e.token);
  CHECK(freed.status == 200);
  CHECK(account_of(e.s, owner).number.empty());
  CHECK(e.s.service().read([&](const State& st) { return st.number(number_id_of(numbers[2]))->state; }) ==
        NumberState::kReserved);

  CHECK(e.s.request("PUT", owner_path, Json::object().dump(), e.token).code() == "missing_field");
  CHECK(e.s.request("PUT", owner_path, Json{{"number", "+15559999999"}}.dump(), e.token).code() == "number_not_found");
  CHECK(e.s.request("PUT", "/api/accounts/555/number", Json{{"number", numbers[1]}}.dump(), e.token).status == 404);
}

TEST_CASE("the accounts download is a CSV attachment with the seed's header block and is audited", "[accounts-api]") {
  Enterprise e;
  const AccountId a = add_account(e.s, e.token, e.root, account_fields("csv-1", "Anna", "Berg", "anna@example.com"));
  Json evil = account_fields("csv-2", "=HYPERLINK(\"http://x\")", "Evil", "evil@example.com");
  add_account(e.s, e.token, e.root, evil);

  auto all = e.s.get("/api/accounts.csv", e.token);
  REQUIRE(all.status == 200);
  // httplib's client decodes %XX in header values: read the header as sent.
  const std::string raw = raw_exchange(e.s.port(), "GET /api/accounts.csv HTTP/1.1\r\nHost: 127.0.0.1\r\n"
                                                   "Authorization: Bearer " + e.token +
                                                   "\r\nConnection: close\r\n\r\n");
  CHECK(raw.find("Content-Disposition: attachment; filename=\"accounts-Zo__ M__ller Holdings.csv\"; "
                 "filename*=UTF-8''accounts-Zo%C3%AB%20M%C3%BCller%20Holdings.csv\r\n") != std::string::npos);
  CHECK(all.headers.find("Content-Type")->second.rfind("text/csv", 0) == 0);
  for (const char* head : {"Report name", "Date/Time", "Organization", "Timezone"}) {
    CAPTURE(head);
    CHECK(all.body.find(head) != std::string::npos);
  }
  CHECK(all.body.find("Name,Account ID,Invitation sent,Organization,MultiLine,Device #,MultiLine status") !=
        std::string::npos);
  CHECK(all.body.find("Anna Berg,csv-1") != std::string::npos);
  CHECK(all.body.find("'=HYPERLINK") != std::string::npos);

  auto activity = e.s.get("/api/reports/activity?action=download_accounts", e.token);
  REQUIRE(activity.json["total"] == 2);
  CHECK(activity.json["entries"][0]["summary"] == std::string("Downloaded 2 accounts of ") + kOrgName + ".");

  e.s.clock().advance_ms(1000);  // the report lists the newest entry first
  auto selection = e.s.get("/api/accounts.csv?ids=" + std::to_string(a.value), e.token);
  REQUIRE(selection.status == 200);
  CHECK(selection.body.find("csv-1") != std::string::npos);
  CHECK(selection.body.find("csv-2") == std::string::npos);
  CHECK(e.s.get("/api/reports/activity?action=download_accounts", e.token).json["entries"][0]["summary"] ==
        std::string("Downloaded 1 accounts of ") + kOrgName + ".");

  auto bad = e.s.get("/api/accounts.csv?ids=1,x", e.token);
  CHECK(bad.status == 400);
  CHECK(bad.json["error"]["field"] == "ids");
  CHECK(e.s.get("/api/accounts.csv?org=1234", e.token).status == 404);
}

TEST_CASE("the CSV template has the seed's columns and the restrict column only with Social Messaging", "[accounts-api]") {
  Enterprise e;
  auto plain = e.s.get("/api/template.csv", e.token);
  REQUIRE(plain.status == 200);
  CHECK(plain.headers.find("Content-Disposition")->second.find("accounts-template.csv") != std::string::npos);
  CHECK(plain.body.find("firstname,lastname,email address or device,social_messaging,multiline_number,"
                        "monitor_calls,monitor_sms,forwarding_number,Language") != std::string::npos);
  CHECK(plain.body.find("restrict_incoming_social_messaging") == std::string::npos);
  CHECK(plain.body.find("Note: ") != std::string::npos);

  REQUIRE(e.s.request("PUT", "/api/orgs/" + std::to_string(e.root.value) + "/policies/social_messaging",
                      Json{{"value", true}}.dump(), e.token)
              .status == 200);
  auto social = e.s.get("/api/template.csv", e.token);
  CHECK(social.body.find("forwarding_number,restrict_incoming_social_messaging,Language") != std::string::npos);
}

TEST_CASE("the same Idempotency-Key twice applies the command once", "[accounts-api]") {
  Enterprise e;
  import_numbers(e.s, e.token, 15550008000, 2);
  const std::string body = Json{{"org", e.root.value},
                                {"fields", account_fields("idem-1", "Ivo", "Idem", "ivo@example.com")},
                                {"invite", true}}
                               .dump();
  const httplib::Headers key{{"Idempotency-Key", "add-ivo-7f3c"}};
  auto first = e.s.request("POST", "/api/accounts", body, e.token, "application/json", key);
  auto second = e.s.request("POST", "/api/accounts", body, e.token, "application/json", key);
  REQUIRE(first.status == 201);
  CHECK(second.status == 201);
  CHECK(second.json["result"] == first.json["result"]);
  CHECK(e.s.service().read([](const State& st) { return st.accounts().size(); }) == 1);
  CHECK(e.s.deliver() == 1);
  CHECK(e.s.get("/api/reports/activity?action=add_account", e.token).json["total"] == 1);

  // Without a key each request is its own command.
  auto other = e.s.request("POST", "/api/accounts", body, e.token);
  CHECK(other.status == 409);
  CHECK(other.code() == "account_id_taken");
}

TEST_CASE("an Idempotency-Key used by one administrator does not answer for another", "[accounts-api]") {
  Enterprise e;
  const OrgId east = create_org(e.s, e.token, e.root, "East");
  const OrgId west = create_org(e.s, e.token, e.root, "West");
  const RoleId role = create_role(e.s, e.token, e.root, "Branch", all_privilege_names());
  const std::string east_token = session_for(e.s, invite_admin(e.s, e.token, east, role, "east@example.com"));
  const std::string west_token = session_for(e.s, invite_admin(e.s, e.token, west, role, "west@example.com"));
  const httplib::Headers key{{"Idempotency-Key", "1"}};
  auto east_add = e.s.request("POST", "/api/accounts",
                              Json{{"org", east.value}, {"fields", account_fields("east-1", "Erin", "East", "erin@example.com")}}.dump(),
                              east_token, "application/json", key);
  REQUIRE(east_add.status == 201);
  const std::string east_account = std::to_string(id_of(east_add.json, "account"));
  auto west_add = e.s.request("POST", "/api/accounts",
                              Json{{"org", west.value}, {"fields", account_fields("west-1", "Will", "West", "will@example.com")}}.dump(),
                              west_token, "application/json", key);
  // West is told its key is taken instead of receiving East's answer while nothing happens.
  CHECK(west_add.status == 409);
  CHECK(west_add.code() == "idempotency_key_reused");
  CHECK(west_add.body.find(east_account) == std::string::npos);
  CHECK(e.s.request("POST", "/api/accounts",
                    Json{{"org", west.value}, {"fields", account_fields("west-1", "Will", "West", "will@example.com")}}.dump(),
                    west_token, "application/json", {{"Idempotency-Key", "west-2"}})
            .status == 201);
}

// Seed 003's users are European ("names with accents" in DESIGN): the list should sort and
// search them as people read them. The core sorts by bytes and folds ASCII case only.
TEST_CASE("accented and lower-case names sort with their letter and match case-insensitive searches",
          "[accounts-api]") {
  Enterprise e;
  add_account(e.s, e.token, e.root, account_fields("z-1", "Zeno", "Zeta", "zeno@example.com"));
  add_account(e.s, e.token, e.root, account_fields("e-1", "Élodie", "Faure", "elodie@example.com"));
  add_account(e.s, e.token, e.root, account_fields("a-1", "anna", "berg", "anna@example.com"));
  add_account(e.s, e.token, e.root, account_fields("b-1", "Bruno", "Costa", "bruno@example.com"));
  auto sorted = e.s.get("/api/accounts?sort=name", e.token);
  CHECK(names_in(sorted) == std::vector<std::string>{"anna berg", "Bruno Costa", "Élodie Faure", "Zeno Zeta"});
  CHECK(e.s.get("/api/accounts?q=" + url_encode("ÉLODIE"), e.token).json["total"] == 1);
  CHECK(e.s.get("/api/accounts?q=" + url_encode("élodie"), e.token).json["total"] == 1);
}
