// PostgreSQL implementation of SqlConnection (libpq, text parameters and results).
#include "postgres_db.hpp"

#include <libpq-fe.h>
#include <poll.h>
#include <unistd.h>

#include <cstdlib>
#include <cstring>
#include <optional>
#include <vector>

namespace linedesk::server {
namespace {

// SQLSTATE classes and codes (PostgreSQL manual, appendix A) mapped to what the store tells
// apart.
DbError::Kind kind_of_state(const std::string& state) {
  if (state.rfind("23", 0) == 0) return DbError::Kind::kConstraint;
  if (state == "53100") return DbError::Kind::kFull;       // disk_full
  if (state == "25006") return DbError::Kind::kReadOnly;   // read_only_sql_transaction
  if (state == "40001" || state == "40P01" || state == "55P03") return DbError::Kind::kBusy;
  if (state == "XX001" || state == "XX002") return DbError::Kind::kCorrupt;  // data/index corrupted
  return DbError::Kind::kOther;
}

std::string one_line(std::string s) {
  while (!s.empty() && (s.back() == '\n' || s.back() == ' ')) s.pop_back();
  for (char& c : s) {
    if (c == '\n') c = ' ';
  }
  return s;
}

[[noreturn]] void throw_result(PGconn* conn, PGresult* res, std::string_view context) {
  std::string state;
  std::string msg;
  if (res) {
    if (const char* s = PQresultErrorField(res, PG_DIAG_SQLSTATE)) state = s;
    msg = PQresultErrorMessage(res);
  }
  if (msg.empty() && conn) msg = PQerrorMessage(conn);
  if (res) PQclear(res);
  if (state.empty() && conn && PQstatus(conn) == CONNECTION_BAD) {
    msg = "lost the connection to PostgreSQL: " + msg;
  }
  throw DbError(kind_of_state(state), 0, std::string(context) + ": " + one_line(msg) +
                                             (state.empty() ? "" : " [" + state + "]"));
}

// "?" placeholders (outside quotes and comments) become $1, $2, ...; returns their count too.
std::pair<std::string, int> number_placeholders(std::string_view sql) {
  std::string out;
  out.reserve(sql.size() + 16);
  int n = 0;
  for (std::size_t i = 0; i < sql.size(); ++i) {
    const char c = sql[i];
    if (c == '\'' || c == '"') {
      const std::size_t end = sql.find(c, i + 1);
      const std::size_t stop = end == std::string_view::npos ? sql.size() : end + 1;
      out.append(sql.substr(i, stop - i));
      i = stop - 1;
    } else if (c == '-' && i + 1 < sql.size() && sql[i + 1] == '-') {
      const std::size_t end = sql.find('\n', i);
      const std::size_t stop = end == std::string_view::npos ? sql.size() : end;
      out.append(sql.substr(i, stop - i));
      i = stop - 1;
    } else if (c == '?') {
      out += '$';
      out += std::to_string(++n);
    } else {
      out += c;
    }
  }
  return {out, n};
}

class PostgresStatement final : public SqlStatement {
 public:
  // `name` empty: run with PQexecParams each time (a statement of its own); else prepared on the
  // server under that name on first use.
  PostgresStatement(PostgresConnection& db, std::string_view sql, std::string name)
      : db_(db), name_(std::move(name)) {
    auto [text, count] = number_placeholders(sql);
    sql_ = std::move(text);
    params_.resize(static_cast<std::size_t>(count));
  }
  ~PostgresStatement() override { clear(); }

  void bind_int(int index, std::int64_t v) override { slot(index) = std::to_string(v); }
  void bind_text(int index, std::string_view v) override {
    // libpq takes text parameters as C strings: a NUL would cut the value short silently.
    if (v.find('\0') != std::string_view::npos) {
      throw DbError(DbError::Kind::kOther, 0, "a text value holds a NUL character");
    }
    slot(index) = std::string(v);
  }
  void bind_null(int index) override { slot(index) = std::nullopt; }

  bool step() override {
    if (!res_) {
      run();
      row_ = -1;
    }
    ++row_;
    return row_ < PQntuples(res_);
  }
  void reset() override {
    clear();
    for (auto& p : params_) p = std::nullopt;
  }
  void finish() override { clear(); }

  std::int64_t column_int(int col) const override {
    const char* v = PQgetvalue(res_, row_, col);
    if (!v || !*v) return 0;
    if (v[0] == 't' && v[1] == '\0') return 1;  // boolean results
    if (v[0] == 'f' && v[1] == '\0') return 0;
    return std::strtoll(v, nullptr, 10);
  }
  std::string column_text(int col) const override {
    const char* v = PQgetvalue(res_, row_, col);
    return v ? std::string(v, static_cast<std::size_t>(PQgetlength(res_, row_, col))) : std::string();
  }
  bool column_is_null(int col) const override { return PQgetisnull(res_, row_, col) == 1; }
  std::int64_t rows_changed() const override { return changed_; }
  std::optional<std::int64_t> inserted_rowid() const override { return std::nullopt; }

 private:
  std::optional<std::string>& slot(int index) {
    if (index < 1 || index > static_cast<int>(params_.size())) {
      throw DbError(DbError::Kind::kOther, 0,
                    "parameter " + std::to_string(index) + " out of range in: " + sql_);
    }
    clear();  // a new binding starts a new run
    return params_[static_cast<std::size_t>(index - 1)];
  }
  void clear() {
    if (res_) PQclear(res_);
    res_ = nullptr;
  }
  void run() {
    PGconn* conn = db_.handle();
    std::vector<const char*> values;
    values.reserve(params_.size());
    for (const auto& p : params_) values.push_back(p ? p->c_str() : nullptr);
    const int n = static_cast<int>(values.size());
    PGresult* res = nullptr;
    if (name_.empty()) {
      res = PQexecParams(conn, sql_.c_str(), n, nullptr, values.data(), nullptr, nullptr, 0);
    } else {
      if (prepared_generation_ != db_.generation()) {
        PGresult* prep = PQprepare(conn, name_.c_str(), sql_.c_str(), n, nullptr);
        if (PQresultStatus(prep) != PGRES_COMMAND_OK) throw_result(conn, prep, "prepare " + sql_);
        PQclear(prep);
        prepared_generation_ = db_.generation();
      }
      res = PQexecPrepared(conn, name_.c_str(), n, values.data(), nullptr, nullptr, 0);
    }
    const ExecStatusType status = PQresultStatus(res);
    if (status != PGRES_TUPLES_OK && status != PGRES_COMMAND_OK) throw_result(conn, res, sql_);
    res_ = res;
    changed_ = std::strtoll(PQcmdTuples(res), nullptr, 10);  // rows affected (or returned); "" is 0
  }

  PostgresConnection& db_;
  std::string name_;
  std::string sql_;
  std::vector<std::optional<std::string>> params_;
  std::uint64_t prepared_generation_ = 0;
  PGresult* res_ = nullptr;
  int row_ = -1;
  std::int64_t changed_ = 0;  // as of the last run
};

// What every new (or remade) connection is set to.
void configure_session(PGconn* conn) {
  // Notices (such as "relation already exists, skipping") are not errors: keep them off stderr.
  PQsetNoticeProcessor(conn, [](void*, const char*) {}, nullptr);
  PGresult* res = PQexec(conn, "SET client_encoding = 'UTF8'; SET TIME ZONE 'UTC'");
  if (PQresultStatus(res) != PGRES_COMMAND_OK) throw_result(conn, res, "session settings");
  PQclear(res);
}

PGconn* connect_or_throw(const std::string& conninfo, const std::string& described) {
  PGconn* conn = PQconnectdb(conninfo.c_str());
  if (PQstatus(conn) != CONNECTION_OK) {
    const std::string msg = one_line(PQerrorMessage(conn));
    PQfinish(conn);
    throw DbError(DbError::Kind::kOther, 0, "cannot connect to " + described + ": " + msg);
  }
  configure_session(conn);
  return conn;
}

}  // namespace

bool is_postgres_target(const std::string& target) {
  return target.rfind("postgresql://", 0) == 0 || target.rfind("postgres://", 0) == 0;
}

std::string redact_postgres_target(const std::string& target) {
  // postgresql://user:password@host... -> postgresql://user@host...
  const std::size_t scheme = target.find("://");
  if (scheme == std::string::npos) return target;
  const std::size_t at = target.find('@', scheme + 3);
  const std::size_t colon = target.find(':', scheme + 3);
  std::string out = target;
  if (at != std::string::npos && colon != std::string::npos && colon < at) {
    out = target.substr(0, colon) + target.substr(at);
  }
  // A password given as a query parameter goes too.
  const std::size_t pw = out.find("password=");
  if (pw != std::string::npos) {
    const std::size_t end = out.find('&', pw);
    out.erase(pw, end == std::string::npos ? std::string::npos : end - pw + 1);
  }
  return out;
}

PostgresConnection::PostgresConnection(const std::string& conninfo)
    : conninfo_(conninfo), described_(redact_postgres_target(conninfo)) {
  conn_ = connect_or_throw(conninfo_, described_);
}

PostgresConnection::~PostgresConnection() {
  cache_.clear();
  if (conn_) PQfinish(conn_);
}

pg_conn* PostgresConnection::handle() {
  if (!in_tx_ && PQstatus(conn_) == CONNECTION_OK) {
    // An idle connection has nothing to read, unless the server said goodbye (it was restarted,
    // or ended this session): read that now, so the statement goes to a new connection instead
    // of failing on the dead one.
    for (int reads = 0; reads < 3 && PQstatus(conn_) == CONNECTION_OK; ++reads) {
      pollfd fd{PQsocket(conn_), POLLIN, 0};
      if (::poll(&fd, 1, 0) <= 0 || PQconsumeInput(conn_) == 0) break;
    }
  }
  if (PQstatus(conn_) == CONNECTION_BAD) {
    // The server went away (restart, failover, network). Reconnecting inside a transaction
    // would run its remaining statements outside it, without its lock: the failure is reported
    // instead, and the caller's rollback ends the transaction (the server rolled it back).
    if (in_tx_) {
      throw DbError(DbError::Kind::kOther, 0,
                    "lost the connection to " + described_ + " inside a transaction; nothing "
                    "of it was kept");
    }
    PQreset(conn_);
    if (PQstatus(conn_) != CONNECTION_OK) {
      throw DbError(DbError::Kind::kOther, 0,
                    "lost the connection to " + described_ + " and could not reconnect: " +
                        one_line(PQerrorMessage(conn_)));
    }
    configure_session(conn_);
    ++generation_;
  }
  return conn_;
}

void PostgresConnection::exec(std::string_view sql) {
  const std::string s(sql);
  const bool begin = s.rfind("BEGIN", 0) == 0;
  const bool end = s == "COMMIT" || s == "ROLLBACK";
  // ROLLBACK after a lost connection: the server rolled back already.
  if (s == "ROLLBACK" && PQstatus(conn_) == CONNECTION_BAD) {
    in_tx_ = false;
    return;
  }
  PGconn* conn = handle();
  PGresult* res = PQexec(conn, s.c_str());
  const ExecStatusType status = PQresultStatus(res);
  if (status != PGRES_COMMAND_OK && status != PGRES_TUPLES_OK) {
    // A COMMIT that fails ends the transaction too (PostgreSQL rolls it back).
    if (end) in_tx_ = false;
    throw_result(conn, res, "exec " + (s.size() > 80 ? s.substr(0, 80) + "..." : s));
  }
  PQclear(res);
  if (begin) in_tx_ = true;
  if (end) in_tx_ = false;
}

SqlStatement& PostgresConnection::cached(std::string_view sql) {
  auto it = cache_.find(sql);
  if (it == cache_.end()) {
    it = cache_
             .emplace(std::string(sql),
                      std::make_unique<PostgresStatement>(*this, sql, "ld" + std::to_string(++next_name_)))
             .first;
  }
  it->second->reset();
  return *it->second;
}

std::unique_ptr<SqlStatement> PostgresConnection::prepare(std::string_view sql) {
  return std::make_unique<PostgresStatement>(*this, sql, std::string());
}

// --- PgListener -----------------------------------------------------------------------------

PgListener::PgListener(std::string conninfo, std::string channel,
                       std::function<void(const std::string&)> on_notify)
    : conninfo_(std::move(conninfo)), channel_(std::move(channel)), on_notify_(std::move(on_notify)) {
  if (::pipe(wake_) != 0) throw std::runtime_error("pipe failed");
}

PgListener::~PgListener() {
  stop();
  ::close(wake_[0]);
  ::close(wake_[1]);
}

void PgListener::start() {
  stop_ = false;
  thread_ = std::thread([this] { run(); });
}

void PgListener::stop() {
  if (!thread_.joinable()) return;
  stop_ = true;
  const char b = 1;
  [[maybe_unused]] const auto n = ::write(wake_[1], &b, 1);
  thread_.join();
}

void PgListener::run() {
  const std::string described = redact_postgres_target(conninfo_);
  bool first = true;
  while (!stop_) {
    PGconn* conn = nullptr;
    try {
      conn = connect_or_throw(conninfo_, described);
      PGresult* res = PQexec(conn, ("LISTEN " + channel_).c_str());
      if (PQresultStatus(res) != PGRES_COMMAND_OK) throw_result(conn, res, "LISTEN");
      PQclear(res);
      // Whatever happened while this connection was not listening is unknown.
      if (!first) on_notify_("");
      first = false;
      while (!stop_) {
        pollfd fds[2] = {{PQsocket(conn), POLLIN, 0}, {wake_[0], POLLIN, 0}};
        const int r = ::poll(fds, 2, 1000);
        if (r < 0) continue;
        if (fds[1].revents) break;
        if (PQconsumeInput(conn) == 0) throw DbError(DbError::Kind::kOther, 0, PQerrorMessage(conn));
        while (PGnotify* n = PQnotifies(conn)) {
          const std::string payload = n->extra ? n->extra : "";
          PQfreemem(n);
          on_notify_(payload);
        }
      }
    } catch (const std::exception&) {
      // Connection refused or lost: try again in a second (stop() ends the wait).
      if (conn) PQfinish(conn);
      conn = nullptr;
      pollfd wake{wake_[0], POLLIN, 0};
      ::poll(&wake, 1, 1000);
      first = false;
      continue;
    }
    if (conn) PQfinish(conn);
  }
}

}  // namespace linedesk::server
