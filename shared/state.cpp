// State indexes and counters.
#include "state.hpp"

#include <algorithm>
#include <atomic>
#include <unordered_set>

#include "text.hpp"

namespace linedesk {
namespace {

template <class Map, class Key>
const typename Map::mapped_type* find_in(const Map& m, const Key& k) {
  auto it = m.find(k);
  return it == m.end() ? nullptr : &it->second;
}

std::int64_t& count_for(PoolCounts& c, NumberState s) {
  switch (s) {
    case NumberState::kAvailable: return c.available;
    case NumberState::kReserved: return c.reserved;
    case NumberState::kPendingInvitation: return c.pending_invitation;
    case NumberState::kAssigned: return c.assigned;
    case NumberState::kActivated: return c.activated;
  }
  return c.available;
}

bool claims_pool(const Account& a) {
  return invitation_outstanding(a.status) && a.number.empty();
}

}  // namespace

const Organization* State::root() const { return orgs_.find(orgs_.root()); }

const Administrator* State::admin(AdminId id) const { return find_in(admins_, id); }

const Administrator* State::admin_by_email(std::string_view email_lower) const {
  auto it = admin_emails_.find(std::string(email_lower));
  return it == admin_emails_.end() ? nullptr : admin(it->second);
}

const Role* State::role(RoleId id) const { return find_in(roles_, id); }
const PermissionGroup* State::group(PermGroupId id) const { return find_in(groups_, id); }
const Account* State::account(AccountId id) const { return find_in(accounts_, id); }

const Account* State::account_by_key(std::string_view key) const {
  auto it = account_keys_.find(std::string(key));
  return it == account_keys_.end() ? nullptr : account(it->second);
}

const Number* State::number(NumberId id) const { return find_in(numbers_, id); }
const Invitation* State::invitation(InvitationId id) const { return find_in(invitations_, id); }
const BatchRecord* State::batch(BatchId id) const { return find_in(batches_, id); }

const std::vector<InvitationId>& State::invitations_of(AccountId account) const {
  static const std::vector<InvitationId> kNone;
  auto it = invitations_by_account_.find(account);
  return it == invitations_by_account_.end() ? kNone : it->second;
}

const PoolCounts& State::pool(OrgId org) const {
  static const PoolCounts kEmpty;
  auto it = pools_.find(org);
  return it == pools_.end() ? kEmpty : it->second;
}

std::int64_t State::pool_capacity(OrgId org) const {
  const PoolCounts& p = pool(org);
  return p.available - p.claims;
}

const std::set<NumberId>& State::available_numbers(OrgId org) const {
  static const std::set<NumberId> kNone;
  auto it = available_.find(org);
  return it == available_.end() ? kNone : it->second;
}

const std::set<NumberId>& State::reserved_numbers(OrgId org, std::string_view tag) const {
  static const std::set<NumberId> kNone;
  auto it = reserved_.find({org, ascii_lower(trim(tag))});
  return it == reserved_.end() ? kNone : it->second;
}

std::map<std::string, std::int64_t> State::free_tags(OrgId org) const {
  std::map<std::string, std::int64_t> out;
  for (auto it = reserved_.lower_bound({org, std::string()});
       it != reserved_.end() && it->first.first == org; ++it) {
    if (it->second.empty()) continue;
    // Report the tag as written on its first number.
    const Number* n = number(*it->second.begin());
    out[n ? n->tag : it->first.second] += static_cast<std::int64_t>(it->second.size());
  }
  return out;
}

std::int64_t State::accounts_in(OrgId org) const {
  auto it = accounts_per_org_.find(org);
  return it == accounts_per_org_.end() ? 0 : it->second;
}

std::int64_t State::admins_in(OrgId org) const {
  auto it = admins_per_org_.find(org);
  return it == admins_per_org_.end() ? 0 : it->second;
}

PermGroupId State::default_group(OrgId org) const {
  for (const Organization* o = orgs_.find(org); o;
       o = o->parent.valid() ? orgs_.find(o->parent) : nullptr) {
    for (const auto& [id, g] : groups_) {
      if (g.org == o->id && g.is_default) return id;
    }
  }
  return PermGroupId();
}

std::optional<Entity> State::find(EntityKind kind, std::int64_t id) const {
  auto wrap = [](const auto* p) -> std::optional<Entity> {
    return p ? std::optional<Entity>(*p) : std::nullopt;
  };
  switch (kind) {
    case EntityKind::kOrganization: return wrap(org(OrgId(id)));
    case EntityKind::kAdministrator: return wrap(admin(AdminId(id)));
    case EntityKind::kRole: return wrap(role(RoleId(id)));
    case EntityKind::kPermissionGroup: return wrap(group(PermGroupId(id)));
    case EntityKind::kAccount: return wrap(account(AccountId(id)));
    case EntityKind::kNumber: return wrap(number(NumberId(id)));
    case EntityKind::kInvitation: return wrap(invitation(InvitationId(id)));
    case EntityKind::kBatch: return wrap(batch(BatchId(id)));
  }
  return std::nullopt;
}

void State::unindex_number(const Number& n) {
  PoolCounts& c = pools_[n.org];
  --count_for(c, n.state);
  if (n.state == NumberState::kAvailable) available_[n.org].erase(n.id);
  if (n.state == NumberState::kReserved) reserved_[{n.org, ascii_lower(n.tag)}].erase(n.id);
}

void State::index_number(const Number& n) {
  PoolCounts& c = pools_[n.org];
  ++count_for(c, n.state);
  if (n.state == NumberState::kAvailable) available_[n.org].insert(n.id);
  if (n.state == NumberState::kReserved) reserved_[{n.org, ascii_lower(n.tag)}].insert(n.id);
}

void State::unindex_account(const Account& a) {
  account_keys_.erase(account_id_key(a.account_id));
  --accounts_per_org_[a.org];
  if (claims_pool(a)) --pools_[a.org].claims;
}

void State::index_account(const Account& a) {
  account_keys_[account_id_key(a.account_id)] = a.id;
  ++accounts_per_org_[a.org];
  if (claims_pool(a)) ++pools_[a.org].claims;
}

namespace {
std::atomic<std::uint64_t> g_revisions{0};
}  // namespace

std::uint64_t State::new_revision() { return ++g_revisions; }

void State::record_change(const std::optional<AccountId>& account) {
  revision_ = new_revision();
  if (!account) {
    last_other_change_ = revision_;
    return;
  }
  account_changes_.emplace_back(revision_, *account);
  if (account_changes_.size() > kChangeRecord) {
    record_floor_ = account_changes_.front().first;
    account_changes_.pop_front();
  }
}

std::optional<State::ChangesSince> State::changes_since(std::uint64_t revision) const {
  if (revision < record_floor_ || revision > revision_) return std::nullopt;
  ChangesSince out;
  out.others = last_other_change_ > revision;
  std::unordered_set<AccountId> seen;
  for (auto it = account_changes_.rbegin(); it != account_changes_.rend() && it->first > revision; ++it) {
    if (seen.insert(it->second).second) out.accounts.push_back(it->second);
  }
  return out;
}

void State::put(const Entity& e) {
  const auto* put_account = std::get_if<Account>(&e);
  record_change(put_account ? std::optional<AccountId>(put_account->id) : std::nullopt);
  std::visit(
      [this](const auto& v) {
        using T = std::decay_t<decltype(v)>;
        if constexpr (std::is_same_v<T, Organization>) {
          orgs_.put(v);
        } else if constexpr (std::is_same_v<T, Administrator>) {
          if (const Administrator* old = admin(v.id)) {
            admin_emails_.erase(old->email);
            --admins_per_org_[old->org];
          }
          admins_[v.id] = v;
          admin_emails_[v.email] = v.id;
          ++admins_per_org_[v.org];
        } else if constexpr (std::is_same_v<T, Role>) {
          roles_[v.id] = v;
        } else if constexpr (std::is_same_v<T, PermissionGroup>) {
          groups_[v.id] = v;
        } else if constexpr (std::is_same_v<T, Account>) {
          if (const Account* old = account(v.id)) unindex_account(*old);
          accounts_[v.id] = v;
          index_account(v);
        } else if constexpr (std::is_same_v<T, Number>) {
          if (const Number* old = number(v.id)) unindex_number(*old);
          numbers_[v.id] = v;
          index_number(v);
        } else if constexpr (std::is_same_v<T, Invitation>) {
          if (!invitations_.count(v.id)) invitations_by_account_[v.account].push_back(v.id);
          invitations_[v.id] = v;
        } else if constexpr (std::is_same_v<T, BatchRecord>) {
          batches_[v.id] = v;
        }
      },
      e);
}

void State::erase(const Tombstone& t) {
  record_change(t.kind == EntityKind::kAccount ? std::optional<AccountId>(AccountId(t.id)) : std::nullopt);
  switch (t.kind) {
    case EntityKind::kOrganization:
      orgs_.erase(OrgId(t.id));
      break;
    case EntityKind::kAdministrator:
      if (const Administrator* old = admin(AdminId(t.id))) {
        admin_emails_.erase(old->email);
        --admins_per_org_[old->org];
        admins_.erase(AdminId(t.id));
      }
      break;
    case EntityKind::kRole:
      roles_.erase(RoleId(t.id));
      break;
    case EntityKind::kPermissionGroup:
      groups_.erase(PermGroupId(t.id));
      break;
    case EntityKind::kAccount:
      if (const Account* old = account(AccountId(t.id))) {
        unindex_account(*old);
        accounts_.erase(AccountId(t.id));
      }
      break;
    case EntityKind::kNumber:
      if (const Number* old = number(NumberId(t.id))) {
        unindex_number(*old);
        numbers_.erase(NumberId(t.id));
      }
      break;
    case EntityKind::kInvitation:
      if (const Invitation* old = invitation(InvitationId(t.id))) {
        auto& list = invitations_by_account_[old->account];
        list.erase(std::remove(list.begin(), list.end(), old->id), list.end());
        if (list.empty()) invitations_by_account_.erase(old->account);
        invitations_.erase(InvitationId(t.id));
      }
      break;
    case EntityKind::kBatch:
      batches_.erase(BatchId(t.id));
      break;
  }
}

void State::apply(const Changes& c) {
  for (const Entity& e : c.puts) put(e);
  for (const Tombstone& t : c.deletes) erase(t);
}

bool State::same_entities(const State& other) const {
  if (orgs_.size() != other.orgs_.size()) return false;
  for (const auto& [id, o] : orgs_.all()) {
    const Organization* p = other.org(id);
    if (!p || !(*p == o)) return false;
  }
  return admins_ == other.admins_ && roles_ == other.roles_ && groups_ == other.groups_ &&
         accounts_ == other.accounts_ && numbers_ == other.numbers_ &&
         invitations_ == other.invitations_ && batches_ == other.batches_;
}

}  // namespace linedesk
