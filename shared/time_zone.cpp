// Calendar arithmetic, the POSIX TZ rule parser and the TZif footer reader behind TimeZone.
// Pure computation: the server reads the zone files, the browser receives the rule text.
#include "time_zone.hpp"

#include <algorithm>
#include <cstddef>
#include <initializer_list>
#include <string>
#include <utility>

namespace linedesk {
namespace {

constexpr std::int64_t kMsPerSecond = 1000;
constexpr std::int64_t kMsPerMinute = 60 * kMsPerSecond;
constexpr std::int64_t kMsPerHour = 60 * kMsPerMinute;
constexpr std::int64_t kMsPerDay = 24 * kMsPerHour;
constexpr std::int64_t kSecondsPerDay = 86'400;
// Keeps years inside int for any int64 day count handed to civil_from_days.
constexpr std::int64_t kMaxCivilDays = 700'000'000'000;
// Keeps days * kMsPerDay inside int64 before the final clamp to the ECMAScript range.
constexpr std::int64_t kMaxInstantDays = kMaxTimestampMs / kMsPerDay + 2;
// How far a year's transitions can land outside that calendar year: rule times reach ±167 h
// and offsets ±24:59:59, so eight days covers both.
constexpr TimestampMs kSpillMs = 8 * kMsPerDay;

constexpr int kMaxOffsetHours = 24;
constexpr int kMaxRuleTimeHours = 167;
constexpr std::size_t kMaxShownRuleChars = 64;

std::int64_t floor_div(std::int64_t a, std::int64_t b) {
  std::int64_t q = a / b;
  if ((a % b != 0) && ((a < 0) != (b < 0))) --q;
  return q;
}

std::int64_t floor_mod(std::int64_t a, std::int64_t b) { return a - floor_div(a, b) * b; }

TimestampMs clamp_instant(TimestampMs t) { return std::clamp(t, kMinTimestampMs, kMaxTimestampMs); }

bool is_leap_year(std::int64_t year) {
  return year % 4 == 0 && (year % 100 != 0 || year % 400 == 0);
}

// Hinnant's days_from_civil on int64 so that a carried-over year cannot overflow.
std::int64_t days_from_civil64(std::int64_t year, int month, std::int64_t day) {
  year -= month <= 2 ? 1 : 0;
  const std::int64_t era = (year >= 0 ? year : year - 399) / 400;
  const std::int64_t yoe = year - era * 400;
  const std::int64_t doy = (153 * (month > 2 ? month - 3 : month + 9) + 2) / 5 + day - 1;
  const std::int64_t doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
  return era * 146097 + doe - 719468;
}

int weekday_from_days(std::int64_t days) {
  return static_cast<int>(floor_mod(days + 4, 7));  // 1970-01-01 was a Thursday (4)
}

int utc_year_of(TimestampMs t) {
  int year = 0;
  int month = 0;
  int day = 0;
  civil_from_days(floor_div(t, kMsPerDay), year, month, day);
  return year;
}

void append_padded(std::string& out, std::int64_t value, int width) {
  if (value < 0) {
    out.push_back('-');
    value = -value;
  }
  char digits[24];
  int n = 0;
  do {
    digits[n++] = static_cast<char>('0' + value % 10);
    value /= 10;
  } while (value > 0);
  for (int i = n; i < width; ++i) out.push_back('0');
  while (n > 0) out.push_back(digits[--n]);
}

void append_date_time(std::string& out, const CivilTime& c, char separator, bool with_seconds) {
  append_padded(out, c.year, 4);
  out.push_back('-');
  append_padded(out, c.month, 2);
  out.push_back('-');
  append_padded(out, c.day, 2);
  out.push_back(separator);
  append_padded(out, c.hour, 2);
  out.push_back(':');
  append_padded(out, c.minute, 2);
  if (with_seconds) {
    out.push_back(':');
    append_padded(out, c.second, 2);
  }
}

// The rule as quoted in a message: printable ASCII only and bounded, because the text may come
// from anywhere and the message is shown as is.
std::string shown_rule(std::string_view rule) {
  std::string out;
  for (const char c : rule.substr(0, kMaxShownRuleChars)) {
    out.push_back(c >= 0x20 && c < 0x7f ? c : '?');
  }
  if (rule.size() > kMaxShownRuleChars) out += "...";
  return out;
}

Error invalid_time_zone(std::string_view rule, std::string_view problem) {
  return make_error("invalid_time_zone", "time_zone",
                    "Time zone rule \"" + shown_rule(rule) + "\" is not valid: " +
                        std::string(problem) + ".");
}

Error invalid_tzif(std::string_view problem) {
  return make_error("invalid_tzif", "time_zone",
                    "The time zone file cannot be used: " + std::string(problem) + ".");
}

bool is_ascii_letter(char c) { return (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z'); }
bool is_ascii_digit(char c) { return c >= '0' && c <= '9'; }

std::uint32_t read_be32(std::string_view bytes, std::size_t at) {
  std::uint32_t v = 0;
  for (std::size_t i = 0; i < 4; ++i) {
    v = (v << 8) | static_cast<std::uint8_t>(bytes[at + i]);
  }
  return v;
}

}  // namespace

// Recursive-descent parser for the POSIX TZ grammar (with the RFC 8536 extensions), filling a
// TimeZone's rule fields. On failure `problem()` is the reason, phrased for the error message.
class TimeZoneParser {
 public:
  explicit TimeZoneParser(std::string_view text) : text_(text) {}

  bool parse(TimeZone& zone) {
    if (text_.empty()) return fail("it is empty");
    if (!parse_name(zone.std_abbreviation_, "standard time name")) return false;
    if (!parse_offset(zone.std_offset_s_, zone.std_abbreviation_)) return false;
    zone.dst_offset_s_ = zone.std_offset_s_;
    zone.has_dst_ = false;
    if (at_end()) return true;
    if (!parse_name(zone.dst_abbreviation_, "daylight-saving time name")) return false;
    zone.has_dst_ = true;
    if (peek() == '+' || peek() == '-' || is_ascii_digit(peek())) {
      if (!parse_offset(zone.dst_offset_s_, zone.dst_abbreviation_)) return false;
    } else {
      zone.dst_offset_s_ = zone.std_offset_s_ + 3600;
    }
    if (at_end()) {
      return fail("it names a daylight-saving time (" + zone.dst_abbreviation_ +
                  ") but not when it starts and ends (\",start[/time],end[/time]\")");
    }
    if (!expect(',', "a ',' before the daylight-saving start date")) return false;
    if (!parse_rule_date(zone.dst_start_, "start")) return false;
    if (!expect(',', "a ',' and the daylight-saving end date")) return false;
    if (!parse_rule_date(zone.dst_end_, "end")) return false;
    if (!at_end()) return fail("unexpected \"" + std::string(rest()) + "\" at the end");
    return true;
  }

  const std::string& problem() const { return problem_; }

 private:
  bool at_end() const { return pos_ >= text_.size(); }
  char peek() const { return at_end() ? '\0' : text_[pos_]; }
  std::string_view rest() const { return text_.substr(std::min(pos_, text_.size())); }

  bool fail(std::string problem) {
    problem_ = std::move(problem);
    return false;
  }

  bool expect(char c, std::string_view wanted) {
    if (peek() == c) {
      ++pos_;
      return true;
    }
    if (at_end()) return fail("it ends where " + std::string(wanted) + " should follow");
    return fail("expected " + std::string(wanted) + " at \"" + std::string(rest()) + "\"");
  }

  // Consecutive digits as a number; saturates instead of overflowing so that the range
  // check reports the value as too large.
  bool read_number(int& value) {
    if (!is_ascii_digit(peek())) return false;
    value = 0;
    while (is_ascii_digit(peek())) {
      if (value < 1'000'000) value = value * 10 + (peek() - '0');
      ++pos_;
    }
    return true;
  }

  bool parse_name(std::string& out, std::string_view what) {
    const std::size_t begin = pos_;
    if (peek() == '<') {
      ++pos_;
      while (!at_end() && peek() != '>') {
        const char c = peek();
        if (!is_ascii_letter(c) && !is_ascii_digit(c) && c != '+' && c != '-') {
          return fail("the " + std::string(what) + " in <...> may hold only letters, digits, "
                      "'+' and '-'");
        }
        ++pos_;
      }
      if (at_end()) return fail("the " + std::string(what) + " starting with '<' has no closing '>'");
      out = std::string(text_.substr(begin + 1, pos_ - begin - 1));
      ++pos_;
    } else {
      while (is_ascii_letter(peek())) ++pos_;
      out = std::string(text_.substr(begin, pos_ - begin));
      if (out.empty()) {
        return fail("expected a " + std::string(what) + " (letters, or <...>) at \"" +
                    std::string(rest()) + "\"");
      }
    }
    if (out.size() < 3) {
      return fail("the " + std::string(what) + " \"" + out + "\" is shorter than 3 characters");
    }
    return true;
  }

  // [+-]h[:mm[:ss]] as seconds, sign applied. `what` names the value in messages.
  bool parse_hms(int max_hours, std::int32_t& seconds, const std::string& what) {
    int sign = 1;
    if (peek() == '+' || peek() == '-') {
      sign = peek() == '-' ? -1 : 1;
      ++pos_;
    }
    int hours = 0;
    int minutes = 0;
    int secs = 0;
    if (!read_number(hours)) return fail(what + " is missing or has no hours");
    if (hours > max_hours) {
      return fail(what + " has " + std::to_string(hours) + " hours (at most " +
                  std::to_string(max_hours) + ")");
    }
    if (peek() == ':') {
      ++pos_;
      if (!read_number(minutes) || minutes > 59) return fail(what + " has invalid minutes");
      if (peek() == ':') {
        ++pos_;
        if (!read_number(secs) || secs > 59) return fail(what + " has invalid seconds");
      }
    }
    seconds = sign * (hours * 3600 + minutes * 60 + secs);
    return true;
  }

  // POSIX offsets count hours west of Greenwich; the zone stores seconds east.
  bool parse_offset(std::int32_t& east_seconds, const std::string& after_name) {
    std::int32_t west = 0;
    if (!parse_hms(kMaxOffsetHours, west, "the UTC offset after \"" + after_name + "\"")) {
      return false;
    }
    east_seconds = -west;
    return true;
  }

  bool parse_rule_date(TimeZone::RuleDate& out, std::string_view which) {
    const std::size_t begin = pos_;
    std::size_t token_end = text_.find_first_of(",/", begin);
    if (token_end == std::string_view::npos) token_end = text_.size();
    const std::string token(text_.substr(begin, token_end - begin));
    const std::string label = "the " + std::string(which) + " date \"" + token + "\"";
    out = TimeZone::RuleDate{};
    if (peek() == 'M') {
      ++pos_;
      out.kind = TimeZone::RuleDate::Kind::kMonthWeekDay;
      if (!read_number(out.month) || !expect_quiet('.') || !read_number(out.week) ||
          !expect_quiet('.') || !read_number(out.weekday)) {
        return fail(label + " is not of the form Mm.w.d");
      }
      if (out.month < 1 || out.month > 12) return fail(label + " has a month outside 1 to 12");
      if (out.week < 1 || out.week > 5) return fail(label + " has a week outside 1 to 5");
      if (out.weekday > 6) return fail(label + " has a weekday outside 0 (Sunday) to 6");
    } else if (peek() == 'J') {
      ++pos_;
      out.kind = TimeZone::RuleDate::Kind::kJulianNoLeap;
      if (!read_number(out.day)) return fail(label + " has no day number after 'J'");
      if (out.day < 1 || out.day > 365) return fail(label + " has a day outside J1 to J365");
    } else if (is_ascii_digit(peek())) {
      out.kind = TimeZone::RuleDate::Kind::kZeroBasedDay;
      read_number(out.day);
      if (out.day > 365) return fail(label + " has a day outside 0 to 365");
    } else {
      return fail("the daylight-saving " + std::string(which) +
                  " date is missing or not one of Mm.w.d, Jn or n");
    }
    if (pos_ != token_end) return fail(label + " is followed by unexpected characters");
    if (peek() == '/') {
      ++pos_;
      if (!parse_hms(kMaxRuleTimeHours, out.time_s,
                     "the time of the daylight-saving " + std::string(which))) {
        return false;
      }
    }
    return true;
  }

  bool expect_quiet(char c) {
    if (peek() != c) return false;
    ++pos_;
    return true;
  }

  std::string_view text_;
  std::size_t pos_ = 0;
  std::string problem_;
};

std::int64_t days_from_civil(int year, int month, int day) {
  return days_from_civil64(year, month, day);
}

void civil_from_days(std::int64_t days, int& year, int& month, int& day) {
  const std::int64_t z = std::clamp(days, -kMaxCivilDays, kMaxCivilDays) + 719468;
  const std::int64_t era = (z >= 0 ? z : z - 146096) / 146097;
  const std::int64_t doe = z - era * 146097;
  const std::int64_t yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
  const std::int64_t doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
  const std::int64_t mp = (5 * doy + 2) / 153;
  day = static_cast<int>(doy - (153 * mp + 2) / 5 + 1);
  month = static_cast<int>(mp < 10 ? mp + 3 : mp - 9);
  year = static_cast<int>(yoe + era * 400 + (month <= 2 ? 1 : 0));
}

int days_in_month(int year, int month) {
  static constexpr int kDays[12] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
  if (month < 1 || month > 12) return 0;
  if (month == 2 && is_leap_year(year)) return 29;
  return kDays[month - 1];
}

CivilTime civil_from_utc(TimestampMs t) {
  t = clamp_instant(t);
  const std::int64_t days = floor_div(t, kMsPerDay);
  std::int64_t rest = t - days * kMsPerDay;
  CivilTime c;
  civil_from_days(days, c.year, c.month, c.day);
  c.hour = static_cast<int>(rest / kMsPerHour);
  rest %= kMsPerHour;
  c.minute = static_cast<int>(rest / kMsPerMinute);
  rest %= kMsPerMinute;
  c.second = static_cast<int>(rest / kMsPerSecond);
  c.millisecond = static_cast<int>(rest % kMsPerSecond);
  return c;
}

TimestampMs utc_from_civil(const CivilTime& c) {
  const std::int64_t month0 = std::int64_t{c.month} - 1;
  // Years beyond ±1e9 are far outside the clamped range anyway; bounding them keeps the
  // day count exact in int64.
  const std::int64_t year =
      std::clamp<std::int64_t>(c.year + floor_div(month0, 12), -1'000'000'000, 1'000'000'000);
  const int month = static_cast<int>(floor_mod(month0, 12)) + 1;
  const std::int64_t days = std::clamp(days_from_civil64(year, month, 1) + c.day - 1,
                                       -kMaxInstantDays, kMaxInstantDays);
  const TimestampMs t = days * kMsPerDay + c.hour * kMsPerHour + c.minute * kMsPerMinute +
                        c.second * kMsPerSecond + c.millisecond;
  return clamp_instant(t);
}

TimeZone::TimeZone() : name_("UTC"), rule_("UTC0"), std_abbreviation_("UTC") {}

TimeZone TimeZone::utc() { return TimeZone(); }

Result<TimeZone> TimeZone::from_posix(std::string_view rule, std::string_view name) {
  TimeZone zone;
  TimeZoneParser parser(rule);
  if (!parser.parse(zone)) return invalid_time_zone(rule, parser.problem());
  zone.rule_ = std::string(rule);
  zone.name_ = name.empty() ? zone.rule_ : std::string(name);
  if (!zone.has_dst_) zone.dst_abbreviation_.clear();
  return zone;
}

TimeZone::YearTransitions TimeZone::transitions_in(int year) const {
  const auto day_of = [year](const RuleDate& r) -> std::int64_t {
    const std::int64_t jan1 = days_from_civil64(year, 1, 1);
    switch (r.kind) {
      case RuleDate::Kind::kJulianNoLeap:
        return jan1 + r.day - 1 + (is_leap_year(year) && r.day >= 60 ? 1 : 0);
      case RuleDate::Kind::kZeroBasedDay:
        return jan1 + r.day;
      case RuleDate::Kind::kMonthWeekDay:
        break;
    }
    const std::int64_t first = days_from_civil64(year, r.month, 1);
    std::int64_t day = first + floor_mod(r.weekday - weekday_from_days(first), 7) +
                       std::int64_t{r.week - 1} * 7;
    // Week 5 means the last such weekday; a fifth one may not exist.
    if (day >= first + days_in_month(year, r.month)) day -= 7;
    return day;
  };
  // Each change happens at a local time read on the clock in force before it.
  const auto instant = [](std::int64_t day, std::int32_t time_s, std::int32_t offset_s) {
    return (day * kSecondsPerDay + time_s - offset_s) * kMsPerSecond;
  };
  return YearTransitions{instant(day_of(dst_start_), dst_start_.time_s, std_offset_s_),
                         instant(day_of(dst_end_), dst_end_.time_s, dst_offset_s_)};
}

bool TimeZone::dst_at(TimestampMs t) const {
  if (!has_dst_) return false;
  // The state at t is the kind of the latest change at or before t. Rule times and offsets
  // can push a year's changes a few days into the neighbouring years, so those are consulted
  // near year ends. Equal instants: the later year's change wins (a DST end at the instant
  // the next DST starts means DST never stops), and within a year the end wins.
  bool found = false;
  TimestampMs best_at = 0;
  std::int64_t best_order = 0;
  bool best_dst = false;
  TimestampMs earliest_at = 0;
  std::int64_t earliest_order = 0;
  bool earliest_dst = false;
  bool any = false;
  const auto consider = [&](TimestampMs at, std::int64_t order, bool to_dst) {
    if (!any || at < earliest_at || (at == earliest_at && order < earliest_order)) {
      earliest_at = at;
      earliest_order = order;
      earliest_dst = to_dst;
      any = true;
    }
    if (at > t) return;
    if (!found || at > best_at || (at == best_at && order > best_order)) {
      best_at = at;
      best_order = order;
      best_dst = to_dst;
      found = true;
    }
  };
  const auto consider_year = [&](int year) {
    const YearTransitions tr = transitions_in(year);
    consider(tr.start, std::int64_t{year} * 2, true);
    consider(tr.end, std::int64_t{year} * 2 + 1, false);
  };

  const int year = utc_year_of(t);
  consider_year(year);
  const TimestampMs year_start = days_from_civil64(year, 1, 1) * kMsPerDay;
  const TimestampMs next_year_start = days_from_civil64(std::int64_t{year} + 1, 1, 1) * kMsPerDay;
  if (!found || t - year_start < kSpillMs) consider_year(year - 1);
  if (next_year_start - t <= kSpillMs) consider_year(year + 1);
  return found ? best_dst : !earliest_dst;
}

bool TimeZone::change_between(TimestampMs after, TimestampMs until, TimestampMs& change) const {
  if (!has_dst_) return false;
  bool found = false;
  const int year = utc_year_of(until);
  for (int y = year - 1; y <= year + 1; ++y) {
    const YearTransitions tr = transitions_in(y);
    for (const TimestampMs at : {tr.start, tr.end}) {
      if (at > after && at <= until && (!found || at < change)) {
        change = at;
        found = true;
      }
    }
  }
  return found;
}

std::int32_t TimeZone::utc_offset_s(TimestampMs t) const {
  return dst_at(clamp_instant(t)) ? dst_offset_s_ : std_offset_s_;
}

bool TimeZone::is_dst(TimestampMs t) const { return dst_at(clamp_instant(t)); }

std::string_view TimeZone::abbreviation(TimestampMs t) const {
  return is_dst(t) ? std::string_view(dst_abbreviation_) : std::string_view(std_abbreviation_);
}

CivilTime TimeZone::to_local(TimestampMs t) const {
  t = clamp_instant(t);
  return civil_from_utc(t + std::int64_t{utc_offset_s(t)} * kMsPerSecond);
}

TimestampMs TimeZone::from_local(const CivilTime& local) const {
  // The wall time read as if it were UTC; each offset gives one candidate instant, which is
  // real when that offset is the one in force at the candidate.
  const TimestampMs wall = utc_from_civil(local);
  const TimestampMs on_std = clamp_instant(wall - std::int64_t{std_offset_s_} * kMsPerSecond);
  if (!has_dst_) return on_std;
  const TimestampMs on_dst = clamp_instant(wall - std::int64_t{dst_offset_s_} * kMsPerSecond);
  const bool std_real = !dst_at(on_std);
  const bool dst_real = dst_at(on_dst);
  if (std_real && dst_real) return std::min(on_std, on_dst);
  if (std_real) return on_std;
  if (dst_real) return on_dst;
  // In a gap: clocks moved forward, so the offset before the gap is the smaller one.
  const std::int32_t before_gap = std::min(std_offset_s_, dst_offset_s_);
  return clamp_instant(wall - std::int64_t{before_gap} * kMsPerSecond);
}

TimestampMs TimeZone::start_of_local_date(int year, int month, int day) const {
  const CivilTime midnight{year, month, day, 0, 0, 0, 0};
  const TimestampMs wall = utc_from_civil(midnight);
  const TimestampMs start = from_local(midnight);
  const TimestampMs start_wall = start + std::int64_t{utc_offset_s(start)} * kMsPerSecond;
  if (start_wall == wall) return start;
  // Midnight fell in a gap and from_local moved past the change; the day begins at the change.
  const std::int32_t widest = std::max(std_offset_s_, dst_offset_s_);
  TimestampMs change = 0;
  if (change_between(wall - std::int64_t{widest} * kMsPerSecond, start, change)) return change;
  return start;
}

TimestampMs TimeZone::start_of_day(TimestampMs t) const {
  const CivilTime c = to_local(t);
  return start_of_local_date(c.year, c.month, c.day);
}

TimestampMs TimeZone::start_of_month(TimestampMs t) const {
  const CivilTime c = to_local(t);
  return start_of_local_date(c.year, c.month, 1);
}

TimestampMs TimeZone::start_of_next_month(TimestampMs t) const {
  const CivilTime c = to_local(t);
  return c.month == 12 ? start_of_local_date(c.year + 1, 1, 1)
                       : start_of_local_date(c.year, c.month + 1, 1);
}

TimestampMs TimeZone::start_of_previous_month(TimestampMs t) const {
  const CivilTime c = to_local(t);
  return c.month == 1 ? start_of_local_date(c.year - 1, 12, 1)
                      : start_of_local_date(c.year, c.month - 1, 1);
}

std::string TimeZone::format(TimestampMs t, bool with_seconds) const {
  std::string out;
  out.reserve(24);
  append_date_time(out, to_local(t), ' ', with_seconds);
  return out;
}

std::string TimeZone::format_iso(TimestampMs t) const {
  std::string out;
  out.reserve(32);
  append_date_time(out, to_local(t), 'T', true);
  const std::int32_t offset = utc_offset_s(t);
  const std::int32_t magnitude = offset < 0 ? -offset : offset;
  out.push_back(offset < 0 ? '-' : '+');
  append_padded(out, magnitude / 3600, 2);
  out.push_back(':');
  append_padded(out, magnitude / 60 % 60, 2);
  if (magnitude % 60 != 0) {
    out.push_back(':');
    append_padded(out, magnitude % 60, 2);
  }
  return out;
}

bool TimeZone::operator==(const TimeZone& other) const {
  return name_ == other.name_ && rule_ == other.rule_;
}

Result<std::string> posix_rule_from_tzif(std::string_view tzif_bytes) {
  // RFC 8536: a 44-byte header (magic, version, 15 reserved bytes, six big-endian counts),
  // the version 1 data block, then for version 2+ a second header, a data block with 64-bit
  // times, and the footer "\n<POSIX rule>\n".
  constexpr std::size_t kHeaderSize = 44;
  const auto has_magic = [&](std::size_t at) {
    return tzif_bytes.size() >= at + kHeaderSize && tzif_bytes.substr(at, 4) == "TZif";
  };
  const auto block_size = [&](std::size_t header, std::uint64_t time_size) {
    const std::uint64_t isutcnt = read_be32(tzif_bytes, header + 20);
    const std::uint64_t isstdcnt = read_be32(tzif_bytes, header + 24);
    const std::uint64_t leapcnt = read_be32(tzif_bytes, header + 28);
    const std::uint64_t timecnt = read_be32(tzif_bytes, header + 32);
    const std::uint64_t typecnt = read_be32(tzif_bytes, header + 36);
    const std::uint64_t charcnt = read_be32(tzif_bytes, header + 40);
    return timecnt * (time_size + 1) + typecnt * 6 + charcnt + leapcnt * (time_size + 4) +
           isstdcnt + isutcnt;
  };

  if (!has_magic(0)) return invalid_tzif("it is not a TZif time zone file");
  const char version = tzif_bytes[4];
  if (version == '\0') {
    return invalid_tzif("it is a version 1 TZif file, which has no POSIX rule footer "
                        "(install a newer tzdata)");
  }
  if (version < '2' || version > '9') return invalid_tzif("its TZif version is unknown");
  const std::uint64_t second_header = kHeaderSize + block_size(0, 4);
  if (second_header > tzif_bytes.size() || !has_magic(static_cast<std::size_t>(second_header))) {
    return invalid_tzif("it is truncated or damaged (no second TZif header)");
  }
  const auto header = static_cast<std::size_t>(second_header);
  const std::uint64_t footer = header + kHeaderSize + block_size(header, 8);
  if (footer >= tzif_bytes.size() || tzif_bytes[static_cast<std::size_t>(footer)] != '\n') {
    return invalid_tzif("it is truncated or damaged (no footer after the data)");
  }
  const std::string_view rest = tzif_bytes.substr(static_cast<std::size_t>(footer) + 1);
  const std::size_t end = rest.find('\n');
  if (end == std::string_view::npos) return invalid_tzif("its footer is not terminated");
  if (end + 1 != rest.size()) return invalid_tzif("it has unexpected bytes after the footer");
  if (end == 0) {
    return invalid_tzif("its footer is empty, so it has no rule for times after its last "
                        "transition");
  }
  return std::string(rest.substr(0, end));
}

}  // namespace linedesk
