// SQLite implementation of SqlConnection.
#include "sqlite_db.hpp"

#include <sqlite3.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstdio>
#include <cstring>
#include <filesystem>
#include <system_error>

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
    if (rc == SQLITE_DONE) {
      changed_ = sqlite3_changes64(db_);
      rowid_ = sqlite3_last_insert_rowid(db_);
      return false;
    }
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
  std::int64_t rows_changed() const override { return changed_; }
  std::optional<std::int64_t> inserted_rowid() const override { return rowid_; }

 private:
  void check(int rc) {
    if (rc != SQLITE_OK) throw_db(db_, rc, "bind");
  }
  sqlite3* db_;
  sqlite3_stmt* stmt_ = nullptr;
  std::int64_t changed_ = 0;  // as of this statement's last completed run
  std::int64_t rowid_ = 0;
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

// The log's length, in pages, at which the checkpointer is woken (about 8 MB).
constexpr int kCheckpointFrames = 2000;
// The length at which a commit copies the log itself, as SQLite's automatic checkpoint would:
// a checkpointer that cannot keep up (or failed) never lets the log grow without bound.
constexpr int kInlineCheckpointFrames = 20000;

}  // namespace

// Copies the write-ahead log back into the database file on a connection and thread of its own.
// SQLite's automatic checkpoint runs inside the commit that crosses its threshold, with the
// file's fsync: one request in every few hundred paid for all of them. A PASSIVE checkpoint
// waits for nobody: it copies the pages no reader still needs, and the next commit after a
// complete one starts the log over (journal_size_limit then cuts the file back).
class SqliteConnection::Checkpointer {
 public:
  // Starts the thread on a connection of its own; running() says whether that worked (if not,
  // the reason is in error()).
  explicit Checkpointer(const std::string& path) {
    if (sqlite3_open_v2(path.c_str(), &db_, SQLITE_OPEN_READWRITE | SQLITE_OPEN_NOMUTEX, nullptr) !=
        SQLITE_OK) {
      fail();
      return;
    }
    sqlite3_busy_timeout(db_, 5000);  // as the main connection: another process may be recovering
    // A connection checkpoints only once it has read the database and found it in WAL mode
    // (until then a checkpoint succeeds doing nothing).
    if (sqlite3_exec(db_, "SELECT count(*) FROM sqlite_master", nullptr, nullptr, nullptr) != SQLITE_OK) {
      fail();
      return;
    }
    try {
      thread_ = std::thread([this] { run(); });
    } catch (const std::system_error& e) {
      error_ = e.what();
      sqlite3_close(db_);
      db_ = nullptr;
    }
  }
  bool running() const { return thread_.joinable(); }
  const std::string& error() const { return error_; }
  ~Checkpointer() {
    {
      std::lock_guard lock(mutex_);
      stop_ = true;
    }
    wake_.notify_one();
    if (thread_.joinable()) thread_.join();
    if (db_) sqlite3_close(db_);
  }
  Checkpointer(const Checkpointer&) = delete;
  Checkpointer& operator=(const Checkpointer&) = delete;

  std::int64_t completed() const { return completed_.load(); }

  void nudge() {
    {
      std::lock_guard lock(mutex_);
      pending_ = true;
    }
    wake_.notify_one();
  }

 private:
  void run() {
    int last_error = SQLITE_OK;
    std::unique_lock lock(mutex_);
    while (true) {
      wake_.wait(lock, [this] { return pending_ || stop_; });
      if (stop_) return;
      pending_ = false;
      lock.unlock();
      int log = 0;
      int copied = 0;
      const int rc = sqlite3_wal_checkpoint_v2(db_, "main", SQLITE_CHECKPOINT_PASSIVE, &log, &copied);
      if (rc == SQLITE_OK && log >= 0 && copied == log) completed_.fetch_add(1);
      // BUSY: a commit is copying the log itself. Anything else (a full disk, say) is reported
      // once; the commits keep the log bounded meanwhile, and the next wake tries again.
      if (rc != SQLITE_OK && rc != SQLITE_BUSY && rc != last_error) {
        std::fprintf(stderr, "linedesk: copying the write-ahead log into the database failed: %s\n",
                     sqlite3_errmsg(db_));
      }
      last_error = rc == SQLITE_BUSY ? last_error : rc;
      lock.lock();
    }
  }

  void fail() {
    error_ = db_ ? sqlite3_errmsg(db_) : "out of memory";
    sqlite3_close(db_);
    db_ = nullptr;
  }

  sqlite3* db_ = nullptr;
  std::string error_;
  std::mutex mutex_;
  std::condition_variable wake_;
  bool pending_ = false;
  bool stop_ = false;
  std::atomic<std::int64_t> completed_{0};
  std::thread thread_;
};

int SqliteConnection::on_commit(void* self, sqlite3* db, const char* schema, int frames) {
  auto* c = static_cast<SqliteConnection*>(self);
  c->log_pages_.store(frames);
  if (frames >= kInlineCheckpointFrames || (frames >= kCheckpointFrames && !c->checkpointer_)) {
    sqlite3_wal_checkpoint_v2(db, schema, SQLITE_CHECKPOINT_PASSIVE, nullptr, nullptr);
  } else if (frames >= kCheckpointFrames) {
    c->checkpointer_->nudge();
  }
  return SQLITE_OK;
}

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
    // The log file is cut back to 64 MB when it starts over after outgrowing that.
    exec("PRAGMA journal_size_limit = 67108864");
    // A 16 MB page cache: an enterprise's indexes stay in memory instead of being read back.
    exec("PRAGMA cache_size = -16384");
    // Checkpoints on their own thread (Checkpointer) instead of SQLite's automatic ones, which
    // this hook replaces.
    if (!read_only() && !immutable) {
      sqlite3_wal_hook(db_, &SqliteConnection::on_commit, this);
      checkpointer_ = std::make_unique<Checkpointer>(path_);
      if (!checkpointer_->running()) {
        // Commits then copy the log themselves, as SQLite's automatic checkpoint would.
        std::fprintf(stderr, "linedesk: no background checkpoints for %s (%s); commits copy the log\n",
                     path_.c_str(), checkpointer_->error().c_str());
        checkpointer_.reset();
      }
    }
  } catch (...) {
    checkpointer_.reset();
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

std::int64_t SqliteConnection::background_checkpoints() const {
  return checkpointer_ ? checkpointer_->completed() : 0;
}

bool SqliteConnection::read_only() const { return db_ && sqlite3_db_readonly(db_, "main") == 1; }

SqliteConnection::~SqliteConnection() {
  checkpointer_.reset();  // its connection closes first: the last one to close empties the log
  cache_.clear();         // statements before the connection
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
