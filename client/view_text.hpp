// Texts the console shows that are worth testing without a browser: the header's sync line and
// relative times. Pure functions; no ImGui.
#pragma once

#include <string>

#include "sync_engine.hpp"

namespace linedesk::client {

// "Online · all changes synced", "Offline · 3 changes waiting", "Online · 3 changes waiting: the
// server cannot save them now", "Signed out · 2 changes wait for you to sign in again",
// "LineDesk was updated · reload the page".
std::string sync_status_line(const SyncStatus& status);
// "just now", "42 s ago", "5 min ago", "3 h ago", "2 days ago"; "never" for 0.
std::string ago(TimestampMs then, TimestampMs now);
// "2026-11-05 10:04:09" (UTC, as the reports give times).
std::string utc_text(TimestampMs ms);
// An Admin Activity entry's before or after value (one-line JSON) as the console shows it: one
// member per line, indented, so an edit's few changed fields read at a glance. Text that is not
// JSON is shown as it is.
std::string audit_value_text(const std::string& stored);

}  // namespace linedesk::client
