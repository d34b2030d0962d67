// Account commands (seeds 000-003): add (Save / Save & Invite), edit, delete, invite and
// resend, move, assign and unassign numbers, and the server's delivery and activation results.
#include <algorithm>
#include <set>

#include "account_rules.hpp"
#include "commands.hpp"
#include "policy.hpp"
#include "text.hpp"

namespace linedesk::commands {
namespace {

constexpr std::int64_t kDayMs = 24LL * 60 * 60 * 1000;

std::string org_name(const CommandContext& cc, OrgId org) {
  const Organization* o = cc.state.org(org);
  return o ? o->name : std::string("this organization");
}

std::string account_label(const Account& a) {
  return a.name().empty() ? a.account_id : a.name() + " (" + a.account_id + ")";
}

// Looks an account up for the actor: missing and out-of-subtree look the same.
Result<const Account*> visible_account(const CommandContext& cc, AccountId id) {
  const Account* a = cc.account(id);
  if (!a || !cc.can_see(a->org)) return cc.not_visible("account");
  return a;
}

// Finds the number an administrator named, in the actor's view.
Result<const Number*> visible_number(const CommandContext& cc, std::string_view text,
                                     std::string_view field) {
  auto e164 = parse_e164(text, field);
  if (!e164) return e164.error();
  const Number* n = cc.number(number_id_of(*e164));
  if (!n || !cc.can_see(n->org)) {
    return make_error("number_not_found", std::string(field),
                      "The number " + *e164 + " is not in your number inventory.");
  }
  return n;
}

// The number `text` or one reserved with `tag`, free in `org`'s pool, ready to be assigned to
// `account` (which may already hold it).
Result<const Number*> number_for(const CommandContext& cc, OrgId org, AccountId account,
                                 const std::string& text, const std::string& tag,
                                 AccountId expected_owner) {
  if (!text.empty()) {
    auto n = visible_number(cc, text, "number");
    if (!n) return n.error();
    const Number* num = n.value();
    if (num->account == account && account.valid()) return num;
    if (num->account.valid() && num->account != expected_owner) {
      return make_error("number_taken", "number",
                        "The number " + num->e164 + " is already assigned to " +
                            describe_owner(cc, cc.account(num->account)) + ".");
    }
    if (num->org != org) {
      return make_error("number_not_in_org", "number",
                        "The number " + num->e164 + " is in the pool of " +
                            (cc.can_see(num->org) ? org_name(cc, num->org)
                                                  : std::string("another organization")) +
                            ", not " + org_name(cc, org) + "; allocate it there first.");
    }
    return num;
  }
  const NumberId id = cc.pick_reserved(org, tag);
  if (!id.valid()) {
    return make_error("tag_exhausted", "tag",
                      "No free number reserved with the tag \"" + tag + "\" is left in " +
                          org_name(cc, org) + ".");
  }
  return cc.number(id);
}

// Frees `account`'s number, restoring it to Reserved (tagged) or Available.
void free_number_of(CommandContext& cc, const Account& account) {
  if (account.number.empty()) return;
  const Number* n = cc.number(number_id_of(account.number));
  if (!n || n->account != account.id) return;
  Number freed = *n;
  freed.account = AccountId();
  freed.state = number_state_for(nullptr, freed.tag);
  cc.put(freed);
}

void revoke_invitation(CommandContext& cc, const Account& account) {
  if (!account.invitation.valid()) return;
  const Invitation* old = cc.invitation(account.invitation);
  if (!old || old->status == InvitationStatus::kAccepted || old->status == InvitationStatus::kRevoked) {
    return;
  }
  Invitation revoked = *old;
  revoked.status = InvitationStatus::kRevoked;
  cc.put(revoked);
}

// Seed: "Sending an invitation requires there to be an Available or Reserved number".
Status check_capacity(const CommandContext& cc, OrgId org, std::string_view code,
                      std::string_view field) {
  if (cc.capacity(org) >= 0) return {};
  const PoolCounts& p = cc.state.pool(org);
  return make_error(std::string(code), std::string(field),
                    "Sending an invitation requires an Available or Reserved number: " +
                        org_name(cc, org) + " has " + std::to_string(cc.available(org)) +
                        " available numbers for " +
                        std::to_string(cc.available(org) - cc.capacity(org)) +
                        " invitations waiting for one" +
                        (p.total() == 0 ? " (no numbers are allocated to it)" : "") +
                        ". Assign a number or allocate more numbers first.");
}

}  // namespace

Invitation make_invitation(CommandContext& cc, const Account& account) {
  revoke_invitation(cc, account);
  Invitation inv;
  inv.id = cc.ids.next_id<InvitationId>();
  inv.account = account.id;
  inv.org = account.org;
  inv.address = account.invite_address;
  inv.by_email = account.invite_is_email();
  inv.status = InvitationStatus::kPending;
  inv.created_ms = cc.ctx.now_ms;
  inv.expires_ms =
      cc.ctx.now_ms + effective_int(cc.state.orgs(), account.org, policy::kInvitationValidDays) * kDayMs;
  cc.put(inv);
  Notification note;
  note.kind = Notification::Kind::kInvitation;
  note.org = account.org;
  note.invitation = inv.id;
  note.account = account.id;
  cc.changes().notifications.push_back(std::move(note));
  return inv;
}

Status run(CommandContext& cc, const AddAccount& c) {
  if (auto s = cc.require(Privilege::kAccounts, c.org, "organization"); !s) return s;
  // Seed 003's form marks First Name and Last Name as required.
  if (trim(c.fields.first_name.value_or("")).empty()) {
    return make_error("missing_field", "first_name", "First name is required.");
  }
  if (trim(c.fields.last_name.value_or("")).empty()) {
    return make_error("missing_field", "last_name", "Last name is required.");
  }
  Account a;
  a.id = cc.ids.next_id<AccountId>();
  a.org = c.org;
  a.created_ms = a.updated_ms = cc.ctx.now_ms;
  a.version = 1;
  if (auto s = apply_account_input(cc, c.org, c.fields, a, true); !s) return s;
  a.status = c.invite ? AccountStatus::kInvited : AccountStatus::kNotInvited;

  if (!c.number.empty() || !c.tag.empty()) {
    auto n = number_for(cc, c.org, a.id, c.number, c.tag, AccountId());
    if (!n) return n.error();
    Number num = *n.value();
    a.number = num.e164;
    num.account = a.id;
    num.state = number_state_for(&a, num.tag);
    cc.put(num);
  }
  if (c.invite) {
    const Invitation inv = make_invitation(cc, a);
    a.invitation = inv.id;
    a.invitation_sent_ms = cc.ctx.now_ms;
  }
  cc.put(a);
  if (auto s = check_capacity(cc, c.org, c.invite ? "no_numbers_available" : "pool_exhausted",
                              c.number.empty() && c.tag.empty() ? "invite" : "number");
      !s) {
    return s;
  }
  const Json after = to_json(a);
  cc.audit("add_account", a.org, "account " + account_label(a), nullptr, &after,
           std::string(c.invite ? "Added and invited " : "Added ") + account_label(a) + " in " +
               org_name(cc, a.org) + (a.number.empty() ? "" : " with " + a.number) + ".");
  cc.changes().result = Json{{"account", a.id.value},
                             {"invitation", a.invitation.value},
                             {"number", a.number}};
  return {};
}

Status run(CommandContext& cc, const EditAccount& c) {
  auto found = visible_account(cc, c.account);
  if (!found) return found.error();
  const Account& old = *found.value();
  if (auto s = cc.require(Privilege::kAccounts, old.org, "account"); !s) return s;
  if (c.expected_version != 0 && c.expected_version != old.version) {
    return make_error("version_conflict", "",
                      account_label(old) + " was changed by someone else since you opened it. "
                      "Reload it and make your change again.");
  }
  Account a = old;
  if (auto s = apply_account_input(cc, a.org, c.fields, a, false); !s) return s;
  if (a == old) return {};
  a.version = old.version + 1;
  a.updated_ms = cc.ctx.now_ms;
  cc.put(a);
  const Json before = to_json(old);
  const Json after = to_json(a);
  cc.audit("edit_account", a.org, "account " + account_label(a), &before, &after,
           "Edited " + account_label(a) + ".");
  return {};
}

Status run(CommandContext& cc, const DeleteAccounts& c) {
  if (c.accounts.empty()) return make_error("missing_field", "accounts", "Select accounts to delete.");
  const std::set<AccountId> ids(c.accounts.begin(), c.accounts.end());
  for (AccountId id : ids) {
    auto found = visible_account(cc, id);
    if (!found) return found.error();
    const Account old = *found.value();
    if (auto s = cc.require(Privilege::kAccounts, old.org, "account"); !s) return s;
    free_number_of(cc, old);
    // Its invitations go with it: their links stop working.
    for (InvitationId inv : cc.state.invitations_of(id)) {
      const Invitation* known = cc.invitation(inv);
      cc.changes().deletes.push_back(
          {EntityKind::kInvitation, inv.value, known ? known->org : old.org});
    }
    cc.remove_account(id);
    const Json before = to_json(old);
    cc.audit("delete_account", old.org, "account " + account_label(old), &before, nullptr,
             "Deleted " + account_label(old) +
                 (old.number.empty() ? "" : "; " + old.number + " is free again") + ".");
  }
  cc.changes().result = Json{{"deleted", ids.size()}};
  return {};
}

Status run(CommandContext& cc, const InviteAccounts& c) {
  if (c.accounts.empty()) return make_error("missing_field", "accounts", "Select accounts to invite.");
  const std::set<AccountId> ids(c.accounts.begin(), c.accounts.end());
  std::set<OrgId> orgs;
  Json invited = Json::array();
  Json skipped = Json::array();
  for (AccountId id : ids) {
    auto found = visible_account(cc, id);
    if (!found) return found.error();
    const Account old = *found.value();
    if (auto s = cc.require(Privilege::kAccounts, old.org, "account"); !s) return s;
    if (old.status == AccountStatus::kActive) {
      skipped.push_back(Json{{"account", id.value}, {"reason", account_label(old) + " is already active."}});
      continue;
    }
    Account a = old;
    a.status = AccountStatus::kInvited;
    const Invitation inv = make_invitation(cc, a);
    a.invitation = inv.id;
    a.invitation_sent_ms = cc.ctx.now_ms;
    a.version = old.version + 1;
    a.updated_ms = cc.ctx.now_ms;
    cc.put(a);
    if (!a.number.empty()) {
      if (const Number* n = cc.number(number_id_of(a.number)); n && n->account == a.id) {
        Number num = *n;
        num.state = number_state_for(&a, num.tag);
        cc.put(num);
      }
    }
    orgs.insert(a.org);
    invited.push_back(id.value);
    const Json before = to_json(old);
    const Json after = to_json(a);
    cc.audit(old.status == AccountStatus::kNotInvited ? "invite_account" : "resend_invitation",
             a.org, "account " + account_label(a), &before, &after,
             (old.status == AccountStatus::kNotInvited ? "Invited " : "Resent the invitation to ") +
                 account_label(a) + " at " + a.invite_address + ".");
  }
  for (OrgId org : orgs) {
    if (auto s = check_capacity(cc, org, "no_numbers_available", "accounts"); !s) return s;
  }
  cc.changes().result = Json{{"invited", std::move(invited)}, {"skipped", std::move(skipped)}};
  return {};
}

Status run(CommandContext& cc, const MoveAccounts& c) {
  if (c.accounts.empty()) return make_error("missing_field", "accounts", "Select accounts to move.");
  if (auto s = cc.require(Privilege::kAccounts, c.destination, "organization"); !s) return s;
  const std::set<AccountId> ids(c.accounts.begin(), c.accounts.end());
  std::int64_t moved = 0;
  Json regrouped = Json::array();
  for (AccountId id : ids) {
    auto found = visible_account(cc, id);
    if (!found) return found.error();
    const Account old = *found.value();
    if (auto s = cc.require(Privilege::kAccounts, old.org, "account"); !s) return s;
    if (old.org == c.destination) continue;
    Account a = old;
    a.org = c.destination;
    if (!cc.state.orgs().is_within(c.destination,
                                   cc.state.group(a.permission_group)
                                       ? cc.state.group(a.permission_group)->org
                                       : OrgId())) {
      a.permission_group = cc.state.default_group(c.destination);
      regrouped.push_back(id.value);
    }
    // Feature toggles must exist in the destination too.
    if (auto s = apply_account_input(cc, c.destination, AccountInput{}, a, false); !s) {
      return make_error(s.error().code, s.error().field,
                        "Cannot move " + account_label(old) + ": " + s.error().message);
    }
    a.version = old.version + 1;
    a.updated_ms = cc.ctx.now_ms;
    cc.put(a);
    // The user keeps their number: it moves to the destination's pool with them.
    if (!a.number.empty()) {
      if (const Number* n = cc.number(number_id_of(a.number)); n && n->account == a.id) {
        Number num = *n;
        num.org = c.destination;
        cc.put(num);
      }
    }
    // Every invitation the account ever had goes with it, the replaced ones too: they belong to
    // the user, and administrators of the old organization no longer see the user.
    for (InvitationId inv_id : cc.state.invitations_of(a.id)) {
      if (const Invitation* inv = cc.invitation(inv_id); inv && inv->org != c.destination) {
        Invitation moved_inv = *inv;
        moved_inv.org = c.destination;
        cc.put(moved_inv);
      }
    }
    ++moved;
    const Json before = to_json(old);
    const Json after = to_json(a);
    cc.audit("move_account", c.destination, "account " + account_label(a), &before, &after,
             "Moved " + account_label(a) + " from " + org_name(cc, old.org) + " to " +
                 org_name(cc, c.destination) + ".");
  }
  // Seeds 001-003: moving pending invitations without numbers needs enough numbers there.
  if (cc.capacity(c.destination) < 0) {
    return make_error("not_enough_numbers", "destination",
                      "Unable to move account(s). You do not have enough numbers available in "
                      "the selected organization");
  }
  cc.changes().result = Json{{"moved", moved}, {"regrouped", std::move(regrouped)}};
  return {};
}

Status run(CommandContext& cc, const AssignNumber& c) {
  auto found = visible_account(cc, c.account);
  if (!found) return found.error();
  const Account old = *found.value();
  if (auto s = cc.require(Privilege::kAccounts, old.org, "account"); !s) return s;
  if (old.status == AccountStatus::kActive) {
    return make_error("account_active", "account",
                      account_label(old) + " is active: its number is in use and cannot change.");
  }
  if (c.number.empty() && c.tag.empty()) {
    return make_error("missing_field", "number", "Choose a number or a tag.");
  }
  auto n = number_for(cc, old.org, old.id, c.number, c.tag, c.expected_owner);
  if (!n) return n.error();
  Number num = *n.value();
  if (num.account == old.id) return {};
  if (num.account.valid()) {
    // The caller named the current owner: take the number over from that account.
    const Account* owner = cc.account(num.account);
    if (owner && owner->status == AccountStatus::kActive) {
      return make_error("number_taken", "number",
                        "The number " + num.e164 + " is in use by " + describe_owner(cc, owner) + ".");
    }
    if (owner) {
      Account prev = *owner;
      prev.number.clear();
      prev.version += 1;
      prev.updated_ms = cc.ctx.now_ms;
      cc.put(prev);
    }
  }
  free_number_of(cc, old);
  Account a = old;
  a.number = num.e164;
  a.version = old.version + 1;
  a.updated_ms = cc.ctx.now_ms;
  num.account = a.id;
  num.state = number_state_for(&a, num.tag);
  cc.put(a);
  cc.put(num);
  if (cc.capacity(a.org) < 0) {
    return make_error("pool_exhausted", "number",
                      "Assigning " + num.e164 + " would leave " + org_name(cc, a.org) +
                          " without numbers for the invitations already waiting for one.");
  }
  const Json before = to_json(old);
  const Json after = to_json(a);
  cc.audit("assign_number", a.org, "number " + num.e164, &before, &after,
           "Assigned " + num.e164 + " to " + account_label(a) + ".");
  return {};
}

Status run(CommandContext& cc, const UnassignNumber& c) {
  auto found = visible_account(cc, c.account);
  if (!found) return found.error();
  const Account old = *found.value();
  if (auto s = cc.require(Privilege::kAccounts, old.org, "account"); !s) return s;
  if (old.status == AccountStatus::kActive) {
    return make_error("account_active", "account",
                      account_label(old) + " is active: its number is in use and cannot change.");
  }
  if (old.number.empty()) return {};
  free_number_of(cc, old);
  Account a = old;
  a.number.clear();
  a.version = old.version + 1;
  a.updated_ms = cc.ctx.now_ms;
  cc.put(a);
  const Json before = to_json(old);
  const Json after = to_json(a);
  cc.audit("unassign_number", a.org, "number " + old.number, &before, &after,
           "Took " + old.number + " back from " + account_label(a) + ".");
  return {};
}

Status run(CommandContext& cc, const RecordInvitationSent& c) {
  const Invitation* inv = cc.invitation(c.invitation);
  if (!inv) return make_error("not_found", "invitation", "No such invitation.");
  if (inv->status != InvitationStatus::kPending && inv->status != InvitationStatus::kFailed) return {};
  Invitation sent = *inv;
  sent.status = InvitationStatus::kSent;
  sent.sent_ms = cc.ctx.now_ms;
  sent.failure.clear();
  cc.put(sent);
  const Json before = to_json(*inv);
  const Json after = to_json(sent);
  cc.audit("invitation_sent", sent.org, "invitation to " + sent.address, &before, &after,
           "The invitation to " + sent.address + " was delivered to the mail server.");
  if (const Account* a = cc.account(inv->account); a && a->invitation == inv->id) {
    Account acc = *a;
    acc.invitation_sent_ms = cc.ctx.now_ms;
    if (acc.status == AccountStatus::kInvitationFailed) acc.status = AccountStatus::kInvited;
    cc.put(acc);
  }
  return {};
}

Status run(CommandContext& cc, const RecordInvitationFailed& c) {
  const Invitation* inv = cc.invitation(c.invitation);
  if (!inv) return make_error("not_found", "invitation", "No such invitation.");
  if (inv->status != InvitationStatus::kPending && inv->status != InvitationStatus::kSent) return {};
  Invitation failed = *inv;
  failed.status = InvitationStatus::kFailed;
  failed.failure = c.reason;
  cc.put(failed);
  if (const Account* a = cc.account(inv->account); a && a->invitation == inv->id) {
    Account acc = *a;
    acc.status = AccountStatus::kInvitationFailed;
    acc.version += 1;
    acc.updated_ms = cc.ctx.now_ms;
    cc.put(acc);
    const Json before = to_json(*a);
    const Json after = to_json(acc);
    cc.audit("invitation_failed", acc.org, "account " + account_label(acc), &before, &after,
             "The invitation to " + acc.invite_address + " could not be delivered: " + c.reason);
  }
  return {};
}

Status run(CommandContext& cc, const ActivateAccount& c) {
  const Invitation* inv = cc.invitation(c.invitation);
  if (!inv) return make_error("invitation_unknown", "", "This activation link is not valid.");
  if (inv->status == InvitationStatus::kAccepted) {
    return make_error("invitation_used", "", "This activation link was already used.");
  }
  if (inv->status == InvitationStatus::kRevoked) {
    return make_error("invitation_revoked", "",
                      "This activation link was replaced by a newer invitation. Use the link in "
                      "your most recent invitation.");
  }
  if (cc.ctx.now_ms >= inv->expires_ms) {
    return make_error("invitation_expired", "",
                      "This activation link has expired. Ask your administrator to resend the "
                      "invitation.");
  }
  const Account* found = cc.account(inv->account);
  if (!found) return make_error("invitation_unknown", "", "This activation link is not valid.");
  const Account old = *found;
  Account a = old;
  a.status = AccountStatus::kActive;
  a.registered_ms = cc.ctx.now_ms;
  a.version = old.version + 1;
  a.updated_ms = cc.ctx.now_ms;
  Number num;
  if (!old.number.empty()) {
    num = *cc.number(number_id_of(old.number));
  } else {
    if (trim(c.number).empty()) {
      return make_error("number_required", "number", "Choose one of the available numbers.");
    }
    auto e164 = parse_e164(c.number, "number");
    if (!e164) return e164.error();
    const Number* n = cc.number(number_id_of(*e164));
    if (!n || n->org != old.org || n->state != NumberState::kAvailable) {
      return make_error("number_unavailable", "number",
                        "The number " + *e164 + " is no longer available; choose another one.");
    }
    num = *n;
    a.number = num.e164;
  }
  num.account = a.id;
  num.state = NumberState::kActivated;
  cc.put(a);
  cc.put(num);
  Invitation accepted = *inv;
  accepted.status = InvitationStatus::kAccepted;
  cc.put(accepted);
  const Json before = to_json(old);
  const Json after = to_json(a);
  cc.audit("activate_account", a.org, "account " + account_label(a), &before, &after,
           account_label(a) + " activated " + a.number + ".");
  cc.changes().result = Json{{"account", a.id.value}, {"number", a.number}};
  return {};
}

Status run(CommandContext& cc, const RecordAppActivity& c) {
  const Account* found = cc.account(c.account);
  if (!found) return make_error("not_found", "account", "No such account.");
  Account a = *found;
  a.app_history.push_back(AppActivity{c.app, c.platform, c.at_ms});
  std::sort(a.app_history.begin(), a.app_history.end(),
            [](const AppActivity& x, const AppActivity& y) { return x.at_ms < y.at_ms; });
  constexpr std::size_t kKeep = 50;
  if (a.app_history.size() > kKeep) {
    a.app_history.erase(a.app_history.begin(),
                        a.app_history.end() - static_cast<std::ptrdiff_t>(kKeep));
  }
  a.last_sign_in_ms = std::max(a.last_sign_in_ms, c.at_ms);
  a.updated_ms = cc.ctx.now_ms;
  cc.put(a);
  return {};
}

}  // namespace linedesk::commands
