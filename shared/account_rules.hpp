// The rules for an account's fields, shared by add_account, edit_account and each batch row:
// one implementation, so the single form and the CSV upload can never disagree.
#pragma once

#include "command.hpp"
#include "command_context.hpp"

namespace linedesk {

// Applies `in` to `account`, which is (or will be) in `org`. With `creating`, Account ID and
// the invitation address are required and absent fields take the organization's defaults.
// Errors name the field by its AccountInput key ("invite_address", "language", ...).
Status apply_account_input(const CommandContext& cc, OrgId org, const AccountInput& in,
                           Account& account, bool creating);

// A permission group accounts in `org` may use: defined in `org` or an ancestor.
Status check_group_usable(const CommandContext& cc, OrgId org, PermGroupId group);

}  // namespace linedesk
