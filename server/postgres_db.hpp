// PostgresConnection: SqlConnection on a PostgreSQL database through libpq, and PgListener,
// which hears NOTIFY messages on a connection of its own.
#pragma once

#include <atomic>
#include <functional>
#include <map>
#include <memory>
#include <string>
#include <thread>

#include "sql.hpp"

struct pg_conn;

namespace linedesk::server {

// True when `target` names a PostgreSQL database ("postgresql://..." or "postgres://...")
// rather than an SQLite file.
bool is_postgres_target(const std::string& target);

// `target` without its password, for messages and logs.
std::string redact_postgres_target(const std::string& target);

class PostgresConnection final : public SqlConnection {
 public:
  // Connects to `conninfo` (a libpq URI or key=value string). Throws DbError (kOther) naming
  // the server and libpq's reason when it cannot connect.
  explicit PostgresConnection(const std::string& conninfo);
  ~PostgresConnection() override;
  PostgresConnection(const PostgresConnection&) = delete;
  PostgresConnection& operator=(const PostgresConnection&) = delete;

  SqlDialect dialect() const override { return SqlDialect::kPostgres; }
  // Runs one or more statements without parameters.
  void exec(std::string_view sql) override;
  // Statements use "?" placeholders like SQLite's; they become $1, $2... and are prepared on the
  // server once per connection.
  SqlStatement& cached(std::string_view sql) override;
  std::unique_ptr<SqlStatement> prepare(std::string_view sql) override;
  std::string describe() const override { return described_; }

  const std::string& conninfo() const { return conninfo_; }

  // The connection for statements; reconnects first when the server dropped it outside a
  // transaction (statements prepared before are prepared again on first use).
  pg_conn* handle();
  // Bumped on every reconnect: a statement prepared under an older one prepares again.
  std::uint64_t generation() const { return generation_; }

 private:
  pg_conn* conn_ = nullptr;
  std::string conninfo_;
  std::string described_;
  std::uint64_t generation_ = 1;
  bool in_tx_ = false;  // between BEGIN and COMMIT/ROLLBACK (a lost connection must not reconnect)
  std::uint64_t next_name_ = 0;
  std::map<std::string, std::unique_ptr<SqlStatement>, std::less<>> cache_;
};

// Listens on `channel` with a connection of its own, on a thread of its own, and calls
// `on_notify(payload)` for each notification. After a lost connection it reconnects (a second
// later, and again until it succeeds) and calls `on_notify("")`: what was sent meanwhile is not
// known, so the listener must assume anything changed.
class PgListener {
 public:
  PgListener(std::string conninfo, std::string channel,
             std::function<void(const std::string&)> on_notify);
  ~PgListener();
  PgListener(const PgListener&) = delete;
  PgListener& operator=(const PgListener&) = delete;
  void start();
  void stop();

 private:
  void run();
  std::string conninfo_;
  std::string channel_;
  std::function<void(const std::string&)> on_notify_;
  std::atomic<bool> stop_{false};
  int wake_[2] = {-1, -1};  // a pipe: stop() writes to it to end the wait at once
  std::thread thread_;
};

}  // namespace linedesk::server
