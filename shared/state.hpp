// State: every entity of one enterprise with the indexes and counters the rules need
// (pool capacity, accounts per organization, numbers by tag) kept up to date on each change.
#pragma once

#include <cstdint>
#include <deque>
#include <map>
#include <optional>
#include <set>
#include <string>
#include <unordered_map>
#include <vector>

#include "changes.hpp"
#include "org_tree.hpp"

namespace linedesk {

// The numbers in one organization's own pool, by state, and the invitations waiting for a
// number from it.
struct PoolCounts {
  std::int64_t available = 0;
  std::int64_t reserved = 0;
  std::int64_t pending_invitation = 0;
  std::int64_t assigned = 0;
  std::int64_t activated = 0;
  // Invited accounts without a number: each will take an available number at activation.
  std::int64_t claims = 0;

  std::int64_t total() const {
    return available + reserved + pending_invitation + assigned + activated;
  }
  bool operator==(const PoolCounts&) const = default;
};

class State {
 public:
  const OrgTree& orgs() const { return orgs_; }
  const Organization* org(OrgId id) const { return orgs_.find(id); }
  const Organization* root() const;
  const Administrator* admin(AdminId id) const;
  const Administrator* admin_by_email(std::string_view email_lower) const;
  const Role* role(RoleId id) const;
  const PermissionGroup* group(PermGroupId id) const;
  const Account* account(AccountId id) const;
  // By "Account ID" (compared as account_id_key()).
  const Account* account_by_key(std::string_view key) const;
  const Number* number(NumberId id) const;
  const Invitation* invitation(InvitationId id) const;
  const BatchRecord* batch(BatchId id) const;
  // Every invitation ever sent to `account` (revoked ones included).
  const std::vector<InvitationId>& invitations_of(AccountId account) const;

  const std::unordered_map<AdminId, Administrator>& admins() const { return admins_; }
  const std::unordered_map<RoleId, Role>& roles() const { return roles_; }
  const std::unordered_map<PermGroupId, PermissionGroup>& groups() const { return groups_; }
  const std::unordered_map<AccountId, Account>& accounts() const { return accounts_; }
  const std::unordered_map<NumberId, Number>& numbers() const { return numbers_; }
  const std::unordered_map<InvitationId, Invitation>& invitations() const { return invitations_; }
  const std::unordered_map<BatchId, BatchRecord>& batches() const { return batches_; }

  // Counters of `org`'s own pool (zeros for an organization without numbers).
  const PoolCounts& pool(OrgId org) const;
  // Seed/DESIGN: available numbers minus invitations waiting for one. Never negative in a
  // state the rules produced.
  std::int64_t pool_capacity(OrgId org) const;
  // Available numbers of `org`'s pool in ascending order (deterministic choices).
  const std::set<NumberId>& available_numbers(OrgId org) const;
  // Reserved, unassigned numbers of `org`'s pool carrying `tag` (case-insensitive).
  const std::set<NumberId>& reserved_numbers(OrgId org, std::string_view tag) const;
  // Tags in use in `org`'s pool with the count of free reserved numbers carrying them.
  std::map<std::string, std::int64_t> free_tags(OrgId org) const;

  std::int64_t accounts_in(OrgId org) const;  // directly in `org`
  std::int64_t admins_in(OrgId org) const;
  // The default permission group for accounts in `org`: its own default, else the nearest
  // ancestor's; invalid when none is defined up the tree.
  PermGroupId default_group(OrgId org) const;

  // Any entity by kind and id.
  std::optional<Entity> find(EntityKind kind, std::int64_t id) const;

  // Applies one put or delete, keeping indexes and counters right.
  void put(const Entity& e);
  void erase(const Tombstone& t);
  void apply(const Changes& c);

  // The server change sequence this state reflects (0 for a state built locally).
  std::int64_t version = 0;
  // Changes with every put and erase, to a value no other state of the process has had (a
  // state rebuilt from a snapshot never repeats an old one): views derived from the state (a
  // filtered, sorted table) are rebuilt only when it moved.
  std::uint64_t revision() const { return revision_; }
  // What changed after `revision` (an earlier revision() of this state), when the state can
  // tell: the accounts put or erased (each once), and whether anything other than an account
  // changed too. nullopt when its record does not reach back that far: the state was rebuilt
  // since (State() assigned), or more than kChangeRecord accounts changed. A copy carries the
  // record of the state it was copied from.
  struct ChangesSince {
    std::vector<AccountId> accounts;
    bool others = false;
  };
  static constexpr std::size_t kChangeRecord = 4096;
  std::optional<ChangesSince> changes_since(std::uint64_t revision) const;

  // Compares entities only (not version).
  bool same_entities(const State& other) const;

 private:
  void unindex_number(const Number& n);
  void index_number(const Number& n);
  void unindex_account(const Account& a);
  void index_account(const Account& a);

  static std::uint64_t new_revision();
  void record_change(const std::optional<AccountId>& account);
  // A new state starts at a revision of its own: nothing it holds can be mistaken for changes
  // after a revision of another state.
  std::uint64_t revision_ = new_revision();
  std::deque<std::pair<std::uint64_t, AccountId>> account_changes_;  // (revision, account)
  std::uint64_t record_floor_ = revision_;  // changes after this are all recorded
  std::uint64_t last_other_change_ = 0;          // revision of the last non-account change
  OrgTree orgs_;
  std::unordered_map<AdminId, Administrator> admins_;
  std::unordered_map<RoleId, Role> roles_;
  std::unordered_map<PermGroupId, PermissionGroup> groups_;
  std::unordered_map<AccountId, Account> accounts_;
  std::unordered_map<NumberId, Number> numbers_;
  std::unordered_map<InvitationId, Invitation> invitations_;
  std::unordered_map<BatchId, BatchRecord> batches_;

  std::unordered_map<std::string, AccountId> account_keys_;
  std::unordered_map<std::string, AdminId> admin_emails_;
  std::unordered_map<OrgId, PoolCounts> pools_;
  std::unordered_map<OrgId, std::set<NumberId>> available_;
  std::map<std::pair<OrgId, std::string>, std::set<NumberId>> reserved_;
  std::unordered_map<OrgId, std::int64_t> accounts_per_org_;
  std::unordered_map<OrgId, std::int64_t> admins_per_org_;
  std::unordered_map<AccountId, std::vector<InvitationId>> invitations_by_account_;
};

}  // namespace linedesk
