// JSON form of Organization.
#include "organization.hpp"

#include "text.hpp"

namespace linedesk {

Json to_json(const Organization& org) {
  return Json{{"id", org.id.value},
              {"parent", org.parent.value},
              {"name", org.name},
              {"description", org.description},
              {"policies", to_json(org.policies)},
              {"created_ms", org.created_ms}};
}

Result<Organization> organization_from_json(const Json& j) {
  JsonReader r(j, "organization");
  Organization org;
  org.id = r.required_id<OrgTag>("id");
  org.parent = r.optional_id<OrgTag>("parent");
  org.name = r.required_string("name");
  org.description = r.optional_string("description");
  org.created_ms = r.optional_int("created_ms");
  if (const Json* p = r.optional("policies"); p && r.ok()) {
    auto policies = policy_overrides_from_json(*p);
    if (!policies) return policies.error();
    org.policies = std::move(policies).value();
  }
  if (r.ok()) {
    if (auto s = check_display_text(org.name, "name", "Organization name", kMaxOrgNameLength); !s) {
      r.fail(s.error().code, "name", s.error().message);
    }
  }
  if (!r.ok()) return r.error();
  return org;
}

}  // namespace linedesk
