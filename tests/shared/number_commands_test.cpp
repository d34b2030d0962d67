// Number inventory: import into the enterprise's pool, allocate down and back up the tree,
// reserve with a tag, release; utilization categories (seed 004 Detailed Report) and the
// threshold notifications.
#include <catch2/catch.hpp>

#include "fixtures.hpp"
#include "shared/reports.hpp"

using namespace linedesk;
using namespace linedesk::test;

TEST_CASE("importing numbers reports each row; the good ones land in the root's pool") {
  Enterprise e;
  ImportNumbers c;
  c.entries = {{"+39 06 1234 5601", "", 2},
               {"0039 06 1234 5602", "PORTED", 3},
               {"390612345603", "", 4},
               {"+39 06 1234 5601", "", 5},
               {"12ab", "", 6},
               {"+39061234560", "bad/tag", 7}};
  auto r = e.run(e.numbers_admin, c);
  REQUIRE(r);
  CHECK(r->result["imported"] == 3);
  CHECK(r->result["failed"] == 3);
  const Json& rows = r->result["rows"];
  CHECK(rows[0]["status"] == "imported");
  CHECK(rows[0]["number"] == "+390612345601");
  CHECK(rows[3]["code"] == "duplicate_in_file");
  CHECK(rows[3]["reason"].get<std::string>().find("line 2") != std::string::npos);
  CHECK(rows[4]["code"] == "invalid_number");
  CHECK(rows[5]["code"] == "invalid_tag");
  CHECK(e.state.pool(e.root).available == 2);
  CHECK(e.state.pool(e.root).reserved == 1);
  CHECK(e.number("+390612345602").tag == "PORTED");
  auto again = e.run(e.numbers_admin, ImportNumbers{{{"+390612345601", "", 1}}});
  REQUIRE(again);
  CHECK(again->result["rows"][0]["code"] == "number_exists");
}

TEST_CASE("only the enterprise's administrators with Numbers import numbers") {
  Enterprise e;
  auto retail = e.check(e.retail_admin, ImportNumbers{{{"+390612345601", "", 1}}});
  REQUIRE_FALSE(retail);
  CHECK(retail.error().code == "forbidden");
  auto accounts = e.check(e.accounts_admin, ImportNumbers{{{"+390612345601", "", 1}}});
  REQUIRE_FALSE(accounts);
  CHECK(accounts.error().code == "forbidden");
}

TEST_CASE("allocate numbers down to a sub-organization and back up") {
  Enterprise e;
  e.add_numbers(e.root, 10);
  REQUIRE(e.run(e.root_admin, AllocateNumbers{e.retail, OrgId(), {}, 4}));
  CHECK(e.state.pool(e.retail).available == 4);
  CHECK(e.state.pool(e.root).available == 6);
  // The lowest numbers move, so every replica chooses the same ones.
  CHECK(e.number(e164(390600000001)).org == e.retail);
  REQUIRE(e.run(e.root_admin, AllocateNumbers{e.europe, OrgId(), {e164(390600000002)}, 0}));
  CHECK(e.number(e164(390600000002)).org == e.europe);
  REQUIRE(e.run(e.root_admin, AllocateNumbers{e.root, e.europe, {e164(390600000002)}, 0}));
  CHECK(e.number(e164(390600000002)).org == e.root);

  auto sideways = e.check(e.root_admin, AllocateNumbers{e.finance, e.retail, {}, 1});
  REQUIRE_FALSE(sideways);
  CHECK(sideways.error().code == "not_along_tree");
  auto too_many = e.check(e.root_admin, AllocateNumbers{e.hr, e.root, {}, 100});
  REQUIRE_FALSE(too_many);
  CHECK(too_many.error().code == "not_enough_numbers");
}

TEST_CASE("numbers held for waiting invitations cannot be allocated away") {
  Enterprise e;
  e.add_numbers(e.root, 2);
  e.add_account(e.root, "waiting", true);
  REQUIRE(e.run(e.root_admin, AllocateNumbers{e.retail, e.root, {}, 1}));
  auto r = e.check(e.root_admin, AllocateNumbers{e.retail, e.root, {}, 1});
  REQUIRE_FALSE(r);
  CHECK(r.error().code == "pool_exhausted");
}

TEST_CASE("reserve with a tag and release") {
  Enterprise e;
  const std::string n = e.add_numbers(e.root, 3);
  REQUIRE(e.run(e.numbers_admin, ReserveNumbers{{n, e164(390600000002)}, "PORTED"}));
  CHECK(e.number(n).state == NumberState::kReserved);
  CHECK(e.state.free_tags(e.root).at("PORTED") == 2);
  CHECK(e.state.reserved_numbers(e.root, "ported").size() == 2);
  REQUIRE(e.run(e.numbers_admin, ReleaseNumbers{{n}}));
  CHECK(e.number(n).state == NumberState::kAvailable);
  CHECK(e.number(n).tag.empty());
  auto bad = e.check(e.numbers_admin, ReserveNumbers{{n}, "no/slash"});
  REQUIRE_FALSE(bad);
  CHECK(bad.error().code == "invalid_tag");
  const AccountId a = e.add_account(e.root, "zoe", false, e164(390600000003));
  (void)a;
  auto in_use = e.check(e.numbers_admin, ReserveNumbers{{e164(390600000003)}, "X"});
  REQUIRE_FALSE(in_use);
  CHECK(in_use.error().code == "number_in_use");
}

TEST_CASE("utilization counts every category of the Detailed Report") {
  Enterprise e;
  e.add_numbers(e.root, 10);
  REQUIRE(e.run(e.root_admin, AllocateNumbers{e.retail, e.root, {}, 3}));
  REQUIRE(e.run(e.numbers_admin, ReserveNumbers{{e164(390600000010)}, "VIP"}));
  e.add_account(e.root, "pending", false, e164(390600000004));
  e.add_account(e.root, "invited", true, e164(390600000005));
  const AccountId active = e.add_account(e.root, "active", true, e164(390600000006));
  REQUIRE(e.system(ActivateAccount{e.account(active).invitation, ""}));

  const NumberUtilization u = number_utilization(e.state, e.root);
  CHECK(u.total == 10);
  CHECK(u.allocated_to_suborgs == 3);
  CHECK(u.reserved == 1);
  CHECK(u.pending_invitation == 1);
  CHECK(u.assigned == 1);
  CHECK(u.activated == 1);
  CHECK(u.available == 3);
  CHECK(u.in_use() == 7);
  CHECK(u.percent() == 70);
  CHECK(u.total == u.activated + u.allocated_to_suborgs + u.assigned + u.available +
                       u.pending_invitation + u.reserved);
  const NumberUtilization retail = number_utilization(e.state, e.retail);
  CHECK(retail.total == 3);
  CHECK(retail.available == 3);
  CHECK(retail.percent() == 0);
}

TEST_CASE("threshold alerts: when reached, then on every further assignment, none below") {
  // Seed 004: "After this threshold is met, another notification will be sent every time the
  // administrator assigns a new number - until all the available numbers are utilized."
  Enterprise e;
  e.add_numbers(e.root, 10);
  REQUIRE(e.run(e.root_admin, SetThreshold{e.root, 80}));
  auto alerts = [&](const Result<Changes>& r) {
    int n = 0;
    for (const auto& note : r->notifications) n += note.kind == Notification::Kind::kThreshold;
    return n;
  };
  for (int i = 1; i <= 10; ++i) {
    AddAccount c;
    c.org = e.root;
    c.fields = basic_fields("user" + std::to_string(i));
    c.number = e164(390600000000 + i);
    auto r = e.run(e.root_admin, c);
    REQUIRE(r);
    CAPTURE(i);
    CHECK(alerts(r) == (i >= 8 ? 1 : 0));
    if (i >= 8) {
      const Notification& note = r->notifications.back();
      CHECK(note.percent == i * 10);
      CHECK(note.threshold == 80);
      CHECK(note.recipients == std::vector<AdminId>{e.root_admin, e.numbers_admin});
    }
  }
  // Editing an account assigns nothing: no alert.
  EditAccount edit;
  edit.account = AccountId(e.state.account_by_key("user1")->id);
  edit.fields.notes = "x";
  auto r = e.run(e.root_admin, edit);
  REQUIRE(r);
  CHECK(alerts(r) == 0);
}

TEST_CASE("designated administrators receive the alerts when set") {
  Enterprise e;
  e.add_numbers(e.root, 1);
  REQUIRE(e.run(e.root_admin, SetThreshold{e.root, 50}));
  REQUIRE(e.run(e.root_admin, SetPolicy{e.root, "notification_admins",
                                        Json::array({e.accounts_admin.value})}));
  auto r = e.run(e.root_admin, ReserveNumbers{{e164(390600000001)}, "X"});
  REQUIRE(r);
  REQUIRE(r->notifications.size() == 1);
  CHECK(r->notifications[0].recipients == std::vector<AdminId>{e.accounts_admin});
}
