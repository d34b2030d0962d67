// Versioned schema migrations: each runs once, in its own transaction, in order.
#pragma once

#include <string>
#include <vector>

#include "sql.hpp"

namespace linedesk::server {

struct Migration {
  int version;
  std::string name;
  std::string sqlite;    // the migration in SQLite's dialect
  std::string postgres;  // the same migration in PostgreSQL's dialect
};

// Every migration the server knows, ascending by version.
const std::vector<Migration>& all_migrations();

// Applies the migrations newer than the database's version, stamping them with `now_ms`.
// Returns the versions applied. Throws DbError when a migration fails (that migration is rolled
// back) and std::runtime_error when the database was written by a newer LineDesk.
std::vector<int> migrate(SqlConnection& db, std::int64_t now_ms);

// The highest applied migration version (0 for an empty database).
int schema_version(SqlConnection& db);

}  // namespace linedesk::server
