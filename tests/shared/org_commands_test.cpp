// Organizations (seed 004 "Manage Organizations"), inherited policies with "where from", and
// the utilization threshold range.
#include <catch2/catch.hpp>

#include <algorithm>

#include "fixtures.hpp"
#include "shared/policy.hpp"

using namespace linedesk;
using namespace linedesk::test;

TEST_CASE("create, edit and delete a sub-organization") {
  Enterprise e;
  auto created = e.run(e.root_admin, CreateOrg{e.retail, "Asia Pacific", "APAC branches"});
  REQUIRE(created);
  const OrgId apac(created->result["org"].get<std::int64_t>());
  CHECK(e.state.org(apac)->parent == e.retail);
  CHECK(e.state.orgs().path(apac) == "ABC Banking Corporation / Retail Bank / Asia Pacific");
  REQUIRE(e.run(e.root_admin, EditOrg{apac, std::string("APAC"), std::nullopt}));
  CHECK(e.state.org(apac)->name == "APAC");
  CHECK(e.state.org(apac)->description == "APAC branches");
  REQUIRE(e.run(e.root_admin, DeleteOrg{apac}));
  CHECK(e.state.org(apac) == nullptr);
  CHECK(e.state.orgs().children(e.retail).size() == 2);
}

TEST_CASE("organization names: required, and unique among siblings") {
  Enterprise e;
  struct Case {
    const char* rule;
    CreateOrg cmd;
    const char* code;
  };
  const std::vector<Case> cases = {
      {"a name is required", CreateOrg{e.root, "  ", ""}, "missing_field"},
      {"sibling names are unique, ignoring case", CreateOrg{e.root, "retail bank", ""},
       "org_name_taken"},
      {"at most 120 characters", CreateOrg{e.root, std::string(121, 'x'), ""}, "too_long"},
      {"the parent must exist in the administrator's subtree", CreateOrg{OrgId(999), "X", ""},
       "not_found"},
  };
  for (const auto& c : cases) {
    CAPTURE(c.rule);
    auto r = e.check(e.root_admin, c.cmd);
    REQUIRE_FALSE(r);
    CHECK(r.error().code == c.code);
  }
  // The same name under another parent is fine.
  CHECK(e.check(e.root_admin, CreateOrg{e.operations, "Europe", ""}));
}

TEST_CASE("delete is refused while the organization or a descendant holds users or admins") {
  // Seed 004: "the organization or any of its sub-organizations must not contain any users or
  // administrators".
  Enterprise e;
  const AccountId a = e.add_account(e.europe, "eu-user");
  auto with_user = e.check(e.root_admin, DeleteOrg{e.retail});
  REQUIRE_FALSE(with_user);
  CHECK(with_user.error().code == "org_not_empty");
  CHECK(with_user.error().message.find("1 user and 1 administrator") != std::string::npos);
  REQUIRE(e.run(e.root_admin, DeleteAccounts{{a}}));
  // Retail Bank still has its administrator.
  auto with_admin = e.check(e.root_admin, DeleteOrg{e.retail});
  REQUIRE_FALSE(with_admin);
  CHECK(with_admin.error().message.find("0 users and 1 administrator") != std::string::npos);
  REQUIRE(e.run(e.root_admin, RemoveAdmin{e.retail_admin}));
  e.add_numbers(e.europe, 5);
  auto r = e.run(e.root_admin, DeleteOrg{e.retail});
  REQUIRE(r);
  CHECK(r->result["deleted_orgs"] == 3);
  CHECK(e.state.org(e.europe) == nullptr);
  // Numbers set aside for the branch return to the parent's pool; its groups go.
  CHECK(e.state.pool(e.root).available == 5);
  CHECK(e.state.group(e.retail_group) == nullptr);
}

TEST_CASE("the enterprise itself cannot be deleted") {
  Enterprise e;
  auto r = e.check(e.root_admin, DeleteOrg{e.root});
  REQUIRE_FALSE(r);
  CHECK(r.error().code == "org_is_root");
}

TEST_CASE("policies are inherited unless overridden, and report where they come from") {
  Enterprise e;
  const OrgTree& t = e.state.orgs();
  auto eff = effective_policy(t, e.europe, policy::kSocialMessaging);
  CHECK(std::get<bool>(eff.value) == false);
  CHECK_FALSE(eff.source.valid());  // the built-in default

  REQUIRE(e.run(e.root_admin, SetPolicy{e.root, "social_messaging", Json(true)}));
  eff = effective_policy(e.state.orgs(), e.europe, policy::kSocialMessaging);
  CHECK(std::get<bool>(eff.value) == true);
  CHECK(eff.source == e.root);

  REQUIRE(e.run(e.root_admin, SetPolicy{e.retail, "social_messaging", Json(false)}));
  eff = effective_policy(e.state.orgs(), e.europe, policy::kSocialMessaging);
  CHECK(std::get<bool>(eff.value) == false);
  CHECK(eff.source == e.retail);
  CHECK(effective_bool(e.state.orgs(), e.finance, policy::kSocialMessaging));

  // Clearing the override inherits again.
  REQUIRE(e.run(e.root_admin, SetPolicy{e.retail, "social_messaging", std::nullopt}));
  CHECK(effective_policy(e.state.orgs(), e.europe, policy::kSocialMessaging).source == e.root);
}

TEST_CASE("policy values are checked against their definition") {
  Enterprise e;
  struct Case {
    const char* key;
    Json value;
    const char* code;
  };
  const std::vector<Case> cases = {
      {"social_messaging", Json("yes"), "invalid_field"},
      {"utilization_threshold", Json(0), "out_of_range"},
      {"utilization_threshold", Json(101), "out_of_range"},
      {"default_language", Json("Klingon"), "invalid_field"},
      {"invitation_subject", Json(std::string(201, 's')), "too_long"},
      {"no_such_policy", Json(1), "unknown_policy"},
      {"notification_admins", Json::array({999}), "invalid_field"},
  };
  for (const auto& c : cases) {
    CAPTURE(c.key, c.value.dump());
    auto r = e.check(e.root_admin, SetPolicy{e.root, c.key, c.value});
    REQUIRE_FALSE(r);
    CHECK(r.error().code == c.code);
  }
  // A Retail Bank administrator cannot be designated for the root's alerts.
  auto r = e.check(e.root_admin, SetPolicy{e.root, "notification_admins",
                                            Json::array({e.retail_admin.value})});
  REQUIRE_FALSE(r);
  CHECK(e.check(e.root_admin, SetPolicy{e.europe, "notification_admins",
                                        Json::array({e.retail_admin.value})}));
}

TEST_CASE("the utilization threshold accepts 1 to 100 percent") {
  // Seed 004: "You can edit the Utilization Threshold percentage value to be anywhere between
  // 1% and 100%."
  Enterprise e;
  for (std::int64_t ok : {1, 80, 100}) {
    CAPTURE(ok);
    REQUIRE(e.run(e.root_admin, SetThreshold{e.root, ok}));
    CHECK(effective_int(e.state.orgs(), e.hr, policy::kUtilizationThreshold) == ok);
  }
  for (std::int64_t bad : {0, -5, 101, 1000}) {
    CAPTURE(bad);
    auto r = e.check(e.root_admin, SetThreshold{e.root, bad});
    REQUIRE_FALSE(r);
    CHECK(r.error().code == "threshold_out_of_range");
    CHECK(r.error().message == "The utilization threshold must be between 1% and 100%.");
  }
}

TEST_CASE("a deleted organization's import history moves to its parent") {
  Enterprise e;
  auto created = e.run(e.root_admin, CreateOrg{e.operations, "Temporary", ""});
  REQUIRE(created);
  const OrgId temp(created->result["org"].get<std::int64_t>());
  // Every row fails, so the organization stays empty but the batch is recorded there.
  REQUIRE(e.run(e.root_admin,
                ImportBatch{temp, PermGroupId(), BatchMode::kImport, "bad.csv",
                            "firstname,lastname,email address or device,social_messaging,"
                            "multiline_number,monitor_calls,monitor_sms,forwarding_number,Language\r\n"
                            "Ann,Row,not an address,No,,off,off,,English\r\n",
                            false}));
  REQUIRE(e.state.batches().size() == 1);
  const BatchId batch = e.state.batches().begin()->first;
  REQUIRE(e.state.batch(batch)->org == temp);
  auto deleted = e.run(e.root_admin, DeleteOrg{temp});
  REQUIRE(deleted);
  CHECK(e.state.batch(batch)->org == e.operations);
  CHECK(std::any_of(deleted->moved_out.begin(), deleted->moved_out.end(), [&](const Tombstone& t) {
    return t.kind == EntityKind::kBatch && t.id == batch.value && t.org == temp;
  }));
}
