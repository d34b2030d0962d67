// CSV downloads: the accounts download (seed 000), the Batch Operations Report, the Admin
// Activity Report, the number inventory and the CSV template's companions. Every export is
// RFC 4180 with formula injection neutralised.
#pragma once

#include <string>
#include <vector>

#include "activity.hpp"
#include "batch.hpp"
#include "command.hpp"
#include "state.hpp"
#include "time_zone.hpp"

namespace linedesk {

// Seed 000's columns in order, then LineDesk's columns that make the download importable
// again without loss (First Name, Last Name, Email or Device, Restrict Incoming Social
// Messaging).
std::vector<std::string> accounts_csv_columns();

// Seed 000: "At the top of the report will be ... Report name, Date/Time, Organization,
// Timezone", then the accounts of `org` and its sub-organizations, by name. Times are local to
// `tz`. With `selection`, only those accounts (the console's "download selection").
std::string accounts_csv(const State& state, OrgId org, TimestampMs now, const TimeZone& tz,
                         const std::vector<AccountId>* selection = nullptr);

// Every input column as uploaded, plus "status" (imported / failed / skipped, or valid in a
// dry run) and "reason": fix the failed rows and upload the same file again.
std::string batch_report_csv(const BatchReport& report, bool dry_run = false);

// The Admin Activity Report: when (UTC), who, organization, action, target, summary, before,
// after. Line breaks inside values are encoded (\n) so each entry stays one line.
std::string activity_csv(const State& state, const std::vector<ActivityEntry>& entries);

// The number inventory of `org`'s subtree: Number, State, Organization, Tag, Account.
std::string numbers_csv(const State& state, OrgId org);

// The per-row report of an import_numbers result ({"rows": [...]}).
std::string number_import_report_csv(const Json& result);

// Reads a numbers file for import_numbers: a "number" column (or the first column) and an
// optional "tag" column; a header row is recognised by its column names. Each entry keeps its
// line for the per-row report. The server's CSV upload and the console's Numbers screen share it.
Result<std::vector<NumberEntry>> number_entries_from_csv(std::string_view text);

}  // namespace linedesk
