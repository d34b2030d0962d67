// Organization commands: create, edit, delete (seed 004 "Manage Organizations"), policies and
// the utilization threshold.
#include <algorithm>
#include <unordered_set>

#include "commands.hpp"
#include "text.hpp"

namespace linedesk::commands {
namespace {

// Sibling names are unique (case-insensitive), so the navigator never shows two alike.
Status check_sibling_name(const CommandContext& cc, OrgId parent, OrgId self,
                          const std::string& name) {
  const std::string key = ascii_lower(trim(name));
  for (OrgId sibling : cc.state.orgs().children(parent)) {
    const Organization* o = cc.state.org(sibling);
    if (o && o->id != self && ascii_lower(trim(o->name)) == key) {
      return make_error("org_name_taken", "name",
                        "\"" + o->name + "\" already has a sibling organization of that name.");
    }
  }
  return {};
}

Status check_description(const std::string& d) {
  if (!is_valid_utf8(d) || utf8_length(d) > 500) {
    return make_error("too_long", "description",
                      "The description must be text of at most 500 characters.");
  }
  return {};
}

}  // namespace

Status run(CommandContext& cc, const CreateOrg& c) {
  if (auto s = cc.require(Privilege::kOrganizations, c.parent, "parent organization"); !s) return s;
  const std::string name(trim(c.name));
  if (auto s = check_display_text(name, "name", "Organization name", kMaxOrgNameLength); !s) return s;
  if (auto s = check_description(c.description); !s) return s;
  if (auto s = check_sibling_name(cc, c.parent, OrgId(), name); !s) return s;
  Organization org{cc.ids.next_id<OrgId>(), c.parent, name, c.description, {}, cc.ctx.now_ms};
  cc.put(org);
  const Json after = to_json(org);
  cc.audit("create_org", org.id, "organization " + name, nullptr, &after,
           "Created sub-organization \"" + name + "\" under \"" + cc.state.org(c.parent)->name +
               "\".");
  cc.changes().result = Json{{"org", org.id.value}};
  return {};
}

Status run(CommandContext& cc, const EditOrg& c) {
  if (auto s = cc.require(Privilege::kOrganizations, c.org, "organization"); !s) return s;
  const Organization* old = cc.state.org(c.org);
  Organization org = *old;
  if (c.name) {
    org.name = std::string(trim(*c.name));
    if (auto s = check_display_text(org.name, "name", "Organization name", kMaxOrgNameLength); !s) {
      return s;
    }
    if (org.parent.valid()) {
      if (auto s = check_sibling_name(cc, org.parent, org.id, org.name); !s) return s;
    }
  }
  if (c.description) {
    if (auto s = check_description(*c.description); !s) return s;
    org.description = *c.description;
  }
  cc.put(org);
  const Json before = to_json(*old);
  const Json after = to_json(org);
  cc.audit("edit_org", org.id, "organization " + org.name, &before, &after,
           "Edited organization \"" + org.name + "\".");
  return {};
}

Status run(CommandContext& cc, const DeleteOrg& c) {
  if (auto s = cc.require(Privilege::kOrganizations, c.org, "organization"); !s) return s;
  const Organization* org = cc.state.org(c.org);
  if (org->is_root()) {
    return make_error("org_is_root", "org", "The enterprise (root organization) cannot be deleted.");
  }
  if (cc.actor && cc.actor->org == c.org) {
    return make_error("org_is_own", "org", "You cannot delete the organization you belong to.");
  }
  // Seed 004: "the organization or any of its sub-organizations must not contain any users or
  // administrators".
  const std::vector<Organization> doomed = cc.state.orgs().subtree(c.org);
  std::int64_t users = 0;
  std::int64_t admins = 0;
  for (const Organization& o : doomed) {
    users += cc.state.accounts_in(o.id);
    admins += cc.state.admins_in(o.id);
  }
  if (users > 0 || admins > 0) {
    return make_error("org_not_empty", "org",
                      "\"" + org->name + "\" cannot be deleted: it or its sub-organizations hold " +
                          std::to_string(users) + (users == 1 ? " user" : " users") + " and " +
                          std::to_string(admins) + (admins == 1 ? " administrator" : " administrators") +
                          ". Delete or move them first.");
  }
  // Numbers set aside for the deleted branch return to the parent's pool; groups and roles
  // defined there go with it.
  std::unordered_set<OrgId> doomed_ids;
  for (const Organization& o : doomed) doomed_ids.insert(o.id);
  std::vector<NumberId> returned;
  for (const auto& [id, n] : cc.state.numbers()) {
    if (doomed_ids.count(n.org)) returned.push_back(id);
  }
  std::sort(returned.begin(), returned.end());
  for (NumberId id : returned) {
    Number n = *cc.number(id);
    n.org = org->parent;
    cc.put(n);
  }
  for (const auto& [id, g] : cc.state.groups()) {
    if (doomed_ids.count(g.org)) {
      cc.changes().deletes.push_back({EntityKind::kPermissionGroup, id.value, g.org});
    }
  }
  for (const auto& [id, r] : cc.state.roles()) {
    if (doomed_ids.count(r.org)) cc.changes().deletes.push_back({EntityKind::kRole, id.value, r.org});
  }
  // The history of imports into the branch stays, with the parent (the report of what was done
  // outlives the organization it was done to).
  std::vector<BatchId> rehomed;
  for (const auto& [id, b] : cc.state.batches()) {
    if (doomed_ids.count(b.org)) rehomed.push_back(id);
  }
  std::sort(rehomed.begin(), rehomed.end());
  for (BatchId id : rehomed) {
    BatchRecord b = *cc.state.batch(id);
    b.org = org->parent;
    cc.put(std::move(b));
  }
  // Invitations left behind by accounts that are gone (an empty branch holds no live ones).
  for (const auto& [id, inv] : cc.state.invitations()) {
    if (doomed_ids.count(inv.org)) {
      cc.changes().deletes.push_back({EntityKind::kInvitation, id.value, inv.org});
    }
  }
  // Children before parents, so a replica never holds an orphan.
  for (auto it = doomed.rbegin(); it != doomed.rend(); ++it) {
    cc.changes().deletes.push_back({EntityKind::kOrganization, it->id.value, it->id});
  }
  const Json before = to_json(*org);
  cc.audit("delete_org", org->parent, "organization " + org->name, &before, nullptr,
           "Deleted organization \"" + org->name + "\"" +
               (doomed.size() > 1 ? " and its " + std::to_string(doomed.size() - 1) +
                                        " sub-organizations"
                                  : std::string()) +
               (returned.empty() ? std::string()
                                 : "; " + std::to_string(returned.size()) +
                                       " numbers returned to the parent's pool") +
               ".");
  cc.changes().result = Json{{"deleted_orgs", doomed.size()}, {"numbers_returned", returned.size()}};
  return {};
}

Status run(CommandContext& cc, const SetPolicy& c) {
  if (auto s = cc.require(Privilege::kSettings, c.org, "organization"); !s) return s;
  const PolicyDef* def = find_policy(c.key);
  if (!def) {
    return make_error("unknown_policy", "key", "There is no policy \"" + c.key + "\".");
  }
  const Organization* old = cc.state.org(c.org);
  Organization org = *old;
  if (!c.value || c.value->is_null()) {
    org.policies.erase(c.key);
  } else {
    auto v = policy_value_from_json(*def, *c.value);
    if (!v) return v.error();
    if (def->type == PolicyType::kAdminList) {
      // Designated administrators must be able to see this organization.
      for (std::int64_t id : std::get<std::vector<std::int64_t>>(v.value())) {
        const Administrator* a = cc.state.admin(AdminId(id));
        if (!a || !cc.state.orgs().is_within(c.org, a->org)) {
          return make_error("invalid_field", "value",
                            "Designated administrators must belong to this organization or one "
                            "above it.");
        }
      }
    }
    org.policies[c.key] = std::move(v).value();
  }
  cc.put(org);
  const Json before = old->policies.count(c.key) ? to_json(old->policies.find(c.key)->second) : Json();
  const Json after = org.policies.count(c.key) ? to_json(org.policies.find(c.key)->second) : Json();
  cc.audit("set_policy", org.id, "policy " + c.key + " of " + org.name, &before, &after,
           std::string(def->label) + " of \"" + org.name + "\" " +
               (after.is_null() ? "now inherited." : "set to " +
                                                         describe_policy_value(
                                                             *def, org.policies.find(c.key)->second) +
                                                         "."));
  return {};
}

Status run(CommandContext& cc, const SetThreshold& c) {
  if (c.percent < 1 || c.percent > 100) {
    return make_error("threshold_out_of_range", "percent",
                      "The utilization threshold must be between 1% and 100%.");
  }
  return run(cc, SetPolicy{c.org, std::string(policy::kUtilizationThreshold), Json(c.percent)});
}

}  // namespace linedesk::commands
