// The SQLite connection: statements report the rows they changed and the rowid they inserted,
// and the write-ahead log is copied back into the database file by a checkpointer on its own
// connection and thread, not inside the commit that crosses a threshold: the log still starts
// over after a burst of commits, and every commit is in the database file afterwards.
#include <catch2/catch.hpp>

#include <sqlite3.h>

#include <chrono>
#include <filesystem>
#include <thread>

#include "sqlite_db.hpp"
#include "test_support.hpp"

using namespace linedesk;
using namespace linedesk::server;
using namespace linedesk::test;

namespace {

// About 2 pages of log per commit: `count` commits of a 3 KB row each.
void burst(SqliteConnection& db, int first, int count) {
  const std::string row(3000, 'x');
  for (int i = first; i < first + count; ++i) {
    Transaction tx(db);
    Stmt(db.cached("INSERT INTO t(id, v) VALUES (?, ?)")).bind_all(i, row).run();
    tx.commit();
  }
}

// Commits one row at a time, 10 ms apart, until the log has started over (at most 10 s).
bool trickle_until_log_restarts(SqliteConnection& db, int& next) {
  for (int i = 0; i < 1000; ++i) {
    burst(db, next++, 1);
    if (db.log_pages() < 100) return true;
    std::this_thread::sleep_for(std::chrono::milliseconds(10));
  }
  return false;
}

}  // namespace

TEST_CASE("the write-ahead log is copied into the database file in the background and starts over", "[sqlite]") {
  TempDir dir;
  const std::string path = dir.file("ckpt.db");
  int next = 0;
  {
    SqliteConnection db(path);
    db.exec("CREATE TABLE t (id INTEGER PRIMARY KEY, v TEXT NOT NULL)");
    CHECK(db.background_checkpoints() == 0);

    burst(db, next, 3000);  // past the checkpointer's threshold of 2000 pages
    next += 3000;
    CHECK(db.log_pages() > 5000);  // no commit copied the log itself
    // Once writes slow down, the checkpointer catches up with the log, and the next commit
    // writes it from its start (commits copy it themselves only past 20 000 pages).
    REQUIRE(trickle_until_log_restarts(db, next));
    CHECK(db.background_checkpoints() >= 1);
    // The rows are in the database file itself, not only in the log.
    CHECK(std::filesystem::file_size(path) > 3000u * 3000);

    // And again after a second burst.
    burst(db, next, 3000);
    next += 3000;
    CHECK(db.log_pages() > 5000);
    REQUIRE(trickle_until_log_restarts(db, next));
  }
  // Closing copies the rest: the file holds every row.
  SqliteConnection reopened(path);
  CHECK(Stmt(reopened.cached("SELECT count(*) FROM t")).scalar() == next);
}

TEST_CASE("a statement reports the rows it changed and the rowid it inserted", "[sqlite]") {
  TempDir dir;
  SqliteConnection db(dir.file("rows.db"));
  db.exec("CREATE TABLE t (id INTEGER PRIMARY KEY AUTOINCREMENT, k TEXT NOT NULL, v INTEGER NOT NULL)");
  Stmt insert(db.cached("INSERT INTO t(k, v) VALUES (?, ?)"));
  insert.bind_all("a", 1).run();
  CHECK(insert.rows_changed() == 1);
  CHECK(insert.inserted_rowid() == 1);
  Stmt(db.cached("INSERT INTO t(k, v) VALUES (?, ?)")).bind_all("b", 2).run();
  Stmt again(db.cached("INSERT INTO t(k, v) VALUES (?, ?)"));
  again.bind_all("c", 3).run();
  CHECK(again.inserted_rowid() == 3);

  Stmt update(db.cached("UPDATE t SET v = v + 10 WHERE v >= ?"));
  update.bind(2).run();
  CHECK(update.rows_changed() == 2);
  Stmt none(db.cached("UPDATE t SET v = 0 WHERE k = ?"));
  none.bind("missing").run();
  CHECK(none.rows_changed() == 0);
}
