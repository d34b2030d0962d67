// Audit completeness (issue 9): every kind of command, applied, leaves an Admin Activity Report
// entry with its time, actor, organization, target and a before and/or after value; the table
// below holds one applied command of every alternative of CommandArgs, so a new command kind
// without an audit entry fails here.
#include <catch2/catch.hpp>

#include <set>

#include "fixtures.hpp"
#include "shared/activity.hpp"

using namespace linedesk;
using namespace linedesk::test;

namespace {

// kNone: deliberately not in the Admin Activity Report (see the step).
enum class Audited { kBefore, kAfter, kBoth, kNone };

struct Step {
  std::function<CommandArgs(Enterprise&)> make;  // built when it runs: ids made by earlier steps
  Audited values;
  bool system = false;
  AdminId actor{21};
};

}  // namespace

TEST_CASE("every kind of command leaves an activity entry with time, actor, organization, target and values") {
  Enterprise e;
  e.add_numbers(e.root, 10);
  e.add_numbers(e.retail, 5, 390700000001);
  e.add_numbers(e.operations, 3, 390800000001);
  const AccountId alice = e.add_account(e.retail, "alice@example.com", /*invite=*/true);
  const AccountId bob = e.add_account(e.retail, "bob@example.com");
  const AccountId carol = e.add_account(e.retail, "carol@example.com", /*invite=*/true);
  OrgId created;
  PermGroupId group;
  RoleId role;
  AdminId invited;

  auto invitation_of = [&e](AccountId a) { return e.account(a).invitation; };
  auto free_number = [&e](OrgId org = OrgId(1)) {
    for (const auto& [id, n] : e.state.numbers()) {
      if (n.state == NumberState::kAvailable && n.org == org) return n.e164;
    }
    return std::string();
  };

  const std::vector<std::pair<std::string, Step>> steps = {
      {"create_org", {[&](Enterprise& x) { return CommandArgs(CreateOrg{x.retail, "Branch Two", ""}); }, Audited::kAfter}},
      {"edit_org", {[&](Enterprise&) { return CommandArgs(EditOrg{created, std::string("Branch 2"), std::nullopt}); }, Audited::kBoth}},
      {"set_policy", {[&](Enterprise& x) { return CommandArgs(SetPolicy{x.retail, "social_messaging", Json(true)}); }, Audited::kAfter}},
      {"set_threshold", {[&](Enterprise& x) { return CommandArgs(SetThreshold{x.retail, 75}); }, Audited::kAfter}},
      {"add_account", {[&](Enterprise& x) {
                         AddAccount c;
                         c.org = x.retail;
                         c.fields = basic_fields("dave@example.com");
                         return CommandArgs(c);
                       }, Audited::kAfter}},
      {"edit_account", {[&](Enterprise&) {
                          EditAccount c;
                          c.account = bob;
                          c.fields.notes = "line one\r\nline two";
                          return CommandArgs(c);
                        }, Audited::kBoth}},
      {"invite_accounts", {[&](Enterprise&) { return CommandArgs(InviteAccounts{{bob}}); }, Audited::kAfter}},
      {"import_numbers", {[&](Enterprise&) { return CommandArgs(ImportNumbers{{{"+39 06 1234 5678", "", 2}}}); }, Audited::kAfter}},
      {"allocate_numbers", {[&](Enterprise& x) { return CommandArgs(AllocateNumbers{x.retail, x.root, {}, 3}); }, Audited::kAfter}},
      {"assign_number", {[&](Enterprise& x) {
                           std::string n;
                           for (const auto& [id, num] : x.state.numbers()) {
                             if (num.state == NumberState::kAvailable && num.org == x.retail) n = num.e164;
                           }
                           return CommandArgs(AssignNumber{bob, n, "", AccountId()});
                         }, Audited::kBoth}},
      {"unassign_number", {[&](Enterprise&) { return CommandArgs(UnassignNumber{bob}); }, Audited::kBoth}},
      {"reserve_numbers", {[&](Enterprise&) { return CommandArgs(ReserveNumbers{{free_number()}, "VIP"}); }, Audited::kAfter}},
      {"release_numbers", {[&](Enterprise& x) {
                             std::string n;
                             for (const auto& [id, num] : x.state.numbers()) {
                               if (num.state == NumberState::kReserved) n = num.e164;
                             }
                             return CommandArgs(ReleaseNumbers{{n}});
                           }, Audited::kBefore}},
      {"record_invitation_sent", {[&](Enterprise&) { return CommandArgs(RecordInvitationSent{invitation_of(alice)}); }, Audited::kAfter, true}},
      {"record_invitation_failed", {[&](Enterprise&) { return CommandArgs(RecordInvitationFailed{invitation_of(carol), "mailbox\r\nfull"}); }, Audited::kAfter, true}},
      {"activate_account", {[&](Enterprise&) { return CommandArgs(ActivateAccount{invitation_of(alice), free_number(e.retail)}); }, Audited::kAfter, true}},
      // A user's app signing in is not an administrator's action: it goes to the account's Last
      // Sign In and Applications Activity History (seed 001), not to the administrators' report.
      {"record_app_activity", {[&](Enterprise& x) { return CommandArgs(RecordAppActivity{alice, "LineDesk", "iOS", x.now}); }, Audited::kNone, true}},
      {"move_accounts", {[&](Enterprise& x) { return CommandArgs(MoveAccounts{{bob}, x.operations}); }, Audited::kBoth}},
      {"save_permission_group", {[&](Enterprise& x) {
                                   SavePermissionGroup g;
                                   g.org = x.retail;
                                   g.name = "Night shift";
                                   return CommandArgs(g);
                                 }, Audited::kAfter}},
      {"delete_permission_group", {[&](Enterprise&) { return CommandArgs(DeletePermissionGroup{group}); }, Audited::kBefore}},
      {"save_role", {[&](Enterprise& x) {
                       SaveRole r;
                       r.org = x.root;
                       r.name = "Clerk";
                       r.privileges.add(Privilege::kAccounts);
                       return CommandArgs(r);
                     }, Audited::kAfter}},
      {"invite_admin", {[&](Enterprise& x) { return CommandArgs(InviteAdmin{x.retail, x.full_role, "eve@example.com", "Eve", "Adams"}); }, Audited::kAfter}},
      {"edit_admin", {[&](Enterprise&) { return CommandArgs(EditAdmin{invited, role, OrgId()}); }, Audited::kBoth}},
      {"remove_admin", {[&](Enterprise&) { return CommandArgs(RemoveAdmin{invited}); }, Audited::kBefore}},
      {"delete_role", {[&](Enterprise&) { return CommandArgs(DeleteRole{role}); }, Audited::kBefore}},
      {"edit_profile", {[&](Enterprise&) {
                          EditProfile p;
                          p.address = "Via Roma 1\r\n00100 Roma";
                          return CommandArgs(p);
                        }, Audited::kBoth}},
      {"import_batch", {[&](Enterprise& x) {
                          ImportBatch b;
                          b.org = x.retail;
                          b.permission_group = x.default_group;
                          b.file_name = "people.csv";
                          b.csv = "firstname,lastname,email address or device,social_messaging,monitor_calls,monitor_sms\r\n"
                                  "Frank,Lee,frank@example.com,No,off,off\r\n";
                          return CommandArgs(b);
                        }, Audited::kAfter}},
      {"delete_accounts", {[&](Enterprise&) { return CommandArgs(DeleteAccounts{{bob}}); }, Audited::kBefore}},
      {"delete_org", {[&](Enterprise&) { return CommandArgs(DeleteOrg{created}); }, Audited::kBefore}},
  };

  std::set<std::size_t> kinds;
  for (const auto& [name, step] : steps) {
    CAPTURE(name);
    const CommandArgs args = step.make(e);
    REQUIRE(command_name(args) == name);
    kinds.insert(args.index());
    e.now += 60'000;
    auto r = step.system ? e.system(args) : e.run(step.actor, args);
    if (!r) FAIL(r.error().message);
    if (step.values == Audited::kNone) {
      CHECK(r->activity.empty());
      CHECK_FALSE(r->puts.empty());
      continue;
    }
    REQUIRE_FALSE(r->activity.empty());
    bool values_seen = false;
    for (const ActivityEntry& a : r->activity) {
      CAPTURE(a.action, a.target, a.summary);
      CHECK(a.at_ms == e.now);  // UTC milliseconds, as the command ran
      CHECK(a.org.valid());
      CHECK_FALSE(a.action.empty());
      CHECK_FALSE(a.target.empty());
      CHECK_FALSE(a.summary.empty());
      if (step.system) {
        CHECK_FALSE(a.admin.valid());
      } else {
        CHECK(a.admin == step.actor);
        CHECK(a.admin_email == e.state.admin(step.actor)->email);
      }
      const bool before = !a.before.empty();
      const bool after = !a.after.empty();
      if ((step.values == Audited::kBefore && before) || (step.values == Audited::kAfter && after) ||
          (step.values == Audited::kBoth && before && after)) {
        values_seen = true;
      }
      // Before/after are one-line JSON: a CR or LF in a value is escaped, never raw.
      for (const std::string* v : {&a.before, &a.after}) {
        CHECK(v->find('\r') == std::string::npos);
        CHECK(v->find('\n') == std::string::npos);
        if (!v->empty()) CHECK(parse_json(*v));
      }
    }
    CHECK(values_seen);
    if (name == "edit_account") {
      // A value holding CR/LF is kept whole, escaped in the JSON, so the report shows it exactly.
      CHECK(r->activity.front().after.find("line one\\r\\nline two") != std::string::npos);
    }
    // Remember what later steps act on.
    for (const Entity& put : r->puts) {
      if (const auto* o = std::get_if<Organization>(&put); o && name == "create_org") created = o->id;
      if (const auto* g = std::get_if<PermissionGroup>(&put); g && name == "save_permission_group") group = g->id;
      if (const auto* ro = std::get_if<Role>(&put); ro && name == "save_role") role = ro->id;
      if (const auto* ad = std::get_if<Administrator>(&put); ad && name == "invite_admin") invited = ad->id;
    }
  }
  CHECK(kinds.size() == std::variant_size_v<CommandArgs>);
}

TEST_CASE("an edit's activity entry shows only what changed") {
  Enterprise e;
  const AccountId bob = e.add_account(e.retail, "bob@example.com");
  EditAccount edit;
  edit.account = bob;
  edit.fields.notes = "moved to the Milan desk";
  edit.fields.forwarding_number = "+39 06 5555 1234";
  e.now += 60'000;
  auto r = e.run(AdminId(21), edit);
  REQUIRE(r);
  REQUIRE(r->activity.size() == 1);
  const ActivityEntry& a = r->activity.front();
  const Json before = parse_json(a.before).value();
  const Json after = parse_json(a.after).value();
  // The record's id and exactly the two changed fields, old on the left and new on the right;
  // the record's bookkeeping (version, updated time) and everything unchanged stay out.
  CHECK(before == Json{{"id", bob.value}, {"notes", ""}, {"forwarding_number", ""}});
  CHECK(after["id"] == bob.value);
  CHECK(after["notes"] == "moved to the Milan desk");
  CHECK(after.size() == 3);
  CHECK(after.contains("forwarding_number"));
  CHECK_FALSE(after.contains("first_name"));
  CHECK_FALSE(after.contains("version"));

  SECTION("an organization renamed shows its old and new name only") {
    const std::string old_name = e.state.org(e.retail)->name;
    EditOrg rename;
    rename.org = e.retail;
    rename.name = "Retail North";
    auto rr = e.run(AdminId(21), rename);
    REQUIRE(rr);
    REQUIRE(rr->activity.size() == 1);
    CHECK(parse_json(rr->activity.front().before).value() == Json{{"id", e.retail.value}, {"name", old_name}});
    CHECK(parse_json(rr->activity.front().after).value() == Json{{"id", e.retail.value}, {"name", "Retail North"}});
  }

  SECTION("values that are not one record's two versions are kept whole") {
    // Allocating numbers: the same numbers on both sides, which organization changed. Dropping
    // the unchanged list would lose what was moved.
    e.add_numbers(e.root, 3);
    std::vector<std::string> numbers;
    for (const auto& [id, n] : e.state.numbers()) {
      if (n.org == e.root && n.state == NumberState::kAvailable) numbers.push_back(n.e164);
    }
    REQUIRE(numbers.size() >= 2);
    numbers.resize(2);
    auto ar = e.run(AdminId(21), AllocateNumbers{e.retail, e.root, numbers, 0});
    REQUIRE(ar);
    REQUIRE(ar->activity.size() == 1);
    const Json moved_before = parse_json(ar->activity.front().before).value();
    const Json moved_after = parse_json(ar->activity.front().after).value();
    CHECK(moved_before.dump().find(numbers[0]) != std::string::npos);
    CHECK(moved_after.dump().find(numbers[0]) != std::string::npos);
    CHECK(moved_after.dump().find(numbers[1]) != std::string::npos);
  }
}
