// The test enterprise.
#include "fixtures.hpp"

#include <catch2/catch.hpp>

#include "shared/api.hpp"

namespace linedesk::test {

std::string e164(std::int64_t digits) { return "+" + std::to_string(digits); }

PullResponse snapshot_of(const Enterprise& e, std::int64_t version) {
  PullResponse snap;
  snap.protocol = kProtocolVersion;
  snap.version = version;
  snap.snapshot = true;
  snap.scope = e.root;
  for (const auto& [id, o] : e.state.orgs().all()) snap.puts.emplace_back(o);
  for (const auto& [id, v] : e.state.admins()) snap.puts.emplace_back(v);
  for (const auto& [id, v] : e.state.roles()) snap.puts.emplace_back(v);
  for (const auto& [id, v] : e.state.groups()) snap.puts.emplace_back(v);
  for (const auto& [id, v] : e.state.accounts()) snap.puts.emplace_back(v);
  for (const auto& [id, v] : e.state.numbers()) snap.puts.emplace_back(v);
  for (const auto& [id, v] : e.state.invitations()) snap.puts.emplace_back(v);
  return snap;
}

AccountInput basic_fields(const std::string& account_id) {
  AccountInput in;
  in.account_id = account_id;
  in.first_name = "Zoë";
  in.last_name = "Müller";
  in.invite_address = account_id.find('@') != std::string::npos ? account_id
                                                                   : account_id + "@example.com";
  return in;
}

Enterprise::Enterprise() {
  auto org = [&](OrgId id, OrgId parent, const char* name) {
    state.put(Organization{id, parent, name, "", {}, 0});
  };
  org(root, OrgId(), "ABC Banking Corporation");
  org(retail, root, "Retail Bank");
  org(operations, root, "Operations");
  org(north_america, retail, "North America");
  org(europe, retail, "Europe");
  org(finance, operations, "Finance");
  org(hr, operations, "Human Resources");

  state.put(Role{full_role, root, "Enterprise Administrator", PrivilegeSet::all()});
  state.put(Role{accounts_role, root, "Accounts only", PrivilegeSet().add(Privilege::kAccounts)});
  state.put(Role{numbers_role, root, "Numbers only", PrivilegeSet().add(Privilege::kNumbers)});
  auto admin = [&](AdminId id, OrgId at, RoleId role, const char* email) {
    Administrator a;
    a.id = id;
    a.org = at;
    a.role = role;
    a.email = email;
    a.time_zone = "Europe/Rome";
    state.put(a);
  };
  admin(root_admin, root, full_role, "root@abc.example");
  admin(retail_admin, retail, full_role, "retail@abc.example");
  admin(accounts_admin, root, accounts_role, "accounts@abc.example");
  admin(numbers_admin, root, numbers_role, "numbers@abc.example");

  PermissionGroup g;
  g.id = default_group;
  g.org = root;
  g.name = "Default User Permissions";
  g.is_default = true;
  state.put(g);
  g.id = retail_group;
  g.org = retail;
  g.name = "Retail tellers";
  g.is_default = false;
  state.put(g);
}

Result<Changes> Enterprise::run(AdminId actor, const CommandArgs& args) {
  Context ctx{actor, now, seed_from("cmd-" + std::to_string(++sequence)), false};
  return execute(state, ctx, args);
}

Result<Changes> Enterprise::check(AdminId actor, const CommandArgs& args) const {
  Context ctx{actor, now, seed_from("check"), false};
  return validate(state, ctx, args);
}

Result<Changes> Enterprise::system(const CommandArgs& args) {
  Context ctx{AdminId(), now, seed_from("sys-" + std::to_string(++sequence)), true};
  return execute(state, ctx, args);
}

std::string Enterprise::add_numbers(OrgId org, int count, std::int64_t first) {
  for (int i = 0; i < count; ++i) {
    Number n;
    n.id = NumberId(first + i);
    n.e164 = e164(first + i);
    n.org = org;
    n.state = NumberState::kAvailable;
    state.put(n);
  }
  return e164(first);
}

AccountId Enterprise::add_account(OrgId org, const std::string& account_id, bool invite,
                                  const std::string& number) {
  AddAccount c;
  c.org = org;
  c.fields = basic_fields(account_id);
  c.number = number;
  c.invite = invite;
  auto r = run(root_admin, c);
  INFO(account_id << ": " << (r ? std::string() : r.error().message));
  REQUIRE(r);
  return AccountId(r->result["account"].get<std::int64_t>());
}

const Number& Enterprise::number(const std::string& text) const {
  const Number* n = state.number(number_id_of(text));
  REQUIRE(n);
  return *n;
}

}  // namespace linedesk::test
