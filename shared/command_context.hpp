// CommandContext: what every command's validation shares — the acting administrator and the
// privilege/subtree checks, deterministic ids, audit entries, and an overlay so a command that
// changes many accounts and numbers sees its own earlier effects (pool capacity included).
#pragma once

#include <map>
#include <string>
#include <unordered_map>
#include <unordered_set>

#include "changes.hpp"
#include "state.hpp"

namespace linedesk {

// Who acts and when. `seed` comes from the command's UUID; `system` marks the server's own
// commands (delivery results, activation), which need no administrator.
struct Context {
  AdminId actor;
  TimestampMs now_ms = 0;
  std::uint64_t seed = 0;
  bool system = false;
};

class CommandContext {
 public:
  CommandContext(const State& state, const Context& ctx);

  // Resolves the acting administrator; fails with "unknown_admin" when it no longer exists.
  Status init();

  const State& state;
  const Context& ctx;
  IdGen ids;
  const Administrator* actor = nullptr;  // null for system commands
  const Role* role = nullptr;

  // Refuses unless the actor's role has `p` and `org` lies in the actor's subtree. Targets
  // outside the subtree are reported as not found: their existence is not revealed.
  Status require(Privilege p, OrgId org, std::string_view what) const;
  Status require_privilege(Privilege p) const;
  bool can_see(OrgId org) const;
  // "Your role does not include ..." / "No organization ... in your part of the enterprise."
  Error not_visible(std::string_view what) const;

  // Current values, this command's own changes first.
  const Account* account(AccountId id) const;
  const Number* number(NumberId id) const;
  const Invitation* invitation(InvitationId id) const;
  // Records new values (replacing earlier ones from this command) and keeps the pool
  // counters' deltas.
  void put(const Account& a);
  void put(const Number& n);
  void put(const Invitation& i);
  void put(Entity e);  // other kinds: appended as they are
  void remove_account(AccountId id);

  // Available numbers minus outstanding claims of `org`'s pool, after this command so far.
  std::int64_t capacity(OrgId org) const;
  std::int64_t available(OrgId org) const;
  // The lowest available number of `org`'s pool not taken by this command; invalid if none.
  NumberId pick_available(OrgId org) const;
  // The lowest free number reserved with `tag` in `org`'s pool; invalid if none.
  NumberId pick_reserved(OrgId org, std::string_view tag) const;

  // Records an Admin Activity entry. With both values, an edit, only the members that differ
  // are kept (see changed_members in the .cpp).
  void audit(std::string action, OrgId org, std::string target, const Json* before,
             const Json* after, std::string summary);

  // Forgets every effect recorded so far (a dry run reports without changing anything).
  void discard_effects();
  // Moves the overlay into the change set (deterministic order) and returns it.
  Changes finish();
  Changes& changes() { return changes_; }

 private:
  Changes changes_;
  std::map<AccountId, Account> accounts_;
  std::unordered_set<AccountId> removed_;
  std::map<NumberId, Number> numbers_;
  std::map<InvitationId, Invitation> invitations_;
  std::unordered_map<OrgId, std::int64_t> available_delta_;
  std::unordered_map<OrgId, std::int64_t> claims_delta_;
};

// The number state that follows from its account and tag.
NumberState number_state_for(const Account* account, const std::string& tag);
// Names a number's owner for an administrator who may see `owner` (else only "another account").
std::string describe_owner(const CommandContext& cc, const Account* owner);

}  // namespace linedesk
