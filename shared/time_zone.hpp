// Calendar arithmetic and time zones from POSIX TZ rules: the local dates, months and
// date/times the dashboard and the CSV reports show to an administrator.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>

#include "ids.hpp"
#include "result.hpp"

namespace linedesk {

// A wall-clock date and time in the proleptic Gregorian calendar, with no zone attached.
// month 1..12, day 1..31, hour 0..23, minute 0..59, second 0..59, millisecond 0..999.
struct CivilTime {
  int year = 1970;
  int month = 1;
  int day = 1;
  int hour = 0;
  int minute = 0;
  int second = 0;
  int millisecond = 0;

  bool operator==(const CivilTime&) const = default;
};

// Every function below clamps instants to the ECMAScript Date range (±8.64e15 ms, about
// years -271821..275760), so the browser and the server agree and nothing overflows.
inline constexpr TimestampMs kMinTimestampMs = -8'640'000'000'000'000;
inline constexpr TimestampMs kMaxTimestampMs = 8'640'000'000'000'000;

// Days since 1970-01-01 for a proleptic Gregorian date, and back (Howard Hinnant's
// algorithms). days_from_civil is linear in `day`, so day 0 is the last day of the previous
// month and day 32 runs into the next one; `month` must be 1..12. civil_from_days clamps
// `days` to ±7e11 (years beyond ±1.9 billion) so the year fits in an int.
std::int64_t days_from_civil(int year, int month, int day);
void civil_from_days(std::int64_t days, int& year, int& month, int& day);
// 28..31; 0 when `month` is not 1..12.
int days_in_month(int year, int month);

// UTC breakdown of an instant, and its inverse. utc_from_civil accepts fields out of range
// and carries them over (month 13 is January of the next year, hour 24 the next day,
// day 0 the last day of the previous month).
CivilTime civil_from_utc(TimestampMs t);
TimestampMs utc_from_civil(const CivilTime& c);

// A time zone described by a POSIX TZ rule string, the footer of a TZif v2+ file:
//   std offset [dst [offset] ,start[/time],end[/time]]
// e.g. "CET-1CEST,M3.5.0,M10.5.0/3", "<+0530>-5:30", "IST-2IDT,M3.4.4/26,M10.5.0".
// Only the zone's current rule is modelled: the rule is applied to every year, so instants
// before the rule took effect (historic transitions, former offsets) are not reproduced, nor
// are future transitions a TZif file lists before its footer applies (Africa/Casablanca and
// Asia/Gaza tabulate Ramadan changes that no POSIX rule can express). That is enough for the
// dashboard's billing cycle and for report date/times in every other zone.
//
// A TimeZone is an immutable value: copy it freely and use it from any thread.
class TimeZone {
 public:
  // UTC: name "UTC", rule "UTC0", abbreviation "UTC".
  TimeZone();

  // Parses a POSIX TZ rule string. `name` is the IANA name to show ("Europe/Rome"); when empty
  // the rule string is used as the name. Accepted, as POSIX plus RFC 8536:
  // - names: at least 3 ASCII letters, or <...> holding at least 3 letters, digits, '+', '-';
  // - offsets: [+-]hh[:mm[:ss]] with hours 0..24, west of Greenwich positive ("EST5");
  //   the DST offset defaults to one hour ahead of standard time;
  // - dates: Mm.w.d (month 1..12, week 1..5 where 5 means last, weekday 0..6 from Sunday),
  //   Jn (1..365, February 29 never counted) and n (0..365, zero-based, February 29 counted);
  // - times: [+-]h[:mm[:ss]] with hours -167..167, local time in force before the change,
  //   default 02:00.
  // A DST name without a start/end rule is refused: POSIX leaves those dates to the
  // implementation and guessing them would silently shift the administrator's reports.
  // Failures: "invalid_time_zone" (field "time_zone"), the message quotes the rule and says
  // what is wrong.
  static Result<TimeZone> from_posix(std::string_view rule, std::string_view name = {});
  static TimeZone utc();

  const std::string& name() const { return name_; }
  const std::string& rule() const { return rule_; }

  // Offset of local time from UTC at instant t, in seconds, east positive (Rome in winter is
  // +3600, New York in winter -18000).
  std::int32_t utc_offset_s(TimestampMs t) const;
  bool is_dst(TimestampMs t) const;
  // "CET" / "CEST" / "+0530" (quoted names without their angle brackets). The view stays valid
  // as long as this TimeZone.
  std::string_view abbreviation(TimestampMs t) const;

  CivilTime to_local(TimestampMs t) const;

  // Local wall time -> instant. Fields out of range carry over as in utc_from_civil.
  // - A time that occurs twice (clocks set back) resolves to the EARLIER instant, the one
  //   still on the offset in force before the change.
  // - A time that does not exist (clocks set forward) resolves as if the offset in force before
  //   the gap still applied: 02:30 on a day that jumps 02:00->03:00 gives the instant shown as
  //   03:30, the same 30 minutes after the gap start.
  TimestampMs from_local(const CivilTime& local) const;

  // First instant of the local day containing t, and of the local calendar month containing t.
  // When local midnight does not exist (a change at 00:00), the day starts at the change.
  TimestampMs start_of_day(TimestampMs t) const;
  TimestampMs start_of_month(TimestampMs t) const;
  // First instant of the local month after / before the one containing t.
  TimestampMs start_of_next_month(TimestampMs t) const;
  TimestampMs start_of_previous_month(TimestampMs t) const;

  // Local date/time: "2026-11-23 14:05", or "2026-11-23 14:05:09" with seconds. Seconds and
  // milliseconds that are not shown are truncated, never rounded up.
  std::string format(TimestampMs t, bool with_seconds = false) const;
  // ISO 8601 local date/time with its offset, to the second: "2026-11-23T14:05:09+01:00".
  // UTC is written "+00:00" so every row has the same width; an offset with a seconds part
  // (rare, only in hand-written rules) is written "+hh:mm:ss".
  std::string format_iso(TimestampMs t) const;

  // Same name and same rule text (everything else derives from the rule).
  bool operator==(const TimeZone& other) const;

 private:
  // When DST starts or ends in a given year: a day chosen by one of the three POSIX forms,
  // plus a time of day in seconds (which may run into neighbouring days).
  struct RuleDate {
    enum class Kind : std::uint8_t { kMonthWeekDay, kJulianNoLeap, kZeroBasedDay };
    Kind kind = Kind::kMonthWeekDay;
    int month = 1;    // kMonthWeekDay: 1..12
    int week = 1;     // kMonthWeekDay: 1..5
    int weekday = 0;  // kMonthWeekDay: 0 = Sunday
    int day = 0;      // kJulianNoLeap: 1..365; kZeroBasedDay: 0..365
    std::int32_t time_s = 2 * 3600;
  };

  // The DST start and end instants of one calendar year, in UTC milliseconds.
  struct YearTransitions {
    TimestampMs start;
    TimestampMs end;
  };

  friend class TimeZoneParser;

  YearTransitions transitions_in(int year) const;
  // Whether DST is in force at the clamped instant t.
  bool dst_at(TimestampMs t) const;
  // The earliest DST start or end in (after, until], if any.
  bool change_between(TimestampMs after, TimestampMs until, TimestampMs& change) const;
  TimestampMs start_of_local_date(int year, int month, int day) const;

  std::string name_;
  std::string rule_;
  std::string std_abbreviation_;
  std::string dst_abbreviation_;
  std::int32_t std_offset_s_ = 0;  // east positive, unlike the rule text
  std::int32_t dst_offset_s_ = 0;
  bool has_dst_ = false;
  RuleDate dst_start_;
  RuleDate dst_end_;
};

// The POSIX rule in the footer of a TZif file (RFC 8536, version 2 or later), e.g. the bytes of
// /usr/share/zoneinfo/Europe/Rome -> "CET-1CEST,M3.5.0,M10.5.0/3". The caller reads the file;
// pass the result to TimeZone::from_posix. The header counts are used to find the footer
// exactly, so truncated files are refused rather than misread.
// Failures: "invalid_tzif" (field "time_zone") when the bytes are not TZif, are truncated or
// carry bytes after the footer, are version 1 (no footer), or have an empty footer (no rule
// after the last transition).
Result<std::string> posix_rule_from_tzif(std::string_view tzif_bytes);

}  // namespace linedesk
