// CommandContext implementation.
#include "command_context.hpp"

#include <algorithm>
#include <array>
#include <string_view>

namespace linedesk {
namespace {

bool claims_pool(const Account& a) { return invitation_outstanding(a.status) && a.number.empty(); }

// Members every edit changes: shown only when nothing else changed.
constexpr std::array<std::string_view, 2> kBookkeeping = {"version", "updated_ms"};
bool is_bookkeeping(const std::string& key) {
  return std::find(kBookkeeping.begin(), kBookkeeping.end(), key) != kBookkeeping.end();
}

// An edit of a record (an object with an "id") shows what it changed: the id, then the members
// whose values differ (a member only one side has shows on that side). The report's Before and
// After columns then read {"id":7,"notes":""} and {"id":7,"notes":"new"} instead of two copies
// of the whole record. Other values (not both records of the same id, e.g. a list of numbers
// moved from one organization to another) and records that do not differ at all are kept
// whole: the function returns false and leaves `b` and `a` alone.
bool changed_members(const Json& before, const Json& after, Json& b, Json& a) {
  if (!before.is_object() || !after.is_object()) return false;
  const auto id = before.find("id");
  if (id == before.end() || after.find("id") == after.end() || *after.find("id") != *id) return false;
  b = Json::object();
  a = Json::object();
  bool substantive = false;
  for (auto it = before.begin(); it != before.end(); ++it) {
    auto other = after.find(it.key());
    if (other == after.end() || *other != it.value()) {
      b[it.key()] = it.value();
      substantive = substantive || !is_bookkeeping(it.key());
    }
  }
  for (auto it = after.begin(); it != after.end(); ++it) {
    auto other = before.find(it.key());
    if (other == before.end() || *other != it.value()) {
      a[it.key()] = it.value();
      substantive = substantive || !is_bookkeeping(it.key());
    }
  }
  if (b.empty() && a.empty()) return false;
  if (substantive) {
    for (const std::string_view key : kBookkeeping) {
      b.erase(std::string(key));
      a.erase(std::string(key));
    }
  }
  b["id"] = *id;
  a["id"] = *id;
  return true;
}

}  // namespace

NumberState number_state_for(const Account* account, const std::string& tag) {
  if (!account) return tag.empty() ? NumberState::kAvailable : NumberState::kReserved;
  switch (account->status) {
    case AccountStatus::kNotInvited: return NumberState::kPendingInvitation;
    case AccountStatus::kInvited:
    case AccountStatus::kInvitationFailed: return NumberState::kAssigned;
    case AccountStatus::kActive: return NumberState::kActivated;
  }
  return NumberState::kAssigned;
}

std::string describe_owner(const CommandContext& cc, const Account* owner) {
  if (!owner) return "another account";
  if (!cc.can_see(owner->org)) return "an account in another organization";
  const std::string name = owner->name().empty() ? owner->account_id : owner->name();
  const Organization* org = cc.state.org(owner->org);
  return name + " (" + owner->account_id + (org ? ", " + org->name : std::string()) + ")";
}

CommandContext::CommandContext(const State& s, const Context& c)
    : state(s), ctx(c), ids(c.seed) {}

Status CommandContext::init() {
  if (ctx.system) return {};
  actor = state.admin(ctx.actor);
  role = actor ? state.role(actor->role) : nullptr;
  if (!actor || !role) {
    return make_error("unknown_admin", "",
                      "Your administrator account no longer exists; sign in again.");
  }
  return {};
}

bool CommandContext::can_see(OrgId org) const {
  if (ctx.system) return state.org(org) != nullptr;
  return actor && state.orgs().find(org) && state.orgs().is_within(org, actor->org);
}

Error CommandContext::not_visible(std::string_view what) const {
  return make_error("not_found", "",
                    "No " + std::string(what) + " with that id exists in your organizations.");
}

Status CommandContext::require_privilege(Privilege p) const {
  if (ctx.system) return {};
  if (!role || !role->privileges.has(p)) {
    return make_error("forbidden", "",
                      "Your role \"" + (role ? role->name : std::string()) +
                          "\" does not include the " + std::string(privilege_label(p)) +
                          " privilege.");
  }
  return {};
}

Status CommandContext::require(Privilege p, OrgId org, std::string_view what) const {
  if (!can_see(org)) return not_visible(what);
  return require_privilege(p);
}

const Account* CommandContext::account(AccountId id) const {
  if (removed_.count(id)) return nullptr;
  auto it = accounts_.find(id);
  return it != accounts_.end() ? &it->second : state.account(id);
}

const Number* CommandContext::number(NumberId id) const {
  auto it = numbers_.find(id);
  return it != numbers_.end() ? &it->second : state.number(id);
}

const Invitation* CommandContext::invitation(InvitationId id) const {
  auto it = invitations_.find(id);
  return it != invitations_.end() ? &it->second : state.invitation(id);
}

void CommandContext::put(const Account& a) {
  if (const Account* old = account(a.id); old && claims_pool(*old)) --claims_delta_[old->org];
  if (claims_pool(a)) ++claims_delta_[a.org];
  removed_.erase(a.id);
  accounts_[a.id] = a;
}

void CommandContext::put(const Number& n) {
  if (const Number* old = number(n.id); old && old->state == NumberState::kAvailable) {
    --available_delta_[old->org];
  }
  if (n.state == NumberState::kAvailable) ++available_delta_[n.org];
  numbers_[n.id] = n;
}

void CommandContext::put(const Invitation& i) { invitations_[i.id] = i; }

void CommandContext::put(Entity e) { changes_.puts.push_back(std::move(e)); }

void CommandContext::remove_account(AccountId id) {
  const Account* old = account(id);
  if (!old) return;
  if (claims_pool(*old)) --claims_delta_[old->org];
  changes_.deletes.push_back(Tombstone{EntityKind::kAccount, id.value, old->org});
  accounts_.erase(id);
  removed_.insert(id);
}

std::int64_t CommandContext::available(OrgId org) const {
  auto it = available_delta_.find(org);
  return state.pool(org).available + (it == available_delta_.end() ? 0 : it->second);
}

std::int64_t CommandContext::capacity(OrgId org) const {
  auto it = claims_delta_.find(org);
  return available(org) - state.pool(org).claims - (it == claims_delta_.end() ? 0 : it->second);
}

NumberId CommandContext::pick_available(OrgId org) const {
  for (NumberId id : state.available_numbers(org)) {
    const Number* n = number(id);
    if (n && n->state == NumberState::kAvailable && n->org == org) return id;
  }
  // Numbers this command freed in `org` count too.
  for (const auto& [id, n] : numbers_) {
    if (n.org == org && n.state == NumberState::kAvailable) return id;
  }
  return NumberId();
}

NumberId CommandContext::pick_reserved(OrgId org, std::string_view tag) const {
  for (NumberId id : state.reserved_numbers(org, tag)) {
    const Number* n = number(id);
    if (n && n->state == NumberState::kReserved && n->org == org) return id;
  }
  return NumberId();
}

void CommandContext::audit(std::string action, OrgId org, std::string target, const Json* before,
                           const Json* after, std::string summary) {
  ActivityEntry e;
  e.id = ids.next_id<ActivityId>();
  e.at_ms = ctx.now_ms;
  e.admin = actor ? actor->id : AdminId();
  e.admin_email = actor ? actor->email : std::string("system");
  e.org = org;
  e.action = std::move(action);
  e.target = std::move(target);
  auto text = [](const Json& j) { return j.dump(-1, ' ', false, Json::error_handler_t::replace); };
  Json b;
  Json a;
  if (before && after && changed_members(*before, *after, b, a)) {
    e.before = text(b);
    e.after = text(a);
  } else {
    if (before) e.before = text(*before);
    if (after) e.after = text(*after);
  }
  e.summary = std::move(summary);
  changes_.activity.push_back(std::move(e));
}

void CommandContext::discard_effects() {
  changes_ = Changes{};
  accounts_.clear();
  removed_.clear();
  numbers_.clear();
  invitations_.clear();
  available_delta_.clear();
  claims_delta_.clear();
}

Changes CommandContext::finish() {
  // Entities that change organization leave a tombstone behind in the one they left.
  auto moved = [this](EntityKind kind, std::int64_t id, OrgId from, OrgId to) {
    if (from.valid() && from != to) changes_.moved_out.push_back(Tombstone{kind, id, from});
  };
  for (const auto& [id, a] : accounts_) {
    if (const Account* old = state.account(id)) moved(EntityKind::kAccount, id.value, old->org, a.org);
  }
  for (const auto& [id, n] : numbers_) {
    if (const Number* old = state.number(id)) moved(EntityKind::kNumber, id.value, old->org, n.org);
  }
  for (const auto& [id, i] : invitations_) {
    if (const Invitation* old = state.invitation(id)) {
      moved(EntityKind::kInvitation, id.value, old->org, i.org);
    }
  }
  for (const Entity& e : changes_.puts) {
    if (const auto* a = std::get_if<Administrator>(&e)) {
      if (const Administrator* old = state.admin(a->id)) {
        moved(EntityKind::kAdministrator, a->id.value, old->org, a->org);
      }
    } else if (const auto* b = std::get_if<BatchRecord>(&e)) {
      if (const BatchRecord* old = state.batch(b->id)) {
        moved(EntityKind::kBatch, b->id.value, old->org, b->org);
      }
    }
  }
  for (auto& [id, a] : accounts_) changes_.puts.emplace_back(std::move(a));
  for (auto& [id, n] : numbers_) changes_.puts.emplace_back(std::move(n));
  for (auto& [id, i] : invitations_) changes_.puts.emplace_back(std::move(i));
  accounts_.clear();
  numbers_.clear();
  invitations_.clear();
  return std::move(changes_);
}

}  // namespace linedesk
