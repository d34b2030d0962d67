// Transactions over any SqlConnection.
#include "sql.hpp"

namespace linedesk::server {

Transaction::Transaction(SqlConnection& db, Mode mode) : db_(db) {
  const bool sqlite = db_.dialect() == SqlDialect::kSqlite;
  if (mode == Mode::kWrite) {
    db_.exec(sqlite ? "BEGIN IMMEDIATE" : "BEGIN");
  } else {
    db_.exec(sqlite ? "BEGIN" : "BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY");
  }
}

Transaction::~Transaction() { rollback(); }

void Transaction::commit() {
  db_.exec("COMMIT");
  done_ = true;
}

void Transaction::rollback() {
  if (done_) return;
  done_ = true;
  try {
    db_.exec("ROLLBACK");
  } catch (...) {
    // A failed COMMIT may have rolled back already (SQLite on a full disk); a lost connection
    // rolls back by itself.
  }
}

}  // namespace linedesk::server
