// Number utilization and notification recipients.
#include "reports.hpp"

#include <algorithm>

#include "policy.hpp"

namespace linedesk {

NumberUtilization number_utilization(const State& state, OrgId org) {
  NumberUtilization u;
  const PoolCounts& own = state.pool(org);
  u.activated = own.activated;
  u.assigned = own.assigned;
  u.available = own.available;
  u.pending_invitation = own.pending_invitation;
  u.reserved = own.reserved;
  std::vector<OrgId> stack(state.orgs().children(org).begin(), state.orgs().children(org).end());
  while (!stack.empty()) {
    const OrgId id = stack.back();
    stack.pop_back();
    u.allocated_to_suborgs += state.pool(id).total();
    for (OrgId c : state.orgs().children(id)) stack.push_back(c);
  }
  u.total = own.total() + u.allocated_to_suborgs;
  return u;
}

Json to_json(const NumberUtilization& u) {
  return Json{{"total", u.total},
              {"activated", u.activated},
              {"allocated_to_suborgs", u.allocated_to_suborgs},
              {"assigned", u.assigned},
              {"available", u.available},
              {"pending_invitation", u.pending_invitation},
              {"reserved", u.reserved},
              {"in_use", u.in_use()},
              {"percent", u.percent()}};
}

std::vector<AdminId> notification_recipients(const State& state, OrgId org) {
  std::vector<AdminId> out;
  for (std::int64_t id : effective_list(state.orgs(), org, policy::kNotificationAdmins)) {
    if (state.admin(AdminId(id))) out.emplace_back(id);
  }
  if (!out.empty()) return out;
  for (const Organization* o = state.org(org); o;
       o = o->parent.valid() ? state.org(o->parent) : nullptr) {
    for (const auto& [id, a] : state.admins()) {
      const Role* r = state.role(a.role);
      if (a.org == o->id && r &&
          (r->privileges.has(Privilege::kNumbers) || r->privileges.has(Privilege::kSettings))) {
        out.push_back(id);
      }
    }
    if (!out.empty()) break;
  }
  std::sort(out.begin(), out.end());
  return out;
}

}  // namespace linedesk
