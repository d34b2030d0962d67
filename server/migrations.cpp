// The schema, as an append-only list of migrations. Never edit a released migration: add one.
// Both dialects describe the same tables; the store's statements are portable across them.
#include "migrations.hpp"

#include <stdexcept>

namespace linedesk::server {
namespace {

// Tables shared by both dialects except for the spelling of a few types.
std::string schema_v1(bool postgres) {
  const std::string big = postgres ? "BIGINT" : "INTEGER";
  const std::string seq = postgres ? "BIGSERIAL PRIMARY KEY" : "INTEGER PRIMARY KEY AUTOINCREMENT";
  return R"sql(
CREATE TABLE meta (
  key   TEXT PRIMARY KEY,
  value TEXT NOT NULL
);

CREATE TABLE organizations (
  id          )sql" + big + R"sql( PRIMARY KEY,
  parent_id   )sql" + big + R"sql( REFERENCES organizations(id),
  name        TEXT NOT NULL CHECK (length(name) > 0),
  description TEXT NOT NULL DEFAULT '',
  policies    TEXT NOT NULL DEFAULT '{}',
  created_ms  )sql" + big + R"sql( NOT NULL
);
CREATE INDEX organizations_parent ON organizations(parent_id);
-- Exactly one enterprise (root).
CREATE UNIQUE INDEX organizations_single_root ON organizations((parent_id IS NULL)) WHERE parent_id IS NULL;

CREATE TABLE roles (
  id         )sql" + big + R"sql( PRIMARY KEY,
  org_id     )sql" + big + R"sql( NOT NULL REFERENCES organizations(id),
  name       TEXT NOT NULL,
  privileges )sql" + big + R"sql( NOT NULL,
  UNIQUE (org_id, name)
);

-- password_hash is empty for an invited administrator who has not set a password yet.
CREATE TABLE administrators (
  id            )sql" + big + R"sql( PRIMARY KEY,
  org_id        )sql" + big + R"sql( NOT NULL REFERENCES organizations(id),
  role_id       )sql" + big + R"sql( NOT NULL REFERENCES roles(id),
  email         TEXT NOT NULL UNIQUE,
  password_hash TEXT NOT NULL DEFAULT '',
  first_name    TEXT NOT NULL DEFAULT '',
  last_name     TEXT NOT NULL DEFAULT '',
  phone         TEXT NOT NULL DEFAULT '',
  address       TEXT NOT NULL DEFAULT '',
  time_zone     TEXT NOT NULL DEFAULT 'UTC',
  photo         TEXT NOT NULL DEFAULT '',
  created_ms    )sql" + big + R"sql( NOT NULL
);
CREATE INDEX administrators_org ON administrators(org_id);

CREATE TABLE permission_groups (
  id                     )sql" + big + R"sql( PRIMARY KEY,
  org_id                 )sql" + big + R"sql( NOT NULL REFERENCES organizations(id),
  name                   TEXT NOT NULL,
  description            TEXT NOT NULL DEFAULT '',
  is_default             INTEGER NOT NULL CHECK (is_default IN (0, 1)),
  voice_calling          INTEGER NOT NULL,
  messaging              INTEGER NOT NULL,
  international_calling  INTEGER NOT NULL,
  call_recording_allowed INTEGER NOT NULL,
  UNIQUE (org_id, name)
);
CREATE UNIQUE INDEX permission_groups_one_default ON permission_groups(org_id) WHERE is_default = 1;

CREATE TABLE accounts (
  id                                 )sql" + big + R"sql( PRIMARY KEY,
  org_id                             )sql" + big + R"sql( NOT NULL REFERENCES organizations(id),
  permission_group_id                )sql" + big + R"sql( NOT NULL REFERENCES permission_groups(id),
  account_id                         TEXT NOT NULL,
  account_key                        TEXT NOT NULL UNIQUE,
  first_name                         TEXT NOT NULL DEFAULT '',
  last_name                          TEXT NOT NULL DEFAULT '',
  invite_address                     TEXT NOT NULL DEFAULT '',
  device_number                      TEXT NOT NULL DEFAULT '',
  notification_address               TEXT NOT NULL DEFAULT '',
  status                             TEXT NOT NULL CHECK (status IN ('not_invited', 'invited', 'invitation_failed', 'active')),
  number                             TEXT NOT NULL DEFAULT '',
  monitor_calls                      INTEGER NOT NULL,
  monitor_messages                   INTEGER NOT NULL,
  social_messaging                   INTEGER NOT NULL,
  restrict_incoming_social_messaging INTEGER NOT NULL,
  enable_clare                       INTEGER NOT NULL,
  ms_teams_calling                   INTEGER NOT NULL,
  compliance_group                   TEXT NOT NULL DEFAULT '',
  language                           TEXT NOT NULL,
  forwarding_number                  TEXT NOT NULL DEFAULT '',
  notes                              TEXT NOT NULL DEFAULT '',
  invitation_id                      )sql" + big + R"sql(,
  created_ms                         )sql" + big + R"sql( NOT NULL,
  updated_ms                         )sql" + big + R"sql( NOT NULL,
  invitation_sent_ms                 )sql" + big + R"sql( NOT NULL,
  registered_ms                      )sql" + big + R"sql( NOT NULL,
  last_sign_in_ms                    )sql" + big + R"sql( NOT NULL,
  app_history                        TEXT NOT NULL DEFAULT '[]',
  version                            )sql" + big + R"sql( NOT NULL
);
CREATE INDEX accounts_org ON accounts(org_id);

CREATE TABLE numbers (
  id          )sql" + big + R"sql( PRIMARY KEY,
  e164        TEXT NOT NULL UNIQUE,
  org_id      )sql" + big + R"sql( NOT NULL REFERENCES organizations(id),
  tag         TEXT NOT NULL DEFAULT '',
  account_id  )sql" + big + R"sql( REFERENCES accounts(id),
  state       TEXT NOT NULL CHECK (state IN ('available', 'reserved', 'pending_invitation', 'assigned', 'activated')),
  imported_ms )sql" + big + R"sql( NOT NULL
);
-- A number has at most one account and an account at most one number.
CREATE UNIQUE INDEX numbers_one_per_account ON numbers(account_id) WHERE account_id IS NOT NULL;
CREATE INDEX numbers_org_state ON numbers(org_id, state);

CREATE TABLE invitations (
  id         )sql" + big + R"sql( PRIMARY KEY,
  account_id )sql" + big + R"sql( NOT NULL REFERENCES accounts(id),
  -- The organization when sent: older links of a moved account may name a deleted one.
  org_id     )sql" + big + R"sql( NOT NULL,
  address    TEXT NOT NULL,
  by_email   INTEGER NOT NULL,
  status     TEXT NOT NULL CHECK (status IN ('pending', 'sent', 'failed', 'accepted', 'revoked')),
  created_ms )sql" + big + R"sql( NOT NULL,
  expires_ms )sql" + big + R"sql( NOT NULL,
  sent_ms    )sql" + big + R"sql( NOT NULL,
  failure    TEXT NOT NULL DEFAULT ''
);
CREATE INDEX invitations_account ON invitations(account_id);

-- Activation links carry a random token; only its hash is kept.
CREATE TABLE invitation_tokens (
  token_hash    TEXT PRIMARY KEY,
  invitation_id )sql" + big + R"sql( NOT NULL,
  created_ms    )sql" + big + R"sql( NOT NULL
);
CREATE TABLE admin_tokens (
  token_hash TEXT PRIMARY KEY,
  admin_id   )sql" + big + R"sql( NOT NULL,
  created_ms )sql" + big + R"sql( NOT NULL,
  expires_ms )sql" + big + R"sql( NOT NULL,
  used_ms    )sql" + big + R"sql( NOT NULL DEFAULT 0
);

-- Batch records and their reports outlive the organization they were uploaded to.
CREATE TABLE batches (
  id                  )sql" + big + R"sql( PRIMARY KEY,
  org_id              )sql" + big + R"sql( NOT NULL,
  permission_group_id )sql" + big + R"sql( NOT NULL,
  admin_id            )sql" + big + R"sql( NOT NULL,
  admin_email         TEXT NOT NULL,
  mode                TEXT NOT NULL CHECK (mode IN ('import', 'import_and_invite')),
  file_name           TEXT NOT NULL,
  created_ms          )sql" + big + R"sql( NOT NULL,
  rows_total          INTEGER NOT NULL,
  rows_imported       INTEGER NOT NULL,
  rows_failed         INTEGER NOT NULL,
  rows_skipped        INTEGER NOT NULL,
  invitations         INTEGER NOT NULL,
  header              TEXT NOT NULL DEFAULT '[]'
);
CREATE TABLE batch_rows (
  batch_id    )sql" + big + R"sql( NOT NULL,
  row_index   INTEGER NOT NULL,
  line        INTEGER NOT NULL,
  status      TEXT NOT NULL,
  column_name TEXT NOT NULL,
  value       TEXT NOT NULL,
  code        TEXT NOT NULL,
  reason      TEXT NOT NULL,
  notes       TEXT NOT NULL,
  cells       TEXT NOT NULL,
  account_id  )sql" + big + R"sql(,
  PRIMARY KEY (batch_id, row_index)
);

CREATE TABLE activity (
  id          )sql" + big + R"sql( PRIMARY KEY,
  at_ms       )sql" + big + R"sql( NOT NULL,
  admin_id    )sql" + big + R"sql(,
  admin_email TEXT NOT NULL,
  org_id      )sql" + big + R"sql(,
  action      TEXT NOT NULL,
  target      TEXT NOT NULL,
  before_json TEXT NOT NULL,
  after_json  TEXT NOT NULL,
  summary     TEXT NOT NULL
);
CREATE INDEX activity_at ON activity(at_ms);
CREATE INDEX activity_org_at ON activity(org_id, at_ms);

CREATE TABLE usage_records (
  record_id  TEXT PRIMARY KEY,
  account_id )sql" + big + R"sql( NOT NULL,
  org_id     )sql" + big + R"sql( NOT NULL,
  kind       TEXT NOT NULL CHECK (kind IN ('voice', 'message', 'data')),
  at_ms      )sql" + big + R"sql( NOT NULL,
  quantity   )sql" + big + R"sql( NOT NULL CHECK (quantity >= 0),
  billable   INTEGER NOT NULL
);
CREATE INDEX usage_org_at ON usage_records(org_id, at_ms);

-- Session tokens are stored as hashes: a copy of the database grants no session.
CREATE TABLE sessions (
  token_hash   TEXT PRIMARY KEY,
  admin_id     )sql" + big + R"sql( NOT NULL REFERENCES administrators(id) ON DELETE CASCADE,
  created_ms   )sql" + big + R"sql( NOT NULL,
  last_seen_ms )sql" + big + R"sql( NOT NULL,
  revoked      INTEGER NOT NULL DEFAULT 0
);
CREATE INDEX sessions_admin ON sessions(admin_id);

-- Failed sign-ins by "email:<address>" and "addr:<ip>", for rate limiting.
CREATE TABLE login_failures (
  key   TEXT NOT NULL,
  at_ms )sql" + big + R"sql( NOT NULL
);
CREATE INDEX login_failures_key_at ON login_failures(key, at_ms);

-- Mail decided by a command, written in the same transaction, delivered afterwards.
CREATE TABLE outbox (
  id            )sql" + seq + R"sql(,
  kind          TEXT NOT NULL,
  org_id        )sql" + big + R"sql(,
  to_address    TEXT NOT NULL,
  subject       TEXT NOT NULL,
  body          TEXT NOT NULL,
  status        TEXT NOT NULL CHECK (status IN ('pending', 'sending', 'sent', 'failed')),
  attempts      INTEGER NOT NULL DEFAULT 0,
  last_error    TEXT NOT NULL DEFAULT '',
  created_ms    )sql" + big + R"sql( NOT NULL,
  sent_ms       )sql" + big + R"sql( NOT NULL DEFAULT 0,
  claimed_ms    )sql" + big + R"sql( NOT NULL DEFAULT 0,
  invitation_id )sql" + big + R"sql(,
  batch_id      )sql" + big + R"sql(,
  command_uuid  TEXT NOT NULL DEFAULT ''
);
CREATE INDEX outbox_status ON outbox(status, id);
CREATE INDEX outbox_batch ON outbox(batch_id);

-- Every put and delete, in commit order: what sync clients pull.
CREATE TABLE change_log (
  seq       )sql" + seq + R"sql(,
  kind      TEXT NOT NULL,
  entity_id )sql" + big + R"sql( NOT NULL,
  org_id    )sql" + big + R"sql(,
  deleted   INTEGER NOT NULL,
  value     TEXT NOT NULL,
  at_ms     )sql" + big + R"sql( NOT NULL
);
CREATE INDEX change_log_entity ON change_log(kind, entity_id);

-- Commands applied through the API, by UUID: a repeated request gets the stored answer.
CREATE TABLE commands (
  uuid     TEXT PRIMARY KEY,
  admin_id )sql" + big + R"sql(,
  name     TEXT NOT NULL,
  at_ms    )sql" + big + R"sql( NOT NULL,
  result   TEXT NOT NULL
);
)sql";
}

// Sync: each browser's counter and the result of every command it pushed, and the path of
// each change's organization so pulls filter by subtree even after an organization is gone.
std::string schema_v2(bool postgres) {
  const std::string big = postgres ? "BIGINT" : "INTEGER";
  return R"sql(
CREATE TABLE sync_clients (
  client_id    TEXT PRIMARY KEY,
  admin_id     )sql" + big + R"sql( NOT NULL,
  last_seq     )sql" + big + R"sql( NOT NULL,
  created_ms   )sql" + big + R"sql( NOT NULL,
  last_seen_ms )sql" + big + R"sql( NOT NULL
);
CREATE TABLE sync_results (
  client_id TEXT NOT NULL,
  seq       )sql" + big + R"sql( NOT NULL,
  uuid      TEXT NOT NULL,
  ok        INTEGER NOT NULL,
  body      TEXT NOT NULL,
  version   )sql" + big + R"sql( NOT NULL,
  at_ms     )sql" + big + R"sql( NOT NULL,
  PRIMARY KEY (client_id, seq)
);
ALTER TABLE change_log ADD COLUMN path TEXT NOT NULL DEFAULT '';
)sql";
}

// Outbox claims name their worker, and a message records when it was handed over to the mailer
// and when the relay confirmed it: after a crash, messages never handed over are sent again and
// the others never are.
std::string schema_v3(bool postgres) {
  const std::string big = postgres ? "BIGINT" : "INTEGER";
  return R"sql(
ALTER TABLE outbox ADD COLUMN claimed_by TEXT NOT NULL DEFAULT '';
ALTER TABLE outbox ADD COLUMN handed_over_ms )sql" + big + R"sql( NOT NULL DEFAULT 0;
ALTER TABLE outbox ADD COLUMN confirmed_ms )sql" + big + R"sql( NOT NULL DEFAULT 0;
)sql";
}

}  // namespace

const std::vector<Migration>& all_migrations() {
  static const std::vector<Migration> kMigrations = {
      {1, "entities, sessions, outbox, change log", schema_v1(false), schema_v1(true)},
      {2, "sync clients and results, change paths", schema_v2(false), schema_v2(true)},
      {3, "outbox claims by worker, hand-over and confirmation times", schema_v3(false), schema_v3(true)},
  };
  return kMigrations;
}

int schema_version(SqlConnection& db) {
  db.exec(
      "CREATE TABLE IF NOT EXISTS schema_migrations (version INTEGER PRIMARY KEY, name TEXT NOT "
      "NULL, applied_ms BIGINT NOT NULL)");
  Stmt st(db.cached("SELECT COALESCE(MAX(version), 0) FROM schema_migrations"));
  return static_cast<int>(st.scalar().value_or(0));
}

std::vector<int> migrate(SqlConnection& db, std::int64_t now_ms) {
  const int current = schema_version(db);
  const auto& migrations = all_migrations();
  const int newest = migrations.empty() ? 0 : migrations.back().version;
  if (current > newest) {
    throw std::runtime_error("the database " + db.describe() + " has schema version " +
                             std::to_string(current) + ", newer than this server's " +
                             std::to_string(newest) + "; upgrade LineDesk to open it");
  }
  std::vector<int> applied;
  for (const Migration& m : migrations) {
    if (m.version <= current) continue;
    Transaction tx(db);
    db.exec(db.dialect() == SqlDialect::kSqlite ? m.sqlite : m.postgres);
    Stmt(db.cached("INSERT INTO schema_migrations(version, name, applied_ms) VALUES (?, ?, ?)"))
        .bind_all(m.version, m.name, now_ms)
        .run();
    tx.commit();
    applied.push_back(m.version);
  }
  return applied;
}

}  // namespace linedesk::server
