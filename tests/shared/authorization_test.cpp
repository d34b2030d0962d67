// Every command checks the acting administrator's privilege and that its target lies in the
// administrator's subtree; targets elsewhere are "not found", never described.
#include <catch2/catch.hpp>

#include "fixtures.hpp"

using namespace linedesk;
using namespace linedesk::test;

namespace {

struct Probe {
  const char* name;
  Privilege privilege;
  CommandArgs args;  // aimed at Operations (outside Retail Bank's subtree)
};

}  // namespace

TEST_CASE("each command needs its privilege and stays inside the administrator's subtree") {
  Enterprise e;
  e.add_numbers(e.operations, 3);
  e.add_numbers(e.root, 3, 390800000001);
  const AccountId ops_account = e.add_account(e.operations, "ops-user", false, e164(390600000001));
  AddAccount add;
  add.org = e.operations;
  add.fields = basic_fields("new-user");
  EditAccount edit;
  edit.account = ops_account;
  edit.fields.notes = "x";
  const std::vector<Probe> probes = {
      {"create_org", Privilege::kOrganizations, CreateOrg{e.operations, "Legal", ""}},
      {"edit_org", Privilege::kOrganizations, EditOrg{e.finance, std::string("Fin"), std::nullopt}},
      {"delete_org", Privilege::kOrganizations, DeleteOrg{e.hr}},
      {"set_policy", Privilege::kSettings, SetPolicy{e.operations, "clare", Json(true)}},
      {"set_threshold", Privilege::kSettings, SetThreshold{e.operations, 50}},
      {"add_account", Privilege::kAccounts, add},
      {"edit_account", Privilege::kAccounts, edit},
      {"delete_accounts", Privilege::kAccounts, DeleteAccounts{{ops_account}}},
      {"invite_accounts", Privilege::kAccounts, InviteAccounts{{ops_account}}},
      {"move_accounts", Privilege::kAccounts, MoveAccounts{{ops_account}, e.finance}},
      {"unassign_number", Privilege::kAccounts, UnassignNumber{ops_account}},
      {"allocate_numbers", Privilege::kNumbers, AllocateNumbers{e.finance, e.operations, {}, 1}},
      {"reserve_numbers", Privilege::kNumbers, ReserveNumbers{{e164(390600000002)}, "T"}},
      {"release_numbers", Privilege::kNumbers, ReleaseNumbers{{e164(390600000002)}}},
      {"save_permission_group", Privilege::kSettings,
       SavePermissionGroup{PermGroupId(), e.operations, "Ops", ""}},
      {"save_role", Privilege::kAdministrators,
       SaveRole{RoleId(), e.operations, "Ops role", PrivilegeSet().add(Privilege::kAccounts)}},
      {"invite_admin", Privilege::kAdministrators,
       InviteAdmin{e.operations, e.accounts_role, "new@abc.example", "", ""}},
      {"import_batch", Privilege::kAccounts,
       ImportBatch{e.operations, PermGroupId(), BatchMode::kImport, "a.csv",
                   "email address or device,social_messaging,monitor_calls,monitor_sms\n"
                   "x@example.com,No,off,off\n",
                   false}},
  };
  for (const Probe& p : probes) {
    CAPTURE(p.name);
    // The enterprise administrator may.
    CHECK(e.check(e.root_admin, p.args));
    // A Retail Bank administrator (every privilege) cannot reach Operations.
    auto sibling = e.check(e.retail_admin, p.args);
    REQUIRE_FALSE(sibling);
    CHECK((sibling.error().code == "not_found" || sibling.error().code == "number_not_found"));
    CHECK(sibling.error().message.find("Operations") == std::string::npos);
    CHECK(sibling.error().message.find("ops-user") == std::string::npos);
    // An administrator without the privilege is refused, naming the privilege.
    const AdminId lacking = p.privilege == Privilege::kAccounts ? e.numbers_admin : e.accounts_admin;
    auto refused = e.check(lacking, p.args);
    REQUIRE_FALSE(refused);
    CHECK(refused.error().code == "forbidden");
    CHECK(refused.error().message.find(std::string(privilege_label(p.privilege))) !=
          std::string::npos);
  }
}

TEST_CASE("a removed administrator's queued commands are refused") {
  Enterprise e;
  REQUIRE(e.run(e.root_admin, RemoveAdmin{e.retail_admin}));
  auto r = e.check(e.retail_admin, CreateOrg{e.retail, "X", ""});
  REQUIRE_FALSE(r);
  CHECK(r.error().code == "unknown_admin");
}

TEST_CASE("roles cannot grant more than the granting administrator holds") {
  Enterprise e;
  REQUIRE(e.run(e.root_admin, SaveRole{RoleId(), e.root, "Accounts + Reports",
                                       PrivilegeSet().add(Privilege::kAccounts).add(Privilege::kReports)}));
  // An administrator with only Administrators + Accounts cannot create a Numbers role.
  auto limited = e.run(e.root_admin, SaveRole{RoleId(), e.root, "Admin manager",
                                              PrivilegeSet()
                                                  .add(Privilege::kAdministrators)
                                                  .add(Privilege::kAccounts)});
  REQUIRE(limited);
  const RoleId manager_role(limited->result["role"].get<std::int64_t>());
  auto invited = e.run(e.root_admin, InviteAdmin{e.root, manager_role, "mgr@abc.example", "M", "G"});
  REQUIRE(invited);
  const AdminId manager(invited->result["admin"].get<std::int64_t>());
  auto r = e.check(manager, SaveRole{RoleId(), e.root, "Numbers role",
                                     PrivilegeSet().add(Privilege::kNumbers)});
  REQUIRE_FALSE(r);
  CHECK(r.error().code == "privilege_escalation");
  CHECK(r.error().message.find("Numbers") != std::string::npos);
  auto assign = e.check(manager, InviteAdmin{e.root, e.full_role, "x@abc.example", "", ""});
  REQUIRE_FALSE(assign);
  CHECK(assign.error().code == "privilege_escalation");
}

TEST_CASE("administrators: invite, change role, remove; never oneself") {
  Enterprise e;
  auto r = e.run(e.root_admin, InviteAdmin{e.europe, e.accounts_role, "Eve@ABC.example", "Eve", ""});
  REQUIRE(r);
  const AdminId eve(r->result["admin"].get<std::int64_t>());
  CHECK(e.state.admin(eve)->email == "eve@abc.example");
  REQUIRE(r->notifications.size() == 1);
  CHECK(r->notifications[0].kind == Notification::Kind::kAdminInvitation);
  auto dup = e.check(e.root_admin, InviteAdmin{e.root, e.accounts_role, "eve@abc.example", "", ""});
  REQUIRE_FALSE(dup);
  CHECK(dup.error().code == "admin_email_taken");
  REQUIRE(e.run(e.root_admin, EditAdmin{eve, e.numbers_role, OrgId()}));
  CHECK(e.state.admin(eve)->role == e.numbers_role);
  auto self = e.check(e.root_admin, EditAdmin{e.root_admin, e.accounts_role, OrgId()});
  REQUIRE_FALSE(self);
  CHECK(self.error().code == "cannot_edit_self");
  auto remove_self = e.check(e.root_admin, RemoveAdmin{e.root_admin});
  REQUIRE_FALSE(remove_self);
  CHECK(remove_self.error().code == "cannot_remove_self");
  REQUIRE(e.run(e.root_admin, RemoveAdmin{eve}));
  CHECK(e.state.admin(eve) == nullptr);
}

TEST_CASE("permission groups: one default per organization, names unique, in-use kept") {
  Enterprise e;
  auto r = e.run(e.root_admin, SavePermissionGroup{PermGroupId(), e.root, "Executives", "", true});
  REQUIRE(r);
  const PermGroupId exec(r->result["permission_group"].get<std::int64_t>());
  CHECK(e.state.group(exec)->is_default);
  CHECK_FALSE(e.state.group(e.default_group)->is_default);
  CHECK(e.state.default_group(e.hr) == exec);
  CHECK(e.state.default_group(e.europe) == exec);  // Retail's own group is not a default

  auto undefault = e.check(e.root_admin, SavePermissionGroup{exec, e.root, "Executives", "", false});
  REQUIRE_FALSE(undefault);
  CHECK(undefault.error().code == "default_required");
  auto dup = e.check(e.root_admin,
                     SavePermissionGroup{PermGroupId(), e.root, "executives", "", false});
  REQUIRE_FALSE(dup);
  CHECK(dup.error().code == "group_name_taken");

  e.add_account(e.root, "zoe");
  auto in_use = e.check(e.root_admin, DeletePermissionGroup{exec});
  REQUIRE_FALSE(in_use);
  CHECK(in_use.error().code == "group_is_default");
  REQUIRE(e.run(e.root_admin,
                SavePermissionGroup{e.default_group, e.root, "Default User Permissions", "", true}));
  auto used = e.check(e.root_admin, DeletePermissionGroup{exec});
  REQUIRE_FALSE(used);
  CHECK(used.error().code == "group_in_use");
}

TEST_CASE("profile edits are validated; the photo is an image") {
  Enterprise e;
  EditProfile ok;
  ok.first_name = "Zoë";
  ok.phone = "+39 06 1234 5678";
  ok.time_zone = "America/Argentina/Buenos_Aires";
  ok.photo = "data:image/png;base64,iVBORw0KGgo=";
  REQUIRE(e.run(e.root_admin, ok));
  const Administrator& a = *e.state.admin(e.root_admin);
  CHECK(a.first_name == "Zoë");
  CHECK(a.phone == "+390612345678");
  struct Case {
    const char* rule;
    EditProfile p;
    const char* code;
  };
  EditProfile tz;
  tz.time_zone = "Mars/Olympus Mons";
  EditProfile photo;
  photo.photo = "data:text/html;base64,PHNjcmlwdD4=";
  EditProfile phone;
  phone.phone = "call me";
  for (const auto& c : std::vector<Case>{{"time zone", tz, "invalid_time_zone"},
                                         {"photo type", photo, "invalid_photo"},
                                         {"phone", phone, "invalid_number"}}) {
    CAPTURE(c.rule);
    auto r = e.check(e.root_admin, c.p);
    REQUIRE_FALSE(r);
    CHECK(r.error().code == c.code);
  }
}
