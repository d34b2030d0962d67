// Store: passwords, sessions, sign-in failures and link tokens.
#include "store.hpp"

namespace linedesk::server {

std::string Store::password_hash(AdminId admin) {
  std::lock_guard lock(mutex_);
  Stmt st(db_->cached("SELECT password_hash FROM administrators WHERE id = ?"));
  st.bind(admin.value);
  return st.step() ? st.col_text(0) : std::string();
}

void Store::set_password_hash(AdminId admin, const std::string& hash, std::int64_t) {
  std::lock_guard lock(mutex_);
  Stmt(db_->cached("UPDATE administrators SET password_hash = ? WHERE id = ?"))
      .bind_all(hash, admin.value)
      .run();
}

void Store::create_session(const std::string& hash, AdminId admin, std::int64_t now_ms) {
  std::lock_guard lock(mutex_);
  Stmt(db_->cached("INSERT INTO sessions(token_hash, admin_id, created_ms, last_seen_ms) "
                   "VALUES (?, ?, ?, ?)"))
      .bind_all(hash, admin.value, now_ms, now_ms)
      .run();
}

std::optional<SessionRecord> Store::session(const std::string& hash) {
  std::lock_guard lock(mutex_);
  Stmt st(db_->cached(
      "SELECT admin_id, created_ms, last_seen_ms, revoked FROM sessions WHERE token_hash = ?"));
  st.bind(hash);
  if (!st.step()) return std::nullopt;
  return SessionRecord{AdminId(st.col_int(0)), st.col_int(1), st.col_int(2), st.col_int(3) != 0};
}

void Store::touch_session(const std::string& hash, std::int64_t now_ms) {
  std::lock_guard lock(mutex_);
  Stmt(db_->cached("UPDATE sessions SET last_seen_ms = ? WHERE token_hash = ?"))
      .bind_all(now_ms, hash)
      .run();
}

void Store::revoke_session(const std::string& hash) {
  std::lock_guard lock(mutex_);
  Stmt(db_->cached("UPDATE sessions SET revoked = 1 WHERE token_hash = ?")).bind(hash).run();
}

void Store::revoke_sessions_of(AdminId admin, const std::string& keep_hash) {
  std::lock_guard lock(mutex_);
  Stmt(db_->cached("UPDATE sessions SET revoked = 1 WHERE admin_id = ? AND token_hash <> ?"))
      .bind_all(admin.value, keep_hash)
      .run();
}

void Store::record_login_failure(const std::string& key, std::int64_t now_ms) {
  std::lock_guard lock(mutex_);
  Stmt(db_->cached("INSERT INTO login_failures(key, at_ms) VALUES (?, ?)"))
      .bind_all(key, now_ms)
      .run();
  // Old failures no longer count; keep the table small.
  Stmt(db_->cached("DELETE FROM login_failures WHERE at_ms < ?"))
      .bind(now_ms - 24LL * 3600 * 1000)
      .run();
}

std::int64_t Store::login_failures_since(const std::string& key, std::int64_t since_ms) {
  std::lock_guard lock(mutex_);
  return Stmt(db_->cached("SELECT count(*) FROM login_failures WHERE key = ? AND at_ms >= ?"))
      .bind_all(key, since_ms)
      .scalar()
      .value_or(0);
}

std::optional<InvitationId> Store::invitation_for_token(const std::string& hash) {
  std::lock_guard lock(mutex_);
  Stmt st(db_->cached("SELECT invitation_id FROM invitation_tokens WHERE token_hash = ?"));
  st.bind(hash);
  if (!st.step()) return std::nullopt;
  return InvitationId(st.col_int(0));
}

std::optional<Store::AdminToken> Store::admin_token(const std::string& hash) {
  std::lock_guard lock(mutex_);
  Stmt st(db_->cached(
      "SELECT admin_id, expires_ms, used_ms FROM admin_tokens WHERE token_hash = ?"));
  st.bind(hash);
  if (!st.step()) return std::nullopt;
  return AdminToken{AdminId(st.col_int(0)), st.col_int(1), st.col_int(2)};
}

void Store::use_admin_token(const std::string& hash, std::int64_t now_ms) {
  std::lock_guard lock(mutex_);
  Stmt(db_->cached("UPDATE admin_tokens SET used_ms = ? WHERE token_hash = ?"))
      .bind_all(now_ms, hash)
      .run();
}

}  // namespace linedesk::server
