// SqliteConnection: SqlConnection on one SQLite database file (WAL, foreign keys on).
#pragma once

#include <atomic>
#include <condition_variable>
#include <cstdint>
#include <map>
#include <memory>
#include <mutex>
#include <string>
#include <thread>

#include "sql.hpp"

struct sqlite3;

namespace linedesk::server {

class SqliteConnection final : public SqlConnection {
 public:
  // Opens (creating if `create`) the database at `path`: WAL, NORMAL sync, foreign keys on.
  // Every page is checked first (PRAGMA quick_check). Throws DbError when the file cannot be
  // opened, is not a database or is damaged (kCorrupt); a refused file and its log are left
  // byte for byte as they were. A file this process may only read opens read-only (writes then
  // throw kReadOnly), also in a read-only folder when no log waits to be replayed.
  explicit SqliteConnection(const std::string& path, bool create = true);
  ~SqliteConnection() override;
  SqliteConnection(const SqliteConnection&) = delete;
  SqliteConnection& operator=(const SqliteConnection&) = delete;

  SqlDialect dialect() const override { return SqlDialect::kSqlite; }
  void exec(std::string_view sql) override;
  SqlStatement& cached(std::string_view sql) override;
  std::unique_ptr<SqlStatement> prepare(std::string_view sql) override;
  std::string describe() const override { return path_; }

  const std::string& path() const { return path_; }
  sqlite3* handle() { return db_; }
  // True when writes will be refused (the file or its folder is read-only).
  bool read_only() const;
  // Complete checkpoints the background checkpointer has made (see Checkpointer in the .cpp).
  std::int64_t background_checkpoints() const;
  // The write-ahead log's length in pages after this connection's last commit.
  int log_pages() const { return log_pages_.load(); }

 private:
  class Checkpointer;

  void open(bool create, bool immutable);
  void check_pages();
  static int on_commit(void* self, sqlite3* db, const char* schema, int frames);

  sqlite3* db_ = nullptr;
  std::string path_;
  std::map<std::string, std::unique_ptr<SqlStatement>, std::less<>> cache_;
  std::unique_ptr<Checkpointer> checkpointer_;  // writable WAL databases only
  std::atomic<int> log_pages_{0};
};

}  // namespace linedesk::server
