// The client replica: queued commands show at once, refused ones become sync issues with
// their effects undone, pulls rebase pending commands on the server's changes, snapshots keep
// the queue, and the queue survives a restart.
#include <catch2/catch.hpp>

#include "fixtures.hpp"
#include "shared/api.hpp"
#include "shared/replica.hpp"

using namespace linedesk;
using namespace linedesk::test;

namespace {

// A replica of `e`'s whole state as a snapshot at `version`.
Replica replica_of(const Enterprise& e, AdminId actor, std::int64_t version = 10) {
  Replica r("client-1", actor);
  r.apply_pull(snapshot_of(e, version));
  return r;
}

AddAccount add(OrgId org, const std::string& id, const std::string& number = {}) {
  AddAccount c;
  c.org = org;
  c.fields = basic_fields(id);
  c.number = number;
  return c;
}

}  // namespace

TEST_CASE("a submitted command shows in the view at once and waits in the queue") {
  Enterprise e;
  e.add_numbers(e.root, 3);
  Replica r = replica_of(e, e.root_admin);
  auto changes = r.submit("u1", add(e.root, "zoe", e164(390600000001)), 1000);
  REQUIRE(changes);
  CHECK(r.view().account_by_key("zoe"));
  CHECK(r.view().number(number_id_of(e164(390600000001)))->state == NumberState::kPendingInvitation);
  REQUIRE(r.pending().size() == 1);
  CHECK(r.pending()[0].seq == 1);
  CHECK(r.next_seq() == 2);
  const PushRequest push = r.push_request(100);
  CHECK(push.client_id == "client-1");
  CHECK(push.protocol == kProtocolVersion);
  REQUIRE(push.commands.size() == 1);
  CHECK(push.commands[0].command.uuid == "u1");
}

TEST_CASE("a command the view refuses is not queued") {
  Enterprise e;
  Replica r = replica_of(e, e.root_admin);
  AddAccount c = add(e.root, "zoe");
  c.invite = true;  // no numbers at all
  auto refused = r.submit("u1", c, 1000);
  REQUIRE_FALSE(refused);
  CHECK(refused.error().code == "no_numbers_available");
  CHECK(r.pending().empty());
  CHECK(r.next_seq() == 1);
}

TEST_CASE("a command refused by the server becomes a sync issue and its effects are undone") {
  Enterprise e;
  e.add_numbers(e.root, 3);
  Replica r = replica_of(e, e.root_admin);
  REQUIRE(r.submit("u1", add(e.root, "first"), 1000));
  REQUIRE(r.submit("u2", add(e.root, "second"), 1001));
  PushResponse resp;
  resp.last_seq = 2;
  resp.results = {CommandResult{1, "u1", true, Json::object(), {}, 11},
                  CommandResult{2, "u2", false, Json(), Error{"permission_revoked", "", "Your role lost the Accounts privilege."}, 0}};
  r.apply_push(resp);
  REQUIRE(r.issues().size() == 1);
  CHECK(r.issues()[0].seq == 2);
  CHECK(r.issues()[0].error.code == "permission_revoked");
  CHECK(r.view().account_by_key("second") == nullptr);  // undone
  CHECK(r.view().account_by_key("first"));              // still pending until a pull
  REQUIRE(r.pending().size() == 1);
  CHECK(r.pending()[0].acknowledged);
  CHECK(r.unsent_count() == 0);
  // Discarding removes the issue; resubmitting queues the command again under a new UUID.
  auto again = r.resubmit(2, "u2-retry", std::nullopt, 2000);
  REQUIRE(again);
  CHECK(r.issues().empty());
  CHECK(r.view().account_by_key("second"));
  CHECK(r.pending().back().seq == 3);
  CHECK(r.pending().back().command.uuid == "u2-retry");
}

TEST_CASE("a pull rebases pending commands on the server's changes and flags new conflicts") {
  Enterprise server;
  server.add_numbers(server.root, 2);
  Replica r = replica_of(server, server.root_admin);
  // Offline: this client assigns +39 06 0000 0001 to a new account.
  REQUIRE(r.submit("mine", add(server.root, "mine", e164(390600000001)), 1000));
  // Meanwhile another administrator took that number on the server.
  auto theirs = server.run(server.root_admin, add(server.root, "theirs", e164(390600000001)));
  REQUIRE(theirs);
  PullResponse pull;
  pull.version = 11;
  pull.scope = server.root;
  pull.puts = theirs->puts;
  pull.last_seq = 0;
  r.apply_pull(pull);
  CHECK(r.version() == 11);
  CHECK(r.view().account_by_key("theirs"));
  REQUIRE(r.pending().size() == 1);
  REQUIRE(r.pending()[0].local_error);
  CHECK(r.pending()[0].local_error->code == "number_taken");
  // The flagged command is still sent: the server decides.
  CHECK(r.push_request(10).commands.size() == 1);
}

TEST_CASE("a pull that includes the client's applied commands drops them from the queue") {
  Enterprise server;
  Replica r = replica_of(server, server.root_admin);
  REQUIRE(r.submit("u1", add(server.root, "zoe"), 1000));
  const Command cmd = Command{"u1", add(server.root, "zoe")};
  auto applied = execute(server.state, context_for(cmd, server.root_admin, 2000), cmd.args);
  REQUIRE(applied);
  PullResponse pull;
  pull.version = 12;
  pull.scope = server.root;
  pull.puts = applied->puts;
  pull.last_seq = 1;
  pull.results = {CommandResult{1, "u1", true, applied->result, {}, 12}};
  r.apply_pull(pull);
  CHECK(r.pending().empty());
  CHECK(r.issues().empty());
  // The same ids on both sides: the account appears once.
  CHECK(r.view().accounts().size() == 1);
  CHECK(r.view().same_entities(server.state));
}

TEST_CASE("a snapshot replaces the confirmed state and keeps pending commands") {
  Enterprise server;
  server.add_numbers(server.root, 2);
  Replica r = replica_of(server, server.root_admin);
  REQUIRE(r.submit("u1", add(server.root, "zoe"), 1000));
  server.add_account(server.root, "other");
  Replica fresh = replica_of(server, server.root_admin, 50);
  PullResponse snap;
  snap.version = 50;
  snap.snapshot = true;
  snap.scope = server.root;
  for (const auto& [id, a] : server.state.accounts()) snap.puts.emplace_back(a);
  for (const auto& [id, o] : server.state.orgs().all()) snap.puts.emplace_back(o);
  for (const auto& [id, v] : server.state.admins()) snap.puts.emplace_back(v);
  for (const auto& [id, v] : server.state.roles()) snap.puts.emplace_back(v);
  for (const auto& [id, v] : server.state.groups()) snap.puts.emplace_back(v);
  for (const auto& [id, v] : server.state.numbers()) snap.puts.emplace_back(v);
  const ConfirmedDelta delta = r.apply_pull(snap);
  CHECK(delta.reset);
  CHECK(r.version() == 50);
  CHECK(r.view().account_by_key("other"));
  CHECK(r.view().account_by_key("zoe"));
  CHECK(r.pending().size() == 1);
}

TEST_CASE("a changed scope asks for a snapshot instead of applying changes") {
  Enterprise e;
  Replica r = replica_of(e, e.retail_admin);
  PullResponse pull;
  pull.version = 20;
  pull.scope = e.operations;
  r.apply_pull(pull);
  CHECK(r.needs_snapshot());
  CHECK(r.version() == 10);
}

TEST_CASE("the queue survives a restart: pending commands replay onto the restored view") {
  Enterprise e;
  e.add_numbers(e.root, 2);
  Replica r = replica_of(e, e.root_admin);
  REQUIRE(r.submit("u1", add(e.root, "zoe", e164(390600000002)), 1000));
  REQUIRE(r.submit("u2", CreateOrg{e.root, "Legal", ""}, 1001));
  PushResponse refused;
  refused.last_seq = 2;
  refused.results = {CommandResult{1, "u1", true, {}, {}, 11},
                     CommandResult{2, "u2", false, {}, Error{"org_name_taken", "name", "Taken."}, 0}};
  r.apply_push(refused);
  const Json queue = parse_json(r.queue_json().dump()).value();
  std::vector<Entity> confirmed;
  for (const auto& [id, o] : e.state.orgs().all()) confirmed.emplace_back(o);
  for (const auto& [id, v] : e.state.admins()) confirmed.emplace_back(v);
  for (const auto& [id, v] : e.state.roles()) confirmed.emplace_back(v);
  for (const auto& [id, v] : e.state.groups()) confirmed.emplace_back(v);
  for (const auto& [id, v] : e.state.numbers()) confirmed.emplace_back(v);
  auto back = Replica::restore("client-1", e.root_admin, confirmed, 10, e.root, queue);
  REQUIRE(back);
  CHECK(back->next_seq() == 3);
  REQUIRE(back->pending().size() == 1);
  CHECK(back->pending()[0].acknowledged);
  CHECK(back->view().account_by_key("zoe"));
  REQUIRE(back->issues().size() == 1);
  CHECK(back->issues()[0].error.code == "org_name_taken");
  CHECK(back->view().same_entities(r.view()));
}

TEST_CASE("a push refused for its numbering renumbers the unapplied commands after the server") {
  Enterprise e;
  Replica r = replica_of(e, e.root_admin);
  for (int i = 0; i < 4; ++i) REQUIRE(r.submit("u" + std::to_string(i), CreateOrg{e.root, "O" + std::to_string(i), ""}, 1000 + i));
  // The server applied the first (acknowledged, waiting for a pull) and its counter says 7.
  PushResponse ok;
  ok.last_seq = 1;
  ok.results = {CommandResult{1, "u0", true, Json::object(), {}, 11}};
  r.apply_push(ok);
  PushResponse refused;
  refused.last_seq = 7;
  refused.error = Error{"out_of_order", "commands", "The server expected command 8 next."};
  const std::string before = r.view().orgs().path(e.root);
  r.apply_push(refused);
  REQUIRE(r.pending().size() == 4);
  CHECK(r.pending()[0].seq == 1);  // applied under its number: kept
  CHECK(r.pending()[0].acknowledged);
  CHECK(r.pending()[1].seq == 8);
  CHECK(r.pending()[2].seq == 9);
  CHECK(r.pending()[3].seq == 10);
  CHECK(r.pending()[3].command.uuid == "u3");  // same commands, same order
  CHECK(r.next_seq() == 11);
  CHECK(r.issues().empty());
  CHECK(r.unsent_count() == 3);
  const PushRequest next = r.push_request(10);
  REQUIRE(next.commands.size() == 3);
  CHECK(next.commands[0].seq == 8);
}
