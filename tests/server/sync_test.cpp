// The sync protocol under failure (issue 5, scenarios 1-6 and 9): duplicate and gapped pushes, a
// server killed between commands and in the middle of a 1000-row import, conflicting offline
// clients in every order, and a client that comes back after compaction with a revoked
// privilege. Clients are native Replicas talking JSON text to the Service.
#include <catch2/catch.hpp>

#include <algorithm>

#include "sync_support.hpp"

using namespace linedesk;
using namespace linedesk::test;

namespace {

const char* model_name(CrashPlan::Action a) {
  switch (a) {
    case CrashPlan::Action::kKillProcess:
      return "SIGKILL of a forked server process";
    case CrashPlan::Action::kDie:
      return "storage dies, then a restart on the same file";
    case CrashPlan::Action::kFailOnce:
      return "one transient storage failure, no restart";
    case CrashPlan::Action::kRun:
      break;
  }
  return "";
}

// Sends `request` to a server that crashes as `plan` says, and leaves `w.server` running on the
// same file afterwards. The crash models:
// - kKillProcess: the server runs in a forked child on its own connection and SIGKILLs itself at
//   the planned SQL call, so whatever was not committed is simply never committed (SQLite
//   recovers the WAL when the parent reopens the file). Restart = the parent opens it again.
// - kDie: in this process the planned call throws DbError and the connection refuses everything
//   after it (the push gets no answer); the Service and Store are then destroyed and rebuilt.
// - kFailOnce: the planned call throws once; the same Service carries on (it must reload).
// Returns the answer text (empty when the server died or failed on it).
std::string push_into_crash(SyncWorld& w, AdminId admin, const std::string& request,
                            const std::string& prefix, int nth, bool after,
                            CrashPlan::Action model) {
  if (model == CrashPlan::Action::kKillProcess) {
    w.server->stop();
    const ChildEnd end = run_in_child([&] {
      SyncServer child(w.db, w.config);
      child.plan().arm(prefix, nth, model, after);
      child.push(admin, request);
    });
    INFO("the child exited with " << end.exit_code);
    CHECK(end.killed);
    w.server->start();
    return {};
  }
  w.server->plan().arm(prefix, nth, model, after);
  std::string answer = w.server->push(admin, request);
  CHECK(w.server->plan().crashed);
  if (model == CrashPlan::Action::kDie) w.server->restart();
  return answer;
}

}  // namespace

// --- 1. Duplicate push ------------------------------------------------------------------------

TEST_CASE("a push repeated after its answer was lost takes effect once and gets the same answer") {
  const bool restart_between = GENERATE(false, true);
  INFO((restart_between ? "the repeat reaches a restarted server"
                        : "the repeat reaches the same server"));
  SyncWorld w;
  w.e.add_numbers(w.e.root, 3, 390600000001);
  SyncServer& s = w.open();
  NativeClient a("dup-a", w.e.root_admin);
  a.pull(s);
  // Another administrator takes an Account ID this client is about to use.
  w.run(w.e.root_admin, add(w.e.root, "taken"), "other-1");

  must_submit(a, add(w.e.root, "dup-1", e164(390600000001), true));  // Save & Invite: mail
  must_submit(a, CreateOrg{w.e.root, "Legal", ""});
  must_submit(a, add(w.e.root, "taken"));  // the server refuses it
  const std::string request = a.push_text();
  const std::string first = s.push(a.admin(), request);  // processed; the answer is lost
  REQUIRE_FALSE(first.empty());

  const std::int64_t changes = rows(s, "change_log"), audit = rows(s, "activity"),
                     mail = rows(s, "outbox"), results = rows(s, "sync_results");
  const std::int64_t version = s.service().version();
  if (restart_between) s.restart();
  const std::string second = s.push(a.admin(), request);
  const std::string third = s.push(a.admin(), request);  // and the network repeats it again

  CHECK(second == first);
  CHECK(third == first);
  const PushResponse answer = push_response_from_json(parse_json(second).value()).value();
  CHECK_FALSE(answer.error);
  CHECK(answer.last_seq == 3);
  REQUIRE(answer.results.size() == 3);
  CHECK(answer.results[0].ok);
  CHECK(answer.results[1].ok);
  CHECK_FALSE(answer.results[2].ok);
  CHECK(answer.results[2].error.code == "account_id_taken");
  CHECK(answer.results[0].uuid == a.submitted[1]);
  // Nothing ran twice: no change, audit entry, mail or result was added by the repeats.
  CHECK(rows(s, "change_log") == changes);
  CHECK(rows(s, "activity") == audit);
  CHECK(rows(s, "outbox") == mail);
  CHECK(rows(s, "sync_results") == results);
  CHECK(s.service().version() == version);
  CHECK(s.scalar("SELECT COUNT(*) FROM outbox WHERE to_address = 'dup-1@example.com'") == 1);

  REQUIRE(a.take_push_answer(second));
  a.sync(s);
  const State stored = s.stored_state();
  CHECK(accounts_starting(stored, "dup-1") == 1);
  CHECK(std::count_if(stored.orgs().all().begin(), stored.orgs().all().end(),
                      [](const auto& o) { return o.second.name == "Legal"; }) == 1);
  REQUIRE(a.replica.issues().size() == 1);
  CHECK(a.replica.issues()[0].seq == 3);
  CHECK(a.replica.issues()[0].error.code == "account_id_taken");
  check_converged(s, a);
}

// --- 2. Sequence gap --------------------------------------------------------------------------

TEST_CASE(
    "a push that breaks the sequence applies nothing, answers out of order, and a resend "
    "succeeds") {
  struct Case {
    const char* name;
    std::size_t applied_before;      // commands pushed and applied first
    std::vector<std::int64_t> seqs;  // the sequence numbers the bad push carries
  };
  const Case c = GENERATE(values<Case>({
      {"starts past the next expected", 0, {2, 3}},
      {"has a hole", 0, {1, 3}},
      {"repeats a number", 0, {1, 1, 2}},
      {"descends", 0, {2, 1}},
      {"starts at zero", 0, {0, 1}},
      {"skips one after applied commands", 2, {4, 5}},
  }));
  INFO(c.name);
  SyncWorld w;
  SyncServer& s = w.open();
  NativeClient a("gap-a", w.e.root_admin);
  a.pull(s);
  for (int i = 1; i <= 5; ++i) must_submit(a, CreateOrg{w.e.root, "Gap " + std::to_string(i), ""});
  if (c.applied_before > 0) a.push(s, c.applied_before);

  PushRequest bad;
  bad.protocol = kProtocolVersion;
  bad.client_id = a.id();
  for (std::int64_t seq : c.seqs) {
    const auto& pending = a.replica.pending();
    const std::int64_t from = std::max<std::int64_t>(seq, 1);
    auto it = std::find_if(pending.begin(), pending.end(),
                           [&](const PendingCommand& p) { return p.seq == from; });
    REQUIRE(it != pending.end());
    bad.commands.push_back(SequencedCommand{seq, it->command});
  }
  const std::int64_t version = s.service().version(), changes = rows(s, "change_log"),
                     results = rows(s, "sync_results");
  const PushResponse answer =
      push_response_from_json(parse_json(s.push(a.admin(), to_json(bad).dump())).value()).value();
  REQUIRE(answer.error);
  CHECK(answer.error->code == "out_of_order");
  CHECK_THAT(answer.error->message, Catch::Contains("nothing was applied"));
  CHECK(answer.results.empty());
  CHECK(answer.last_seq == static_cast<std::int64_t>(c.applied_before));
  CHECK(s.service().version() == version);
  CHECK(rows(s, "change_log") == changes);
  CHECK(rows(s, "sync_results") == results);
  CHECK(last_seq(s, a.id()) == static_cast<std::int64_t>(c.applied_before));

  // The refused push taught the replica nothing; its own push resends from the first unapplied.
  a.take_push_answer(to_json(answer).dump());
  a.sync(s);
  CHECK(last_seq(s, a.id()) == 5);
  CHECK(rows(s, "sync_results") == 5);
  const State stored = s.stored_state();
  for (int i = 1; i <= 5; ++i) {
    const std::string name = "Gap " + std::to_string(i);
    CHECK(std::count_if(stored.orgs().all().begin(), stored.orgs().all().end(),
                        [&](const auto& o) { return o.second.name == name; }) == 1);
  }
  CHECK(a.replica.issues().empty());
  check_converged(s, a);
}

// A browser whose queue was restored from an older copy (or lost, keeping its client id) numbers
// new commands from an old counter. The server must not answer them with the results of the
// commands it already holds under those numbers: it refuses the push, the replica renumbers after
// the server's counter, and the new commands then apply once.
TEST_CASE("a push reusing numbers already given to other commands is refused and renumbered") {
  SyncWorld w;
  SyncServer& s = w.open();
  NativeClient first("reuse-a", w.e.root_admin);
  first.pull(s);
  for (int i = 1; i <= 3; ++i) must_submit(first, CreateOrg{w.e.root, "Old " + std::to_string(i), ""});
  first.sync(s);
  REQUIRE(last_seq(s, "reuse-a") == 3);

  NativeClient again("reuse-a", w.e.root_admin);  // same browser, queue from before those three
  again.pull(s);
  REQUIRE(again.replica.next_seq() == 1);
  REQUIRE(again.replica.submit("fresh-uuid-1", CreateOrg{w.e.root, "New 1", ""}, kSyncStartMs + 50));
  REQUIRE(again.replica.submit("fresh-uuid-2", CreateOrg{w.e.root, "New 2", ""}, kSyncStartMs + 51));
  const std::int64_t version = s.service().version(), results = rows(s, "sync_results");
  const PushResponse refused = again.push(s);
  REQUIRE(refused.error);
  CHECK(refused.error->code == "sequence_reused");
  CHECK_THAT(refused.error->message, Catch::Contains("Nothing was applied"));
  CHECK(refused.last_seq == 3);
  CHECK(s.service().version() == version);
  CHECK(rows(s, "sync_results") == results);
  // The replica renumbered its two commands after the server's counter.
  REQUIRE(again.replica.pending().size() == 2);
  CHECK(again.replica.pending()[0].seq == 4);
  CHECK(again.replica.pending()[1].seq == 5);
  CHECK(again.replica.next_seq() == 6);

  const PushResponse applied = again.push(s);
  CHECK_FALSE(applied.error);
  REQUIRE(applied.results.size() == 2);
  CHECK(applied.results[0].ok);
  CHECK(applied.results[1].ok);
  again.pull(s);
  CHECK(again.replica.pending().empty());
  const State stored = s.stored_state();
  for (const char* name : {"Old 1", "Old 2", "Old 3", "New 1", "New 2"}) {
    CHECK(std::count_if(stored.orgs().all().begin(), stored.orgs().all().end(),
                        [&](const auto& o) { return o.second.name == name; }) == 1);
  }
}

// --- 3. Server killed between commands --------------------------------------------------------

TEST_CASE("a server killed between commands k and k+1 of a push holds exactly k after restart") {
  const auto model = GENERATE(CrashPlan::Action::kKillProcess, CrashPlan::Action::kDie,
                              CrashPlan::Action::kFailOnce);
  // Each command is one transaction: dying at the (k+1)-th BEGIN is dying between k and k+1;
  // dying at the (k+1)-th COMMIT is dying while k+1 commits.
  const std::string point = GENERATE(as<std::string>{}, "BEGIN", "COMMIT");
  const int k = GENERATE(range(0, 5));
  INFO(model_name(model) << "; at " << point << " of command " << k + 1 << " of 5");

  SyncWorld w;
  w.e.add_numbers(w.e.root, 3, 390600000001);
  SyncServer& s0 = w.open();
  NativeClient a("kill-a", w.e.root_admin);
  a.pull(s0);
  w.run(w.e.root_admin, add(w.e.root, "clash"), "other-1");
  // What each command leaves behind when applied; the third is refused (its Account ID was
  // taken meanwhile), which is a result too and advances the counter.
  must_submit(a, add(w.e.root, "kill-1"));
  must_submit(a, CreateOrg{w.e.root, "Kill Org", ""});
  must_submit(a, add(w.e.root, "clash"));
  must_submit(a, add(w.e.root, "kill-4", e164(390600000002)));
  must_submit(a, add(w.e.root, "kill-5"));
  const std::vector<bool> ok = {true, true, false, true, true};
  auto present = [](const State& st, int command) {
    switch (command) {
      case 1:
        return account_named(st, "kill-1") != nullptr;
      case 2:
        return std::any_of(st.orgs().all().begin(), st.orgs().all().end(),
                           [](const auto& o) { return o.second.name == "Kill Org"; });
      case 3:
        return false;
      case 4:
        return account_named(st, "kill-4") != nullptr;
      default:
        return account_named(st, "kill-5") != nullptr;
    }
  };
  const std::string request = a.push_text();

  const std::string answer = push_into_crash(w, a.admin(), request, point, k + 1, false, model);
  CHECK(answer.empty());
  SyncServer& s = *w.server;
  CHECK(s.integrity_check() == "ok");
  CHECK(last_seq(s, a.id()) == k);
  CHECK(rows(s, "sync_results") == k);
  const State stored = s.stored_state();
  for (int i = 1; i <= 5; ++i) {
    INFO("command " << i);
    CHECK(present(stored, i) == (i <= k && ok[i - 1]));
  }
  CHECK(broken_invariants(stored).empty());
  // The server's memory is what its database holds (after a transient failure too).
  CHECK(s.service().read([&](const State& mem) { return mem.same_entities(stored); }));

  // The client never heard back: it resends everything and each command is applied once.
  const PushResponse resent = a.push(s);
  CHECK_FALSE(resent.error);
  REQUIRE(resent.results.size() == 5);
  for (int i = 0; i < 5; ++i) CHECK(resent.results[i].ok == ok[i]);
  a.sync(s);
  const State after = s.stored_state();
  for (int i = 1; i <= 5; ++i) CHECK(present(after, i) == ok[i - 1]);
  CHECK(accounts_starting(after, "kill-") == 3);
  CHECK(rows(s, "sync_results") == 5);
  CHECK(s.integrity_check() == "ok");
  check_converged(s, a);
}

// --- 4. Same number, two offline clients -------------------------------------------------------

namespace {

enum class Step { kPushA, kPushB, kPullA, kPullB };

std::vector<Step> order_number(int n) {
  std::vector<Step> steps = {Step::kPushA, Step::kPushB, Step::kPullA, Step::kPullB};
  for (int i = 0; i < n; ++i) std::next_permutation(steps.begin(), steps.end());
  return steps;
}

std::string describe(const std::vector<Step>& steps) {
  std::string out;
  for (Step st : steps) {
    out += st == Step::kPushA   ? "A push, "
           : st == Step::kPushB ? "B push, "
           : st == Step::kPullA ? "A pull, "
                                : "B pull, ";
  }
  return out;
}

// Runs `steps` and checks the invariants on the server and both views after each one.
void run_order(SyncServer& s, NativeClient& a, NativeClient& b, const std::vector<Step>& steps,
               const std::function<void(Step)>& before_step = {}) {
  for (Step st : steps) {
    if (before_step) before_step(st);
    switch (st) {
      case Step::kPushA:
        a.push(s);
        break;
      case Step::kPushB:
        b.push(s);
        break;
      case Step::kPullA:
        a.pull(s);
        break;
      case Step::kPullB:
        b.pull(s);
        break;
    }
    CHECK(broken_invariants(s.stored_state()) == "");
    CHECK(broken_invariants(a.replica.view()) == "");
    CHECK(broken_invariants(b.replica.view()) == "");
  }
  a.sync(s);
  b.sync(s);
  a.sync(s);
}

}  // namespace

TEST_CASE("two offline clients assign one number to different accounts: in every order one wins") {
  const int order = GENERATE(range(0, 24));
  const std::vector<Step> steps = order_number(order);
  INFO(describe(steps));
  SyncWorld w;
  const std::string number = w.e.add_numbers(w.e.europe, 2, 390600000101);
  const AccountId alice = w.e.add_account(w.e.europe, "alice");
  const AccountId bob = w.e.add_account(w.e.europe, "bob");
  SyncServer& s = w.open();
  NativeClient a("num-a", w.e.root_admin);    // sees the whole enterprise
  NativeClient b("num-b", w.e.retail_admin);  // sees Retail Bank's subtree
  a.pull(s);
  b.pull(s);
  must_submit(a, AssignNumber{alice, number, "", AccountId()});
  must_submit(b, AssignNumber{bob, number, "", AccountId()});

  const bool a_first = std::find(steps.begin(), steps.end(), Step::kPushA) <
                       std::find(steps.begin(), steps.end(), Step::kPushB);
  NativeClient& winner = a_first ? a : b;
  NativeClient& loser = a_first ? b : a;
  const std::string winner_id = a_first ? "alice" : "bob";
  bool loser_knew = false;  // the loser pulled the winner's assignment before pushing
  bool winner_pushed = false;
  run_order(s, a, b, steps, [&](Step st) {
    const bool loser_push = st == (a_first ? Step::kPushB : Step::kPushA);
    const bool loser_pull = st == (a_first ? Step::kPullB : Step::kPullA);
    if (st == (a_first ? Step::kPushA : Step::kPushB)) winner_pushed = true;
    if (loser_pull && winner_pushed) loser_knew = true;
    if (loser_push && loser_knew) {
      // A command that now fails locally is flagged before it is sent (DESIGN 5).
      REQUIRE(loser.replica.pending().size() == 1);
      REQUIRE(loser.replica.pending()[0].local_error);
      CHECK(loser.replica.pending()[0].local_error->code == "number_taken");
    }
  });

  const auto won = s.store().sync_results(winner.id(), 1, 1);
  const auto lost = s.store().sync_results(loser.id(), 1, 1);
  REQUIRE(won.size() == 1);
  REQUIRE(lost.size() == 1);
  CHECK(won[0].ok);
  CHECK_FALSE(lost[0].ok);
  CHECK(lost[0].error.code == "number_taken");
  // The refusal names the owner, as the administrator knows it.
  CHECK_THAT(lost[0].error.message, Catch::Contains(number) && Catch::Contains(winner_id) &&
                                        Catch::Contains("Zoë Müller") && Catch::Contains("Europe"));
  const State stored = s.stored_state();
  CHECK(stored.account(a_first ? alice : bob)->number == number);
  CHECK(stored.account(a_first ? bob : alice)->number.empty());
  CHECK(stored.number(number_id_of(number))->account == (a_first ? alice : bob));
  REQUIRE(loser.replica.issues().size() == 1);
  CHECK(loser.replica.issues()[0].error == lost[0].error);
  CHECK(winner.replica.issues().empty());
  check_converged(s, a);
  check_converged(s, b);
}

// --- 5. Delete organization vs add account to it ------------------------------------------------

TEST_CASE(
    "deleting an organization while another client adds an account to it: in every order never a "
    "deleted organization with users") {
  const int order = GENERATE(range(0, 24));
  const std::vector<Step> steps = order_number(order);
  INFO(describe(steps));
  SyncWorld w;
  SyncServer& s = w.open();
  NativeClient a("org-a", w.e.root_admin);      // deletes Finance
  NativeClient b("org-b", w.e.accounts_admin);  // adds an account to Finance
  a.pull(s);
  b.pull(s);
  must_submit(a, DeleteOrg{w.e.finance});
  must_submit(b, add(w.e.finance, "late"));
  run_order(s, a, b, steps);

  const bool a_first = std::find(steps.begin(), steps.end(), Step::kPushA) <
                       std::find(steps.begin(), steps.end(), Step::kPushB);
  const auto deleted = s.store().sync_results(a.id(), 1, 1);
  const auto added = s.store().sync_results(b.id(), 1, 1);
  REQUIRE(deleted.size() == 1);
  REQUIRE(added.size() == 1);
  CHECK(deleted[0].ok == a_first);
  CHECK(added[0].ok == !a_first);
  const State stored = s.stored_state();
  if (a_first) {
    CHECK(stored.org(w.e.finance) == nullptr);
    CHECK(account_named(stored, "late") == nullptr);
    CHECK(added[0].error.code == "not_found");
    REQUIRE(b.replica.issues().size() == 1);
  } else {
    CHECK(stored.org(w.e.finance) != nullptr);
    REQUIRE(account_named(stored, "late"));
    CHECK(account_named(stored, "late")->org == w.e.finance);
    CHECK(deleted[0].error.code == "org_not_empty");
    REQUIRE(a.replica.issues().size() == 1);
  }
  CHECK(broken_invariants(stored) == "");
  check_converged(s, a);
  check_converged(s, b);
}

// --- 6. The 1000-row limit, and a server killed in the middle of an import --------------------

TEST_CASE(
    "a 1001-row import is refused by the client and, when a script bypasses it, by the server") {
  SyncWorld w;
  SyncServer& s = w.open();
  NativeClient a("big-a", w.e.root_admin);
  a.pull(s);
  const ImportBatch too_big{w.e.root,  PermGroupId(),          BatchMode::kImport,
                            "big.csv", batch_csv("big", 1001), false};

  auto local = a.submit(too_big);
  REQUIRE_FALSE(local);
  CHECK(local.error().code == "batch_too_large");
  CHECK(a.replica.pending().empty());
  CHECK(a.replica.next_seq() == 1);

  // A script sends it anyway.
  PushRequest bypass;
  bypass.protocol = kProtocolVersion;
  bypass.client_id = "script";
  bypass.commands.push_back(SequencedCommand{1, Command{"bypass-1", too_big}});
  const std::int64_t version = s.service().version();
  const PushResponse answer =
      push_response_from_json(parse_json(s.push(a.admin(), to_json(bypass).dump())).value())
          .value();
  REQUIRE(answer.results.size() == 1);
  CHECK_FALSE(answer.results[0].ok);
  CHECK(answer.results[0].error.code == "batch_too_large");
  CHECK_THAT(answer.results[0].error.message, Catch::Contains("1001"));
  CHECK(s.service().version() == version);
  CHECK(accounts_starting(s.stored_state(), "big") == 0);
  CHECK(rows(s, "batches") == 0);
  CHECK(last_seq(s, "script") == 1);  // the refusal is its result: not retried
}

TEST_CASE("a server killed in the middle of a 1000-row import holds all rows or none") {
  struct Case {
    const char* name;
    const char* prefix;
    int nth;
    bool after;
    bool committed;
  };
  const Case c = GENERATE(values<Case>({
      {"killed while the 500th account is written", "INSERT INTO accounts", 500, false, false},
      {"killed as the import commits", "COMMIT", 1, false, false},
      {"killed right after the commit, before answering", "COMMIT", 1, true, true},
  }));
  const auto model = GENERATE(CrashPlan::Action::kKillProcess, CrashPlan::Action::kDie);
  INFO(c.name << "; " << model_name(model));
  SyncWorld w;
  SyncServer& s0 = w.open();
  NativeClient a("imp-a", w.e.root_admin);
  a.pull(s0);
  must_submit(a, ImportBatch{w.e.operations, PermGroupId(), BatchMode::kImport, "staff.csv",
                             batch_csv("imp", 1000), false});
  const std::string request = a.push_text();

  push_into_crash(w, a.admin(), request, c.prefix, c.nth, c.after, model);
  SyncServer& s = *w.server;
  CHECK(s.integrity_check() == "ok");
  const std::int64_t expected = c.committed ? 1000 : 0;
  CHECK(accounts_starting(s.stored_state(), "imp") == expected);
  CHECK(rows(s, "batch_rows") == expected);
  CHECK(rows(s, "batches") == (c.committed ? 1 : 0));
  CHECK(last_seq(s, a.id()) == (c.committed ? 1 : 0));

  // The client resends; the import lands exactly once.
  const PushResponse resent = a.push(s);
  REQUIRE(resent.results.size() == 1);
  CHECK(resent.results[0].ok);
  CHECK(resent.results[0].result.value("rows_ok", -1) == 1000);
  a.sync(s);
  CHECK(accounts_starting(s.stored_state(), "imp") == 1000);
  CHECK(rows(s, "batch_rows") == 1000);
  CHECK(rows(s, "batches") == 1);
  CHECK(s.integrity_check() == "ok");
  check_converged(s, a);
}

// --- 9. Far behind compaction, with a revoked privilege ------------------------------------------

TEST_CASE(
    "a client far behind compaction gets a snapshot; commands needing a revoked privilege are "
    "refused one by one, the others apply") {
  const bool pull_first = GENERATE(true, false);
  INFO((pull_first ? "pulls, then pushes" : "pushes, then pulls"));
  SyncWorld w;
  const RoleId clerk_role{14};
  const AdminId clerk{25};
  w.e.state.put(Role{clerk_role, w.e.root, "Clerk",
                     PrivilegeSet().add(Privilege::kAccounts).add(Privilege::kNumbers)});
  Administrator admin;
  admin.id = clerk;
  admin.org = w.e.retail;
  admin.role = clerk_role;
  admin.email = "clerk@abc.example";
  w.e.state.put(admin);
  const std::string n1 = w.e.add_numbers(w.e.retail, 3, 390600000201);
  const std::string n2 = e164(390600000202);
  w.e.add_account(w.e.retail, "gone");
  SyncServer& s = w.open();

  NativeClient c("far-c", clerk);
  c.pull(s);
  const std::int64_t behind = c.replica.version();
  // Offline: two commands need Accounts, two need Numbers.
  AddAccount c1 = add(w.e.retail, "c-1"), c2 = add(w.e.europe, "c-2");
  c1.fields.permission_group = c2.fields.permission_group = w.e.retail_group;
  must_submit(c, c1);
  must_submit(c, ReserveNumbers{{n1}, "VIP"});
  must_submit(c, c2);
  must_submit(c, AllocateNumbers{w.e.europe, w.e.retail, {n2}, 0});

  // Meanwhile: the Clerk role loses Accounts, an account the clerk saw is deleted, others are
  // added, and the change log is compacted past the client's version.
  w.run(w.e.root_admin,
        SaveRole{clerk_role, w.e.root, "Clerk", PrivilegeSet().add(Privilege::kNumbers)},
        "srv-role");
  const AccountId gone = w.e.state.account_by_key("gone")->id;
  w.run(w.e.root_admin, DeleteAccounts{{gone}}, "srv-delete");
  for (int i = 0; i < 12; ++i) {
    w.run(w.e.root_admin, add(i % 2 ? w.e.retail : w.e.operations, "srv-" + std::to_string(i)),
          "srv-add-" + std::to_string(i));
  }
  s.service().compact_change_log(3);
  REQUIRE(s.store().compacted_before() - 1 > behind);

  auto check_pull = [&] {
    const PullResponse snap = c.pull(s);
    CHECK_FALSE(snap.error);
    CHECK(snap.snapshot);
    CHECK(c.replica.view().account_by_key("gone") == nullptr);
    CHECK(c.replica.view().account_by_key("srv-1"));
    CHECK(c.replica.view().account_by_key("srv-0") == nullptr);  // Operations: not the clerk's
  };
  if (pull_first) {
    check_pull();
    // Rebased on the snapshot, the Accounts commands already fail locally; they are still sent.
    REQUIRE(c.replica.pending().size() == 4);
    CHECK(c.replica.pending()[0].local_error);
    CHECK_FALSE(c.replica.pending()[1].local_error);
    CHECK(c.replica.pending()[2].local_error);
    CHECK_FALSE(c.replica.pending()[3].local_error);
  }
  const PushResponse pushed = c.push(s);
  REQUIRE(pushed.results.size() == 4);
  CHECK(pushed.results[0].error.code == "permission_revoked");
  CHECK(pushed.results[1].ok);
  CHECK(pushed.results[2].error.code == "permission_revoked");
  CHECK(pushed.results[3].ok);
  CHECK_THAT(pushed.results[0].error.message, Catch::Contains("Accounts"));
  if (!pull_first) check_pull();
  c.sync(s);

  REQUIRE(c.replica.issues().size() == 2);
  CHECK(c.replica.issues()[0].seq == 1);
  CHECK(c.replica.issues()[1].seq == 3);
  for (const SyncIssue& i : c.replica.issues()) CHECK(i.error.code == "permission_revoked");
  const State stored = s.stored_state();
  CHECK(stored.number(number_id_of(n1))->state == NumberState::kReserved);
  CHECK(stored.number(number_id_of(n1))->tag == "VIP");
  CHECK(stored.number(number_id_of(n2))->org == w.e.europe);
  CHECK(stored.account_by_key("c-1") == nullptr);
  CHECK(stored.account_by_key("c-2") == nullptr);
  check_converged(s, c);
}
