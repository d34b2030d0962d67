// SQLite persistence for the walking skeleton's entities.
#include "store.hpp"

#include "auth.hpp"
#include "migrations.hpp"

namespace linedesk::server {
namespace {

constexpr const char* kAdminColumns =
    "id, org_id, role_id, email, first_name, last_name, phone, address, time_zone, photo, "
    "created_ms, password_hash";

Administrator read_admin(const Statement& st) {
  Administrator a;
  a.id = AdminId(st.column_int(0));
  a.org = OrgId(st.column_int(1));
  a.role = RoleId(st.column_int(2));
  a.email = st.column_text(3);
  a.first_name = st.column_text(4);
  a.last_name = st.column_text(5);
  a.phone = st.column_text(6);
  a.address = st.column_text(7);
  a.time_zone = st.column_text(8);
  a.photo = st.column_text(9);
  a.created_ms = st.column_int(10);
  return a;
}

Organization read_org(const Statement& st) {
  Organization o;
  o.id = OrgId(st.column_int(0));
  o.parent = OrgId(st.column_is_null(1) ? 0 : st.column_int(1));
  o.name = st.column_text(2);
  o.description = st.column_text(3);
  o.created_ms = st.column_int(4);
  return o;
}

}  // namespace

Store::Store(const std::string& path, std::int64_t now_ms) : db_(path) { migrate(db_, now_ms); }

int Store::schema_version() {
  std::lock_guard lock(mutex_);
  return linedesk::server::schema_version(db_);
}

bool Store::has_root() {
  std::lock_guard lock(mutex_);
  return db_.query_int("SELECT count(*) FROM organizations WHERE parent_id IS NULL").value_or(0) >
         0;
}

Administrator Store::bootstrap(const BootstrapRequest& req, std::int64_t now_ms) {
  std::lock_guard lock(mutex_);
  Transaction tx(db_);
  Organization root{OrgId(random_id()), OrgId(), req.org_name, "", {}, now_ms};
  db_.prepare("INSERT INTO organizations(id, parent_id, name, description, created_ms) "
              "VALUES (?, NULL, ?, ?, ?)")
      .bind_all(root.id.value, root.name, root.description, root.created_ms)
      .run();
  Role role{RoleId(random_id()), root.id, "Enterprise Administrator", PrivilegeSet::all()};
  db_.prepare("INSERT INTO roles(id, org_id, name, privileges) VALUES (?, ?, ?, ?)")
      .bind_all(role.id.value, role.org.value, role.name,
                static_cast<std::int64_t>(role.privileges.bits))
      .run();
  Administrator admin;
  admin.id = AdminId(random_id());
  admin.org = root.id;
  admin.role = role.id;
  admin.email = req.admin_email;
  admin.first_name = req.admin_first_name;
  admin.last_name = req.admin_last_name;
  admin.time_zone = "UTC";
  admin.created_ms = now_ms;
  db_.prepare("INSERT INTO administrators(id, org_id, role_id, email, password_hash, first_name, "
              "last_name, time_zone, created_ms) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)")
      .bind_all(admin.id.value, admin.org.value, admin.role.value, admin.email, req.password_hash,
                admin.first_name, admin.last_name, admin.time_zone, admin.created_ms)
      .run();
  tx.commit();
  return admin;
}

std::optional<AdminCredentials> Store::admin_by_email(const std::string& email_lower) {
  std::lock_guard lock(mutex_);
  auto st = db_.prepare(std::string("SELECT ") + kAdminColumns +
                        " FROM administrators WHERE email = ?");
  st.bind(1, email_lower);
  if (!st.step()) return std::nullopt;
  return AdminCredentials{read_admin(st), st.column_text(11)};
}

std::optional<Administrator> Store::admin(AdminId id) {
  std::lock_guard lock(mutex_);
  auto st = db_.prepare(std::string("SELECT ") + kAdminColumns + " FROM administrators WHERE id = ?");
  st.bind(1, id.value);
  if (!st.step()) return std::nullopt;
  return read_admin(st);
}

std::optional<Role> Store::role(RoleId id) {
  std::lock_guard lock(mutex_);
  auto st = db_.prepare("SELECT id, org_id, name, privileges FROM roles WHERE id = ?");
  st.bind(1, id.value);
  if (!st.step()) return std::nullopt;
  return Role{RoleId(st.column_int(0)), OrgId(st.column_int(1)), st.column_text(2),
              PrivilegeSet{static_cast<std::uint32_t>(st.column_int(3))}};
}

std::optional<Organization> Store::org(OrgId id) {
  std::lock_guard lock(mutex_);
  auto st = db_.prepare(
      "SELECT id, parent_id, name, description, created_ms FROM organizations WHERE id = ?");
  st.bind(1, id.value);
  if (!st.step()) return std::nullopt;
  return read_org(st);
}

std::vector<Organization> Store::all_orgs() {
  std::lock_guard lock(mutex_);
  auto st = db_.prepare("SELECT id, parent_id, name, description, created_ms FROM organizations");
  std::vector<Organization> out;
  while (st.step()) out.push_back(read_org(st));
  return out;
}

void Store::create_session(const std::string& hash, AdminId admin, std::int64_t now_ms) {
  std::lock_guard lock(mutex_);
  db_.prepare("INSERT INTO sessions(token_hash, admin_id, created_ms, last_seen_ms) "
              "VALUES (?, ?, ?, ?)")
      .bind_all(hash, admin.value, now_ms, now_ms)
      .run();
}

std::optional<SessionRecord> Store::session(const std::string& hash) {
  std::lock_guard lock(mutex_);
  auto st = db_.prepare(
      "SELECT admin_id, created_ms, last_seen_ms, revoked FROM sessions WHERE token_hash = ?");
  st.bind(1, hash);
  if (!st.step()) return std::nullopt;
  return SessionRecord{AdminId(st.column_int(0)), st.column_int(1), st.column_int(2),
                       st.column_int(3) != 0};
}

void Store::touch_session(const std::string& hash, std::int64_t now_ms) {
  std::lock_guard lock(mutex_);
  db_.prepare("UPDATE sessions SET last_seen_ms = ? WHERE token_hash = ?")
      .bind_all(now_ms, hash)
      .run();
}

void Store::revoke_session(const std::string& hash) {
  std::lock_guard lock(mutex_);
  db_.prepare("UPDATE sessions SET revoked = 1 WHERE token_hash = ?").bind(1, hash).run();
}

}  // namespace linedesk::server
