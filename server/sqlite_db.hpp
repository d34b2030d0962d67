// SqliteConnection: SqlConnection on one SQLite database file (WAL, foreign keys on).
#pragma once

#include <map>
#include <memory>
#include <string>

#include "sql.hpp"

struct sqlite3;

namespace linedesk::server {

class SqliteConnection final : public SqlConnection {
 public:
  // Opens (creating if `create`) the database at `path`: WAL, NORMAL sync, foreign keys on.
  // Throws DbError when the file cannot be opened or is not a database; never overwrites it.
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

 private:
  sqlite3* db_ = nullptr;
  std::string path_;
  std::map<std::string, std::unique_ptr<SqlStatement>, std::less<>> cache_;
};

}  // namespace linedesk::server
