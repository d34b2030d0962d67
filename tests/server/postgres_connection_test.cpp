// PostgresConnection on its own (run by CTest's postgres_tests): placeholders, errors, and a
// connection the server drops, outside and inside a transaction.
#include <catch2/catch.hpp>

#include "test_database.hpp"
#include "test_support.hpp"

using namespace linedesk;
using namespace linedesk::test;
using server::DbError;
using server::PostgresConnection;
using server::Stmt;

namespace {

// Ends `victim`'s server process from another connection, as a restart or a network cut would.
void drop_connection(PostgresConnection& victim) {
  const std::int64_t pid = Stmt(victim.cached("SELECT pg_backend_pid()")).scalar().value();
  PostgresConnection killer(test_postgres());
  // With a timeout, pg_terminate_backend waits until the session is gone.
  CHECK(Stmt(killer.cached("SELECT pg_terminate_backend(?, 5000)")).bind(pid).scalar() == 1);
}

}  // namespace

TEST_CASE("PostgreSQL: ? placeholders, quotes left alone, and errors by kind",
          "[.postgres][postgres]") {
  REQUIRE(testing_postgres());
  TempDir dir;
  PostgresConnection db(test_database_target(dir.file("conn.db")));
  {
    Stmt st(db.cached("SELECT '?' || ? || '-- ?', ?"));
    st.bind("x").bind(std::int64_t{42});
    REQUIRE(st.step());
    CHECK(st.col_text(0) == "?x-- ?");
    CHECK(st.col_int(1) == 42);
  }
  db.exec("CREATE TABLE t (k TEXT PRIMARY KEY, n BIGINT)");
  Stmt(db.cached("INSERT INTO t VALUES (?, ?)")).bind_all(std::string("a"), 1).run();
  try {
    Stmt(db.cached("INSERT INTO t VALUES (?, ?)")).bind_all(std::string("a"), 2).run();
    FAIL("a duplicate key was accepted");
  } catch (const DbError& e) {
    CHECK(e.is_constraint());
    CHECK(std::string(e.what()).find("23505") != std::string::npos);
  }
  // Rows changed by the last run; no rowid (PostgreSQL statements say RETURNING instead).
  {
    Stmt insert(db.cached("INSERT INTO t VALUES (?, ?)"));
    insert.bind_all(std::string("b"), 2).run();
    CHECK(insert.rows_changed() == 1);
    CHECK_FALSE(insert.inserted_rowid().has_value());
    Stmt update(db.cached("UPDATE t SET n = n + 10 WHERE n >= ?"));
    update.bind(1).run();
    CHECK(update.rows_changed() == 2);
    Stmt none(db.cached("UPDATE t SET n = 0 WHERE k = ?"));
    none.bind(std::string("missing")).run();
    CHECK(none.rows_changed() == 0);
  }
  // libpq takes text as C strings: a NUL would cut it short, so it is refused.
  CHECK_THROWS_AS(Stmt(db.cached("INSERT INTO t VALUES (?, 3)")).bind(std::string("a\0b", 3)).run(),
                  DbError);
  // A password never shows in what the connection says about itself.
  CHECK(server::redact_postgres_target("postgresql://ann:s3cret@db:5432/ld") ==
        "postgresql://ann@db:5432/ld");
  try {
    PostgresConnection nowhere("postgresql://ann:s3cret@127.0.0.1:1/none?connect_timeout=2");
    FAIL("connected to nothing");
  } catch (const DbError& e) {
    const std::string what = e.what();
    CHECK(what.find("s3cret") == std::string::npos);
    CHECK(what.find("127.0.0.1:1") != std::string::npos);
  }
}

TEST_CASE("PostgreSQL: a dropped connection is made again between transactions, never inside one",
          "[.postgres][postgres]") {
  REQUIRE(testing_postgres());
  TempDir dir;
  PostgresConnection db(test_database_target(dir.file("drop.db")));
  db.exec("CREATE TABLE t (n BIGINT)");
  Stmt(db.cached("INSERT INTO t VALUES (?)")).bind(1).run();

  // Between transactions: the next statement reconnects (and prepares its statement again).
  drop_connection(db);
  CHECK(Stmt(db.cached("SELECT count(*) FROM t")).scalar() == 1);
  Stmt(db.cached("INSERT INTO t VALUES (?)")).bind(2).run();

  // Inside one: its statements must not go on outside it, without its locks.
  {
    server::Transaction tx(db);
    Stmt(db.cached("INSERT INTO t VALUES (?)")).bind(3).run();
    drop_connection(db);
    CHECK_THROWS_AS(Stmt(db.cached("INSERT INTO t VALUES (?)")).bind(4).run(), DbError);
    CHECK_THROWS_AS(Stmt(db.cached("INSERT INTO t VALUES (?)")).bind(5).run(), DbError);
  }  // rolled back
  // After the rollback the connection is made again, and nothing of the transaction was kept.
  CHECK(Stmt(db.cached("SELECT count(*) FROM t")).scalar() == 2);
}
