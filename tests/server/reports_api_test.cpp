// Reports over HTTP: number utilization and its Detailed Report (seed 004), the dashboard after
// usage ingest, the Admin Activity Report with its filters and download, the outbox, and usage
// ingest as JSON and CSV (idempotent by record id).
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

  Reply usage_json(const Json& body) const { return s.post("/api/usage", body, token); }
  Reply usage_csv(const std::string& csv) const {
    return s.request("POST", "/api/usage", csv, token, "text/csv");
  }
};

const std::string kForm = "application/x-www-form-urlencoded";

// 2026-11-23 07:46:40 UTC is the test clock's start: the current cycle is November 2026.
constexpr std::int64_t kNov5 = 1793872800000;   // 2026-11-05 10:00:00 UTC
constexpr std::int64_t kNov23 = 1795392000000;  // 2026-11-23 00:00:00 UTC
constexpr std::int64_t kOct10 = 1791626400000;  // 2026-10-10 10:00:00 UTC

Json record(const std::string& id, AccountId account, const std::string& kind, std::int64_t at,
            std::int64_t quantity, bool billable = true) {
  return Json{{"record_id", id}, {"account", account.value}, {"kind", kind},
              {"at_ms", at},     {"quantity", quantity},     {"billable", billable}};
}

}  // namespace

TEST_CASE("utilization counts every category of the Detailed Report (seed 004)", "[reports-api]") {
  Enterprise e;
  const auto n = import_numbers(e.s, e.token, 15552000000, 10);
  const OrgId sales = create_org(e.s, e.token, e.root, "Sales");
  allocate_numbers(e.s, e.token, sales, {n[8], n[9]});
  REQUIRE(e.s.post("/api/numbers/reserve", Json{{"numbers", {n[7]}}, {"tag", "PORTED"}}, e.token).status == 200);
  add_account(e.s, e.token, e.root, account_fields("p-1", "Pia", "Pending", "pia@example.com"), false, n[0]);
  add_account(e.s, e.token, e.root, account_fields("a-1", "Abe", "Assigned", "abe@example.com"), true, n[1]);
  add_account(e.s, e.token, e.root, account_fields("x-1", "Ada", "Active", "ada@example.com"), true, n[2]);
  e.s.deliver();
  const std::string link = link_token(outbox_files(e.s).back().text, "/activate/");
  REQUIRE(e.s.request("POST", "/activate/" + link, "", "", kForm).status == 200);

  auto r = e.s.get("/api/reports/utilization", e.token);
  REQUIRE(r.status == 200);
  CHECK(r.json["total"] == 10);
  CHECK(r.json["activated"] == 1);
  CHECK(r.json["allocated_to_suborgs"] == 2);
  CHECK(r.json["assigned"] == 1);
  CHECK(r.json["available"] == 4);
  CHECK(r.json["pending_invitation"] == 1);
  CHECK(r.json["reserved"] == 1);
  CHECK(r.json["in_use"] == 6);
  CHECK(r.json["percent"] == 60);
  CHECK(r.json["threshold"] == 80);
  CHECK(r.json["org"] == e.root.value);

  auto own = e.s.get("/api/reports/utilization?org=" + std::to_string(sales.value), e.token);
  REQUIRE(own.status == 200);
  CHECK(own.json["total"] == 2);
  CHECK(own.json["available"] == 2);
  CHECK(own.json["allocated_to_suborgs"] == 0);
  CHECK(e.s.get("/api/reports/utilization?org=99", e.token).status == 404);
}

TEST_CASE("the dashboard shows the current and past cycle after usage is ingested", "[reports-api]") {
  Enterprise e;
  const auto n = import_numbers(e.s, e.token, 15552100000, 2);
  const AccountId user = add_account(e.s, e.token, e.root, account_fields("u-1", "Una", "User", "una@example.com"), true, n[0]);
  add_account(e.s, e.token, e.root, account_fields("u-2", "Ugo", "User", "ugo@example.com"));
  e.s.deliver();
  REQUIRE(e.s.request("POST", "/activate/" + link_token(outbox_files(e.s).at(0).text, "/activate/"), "", "", kForm).status == 200);

  auto empty = e.s.get("/api/reports/dashboard", e.token);
  REQUIRE(empty.status == 200);
  CHECK(empty.json["current_usage"] == Json{{"voice_seconds", 0}, {"messages", 0}, {"data_bytes", 0}});

  auto ingest = e.usage_json(Json::array({record("r1", user, "voice", kNov5, 120), record("r2", user, "message", kNov23 + 3600000, 3),
                                          record("r3", user, "data", kNov5, 5000, false), record("r4", user, "voice", kOct10, 60),
                                          record("r5", user, "data", kNov23 + 60000, 2048)}));
  REQUIRE(ingest.status == 200);

  auto d = e.s.get("/api/reports/dashboard", e.token);
  REQUIRE(d.status == 200);
  CHECK(d.json["time_zone"] == "UTC");
  CHECK(d.json["current"]["year"] == 2026);
  CHECK(d.json["current"]["month"] == 11);
  CHECK(d.json["current"]["days"] == 30);
  CHECK(d.json["past"]["month"] == 10);
  CHECK(d.json["new_users"] == 2);
  CHECK(d.json["active_users"] == 1);
  CHECK(d.json["current_usage"] == Json{{"voice_seconds", 120}, {"messages", 3}, {"data_bytes", 2048}});
  CHECK(d.json["past_usage"] == Json{{"voice_seconds", 60}, {"messages", 0}, {"data_bytes", 0}});
  REQUIRE(d.json["per_day"].size() == 30);
  CHECK(d.json["per_day"][4]["voice_seconds"] == 120);
  CHECK(d.json["per_day"][22] == Json{{"voice_seconds", 0}, {"messages", 3}, {"data_bytes", 2048}});
  CHECK(d.json["utilization"]["activated"] == 1);
  CHECK(d.json["threshold"] == 80);

  // In the administrator's time zone a record late on the 22nd (UTC) is on the 23rd in Tokyo.
  REQUIRE(e.s.request("PATCH", "/api/profile", Json{{"time_zone", "Asia/Tokyo"}}.dump(), e.token).status == 200);
  REQUIRE(e.usage_json(Json::array({record("r6", user, "message", kNov23 - 3600000, 7)})).status == 200);
  auto tokyo = e.s.get("/api/reports/dashboard", e.token);
  CHECK(tokyo.json["time_zone"] == "Asia/Tokyo");
  CHECK(tokyo.json["per_day"][22]["messages"] == 10);
}

TEST_CASE("usage ingest as JSON counts each record id once and reports refused rows with 207", "[reports-api]") {
  Enterprise e;
  const AccountId user = add_account(e.s, e.token, e.root, account_fields("u-1", "Una", "User", "una@example.com"));
  const Json batch = Json::array({record("j1", user, "voice", kNov5, 10), record("j2", user, "message", kNov5, 2)});
  auto first = e.usage_json(batch);
  REQUIRE(first.status == 200);
  CHECK(first.json["received"] == 2);
  CHECK(first.json["added"] == 2);
  CHECK(first.json["duplicates"] == 0);
  auto again = e.usage_json(Json{{"records", batch}});
  REQUIRE(again.status == 200);
  CHECK(again.json["added"] == 0);
  CHECK(again.json["duplicates"] == 2);

  auto mixed = e.usage_json(Json{{"records", {record("j3", user, "data", kNov5, 1), record("j4", user, "voice", kNov5, -1),
                                              record("j5", AccountId(4242), "voice", kNov5, 1),
                                              Json{{"record_id", "j6"}, {"account", user.value}, {"kind", "fax"}, {"at_ms", kNov5}, {"quantity", 1}}}}});
  CHECK(mixed.status == 207);
  CHECK(mixed.json["added"] == 1);
  CHECK(mixed.json["refused"] == 3);
  REQUIRE(mixed.json["errors"].size() == 3);
  CHECK(mixed.json["errors"][0]["row"] == 2);
  CHECK(mixed.json["errors"][0]["code"] == "out_of_range");
  CHECK(mixed.json["errors"][1]["row"] == 3);
  CHECK(mixed.json["errors"][1]["code"] == "not_found");
  CHECK(mixed.json["errors"][2]["code"] == "invalid_field");

  auto bad = e.s.request("POST", "/api/usage", "[{", e.token);
  CHECK(bad.status == 400);
  CHECK(bad.code() == "bad_json");
  CHECK(e.usage_json(Json{{"records", 5}}).code() == "invalid_field");
  CHECK(e.s.get("/api/reports/dashboard", e.token).json["current_usage"]["voice_seconds"] == 10);
}

TEST_CASE("usage ingest as CSV: the same file twice adds nothing", "[reports-api]") {
  Enterprise e;
  const AccountId user = add_account(e.s, e.token, e.root, account_fields("csv-user", "Cai", "Csv", "cai@example.com"));
  const std::string csv = "record_id,account,kind,at,quantity,billable\r\n"
                          "c1,csv-user,voice," + std::to_string(kNov5) + ",30,true\r\n"
                          "c2," + std::to_string(user.value) + ",message," + std::to_string(kNov5) + ",4,\r\n"
                          "c3,CSV-USER,data,2026-11-05T10:00:00Z,100,no\r\n";
  auto first = e.usage_csv(csv);
  CAPTURE(first.body);
  REQUIRE(first.status == 200);
  CHECK(first.json["added"] == 3);
  auto again = e.usage_csv(csv);
  REQUIRE(again.status == 200);
  CHECK(again.json["added"] == 0);
  CHECK(again.json["duplicates"] == 3);
  auto d = e.s.get("/api/reports/dashboard", e.token);
  CHECK(d.json["current_usage"] == Json{{"voice_seconds", 30}, {"messages", 4}, {"data_bytes", 0}});

  auto refused = e.usage_csv("record_id,account,kind,at,quantity\r\nc4,nobody,voice," + std::to_string(kNov5) +
                             ",1\r\nc5,csv-user,voice,yesterday,1\r\nc6,csv-user,voice," + std::to_string(kNov5) + ",2\r\n");
  CHECK(refused.status == 207);
  CHECK(refused.json["added"] == 1);
  REQUIRE(refused.json["errors"].size() == 2);
  CHECK(refused.json["errors"][0]["row"] == 2);
  CHECK(refused.json["errors"][1]["row"] == 3);
  CHECK(e.usage_csv("record_id\r\n\"c7").code() == "csv_unterminated_quote");
}

TEST_CASE("the Admin Activity Report filters by administrator, action, text and time, and pages", "[reports-api]") {
  Enterprise e;
  const std::int64_t t0 = e.s.clock().now_ms();
  const RoleId clerk = create_role(e.s, e.token, e.root, "Clerk", {"accounts", "reports"});
  const AdminId sam = invite_admin(e.s, e.token, e.root, clerk, "sam@example.com");
  add_account(e.s, e.token, e.root, account_fields("a-1", "Anna", "Berg", "anna@example.com"));
  e.s.clock().advance_ms(3600'000);
  const std::int64_t t1 = e.s.clock().now_ms();
  const std::string sam_token = session_for(e.s, sam);
  e.token = session_for(e.s, admin_id(e.s, kAdminEmail));
  add_account(e.s, sam_token, e.root, account_fields("b-1", "Bruno", "Costa", "bruno@example.com"));
  add_account(e.s, sam_token, e.root, account_fields("c-1", "Carla", "Diaz", "carla@example.com"));

  struct Case {
    std::string query;
    std::int64_t total;
    std::vector<std::string> actions;  // newest first
  };
  for (const Case& c : std::vector<Case>{
           {"admin=sam@example.com", 2, {"add_account", "add_account"}},
           {"admin=ZOE@example.com&action=add_account", 1, {"add_account"}},
           {"action=create_role", 1, {"create_role"}},
           {"q=bruno", 1, {"add_account"}},
           {"q=Carla%20Diaz", 1, {"add_account"}},
           {"from=" + std::to_string(t1), 2, {"add_account", "add_account"}},
           {"from=" + std::to_string(t0) + "&to=" + std::to_string(t1) + "&action=add_account", 1, {"add_account"}},
           {"admin=sam@example.com&limit=1", 2, {"add_account"}},
           {"admin=sam@example.com&offset=1&limit=1", 2, {"add_account"}},
           {"action=no_such_action", 0, {}},
       }) {
    CAPTURE(c.query);
    auto r = e.s.get("/api/reports/activity?" + c.query, e.token);
    REQUIRE(r.status == 200);
    CHECK(r.json["total"] == c.total);
    std::vector<std::string> actions;
    for (const Json& entry : r.json["entries"]) actions.push_back(entry["action"].get<std::string>());
    CHECK(actions == c.actions);
  }
  auto newest = e.s.get("/api/reports/activity?admin=sam@example.com&limit=1", e.token);
  auto second = e.s.get("/api/reports/activity?admin=sam@example.com&offset=1&limit=1", e.token);
  CHECK(newest.json["entries"][0]["id"] != second.json["entries"][0]["id"]);
  for (const std::string bad : {"from=yesterday", "limit=-1", "offset=1.5"}) {
    CAPTURE(bad);
    CHECK(e.s.get("/api/reports/activity?" + bad, e.token).status == 400);
  }

  auto csv = e.s.get("/api/reports/activity.csv?action=add_account", e.token);
  REQUIRE(csv.status == 200);
  CHECK(csv.headers.find("Content-Disposition")->second.find("filename=\"admin-activity.csv\"") != std::string::npos);
  CHECK(csv.body.rfind("\xEF\xBB\xBF" "Date/Time (UTC),Administrator,Organization,Action,Target,Summary,Before,After\r\n", 0) == 0);
  CHECK(csv.body.find("sam@example.com") != std::string::npos);
  CHECK(csv.body.find("Added Carla Diaz (c-1)") != std::string::npos);
  CHECK(csv.body.find("create_role") == std::string::npos);
}

TEST_CASE("the outbox shows each message's delivery and only what the role manages", "[reports-api]") {
  Enterprise e;
  import_numbers(e.s, e.token, 15552200000, 1);
  add_account(e.s, e.token, e.root, account_fields("o-1", "Otto", "Out", "otto@example.com"), true);
  const RoleId admins_only = create_role(e.s, e.token, e.root, "Admin desk", {"administrators"});
  const AdminId desk = invite_admin(e.s, e.token, e.root, admins_only, "desk@example.com");

  auto pending = e.s.get("/api/outbox", e.token);
  REQUIRE(pending.status == 200);
  REQUIRE(pending.json["messages"].size() == 2);
  const Json& invitation = pending.json["messages"][1];
  CHECK(invitation["kind"] == "invitation");
  CHECK(invitation["to"] == "otto@example.com");
  CHECK(invitation["status"] == "pending");
  CHECK(invitation["attempts"] == 0);
  CHECK(invitation["invitation"].get<std::int64_t>() > 0);

  REQUIRE(e.s.deliver() == 2);
  auto sent = e.s.get("/api/outbox?limit=1", e.token);
  REQUIRE(sent.json["messages"].size() == 1);
  CHECK(sent.json["messages"][0]["kind"] == "admin_invitation");
  CHECK(sent.json["messages"][0]["status"] == "sent");
  CHECK(sent.json["messages"][0]["attempts"] == 1);
  CHECK(sent.json["messages"][0]["sent_ms"] == e.s.clock().now_ms());
  CHECK(e.s.get("/api/outbox?limit=many", e.token).status == 400);

  // The Administrators-only desk sees administrators' invitations, not users' activation links.
  auto desk_view = e.s.get("/api/outbox", session_for(e.s, desk));
  REQUIRE(desk_view.status == 200);
  REQUIRE(desk_view.json["messages"].size() == 1);
  CHECK(desk_view.json["messages"][0]["kind"] == "admin_invitation");
  CHECK(desk_view.body.find("/activate/") == std::string::npos);
}

// Seed 004: "whenever the Number Utilization percentage reaches 80%, the administrator will
// receive an email ... another notification will be sent every time the administrator assigns
// a new number - until all the available numbers are utilized."
TEST_CASE("utilization alerts go out at the threshold and on every further assignment", "[reports-api]") {
  Enterprise e;
  const auto n = import_numbers(e.s, e.token, 15552300000, 4);
  REQUIRE(e.s.request("PUT", "/api/orgs/" + std::to_string(e.root.value) + "/threshold",
                      Json{{"percent", 50}}.dump(), e.token).status == 200);
  auto alerts = [&] {
    std::vector<std::string> subjects;
    const Reply outbox = e.s.get("/api/outbox", e.token);
    for (const Json& m : outbox.json["messages"]) {
      if (m["kind"] == "threshold") subjects.push_back(m["subject"].get<std::string>());
    }
    std::reverse(subjects.begin(), subjects.end());  // oldest first
    return subjects;
  };
  add_account(e.s, e.token, e.root, account_fields("t-0", "Tia", "Zero", "t0@example.com"), false, n[0]);
  CHECK(alerts().empty());  // 25 %
  add_account(e.s, e.token, e.root, account_fields("t-1", "Tia", "One", "t1@example.com"), false, n[1]);
  add_account(e.s, e.token, e.root, account_fields("t-2", "Tia", "Two", "t2@example.com"), false, n[2]);
  add_account(e.s, e.token, e.root, account_fields("t-3", "Tia", "Three", "t3@example.com"), false, n[3]);
  const std::string org = kOrgName;
  CHECK(alerts() == std::vector<std::string>{"Number utilization of " + org + " is at 50%",
                                             "Number utilization of " + org + " is at 75%",
                                             "Number utilization of " + org + " is at 100%"});
  const Json last = e.s.get("/api/outbox?limit=1", e.token).json["messages"][0];
  CHECK(last["to"] == kAdminEmail);
  CHECK(last["body"].get<std::string>().find("4 of 4 numbers") != std::string::npos);
}
