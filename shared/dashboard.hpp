// Dashboard figures (seed 004): the current cycle (calendar month in the administrator's time
// zone) and the past cycle, for an organization's subtree.
#pragma once

#include <vector>

#include "reports.hpp"
#include "time_zone.hpp"
#include "usage.hpp"

namespace linedesk {

struct UsageTotals {
  std::int64_t voice_seconds = 0;
  std::int64_t messages = 0;
  std::int64_t data_bytes = 0;
  std::int64_t of(UsageKind k) const;
  bool operator==(const UsageTotals&) const = default;
};

struct Cycle {
  TimestampMs start = 0;  // local midnight on the 1st
  TimestampMs end = 0;    // local midnight on the 1st of the next month (exclusive)
  int year = 0;
  int month = 0;
  int days = 0;
  bool operator==(const Cycle&) const = default;
};

// The calendar month containing `t` in `tz`, and the one before it.
Cycle cycle_containing(const TimeZone& tz, TimestampMs t);
Cycle previous_cycle(const TimeZone& tz, const Cycle& c);

struct DashboardFigures {
  Cycle current;
  Cycle past;
  std::int64_t new_users = 0;     // accounts added during the current cycle
  std::int64_t active_users = 0;  // accounts Active now
  UsageTotals current_usage;      // billable, current cycle
  UsageTotals past_usage;         // billable, past cycle
  std::vector<UsageTotals> per_day;  // one per local day of the current cycle
  NumberUtilization utilization;
  bool operator==(const DashboardFigures&) const = default;
};

// Figures for `org` and everything below it. Usage counts only billable records whose
// organization lies in the subtree; each record falls on the local day of its `at_ms`.
DashboardFigures dashboard_figures(const State& state, OrgId org,
                                   const std::vector<UsageRecord>& usage, TimestampMs now,
                                   const TimeZone& tz);

Json to_json(const DashboardFigures& d);
Result<DashboardFigures> dashboard_figures_from_json(const Json& j);

}  // namespace linedesk
