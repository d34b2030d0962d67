// Versioned schema migrations: each runs once, in its own transaction, in order.
#pragma once

#include <string>
#include <vector>

#include "sqlite_db.hpp"

namespace linedesk::server {

struct Migration {
  int version;
  std::string name;
  std::string sql;
};

// Every migration the server knows, ascending by version.
const std::vector<Migration>& all_migrations();

// Applies the migrations newer than the database's version, stamping them with `now_ms`.
// Returns the versions applied.
// Throws DbError when a migration fails (that migration is rolled back) and std::runtime_error
// when the database was written by a newer LineDesk (its version is above ours).
std::vector<int> migrate(Database& db, std::int64_t now_ms);

// The highest applied migration version (0 for an empty database).
int schema_version(Database& db);

}  // namespace linedesk::server
