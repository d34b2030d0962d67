// Property test: seeded random command sequences from random administrators never break an
// invariant — a number has at most one account, no deleted organization keeps users, pool
// capacity is never negative, and the incremental counters equal a recount.
#include <catch2/catch.hpp>

#include <set>

#include "fixtures.hpp"

using namespace linedesk;
using namespace linedesk::test;

namespace {

struct Rng {
  std::uint64_t s;
  std::uint64_t next() {
    s += 0x9E3779B97F4A7C15ULL;
    std::uint64_t z = s;
    z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ULL;
    z = (z ^ (z >> 27)) * 0x94D049BB133111EBULL;
    return z ^ (z >> 31);
  }
  std::size_t below(std::size_t n) { return n == 0 ? 0 : static_cast<std::size_t>(next() % n); }
  bool chance(int percent) { return below(100) < static_cast<std::size_t>(percent); }
  template <class T>
  const T& pick(const std::vector<T>& v) {
    return v[below(v.size())];
  }
};

template <class Map>
std::vector<typename Map::key_type> keys(const Map& m) {
  std::vector<typename Map::key_type> out;
  for (const auto& [k, v] : m) out.push_back(k);
  std::sort(out.begin(), out.end());
  return out;
}

std::vector<OrgId> org_ids(const State& s) { return keys(s.orgs().all()); }

CommandArgs random_command(Rng& rng, const Enterprise& e, int step) {
  const State& s = e.state;
  const auto orgs = org_ids(s);
  const auto accounts = keys(s.accounts());
  const auto numbers = keys(s.numbers());
  auto any_org = [&] { return rng.pick(orgs); };
  auto some_accounts = [&] {
    std::vector<AccountId> out;
    if (accounts.empty()) return out;
    const std::size_t n = 1 + rng.below(3);
    for (std::size_t i = 0; i < n; ++i) out.push_back(rng.pick(accounts));
    return out;
  };
  auto a_number = [&]() -> std::string {
    return numbers.empty() ? "+390600000001" : s.number(rng.pick(numbers))->e164;
  };
  switch (rng.below(14)) {
    case 0:
      return CreateOrg{any_org(), "Org " + std::to_string(step), ""};
    case 1:
      return DeleteOrg{any_org()};
    case 2:
    case 3: {
      AddAccount c;
      c.org = any_org();
      c.fields = basic_fields("u" + std::to_string(step) + "-" + std::to_string(rng.below(5)));
      c.invite = rng.chance(50);
      if (rng.chance(40)) c.number = a_number();
      return c;
    }
    case 4:
      return DeleteAccounts{some_accounts()};
    case 5:
      return InviteAccounts{some_accounts()};
    case 6:
      return MoveAccounts{some_accounts(), any_org()};
    case 7: {
      AccountId owner;
      if (!numbers.empty() && rng.chance(30)) owner = s.number(rng.pick(numbers))->account;
      return AssignNumber{accounts.empty() ? AccountId(1) : rng.pick(accounts), a_number(), "",
                          owner};
    }
    case 8:
      return UnassignNumber{accounts.empty() ? AccountId(1) : rng.pick(accounts)};
    case 9: {
      const OrgId to = any_org();
      return AllocateNumbers{to, rng.chance(50) ? OrgId() : any_org(), {},
                             static_cast<std::int64_t>(1 + rng.below(4))};
    }
    case 10:
      return ReserveNumbers{{a_number()}, rng.chance(50) ? "PORTED" : "VIP"};
    case 11:
      return ReleaseNumbers{{a_number()}};
    case 12: {
      ImportNumbers c;
      for (int i = 0; i < 3; ++i) {
        c.entries.push_back({"+3906" + std::to_string(10000000 + rng.below(400)), "", 1});
      }
      return c;
    }
    default:
      return SetThreshold{any_org(), static_cast<std::int64_t>(1 + rng.below(100))};
  }
}

CommandArgs random_system_command(Rng& rng, const Enterprise& e) {
  const auto invitations = keys(e.state.invitations());
  const InvitationId inv = invitations.empty() ? InvitationId(1) : rng.pick(invitations);
  std::string number;
  if (const Invitation* i = e.state.invitation(inv)) {
    const auto& avail = e.state.available_numbers(i->org);
    if (!avail.empty()) number = e.state.number(*avail.begin())->e164;
  }
  switch (rng.below(3)) {
    case 0: return ActivateAccount{inv, number};
    case 1: return RecordInvitationFailed{inv, "mailbox full"};
    default: return RecordInvitationSent{inv};
  }
}

void check_invariants(const Enterprise& e) {
  const State& s = e.state;
  std::set<std::string> account_keys;
  for (const auto& [id, a] : s.accounts()) {
    INFO("account " << a.account_id);
    // No deleted organization keeps users.
    REQUIRE(s.org(a.org));
    REQUIRE(account_keys.insert(account_id_key(a.account_id)).second);
    const PermissionGroup* g = s.group(a.permission_group);
    REQUIRE(g);
    REQUIRE(s.orgs().is_within(a.org, g->org));
    if (!a.number.empty()) {
      const Number* n = s.number(number_id_of(a.number));
      REQUIRE(n);
      REQUIRE(n->account == id);
      REQUIRE(n->org == a.org);
    }
    if (a.status != AccountStatus::kNotInvited) REQUIRE(s.invitation(a.invitation));
    if (a.status == AccountStatus::kActive) REQUIRE_FALSE(a.number.empty());
  }
  for (const auto& [id, n] : s.numbers()) {
    INFO("number " << n.e164);
    REQUIRE(s.org(n.org));
    const Account* owner = n.account.valid() ? s.account(n.account) : nullptr;
    if (n.account.valid()) {
      // A number has at most one account, and that account names it.
      REQUIRE(owner);
      REQUIRE(owner->number == n.e164);
    }
    REQUIRE(n.state == number_state_for(owner, n.tag));
  }
  for (const auto& [id, a] : s.admins()) REQUIRE(s.org(a.org));
  // Invitations belong to existing accounts (the database's foreign key agrees).
  for (const auto& [id, inv] : s.invitations()) REQUIRE(s.account(inv.account));
  // Counters equal a recount from the entities, and capacity is never negative.
  State recount;
  for (const auto& [id, o] : s.orgs().all()) recount.put(o);
  for (const auto& [id, a] : s.accounts()) recount.put(a);
  for (const auto& [id, n] : s.numbers()) recount.put(n);
  for (const auto& [org, o] : s.orgs().all()) {
    INFO("organization " << o.name);
    REQUIRE(s.pool(org) == recount.pool(org));
    REQUIRE(s.pool_capacity(org) >= 0);
    REQUIRE(s.accounts_in(org) == recount.accounts_in(org));
  }
}

}  // namespace

TEST_CASE("random command sequences never break an invariant") {
  int applied = 0;
  int refused = 0;
  for (std::uint64_t seed = 1; seed <= 60; ++seed) {
    CAPTURE(seed);
    Rng rng{seed};
    Enterprise e;
    e.add_numbers(e.root, 20);
    e.add_numbers(e.retail, 6, 390700000001);
    const std::vector<AdminId> actors = {e.root_admin, e.root_admin, e.retail_admin,
                                         e.accounts_admin, e.numbers_admin};
    for (int step = 0; step < 120; ++step) {
      const bool system = rng.chance(15);
      const CommandArgs args = system ? random_system_command(rng, e) : random_command(rng, e, step);
      CAPTURE(step, command_name(args));
      auto r = system ? e.system(args) : e.run(rng.pick(actors), args);
      if (r) {
        ++applied;
      } else {
        ++refused;
        REQUIRE_FALSE(r.error().code.empty());
        REQUIRE_FALSE(r.error().message.empty());
      }
      check_invariants(e);
    }
  }
  // The generator exercises both paths.
  CHECK(applied > 1000);
  CHECK(refused > 500);
}
