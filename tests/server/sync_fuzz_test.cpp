// Seeded convergence fuzz (issue 5, scenario 7): several native clients — two browsers of the
// enterprise administrator, one of a Retail Bank administrator who sees only that subtree (and
// is moved to Europe and back), one of an Accounts-only administrator — queue random commands
// from what they see while the network drops, duplicates and reorders messages, the server
// restarts, dies mid-push and compacts its change log, and privileges are revoked and granted.
// At each quiescent checkpoint every replica equals what its administrator may see on the
// server (and so does a fresh snapshot), queues are empty, and every command has exactly one
// result that its client knows. LINEDESK_FUZZ_SEEDS=N runs N seeds instead of 20;
// LINEDESK_FUZZ_STATS=1 prints what each seed did.
#include <catch2/catch.hpp>

#include <algorithm>
#include <cstdio>
#include <cstdlib>
#include <limits>

#include "sync_support.hpp"

using namespace linedesk;
using namespace linedesk::test;

namespace {

constexpr int kDefaultSeeds = 20;
constexpr int kSteps = 300;
constexpr int kCheckEvery = 100;  // steps between quiescent checkpoints

template <class Map>
std::vector<typename Map::key_type> sorted_keys(const Map& m) {
  std::vector<typename Map::key_type> out;
  for (const auto& [k, v] : m) out.push_back(k);
  std::sort(out.begin(), out.end());
  return out;
}

int seed_count() {
  const char* n = std::getenv("LINEDESK_FUZZ_SEEDS");
  return n && std::atoi(n) > 0 ? std::atoi(n) : kDefaultSeeds;
}

// Which commands the fuzz draws. The strict mix leaves out invitations and batch imports (they
// once ran into core bugs, now regressions in sync_regression_test.cpp); the full mix has all.
enum class Mix { kStrict, kFull };

struct FuzzIds {
  RoleId branch_role;  // the Retail Bank administrator's role; root toggles its Accounts
  OrgId retail, europe;
  AdminId retail_admin;
  RoleId accounts_role;
};

// A command an administrator might queue, picked from what its replica shows. May be one the
// view refuses (the caller tries again).
CommandArgs random_command(Rng& rng, const NativeClient& c, const FuzzIds& ids, int step, Mix mix) {
  const State& v = c.replica.view();
  const auto orgs = sorted_keys(v.orgs().all());
  const auto accounts = sorted_keys(v.accounts());
  const auto numbers = sorted_keys(v.numbers());
  const std::string tag = c.id() + "-" + std::to_string(step);
  auto any_org = [&] { return orgs.empty() ? OrgId() : rng.pick(orgs); };
  auto any_account = [&] { return accounts.empty() ? AccountId() : rng.pick(accounts); };
  auto some_accounts = [&] {
    std::vector<AccountId> out;
    for (std::size_t i = 0, n = 1 + rng.below(2); i < n && !accounts.empty(); ++i) {
      out.push_back(rng.pick(accounts));
    }
    return out;
  };
  // A free number of `org`'s pool, or any number the view holds.
  auto a_number = [&](OrgId org) -> std::string {
    std::vector<NumberId> free;
    for (NumberId id : v.available_numbers(org)) free.push_back(id);
    if (!free.empty() && rng.chance(80)) return v.number(rng.pick(free))->e164;
    return numbers.empty() ? std::string() : v.number(rng.pick(numbers))->e164;
  };
  // A User Permissions group usable in `org` as the view knows it, or none (the default group,
  // which a subtree administrator's view finds above its subtree).
  auto a_group = [&](OrgId org) {
    if (rng.chance(30)) return PermGroupId();
    for (const auto& [id, g] : v.groups()) {
      if (v.orgs().is_within(org, g.org)) return id;
    }
    return PermGroupId();
  };
  // Account IDs from a small shared set collide across clients.
  auto account_key = [&] {
    return rng.chance(25) ? "shared-" + std::to_string(rng.below(4)) : tag;
  };

  switch (rng.below(17)) {
    case 0:
    case 1: {
      AddAccount a;
      a.org = any_org();
      a.fields = basic_fields(account_key());
      a.fields.permission_group = a_group(a.org);
      if (rng.chance(40)) a.number = a_number(a.org);
      a.invite = mix == Mix::kFull && rng.chance(30);
      return a;
    }
    case 2: {
      EditAccount e;
      e.account = any_account();
      if (const Account* a = v.account(e.account); a && rng.chance(60))
        e.expected_version = a->version;
      e.fields.notes = "note " + tag;
      return e;
    }
    case 3:
      return DeleteAccounts{some_accounts()};
    case 4:
      return MoveAccounts{some_accounts(), any_org()};
    case 5: {
      const AccountId a = any_account();
      const Account* acc = v.account(a);
      return AssignNumber{a, acc ? a_number(acc->org) : std::string(), "", AccountId()};
    }
    case 6:
      return UnassignNumber{any_account()};
    case 7:
      if (mix == Mix::kStrict) return MoveAccounts{some_accounts(), any_org()};
      return InviteAccounts{some_accounts()};
    case 8:
      return CreateOrg{any_org(), "Team " + std::to_string(rng.below(6)), ""};
    case 9:
      return DeleteOrg{any_org()};
    case 10: {
      AllocateNumbers a;
      a.to = any_org();
      const Organization* o = v.org(a.to);
      if (o && rng.chance(50)) {
        a.from = o->parent;  // down
      } else if (o) {
        a.from = a.to;  // back up to the parent
        a.to = o->parent;
      }
      a.count = 1;
      return a;
    }
    case 11: {
      if (numbers.empty()) return ReleaseNumbers{};
      const std::string n = v.number(rng.pick(numbers))->e164;
      if (rng.chance(50)) return ReserveNumbers{{n}, "VIP"};
      return ReleaseNumbers{{n}};
    }
    case 12: {
      if (mix == Mix::kStrict)
        return SetThreshold{any_org(), static_cast<std::int64_t>(1 + rng.below(100))};
      ImportBatch b;
      b.org = any_org();
      b.permission_group = a_group(b.org);
      b.file_name = tag + ".csv";
      b.csv =
          "firstname,lastname,email address or device,social_messaging,multiline_number,"
          "monitor_calls,monitor_sms,forwarding_number,Language\r\n";
      for (int i = 0; i < 2; ++i) {
        b.csv += "Bo,Row," +
                 (rng.chance(30) ? "shared-" + std::to_string(rng.below(4))
                                 : tag + "-" + std::to_string(i)) +
                 "@example.com,No,,off,off,,English\r\n";
      }
      return b;
    }
    case 13: {
      // Privileges granted and revoked while others have commands queued.
      const bool branch = rng.chance(50);
      const Role* r = v.role(branch ? ids.branch_role : ids.accounts_role);
      if (!r) return SaveRole{};
      PrivilegeSet p = r->privileges;
      p.bits ^= static_cast<std::uint32_t>(Privilege::kAccounts);
      return SaveRole{r->id, r->org, r->name, p};
    }
    case 14: {
      // The Retail Bank administrator moves between Retail Bank and Europe: its scope changes.
      const Administrator* a = v.admin(ids.retail_admin);
      if (!a) return EditAdmin{};
      return EditAdmin{ids.retail_admin, RoleId(), a->org == ids.retail ? ids.europe : ids.retail};
    }
    case 15:
      return SetThreshold{any_org(), static_cast<std::int64_t>(1 + rng.below(100))};
    default:
      return EditOrg{any_org(), "Team " + std::to_string(rng.below(6)), std::nullopt};
  }
}

void submit_something(Rng& rng, NativeClient& c, const FuzzIds& ids, int step, Mix mix) {
  for (int attempt = 0; attempt < 6; ++attempt) {
    if (c.submit(random_command(rng, c, ids, step, mix))) return;
  }
}

// Every client pushes and pulls over a reliable network until nothing moves (bounded).
void quiesce(SyncServer& server, const std::vector<NativeClient*>& clients) {
  for (int round = 0; round < 40; ++round) {
    for (NativeClient* c : clients) {
      for (int i = 0; i < 100 && c->replica.unsent_count() > 0; ++i) c->push(server);
    }
    bool busy = false;
    for (NativeClient* c : clients) {
      c->pull(server);
      busy = busy || !c->replica.pending().empty() || c->replica.needs_snapshot();
    }
    if (!busy) return;
  }
}

// The server answered each of `c`'s commands exactly once, and the client knows each answer:
// applied ones are gone from the queue, refused ones are listed under Sync issues (unless the
// administrator discarded or resubmitted them).
void check_results(SyncServer& server, const NativeClient& c) {
  INFO("client " << c.id());
  const auto results =
      server.store().sync_results(c.id(), 1, std::numeric_limits<std::int64_t>::max());
  CHECK(results.size() == c.submitted.size());
  const std::int64_t highest = c.submitted.empty() ? 0 : c.submitted.rbegin()->first;
  const auto counter = server.store().sync_client(c.id());
  CHECK((counter ? counter->last_seq : 0) == highest);
  std::map<std::int64_t, const CommandResult*> by_seq;
  for (const CommandResult& r : results) {
    CHECK(by_seq.emplace(r.seq, &r).second);
  }
  std::size_t refused_listed = 0;
  for (const auto& [seq, uuid] : c.submitted) {
    INFO("seq " << seq);
    auto it = by_seq.find(seq);
    REQUIRE(it != by_seq.end());
    const CommandResult& r = *it->second;
    CHECK(r.uuid == uuid);
    const auto issue = std::find_if(c.replica.issues().begin(), c.replica.issues().end(),
                                    [&](const SyncIssue& i) { return i.seq == seq; });
    const bool listed = issue != c.replica.issues().end();
    if (r.ok) {
      CHECK_FALSE(listed);
    } else if (c.discarded.count(seq) || c.resubmitted.count(seq)) {
      CHECK_FALSE(listed);
    } else {
      REQUIRE(listed);
      CHECK(issue->error == r.error);
      CHECK(issue->command.uuid == uuid);
      ++refused_listed;
    }
  }
  CHECK(c.replica.issues().size() == refused_listed);
}

// At quiescence: the server is sound, every replica equals what its administrator may see of
// it (and so does a fresh snapshot), and every command has exactly one result.
void check_quiescent(SyncServer& server, const std::vector<NativeClient*>& clients) {
  const State stored = server.stored_state();
  CHECK(server.integrity_check() == "ok");
  CHECK(broken_invariants(stored) == "");
  CHECK(server.service().read([&](const State& mem) { return mem.same_entities(stored); }));
  CHECK(server.scalar("SELECT COUNT(*) FROM (SELECT client_id, seq FROM sync_results GROUP BY "
                      "client_id, seq HAVING COUNT(*) > 1) AS twice") == 0);
  for (NativeClient* c : clients) {
    INFO("client " << c->id());
    const State expected = visible_to(stored, c->admin());
    INFO("differences (replica first):\n" << state_difference(c->replica.view(), expected));
    CHECK(c->replica.pending().empty());
    CHECK_FALSE(c->replica.needs_snapshot());
    CHECK(c->replica.view().same_entities(expected));
    check_results(server, *c);
    // A browser starting now (a snapshot) sees the same.
    NativeClient fresh("fresh-" + c->id(), c->admin());
    fresh.pull(server);
    INFO("snapshot differences:\n" << state_difference(fresh.replica.view(), expected));
    CHECK(fresh.replica.view().same_entities(expected));
  }
}

void run_fuzz(int seed, Mix mix) {
  INFO("seed " << seed);
  SyncWorld w;
  w.config.pull_limit = 40;      // far-behind pulls get snapshots
  w.config.change_log_keep = 0;  // compaction only when the fuzz says so
  Enterprise& e = w.e;
  FuzzIds ids{RoleId(15), e.retail, e.europe, e.retail_admin, e.accounts_role};
  e.state.put(Role{ids.branch_role, e.root, "Branch manager", PrivilegeSet::all()});
  Administrator retail = *e.state.admin(e.retail_admin);
  retail.role = ids.branch_role;
  e.state.put(retail);
  e.add_numbers(e.root, 10, 390600000001);
  e.add_numbers(e.retail, 4, 390600000101);
  e.add_numbers(e.europe, 3, 390600000201);
  e.add_numbers(e.operations, 3, 390600000301);
  e.add_numbers(e.finance, 2, 390600000401);
  e.add_account(e.root, "seed-root");
  e.add_account(e.retail, "seed-retail");
  e.add_account(e.europe, "seed-europe", false, e164(390600000201));
  e.add_account(e.operations, "seed-ops");
  SyncServer& server = w.open();

  NativeClient root1("root-1", e.root_admin), root2("root-2", e.root_admin),
      branch("retail", e.retail_admin), clerk("accounts", e.accounts_admin);
  const std::vector<NativeClient*> clients = {&root1, &root2, &branch, &clerk};
  for (NativeClient* c : clients) c->pull(server);

  Network net(server, clients, static_cast<std::uint64_t>(seed) * 7919,
              Faults{/*drop_request=*/10, /*drop_response=*/15, /*duplicate=*/10, /*reorder=*/30});
  Rng rng{static_cast<std::uint64_t>(seed)};
  int restarts = 0, crashes = 0, compactions = 0;
  auto restart_if_dead = [&] {
    if (!server.plan().crashed) return;
    ++crashes;
    net.cut();
    server.restart();
  };
  for (int step = 0; step < kSteps; ++step) {
    server.clock().advance_ms(1000);
    NativeClient& c = *clients[rng.below(clients.size())];
    const std::size_t roll = rng.below(100);
    if (roll < 35) {
      submit_something(rng, c, ids, step, mix);
    } else if (roll < 50) {
      net.send_push(rng.below(clients.size()));
    } else if (roll < 62) {
      net.send_pull(rng.below(clients.size()));
    } else if (roll < 91) {
      for (std::size_t i = 0, n = 1 + rng.below(3); i < n; ++i) {
        net.deliver_one();
        restart_if_dead();
      }
    } else if (roll < 93) {
      ++restarts;
      net.cut();
      server.restart();
    } else if (roll < 95) {
      // Dies at one of the next commits, inside a push.
      server.plan().arm("COMMIT", 1 + static_cast<int>(rng.below(3)), CrashPlan::Action::kDie);
    } else if (roll < 97) {
      ++compactions;
      try {
        server.service().compact_change_log(3 + static_cast<std::int64_t>(rng.below(10)));
      } catch (const server::DbError&) {
        restart_if_dead();  // the armed crash struck the compaction
      }
    } else if (!c.replica.issues().empty()) {
      const std::int64_t seq = c.replica.issues().front().seq;
      if (rng.chance(50)) {
        (void)c.resubmit(seq);  // may be refused locally again: then it stays listed
      } else {
        c.discard(seq);
      }
    }
    if (step % kCheckEvery == kCheckEvery - 1 && step != kSteps - 1) {
      INFO("checkpoint at step " << step);
      server.plan().disarm();
      net.cut();
      quiesce(server, clients);
      check_quiescent(server, clients);
    }
  }
  server.plan().disarm();
  net.cut();
  quiesce(server, clients);
  if (std::getenv("LINEDESK_FUZZ_STATS")) {
    std::size_t submitted = 0, issues = 0;
    for (NativeClient* c : clients) {
      submitted += c->submitted.size();
      issues += c->replica.issues().size();
    }
    std::printf(
        "seed %d: %zu commands, %zu issues, restarts %d, crashes %d, compactions %d, "
        "delivered %d, dropped %d, duplicated %d, reordered %d, version %lld\n",
        seed, submitted, issues, restarts, crashes, compactions, net.counts().delivered,
        net.counts().dropped, net.counts().duplicated, net.counts().reordered,
        static_cast<long long>(server.service().version()));
  }
  INFO("restarts " << restarts << ", crashes " << crashes << ", compactions " << compactions
                   << ", delivered " << net.counts().delivered << ", dropped "
                   << net.counts().dropped << ", duplicated " << net.counts().duplicated
                   << ", reordered " << net.counts().reordered);
  check_quiescent(server, clients);
}

}  // namespace

TEST_CASE(
    "seeded convergence fuzz: lossy network, restarts, crashes, compaction and revoked privileges "
    "end with every replica equal to the server") {
  run_fuzz(GENERATE(range(1, seed_count() + 1)), Mix::kStrict);
}

// The same with every command: fails while the core bugs named above are open.
TEST_CASE("seeded convergence fuzz with invitations and batch imports too") {
  run_fuzz(GENERATE(range(1, seed_count() + 1)), Mix::kFull);
}
