// The logic of the console's screens around Accounts, without a browser: the organization tree
// and its counts, refusals shown on disabled buttons, policies with their source, the number
// inventory, people, the profile form, the invitation preview and the activity query.
#include <catch2/catch.hpp>

#include "client/console_model.hpp"
#include "shared/exports.hpp"
#include "tests/shared/fixtures.hpp"

using namespace linedesk;
using namespace linedesk::client;
using linedesk::test::Enterprise;

namespace {

std::vector<std::string> names(const State& st, const std::vector<OrgRow>& rows) {
  std::vector<std::string> out;
  for (const OrgRow& r : rows) out.push_back(std::string(r.depth * 2, ' ') + st.org(r.id)->name);
  return out;
}

}  // namespace

TEST_CASE("the organization tree lists the subtree depth first by name, with counts of the branch") {
  Enterprise e;
  e.add_account(e.north_america, "na1");
  e.add_account(e.north_america, "na2");
  e.add_account(e.retail, "r1");
  const auto rows = org_rows(e.state, e.root);
  CHECK(names(e.state, rows) == std::vector<std::string>{"ABC Banking Corporation", "  Operations",
                                                         "    Finance", "    Human Resources",
                                                         "  Retail Bank", "    Europe",
                                                         "    North America"});
  const OrgRow& retail = rows[4];
  CHECK(retail.users == 1);
  CHECK(retail.subtree_users == 3);
  CHECK(retail.admins == 1);  // retail@abc.example
  CHECK(rows[0].subtree_admins == 4);
  CHECK(rows[0].subtree_users == 3);
  CHECK(rows[0].has_children);
  CHECK_FALSE(rows[6].has_children);
  // An administrator of Retail Bank sees only its branch.
  CHECK(names(e.state, org_rows(e.state, e.retail)) ==
        std::vector<std::string>{"Retail Bank", "  Europe", "  North America"});
  CHECK(org_rows(e.state, OrgId(999)).empty());
}

TEST_CASE("deleting an organization is refused while its branch holds users or administrators") {
  Enterprise e;
  e.add_account(e.north_america, "na1");
  // Retail Bank holds an administrator, and North America below it a user.
  auto why = refusal(e.state, e.root_admin, e.now, DeleteOrg{e.retail});
  REQUIRE(why);
  CHECK(why->code == "org_not_empty");
  CHECK(why->message.find("1 user and 1 administrator") != std::string::npos);
  CHECK(refusal(e.state, e.root_admin, e.now, DeleteOrg{e.north_america}));
  // An empty leaf can go; refusal() changed nothing.
  CHECK_FALSE(refusal(e.state, e.root_admin, e.now, DeleteOrg{e.europe}));
  CHECK(e.state.org(e.europe) != nullptr);
  // Without the Organizations privilege the refusal says so.
  CHECK(refusal(e.state, e.accounts_admin, e.now, DeleteOrg{e.europe}));
}

TEST_CASE("policies show the value in force and where it comes from") {
  Enterprise e;
  REQUIRE(e.run(e.root_admin, SetPolicy{e.root, std::string(policy::kSocialMessaging), Json(true)}));
  REQUIRE(e.run(e.root_admin, SetPolicy{e.retail, std::string(policy::kUtilizationThreshold), Json(60)}));
  auto row = [&](OrgId org, std::string_view key) {
    for (const PolicyRow& r : policy_rows(e.state, org)) {
      if (r.def->key == key) return r;
    }
    FAIL("no row for " << key);
    return PolicyRow{};
  };
  CHECK(row(e.europe, policy::kSocialMessaging).value == "On");
  CHECK(row(e.europe, policy::kSocialMessaging).source == "Inherited from ABC Banking Corporation");
  CHECK(row(e.root, policy::kSocialMessaging).source == "Set here");
  CHECK(row(e.root, policy::kSocialMessaging).set_here);
  CHECK(row(e.europe, policy::kUtilizationThreshold).value == "60");
  CHECK(row(e.europe, policy::kUtilizationThreshold).source == "Inherited from Retail Bank");
  CHECK(row(e.finance, policy::kUtilizationThreshold).value == "80");
  CHECK(row(e.finance, policy::kUtilizationThreshold).source == "Default");
  CHECK(policy_rows(e.state, e.root).size() == policy_defs().size());
}

TEST_CASE("the numbers table follows filters and the state, and allocation targets the tree") {
  Enterprise e;
  e.add_numbers(e.root, 10);
  NumbersTable t;
  NumberQuery q;
  q.org = e.root;
  CHECK(t.refresh(e.state, q));
  CHECK(t.rows().size() == 10);
  CHECK_FALSE(t.refresh(e.state, q));  // nothing changed: not rebuilt
  REQUIRE(e.run(e.root_admin, AllocateNumbers{e.retail, e.root, {}, 4}));
  CHECK(t.refresh(e.state, q));
  CHECK(t.rows().size() == 10);  // with sub-organizations
  q.include_suborgs = false;
  t.refresh(e.state, q);
  CHECK(t.rows().size() == 6);
  q.include_suborgs = true;
  q.org = e.retail;
  t.refresh(e.state, q);
  CHECK(t.rows().size() == 4);
  q.text = "00001";
  t.refresh(e.state, q);
  CHECK(t.rows().size() == 1);
  q.text.clear();
  q.state = NumberState::kReserved;
  t.refresh(e.state, q);
  CHECK(t.rows().empty());

  const auto targets = allocation_targets(e.state, e.retail);
  REQUIRE(targets.size() == 3);
  CHECK(targets[0] == e.root);  // give back to the parent first
  CHECK(e.state.org(targets[1])->name == "Europe");
  CHECK(allocation_targets(e.state, e.root).size() == 6);
  // The Allocate button is disabled with the core's reason when the pool is short.
  auto why = refusal(e.state, e.root_admin, e.now, AllocateNumbers{e.europe, e.retail, {}, 5});
  REQUIRE(why);
  CHECK(why->field == "count");
}

TEST_CASE("a numbers file reads with or without a header, keeping lines and tags") {
  auto with_header = number_entries_from_csv("Number;Tag\r\n+39 06 1234 5678;PORTED\r\n\r\n390612345679;\r\n");
  REQUIRE(with_header);
  REQUIRE(with_header->size() == 2);
  CHECK((*with_header)[0].number == "+39 06 1234 5678");
  CHECK((*with_header)[0].tag == "PORTED");
  CHECK((*with_header)[0].line == 2);
  CHECK((*with_header)[1].line == 4);
  auto bare = number_entries_from_csv("+390612345678\n+390612345679\n");
  REQUIRE(bare);
  CHECK(bare->size() == 2);
  CHECK((*bare)[0].line == 1);
  CHECK_FALSE(number_entries_from_csv("\"unterminated\n"));
}

TEST_CASE("people: administrators of a subtree, usable roles, groups and designated candidates") {
  Enterprise e;
  std::vector<std::string> emails;
  for (const Administrator* a : admins_in_subtree(e.state, e.retail)) emails.push_back(a->email);
  CHECK(emails == std::vector<std::string>{"retail@abc.example"});
  CHECK(admins_in_subtree(e.state, e.root).size() == 4);
  REQUIRE(e.run(e.root_admin, SaveRole{RoleId(), e.retail, "Branch manager", PrivilegeSet().add(Privilege::kAccounts)}));
  std::vector<std::string> roles;
  for (const Role* r : usable_roles(e.state, e.europe)) roles.push_back(r->name);
  CHECK(roles == std::vector<std::string>{"Accounts only", "Branch manager", "Enterprise Administrator", "Numbers only"});
  CHECK(usable_roles(e.state, e.operations).size() == 3);
  CHECK(groups_of(e.state, e.retail).size() == 1);
  CHECK(groups_of(e.state, e.europe).empty());
  // Designated administrators of Europe: those of Europe or above it.
  std::vector<std::string> candidates;
  for (const Administrator* a : designated_candidates(e.state, e.europe)) candidates.push_back(a->email);
  CHECK(candidates.size() == 4);
  CHECK(designated_candidates(e.state, e.operations).size() == 3);
  CHECK(privilege_summary(PrivilegeSet().add(Privilege::kAccounts).add(Privilege::kReports)) == "Accounts, Reports");
  CHECK(privilege_summary(PrivilegeSet{}) == "No privileges");
}

TEST_CASE("the profile form sends only what changed, and the core checks it") {
  Enterprise e;
  const Administrator me = *e.state.admin(e.root_admin);
  ProfileForm f = profile_form(me);
  CHECK(profile_command(me, f) == EditProfile{});
  f.first_name = "Zoë";
  f.time_zone = " America/New_York ";
  const EditProfile c = profile_command(me, f);
  CHECK(c.first_name == std::optional<std::string>("Zoë"));
  CHECK(c.time_zone == std::optional<std::string>("America/New_York"));
  CHECK_FALSE(c.last_name);
  CHECK_FALSE(refusal(e.state, e.root_admin, e.now, c));
  f.phone = "not a phone";
  auto why = refusal(e.state, e.root_admin, e.now, profile_command(me, f));
  REQUIRE(why);
  CHECK(why->field == "phone");
  f.phone.clear();
  f.photo = "data:text/html;base64,PGI+";
  why = refusal(e.state, e.root_admin, e.now, profile_command(me, f));
  REQUIRE(why);
  CHECK(why->field == "photo");
}

TEST_CASE("the invitation preview fills the template being edited with an example user") {
  Enterprise e;
  e.add_numbers(e.retail, 1);
  const RenderedMail m = invitation_preview(e.state, e.retail, "Line for {name}\nat {organization}",
                                            "Hi {name}, your number is {number}. {link} {unknown}");
  CHECK(m.subject == "Line for Alex Example at Retail Bank");  // no line break in a subject
  CHECK(m.body.find("Hi Alex Example, your number is +390600000001.") == 0);
  CHECK(m.body.find("{unknown}") != std::string::npos);
  const RenderedMail none = invitation_preview(e.state, e.europe, "{number}", "");
  CHECK(none.subject == "a number you choose when you activate");
}

TEST_CASE("the activity filter becomes the report's query, naming a wrong date") {
  auto p = activity_path(ActivityFilter{"Zoë@Example.com", "add_account", "a&b", "2026-11-01", "2026-11-30"}, false);
  REQUIRE(p);
  CHECK(*p == "/api/reports/activity?admin=Zo%C3%AB%40Example.com&action=add_account&q=a%26b"
              "&from=1793491200000&to=1796083200000");
  CHECK(activity_path(ActivityFilter{}, true).value() == "/api/reports/activity.csv");
  auto bad = activity_path(ActivityFilter{"", "", "", "2026-02-30", ""}, false);
  REQUIRE_FALSE(bad);
  CHECK(bad.error().field == "from");
  CHECK(bad.error().message.find("2026-02-30") != std::string::npos);
  auto reversed = activity_path(ActivityFilter{"", "", "", "2026-11-05", "2026-11-04"}, false);
  REQUIRE_FALSE(reversed);
  CHECK(reversed.error().field == "to");
  CHECK(activity_path(ActivityFilter{"", "", "", "", "11/05/2026"}, false).error().field == "to");
}

TEST_CASE("dashboard texts: usage amounts, headings, chart axis and cycle names") {
  CHECK(usage_text(UsageKind::kVoice, 0) == "0 min");
  CHECK(usage_text(UsageKind::kVoice, 61) == "2 min");  // billable: a started minute counts
  CHECK(usage_text(UsageKind::kVoice, 7'500'000) == "125,000 min");
  CHECK(usage_text(UsageKind::kMessage, 1) == "1 message");
  CHECK(usage_text(UsageKind::kMessage, 1204) == "1,204 messages");
  CHECK(usage_text(UsageKind::kData, 340'500'000) == "340.5 MB");
  CHECK(usage_text(UsageKind::kData, 1'250'000'000) == "1.2 GB");
  CHECK(usage_heading(UsageKind::kVoice) == "Voice Usage for The Current Cycle");
  CHECK(usage_heading(UsageKind::kMessage) == "Message Usage for The Current Cycle");
  CHECK(usage_heading(UsageKind::kData) == "Data Usage for The Current Cycle");
  CHECK(usage_axis_value(UsageKind::kVoice, 90) == Approx(1.5));
  CHECK(axis_top(0) == 1.0);
  CHECK(axis_top(7) == 10.0);
  CHECK(axis_top(10) == 10.0);
  CHECK(axis_top(11) == 20.0);
  CHECK(axis_top(0.3) == Approx(0.5));
  CHECK(axis_top(4321) == 5000.0);
  CHECK(cycle_name(Cycle{0, 0, 2026, 11, 30}) == "November 2026");
  CHECK(cycle_name(Cycle{}) == "");
}

TEST_CASE("refusals are remembered until the state changes") {
  Enterprise e;
  e.add_account(e.europe, "eu1");
  RefusalCache cache;
  CHECK(cache.get(e.state, e.root_admin, e.now, DeleteOrg{e.europe}).has_value());
  CHECK(cache.get(e.state, e.root_admin, e.now, DeleteOrg{e.europe}).has_value());
  CHECK_FALSE(cache.get(e.state, e.root_admin, e.now, DeleteOrg{e.finance}).has_value());
  CHECK(cache.checks() == 2);
  // Another administrator asks afresh; so does everyone once the state moved.
  CHECK(cache.get(e.state, e.accounts_admin, e.now, DeleteOrg{e.finance}).has_value());
  CHECK(cache.checks() == 3);
  const AccountId eu1 = e.state.account_by_key("eu1")->id;
  REQUIRE(e.run(e.root_admin, DeleteAccounts{{eu1}}));
  CHECK_FALSE(cache.get(e.state, e.root_admin, e.now, DeleteOrg{e.europe}).has_value());
  CHECK(cache.checks() == 4);
}
