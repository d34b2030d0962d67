// A restart keeps everything: after commands of every kind, a new server on the same database
// answers every read the same, its State equals what the store loads, sessions and links still
// work, and batch reports are still downloadable.
#include <catch2/catch.hpp>

#include "test_support.hpp"

using namespace linedesk;
using namespace linedesk::test;

namespace {

const std::string kForm = "application/x-www-form-urlencoded";

struct Built {
  std::string token;
  std::vector<std::string> paths;  // reads whose answers must survive the restart
  std::string activation_link;     // issued, not used yet
  std::int64_t batch = 0;
};

// Runs commands of every kind through the API, and the server's own (delivery, activation).
Built build_enterprise(TestServer& s) {
  Built b;
  b.token = s.login();
  const std::string& t = b.token;
  const OrgId root = s.root();
  const std::string root_path = "/api/orgs/" + std::to_string(root.value);
  const auto n = import_numbers(s, t, 15555000000, 12);
  expect_status(s.request("POST", "/api/numbers/import", "number,tag\n+15555000100,PORTED\n+15555000101,\n", t, "text/csv"),
                200, "import csv");
  const OrgId sales = create_org(s, t, root, "Sales");
  const OrgId europe = create_org(s, t, sales, "Europe");
  const OrgId doomed = create_org(s, t, root, "Doomed");
  expect_status(s.request("PATCH", "/api/orgs/" + std::to_string(sales.value),
                          Json{{"description", "Direct sales — Ünïcode"}}.dump(), t), 200, "edit org");
  expect_status(s.request("PUT", root_path + "/policies/social_messaging", Json{{"value", true}}.dump(), t), 200, "policy");
  expect_status(s.request("PUT", root_path + "/policies/invitation_subject", Json{{"value", "Hi {name}"}}.dump(), t), 200, "policy");
  expect_status(s.request("PUT", "/api/orgs/" + std::to_string(europe.value) + "/threshold", Json{{"percent", 40}}.dump(), t),
                200, "threshold");
  expect_status(s.request("PUT", "/api/orgs/" + std::to_string(sales.value) + "/policies/notification_admins",
                          Json{{"value", {admin_id(s, kAdminEmail).value}}}.dump(), t), 200, "designated admins");
  allocate_numbers(s, t, sales, {n[6], n[7], n[8]});
  allocate_numbers(s, t, europe, {n[8]});
  expect_status(s.post("/api/numbers/reserve", Json{{"numbers", {n[9], n[10]}}, {"tag", "VIP"}}, t), 200, "reserve");
  expect_status(s.post("/api/numbers/release", Json{{"numbers", {n[10]}}}, t), 200, "release");

  auto group = expect_status(s.post("/api/permission-groups",
                                    Json{{"org", sales.value}, {"name", "Night shift"}, {"international_calling", true}}, t),
                             200, "group");
  const std::int64_t night = group["result"]["permission_group"].get<std::int64_t>();
  expect_status(s.post("/api/permission-groups", Json{{"org", doomed.value}, {"name", "Goes away"}}, t), 200, "group");
  auto unused = expect_status(s.post("/api/permission-groups", Json{{"org", root.value}, {"name", "Unused"}}, t), 200, "group");
  expect_status(s.request("DELETE", "/api/permission-groups/" + unused["result"]["permission_group"].dump(), "", t), 200,
                "delete group");
  const RoleId clerk = create_role(s, t, root, "Clerk", {"accounts", "reports"});
  const RoleId spare = create_role(s, t, root, "Spare", {"reports"});
  const AdminId sam = invite_admin(s, t, sales, clerk, "sam@example.com", "Sam", "Søren");
  const AdminId gone = invite_admin(s, t, root, spare, "gone@example.com");
  expect_status(s.request("PATCH", "/api/admins/" + std::to_string(sam.value), Json{{"org", europe.value}}.dump(), t),
                200, "edit admin");
  expect_status(s.request("DELETE", "/api/admins/" + std::to_string(gone.value), "", t), 200, "remove admin");
  expect_status(s.request("DELETE", "/api/roles/" + std::to_string(spare.value), "", t), 200, "delete role");
  expect_status(s.request("PATCH", "/api/profile",
                          Json{{"first_name", "Zoë"}, {"time_zone", "Europe/Rome"}, {"address", "Via Roma 1"}}.dump(), t),
                200, "profile");

  Json rich = account_fields("rich-1", "Rosa", "Rich", "rosa@example.com");
  rich["social_messaging"] = true;
  rich["restrict_incoming_social_messaging"] = true;
  rich["monitor_calls"] = true;
  rich["language"] = "French";
  rich["forwarding_number"] = "+33 1 23 45 67 89";
  rich["notes"] = "Line one\nline two, \"quoted\"";
  rich["notification_address"] = "rosa.notify@example.com";
  rich["compliance_group"] = "EU-FIN";
  rich["permission_group"] = night;
  const AccountId rosa = add_account(s, t, sales, rich, true, n[6]);
  const AccountId active = add_account(s, t, root, account_fields("act-1", "Ava", "Active", "ava@example.com"), true);
  const AccountId plain = add_account(s, t, root, account_fields("pl-1", "Paul", "Plain", "paul@example.com"));
  const AccountId moved = add_account(s, t, root, account_fields("mv-1", "Mo", "Moved", "mo@example.com"));
  const AccountId doomed_account = add_account(s, t, root, account_fields("del-1", "Del", "Eted", "del@example.com"), false, n[2]);
  expect_status(s.request("PATCH", "/api/accounts/" + std::to_string(plain.value),
                          Json{{"expected_version", 1}, {"fields", {{"notes", "edited"}}}}.dump(), t), 200, "edit account");
  // The store rewrites an account's row alone when its organization and account id key stay,
  // and the whole row with its index entries otherwise: a new account id, then one that differs
  // only in case (same key), must both come back from the database.
  expect_status(s.request("PATCH", "/api/accounts/" + std::to_string(active.value),
                          Json{{"fields", {{"account_id", "act-renamed"}}}}.dump(), t), 200, "rename account id");
  expect_status(s.request("PATCH", "/api/accounts/" + std::to_string(active.value),
                          Json{{"fields", {{"account_id", "ACT-Renamed"}}}}.dump(), t), 200, "recase account id");
  expect_status(s.request("PUT", "/api/accounts/" + std::to_string(plain.value) + "/number", Json{{"number", n[3]}}.dump(), t),
                200, "assign");
  expect_status(s.request("PUT", "/api/accounts/" + std::to_string(moved.value) + "/number", Json{{"number", n[4]}}.dump(), t),
                200, "assign");
  expect_status(s.request("DELETE", "/api/accounts/" + std::to_string(moved.value) + "/number", "", t), 200, "unassign");
  expect_status(s.post("/api/accounts/move", Json{{"accounts", {moved.value}}, {"destination", sales.value}}, t), 200, "move");
  expect_status(s.post("/api/accounts/invite", Json{{"accounts", {plain.value}}}, t), 200, "invite");
  expect_status(s.request("DELETE", "/api/accounts/" + std::to_string(doomed_account.value), "", t), 200, "delete account");
  expect_status(s.request("DELETE", "/api/orgs/" + std::to_string(doomed.value), "", t), 200, "delete org");

  auto batch = expect_status(
      s.request("POST", "/api/batches?org=" + std::to_string(sales.value) + "&mode=import_and_invite&file_name=team.csv",
                "firstname,lastname,email address or device,social_messaging,multiline_number,monitor_calls,"
                "monitor_sms,forwarding_number,restrict_incoming_social_messaging,Language\r\n"
                "Bea,Batch,bea@example.com,Yes,,auto,on,,true,German\r\n"
                "Bad,Row,bad@example.com,Perhaps,,auto,on,,,\r\n",
                t, "text/csv"),
      201, "batch");
  b.batch = batch["batch"].get<std::int64_t>();

  // The server's own commands: deliveries and an activation.
  s.deliver();
  std::string active_link;
  for (const auto& f : outbox_files(s)) {
    if (f.text.find("ava@example.com") != std::string::npos) active_link = link_token(f.text, "/activate/");
    if (f.text.find("rosa@example.com") != std::string::npos) b.activation_link = link_token(f.text, "/activate/");
  }
  expect_status(s.request("POST", "/activate/" + active_link, "number=" + url_encode(n[0]), "", kForm), 200, "activate");
  // System commands without a route: app activity and a delivery that failed for good.
  if (!s.service().run_system(RecordAppActivity{active, "MultiLine", "iOS", s.clock().now_ms() - 5000})) {
    throw std::runtime_error("record_app_activity refused");
  }
  if (!s.service().run_system(RecordInvitationFailed{account_of(s, plain).invitation, "550 mailbox unavailable"})) {
    throw std::runtime_error("record_invitation_failed refused");
  }
  expect_status(s.post("/api/usage", Json::array({Json{{"record_id", "u1"}, {"account", active.value}, {"kind", "voice"},
                                                       {"at_ms", s.clock().now_ms() - 1000}, {"quantity", 90}}}),
                       t), 200, "usage");

  const std::string org = std::to_string(sales.value);
  const std::string rosa_id = std::to_string(rosa.value);
  b.paths = {"/api/orgs",
             "/api/accounts?limit=0",
             "/api/accounts/" + rosa_id,
             "/api/accounts/" + std::to_string(active.value),
             "/api/numbers?limit=0",
             "/api/numbers.csv",
             "/api/numbers/" + url_encode(n[4]) + "/history",
             "/api/permission-groups?org=" + org,
             "/api/roles",
             "/api/admins",
             "/api/profile",
             "/api/session",
             "/api/batches",
             "/api/batches/" + std::to_string(b.batch),
             "/api/batches/" + std::to_string(b.batch) + "/report.csv",
             "/api/orgs/" + org + "/policies",
             "/api/orgs/" + std::to_string(europe.value) + "/policies",
             "/api/reports/utilization",
             "/api/reports/utilization?org=" + org,
             "/api/reports/dashboard",
             "/api/reports/activity?limit=1000",
             "/api/reports/activity.csv",
             "/api/outbox",
             "/api/template.csv?org=" + org};
  return b;
}

}  // namespace

TEST_CASE("a restart on the same database keeps every entity, session, link and report", "[restart]") {
  TempDir dir;
  const std::string db = dir.file("linedesk.db");
  Built built;
  std::vector<Reply> before;
  State state_before;
  {
    TestServer first(db);
    built = build_enterprise(first);
    for (const std::string& path : built.paths) before.push_back(first.get(path, built.token));
    state_before = first.service().read([](const State& st) { return st; });
    // What the server holds in memory is exactly what it wrote.
    const State stored = first.store().load_state();
    CHECK(state_before.same_entities(stored));
    CHECK(stored.version == state_before.version);
  }

  TestServer second(db);
  const State loaded = second.service().read([](const State& st) { return st; });
  CHECK(loaded.same_entities(state_before));
  CHECK(loaded.same_entities(second.store().load_state()));
  CHECK(loaded.version == state_before.version);
  CHECK(loaded.accounts().size() == 5);
  REQUIRE(loaded.account_by_key("act-renamed"));
  CHECK(loaded.account_by_key("act-renamed")->account_id == "ACT-Renamed");
  CHECK(loaded.account_by_key("act-renamed")->app_history.size() == 1);
  CHECK_FALSE(loaded.account_by_key("act-1"));
  CHECK(loaded.account_by_key("pl-1")->status == AccountStatus::kInvitationFailed);
  CHECK(loaded.orgs().subtree(second.root()).size() == 3);

  for (std::size_t i = 0; i < built.paths.size(); ++i) {
    CAPTURE(built.paths[i]);
    const Reply after = second.get(built.paths[i], built.token);
    REQUIRE(before[i].status == 200);
    CHECK(after.status == 200);
    if (before[i].json.is_null()) {
      CHECK(after.body == before[i].body);
    } else {
      CHECK(after.json == before[i].json);
    }
  }
  // The batch report is there in full, and the pending link still activates.
  const Reply report = second.get("/api/batches/" + std::to_string(built.batch) + "/report.csv", built.token);
  CHECK(report.body.find("Perhaps") != std::string::npos);
  CHECK(report.body.find("Bea,Batch,bea@example.com") != std::string::npos);
  CHECK(second.request("POST", "/activate/" + built.activation_link, "", "", kForm).status == 200);
  CHECK_NOTHROW(second.login(kAdminEmail, kAdminPassword));
}

TEST_CASE("mail queued before a restart is delivered after it", "[restart]") {
  TempDir dir;
  const std::string db = dir.file("linedesk.db");
  {
    TestServer first(db);
    const std::string t = session_for(first, admin_id(first, kAdminEmail));
    import_numbers(first, t, 15555100000, 1);
    add_account(first, t, first.root(), account_fields("q-1", "Quinn", "Queued", "quinn@example.com"), true);
  }
  TestServer second(db);
  CHECK(second.deliver() == 1);
  const auto files = outbox_files(second);
  REQUIRE(files.size() == 1);
  CHECK(mail_header(files[0].text, "To") == "<quinn@example.com>");
  CHECK(second.service().read([](const State& st) {
    return st.account_by_key("q-1")->invitation_sent_ms > 0 &&
           st.invitation(st.account_by_key("q-1")->invitation)->status == InvitationStatus::kSent;
  }));
}

TEST_CASE("no request leaves a read open: the write-ahead log can always be emptied while the server runs", "[restart]") {
  // A statement left on a row keeps its read snapshot; in WAL mode the log then can never
  // start over and grows with every commit (it once reached gigabytes under a pushed queue).
  TempDir dir;
  const std::string db = dir.file("wal.db");
  TestServer s(db);
  const Built built = build_enterprise(s);
  for (const std::string& path : built.paths) s.get(path, built.token);
  s.deliver_all();
  if (testing_postgres()) {
    // PostgreSQL has no such log, but the same fault would show as a connection left inside a
    // transaction (holding its snapshot, so VACUUM can remove nothing after it).
    server::PostgresConnection other(test_postgres());
    CHECK(server::Stmt(other.cached("SELECT count(*) FROM pg_stat_activity WHERE datname = "
                                    "current_database() AND state LIKE 'idle in transaction%'"))
              .scalar() == 0);
    CHECK(create_org(s, built.token, s.root(), "After the check").valid());
    return;
  }
  server::SqliteConnection other(db);
  std::int64_t busy = -1, log = -1, done = -1;
  {
    server::Stmt st(other.cached("PRAGMA wal_checkpoint(TRUNCATE)"));
    REQUIRE(st.step());
    busy = st.col_int(0);
    log = st.col_int(1);
    done = st.col_int(2);
  }
  CHECK(busy == 0);
  CHECK(log == 0);  // TRUNCATE: the log is empty now
  CHECK(done == 0);
  CHECK(std::filesystem::file_size(db + "-wal") == 0);
  // And the server goes on writing and reading after it.
  CHECK(create_org(s, built.token, s.root(), "After the checkpoint").valid());
}
