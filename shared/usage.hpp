// Usage records: voice, message and data use of an account, ingested through the server's API.
#pragma once

#include <optional>
#include <string>
#include <string_view>

#include "ids.hpp"
#include "json_io.hpp"

namespace linedesk {

enum class UsageKind { kVoice, kMessage, kData };
std::string_view usage_kind_name(UsageKind k);  // "voice", "message", "data"
std::optional<UsageKind> usage_kind_from_name(std::string_view name);

struct UsageRecord {
  std::string record_id;  // the source's id: ingesting the same id twice counts it once
  AccountId account;
  OrgId org;              // the account's organization when the record was ingested
  UsageKind kind = UsageKind::kVoice;
  TimestampMs at_ms = 0;
  std::int64_t quantity = 0;  // voice: seconds; message: count; data: bytes
  bool billable = true;

  bool operator==(const UsageRecord&) const = default;
};

Json to_json(const UsageRecord& u);
// Refuses a missing record id, an unknown kind, a negative quantity or a time before 2000.
Result<UsageRecord> usage_record_from_json(const Json& j);

}  // namespace linedesk
