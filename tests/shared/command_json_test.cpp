// Every command and entity survives its versioned JSON form; decoders refuse bad input.
#include <catch2/catch.hpp>

#include "fixtures.hpp"

using namespace linedesk;
using namespace linedesk::test;

namespace {

std::vector<CommandArgs> one_of_each() {
  AccountInput in = basic_fields("zoe@example.com");
  in.language = "Italian";
  in.social_messaging = true;
  in.permission_group = PermGroupId(31);
  in.notes = "Zoë ☎ \"VIP\"\nline two";
  AddAccount add{OrgId(2), in, "+390600000001", "", true};
  EditAccount edit{AccountId(5), 3, AccountInput{}};
  edit.fields.forwarding_number = "";
  EditProfile profile;
  profile.time_zone = "Europe/Rome";
  return {CreateOrg{OrgId(1), "Zoë Europe", "desc"},
          EditOrg{OrgId(2), std::string("New"), std::nullopt},
          DeleteOrg{OrgId(3)},
          SetPolicy{OrgId(1), "social_messaging", Json(true)},
          SetPolicy{OrgId(1), "social_messaging", std::nullopt},
          SetThreshold{OrgId(1), 85},
          add,
          edit,
          DeleteAccounts{{AccountId(1), AccountId(2)}},
          InviteAccounts{{AccountId(9)}},
          MoveAccounts{{AccountId(1)}, OrgId(4)},
          AssignNumber{AccountId(1), "+390600000001", "", AccountId(7)},
          UnassignNumber{AccountId(1)},
          RecordInvitationSent{InvitationId(5)},
          RecordInvitationFailed{InvitationId(5), "550 no such user"},
          ActivateAccount{InvitationId(5), "+390600000002"},
          RecordAppActivity{AccountId(1), "MultiLine", "iOS", 1234},
          ImportNumbers{{{"+390600000001", "PORTED", 2}, {"+390600000002", "", 3}}},
          AllocateNumbers{OrgId(2), OrgId(1), {"+390600000001"}, 0},
          AllocateNumbers{OrgId(2), OrgId(), {}, 25},
          ReserveNumbers{{"+390600000001"}, "PORTED"},
          ReleaseNumbers{{"+390600000001"}},
          SavePermissionGroup{PermGroupId(3), OrgId(1), "Execs", "d", true, false, true, true, false},
          DeletePermissionGroup{PermGroupId(3)},
          SaveRole{RoleId(), OrgId(1), "R", PrivilegeSet().add(Privilege::kReports)},
          DeleteRole{RoleId(4)},
          InviteAdmin{OrgId(1), RoleId(2), "a@b.co", "A", "B"},
          EditAdmin{AdminId(3), RoleId(2), OrgId()},
          RemoveAdmin{AdminId(3)},
          profile,
          ImportBatch{OrgId(1), PermGroupId(2), BatchMode::kImportAndInvite, "f.csv", "a,b\n1,2\n",
                      true}};
}

}  // namespace

TEST_CASE("every command round-trips through its JSON form") {
  std::set<std::string_view> names;
  for (const CommandArgs& args : one_of_each()) {
    names.insert(command_name(args));
    Command c{"6f1c9a3e-uuid", args};
    const std::string text = to_json(c).dump();
    CAPTURE(text);
    auto back = command_from_json(parse_json(text).value());
    REQUIRE(back);
    CHECK(back.value() == c);
  }
  CHECK(names.size() == std::variant_size_v<CommandArgs>);
}

TEST_CASE("command envelopes are versioned and checked") {
  Json j = to_json(Command{"u1", DeleteOrg{OrgId(3)}});
  CHECK(j["v"] == kCommandVersion);
  j["v"] = 2;
  auto wrong = command_from_json(j);
  REQUIRE_FALSE(wrong);
  CHECK(wrong.error().code == "version_mismatch");
  struct Case {
    const char* rule;
    Json doc;
    const char* code;
  };
  const std::vector<Case> cases = {
      {"a known command", Json{{"v", 1}, {"uuid", "u"}, {"name", "format_disk"}, {"args", Json::object()}},
       "unknown_command"},
      {"a uuid", Json{{"v", 1}, {"name", "delete_org"}, {"args", {{"org", 1}}}}, "missing_field"},
      {"typed arguments", Json{{"v", 1}, {"uuid", "u"}, {"name", "delete_org"}, {"args", {{"org", "1"}}}},
       "invalid_field"},
      {"required arguments", Json{{"v", 1}, {"uuid", "u"}, {"name", "move_accounts"}, {"args", {{"accounts", {1}}}}},
       "missing_field"},
      {"ids in range", Json{{"v", 1}, {"uuid", "u"}, {"name", "delete_accounts"}, {"args", {{"accounts", {-4}}}}},
       "invalid_field"},
      {"a known batch mode",
       Json{{"v", 1}, {"uuid", "u"}, {"name", "import_batch"}, {"args", {{"org", 1}, {"csv", ""}, {"mode", "x"}}}},
       "invalid_field"},
  };
  for (const auto& c : cases) {
    CAPTURE(c.rule);
    auto r = command_from_json(c.doc);
    REQUIRE_FALSE(r);
    CHECK(r.error().code == c.code);
  }
}

TEST_CASE("every entity kind and a whole change set round-trip through JSON") {
  Enterprise e;
  e.add_numbers(e.root, 2);
  const AccountId a = e.add_account(e.root, "zoe", true, e164(390600000001));
  REQUIRE(e.system(RecordAppActivity{a, "MultiLine", "Android", e.now}));
  REQUIRE(e.run(e.root_admin, SetPolicy{e.root, "notification_admins",
                                        Json::array({e.root_admin.value})}));
  auto batch = e.run(e.root_admin, ImportBatch{e.root, PermGroupId(), BatchMode::kImport, "b.csv",
                                               "email address or device,social_messaging,"
                                               "monitor_calls,monitor_sms\nx@y.com,No,off,off\n",
                                               false});
  REQUIRE(batch);
  std::vector<Entity> all;
  for (const auto& [id, o] : e.state.orgs().all()) all.emplace_back(o);
  for (const auto& [id, v] : e.state.admins()) all.emplace_back(v);
  for (const auto& [id, v] : e.state.roles()) all.emplace_back(v);
  for (const auto& [id, v] : e.state.groups()) all.emplace_back(v);
  for (const auto& [id, v] : e.state.accounts()) all.emplace_back(v);
  for (const auto& [id, v] : e.state.numbers()) all.emplace_back(v);
  for (const auto& [id, v] : e.state.invitations()) all.emplace_back(v);
  for (const auto& [id, v] : e.state.batches()) all.emplace_back(v);
  std::set<EntityKind> kinds;
  for (const Entity& ent : all) {
    kinds.insert(kind_of(ent));
    auto back = entity_from_envelope(parse_json(entity_envelope(ent).dump()).value());
    REQUIRE(back);
    CHECK(back.value() == ent);
  }
  CHECK(kinds.size() == std::variant_size_v<Entity>);
  Json future = entity_envelope(all.front());
  future["v"] = kEntityVersion + 1;
  auto refused = entity_from_envelope(future);
  REQUIRE_FALSE(refused);
  CHECK(refused.error().code == "version_mismatch");

  auto changes = changes_from_json(parse_json(to_json(*batch).dump()).value());
  REQUIRE(changes);
  CHECK(changes->puts == batch->puts);
  CHECK(changes->deletes == batch->deletes);

  auto report = batch_report_from_json(to_json(*batch->report));
  REQUIRE(report);
  CHECK(report.value() == *batch->report);
}

TEST_CASE("the same command gives the same changes on two replicas (same ids, same choices)") {
  Enterprise browser;
  Enterprise server;
  browser.add_numbers(browser.root, 5);
  server.add_numbers(server.root, 5);
  AddAccount c;
  c.org = browser.root;
  c.fields = basic_fields("zoe");
  c.invite = true;
  const Command cmd{"3b9d-uuid", c};
  auto on_browser = execute(browser.state, context_for(cmd, browser.root_admin, 1000), cmd.args);
  auto on_server = execute(server.state, context_for(cmd, server.root_admin, 1000), cmd.args);
  REQUIRE(on_browser);
  REQUIRE(on_server);
  CHECK(on_browser->puts == on_server->puts);
  CHECK(browser.state.same_entities(server.state));
}
