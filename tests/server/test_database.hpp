// The database a server test runs on: an SQLite file, or — when LINEDESK_TEST_POSTGRES names a
// PostgreSQL database (scripts/with-postgres.sh sets it) — a schema of its own there. The same
// tests thus run against both storage engines (CTest: native_tests and postgres_tests).
#pragma once

#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <memory>
#include <string>

#include "postgres_db.hpp"
#include "sqlite_db.hpp"

namespace linedesk::test {

// The PostgreSQL database of this run, or "" for SQLite.
inline std::string test_postgres() {
  const char* url = std::getenv("LINEDESK_TEST_POSTGRES");
  return url ? std::string(url) : std::string();
}

inline bool testing_postgres() { return !test_postgres().empty(); }

// What `--db` of a server, or a test's store, opens for the test file `path`: the path itself,
// or the PostgreSQL database with a schema named after `path` (created on first use), so a test
// that opens `path` again — a restart — finds what it wrote there.
inline std::string test_database_target(const std::string& path) {
  const std::string base = test_postgres();
  if (base.empty()) return path;
  std::uint64_t h = 1469598103934665603ULL;  // FNV-1a
  for (const unsigned char c : path) {
    h ^= c;
    h *= 1099511628211ULL;
  }
  char schema[24];
  std::snprintf(schema, sizeof schema, "t%016llx", static_cast<unsigned long long>(h));
  {
    server::PostgresConnection admin(base);
    admin.exec(std::string("CREATE SCHEMA IF NOT EXISTS ") + schema);
  }
  return base + (base.find('?') == std::string::npos ? "?" : "&") +
         "options=-csearch_path%3D" + schema;
}

inline std::unique_ptr<server::SqlConnection> open_test_database(const std::string& path) {
  if (testing_postgres()) {
    return std::make_unique<server::PostgresConnection>(test_database_target(path));
  }
  return std::make_unique<server::SqliteConnection>(path);
}

}  // namespace linedesk::test
