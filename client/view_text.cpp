// Header texts.
#include "view_text.hpp"

#include <cstdio>

#include "shared/json_io.hpp"
#include "shared/time_zone.hpp"

namespace linedesk::client {
namespace {

std::string changes(std::size_t n) {
  return std::to_string(n) + (n == 1 ? " change" : " changes");
}

}  // namespace

std::string sync_status_line(const SyncStatus& s) {
  if (s.outdated) return "LineDesk was updated · reload the page";
  if (s.session_expired) {
    return s.pending ? "Signed out · " + changes(s.pending) + " wait for you to sign in again"
                     : "Signed out · sign in again";
  }
  std::string line = s.online ? "Online" : "Offline";
  if (s.saving) return line + " · saving on this device…";
  if (s.pending == 0) {
    line += s.online ? " · all changes synced" : " · nothing waiting";
  } else if (!s.push_refused.empty()) {
    line += " · " + changes(s.pending) + " waiting: the server cannot save them now";
  } else {
    line += " · " + changes(s.pending) + (s.online ? " syncing" : " waiting");
  }
  return line;
}

std::string ago(TimestampMs then, TimestampMs now) {
  if (then <= 0) return "never";
  const std::int64_t s = (now - then) / 1000;
  if (s < 5) return "just now";
  if (s < 60) return std::to_string(s) + " s ago";
  if (s < 3600) return std::to_string(s / 60) + " min ago";
  if (s < 86400) return std::to_string(s / 3600) + " h ago";
  const std::int64_t d = s / 86400;
  return std::to_string(d) + (d == 1 ? " day ago" : " days ago");
}

std::string utc_text(TimestampMs ms) {
  const CivilTime c = civil_from_utc(ms);
  char buf[32];
  std::snprintf(buf, sizeof buf, "%04d-%02d-%02d %02d:%02d:%02d", c.year, c.month, c.day, c.hour,
                c.minute, c.second);
  return buf;
}

std::string audit_value_text(const std::string& stored) {
  if (stored.empty()) return stored;
  auto j = parse_json(stored);
  if (!j || !(j->is_object() || j->is_array())) return stored;
  return j->dump(2, ' ', false, Json::error_handler_t::replace);
}

}  // namespace linedesk::client
