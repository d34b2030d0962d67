// Versioned migrations: applied once, in order; newer or foreign files are refused untouched.
#include <catch2/catch.hpp>

#include <fstream>

#include "migrations.hpp"
#include "sqlite_db.hpp"
#include "test_support.hpp"

using namespace linedesk;
using namespace linedesk::server;
using linedesk::test::TempDir;

namespace {

std::string read_file(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  return std::string(std::istreambuf_iterator<char>(in), {});
}

}  // namespace

TEST_CASE("a new database gets every migration, once") {
  TempDir dir;
  SqliteConnection db(dir.file("a.db"));
  auto applied = migrate(db, 1000);
  REQUIRE(applied.size() == all_migrations().size());
  CHECK(schema_version(db) == all_migrations().back().version);
  CHECK(migrate(db, 2000).empty());
  for (const char* table : {"organizations", "roles", "administrators", "permission_groups",
                            "accounts", "numbers", "invitations", "batches", "batch_rows",
                            "activity", "usage_records", "sessions", "login_failures", "outbox",
                            "change_log", "commands"}) {
    CAPTURE(table);
    CHECK(Stmt(db.cached("SELECT count(*) FROM sqlite_master WHERE type='table' AND name=?"))
              .bind(table)
              .scalar() == 1);
  }
}

TEST_CASE("migration versions ascend without gaps") {
  int expected = 1;
  for (const auto& m : all_migrations()) CHECK(m.version == expected++);
}

TEST_CASE("the database uses WAL and enforces foreign keys") {
  TempDir dir;
  SqliteConnection db(dir.file("a.db"));
  migrate(db, 0);
  Stmt st(db.cached("PRAGMA journal_mode"));
  REQUIRE(st.step());
  CHECK(st.col_text(0) == "wal");
  CHECK(Stmt(db.cached("PRAGMA foreign_keys")).scalar() == 1);
  CHECK_THROWS_AS(db.exec("INSERT INTO organizations(id, parent_id, name, created_ms) "
                          "VALUES (5, 999, 'orphan', 0)"),
                  DbError);
}

TEST_CASE("only one root organization can exist") {
  TempDir dir;
  SqliteConnection db(dir.file("a.db"));
  migrate(db, 0);
  db.exec("INSERT INTO organizations(id, parent_id, name, created_ms) VALUES (1, NULL, 'a', 0)");
  CHECK_THROWS_AS(
      db.exec("INSERT INTO organizations(id, parent_id, name, created_ms) VALUES (2, NULL, 'b', 0)"),
      DbError);
}

TEST_CASE("a database from a newer LineDesk is refused") {
  TempDir dir;
  {
    SqliteConnection db(dir.file("a.db"));
    migrate(db, 0);
    db.exec("INSERT INTO schema_migrations(version, name, applied_ms) VALUES (9999, 'future', 0)");
  }
  SqliteConnection db(dir.file("a.db"));
  CHECK_THROWS_WITH(migrate(db, 0), Catch::Contains("newer than this server"));
}

TEST_CASE("a file that is not a database is refused and left unchanged") {
  TempDir dir;
  const std::string path = dir.file("corrupt.db");
  std::string garbage(8192, 'x');
  garbage.replace(0, 20, "definitely not sqlite");
  std::ofstream(path, std::ios::binary) << garbage;
  CHECK_THROWS_AS(Store(std::make_unique<SqliteConnection>(path), 0), DbError);
  CHECK(read_file(path) == garbage);
}

TEST_CASE("a restarted store keeps its data") {
  TempDir dir;
  const std::string path = dir.file("a.db");
  {
    test::TestServer s(path);
  }
  Store again(test::open_test_database(path), 0);
  CHECK(again.has_enterprise());
  CHECK(again.load_state().admin_by_email(test::kAdminEmail));
}
