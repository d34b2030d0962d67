// Regressions for the bugs these sync tests found, in the sync code and in the core's commands.
#include <catch2/catch.hpp>

#include "sync_support.hpp"

using namespace linedesk;
using namespace linedesk::test;

// Compaction used to overwrite its mark with whatever the last call asked for, so a milder
// compaction after a stronger one claimed rows that were already gone: a client between the two
// cuts got an incremental pull with a silent gap instead of a snapshot.
TEST_CASE(
    "a milder compaction after a stronger one still sends clients from before the cut a snapshot") {
  SyncWorld w;
  SyncServer& s = w.open();
  NativeClient writer("mark-w", w.e.root_admin), reader("mark-r", w.e.root_admin);
  writer.pull(s);
  reader.pull(s);
  for (int i = 0; i < 10; ++i) {
    must_submit(writer, CreateOrg{w.e.root, "Mark " + std::to_string(i), ""});
    writer.sync(s);
    if (i == 4) reader.pull(s);  // the reader stops five commits behind the end
  }
  s.service().compact_change_log(2);
  const std::int64_t strong = s.store().compacted_before();
  REQUIRE(strong - 1 > reader.replica.version());
  s.service().compact_change_log(8);
  CHECK(s.store().compacted_before() == strong);
  s.restart();
  CHECK(s.store().compacted_before() == strong);
  const PullResponse pulled = reader.pull(s);
  CHECK(pulled.snapshot);
  check_converged(s, reader);
}

// The database allows one number per account and checks it at every statement, while a command
// that moves an account to another number lists the numbers in id order: moving to a lower
// number failed its commit, and since a push retries a failed commit, the client's whole queue
// stuck behind it for good.
TEST_CASE("an account given another number commits whichever number sorts first") {
  const bool to_lower = GENERATE(true, false);
  INFO((to_lower ? "to a lower number" : "to a higher number"));
  SyncWorld w;
  w.e.add_numbers(w.e.root, 3, 390600000001);
  const std::string low = e164(390600000001), high = e164(390600000003);
  const std::string from = to_lower ? high : low, to = to_lower ? low : high;
  const AccountId id = w.e.add_account(w.e.root, "renumbered", false, from);
  SyncServer& s = w.open();
  NativeClient c("renum", w.e.root_admin);
  c.pull(s);
  must_submit(c, AssignNumber{id, to, "", AccountId()});
  must_submit(c, CreateOrg{w.e.root, "Behind it", ""});
  const PushResponse pushed = c.push(s);
  REQUIRE(pushed.results.size() == 2);
  CHECK(pushed.results[0].ok);
  CHECK(pushed.results[1].ok);
  c.sync(s);
  const State stored = s.stored_state();
  CHECK(stored.account(id)->number == to);
  CHECK(stored.number(number_id_of(to))->account == id);
  CHECK_FALSE(stored.number(number_id_of(from))->account.valid());
  CHECK(broken_invariants(stored) == "");
  check_converged(s, c);
}

// The core looks the default User Permissions group up by walking the organization tree upwards,
// but a replica held only the administrator's subtree, so the walk stopped at its top and a
// subtree administrator's console refused every new account that the server accepts. Replicas
// now hold the organizations above the subtree too (read-only context).
TEST_CASE("a subtree administrator's replica accepts an account the server accepts") {
  SyncWorld w;
  SyncServer& s = w.open();
  NativeClient r("sub-r", w.e.retail_admin);
  r.pull(s);
  const AddAccount c = add(w.e.europe, "sub-1");
  auto local = r.submit(c);
  INFO((local ? std::string() : local.error().code + ": " + local.error().message));
  CHECK(local);
  auto on_server = s.service().check(SyncServer::actor(w.e.retail_admin), c);
  CHECK(on_server);
}

// move_accounts moved only an account's current invitation, so its earlier (revoked) ones
// stayed in the old organization, visible to that organization's administrators though the
// account was not; delete_accounts then tombstoned them in the account's organization instead of
// their own, so those administrators' replicas kept them for ever; and once the old organization
// was deleted they pointed at an organization that no longer existed.
TEST_CASE("an account's earlier invitations go where the account goes") {
  SyncWorld w;
  w.e.add_numbers(w.e.europe, 2, 390600000201);
  w.e.add_numbers(w.e.operations, 2, 390600000301);
  const AccountId mover = w.e.add_account(w.e.europe, "mover", true);
  REQUIRE(w.e.run(w.e.root_admin, InviteAccounts{{mover}}));  // resent: the first is revoked
  REQUIRE(w.e.state.invitations_of(mover).size() == 2);
  SyncServer& s = w.open();
  NativeClient root("inv-root", w.e.root_admin), branch("inv-retail", w.e.retail_admin);
  root.pull(s);
  branch.pull(s);
  w.run(w.e.root_admin, MoveAccounts{{mover}, w.e.operations}, "move");
  root.pull(s);
  branch.pull(s);
  {
    const State stored = s.stored_state();
    for (InvitationId inv : stored.invitations_of(mover))
      CHECK(stored.invitation(inv)->org.value == w.e.operations.value);
  }

  SECTION("then the account is deleted") {
    w.run(w.e.root_admin, DeleteAccounts{{mover}}, "delete");
    root.pull(s);
    branch.pull(s);
    CHECK(branch.replica.view().invitations().empty());
    check_converged(s, branch);
  }
  SECTION("then its old organization is deleted") {
    w.run(w.e.root_admin, DeleteOrg{w.e.europe}, "delete");
    root.pull(s);
    CHECK(broken_invariants(s.stored_state()) == "");
    s.restart();
    NativeClient fresh("inv-fresh", w.e.root_admin);
    fresh.pull(s);
    INFO(state_difference(root.replica.view(), fresh.replica.view()));
    CHECK(root.replica.view().same_entities(fresh.replica.view()));
  }
}

// delete_org left the organization's batch records behind pointing at it. Snapshots left such
// records out but incremental pulls never learned that they went, so two replicas of one
// administrator disagreed for ever. They now move to the parent, as the numbers do.
TEST_CASE("an organization deleted after an import leaves no batch record only some replicas show") {
  SyncWorld w;
  const OrgId temp{77};
  w.e.state.put(Organization{temp, w.e.operations, "Temporary", "", {}, 0});
  SyncServer& s = w.open();
  NativeClient root("batch-root", w.e.root_admin);
  root.pull(s);
  // Every row fails, so the organization stays empty (deletable) but the batch is recorded.
  ImportBatch bad{temp,
                  PermGroupId(),
                  BatchMode::kImport,
                  "bad.csv",
                  "firstname,lastname,email address or device,social_messaging,multiline_number,"
                  "monitor_calls,monitor_sms,forwarding_number,Language\r\n"
                  "Ann,Row,not an address,No,,off,off,,English\r\n",
                  false};
  w.run(w.e.root_admin, bad, "import");
  root.pull(s);
  REQUIRE(root.replica.view().batches().size() == 1);
  REQUIRE(root.replica.view().accounts_in(temp) == 0);
  w.run(w.e.root_admin, DeleteOrg{temp}, "delete");
  root.pull(s);
  NativeClient fresh("batch-fresh", w.e.root_admin);
  fresh.pull(s);
  INFO(state_difference(root.replica.view(), fresh.replica.view()));
  CHECK(root.replica.view().same_entities(fresh.replica.view()));
}
