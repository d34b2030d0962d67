// The schema, as an append-only list of migrations. Never edit a released migration: add one.
#include "migrations.hpp"

#include <stdexcept>

namespace linedesk::server {

const std::vector<Migration>& all_migrations() {
  static const std::vector<Migration> kMigrations = {
      {1, "organizations, roles, administrators, sessions", R"sql(
CREATE TABLE organizations (
  id          INTEGER PRIMARY KEY,
  parent_id   INTEGER REFERENCES organizations(id),
  name        TEXT NOT NULL CHECK (length(name) > 0),
  description TEXT NOT NULL DEFAULT '',
  created_ms  INTEGER NOT NULL
);
CREATE INDEX organizations_parent ON organizations(parent_id);
-- Only one root (the enterprise).
CREATE UNIQUE INDEX organizations_single_root ON organizations((parent_id IS NULL)) WHERE parent_id IS NULL;

CREATE TABLE roles (
  id         INTEGER PRIMARY KEY,
  org_id     INTEGER NOT NULL REFERENCES organizations(id),
  name       TEXT NOT NULL,
  privileges INTEGER NOT NULL,
  UNIQUE (org_id, name)
);

CREATE TABLE administrators (
  id            INTEGER PRIMARY KEY,
  org_id        INTEGER NOT NULL REFERENCES organizations(id),
  role_id       INTEGER NOT NULL REFERENCES roles(id),
  email         TEXT NOT NULL UNIQUE,
  password_hash TEXT NOT NULL,
  first_name    TEXT NOT NULL DEFAULT '',
  last_name     TEXT NOT NULL DEFAULT '',
  phone         TEXT NOT NULL DEFAULT '',
  address       TEXT NOT NULL DEFAULT '',
  time_zone     TEXT NOT NULL DEFAULT 'UTC',
  photo         TEXT NOT NULL DEFAULT '',
  created_ms    INTEGER NOT NULL
);
CREATE INDEX administrators_org ON administrators(org_id);

-- Session tokens are stored as hashes: a copy of the database grants no session.
CREATE TABLE sessions (
  token_hash   TEXT PRIMARY KEY,
  admin_id     INTEGER NOT NULL REFERENCES administrators(id) ON DELETE CASCADE,
  created_ms   INTEGER NOT NULL,
  last_seen_ms INTEGER NOT NULL,
  revoked      INTEGER NOT NULL DEFAULT 0
);
CREATE INDEX sessions_admin ON sessions(admin_id);
)sql"},
  };
  return kMigrations;
}

int schema_version(Database& db) {
  db.exec(
      "CREATE TABLE IF NOT EXISTS schema_migrations (version INTEGER PRIMARY KEY, name TEXT NOT "
      "NULL, applied_ms INTEGER NOT NULL)");
  return static_cast<int>(db.query_int("SELECT COALESCE(MAX(version), 0) FROM schema_migrations")
                              .value_or(0));
}

std::vector<int> migrate(Database& db, std::int64_t now_ms) {
  const int current = schema_version(db);
  const auto& migrations = all_migrations();
  const int newest = migrations.empty() ? 0 : migrations.back().version;
  if (current > newest) {
    throw std::runtime_error("the database " + db.path() + " has schema version " +
                             std::to_string(current) + ", newer than this server's " +
                             std::to_string(newest) + "; upgrade LineDesk to open it");
  }
  std::vector<int> applied;
  for (const Migration& m : migrations) {
    if (m.version <= current) continue;
    Transaction tx(db);
    db.exec(m.sql);
    db.prepare("INSERT INTO schema_migrations(version, name, applied_ms) VALUES (?, ?, ?)")
        .bind_all(m.version, m.name, now_ms)
        .run();
    tx.commit();
    applied.push_back(m.version);
  }
  return applied;
}

}  // namespace linedesk::server
