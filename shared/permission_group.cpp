// JSON form of PermissionGroup.
#include "permission_group.hpp"

#include "text.hpp"

namespace linedesk {

Json to_json(const PermissionGroup& g) {
  return Json{{"id", g.id.value},
              {"org", g.org.value},
              {"name", g.name},
              {"description", g.description},
              {"is_default", g.is_default},
              {"voice_calling", g.voice_calling},
              {"messaging", g.messaging},
              {"international_calling", g.international_calling},
              {"call_recording_allowed", g.call_recording_allowed}};
}

Result<PermissionGroup> permission_group_from_json(const Json& j) {
  JsonReader r(j, "permission_group");
  PermissionGroup g;
  g.id = r.required_id<PermGroupTag>("id");
  g.org = r.required_id<OrgTag>("org");
  g.name = r.required_string("name");
  g.description = r.optional_string("description");
  g.is_default = r.optional_bool("is_default");
  g.voice_calling = r.optional_bool("voice_calling", true);
  g.messaging = r.optional_bool("messaging", true);
  g.international_calling = r.optional_bool("international_calling");
  g.call_recording_allowed = r.optional_bool("call_recording_allowed", true);
  if (!r.ok()) return r.error();
  if (auto s = check_display_text(g.name, "permission_group.name", "The group name",
                                  kMaxGroupNameLength);
      !s) {
    return s.error();
  }
  return g;
}

}  // namespace linedesk
