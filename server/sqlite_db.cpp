// SQLite implementation of SqlConnection.
#include "sqlite_db.hpp"

#include <sqlite3.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <filesystem>

namespace linedesk::server {
namespace {

bool is_out_of_space(int sys_errno) {
  return sys_errno == ENOSPC || sys_errno == EFBIG || sys_errno == EDQUOT;
}

// `sys_errno`: the operating system's error behind an SQLITE_IOERR (0 when unknown). A write
// refused for want of space (ENOSPC, or EFBIG past a file size limit, or a quota) is the disk
// being full, whichever code SQLite chose for it.
DbError::Kind kind_of(int rc, int sys_errno = 0) {
  if ((rc & 0xFF) == SQLITE_IOERR && is_out_of_space(sys_errno)) return DbError::Kind::kFull;
  if ((rc & 0xFF) == SQLITE_IOERR && sys_errno == EROFS) return DbError::Kind::kReadOnly;
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

// The operating system's error behind the last failed I/O of `db`. sqlite3_system_errno() is the
// C library's errno when SQLite noticed the failure, which calls in between (a rollback, an
// unlock) may have changed; the files keep their own last error: the database's, and the log's
// (where a WAL commit writes).
int last_io_errno(sqlite3* db) {
  int e = 0;
  if (sqlite3_file_control(db, "main", SQLITE_FCNTL_LAST_ERRNO, &e) == SQLITE_OK &&
      is_out_of_space(e)) {
    return e;
  }
  sqlite3_file* log = nullptr;
  if (sqlite3_file_control(db, "main", SQLITE_FCNTL_JOURNAL_POINTER, &log) == SQLITE_OK && log &&
      log->pMethods && log->pMethods->xFileControl(log, SQLITE_FCNTL_LAST_ERRNO, &e) == SQLITE_OK &&
      is_out_of_space(e)) {
    return e;
  }
  return sqlite3_system_errno(db);
}

DbError db_error(sqlite3* db, int rc, const std::string& msg) {
  const int sys = db && (rc & 0xFF) == SQLITE_IOERR ? last_io_errno(db) : 0;
  return DbError(kind_of(rc, sys), rc, sys ? msg + " (" + std::strerror(sys) + ")" : msg);
}

[[noreturn]] void throw_db(sqlite3* db, int rc, std::string_view context) {
  throw db_error(db, rc, std::string(context) + ": " + (db ? sqlite3_errmsg(db) : sqlite3_errstr(rc)));
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

namespace {

// The path as an SQLite URI filename ("file:" with %, ? and # escaped).
std::string uri_of(const std::string& path) {
  std::string uri = "file:";
  for (const char c : path) {
    if (c == '%' || c == '?' || c == '#') {
      static constexpr char kHex[] = "0123456789ABCDEF";
      uri += '%';
      uri += kHex[(static_cast<unsigned char>(c) >> 4) & 0xF];
      uri += kHex[static_cast<unsigned char>(c) & 0xF];
    } else {
      uri += c;
    }
  }
  return uri;
}

// True when a write-ahead log with content lies beside `path` (committed changes not yet copied
// into the file).
bool has_log(const std::string& path) {
  std::error_code ec;
  const auto size = std::filesystem::file_size(path + "-wal", ec);
  return !ec && size > 0;
}

}  // namespace

SqliteConnection::SqliteConnection(const std::string& path, bool create) : path_(path) {
  try {
    open(create, false);
  } catch (const DbError& e) {
    // A WAL database in a folder this process may not write cannot be read the usual way: every
    // reader needs the -shm file beside it. With no log to replay nobody can be writing it (a
    // writer needs that folder too), so it is read as an immutable file instead.
    const int primary = e.code() & 0xFF;
    std::error_code ec;
    if ((primary != SQLITE_READONLY && primary != SQLITE_CANTOPEN) || has_log(path) ||
        !std::filesystem::exists(path, ec) || ::access(path.c_str(), R_OK) != 0) {
      throw;
    }
    open(false, true);
  }
}

void SqliteConnection::open(bool create, bool immutable) {
  const int flags = SQLITE_OPEN_NOMUTEX |
                    (immutable ? SQLITE_OPEN_READONLY | SQLITE_OPEN_URI
                               : SQLITE_OPEN_READWRITE | (create ? SQLITE_OPEN_CREATE : 0));
  const std::string name = immutable ? uri_of(path_) + "?immutable=1" : path_;
  const int rc = sqlite3_open_v2(name.c_str(), &db_, flags, nullptr);
  if (rc != SQLITE_OK) {
    const std::string msg = "cannot open database " + path_ + ": " +
                            (db_ ? sqlite3_errmsg(db_) : sqlite3_errstr(rc));
    const int sys = db_ ? sqlite3_system_errno(db_) : 0;
    if (db_) sqlite3_close(db_);
    db_ = nullptr;
    throw DbError(kind_of(rc, sys), rc, msg);
  }
  sqlite3_extended_result_codes(db_, 1);
  sqlite3_busy_timeout(db_, 5000);
  std::error_code ec;
  const bool had_log_files = std::filesystem::exists(path_ + "-wal", ec) ||
                             std::filesystem::exists(path_ + "-shm", ec);
  try {
    // Reading the schema detects a file that is not a database before anything is written.
    try {
      SqliteStatement probe(db_, "SELECT count(*) FROM sqlite_master");
      probe.step();
    } catch (const DbError& e) {  // the statement is finalized: it would hold a read transaction
      throw DbError(e.kind(), e.code(), std::string("reading its schema: ") + e.what());
    }
    try {
      check_pages();
    } catch (const DbError& e) {
      throw DbError(e.kind(), e.code(), std::string("checking its pages: ") + e.what());
    }
    exec("PRAGMA foreign_keys = ON");
    if (!read_only()) {
      exec("PRAGMA journal_mode = WAL");
      exec("PRAGMA synchronous = NORMAL");
    }
    // Checkpoints (with their fsync) every ~40 MB of log rather than every 4 MB: a burst of
    // small commits (a pushed queue, a delivery round) pays for far fewer of them. The log file
    // is cut back to 64 MB after a checkpoint that outgrew it.
    exec("PRAGMA wal_autocheckpoint = 10000");
    exec("PRAGMA journal_size_limit = 67108864");
    // A 64 MB page cache: an enterprise's indexes stay in memory instead of being read back.
    exec("PRAGMA cache_size = -16384");
  } catch (...) {
    cache_.clear();
    // Closing the last connection would copy the log into the file: a file refused here stays
    // exactly as it was found, log included.
    sqlite3_db_config(db_, SQLITE_DBCONFIG_NO_CKPT_ON_CLOSE, 1, nullptr);
    sqlite3_close(db_);
    db_ = nullptr;
    // Log files this open created (empty: nothing was written) go again.
    if (!had_log_files && !has_log(path_)) {
      std::filesystem::remove(path_ + "-wal", ec);
      std::filesystem::remove(path_ + "-shm", ec);
    }
    throw;
  }
}

void SqliteConnection::check_pages() {
  // quick_check reads every page and checks each b-tree's structure (not that indexes match
  // their tables): a damaged page is found now, not by the first request that reads it, and
  // never written over.
  std::string damage;
  int problems = 0;
  {
    SqliteStatement st(db_, "PRAGMA quick_check(5)");
    while (st.step()) {
      std::string line = st.column_text(0);
      if (line == "ok") break;
      std::replace(line.begin(), line.end(), '\n', ' ');
      damage += (problems++ ? "; " : "") + line;
    }
  }
  if (problems > 0) {
    throw DbError(DbError::Kind::kCorrupt, SQLITE_CORRUPT, damage);
  }
}

bool SqliteConnection::read_only() const { return db_ && sqlite3_db_readonly(db_, "main") == 1; }

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
    throw db_error(db_, rc, "exec: " + msg);
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
