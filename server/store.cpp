// Store: entities, commits and the change log.
#include "store.hpp"

#include <algorithm>

#include "migrations.hpp"
#include "shared/text.hpp"

namespace linedesk::server {
namespace {

std::string json_text(const Json& j) { return j.dump(-1, ' ', false, Json::error_handler_t::replace); }

Json parse_stored(const std::string& text, Json fallback) {
  auto j = parse_json(text);
  return j ? std::move(j).value() : fallback;
}

Organization read_org(Stmt& st) {
  Organization o;
  o.id = OrgId(st.col_int(0));
  o.parent = OrgId(st.col_null(1) ? 0 : st.col_int(1));
  o.name = st.col_text(2);
  o.description = st.col_text(3);
  if (auto p = policy_overrides_from_json(parse_stored(st.col_text(4), Json::object()))) {
    o.policies = std::move(p).value();
  }
  o.created_ms = st.col_int(5);
  return o;
}

// Advisory lock keys of a shared (PostgreSQL) database: any two numbers other programs on the
// same database do not use. Commands take the first for their transaction; a starting process
// (schema migration, bootstrap, demo seeding) holds the second.
constexpr std::int64_t kCommandLock = 0x4C696E6544657331;  // "LineDes1"
constexpr std::int64_t kStartupLock = 0x4C696E6544657332;  // "LineDes2"

}  // namespace

Store::Store(std::unique_ptr<SqlConnection> db, std::int64_t now_ms) : db_(std::move(db)) {
  StartupLock startup(*this);
  std::lock_guard lock(mutex_);
  migrate(*db_, now_ms);
}

Store::StartupLock::StartupLock(Store& store) : store_(store) {
  if (!store_.shared()) return;
  std::lock_guard lock(store_.mutex_);
  Stmt(store_.db_->cached("SELECT pg_advisory_lock(?)")).bind(kStartupLock).run();
}

Store::StartupLock::~StartupLock() {
  if (!store_.shared()) return;
  try {
    std::lock_guard lock(store_.mutex_);
    Stmt(store_.db_->cached("SELECT pg_advisory_unlock(?)")).bind(kStartupLock).run();
  } catch (...) {
    // A lost connection released it already.
  }
}

Store::Write::Write(Store& store) : store_(store), lock_(store.mutex_), tx_(*store.db_) {
  store_.write_open_ = true;
  if (store_.shared()) {
    Stmt(store_.db_->cached("SELECT pg_advisory_xact_lock(?)")).bind(kCommandLock).run();
  }
}

Store::Write::~Write() { store_.write_open_ = false; }

void Store::Write::commit() {
  if (store_.shared() && notify_seq_ > 0) {
    // Delivered to the listeners when (and only if) the transaction commits.
    Stmt(store_.db_->cached("SELECT pg_notify(?, ?)"))
        .bind_all(std::string(kNotifyChannel), std::to_string(notify_seq_))
        .run();
  }
  tx_.commit();
  store_.write_open_ = false;
}

void Store::Write::rollback() {
  tx_.rollback();
  store_.write_open_ = false;
}

int Store::schema_version() {
  std::lock_guard lock(mutex_);
  return linedesk::server::schema_version(*db_);
}

bool Store::has_enterprise() {
  std::lock_guard lock(mutex_);
  return Stmt(db_->cached("SELECT count(*) FROM organizations WHERE parent_id IS NULL"))
             .scalar()
             .value_or(0) > 0;
}

std::int64_t Store::version() {
  std::lock_guard lock(mutex_);
  return Stmt(db_->cached("SELECT COALESCE(MAX(seq), 0) FROM change_log")).scalar().value_or(0);
}

// --- writing entities --------------------------------------------------------------------

void Store::write_entity(const Entity& e) {
  std::visit(
      [this](const auto& v) {
        using T = std::decay_t<decltype(v)>;
        if constexpr (std::is_same_v<T, Organization>) {
          Stmt(db_->cached(
                   "INSERT INTO organizations(id, parent_id, name, description, policies, created_ms) "
                   "VALUES (?, ?, ?, ?, ?, ?) ON CONFLICT(id) DO UPDATE SET parent_id = "
                   "excluded.parent_id, name = excluded.name, description = excluded.description, "
                   "policies = excluded.policies"))
              .bind(v.id.value)
              .bind_id(v.parent.value)
              .bind_all(v.name, v.description, json_text(to_json(v.policies)), v.created_ms)
              .run();
        } else if constexpr (std::is_same_v<T, Administrator>) {
          Stmt(db_->cached(
                   "INSERT INTO administrators(id, org_id, role_id, email, first_name, last_name, "
                   "phone, address, time_zone, photo, created_ms) VALUES (?, ?, ?, ?, ?, ?, ?, ?, "
                   "?, ?, ?) ON CONFLICT(id) DO UPDATE SET org_id = excluded.org_id, role_id = "
                   "excluded.role_id, email = excluded.email, first_name = excluded.first_name, "
                   "last_name = excluded.last_name, phone = excluded.phone, address = "
                   "excluded.address, time_zone = excluded.time_zone, photo = excluded.photo"))
              .bind_all(v.id.value, v.org.value, v.role.value, v.email, v.first_name, v.last_name,
                        v.phone, v.address, v.time_zone, v.photo, v.created_ms)
              .run();
        } else if constexpr (std::is_same_v<T, Role>) {
          Stmt(db_->cached("INSERT INTO roles(id, org_id, name, privileges) VALUES (?, ?, ?, ?) "
                           "ON CONFLICT(id) DO UPDATE SET name = excluded.name, privileges = "
                           "excluded.privileges"))
              .bind_all(v.id.value, v.org.value, v.name,
                        static_cast<std::int64_t>(v.privileges.bits))
              .run();
        } else if constexpr (std::is_same_v<T, PermissionGroup>) {
          Stmt(db_->cached(
                   "INSERT INTO permission_groups(id, org_id, name, description, is_default, "
                   "voice_calling, messaging, international_calling, call_recording_allowed) "
                   "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?) ON CONFLICT(id) DO UPDATE SET name = "
                   "excluded.name, description = excluded.description, is_default = "
                   "excluded.is_default, voice_calling = excluded.voice_calling, messaging = "
                   "excluded.messaging, international_calling = excluded.international_calling, "
                   "call_recording_allowed = excluded.call_recording_allowed"))
              .bind_all(v.id.value, v.org.value, v.name, v.description, v.is_default,
                        v.voice_calling, v.messaging, v.international_calling,
                        v.call_recording_allowed)
              .run();
        } else if constexpr (std::is_same_v<T, Account>) {
          const std::string history = json_text(to_json(v.app_history));
          // The columns both statements below set in the same order, first_name to invitation_id.
          const auto bind_details = [&v](Stmt& st) -> Stmt& {
            return st
                .bind_all(v.first_name, v.last_name, v.invite_address, v.device_number,
                          v.notification_address, std::string(account_status_name(v.status)),
                          v.number, v.monitor_calls, v.monitor_messages, v.social_messaging,
                          v.restrict_incoming_social_messaging, v.enable_clare, v.ms_teams_calling,
                          v.compliance_group, std::string(language_name(v.language)),
                          v.forwarding_number, v.notes)
                .bind_id(v.invitation.value);
          };
          // Nearly every change keeps the account's organization and account id: the row is
          // then rewritten alone. The upsert below also rewrites both of the table's index
          // entries (account_key, org_id), two more pages in each commit's log.
          Stmt same_keys(db_->cached(
              "UPDATE accounts SET permission_group_id = ?, account_id = ?, first_name = ?, "
              "last_name = ?, invite_address = ?, device_number = ?, notification_address = ?, "
              "status = ?, number = ?, monitor_calls = ?, monitor_messages = ?, social_messaging "
              "= ?, restrict_incoming_social_messaging = ?, enable_clare = ?, ms_teams_calling = "
              "?, compliance_group = ?, language = ?, forwarding_number = ?, notes = ?, "
              "invitation_id = ?, updated_ms = ?, invitation_sent_ms = ?, registered_ms = ?, "
              "last_sign_in_ms = ?, app_history = ?, version = ? WHERE id = ? AND org_id = ? AND "
              "account_key = ?"));
          bind_details(same_keys.bind_all(v.permission_group.value, v.account_id))
              .bind_all(v.updated_ms, v.invitation_sent_ms, v.registered_ms, v.last_sign_in_ms,
                        history, v.version, v.id.value, v.org.value, account_id_key(v.account_id));
          same_keys.run();
          if (same_keys.rows_changed() == 1) return;
          Stmt upsert(db_->cached(
                   "INSERT INTO accounts(id, org_id, permission_group_id, account_id, account_key, "
                   "first_name, last_name, invite_address, device_number, notification_address, "
                   "status, number, monitor_calls, monitor_messages, social_messaging, "
                   "restrict_incoming_social_messaging, enable_clare, ms_teams_calling, "
                   "compliance_group, language, forwarding_number, notes, invitation_id, "
                   "created_ms, updated_ms, invitation_sent_ms, registered_ms, last_sign_in_ms, "
                   "app_history, version) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, "
                   "?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?) ON CONFLICT(id) DO UPDATE SET org_id "
                   "= excluded.org_id, permission_group_id = excluded.permission_group_id, "
                   "account_id = excluded.account_id, account_key = excluded.account_key, "
                   "first_name = excluded.first_name, last_name = excluded.last_name, "
                   "invite_address = excluded.invite_address, device_number = "
                   "excluded.device_number, notification_address = excluded.notification_address, "
                   "status = excluded.status, number = excluded.number, monitor_calls = "
                   "excluded.monitor_calls, monitor_messages = excluded.monitor_messages, "
                   "social_messaging = excluded.social_messaging, "
                   "restrict_incoming_social_messaging = "
                   "excluded.restrict_incoming_social_messaging, enable_clare = "
                   "excluded.enable_clare, ms_teams_calling = excluded.ms_teams_calling, "
                   "compliance_group = excluded.compliance_group, language = excluded.language, "
                   "forwarding_number = excluded.forwarding_number, notes = excluded.notes, "
                   "invitation_id = excluded.invitation_id, updated_ms = excluded.updated_ms, "
                   "invitation_sent_ms = excluded.invitation_sent_ms, registered_ms = "
                   "excluded.registered_ms, last_sign_in_ms = excluded.last_sign_in_ms, "
                   "app_history = excluded.app_history, version = excluded.version"));
          bind_details(upsert.bind_all(v.id.value, v.org.value, v.permission_group.value,
                                       v.account_id, account_id_key(v.account_id)))
              .bind_all(v.created_ms, v.updated_ms, v.invitation_sent_ms, v.registered_ms,
                        v.last_sign_in_ms, history, v.version)
              .run();
        } else if constexpr (std::is_same_v<T, Number>) {
          Stmt(db_->cached("INSERT INTO numbers(id, e164, org_id, tag, account_id, state, "
                           "imported_ms) VALUES (?, ?, ?, ?, ?, ?, ?) ON CONFLICT(id) DO UPDATE SET "
                           "org_id = excluded.org_id, tag = excluded.tag, account_id = "
                           "excluded.account_id, state = excluded.state"))
              .bind_all(v.id.value, v.e164, v.org.value, v.tag)
              .bind_id(v.account.value)
              .bind_all(std::string(number_state_name(v.state)), v.imported_ms)
              .run();
        } else if constexpr (std::is_same_v<T, Invitation>) {
          Stmt(db_->cached("INSERT INTO invitations(id, account_id, org_id, address, by_email, "
                           "status, created_ms, expires_ms, sent_ms, failure) VALUES (?, ?, ?, ?, "
                           "?, ?, ?, ?, ?, ?) ON CONFLICT(id) DO UPDATE SET org_id = "
                           "excluded.org_id, status = excluded.status, sent_ms = excluded.sent_ms, "
                           "failure = excluded.failure"))
              .bind_all(v.id.value, v.account.value, v.org.value, v.address, v.by_email,
                        std::string(invitation_status_name(v.status)), v.created_ms, v.expires_ms,
                        v.sent_ms, v.failure)
              .run();
        } else if constexpr (std::is_same_v<T, BatchRecord>) {
          Stmt(db_->cached("INSERT INTO batches(id, org_id, permission_group_id, admin_id, "
                           "admin_email, mode, file_name, created_ms, rows_total, rows_imported, "
                           "rows_failed, rows_skipped, invitations) VALUES (?, ?, ?, ?, ?, ?, ?, ?, "
                           "?, ?, ?, ?, ?) ON CONFLICT(id) DO NOTHING"))
              .bind_all(v.id.value, v.org.value, v.permission_group.value, v.admin.value,
                        v.admin_email, std::string(batch_mode_name(v.mode)), v.file_name,
                        v.created_ms, v.rows_total, v.rows_imported, v.rows_failed, v.rows_skipped,
                        v.invitations)
              .run();
        }
      },
      e);
}

void Store::delete_entity(const Tombstone& t) {
  const char* sql = nullptr;
  switch (t.kind) {
    case EntityKind::kOrganization: sql = "DELETE FROM organizations WHERE id = ?"; break;
    case EntityKind::kAdministrator: sql = "DELETE FROM administrators WHERE id = ?"; break;
    case EntityKind::kRole: sql = "DELETE FROM roles WHERE id = ?"; break;
    case EntityKind::kPermissionGroup: sql = "DELETE FROM permission_groups WHERE id = ?"; break;
    case EntityKind::kAccount: sql = "DELETE FROM accounts WHERE id = ?"; break;
    case EntityKind::kNumber: sql = "DELETE FROM numbers WHERE id = ?"; break;
    case EntityKind::kInvitation: sql = "DELETE FROM invitations WHERE id = ?"; break;
    case EntityKind::kBatch: sql = "DELETE FROM batches WHERE id = ?"; break;
  }
  Stmt(db_->cached(sql)).bind(t.id).run();
}

std::int64_t Store::append_change(const std::string& kind, std::int64_t id, OrgId org,
                                  bool deleted, const std::string& value, const std::string& path,
                                  std::int64_t now_ms) {
  // The new row's seq: SQLite reports it after the insert (its RETURNING would build a
  // temporary table on every run); PostgreSQL returns it.
  const bool returning = db_->dialect() == SqlDialect::kPostgres;
  Stmt st(db_->cached(returning ? "INSERT INTO change_log(kind, entity_id, org_id, deleted, value, "
                                  "at_ms, path) VALUES (?, ?, ?, ?, ?, ?, ?) RETURNING seq"
                                : "INSERT INTO change_log(kind, entity_id, org_id, deleted, value, "
                                  "at_ms, path) VALUES (?, ?, ?, ?, ?, ?, ?)"));
  st.bind_all(kind, id).bind_id(org.value).bind_all(deleted, value, now_ms, path);
  if (returning) {
    const std::int64_t seq = st.scalar().value_or(0);
    st.run();
    return seq;
  }
  st.run();
  return st.inserted_rowid().value_or(0);
}

void Store::save_sync_result(const std::string& client_id, AdminId admin, std::int64_t seq,
                             const std::string& uuid, bool ok, const Json& body,
                             std::int64_t version, std::int64_t now_ms) {
  Stmt(db_->cached("INSERT INTO sync_results(client_id, seq, uuid, ok, body, version, at_ms) "
                   "VALUES (?, ?, ?, ?, ?, ?, ?)"))
      .bind_all(client_id, seq, uuid, ok, json_text(body), version, now_ms)
      .run();
  Stmt(db_->cached("INSERT INTO sync_clients(client_id, admin_id, last_seq, created_ms, "
                   "last_seen_ms) VALUES (?, ?, ?, ?, ?) ON CONFLICT(client_id) DO UPDATE SET "
                   "last_seq = excluded.last_seq, last_seen_ms = excluded.last_seen_ms"))
      .bind_all(client_id, admin.value, seq, now_ms, now_ms)
      .run();
}

void Store::write_activity(const ActivityEntry& e) {
  Stmt(db_->cached("INSERT INTO activity(id, at_ms, admin_id, admin_email, org_id, action, "
                   "target, before_json, after_json, summary) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)"))
      .bind_all(e.id.value, e.at_ms)
      .bind_id(e.admin.value)
      .bind(e.admin_email)
      .bind_id(e.org.value)
      .bind_all(e.action, e.target, e.before, e.after, e.summary)
      .run();
}

namespace {

// Rows a kind's foreign keys point to are written before it (and deleted after it).
int write_rank(EntityKind kind) {
  switch (kind) {
    case EntityKind::kOrganization: return 0;
    case EntityKind::kRole: return 1;
    case EntityKind::kPermissionGroup: return 2;
    case EntityKind::kAdministrator: return 3;
    case EntityKind::kAccount: return 4;
    case EntityKind::kNumber: return 5;
    case EntityKind::kInvitation: return 6;
    case EntityKind::kBatch: return 7;
  }
  return 8;
}

}  // namespace

std::int64_t Store::commit(const CommitRecord& r) {
  Write write(*this);
  const std::int64_t seq = commit(write, r);
  write.commit();
  return seq;
}

std::int64_t Store::commit(Write& write, const CommitRecord& r) {
  const std::int64_t seq = commit_rows(r);
  write.notify_seq_ = seq;
  return seq;
}

std::int64_t Store::commit_deliveries(Write& write, const std::vector<CommitRecord>& records,
                                      const std::vector<OutboxOutcome>& outcomes) {
  for (const OutboxOutcome& o : outcomes) write_outcome(o);
  std::int64_t seq = 0;
  for (const CommitRecord& r : records) seq = commit_rows(r);
  if (seq > 0) write.notify_seq_ = seq;
  return seq;
}

std::int64_t Store::commit_rows(const CommitRecord& r) {
  const Changes& c = *r.changes;
  auto path = [&r](OrgId org) { return r.path_of ? r.path_of(org) : std::string(); };
  std::int64_t seq = 0;  // the last change row written (in the command's order, the highest)
  // SQLite checks numbers_one_per_account at each statement, and a command that moves an
  // account to another number may list the new number first: the numbers this commit writes
  // let go of their accounts before any of them takes one.
  for (const Entity& e : c.puts) {
    if (const auto* n = std::get_if<Number>(&e)) {
      Stmt(db_->cached("UPDATE numbers SET account_id = NULL WHERE id = ?")).bind(n->id.value).run();
    }
  }
  // Entities leaving an organization first: a replica that sees both sides deletes, then puts.
  for (const Tombstone& t : c.moved_out) {
    seq = append_change(std::string(entity_kind_name(t.kind)), t.id, t.org, true, "", path(t.org), r.now_ms);
  }
  // Rows are written in the order their foreign keys need (checked at each statement: SQLite's
  // PRAGMA defer_foreign_keys would expire every prepared statement on each commit); the change
  // log keeps the command's own order.
  const auto depth = [&path](std::int64_t org) {
    const std::string p = path(OrgId(org));
    return static_cast<int>(std::count(p.begin(), p.end(), '/'));
  };
  std::vector<std::pair<std::pair<int, int>, const Entity*>> puts;
  puts.reserve(c.puts.size());
  for (const Entity& e : c.puts) {
    const EntityKind kind = kind_of(e);
    puts.push_back({{write_rank(kind), kind == EntityKind::kOrganization ? depth(id_of(e)) : 0}, &e});
  }
  std::stable_sort(puts.begin(), puts.end(),
                   [](const auto& a, const auto& b) { return a.first < b.first; });
  for (const auto& [rank, e] : puts) write_entity(*e);
  std::vector<std::pair<std::pair<int, int>, const Tombstone*>> deletes;
  deletes.reserve(c.deletes.size());
  for (const Tombstone& t : c.deletes) {
    deletes.push_back({{-write_rank(t.kind), t.kind == EntityKind::kOrganization ? -depth(t.id) : 0}, &t});
  }
  std::stable_sort(deletes.begin(), deletes.end(),
                   [](const auto& a, const auto& b) { return a.first < b.first; });
  for (const auto& [rank, t] : deletes) delete_entity(*t);
  for (const Entity& e : c.puts) {
    seq = append_change(std::string(entity_kind_name(kind_of(e))), id_of(e), org_of(e), false,
                  json_text(to_json(e)), path(org_of(e)), r.now_ms);
  }
  for (const Tombstone& t : c.deletes) {
    seq = append_change(std::string(entity_kind_name(t.kind)), t.id, t.org, true, "", path(t.org), r.now_ms);
  }
  for (const ActivityEntry& a : c.activity) write_activity(a);
  if (c.report) {
    BatchId batch;
    for (const Entity& e : c.puts) {
      if (const auto* b = std::get_if<BatchRecord>(&e)) batch = b->id;
    }
    if (batch.valid()) {
      Stmt(db_->cached("UPDATE batches SET header = ? WHERE id = ?"))
          .bind_all(json_text(Json(c.report->header)), batch.value)
          .run();
      std::int64_t index = 0;
      for (const BatchRowResult& row : c.report->rows) {
        Stmt(db_->cached("INSERT INTO batch_rows(batch_id, row_index, line, status, column_name, "
                         "value, code, reason, notes, cells, account_id) VALUES (?, ?, ?, ?, ?, ?, "
                         "?, ?, ?, ?, ?)"))
            .bind_all(batch.value, index++, static_cast<std::int64_t>(row.line),
                      std::string(row_status_name(row.status)), row.column, row.value, row.code,
                      row.reason, json_text(Json(row.notes)), json_text(Json(row.cells)))
            .bind_id(row.account.value)
            .run();
      }
    }
  }
  for (const OutboxMessage& m : r.mail) {
    Stmt(db_->cached("INSERT INTO outbox(kind, org_id, to_address, subject, body, status, "
                     "created_ms, invitation_id, batch_id, command_uuid) VALUES (?, ?, ?, ?, ?, "
                     "'pending', ?, ?, ?, ?)"))
        .bind(m.kind)
        .bind_id(m.org.value)
        .bind_all(m.to, m.subject, m.body, r.now_ms)
        .bind_id(m.invitation.value)
        .bind_id(m.batch.value)
        .bind(r.command_uuid)
        .run();
  }
  for (const auto& [hash, inv] : r.invitation_tokens) {
    Stmt(db_->cached("INSERT INTO invitation_tokens(token_hash, invitation_id, created_ms) VALUES "
                     "(?, ?, ?)"))
        .bind_all(hash, inv.value, r.now_ms)
        .run();
  }
  for (const auto& [hash, admin] : r.admin_tokens) {
    Stmt(db_->cached("INSERT INTO admin_tokens(token_hash, admin_id, created_ms, expires_ms) "
                     "VALUES (?, ?, ?, ?)"))
        .bind_all(hash, admin.value, r.now_ms, r.admin_token_expires_ms)
        .run();
  }
  if (r.remember_command && !r.command_uuid.empty()) {
    Stmt(db_->cached("INSERT INTO commands(uuid, admin_id, name, at_ms, result) VALUES (?, ?, ?, "
                     "?, ?)"))
        .bind(r.command_uuid)
        .bind_id(r.admin.value)
        .bind_all(r.command_name, r.now_ms, json_text(r.result))
        .run();
  }
  // A command that changed no entity leaves the version where it was.
  if (seq == 0) {
    seq = Stmt(db_->cached("SELECT COALESCE(MAX(seq), 0) FROM change_log")).scalar().value_or(0);
  }
  if (!r.sync_client.empty()) {
    save_sync_result(r.sync_client, r.admin, r.sync_seq, r.command_uuid, true, r.result, seq, r.now_ms);
  }
  return seq;
}

std::optional<Store::SyncClient> Store::sync_client(const std::string& client_id) {
  std::lock_guard lock(mutex_);
  Stmt st(db_->cached("SELECT admin_id, last_seq FROM sync_clients WHERE client_id = ?"));
  st.bind(client_id);
  if (!st.step()) return std::nullopt;
  return SyncClient{AdminId(st.col_int(0)), st.col_int(1)};
}

void Store::record_sync_rejection(Write&, const std::string& client_id, AdminId admin,
                                  std::int64_t seq, const std::string& uuid, const Error& error,
                                  std::int64_t now_ms) {
  save_sync_result(client_id, admin, seq, uuid, false,
                   Json{{"code", error.code}, {"field", error.field}, {"message", error.message}}, 0,
                   now_ms);
}

std::vector<CommandResult> Store::sync_results(const std::string& client_id, std::int64_t from_seq,
                                               std::int64_t to_seq) {
  std::lock_guard lock(mutex_);
  std::vector<CommandResult> out;
  Stmt st(db_->cached("SELECT seq, uuid, ok, body, version FROM sync_results WHERE client_id = ? "
                      "AND seq >= ? AND seq <= ? ORDER BY seq"));
  st.bind_all(client_id, from_seq, to_seq);
  while (st.step()) {
    CommandResult r;
    r.seq = st.col_int(0);
    r.uuid = st.col_text(1);
    r.ok = st.col_int(2) != 0;
    const Json body = parse_stored(st.col_text(3), Json::object());
    if (r.ok) {
      r.result = body;
    } else if (body.is_object()) {
      r.error = Error{body.value("code", ""), body.value("field", ""), body.value("message", "")};
    }
    r.version = st.col_int(4);
    out.push_back(std::move(r));
  }
  return out;
}

std::vector<ChangeRow> Store::changes_since(std::int64_t since, std::int64_t limit) {
  std::lock_guard lock(mutex_);
  std::vector<ChangeRow> out;
  Stmt st(db_->cached("SELECT seq, kind, entity_id, org_id, deleted, value, path FROM change_log "
                      "WHERE seq > ? ORDER BY seq LIMIT ?"));
  st.bind_all(since, limit);
  while (st.step()) {
    ChangeRow row;
    row.seq = st.col_int(0);
    row.kind = st.col_text(1);
    row.entity_id = st.col_int(2);
    row.org = OrgId(st.col_null(3) ? 0 : st.col_int(3));
    row.deleted = st.col_int(4) != 0;
    row.value = st.col_text(5);
    row.path = st.col_text(6);
    out.push_back(std::move(row));
  }
  return out;
}

std::int64_t Store::compacted_before() {
  std::lock_guard lock(mutex_);
  Stmt st(db_->cached("SELECT value FROM meta WHERE key = 'compacted_before'"));
  if (!st.step()) return 0;
  try {
    return std::stoll(st.col_text(0));
  } catch (...) {
    return 0;
  }
}

void Store::compact_change_log(Write&, std::int64_t before_seq) {
  const std::int64_t last =
      Stmt(db_->cached("SELECT COALESCE(MAX(seq), 0) FROM change_log")).scalar().value_or(0);
  // The last row stays so the sequence never restarts (AUTOINCREMENT keeps it anyway). The mark
  // never moves back: a later, milder compaction must not claim rows that are already gone
  // (pulls from before them would get a silent gap instead of a snapshot).
  const std::int64_t earlier =
      Stmt(db_->cached("SELECT CAST(value AS BIGINT) FROM meta WHERE key = 'compacted_before'"))
          .scalar()
          .value_or(0);
  const std::int64_t cut = std::max(std::min(before_seq, last), earlier);
  Stmt(db_->cached("DELETE FROM change_log WHERE seq < ?")).bind(cut).run();
  Stmt(db_->cached("INSERT INTO meta(key, value) VALUES ('compacted_before', ?) ON CONFLICT(key) "
                   "DO UPDATE SET value = excluded.value"))
      .bind(std::to_string(cut))
      .run();
}

std::optional<Store::StoredCommand> Store::command_result(const std::string& uuid) {
  std::lock_guard lock(mutex_);
  Stmt st(db_->cached("SELECT admin_id, result FROM commands WHERE uuid = ?"));
  st.bind(uuid);
  if (!st.step()) return std::nullopt;
  return StoredCommand{AdminId(st.col_null(0) ? 0 : st.col_int(0)),
                       parse_stored(st.col_text(1), Json::object())};
}

// --- loading ------------------------------------------------------------------------------

State Store::load_state() {
  std::lock_guard lock(mutex_);
  // Every table from one snapshot: other processes sharing the database may commit meanwhile.
  // (Inside a Write the command lock already keeps them out.)
  std::optional<Transaction> snapshot;
  if (!write_open_) snapshot.emplace(*db_, Transaction::Mode::kSnapshot);
  State s;
  {
    // Parents before children is not needed: OrgTree indexes children as they come.
    Stmt st(db_->cached("SELECT id, parent_id, name, description, policies, created_ms FROM "
                        "organizations"));
    while (st.step()) s.put(read_org(st));
  }
  {
    Stmt st(db_->cached("SELECT id, org_id, name, privileges FROM roles"));
    while (st.step()) {
      s.put(Role{RoleId(st.col_int(0)), OrgId(st.col_int(1)), st.col_text(2),
                 PrivilegeSet{static_cast<std::uint32_t>(st.col_int(3))}});
    }
  }
  {
    Stmt st(db_->cached("SELECT id, org_id, role_id, email, first_name, last_name, phone, "
                        "address, time_zone, photo, created_ms FROM administrators"));
    while (st.step()) {
      Administrator a;
      a.id = AdminId(st.col_int(0));
      a.org = OrgId(st.col_int(1));
      a.role = RoleId(st.col_int(2));
      a.email = st.col_text(3);
      a.first_name = st.col_text(4);
      a.last_name = st.col_text(5);
      a.phone = st.col_text(6);
      a.address = st.col_text(7);
      a.time_zone = st.col_text(8);
      a.photo = st.col_text(9);
      a.created_ms = st.col_int(10);
      s.put(a);
    }
  }
  {
    Stmt st(db_->cached("SELECT id, org_id, name, description, is_default, voice_calling, "
                        "messaging, international_calling, call_recording_allowed FROM "
                        "permission_groups"));
    while (st.step()) {
      PermissionGroup g;
      g.id = PermGroupId(st.col_int(0));
      g.org = OrgId(st.col_int(1));
      g.name = st.col_text(2);
      g.description = st.col_text(3);
      g.is_default = st.col_int(4) != 0;
      g.voice_calling = st.col_int(5) != 0;
      g.messaging = st.col_int(6) != 0;
      g.international_calling = st.col_int(7) != 0;
      g.call_recording_allowed = st.col_int(8) != 0;
      s.put(g);
    }
  }
  {
    Stmt st(db_->cached(
        "SELECT id, org_id, permission_group_id, account_id, first_name, last_name, "
        "invite_address, device_number, notification_address, status, number, monitor_calls, "
        "monitor_messages, social_messaging, restrict_incoming_social_messaging, enable_clare, "
        "ms_teams_calling, compliance_group, language, forwarding_number, notes, invitation_id, "
        "created_ms, updated_ms, invitation_sent_ms, registered_ms, last_sign_in_ms, "
        "app_history, version FROM accounts"));
    while (st.step()) {
      Account a;
      a.id = AccountId(st.col_int(0));
      a.org = OrgId(st.col_int(1));
      a.permission_group = PermGroupId(st.col_int(2));
      a.account_id = st.col_text(3);
      a.first_name = st.col_text(4);
      a.last_name = st.col_text(5);
      a.invite_address = st.col_text(6);
      a.device_number = st.col_text(7);
      a.notification_address = st.col_text(8);
      a.status = account_status_from_name(st.col_text(9)).value_or(AccountStatus::kNotInvited);
      a.number = st.col_text(10);
      a.monitor_calls = st.col_int(11) != 0;
      a.monitor_messages = st.col_int(12) != 0;
      a.social_messaging = st.col_int(13) != 0;
      a.restrict_incoming_social_messaging = st.col_int(14) != 0;
      a.enable_clare = st.col_int(15) != 0;
      a.ms_teams_calling = st.col_int(16) != 0;
      a.compliance_group = st.col_text(17);
      a.language = language_from_name(st.col_text(18)).value_or(Language::kEnglish);
      a.forwarding_number = st.col_text(19);
      a.notes = st.col_text(20);
      a.invitation = InvitationId(st.col_null(21) ? 0 : st.col_int(21));
      a.created_ms = st.col_int(22);
      a.updated_ms = st.col_int(23);
      a.invitation_sent_ms = st.col_int(24);
      a.registered_ms = st.col_int(25);
      a.last_sign_in_ms = st.col_int(26);
      const Json history = parse_stored(st.col_text(27), Json::array());
      for (const Json& h : history) {
        if (h.is_object()) {
          a.app_history.push_back(AppActivity{h.value("app", ""), h.value("platform", ""),
                                              h.value("at_ms", std::int64_t{0})});
        }
      }
      a.version = st.col_int(28);
      s.put(a);
    }
  }
  {
    Stmt st(db_->cached("SELECT id, e164, org_id, tag, account_id, state, imported_ms FROM numbers"));
    while (st.step()) {
      Number n;
      n.id = NumberId(st.col_int(0));
      n.e164 = st.col_text(1);
      n.org = OrgId(st.col_int(2));
      n.tag = st.col_text(3);
      n.account = AccountId(st.col_null(4) ? 0 : st.col_int(4));
      n.state = number_state_from_name(st.col_text(5)).value_or(NumberState::kAvailable);
      n.imported_ms = st.col_int(6);
      s.put(n);
    }
  }
  {
    Stmt st(db_->cached("SELECT id, account_id, org_id, address, by_email, status, created_ms, "
                        "expires_ms, sent_ms, failure FROM invitations"));
    while (st.step()) {
      Invitation i;
      i.id = InvitationId(st.col_int(0));
      i.account = AccountId(st.col_int(1));
      i.org = OrgId(st.col_int(2));
      i.address = st.col_text(3);
      i.by_email = st.col_int(4) != 0;
      i.status = invitation_status_from_name(st.col_text(5)).value_or(InvitationStatus::kPending);
      i.created_ms = st.col_int(6);
      i.expires_ms = st.col_int(7);
      i.sent_ms = st.col_int(8);
      i.failure = st.col_text(9);
      s.put(i);
    }
  }
  {
    Stmt st(db_->cached("SELECT id, org_id, permission_group_id, admin_id, admin_email, mode, "
                        "file_name, created_ms, rows_total, rows_imported, rows_failed, "
                        "rows_skipped, invitations FROM batches"));
    while (st.step()) {
      BatchRecord b;
      b.id = BatchId(st.col_int(0));
      b.org = OrgId(st.col_int(1));
      b.permission_group = PermGroupId(st.col_int(2));
      b.admin = AdminId(st.col_int(3));
      b.admin_email = st.col_text(4);
      b.mode = batch_mode_from_name(st.col_text(5)).value_or(BatchMode::kImport);
      b.file_name = st.col_text(6);
      b.created_ms = st.col_int(7);
      b.rows_total = static_cast<int>(st.col_int(8));
      b.rows_imported = static_cast<int>(st.col_int(9));
      b.rows_failed = static_cast<int>(st.col_int(10));
      b.rows_skipped = static_cast<int>(st.col_int(11));
      b.invitations = static_cast<int>(st.col_int(12));
      s.put(b);
    }
  }
  s.version = Stmt(db_->cached("SELECT COALESCE(MAX(seq), 0) FROM change_log")).scalar().value_or(0);
  if (snapshot) snapshot->commit();
  return s;
}

std::optional<std::string> Store::meta(const std::string& key) {
  std::lock_guard lock(mutex_);
  Stmt st(db_->cached("SELECT value FROM meta WHERE key = ?"));
  st.bind(key);
  if (!st.step()) return std::nullopt;
  return st.col_text(0);
}

void Store::set_meta(const std::string& key, const std::string& value) {
  std::lock_guard lock(mutex_);
  Stmt(db_->cached("INSERT INTO meta(key, value) VALUES (?, ?) ON CONFLICT(key) DO UPDATE SET "
                   "value = excluded.value"))
      .bind_all(key, value)
      .run();
}

}  // namespace linedesk::server
