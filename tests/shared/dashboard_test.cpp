// Dashboard cycles (calendar months in the administrator's time zone) and usage aggregates.
#include <catch2/catch.hpp>

#include "fixtures.hpp"
#include "shared/dashboard.hpp"

using namespace linedesk;
using namespace linedesk::test;

namespace {

TimeZone zone(const char* rule, const char* name) { return TimeZone::from_posix(rule, name).value(); }

TimestampMs utc(int y, int mo, int d, int h = 0, int mi = 0) {
  return utc_from_civil(CivilTime{y, mo, d, h, mi, 0, 0});
}

UsageRecord record(const std::string& id, OrgId org, UsageKind kind, TimestampMs at,
                   std::int64_t quantity, bool billable = true) {
  return UsageRecord{id, AccountId(1), org, kind, at, quantity, billable};
}

}  // namespace

TEST_CASE("a cycle is the calendar month in the administrator's time zone") {
  const TimeZone rome = zone("CET-1CEST,M3.5.0,M10.5.0/3", "Europe/Rome");
  const TimeZone ny = zone("EST5EDT,M3.2.0,M11.1.0", "America/New_York");
  struct Case {
    const char* rule;
    const TimeZone& tz;
    TimestampMs now;
    TimestampMs start;
    TimestampMs end;
    int days;
  };
  const std::vector<Case> cases = {
      {"Rome, mid-November", rome, utc(2026, 11, 23, 12), utc(2026, 10, 31, 23), utc(2026, 11, 30, 23), 30},
      {"31 March 23:30 UTC is already April in Rome (summer time)", rome, utc(2026, 3, 31, 23, 30),
       utc(2026, 3, 31, 22), utc(2026, 4, 30, 22), 30},
      {"March in Rome starts in winter time and ends in summer time", rome, utc(2026, 3, 15),
       utc(2026, 2, 28, 23), utc(2026, 3, 31, 22), 31},
      {"1 December 03:00 UTC is still November in New York", ny, utc(2026, 12, 1, 3),
       utc(2026, 11, 1, 4), utc(2026, 12, 1, 5), 30},
      {"leap February", rome, utc(2028, 2, 29, 12), utc(2028, 1, 31, 23), utc(2028, 2, 29, 23), 29},
  };
  for (const auto& c : cases) {
    CAPTURE(c.rule);
    const Cycle cycle = cycle_containing(c.tz, c.now);
    CHECK(cycle.start == c.start);
    CHECK(cycle.end == c.end);
    CHECK(cycle.days == c.days);
  }
  const Cycle jan = cycle_containing(rome, utc(2027, 1, 10));
  const Cycle dec = previous_cycle(rome, jan);
  CHECK(dec.month == 12);
  CHECK(dec.year == 2026);
  CHECK(dec.end == jan.start);
}

TEST_CASE("dashboard figures count the subtree's billable usage per cycle and per local day") {
  Enterprise e;
  e.now = utc(2026, 11, 23, 12);
  const TimeZone rome = zone("CET-1CEST,M3.5.0,M10.5.0/3", "Europe/Rome");
  e.add_numbers(e.root, 10);
  e.add_numbers(e.europe, 1, 390700000001);
  e.add_account(e.root, "a");
  const AccountId active = e.add_account(e.europe, "b", true);
  REQUIRE(e.system(ActivateAccount{e.account(active).invitation, e164(390700000001)}));
  const std::vector<UsageRecord> usage = {
      record("1", e.europe, UsageKind::kVoice, utc(2026, 11, 2, 9), 120),
      record("2", e.europe, UsageKind::kVoice, utc(2026, 10, 31, 23, 30), 60),  // 1 Nov in Rome
      record("3", e.root, UsageKind::kMessage, utc(2026, 11, 22, 10), 5),
      record("4", e.europe, UsageKind::kData, utc(2026, 10, 15), 1000),        // past cycle
      record("5", e.europe, UsageKind::kVoice, utc(2026, 11, 3), 999, false),  // not billable
      record("6", e.finance, UsageKind::kVoice, utc(2026, 11, 3), 30),          // other branch
  };
  const DashboardFigures retail = dashboard_figures(e.state, e.retail, usage, e.now, rome);
  CHECK(retail.current.month == 11);
  CHECK(retail.per_day.size() == 30);
  CHECK(retail.current_usage.voice_seconds == 180);
  CHECK(retail.current_usage.messages == 0);
  CHECK(retail.per_day[0].voice_seconds == 60);
  CHECK(retail.per_day[1].voice_seconds == 120);
  CHECK(retail.past_usage.data_bytes == 1000);
  CHECK(retail.new_users == 1);
  CHECK(retail.active_users == 1);

  const DashboardFigures all = dashboard_figures(e.state, e.root, usage, e.now, rome);
  CHECK(all.current_usage.voice_seconds == 210);
  CHECK(all.current_usage.messages == 5);
  CHECK(all.per_day[21].messages == 5);
  CHECK(all.new_users == 2);
  CHECK(all.utilization.total == 11);
  auto back = dashboard_figures_from_json(parse_json(to_json(all).dump()).value());
  REQUIRE(back);
  CHECK(back.value() == all);
}

TEST_CASE("a dashboard answer with a member of the wrong type is refused, naming it, without throwing") {
  const Json good = Json::parse(R"({"current":{"start":1,"end":2,"year":2026,"month":11,"days":30},
    "per_day":[{"voice_seconds":60,"messages":1,"data_bytes":0}],"utilization":{"total":3}})");
  REQUIRE(dashboard_figures_from_json(good));
  for (const auto& [path, value] : std::vector<std::pair<std::string, Json>>{
           {"/current/year", Json("2026")},
           {"/per_day/0/messages", Json::array()},
           {"/utilization/total", Json("three")},
           {"/current", Json(5)}}) {
    CAPTURE(path);
    Json bad = good;
    bad[Json::json_pointer(path)] = value;
    auto r = dashboard_figures_from_json(bad);
    REQUIRE_FALSE(r);
    CHECK_FALSE(r.error().message.empty());
  }
}
