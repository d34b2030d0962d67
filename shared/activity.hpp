// Admin activity: the audit record of every administrator action (seed: "Admin Activity
// Report"): who, when (UTC), in which organization, what, and the values before and after.
#pragma once

#include <string>

#include "ids.hpp"
#include "json_io.hpp"

namespace linedesk {

struct ActivityEntry {
  ActivityId id;
  TimestampMs at_ms = 0;
  AdminId admin;            // none for the system or an end user activating
  std::string admin_email;  // kept as written: the administrator may be removed later
  OrgId org;                // the organization acted in
  std::string action;       // command name or "login", "login_failed", "download_accounts"...
  std::string target;       // what was acted on ("account 42 (zoe@example.com)")
  std::string before;       // JSON of the value before, or empty
  std::string after;        // JSON of the value after, or empty
  std::string summary;      // one sentence for people

  bool operator==(const ActivityEntry&) const = default;
};

Json to_json(const ActivityEntry& e);
Result<ActivityEntry> activity_entry_from_json(const Json& j);

}  // namespace linedesk
