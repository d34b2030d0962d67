// `linedesk-server --db postgresql://... --migrate-from FILE`: an enterprise moved from its SQLite
// file into PostgreSQL keeps every row and goes on there (run by CTest's postgres_tests).
#include <catch2/catch.hpp>

#include <cstdio>

#include "migrate_postgres.hpp"
#include "server_process.hpp"
#include "sync_support.hpp"

using namespace linedesk;
using namespace linedesk::test;

namespace {

// Runs the server binary with `args` to its end: (exit code, what it printed).
std::pair<int, std::string> run_server(const std::vector<std::string>& args) {
  std::string cmd = std::string(LINEDESK_SERVER_BINARY);
  for (const std::string& a : args) cmd += " '" + a + "'";
  cmd += " 2>&1";
  FILE* p = ::popen(cmd.c_str(), "r");
  REQUIRE(p);
  std::string out;
  char buf[4096];
  while (std::size_t n = std::fread(buf, 1, sizeof buf, p)) out.append(buf, n);
  const int status = ::pclose(p);
  return {WIFEXITED(status) ? WEXITSTATUS(status) : -1, out};
}

std::int64_t rows(server::SqlConnection& db, const std::string& table) {
  return server::Stmt(db.cached("SELECT count(*) FROM " + table)).scalar().value_or(-1);
}

}  // namespace

TEST_CASE("an SQLite database moved into PostgreSQL keeps every row, and a server goes on there",
          "[.postgres][migration]") {
  REQUIRE(testing_postgres());
  TempDir dir;
  const std::string file = dir.file("linedesk.db");
  std::string token;
  {
    // The demo enterprise, plus what only use leaves: sessions, a failed sign-in, an API command,
    // a sync client with its results, an invitation in the outbox.
    ServerProcessOptions o;
    o.db = file;
    o.run_dir = dir.path().string();
    o.extra_args = {"--demo", "--admin-password", kAdminPassword, "--admin-email", kAdminEmail};
    ServerProcess s(o);
    Reply login = s.request("POST", "/api/login",
                            Json{{"email", kAdminEmail}, {"password", kAdminPassword}}.dump());
    REQUIRE(login.status == 200);
    token = login.json["token"].get<std::string>();
    CHECK(s.request("POST", "/api/login", Json{{"email", kAdminEmail}, {"password", "wrong"}}.dump())
              .status == 401);
    const std::int64_t root = login.json["org"]["id"].get<std::int64_t>();
    CHECK(s.request("POST", "/api/orgs", Json{{"parent", root}, {"name", "Before the move"}}.dump(), token)
              .status == 201);
    NativeClient c("migrating-browser", AdminId(login.json["admin"]["id"].get<std::int64_t>()));
    const Reply pulled = s.request("POST", "/api/sync/pull", c.pull_text(), token);
    REQUIRE(pulled.status == 200);
    REQUIRE(c.take_pull_answer(pulled.body));
    REQUIRE(c.submit(CreateOrg{OrgId(root), "Pushed before the move", ""}));
    // A resent invitation: an activation link and a message in the outbox.
    AccountId invited;
    for (const auto& [id, a] : c.replica.view().accounts()) {
      if (a.status == AccountStatus::kInvited) invited = id;
    }
    REQUIRE(invited.valid());
    REQUIRE(c.submit(InviteAccounts{{invited}}));
    REQUIRE(s.request("POST", "/api/sync/push", c.push_text(), token).status == 200);
    CHECK(s.stop() == 0);
  }
  const std::string target = test_database_target(dir.file("migrated"));
  const auto [code, out] = run_server({"--db", target, "--migrate-from", file, "--data-dir", dir.path().string()});
  INFO(out);
  REQUIRE(code == 0);
  CHECK(out.find("Every table's row count matches") != std::string::npos);

  server::SqliteConnection from(file);
  server::PostgresConnection to(target);
  for (const char* table : {"organizations", "roles", "permission_groups", "administrators",
                            "accounts", "numbers", "invitations", "invitation_tokens", "batches",
                            "batch_rows", "activity", "usage_records", "sessions",
                            "login_failures", "outbox", "change_log", "commands", "sync_clients",
                            "sync_results", "meta"}) {
    INFO(table);
    const std::int64_t n = rows(from, table);
    CHECK(rows(to, table) == n);
    // Every table the demo and the use above fill is compared with rows in it.
    if (std::string(table) != "meta") {
      CHECK(n > 0);
    }
  }
  // The same enterprise, entity for entity, and the counters go on after the copied rows.
  server::Store sqlite_store(std::make_unique<server::SqliteConnection>(file), 0);
  server::Store pg_store(std::make_unique<server::PostgresConnection>(target), 0);
  const State before = sqlite_store.load_state();
  const State after = pg_store.load_state();
  CHECK(after.same_entities(before));
  CHECK(after.version == before.version);

  // A server on PostgreSQL takes the old session and the browser's counter.
  ServerProcessOptions o;
  o.db = target;
  o.run_dir = dir.path().string();
  o.extra_args = {"--data-dir", dir.path().string()};
  ServerProcess pg(o);
  const Reply me = pg.request("GET", "/api/orgs", {}, token);
  CHECK(me.status == 200);
  CHECK(me.body.find("Pushed before the move") != std::string::npos);
  NativeClient again("migrating-browser", before.admin_by_email(kAdminEmail)->id);
  const Reply pulled = pg.request("POST", "/api/sync/pull", again.pull_text(), token);
  REQUIRE(pulled.status == 200);
  REQUIRE(again.take_pull_answer(pulled.body));
  CHECK(again.replica.view().same_entities(pg_store.load_state()));
  // The browser's counter came along.
  CHECK(pg_store.sync_client("migrating-browser").value().last_seq == 2);
  const Reply created = pg.request(
      "POST", "/api/orgs", Json{{"parent", before.root()->id.value}, {"name", "After the move"}}.dump(), token);
  CHECK(created.status == 201);
  CHECK(created.json["version"].get<std::int64_t>() > before.version);

  // Into a database that holds data already: refused, nothing changed.
  const std::int64_t orgs = rows(to, "organizations");
  const auto [again_code, again_out] =
      run_server({"--db", target, "--migrate-from", file, "--data-dir", dir.path().string()});
  CHECK(again_code == 1);
  CHECK(again_out.find("already holds data") != std::string::npos);
  CHECK(rows(to, "organizations") == orgs);
}
