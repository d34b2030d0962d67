// Store: the server's SQLite-backed state — organizations, roles, administrators, sessions.
// Every method is safe to call from any HTTP worker thread.
#pragma once

#include <cstdint>
#include <mutex>
#include <optional>
#include <string>
#include <vector>

#include "shared/administrator.hpp"
#include "shared/organization.hpp"
#include "shared/role.hpp"
#include "sqlite_db.hpp"

namespace linedesk::server {

struct AdminCredentials {
  Administrator admin;
  std::string password_hash;
};

struct SessionRecord {
  AdminId admin;
  std::int64_t created_ms = 0;
  std::int64_t last_seen_ms = 0;
  bool revoked = false;
};

struct BootstrapRequest {
  std::string org_name;
  std::string admin_email;
  std::string admin_first_name;
  std::string admin_last_name;
  std::string password_hash;
};

class Store {
 public:
  // Opens or creates the database at `path` and applies pending migrations. Throws DbError
  // (or std::runtime_error for a newer schema) and never overwrites a file it cannot read.
  Store(const std::string& path, std::int64_t now_ms);

  int schema_version();
  bool has_root();

  // Creates the root organization, the "Enterprise Administrator" role with every privilege
  // and the first administrator. Only valid when has_root() is false.
  Administrator bootstrap(const BootstrapRequest& req, std::int64_t now_ms);

  std::optional<AdminCredentials> admin_by_email(const std::string& email_lower);
  std::optional<Administrator> admin(AdminId id);
  std::optional<Role> role(RoleId id);
  std::optional<Organization> org(OrgId id);
  std::vector<Organization> all_orgs();

  void create_session(const std::string& token_hash, AdminId admin, std::int64_t now_ms);
  std::optional<SessionRecord> session(const std::string& token_hash);
  void touch_session(const std::string& token_hash, std::int64_t now_ms);
  void revoke_session(const std::string& token_hash);

  Database& db() { return db_; }

 private:
  std::mutex mutex_;
  Database db_;
};

}  // namespace linedesk::server
