// Number utilization (seed 004 "Number Utilization" and its Detailed Report) and who is told
// about it.
#pragma once

#include <vector>

#include "state.hpp"

namespace linedesk {

// Seen from one organization: its own pool by state, plus everything set aside below it.
struct NumberUtilization {
  std::int64_t total = 0;  // its own pool and every sub-organization's
  std::int64_t activated = 0;
  std::int64_t allocated_to_suborgs = 0;
  std::int64_t assigned = 0;
  std::int64_t available = 0;
  std::int64_t pending_invitation = 0;
  std::int64_t reserved = 0;

  // Seed: "In use numbers include assigned numbers, reserved numbers, registered numbers, and
  // numbers allocated to an organization" — everything but Available.
  std::int64_t in_use() const { return total - available; }
  // Whole percent, rounded down; 0 for an empty inventory.
  std::int64_t percent() const { return total == 0 ? 0 : in_use() * 100 / total; }
  bool operator==(const NumberUtilization&) const = default;
};

NumberUtilization number_utilization(const State& state, OrgId org);
Json to_json(const NumberUtilization& u);

// Seed 004: the threshold is "reached" when in-use numbers are at least `threshold` percent.
inline bool threshold_reached(const NumberUtilization& u, std::int64_t threshold) {
  return u.total > 0 && u.in_use() * 100 >= threshold * u.total;
}

// Who receives an organization's alerts and batch summaries: its designated administrators
// (policy), else the administrators of the nearest organization up the tree whose role has the
// Numbers or Settings privilege.
std::vector<AdminId> notification_recipients(const State& state, OrgId org);

}  // namespace linedesk
