// The SQL connection the store is written against: SQLite today, PostgreSQL later, with the
// same statements (portable SQL, "?" placeholders) and the same transaction rules.
#pragma once

#include <cstdint>
#include <memory>
#include <optional>
#include <stdexcept>
#include <string>
#include <string_view>
#include <type_traits>

namespace linedesk::server {

enum class SqlDialect { kSqlite, kPostgres };

// A failure of the database (disk full, read-only, corrupt, busy, constraint, lost
// connection). It never leaves the server module: handlers turn it into a JSON error.
class DbError : public std::runtime_error {
 public:
  enum class Kind { kOther, kConstraint, kFull, kReadOnly, kBusy, kCorrupt };
  DbError(Kind kind, int code, const std::string& what)
      : std::runtime_error(what), kind_(kind), code_(code) {}
  Kind kind() const { return kind_; }
  int code() const { return code_; }
  bool is_constraint() const { return kind_ == Kind::kConstraint; }
  bool is_full() const { return kind_ == Kind::kFull; }
  bool is_readonly() const { return kind_ == Kind::kReadOnly; }

 private:
  Kind kind_;
  int code_;
};

class SqlStatement {
 public:
  virtual ~SqlStatement() = default;
  virtual void bind_int(int index, std::int64_t v) = 0;
  virtual void bind_text(int index, std::string_view v) = 0;
  virtual void bind_null(int index) = 0;
  // Advances to the next row; false when done. Throws DbError.
  virtual bool step() = 0;
  // Makes the statement ready to bind and run again.
  virtual void reset() = 0;
  // Ends the current run, keeping the bindings. A statement left on a row holds its read
  // snapshot: in WAL mode that keeps the log from ever being reused, and it grows without end.
  virtual void finish() = 0;
  virtual std::int64_t column_int(int col) const = 0;
  virtual std::string column_text(int col) const = 0;
  virtual bool column_is_null(int col) const = 0;
  // After a run of an INSERT, UPDATE or DELETE: the rows it changed.
  virtual std::int64_t rows_changed() const = 0;
  // After a run of an INSERT on SQLite: the new row's rowid (an INTEGER PRIMARY KEY). Nullopt
  // on PostgreSQL, where the statement says RETURNING instead. (SQLite runs RETURNING through a
  // temporary table built and dropped on each run: a measurable part of a small commit.)
  virtual std::optional<std::int64_t> inserted_rowid() const = 0;
};

class SqlConnection {
 public:
  virtual ~SqlConnection() = default;
  virtual SqlDialect dialect() const = 0;
  virtual void exec(std::string_view sql) = 0;
  // A statement prepared once per connection and reused (reset before it is handed out).
  // The reference stays valid for the connection's life; not for concurrent use.
  virtual SqlStatement& cached(std::string_view sql) = 0;
  // A statement of its own (for nested use while a cached one is running).
  virtual std::unique_ptr<SqlStatement> prepare(std::string_view sql) = 0;
  virtual std::string describe() const = 0;  // for messages: file path or connection target
};

// Binding helpers over a statement: Stmt(st).bind(...).bind(...); values bind left to right.
class Stmt {
 public:
  explicit Stmt(SqlStatement& st) : st_(st) {}
  // The run ends with the wrapper (see SqlStatement::finish); bindings stay for a later wrapper.
  ~Stmt() { st_.finish(); }
  Stmt(const Stmt&) = delete;
  Stmt& operator=(const Stmt&) = delete;
  // Any integer type (int, long, long long, size_t) binds as a 64-bit integer.
  template <class T, std::enable_if_t<std::is_integral_v<T> && !std::is_same_v<T, bool>, int> = 0>
  Stmt& bind(T v) {
    st_.bind_int(++index_, static_cast<std::int64_t>(v));
    return *this;
  }
  Stmt& bind(bool v) { return bind(std::int64_t{v ? 1 : 0}); }
  Stmt& bind(std::string_view v) { st_.bind_text(++index_, v); return *this; }
  Stmt& bind(const std::string& v) { return bind(std::string_view(v)); }
  Stmt& bind(const char* v) { return bind(std::string_view(v)); }
  // Binds NULL for an invalid id (0) or empty optional, else the value.
  Stmt& bind_id(std::int64_t id) {
    if (id == 0) {
      st_.bind_null(++index_);
    } else {
      st_.bind_int(++index_, id);
    }
    return *this;
  }
  template <class... Args>
  Stmt& bind_all(const Args&... args) {
    (bind(args), ...);
    return *this;
  }
  bool step() { return st_.step(); }
  void run() {
    while (st_.step()) {
    }
  }
  std::int64_t rows_changed() const { return st_.rows_changed(); }
  std::optional<std::int64_t> inserted_rowid() const { return st_.inserted_rowid(); }
  std::int64_t col_int(int c) const { return st_.column_int(c); }
  std::string col_text(int c) const { return st_.column_text(c); }
  bool col_null(int c) const { return st_.column_is_null(c); }
  // The first column of the first row, or nullopt.
  std::optional<std::int64_t> scalar() {
    if (!st_.step()) return std::nullopt;
    return st_.column_int(0);
  }

 private:
  SqlStatement& st_;
  int index_ = 0;
};

// BEGIN on construction; ROLLBACK on destruction unless committed or rolled back.
class Transaction {
 public:
  enum class Mode {
    kWrite,     // SQLite: BEGIN IMMEDIATE (takes the file's write lock at once)
    kSnapshot,  // reads only, all from one snapshot (PostgreSQL: REPEATABLE READ)
  };
  explicit Transaction(SqlConnection& db, Mode mode = Mode::kWrite);
  ~Transaction();
  Transaction(const Transaction&) = delete;
  Transaction& operator=(const Transaction&) = delete;
  void commit();
  // Never throws: what cannot be rolled back was (a failed COMMIT, a lost connection).
  void rollback();

 private:
  SqlConnection& db_;
  bool done_ = false;
};

}  // namespace linedesk::server
