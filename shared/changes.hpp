// Changes: what a command does to the state — new entity values (puts) and deletions
// (tombstones) — plus the audit entries, notifications and reports it produces.
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <variant>
#include <vector>

#include "account.hpp"
#include "activity.hpp"
#include "administrator.hpp"
#include "batch.hpp"
#include "invitation.hpp"
#include "number.hpp"
#include "organization.hpp"
#include "permission_group.hpp"
#include "role.hpp"

namespace linedesk {

// Version of the entity JSON in envelopes ("v"); a reader refuses other versions.
inline constexpr int kEntityVersion = 1;

enum class EntityKind {
  kOrganization,
  kAdministrator,
  kRole,
  kPermissionGroup,
  kAccount,
  kNumber,
  kInvitation,
  kBatch,
};
std::string_view entity_kind_name(EntityKind k);  // "organization", "account", ...
std::optional<EntityKind> entity_kind_from_name(std::string_view name);

using Entity = std::variant<Organization, Administrator, Role, PermissionGroup, Account, Number,
                            Invitation, BatchRecord>;

EntityKind kind_of(const Entity& e);
std::int64_t id_of(const Entity& e);
OrgId org_of(const Entity& e);  // the organization an entity belongs to (for visibility)

struct Tombstone {
  EntityKind kind;
  std::int64_t id;
  OrgId org;  // where it was: who may learn that it is gone
  bool operator==(const Tombstone&) const = default;
};

// Mail the server must send after the command commits.
struct Notification {
  enum class Kind { kInvitation, kThreshold, kBatchSummary, kAdminInvitation };
  Kind kind = Kind::kInvitation;
  OrgId org;
  InvitationId invitation;          // kInvitation
  AccountId account;                // kInvitation
  std::vector<AdminId> recipients;  // kThreshold, kBatchSummary
  std::int64_t percent = 0;         // kThreshold: utilization reached
  std::int64_t threshold = 0;
  std::int64_t in_use = 0;
  std::int64_t total = 0;
  BatchId batch;                    // kBatchSummary
  AdminId admin;                    // kAdminInvitation: the new administrator
  bool operator==(const Notification&) const = default;
};

struct Changes {
  std::vector<Entity> puts;
  std::vector<Tombstone> deletes;
  // Entities whose organization changed, as tombstones in the organization they left: a
  // replica that sees only the old organization learns that they are gone. They precede the
  // puts in the change log and delete nothing in the store.
  std::vector<Tombstone> moved_out;
  std::vector<ActivityEntry> activity;
  std::vector<Notification> notifications;
  std::optional<BatchReport> report;  // import_batch: every row with its outcome
  Json result = Json::object();       // what the command tells its caller (ids, counts)

  bool empty() const { return puts.empty() && deletes.empty(); }
  // Adds `other`'s entity changes after this one's (audit, mail and result are not merged).
  void append(const Changes& other);
};

Json to_json(const Entity& e);
// {"v": 1, "kind": "...", "value": {...}}
Json entity_envelope(const Entity& e);
Result<Entity> entity_from_envelope(const Json& j);
Json to_json(const Tombstone& t);
Result<Tombstone> tombstone_from_json(const Json& j);
Json to_json(const Notification& n);
Json to_json(const Changes& c);
Result<Changes> changes_from_json(const Json& j);

}  // namespace linedesk
