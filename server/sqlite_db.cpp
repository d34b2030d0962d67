// SQLite implementation of SqlConnection.
#include "sqlite_db.hpp"

#include <sqlite3.h>

namespace linedesk::server {
namespace {

DbError::Kind kind_of(int rc) {
  switch (rc & 0xFF) {
    case SQLITE_CONSTRAINT: return DbError::Kind::kConstraint;
    case SQLITE_FULL: return DbError::Kind::kFull;
    case SQLITE_READONLY: return DbError::Kind::kReadOnly;
    case SQLITE_BUSY:
    case SQLITE_LOCKED: return DbError::Kind::kBusy;
    case SQLITE_CORRUPT:
    case SQLITE_NOTADB: return DbError::Kind::kCorrupt;
    default: return DbError::Kind::kOther;
  }
}

[[noreturn]] void throw_db(sqlite3* db, int rc, std::string_view context) {
  const std::string msg =
      std::string(context) + ": " + (db ? sqlite3_errmsg(db) : sqlite3_errstr(rc));
  throw DbError(kind_of(rc), rc, msg);
}

class SqliteStatement final : public SqlStatement {
 public:
  SqliteStatement(sqlite3* db, std::string_view sql) : db_(db) {
    const int rc = sqlite3_prepare_v2(db_, sql.data(), static_cast<int>(sql.size()), &stmt_, nullptr);
    if (rc != SQLITE_OK) throw_db(db_, rc, "prepare");
  }
  ~SqliteStatement() override { sqlite3_finalize(stmt_); }

  void bind_int(int index, std::int64_t v) override {
    check(sqlite3_bind_int64(stmt_, index, v));
  }
  void bind_text(int index, std::string_view v) override {
    check(sqlite3_bind_text64(stmt_, index, v.data(), v.size(), SQLITE_TRANSIENT, SQLITE_UTF8));
  }
  void bind_null(int index) override { check(sqlite3_bind_null(stmt_, index)); }
  bool step() override {
    const int rc = sqlite3_step(stmt_);
    if (rc == SQLITE_ROW) return true;
    if (rc == SQLITE_DONE) return false;
    throw_db(db_, rc, "step");
  }
  void reset() override {
    sqlite3_reset(stmt_);
    sqlite3_clear_bindings(stmt_);
  }
  void finish() override { sqlite3_reset(stmt_); }
  std::int64_t column_int(int col) const override { return sqlite3_column_int64(stmt_, col); }
  std::string column_text(int col) const override {
    const auto* p = sqlite3_column_text(stmt_, col);
    const int n = sqlite3_column_bytes(stmt_, col);
    return p ? std::string(reinterpret_cast<const char*>(p), static_cast<std::size_t>(n))
             : std::string();
  }
  bool column_is_null(int col) const override {
    return sqlite3_column_type(stmt_, col) == SQLITE_NULL;
  }

 private:
  void check(int rc) {
    if (rc != SQLITE_OK) throw_db(db_, rc, "bind");
  }
  sqlite3* db_;
  sqlite3_stmt* stmt_ = nullptr;
};

}  // namespace

SqliteConnection::SqliteConnection(const std::string& path, bool create) : path_(path) {
  const int flags = SQLITE_OPEN_READWRITE | SQLITE_OPEN_NOMUTEX | (create ? SQLITE_OPEN_CREATE : 0);
  const int rc = sqlite3_open_v2(path.c_str(), &db_, flags, nullptr);
  if (rc != SQLITE_OK) {
    const std::string msg = "cannot open database " + path + ": " +
                            (db_ ? sqlite3_errmsg(db_) : sqlite3_errstr(rc));
    if (db_) sqlite3_close(db_);
    db_ = nullptr;
    throw DbError(kind_of(rc), rc, msg);
  }
  sqlite3_extended_result_codes(db_, 1);
  sqlite3_busy_timeout(db_, 5000);
  try {
    // Reading the schema detects a file that is not a database before anything is written.
    {
      SqliteStatement probe(db_, "SELECT count(*) FROM sqlite_master");
      probe.step();
    }  // finalized: an open statement would hold a read transaction
    exec("PRAGMA foreign_keys = ON");
    exec("PRAGMA journal_mode = WAL");
    exec("PRAGMA synchronous = NORMAL");
    // Checkpoints (with their fsync) every ~40 MB of log rather than every 4 MB: a burst of
    // small commits (a pushed queue, a delivery round) pays for far fewer of them. The log file
    // is cut back to 64 MB after a checkpoint that outgrew it.
    exec("PRAGMA wal_autocheckpoint = 10000");
    exec("PRAGMA journal_size_limit = 67108864");
    // A 64 MB page cache: an enterprise's indexes stay in memory instead of being read back.
    exec("PRAGMA cache_size = -16384");
  } catch (...) {
    cache_.clear();
    sqlite3_close(db_);
    db_ = nullptr;
    throw;
  }
}

SqliteConnection::~SqliteConnection() {
  cache_.clear();  // statements before the connection
  if (db_) sqlite3_close(db_);
}

void SqliteConnection::exec(std::string_view sql) {
  const std::string s(sql);
  char* err = nullptr;
  const int rc = sqlite3_exec(db_, s.c_str(), nullptr, nullptr, &err);
  if (rc != SQLITE_OK) {
    const std::string msg = err ? err : sqlite3_errstr(rc);
    sqlite3_free(err);
    throw DbError(kind_of(rc), rc, "exec: " + msg);
  }
}

SqlStatement& SqliteConnection::cached(std::string_view sql) {
  auto it = cache_.find(sql);
  if (it == cache_.end()) {
    it = cache_.emplace(std::string(sql), std::make_unique<SqliteStatement>(db_, sql)).first;
  }
  it->second->reset();
  return *it->second;
}

std::unique_ptr<SqlStatement> SqliteConnection::prepare(std::string_view sql) {
  return std::make_unique<SqliteStatement>(db_, sql);
}

}  // namespace linedesk::server
