// Time zones from POSIX rules: calendar arithmetic, DST transitions checked against tzdata,
// gaps and overlaps, local days and months, formatting, malformed rules and TZif footers.
#include <catch2/catch.hpp>

#include <cstdint>
#include <fstream>
#include <optional>
#include <sstream>
#include <string>
#include <vector>

#include "shared/time_zone.hpp"

using namespace linedesk;

namespace {

constexpr std::int64_t kHourMs = 3'600'000;
constexpr std::int64_t kDayMs = 24 * kHourMs;

TimestampMs utc(int year, int month, int day, int hour = 0, int minute = 0, int second = 0) {
  return utc_from_civil(CivilTime{year, month, day, hour, minute, second, 0});
}

CivilTime civil(int year, int month, int day, int hour = 0, int minute = 0, int second = 0) {
  return CivilTime{year, month, day, hour, minute, second, 0};
}

TimeZone zone(const char* rule) {
  auto z = TimeZone::from_posix(rule);
  INFO(rule);
  REQUIRE(z.ok());
  return z.value();
}

// The zone files are only visible to the native binary; under node (WASM) they are missing and
// the cases that need them are skipped.
std::optional<std::string> read_zone_file(const std::string& name) {
  std::ifstream in("/usr/share/zoneinfo/" + name, std::ios::binary);
  if (!in) return std::nullopt;
  std::ostringstream bytes;
  bytes << in.rdbuf();
  return bytes.str();
}

std::optional<TimeZone> load_zone(const std::string& name) {
  const auto bytes = read_zone_file(name);
  if (!bytes) {
    WARN("skipped: /usr/share/zoneinfo/" << name << " is not readable here");
    return std::nullopt;
  }
  const auto rule = posix_rule_from_tzif(*bytes);
  INFO(name);
  REQUIRE(rule.ok());
  auto z = TimeZone::from_posix(rule.value(), name);
  INFO(rule.value());
  REQUIRE(z.ok());
  return z.value();
}

// A DST change: the instant (epoch seconds, as zdump reports it) and the state it begins.
struct Transition {
  std::int64_t at_s;
  const char* utc_iso;  // the same instant, written out to keep the table readable
  std::int32_t offset_after_s;
  bool dst_after;
  const char* abbreviation_after;
};

struct ZoneCase {
  const char* iana;
  const char* rule;
  std::int32_t offset_at_new_year_2024_s;
  std::vector<Transition> transitions;  // 2024..2027, in order
};

// Expected instants from `zdump -v -c 2024,2028` on tzdata 2024+, hard-coded so that they do
// not depend on the code under test.
const std::vector<ZoneCase>& zone_cases() {
  static const std::vector<ZoneCase> kCases = {
      // EU: last Sunday of March and of October at 01:00 UTC.
      {"Europe/Rome",
       "CET-1CEST,M3.5.0,M10.5.0/3",
       3600,
       {{1711846800, "2024-03-31T01:00:00", 7200, true, "CEST"},
        {1729990800, "2024-10-27T01:00:00", 3600, false, "CET"},
        {1743296400, "2025-03-30T01:00:00", 7200, true, "CEST"},
        {1761440400, "2025-10-26T01:00:00", 3600, false, "CET"},
        {1774746000, "2026-03-29T01:00:00", 7200, true, "CEST"},
        {1792890000, "2026-10-25T01:00:00", 3600, false, "CET"},
        {1806195600, "2027-03-28T01:00:00", 7200, true, "CEST"},
        {1824944400, "2027-10-31T01:00:00", 3600, false, "CET"}}},
      // US: second Sunday of March, first Sunday of November, 02:00 local.
      {"America/New_York",
       "EST5EDT,M3.2.0,M11.1.0",
       -18000,
       {{1710054000, "2024-03-10T07:00:00", -14400, true, "EDT"},
        {1730613600, "2024-11-03T06:00:00", -18000, false, "EST"},
        {1741503600, "2025-03-09T07:00:00", -14400, true, "EDT"},
        {1762063200, "2025-11-02T06:00:00", -18000, false, "EST"},
        {1772953200, "2026-03-08T07:00:00", -14400, true, "EDT"},
        {1793512800, "2026-11-01T06:00:00", -18000, false, "EST"},
        {1805007600, "2027-03-14T07:00:00", -14400, true, "EDT"},
        {1825567200, "2027-11-07T06:00:00", -18000, false, "EST"}}},
      // Southern hemisphere: DST from the first Sunday of October to the first of April.
      {"Australia/Sydney",
       "AEST-10AEDT,M10.1.0,M4.1.0/3",
       39600,
       {{1712419200, "2024-04-06T16:00:00", 36000, false, "AEST"},
        {1728144000, "2024-10-05T16:00:00", 39600, true, "AEDT"},
        {1743868800, "2025-04-05T16:00:00", 36000, false, "AEST"},
        {1759593600, "2025-10-04T16:00:00", 39600, true, "AEDT"},
        {1775318400, "2026-04-04T16:00:00", 36000, false, "AEST"},
        {1791043200, "2026-10-03T16:00:00", 39600, true, "AEDT"},
        {1806768000, "2027-04-03T16:00:00", 36000, false, "AEST"},
        {1822492800, "2027-10-02T16:00:00", 39600, true, "AEDT"}}},
      // M3.4.4/26: 26:00 on the fourth Thursday = Friday 02:00 before the last Sunday of March.
      {"Asia/Jerusalem",
       "IST-2IDT,M3.4.4/26,M10.5.0",
       7200,
       {{1711670400, "2024-03-29T00:00:00", 10800, true, "IDT"},
        {1729983600, "2024-10-26T23:00:00", 7200, false, "IST"},
        {1743120000, "2025-03-28T00:00:00", 10800, true, "IDT"},
        {1761433200, "2025-10-25T23:00:00", 7200, false, "IST"},
        {1774569600, "2026-03-27T00:00:00", 10800, true, "IDT"},
        {1792882800, "2026-10-24T23:00:00", 7200, false, "IST"},
        {1806019200, "2027-03-26T00:00:00", 10800, true, "IDT"},
        {1824937200, "2027-10-30T23:00:00", 7200, false, "IST"}}},
      // Negative time: DST starts at -1:00, i.e. 23:00 on the Saturday before.
      {"America/Nuuk",
       "<-02>2<-01>,M3.5.0/-1,M10.5.0/0",
       -7200,
       {{1711846800, "2024-03-31T01:00:00", -3600, true, "-01"},
        {1729990800, "2024-10-27T01:00:00", -7200, false, "-02"},
        {1743296400, "2025-03-30T01:00:00", -3600, true, "-01"},
        {1761440400, "2025-10-26T01:00:00", -7200, false, "-02"},
        {1774746000, "2026-03-29T01:00:00", -3600, true, "-01"},
        {1792890000, "2026-10-25T01:00:00", -7200, false, "-02"},
        {1806195600, "2027-03-28T01:00:00", -3600, true, "-01"},
        {1824944400, "2027-10-31T01:00:00", -7200, false, "-02"}}},
      {"Asia/Kolkata", "IST-5:30", 19800, {}},
      {"America/Sao_Paulo", "<-03>3", -10800, {}},
      {"Etc/UTC", "UTC0", 0, {}},
  };
  return kCases;
}

// Checks every listed change and that the offset changes nowhere else in 2024..2027 (sampled
// every 6 hours, plus both sides of each change).
void check_transitions(const TimeZone& z, const ZoneCase& c) {
  INFO(c.iana << " " << z.rule());
  const TimestampMs begin = utc(2024, 1, 1);
  const TimestampMs end = utc(2028, 1, 1);
  CHECK(z.utc_offset_s(begin) == c.offset_at_new_year_2024_s);
  std::int32_t previous = c.offset_at_new_year_2024_s;
  for (const auto& tr : c.transitions) {
    const TimestampMs at = tr.at_s * 1000;
    INFO(tr.utc_iso);
    CHECK(TimeZone::utc().format_iso(at) == std::string(tr.utc_iso) + "+00:00");
    CHECK(z.utc_offset_s(at - 1) == previous);
    CHECK(z.is_dst(at - 1) != tr.dst_after);
    CHECK(z.utc_offset_s(at) == tr.offset_after_s);
    CHECK(z.is_dst(at) == tr.dst_after);
    CHECK(z.abbreviation(at) == tr.abbreviation_after);
    previous = tr.offset_after_s;
  }
  std::size_t changes = 0;
  std::int32_t last = z.utc_offset_s(begin);
  for (TimestampMs t = begin; t < end; t += 6 * kHourMs) {
    const std::int32_t now = z.utc_offset_s(t);
    if (now != last) ++changes;
    last = now;
  }
  CHECK(changes == c.transitions.size());
}

}  // namespace

TEST_CASE("days_from_civil gives the known day numbers") {
  struct Case {
    int year, month, day;
    std::int64_t days;
  };
  const std::vector<Case> cases = {
      {1970, 1, 1, 0},         {1969, 12, 31, -1},  {2000, 3, 1, 11017},
      {2026, 11, 23, 20780},   {2028, 2, 29, 21243}, {1900, 1, 1, -25567},
      {2200, 12, 31, 84370},   {1, 1, 1, -719162},
  };
  for (const auto& c : cases) {
    INFO(c.year << "-" << c.month << "-" << c.day);
    CHECK(days_from_civil(c.year, c.month, c.day) == c.days);
    int y = 0, m = 0, d = 0;
    civil_from_days(c.days, y, m, d);
    CHECK((y == c.year && m == c.month && d == c.day));
  }
}

TEST_CASE("days_from_civil and civil_from_days round-trip every day from 1900 to 2200") {
  std::int64_t expected = days_from_civil(1900, 1, 1);
  int mismatches = 0;
  for (int year = 1900; year <= 2200; ++year) {
    for (int month = 1; month <= 12; ++month) {
      for (int day = 1; day <= days_in_month(year, month); ++day) {
        if (days_from_civil(year, month, day) != expected) ++mismatches;
        int y = 0, m = 0, d = 0;
        civil_from_days(expected, y, m, d);
        if (y != year || m != month || d != day) ++mismatches;
        ++expected;
      }
    }
  }
  CHECK(mismatches == 0);
  CHECK(expected == days_from_civil(2201, 1, 1));
}

TEST_CASE("days_in_month follows the Gregorian leap-year rule") {
  CHECK(days_in_month(2026, 1) == 31);
  CHECK(days_in_month(2026, 2) == 28);
  CHECK(days_in_month(2028, 2) == 29);
  CHECK(days_in_month(1900, 2) == 28);
  CHECK(days_in_month(2000, 2) == 29);
  CHECK(days_in_month(2026, 4) == 30);
  CHECK(days_in_month(2026, 13) == 0);
}

TEST_CASE("civil_from_utc and utc_from_civil are inverse, before 1970 too") {
  CHECK(civil_from_utc(0) == civil(1970, 1, 1));
  CHECK(civil_from_utc(-1) == CivilTime{1969, 12, 31, 23, 59, 59, 999});
  CHECK(civil_from_utc(1'795'439'109'123) == CivilTime{2026, 11, 23, 13, 5, 9, 123});
  for (const TimestampMs t : {TimestampMs{-2'208'988'800'001}, TimestampMs{-1}, TimestampMs{0},
                              TimestampMs{951'782'400'000}, TimestampMs{1'795'439'109'123},
                              TimestampMs{7'258'118'399'999}}) {
    CHECK(utc_from_civil(civil_from_utc(t)) == t);
  }
}

TEST_CASE("utc_from_civil carries out-of-range fields into the next unit") {
  CHECK(utc_from_civil(civil(2026, 13, 1)) == utc(2027, 1, 1));
  CHECK(utc_from_civil(civil(2026, 0, 1)) == utc(2025, 12, 1));
  CHECK(utc_from_civil(civil(2026, 3, 0)) == utc(2026, 2, 28));
  CHECK(utc_from_civil(civil(2026, 12, 31, 24)) == utc(2027, 1, 1));
}

TEST_CASE("instants outside the ECMAScript Date range are clamped, not overflowed") {
  const TimestampMs huge = INT64_MAX;
  CHECK(civil_from_utc(huge) == civil_from_utc(kMaxTimestampMs));
  CHECK(civil_from_utc(kMaxTimestampMs) == civil(275760, 9, 13));
  CHECK(civil_from_utc(INT64_MIN) == civil(-271821, 4, 20));
  CHECK(utc_from_civil(civil(2'000'000'000, 12, 31)) == kMaxTimestampMs);
  const TimeZone rome = zone("CET-1CEST,M3.5.0,M10.5.0/3");
  CHECK(rome.to_local(huge).year == 275760);
  CHECK(rome.from_local(civil(-2'000'000'000, 1, 1)) == kMinTimestampMs);
}

TEST_CASE("DST changes from the rule strings land on the instants tzdata lists") {
  for (const auto& c : zone_cases()) check_transitions(zone(c.rule), c);
}

TEST_CASE("DST changes from this machine's TZif footers match the same instants") {
  for (const auto& c : zone_cases()) {
    const auto z = load_zone(c.iana);
    if (!z) {
      SUCCEED("zone file not available");
      continue;
    }
    CHECK(z->name() == c.iana);
    check_transitions(*z, c);
  }
}

TEST_CASE("southern-hemisphere DST spans the new year") {
  const TimeZone sydney = zone("AEST-10AEDT,M10.1.0,M4.1.0/3");
  CHECK(sydney.is_dst(utc(2026, 1, 15)));
  CHECK_FALSE(sydney.is_dst(utc(2026, 7, 15)));
  CHECK(sydney.is_dst(utc(2026, 12, 31, 13, 30)));
  CHECK(sydney.to_local(utc(2026, 12, 31, 13, 30)) == civil(2027, 1, 1, 0, 30));
}

TEST_CASE("zones without DST keep one offset and abbreviation") {
  const TimeZone kolkata = zone("<+0530>-5:30");
  CHECK(kolkata.utc_offset_s(utc(2026, 6, 1)) == 19800);
  CHECK_FALSE(kolkata.is_dst(utc(2026, 6, 1)));
  CHECK(kolkata.abbreviation(utc(2026, 6, 1)) == "+0530");
  CHECK(kolkata.to_local(utc(2026, 3, 31, 18, 30)) == civil(2026, 4, 1));
  CHECK(kolkata.from_local(civil(2026, 4, 1)) == utc(2026, 3, 31, 18, 30));
  const TimeZone buenos_aires = zone("<-03>3");
  CHECK(buenos_aires.utc_offset_s(utc(2026, 1, 1)) == -10800);
  CHECK(buenos_aires.abbreviation(0) == "-03");
}

TEST_CASE("the default TimeZone is UTC") {
  const TimeZone z;
  CHECK(z.name() == "UTC");
  CHECK(z.rule() == "UTC0");
  CHECK(z.abbreviation(0) == "UTC");
  CHECK(z.utc_offset_s(utc(2026, 7, 1)) == 0);
  CHECK(z == TimeZone::utc());
  CHECK(z.to_local(utc(2026, 11, 23, 14, 5)) == civil(2026, 11, 23, 14, 5));
}

TEST_CASE("a zone shows its IANA name, or the rule when no name is given") {
  const auto named = TimeZone::from_posix("CET-1CEST,M3.5.0,M10.5.0/3", "Europe/Rome");
  REQUIRE(named.ok());
  CHECK(named->name() == "Europe/Rome");
  CHECK(named->rule() == "CET-1CEST,M3.5.0,M10.5.0/3");
  const TimeZone unnamed = zone("CET-1CEST,M3.5.0,M10.5.0/3");
  CHECK(unnamed.name() == "CET-1CEST,M3.5.0,M10.5.0/3");
  CHECK_FALSE(unnamed == named.value());
  CHECK(unnamed == zone("CET-1CEST,M3.5.0,M10.5.0/3"));
}

TEST_CASE("from_local resolves gaps forward and overlaps to the earlier instant") {
  // Expected instants from Python's zoneinfo (fold=0), which resolves gaps the same way.
  struct Case {
    const char* rule;
    CivilTime local;
    TimestampMs expected;
    CivilTime shown;  // to_local(expected)
  };
  const std::vector<Case> cases = {
      // Rome: 02:00 -> 03:00 on 2026-03-29, 03:00 -> 02:00 on 2026-10-25.
      {"CET-1CEST,M3.5.0,M10.5.0/3", civil(2026, 3, 29, 2, 30), utc(2026, 3, 29, 1, 30),
       civil(2026, 3, 29, 3, 30)},
      {"CET-1CEST,M3.5.0,M10.5.0/3", civil(2026, 10, 25, 2, 30), utc(2026, 10, 25, 0, 30),
       civil(2026, 10, 25, 2, 30)},
      {"CET-1CEST,M3.5.0,M10.5.0/3", civil(2026, 3, 29, 2, 0), utc(2026, 3, 29, 1, 0),
       civil(2026, 3, 29, 3, 0)},
      {"CET-1CEST,M3.5.0,M10.5.0/3", civil(2026, 3, 29, 3, 0), utc(2026, 3, 29, 1, 0),
       civil(2026, 3, 29, 3, 0)},
      // New York.
      {"EST5EDT,M3.2.0,M11.1.0", civil(2026, 3, 8, 2, 30), utc(2026, 3, 8, 7, 30),
       civil(2026, 3, 8, 3, 30)},
      {"EST5EDT,M3.2.0,M11.1.0", civil(2026, 11, 1, 1, 30), utc(2026, 11, 1, 5, 30),
       civil(2026, 11, 1, 1, 30)},
      // Sydney: the gap is in October, the overlap in April.
      {"AEST-10AEDT,M10.1.0,M4.1.0/3", civil(2026, 10, 4, 2, 30), utc(2026, 10, 3, 16, 30),
       civil(2026, 10, 4, 3, 30)},
      {"AEST-10AEDT,M10.1.0,M4.1.0/3", civil(2026, 4, 5, 2, 30), utc(2026, 4, 4, 15, 30),
       civil(2026, 4, 5, 2, 30)},
      // Nuuk: the gap and the overlap are the Saturday's last hour.
      {"<-02>2<-01>,M3.5.0/-1,M10.5.0/0", civil(2026, 3, 28, 23, 30), utc(2026, 3, 29, 1, 30),
       civil(2026, 3, 29, 0, 30)},
      {"<-02>2<-01>,M3.5.0/-1,M10.5.0/0", civil(2026, 10, 24, 23, 30), utc(2026, 10, 25, 0, 30),
       civil(2026, 10, 24, 23, 30)},
      // Jerusalem: Friday 02:00 -> 03:00.
      {"IST-2IDT,M3.4.4/26,M10.5.0", civil(2026, 3, 27, 2, 30), utc(2026, 3, 27, 0, 30),
       civil(2026, 3, 27, 3, 30)},
      {"IST-2IDT,M3.4.4/26,M10.5.0", civil(2026, 10, 25, 1, 30), utc(2026, 10, 24, 22, 30),
       civil(2026, 10, 25, 1, 30)},
      // Negative DST (Europe/Dublin): winter is "DST"; the gap is at the end of DST.
      {"IST-1GMT0,M10.5.0,M3.5.0/1", civil(2026, 3, 29, 1, 30), utc(2026, 3, 29, 1, 30),
       civil(2026, 3, 29, 2, 30)},
      {"IST-1GMT0,M10.5.0,M3.5.0/1", civil(2026, 10, 25, 1, 30), utc(2026, 10, 25, 0, 30),
       civil(2026, 10, 25, 1, 30)},
  };
  for (const auto& c : cases) {
    const TimeZone z = zone(c.rule);
    INFO(c.rule << " " << TimeZone::utc().format(utc_from_civil(c.local)));
    CHECK(z.from_local(c.local) == c.expected);
    CHECK(z.to_local(c.expected) == c.shown);
  }
}

TEST_CASE("to_local then from_local returns the instant except in the repeated hour") {
  const TimeZone rome = zone("CET-1CEST,M3.5.0,M10.5.0/3");
  const TimestampMs repeated_begin = utc(2026, 10, 25, 1, 0);
  const TimestampMs repeated_end = utc(2026, 10, 25, 2, 0);
  int mismatches = 0;
  for (TimestampMs t = utc(2026, 1, 1); t < utc(2027, 1, 1); t += 7 * 60 * 1000 + 13) {
    const TimestampMs back = rome.from_local(rome.to_local(t));
    if (t >= repeated_begin && t < repeated_end) {
      if (back != t - kHourMs) ++mismatches;
    } else if (back != t) {
      ++mismatches;
    }
  }
  CHECK(mismatches == 0);
}

TEST_CASE("start_of_day spans 23 hours on the spring day and 25 on the autumn day") {
  struct Case {
    const char* rule;
    TimestampMs inside;
    TimestampMs expected_start;
    std::int64_t length_h;
  };
  const std::vector<Case> cases = {
      {"CET-1CEST,M3.5.0,M10.5.0/3", utc(2026, 3, 29, 12), utc(2026, 3, 28, 23), 23},
      {"CET-1CEST,M3.5.0,M10.5.0/3", utc(2026, 10, 25, 12), utc(2026, 10, 24, 22), 25},
      {"CET-1CEST,M3.5.0,M10.5.0/3", utc(2026, 6, 10, 21, 59), utc(2026, 6, 9, 22), 24},
      {"EST5EDT,M3.2.0,M11.1.0", utc(2026, 3, 8, 12), utc(2026, 3, 8, 5), 23},
      {"EST5EDT,M3.2.0,M11.1.0", utc(2026, 11, 1, 12), utc(2026, 11, 1, 4), 25},
      {"AEST-10AEDT,M10.1.0,M4.1.0/3", utc(2026, 10, 4, 2), utc(2026, 10, 3, 14), 23},
      {"AEST-10AEDT,M10.1.0,M4.1.0/3", utc(2026, 4, 5, 2), utc(2026, 4, 4, 13), 25},
  };
  for (const auto& c : cases) {
    const TimeZone z = zone(c.rule);
    INFO(c.rule << " " << TimeZone::utc().format(c.inside));
    const TimestampMs start = z.start_of_day(c.inside);
    CHECK(start == c.expected_start);
    CHECK(z.to_local(start).hour == 0);
    CHECK(z.start_of_day(start) == start);
    CHECK(z.start_of_day(start - 1) < start);
    const TimestampMs next = z.start_of_day(start + 26 * kHourMs);
    CHECK(next - start == c.length_h * kHourMs);
  }
}

TEST_CASE("a day whose midnight is skipped starts at the change") {
  // Clocks jump from 23:30 to 00:30: the 30th begins at 00:30 local.
  const TimeZone late = zone("AAA0BBB,M3.5.0/23:30,M10.5.0/3");
  CHECK(late.start_of_day(utc(2026, 3, 30, 12)) == utc(2026, 3, 29, 23, 30));
  CHECK(late.to_local(utc(2026, 3, 29, 23, 30)) == civil(2026, 3, 30, 0, 30));
  // Old Sao Paulo rule: clocks jump from 00:00 to 01:00.
  const TimeZone midnight = zone("<-03>3<-02>,M10.3.0/0,M2.3.0/0");
  CHECK(midnight.start_of_day(utc(2026, 10, 18, 12)) == utc(2026, 10, 18, 3));
  CHECK(midnight.to_local(utc(2026, 10, 18, 3)) == civil(2026, 10, 18, 1));
}

TEST_CASE("start_of_month follows the local calendar, not the UTC one") {
  const TimeZone rome = zone("CET-1CEST,M3.5.0,M10.5.0/3");
  // 23:30 UTC on 31 March is already 1 April in Rome.
  CHECK(rome.start_of_month(utc(2026, 3, 31, 23, 30)) == utc(2026, 3, 31, 22));
  CHECK(rome.start_of_month(utc(2026, 3, 31, 21, 59)) == utc(2026, 2, 28, 23));
  // The March cycle loses the hour of the spring change.
  CHECK(rome.start_of_next_month(utc(2026, 3, 15)) - rome.start_of_month(utc(2026, 3, 15)) ==
        31 * kDayMs - kHourMs);
  CHECK(rome.start_of_next_month(utc(2026, 12, 15)) == utc(2026, 12, 31, 23));
  CHECK(rome.start_of_previous_month(utc(2027, 1, 10)) == utc(2026, 11, 30, 23));
  CHECK(rome.start_of_next_month(utc(2026, 12, 31, 23, 30)) == utc(2027, 1, 31, 23));
  CHECK(rome.start_of_previous_month(utc(2026, 12, 31, 23, 30)) == utc(2026, 11, 30, 23));

  const TimeZone new_york = zone("EST5EDT,M3.2.0,M11.1.0");
  // 03:00 UTC on 1 November is still 31 October, 23:00 EDT.
  CHECK(new_york.start_of_month(utc(2026, 11, 1, 3)) == utc(2026, 10, 1, 4));
  CHECK(new_york.start_of_next_month(utc(2026, 11, 1, 3)) == utc(2026, 11, 1, 4));

  const TimeZone sydney = zone("AEST-10AEDT,M10.1.0,M4.1.0/3");
  CHECK(sydney.start_of_month(utc(2026, 12, 31, 14)) == utc(2026, 12, 31, 13));
  CHECK(sydney.start_of_previous_month(utc(2026, 12, 31, 14)) == utc(2026, 11, 30, 13));
  CHECK(sydney.start_of_next_month(utc(2026, 12, 31, 14)) == utc(2027, 1, 31, 13));
}

TEST_CASE("February 29 2028 belongs to a 29-day local month") {
  const TimeZone rome = zone("CET-1CEST,M3.5.0,M10.5.0/3");
  const TimestampMs leap_noon = rome.from_local(civil(2028, 2, 29, 12));
  CHECK(leap_noon == utc(2028, 2, 29, 11));
  CHECK(rome.to_local(leap_noon) == civil(2028, 2, 29, 12));
  CHECK(rome.start_of_month(leap_noon) == utc(2028, 1, 31, 23));
  CHECK(rome.start_of_next_month(leap_noon) == utc(2028, 2, 29, 23));
  CHECK(rome.start_of_next_month(leap_noon) - rome.start_of_month(leap_noon) == 29 * kDayMs);
  CHECK(rome.start_of_previous_month(rome.start_of_next_month(leap_noon)) == utc(2028, 1, 31, 23));
}

TEST_CASE("format and format_iso write local date/times with their offset") {
  struct Case {
    const char* rule;
    TimestampMs t;
    const char* plain;
    const char* with_seconds;
    const char* iso;
  };
  const TimestampMs t = utc(2026, 11, 23, 13, 5, 9) + 999;
  const std::vector<Case> cases = {
      {"CET-1CEST,M3.5.0,M10.5.0/3", t, "2026-11-23 14:05", "2026-11-23 14:05:09",
       "2026-11-23T14:05:09+01:00"},
      {"CET-1CEST,M3.5.0,M10.5.0/3", utc(2026, 7, 1, 22, 0, 1), "2026-07-02 00:00",
       "2026-07-02 00:00:01", "2026-07-02T00:00:01+02:00"},
      {"EST5EDT,M3.2.0,M11.1.0", t, "2026-11-23 08:05", "2026-11-23 08:05:09",
       "2026-11-23T08:05:09-05:00"},
      {"<+0530>-5:30", t, "2026-11-23 18:35", "2026-11-23 18:35:09", "2026-11-23T18:35:09+05:30"},
      {"<-02>2<-01>,M3.5.0/-1,M10.5.0/0", t, "2026-11-23 11:05", "2026-11-23 11:05:09",
       "2026-11-23T11:05:09-02:00"},
      {"UTC0", t, "2026-11-23 13:05", "2026-11-23 13:05:09", "2026-11-23T13:05:09+00:00"},
      {"UTC0", -1, "1969-12-31 23:59", "1969-12-31 23:59:59", "1969-12-31T23:59:59+00:00"},
      {"<-002521>0:25:21", 0, "1969-12-31 23:34", "1969-12-31 23:34:39",
       "1969-12-31T23:34:39-00:25:21"},
      {"UTC0", utc(5, 1, 2, 3, 4, 5), "0005-01-02 03:04", "0005-01-02 03:04:05",
       "0005-01-02T03:04:05+00:00"},
  };
  for (const auto& c : cases) {
    const TimeZone z = zone(c.rule);
    INFO(c.rule);
    CHECK(z.format(c.t) == c.plain);
    CHECK(z.format(c.t, true) == c.with_seconds);
    CHECK(z.format_iso(c.t) == c.iso);
  }
}

TEST_CASE("every form of the POSIX grammar is accepted") {
  const std::vector<const char*> rules = {
      "UTC0",
      "CET-1CEST,M3.5.0,M10.5.0/3",
      "EST5EDT,M3.2.0,M11.1.0",
      "<+0530>-5:30",
      "<-03>3",
      "<+00>+0",
      "AEST-10AEDT,M10.1.0,M4.1.0/3",
      "IST-2IDT,M3.4.4/26,M10.5.0",
      "WET0WEST,M3.5.0/1,M10.5.0",
      "<-02>2<-01>,M3.5.0/-1,M10.5.0/0",
      "EST5EDT4,0/0,J365/25",
      "AAA3BBB1,J60/0,300/0",
      "AAA+3:30:15BBB+2:00,M1.1.0/167,M12.5.6/-167",
      "<ABC-1>-01:00:00<ABC-2>-2,M3.5.0/+2:30,M10.5.0/02:00:00",
      "LongName24LongerName,M3.5.0,M10.5.0",
  };
  for (const char* rule : rules) {
    const auto z = TimeZone::from_posix(rule);
    INFO(rule);
    CHECK(z.ok());
  }
}

TEST_CASE("DST offsets default to one hour ahead, and an explicit one is honoured") {
  const TimeZone us = zone("EST5EDT,M3.2.0,M11.1.0");
  CHECK(us.utc_offset_s(utc(2026, 7, 1)) == -4 * 3600);
  const TimeZone two_hours = zone("AAA3BBB1,M3.2.0,M11.1.0");
  CHECK(two_hours.utc_offset_s(utc(2026, 1, 1)) == -3 * 3600);
  CHECK(two_hours.utc_offset_s(utc(2026, 7, 1)) == -1 * 3600);
}

TEST_CASE("Jn never counts February 29 and n counts it") {
  // J60 is always 1 March; zero-based 59 is 29 February in a leap year, 1 March otherwise.
  const TimeZone julian = zone("AAA0BBB,J60/0,J300/0");
  CHECK_FALSE(julian.is_dst(utc(2028, 2, 29, 23, 59)));
  CHECK(julian.is_dst(utc(2028, 3, 1)));
  CHECK(julian.is_dst(utc(2027, 3, 1)));
  const TimeZone zero_based = zone("AAA0BBB,59/0,300/0");
  CHECK_FALSE(zero_based.is_dst(utc(2028, 2, 28, 23, 59)));
  CHECK(zero_based.is_dst(utc(2028, 2, 29)));
  CHECK_FALSE(zero_based.is_dst(utc(2027, 2, 28, 23, 59)));
  CHECK(zero_based.is_dst(utc(2027, 3, 1)));
}

TEST_CASE("permanent DST written as a whole-year rule never switches back") {
  // tzcode's idiom: DST from Jan 1 00:00 to Dec 31 25:00, i.e. the next Jan 1 00:00.
  const TimeZone z = zone("EST5EDT4,0/0,J365/25");
  for (const TimestampMs t : {utc(2026, 1, 1, 4, 59), utc(2026, 1, 1, 5), utc(2026, 1, 1, 5, 1),
                              utc(2026, 7, 1), utc(2026, 12, 31, 23), utc(2027, 1, 1, 5),
                              utc(2028, 12, 31, 12)}) {
    INFO(TimeZone::utc().format(t));
    CHECK(z.is_dst(t));
    CHECK(z.utc_offset_s(t) == -4 * 3600);
  }
}

TEST_CASE("rule times of up to 167 hours move the change by days") {
  // M3.1.0 in 2026 is Sunday 1 March; /167 is 6 days 23 hours later.
  const TimeZone z = zone("AAA0BBB,M3.1.0/167,M10.1.0");
  CHECK_FALSE(z.is_dst(utc(2026, 3, 7, 22, 59)));
  CHECK(z.is_dst(utc(2026, 3, 7, 23)));
  const TimeZone before = zone("AAA0BBB,M3.1.0/-167,M10.1.0");
  CHECK_FALSE(before.is_dst(utc(2026, 2, 22, 0, 59)));
  CHECK(before.is_dst(utc(2026, 2, 22, 1)));
}

TEST_CASE("malformed rules are refused with invalid_time_zone and the rule quoted") {
  struct Case {
    const char* rule;
    const char* why;
  };
  const std::vector<Case> cases = {
      {"", "empty"},
      {"CET", "no offset"},
      {"CE-1", "name shorter than 3 letters"},
      {"<AB>-1", "quoted name shorter than 3"},
      {"<+0530-5:30", "unterminated <"},
      {"<+05:30>-5:30", "':' inside <>"},
      {"1CET", "no name"},
      {"CET-25", "offset hours beyond 24"},
      {"CET-1:60", "offset minutes beyond 59"},
      {"CET-1:30:60", "offset seconds beyond 59"},
      {"CET-1:", "offset minutes missing"},
      {"CET-", "offset hours missing"},
      {"CET-1CEST", "DST name without rule"},
      {"CET-1CEST-2", "DST offset without rule"},
      {"CET-1CEST,M3.5.0", "end date missing"},
      {"CET-1CEST,M3.5.0,", "end date empty"},
      {"CET-1CEST,,M10.5.0", "start date empty"},
      {"CET-1CEST;M3.5.0,M10.5.0", "wrong separator"},
      {"CET-1CEST,M13.1.0,M10.5.0/3", "month 13"},
      {"CET-1CEST,M0.1.0,M10.5.0/3", "month 0"},
      {"CET-1CEST,M3.6.0,M10.5.0", "week 6"},
      {"CET-1CEST,M3.0.0,M10.5.0", "week 0"},
      {"CET-1CEST,M3.5.7,M10.5.0", "weekday 7"},
      {"CET-1CEST,M3.5,M10.5.0", "short M form"},
      {"CET-1CEST,M3.5.0x,M10.5.0", "junk after M form"},
      {"CET-1CEST,J0,M10.5.0", "J0"},
      {"CET-1CEST,J366,M10.5.0", "J366"},
      {"CET-1CEST,J,M10.5.0", "J without a day"},
      {"CET-1CEST,366,M10.5.0", "zero-based day 366"},
      {"CET-1CEST,X3,M10.5.0", "unknown date form"},
      {"CET-1CEST,M3.5.0/168,M10.5.0", "time beyond 167 hours"},
      {"CET-1CEST,M3.5.0,M10.5.0/-168", "time below -167 hours"},
      {"CET-1CEST,M3.5.0/2:60,M10.5.0", "time minutes beyond 59"},
      {"CET-1CEST,M3.5.0/,M10.5.0", "time missing after /"},
      {"CET-1CEST,M3.5.0,M10.5.0/3 ", "trailing space"},
      {"CET-1CEST,M3.5.0,M10.5.0/3,M11.1.0", "third date"},
      {" CET-1", "leading space"},
      {"CET-1\n", "line break"},
  };
  for (const auto& c : cases) {
    INFO(c.why << ": \"" << c.rule << "\"");
    const auto z = TimeZone::from_posix(c.rule, "Europe/Rome");
    REQUIRE_FALSE(z.ok());
    CHECK(z.error().code == "invalid_time_zone");
    CHECK(z.error().field == "time_zone");
    CHECK(z.error().message.rfind("Time zone rule \"", 0) == 0);
  }
}

TEST_CASE("refusal messages say what is wrong in the administrator's words") {
  const auto month = TimeZone::from_posix("CET-1CEST,M13.1.0,M10.5.0/3");
  REQUIRE_FALSE(month.ok());
  CHECK(month.error().message ==
        "Time zone rule \"CET-1CEST,M13.1.0,M10.5.0/3\" is not valid: the start date "
        "\"M13.1.0\" has a month outside 1 to 12.");
  const auto missing = TimeZone::from_posix("EST5EDT");
  REQUIRE_FALSE(missing.ok());
  CHECK(missing.error().message ==
        "Time zone rule \"EST5EDT\" is not valid: it names a daylight-saving time (EDT) but not "
        "when it starts and ends (\",start[/time],end[/time]\").");
  const auto empty = TimeZone::from_posix("");
  REQUIRE_FALSE(empty.ok());
  CHECK(empty.error().message == "Time zone rule \"\" is not valid: it is empty.");
  // Control characters and very long input are not echoed verbatim.
  const auto noisy = TimeZone::from_posix(std::string("CET\x01") + std::string(200, 'x'));
  REQUIRE_FALSE(noisy.ok());
  CHECK(noisy.error().message.find('\x01') == std::string::npos);
  CHECK(noisy.error().message.size() < 300);
}

namespace {

void put_be32(std::string& out, std::uint32_t v) {
  for (int shift = 24; shift >= 0; shift -= 8) out.push_back(static_cast<char>((v >> shift) & 0xff));
}

// A minimal RFC 8536 file: one local time type "UTC" (plus `transitions` transitions to it),
// both data blocks, and the footer text given (without its enclosing line breaks).
std::string make_tzif(char version, std::uint32_t transitions, const std::string& footer) {
  const auto header = [&](std::string& out) {
    out += "TZif";
    out.push_back(version);
    out += std::string(15, '\0');
    for (const std::uint32_t count : {0u, 0u, 0u, transitions, 1u, 4u}) put_be32(out, count);
  };
  const auto block = [&](std::string& out, int time_size) {
    for (std::uint32_t i = 0; i < transitions; ++i) {
      out += std::string(static_cast<std::size_t>(time_size - 1), '\0');
      out.push_back(static_cast<char>(i + 1));
    }
    out += std::string(transitions, '\0');  // each transition uses type 0
    put_be32(out, 0);                       // type 0: utoff 0
    out += std::string(2, '\0');            // isdst 0, abbreviation index 0
    out += std::string("UTC\0", 4);
  };
  std::string out;
  header(out);
  block(out, 4);
  if (version == '\0') return out;
  header(out);
  block(out, 8);
  out += "\n" + footer + "\n";
  return out;
}

}  // namespace

TEST_CASE("posix_rule_from_tzif reads the footer of a hand-built version 2 file") {
  const auto rule = posix_rule_from_tzif(make_tzif('2', 0, "UTC0"));
  REQUIRE(rule.ok());
  CHECK(rule.value() == "UTC0");
  const auto with_data = posix_rule_from_tzif(make_tzif('3', 3, "CET-1CEST,M3.5.0,M10.5.0/3"));
  REQUIRE(with_data.ok());
  CHECK(with_data.value() == "CET-1CEST,M3.5.0,M10.5.0/3");
  CHECK(TimeZone::from_posix(with_data.value()).ok());
}

TEST_CASE("posix_rule_from_tzif refuses files it cannot read a rule from") {
  struct Case {
    std::string bytes;
    const char* why;
  };
  const std::string good = make_tzif('2', 2, "UTC0");
  const std::vector<Case> cases = {
      {"", "empty"},
      {"not a zone file at all, just some text that is long enough to have a header", "garbage"},
      {"TZif2", "header cut short"},
      {make_tzif('\0', 2, ""), "version 1: no footer"},
      {make_tzif('2', 2, ""), "empty footer"},
      {good.substr(0, good.size() - 1), "footer not terminated"},
      {good.substr(0, good.size() - 6), "footer cut off"},
      {good.substr(0, 60), "data block cut off"},
      {good + "extra", "bytes after the footer"},
      {make_tzif('x', 0, "UTC0"), "unknown version"},
  };
  for (const auto& c : cases) {
    INFO(c.why);
    const auto rule = posix_rule_from_tzif(c.bytes);
    REQUIRE_FALSE(rule.ok());
    CHECK(rule.error().code == "invalid_tzif");
    CHECK(rule.error().message.rfind("The time zone file cannot be used: ", 0) == 0);
  }
  const auto v1 = posix_rule_from_tzif(make_tzif('\0', 0, ""));
  REQUIRE_FALSE(v1.ok());
  CHECK(v1.error().message.find("version 1") != std::string::npos);
}

TEST_CASE("this machine's UTC and Rome zone files give usable rules") {
  for (const char* name : {"UTC", "Europe/Rome"}) {
    const auto bytes = read_zone_file(name);
    if (!bytes) {
      WARN("skipped: /usr/share/zoneinfo/" << name << " is not readable here");
      SUCCEED("zone file not available");
      continue;
    }
    const auto rule = posix_rule_from_tzif(*bytes);
    INFO(name);
    REQUIRE(rule.ok());
    CHECK(TimeZone::from_posix(rule.value(), name).ok());
  }
}
