// JSON form of ActivityEntry.
#include "activity.hpp"

namespace linedesk {

Json to_json(const ActivityEntry& e) {
  return Json{{"id", e.id.value},         {"at_ms", e.at_ms},
              {"admin", e.admin.value},   {"admin_email", e.admin_email},
              {"org", e.org.value},       {"action", e.action},
              {"target", e.target},       {"before", e.before},
              {"after", e.after},         {"summary", e.summary}};
}

Result<ActivityEntry> activity_entry_from_json(const Json& j) {
  JsonReader r(j, "activity");
  ActivityEntry e;
  e.id = r.required_id<ActivityTag>("id");
  e.at_ms = r.required_int("at_ms");
  e.admin = r.optional_id<AdminTag>("admin");
  e.admin_email = r.optional_string("admin_email");
  e.org = r.optional_id<OrgTag>("org");
  e.action = r.required_string("action");
  e.target = r.optional_string("target");
  e.before = r.optional_string("before");
  e.after = r.optional_string("after");
  e.summary = r.optional_string("summary");
  if (!r.ok()) return r.error();
  return e;
}

}  // namespace linedesk
