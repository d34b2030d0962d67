// JSON form of UsageRecord.
#include "usage.hpp"

#include "text.hpp"

namespace linedesk {

std::string_view usage_kind_name(UsageKind k) {
  switch (k) {
    case UsageKind::kVoice: return "voice";
    case UsageKind::kMessage: return "message";
    case UsageKind::kData: return "data";
  }
  return "voice";
}

std::optional<UsageKind> usage_kind_from_name(std::string_view name) {
  const std::string n = ascii_lower(trim(name));
  for (UsageKind k : {UsageKind::kVoice, UsageKind::kMessage, UsageKind::kData}) {
    if (usage_kind_name(k) == n) return k;
  }
  return std::nullopt;
}

Json to_json(const UsageRecord& u) {
  return Json{{"record_id", u.record_id}, {"account", u.account.value},
              {"org", u.org.value},        {"kind", usage_kind_name(u.kind)},
              {"at_ms", u.at_ms},          {"quantity", u.quantity},
              {"billable", u.billable}};
}

Result<UsageRecord> usage_record_from_json(const Json& j) {
  JsonReader r(j, "usage");
  UsageRecord u;
  u.record_id = r.required_string("record_id");
  u.account = r.required_id<AccountTag>("account");
  u.org = r.optional_id<OrgTag>("org");
  const std::string kind = r.required_string("kind");
  u.at_ms = r.required_int("at_ms");
  u.quantity = r.required_int("quantity");
  u.billable = r.optional_bool("billable", true);
  if (!r.ok()) return r.error();
  if (trim(u.record_id).empty() || u.record_id.size() > 200 || !is_valid_utf8(u.record_id)) {
    return make_error("invalid_field", "usage.record_id",
                      "A usage record needs an id of 1 to 200 characters.");
  }
  auto k = usage_kind_from_name(kind);
  if (!k) {
    return make_error("invalid_field", "usage.kind",
                      "Usage kind \"" + kind + "\" must be voice, message or data.");
  }
  u.kind = *k;
  if (u.quantity < 0) {
    return make_error("out_of_range", "usage.quantity", "A usage quantity cannot be negative.");
  }
  constexpr TimestampMs kYear2000 = 946684800000;
  if (u.at_ms < kYear2000) {
    return make_error("out_of_range", "usage.at_ms",
                      "The usage time is before the year 2000; send milliseconds since 1970 UTC.");
  }
  return u;
}

}  // namespace linedesk
