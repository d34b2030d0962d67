// The --demo enterprise: a realistic organization tree three levels deep, 5 000 numbers,
// 2 000 accounts in every state and a month of usage, created through the real commands.
#pragma once

#include "service.hpp"

namespace linedesk::server {

struct DemoSummary {
  int orgs = 0;
  int numbers = 0;
  int accounts = 0;
  std::int64_t usage_records = 0;
};

// Seeds the enterprise of a fresh database as its first administrator. Deterministic for a
// given `seed`. Refuses (returns an error) when the enterprise already has accounts.
Result<DemoSummary> seed_demo(Service& service, std::uint64_t seed = 42);

}  // namespace linedesk::server
