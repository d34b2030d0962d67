// Dashboard cycles and aggregates.
#include "dashboard.hpp"

namespace linedesk {
namespace {

void add(UsageTotals& t, const UsageRecord& r) {
  switch (r.kind) {
    case UsageKind::kVoice: t.voice_seconds += r.quantity; break;
    case UsageKind::kMessage: t.messages += r.quantity; break;
    case UsageKind::kData: t.data_bytes += r.quantity; break;
  }
}

Json totals_json(const UsageTotals& t) {
  return Json{{"voice_seconds", t.voice_seconds}, {"messages", t.messages}, {"data_bytes", t.data_bytes}};
}

// A member of the wrong type is an error in `r` (named by its path), never an exception.
UsageTotals totals_from(const Json& j, const std::string& path, Status& status) {
  UsageTotals t;
  JsonReader r(j, path);
  t.voice_seconds = r.optional_int("voice_seconds");
  t.messages = r.optional_int("messages");
  t.data_bytes = r.optional_int("data_bytes");
  if (!r.ok() && status) status = r.error();
  return t;
}

Json cycle_json(const Cycle& c) {
  return Json{{"start", c.start}, {"end", c.end}, {"year", c.year}, {"month", c.month}, {"days", c.days}};
}

Cycle cycle_from(const Json& j, const std::string& path, Status& status) {
  Cycle c;
  JsonReader r(j, path);
  c.start = r.optional_int("start");
  c.end = r.optional_int("end");
  c.year = static_cast<int>(r.optional_int("year"));
  c.month = static_cast<int>(r.optional_int("month"));
  c.days = static_cast<int>(r.optional_int("days"));
  if (!r.ok() && status) status = r.error();
  return c;
}

}  // namespace

std::int64_t UsageTotals::of(UsageKind k) const {
  switch (k) {
    case UsageKind::kVoice: return voice_seconds;
    case UsageKind::kMessage: return messages;
    case UsageKind::kData: return data_bytes;
  }
  return 0;
}

Cycle cycle_containing(const TimeZone& tz, TimestampMs t) {
  Cycle c;
  c.start = tz.start_of_month(t);
  c.end = tz.start_of_next_month(t);
  const CivilTime local = tz.to_local(t);
  c.year = local.year;
  c.month = local.month;
  c.days = days_in_month(local.year, local.month);
  return c;
}

Cycle previous_cycle(const TimeZone& tz, const Cycle& c) {
  return cycle_containing(tz, tz.start_of_previous_month(c.start));
}

DashboardFigures dashboard_figures(const State& state, OrgId org,
                                   const std::vector<UsageRecord>& usage, TimestampMs now,
                                   const TimeZone& tz) {
  DashboardFigures d;
  d.current = cycle_containing(tz, now);
  d.past = previous_cycle(tz, d.current);
  d.per_day.resize(static_cast<std::size_t>(d.current.days));
  const OrgTree& tree = state.orgs();
  for (const auto& [id, a] : state.accounts()) {
    if (!tree.is_within(a.org, org)) continue;
    if (a.status == AccountStatus::kActive) ++d.active_users;
    if (a.created_ms >= d.current.start && a.created_ms < d.current.end) ++d.new_users;
  }
  for (const UsageRecord& r : usage) {
    if (!r.billable || !tree.is_within(r.org, org)) continue;
    if (r.at_ms >= d.current.start && r.at_ms < d.current.end) {
      add(d.current_usage, r);
      const int day = tz.to_local(r.at_ms).day;
      if (day >= 1 && day <= d.current.days) add(d.per_day[static_cast<std::size_t>(day - 1)], r);
    } else if (r.at_ms >= d.past.start && r.at_ms < d.past.end) {
      add(d.past_usage, r);
    }
  }
  d.utilization = number_utilization(state, org);
  return d;
}

Json to_json(const DashboardFigures& d) {
  Json days = Json::array();
  for (const auto& t : d.per_day) days.push_back(totals_json(t));
  return Json{{"current", cycle_json(d.current)},
              {"past", cycle_json(d.past)},
              {"new_users", d.new_users},
              {"active_users", d.active_users},
              {"current_usage", totals_json(d.current_usage)},
              {"past_usage", totals_json(d.past_usage)},
              {"per_day", std::move(days)},
              {"utilization", to_json(d.utilization)}};
}

Result<DashboardFigures> dashboard_figures_from_json(const Json& j) {
  JsonReader r(j, "dashboard");
  const Json& current = r.required("current");
  const Json& per_day = r.required("per_day");
  const Json& util = r.required("utilization");
  if (!r.ok()) return r.error();
  DashboardFigures d;
  Status status;
  d.current = cycle_from(current, "current", status);
  if (const Json* past = r.optional("past")) d.past = cycle_from(*past, "past", status);
  d.new_users = r.optional_int("new_users");
  d.active_users = r.optional_int("active_users");
  if (const Json* u = r.optional("current_usage")) d.current_usage = totals_from(*u, "current_usage", status);
  if (const Json* u = r.optional("past_usage")) d.past_usage = totals_from(*u, "past_usage", status);
  if (!per_day.is_array()) return make_error("invalid_field", "per_day", "per_day must be a list.");
  for (const Json& t : per_day) d.per_day.push_back(totals_from(t, "per_day", status));
  if (!status) return status.error();
  JsonReader ur(util, "utilization");
  d.utilization.total = ur.optional_int("total");
  d.utilization.activated = ur.optional_int("activated");
  d.utilization.allocated_to_suborgs = ur.optional_int("allocated_to_suborgs");
  d.utilization.assigned = ur.optional_int("assigned");
  d.utilization.available = ur.optional_int("available");
  d.utilization.pending_invitation = ur.optional_int("pending_invitation");
  d.utilization.reserved = ur.optional_int("reserved");
  if (!r.ok()) return r.error();
  if (!ur.ok()) return ur.error();
  return d;
}

}  // namespace linedesk
