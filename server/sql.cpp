// Transactions over any SqlConnection.
#include "sql.hpp"

namespace linedesk::server {

Transaction::Transaction(SqlConnection& db) : db_(db) {
  db_.exec(db_.dialect() == SqlDialect::kSqlite ? "BEGIN IMMEDIATE" : "BEGIN");
}

Transaction::~Transaction() {
  if (done_) return;
  try {
    db_.exec("ROLLBACK");
  } catch (...) {
    // The connection rolls back by itself when it closes; nothing more to do here.
  }
}

void Transaction::commit() {
  db_.exec("COMMIT");
  done_ = true;
}

}  // namespace linedesk::server
