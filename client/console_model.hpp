// The logic of the console's screens around Accounts (seeds 001, 003, 004) without ImGui: the
// organization tree with its counts, why a command would be refused, policies with their
// effective value and source, the number inventory, administrators and roles, the profile
// form, the invitation preview and the Admin Activity Report's query. Native Catch2 tests
// drive it; the screens only draw what it says.
#pragma once

#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "shared/dashboard.hpp"
#include "shared/engine.hpp"
#include "shared/mail_template.hpp"
#include "shared/query.hpp"

namespace linedesk::client {

// Why the core would refuse `args` from `actor` now (its message, naming the field), or
// nullopt when it would be accepted. Changes nothing: buttons are disabled with this reason.
std::optional<Error> refusal(const State& st, AdminId actor, TimestampMs now, const CommandArgs& args);

// refusal() remembered until the state changes: screens ask it for disabled buttons every
// frame, and some rules look at every account or number (deleting a group or an organization).
class RefusalCache {
 public:
  const std::optional<Error>& get(const State& st, AdminId actor, TimestampMs now, const CommandArgs& args);
  std::size_t checks() const { return checks_; }  // how many times the core was asked (tests)

 private:
  std::uint64_t revision_ = 0;
  AdminId actor_;
  std::map<std::string, std::optional<Error>> answers_;  // by the command's JSON
  std::size_t checks_ = 0;
};

// Organizations the administrator may see, depth first, children by name.
struct OrgRow {
  OrgId id;
  int depth = 0;  // 0 for `top`
  bool has_children = false;
  std::int64_t users = 0, admins = 0;              // directly in the organization
  std::int64_t subtree_users = 0, subtree_admins = 0;  // with every sub-organization
};
std::vector<OrgRow> org_rows(const State& st, OrgId top);

// One policy as the organization sees it: the value in force and where it comes from.
struct PolicyRow {
  const PolicyDef* def = nullptr;
  std::string value;   // "On", "80", "English", "2 administrators"
  std::string source;  // "Set here", "Inherited from Acme", "Default"
  bool set_here = false;
};
std::vector<PolicyRow> policy_rows(const State& st, OrgId org);

// The number inventory of `org` (and below) as the Numbers screen lists it, rebuilt only when
// the state or the query changed.
class NumbersTable {
 public:
  bool refresh(const State& st, const NumberQuery& query);
  const std::vector<NumberId>& rows() const { return rows_; }

 private:
  std::uint64_t revision_ = 0;
  bool built_ = false;
  NumberQuery query_;
  std::vector<NumberId> rows_;
};
bool same_query(const NumberQuery& a, const NumberQuery& b);

// What the Numbers screen's "Allocate" may do from `org`: its sub-organizations (any depth)
// and, for a sub-organization, its parent (to give numbers back).
std::vector<OrgId> allocation_targets(const State& st, OrgId org);

// Administrators of `org`'s subtree, by name.
std::vector<const Administrator*> admins_in_subtree(const State& st, OrgId org);
// Who may be a designated administrator of `org`: administrators of `org` or of an
// organization above it (the core refuses others), by name.
std::vector<const Administrator*> designated_candidates(const State& st, OrgId org);
// Roles usable in `org`: its own and its ancestors', by name.
std::vector<const Role*> usable_roles(const State& st, OrgId org);
// Permission groups defined by `org` itself, by name.
std::vector<const PermissionGroup*> groups_of(const State& st, OrgId org);
// "Accounts, Numbers" or "No privileges".
std::string privilege_summary(PrivilegeSet set);

// The profile form as the administrator filled it in, and the command it makes. Only fields
// that differ from `current` are sent.
struct ProfileForm {
  std::string first_name, last_name, phone, address, time_zone, photo;
};
ProfileForm profile_form(const Administrator& current);
EditProfile profile_command(const Administrator& current, const ProfileForm& form);

// The invitation of `org` as a user would receive it, with `subject` and `body` (the texts
// being edited) filled with an example user.
RenderedMail invitation_preview(const State& st, OrgId org, std::string_view subject,
                                std::string_view body);

// The Admin Activity Report's filter, as typed: dates are "YYYY-MM-DD" (UTC days, as the
// report's times), `to` inclusive.
struct ActivityFilter {
  std::string admin;  // email
  std::string action;
  std::string text;
  std::string from, to;
};
// "/api/reports/activity?admin=...&from=..." (or ".csv" with `csv`), or the field that is
// wrong ("from": "Write the date as YYYY-MM-DD, e.g. 2026-11-05.").
Result<std::string> activity_path(const ActivityFilter& filter, bool csv);

// --- Dashboard (seed 004) ---------------------------------------------------------------------
// An amount of usage as the Dashboard shows it: billable minutes ("125 min", seconds rounded
// up per total), messages ("1,204 messages") or data ("340.5 MB", "1.2 GB").
std::string usage_text(UsageKind kind, std::int64_t amount);
// The value of one unit on the chart's axis for `kind` (voice in minutes, data in MB).
double usage_axis_value(UsageKind kind, std::int64_t amount);
// "Voice Usage for The Current Cycle" (the seed's headings).
std::string usage_heading(UsageKind kind);
// A round top for a chart axis at or above `max` (1, 2 or 5 times a power of ten); 1 for 0.
double axis_top(double max);
// "November 2026".
std::string cycle_name(const Cycle& c);

// Percent-encoding for a query value.
std::string url_encode(std::string_view s);

}  // namespace linedesk::client
