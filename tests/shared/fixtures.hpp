// A test enterprise shaped like seed 004's example ("ABC Banking Corporation" with Retail Bank
// and Operations, each with two departments), its administrators, and helpers to run commands.
#pragma once

#include <string>

#include "shared/engine.hpp"
#include "shared/state.hpp"
#include "shared/sync.hpp"

namespace linedesk::test {

struct Enterprise {
  State state;
  OrgId root{1}, retail{2}, operations{3}, north_america{4}, europe{5}, finance{6}, hr{7};
  RoleId full_role{11}, accounts_role{12}, numbers_role{13};
  AdminId root_admin{21};      // every privilege, at the root
  AdminId retail_admin{22};    // every privilege, at Retail Bank
  AdminId accounts_admin{23};  // Accounts only, at the root
  AdminId numbers_admin{24};   // Numbers only, at the root
  PermGroupId default_group{31};
  PermGroupId retail_group{32};  // defined at Retail Bank
  TimestampMs now = 1'790'000'000'000;  // 2026-09-21
  int sequence = 0;

  Enterprise();

  // execute() as `actor`, with a fresh id seed each call.
  Result<Changes> run(AdminId actor, const CommandArgs& args);
  // validate() only.
  Result<Changes> check(AdminId actor, const CommandArgs& args) const;
  // Runs a server (system) command.
  Result<Changes> system(const CommandArgs& args);

  // Puts `count` available numbers straight into `org`'s pool: +39 06 0000 0001 upwards from
  // `first`. Returns the E.164 of the first.
  std::string add_numbers(OrgId org, int count, std::int64_t first = 390600000001);
  // Adds an account through add_account as root_admin; REQUIREs success.
  AccountId add_account(OrgId org, const std::string& account_id, bool invite = false,
                        const std::string& number = {});
  const Account& account(AccountId id) const { return *state.account(id); }
  const Number& number(const std::string& e164) const;
};

// `e`'s whole state as a pull's snapshot at `version`, scoped to the root.
PullResponse snapshot_of(const Enterprise& e, std::int64_t version);

std::string e164(std::int64_t digits);
AccountInput basic_fields(const std::string& account_id);

}  // namespace linedesk::test
