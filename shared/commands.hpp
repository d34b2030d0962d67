// Validation of each command (internal to the core; engine.hpp is the public entry). Each
// function checks the actor's privilege and subtree and every rule, recording the command's
// effects in `cc`; on failure nothing it recorded is used.
#pragma once

#include "command.hpp"
#include "command_context.hpp"

namespace linedesk::commands {

Status run(CommandContext& cc, const CreateOrg& c);
Status run(CommandContext& cc, const EditOrg& c);
Status run(CommandContext& cc, const DeleteOrg& c);
Status run(CommandContext& cc, const SetPolicy& c);
Status run(CommandContext& cc, const SetThreshold& c);

Status run(CommandContext& cc, const AddAccount& c);
Status run(CommandContext& cc, const EditAccount& c);
Status run(CommandContext& cc, const DeleteAccounts& c);
Status run(CommandContext& cc, const InviteAccounts& c);
Status run(CommandContext& cc, const MoveAccounts& c);
Status run(CommandContext& cc, const AssignNumber& c);
Status run(CommandContext& cc, const UnassignNumber& c);
Status run(CommandContext& cc, const RecordInvitationSent& c);
Status run(CommandContext& cc, const RecordInvitationFailed& c);
Status run(CommandContext& cc, const ActivateAccount& c);
Status run(CommandContext& cc, const RecordAppActivity& c);

Status run(CommandContext& cc, const ImportNumbers& c);
Status run(CommandContext& cc, const AllocateNumbers& c);
Status run(CommandContext& cc, const ReserveNumbers& c);
Status run(CommandContext& cc, const ReleaseNumbers& c);

Status run(CommandContext& cc, const SavePermissionGroup& c);
Status run(CommandContext& cc, const DeletePermissionGroup& c);
Status run(CommandContext& cc, const SaveRole& c);
Status run(CommandContext& cc, const DeleteRole& c);
Status run(CommandContext& cc, const InviteAdmin& c);
Status run(CommandContext& cc, const EditAdmin& c);
Status run(CommandContext& cc, const RemoveAdmin& c);
Status run(CommandContext& cc, const EditProfile& c);

Status run(CommandContext& cc, const ImportBatch& c);

// Shared by add_account, invite_accounts and import_batch: creates the invitation for
// `account` (already in cc with its new status), revoking the previous one.
Invitation make_invitation(CommandContext& cc, const Account& account);

}  // namespace linedesk::commands
