// Account rules of seeds 000-003: Save vs Save & Invite, invitations need a number, resend,
// delivery failure, activation, delete, move (with the seed's refusal), assign/unassign.
#include <catch2/catch.hpp>

#include <algorithm>

#include "fixtures.hpp"

using namespace linedesk;
using namespace linedesk::test;

namespace {

AddAccount add(OrgId org, const std::string& id, bool invite = false) {
  AddAccount c;
  c.org = org;
  c.fields = basic_fields(id);
  c.invite = invite;
  return c;
}

InvitationId current_invitation(const Enterprise& e, AccountId id) {
  return e.account(id).invitation;
}

}  // namespace

TEST_CASE("Save adds the account Not Invited; its number becomes Pending invitation") {
  Enterprise e;
  const std::string n = e.add_numbers(e.root, 3);
  AddAccount c = add(e.root, "zoe");
  c.number = n;
  auto r = e.run(e.root_admin, c);
  REQUIRE(r);
  const Account& a = e.account(AccountId(r->result["account"].get<std::int64_t>()));
  CHECK(a.status == AccountStatus::kNotInvited);
  CHECK(a.number == n);
  CHECK(a.permission_group == e.default_group);
  CHECK(e.number(n).state == NumberState::kPendingInvitation);
  CHECK(e.number(n).account == a.id);
  CHECK(r->notifications.empty());
  REQUIRE(r->activity.size() == 1);
  CHECK(r->activity[0].action == "add_account");
  CHECK(r->activity[0].admin_email == "root@abc.example");
  CHECK_FALSE(r->activity[0].after.empty());
}

TEST_CASE("Save & Invite adds the account Invited and queues one invitation email") {
  Enterprise e;
  const std::string n = e.add_numbers(e.root, 10);
  AddAccount c = add(e.root, "zoe", true);
  c.number = n;
  auto r = e.run(e.root_admin, c);
  REQUIRE(r);
  const Account& a = e.account(AccountId(r->result["account"].get<std::int64_t>()));
  CHECK(a.status == AccountStatus::kInvited);
  CHECK(a.invitation_sent_ms == e.now);
  CHECK(e.number(n).state == NumberState::kAssigned);
  const Invitation* inv = e.state.invitation(a.invitation);
  REQUIRE(inv);
  CHECK(inv->status == InvitationStatus::kPending);
  CHECK(inv->address == "zoe@example.com");
  CHECK(inv->expires_ms == e.now + 14LL * 24 * 3600 * 1000);
  REQUIRE(r->notifications.size() == 1);
  CHECK(r->notifications[0].kind == Notification::Kind::kInvitation);
  CHECK(r->notifications[0].invitation == inv->id);
}

TEST_CASE("the single-account form's field rules") {
  Enterprise e;
  e.add_numbers(e.root, 2);
  e.add_account(e.root, "taken@example.com");
  struct Case {
    const char* rule;
    std::function<void(AddAccount&)> edit;
    const char* code;
    const char* field;
  };
  const std::vector<Case> cases = {
      {"First Name is required (seed 003 form: First Name *)",
       [](AddAccount& c) { c.fields.first_name = " "; }, "missing_field", "first_name"},
      {"Last Name is required (seed 003 form: Last Name *)",
       [](AddAccount& c) { c.fields.last_name.reset(); }, "missing_field", "last_name"},
      {"Account ID is required", [](AddAccount& c) { c.fields.account_id = ""; },
       "missing_field", "account_id"},
      {"Account ID is unique within the enterprise (case-insensitive)",
       [](AddAccount& c) { c.fields.account_id = "TAKEN@example.com"; }, "account_id_taken",
       "account_id"},
      {"the invitation goes to an email or device number",
       [](AddAccount& c) { c.fields.invite_address = "not an address"; },
       "invalid_invite_address", "invite_address"},
      {"an email address must be valid", [](AddAccount& c) { c.fields.invite_address = "a@b"; },
       "invalid_email", "invite_address"},
      {"the language is one of the five",
       [](AddAccount& c) { c.fields.language = "Klingon"; }, "invalid_language", "language"},
      {"forwarding numbers have 4 to 18 digits",
       [](AddAccount& c) { c.fields.forwarding_number = "+12"; }, "invalid_forwarding_number",
       "forwarding_number"},
      {"toggles only for features enabled for the organization (Social Messaging off here)",
       [](AddAccount& c) { c.fields.social_messaging = true; }, "feature_not_enabled",
       "social_messaging"},
      {"MS Teams Calling only when enabled", [](AddAccount& c) { c.fields.ms_teams_calling = true; },
       "feature_not_enabled", "ms_teams_calling"},
      {"a number not in the inventory", [](AddAccount& c) { c.number = "+4930123456789"; },
       "number_not_found", "number"},
      {"a tag with no free reserved number", [](AddAccount& c) { c.tag = "PORTED"; },
       "tag_exhausted", "tag"},
      {"a permission group of another branch is not usable at the root",
       [](AddAccount& c) { c.fields.permission_group = PermGroupId(32); }, "group_not_usable",
       "permission_group"},
      {"notes are at most 2000 characters",
       [](AddAccount& c) { c.fields.notes = std::string(2001, 'x'); }, "too_long", "notes"},
  };
  for (const auto& c : cases) {
    CAPTURE(c.rule);
    AddAccount cmd = add(e.root, "new@example.com");
    c.edit(cmd);
    auto r = e.check(e.root_admin, cmd);
    REQUIRE_FALSE(r);
    CHECK(r.error().code == c.code);
    CHECK(r.error().field == c.field);
    CHECK_FALSE(r.error().message.empty());
  }
}

TEST_CASE("a device number as the invitation address becomes the Device #") {
  Enterprise e;
  AddAccount c = add(e.root, "dev-1");
  c.fields.invite_address = "+39 333 123 4567";
  auto r = e.run(e.root_admin, c);
  REQUIRE(r);
  const Account& a = e.account(AccountId(r->result["account"].get<std::int64_t>()));
  CHECK(a.invite_address == "+393331234567");
  CHECK(a.device_number == "+393331234567");
  CHECK_FALSE(a.invite_is_email());
}

TEST_CASE("SMTP data offload requires email invitations") {
  Enterprise e;
  REQUIRE(e.run(e.root_admin, SetPolicy{e.root, "smtp_data_offload", Json(true)}));
  AddAccount c = add(e.root, "dev-1");
  c.fields.invite_address = "+393331234567";
  auto r = e.check(e.root_admin, c);
  REQUIRE_FALSE(r);
  CHECK(r.error().code == "email_required");
}

TEST_CASE("features enabled by policy may be switched on, and language defaults by policy") {
  Enterprise e;
  REQUIRE(e.run(e.root_admin, SetPolicy{e.retail, "social_messaging", Json(true)}));
  REQUIRE(e.run(e.root_admin, SetPolicy{e.retail, "default_language", Json("italian")}));
  AddAccount c = add(e.europe, "eu-1");
  c.fields.social_messaging = true;
  c.fields.restrict_incoming_social_messaging = true;
  auto r = e.run(e.root_admin, c);
  REQUIRE(r);
  const Account& a = e.account(AccountId(r->result["account"].get<std::int64_t>()));
  CHECK(a.social_messaging);
  CHECK(a.restrict_incoming_social_messaging);
  CHECK(a.language == Language::kItalian);
  // Restrict applies only with social messaging.
  AddAccount c2 = add(e.europe, "eu-2");
  c2.fields.restrict_incoming_social_messaging = true;
  auto r2 = e.run(e.root_admin, c2);
  REQUIRE(r2);
  CHECK_FALSE(e.account(AccountId(r2->result["account"].get<std::int64_t>()))
                  .restrict_incoming_social_messaging);
}

TEST_CASE("an invitation needs an Available or Reserved number: assigned, or free in the pool") {
  Enterprise e;
  SECTION("no numbers at all: Save & Invite is refused") {
    auto r = e.check(e.root_admin, add(e.root, "zoe", true));
    REQUIRE_FALSE(r);
    CHECK(r.error().code == "no_numbers_available");
    CHECK(r.error().message.find("ABC Banking Corporation") != std::string::npos);
  }
  SECTION("one free number serves one unnumbered invitation, not two") {
    e.add_numbers(e.root, 1);
    REQUIRE(e.run(e.root_admin, add(e.root, "first", true)));
    CHECK(e.state.pool_capacity(e.root) == 0);
    auto r = e.check(e.root_admin, add(e.root, "second", true));
    REQUIRE_FALSE(r);
    CHECK(r.error().code == "no_numbers_available");
    // Saving without inviting is still possible.
    CHECK(e.run(e.root_admin, add(e.root, "second", false)));
  }
  SECTION("a number held for a waiting invitation cannot be assigned to someone else") {
    const std::string n = e.add_numbers(e.root, 1);
    REQUIRE(e.run(e.root_admin, add(e.root, "first", true)));
    AddAccount c = add(e.root, "second");
    c.number = n;
    auto r = e.check(e.root_admin, c);
    REQUIRE_FALSE(r);
    CHECK(r.error().code == "pool_exhausted");
  }
  SECTION("a reserved number chosen by tag serves the invitation without using the pool") {
    const std::string n = e.add_numbers(e.root, 2);
    REQUIRE(e.run(e.numbers_admin, ReserveNumbers{{n}, "PORTED"}));
    AddAccount c = add(e.root, "ported", true);
    c.tag = "ported";
    auto r = e.run(e.root_admin, c);
    REQUIRE(r);
    CHECK(r->result["number"] == n);
    CHECK(e.number(n).state == NumberState::kAssigned);
    CHECK(e.number(n).tag == "PORTED");
    CHECK(e.state.pool_capacity(e.root) == 1);
  }
}

TEST_CASE("resend revokes the previous link, and active accounts are skipped") {
  Enterprise e;
  e.add_numbers(e.root, 2);
  const AccountId a = e.add_account(e.root, "zoe", true);
  const InvitationId first = current_invitation(e, a);
  auto r = e.run(e.root_admin, InviteAccounts{{a}});
  REQUIRE(r);
  const InvitationId second = current_invitation(e, a);
  CHECK(second != first);
  CHECK(e.state.invitation(first)->status == InvitationStatus::kRevoked);
  CHECK(e.state.invitation(second)->status == InvitationStatus::kPending);
  // A resend does not take a second number from the pool.
  CHECK(e.state.pool_capacity(e.root) == 1);
  REQUIRE(e.system(ActivateAccount{second, e164(390600000001)}));
  auto again = e.run(e.root_admin, InviteAccounts{{a}});
  REQUIRE(again);
  CHECK(again->result["skipped"].size() == 1);
  CHECK(again->notifications.empty());
}

TEST_CASE("inviting Not Invited accounts in bulk checks the pool for all of them together") {
  Enterprise e;
  e.add_numbers(e.root, 2);
  const AccountId a = e.add_account(e.root, "a");
  const AccountId b = e.add_account(e.root, "b");
  const AccountId c = e.add_account(e.root, "c");
  auto r = e.check(e.root_admin, InviteAccounts{{a, b, c}});
  REQUIRE_FALSE(r);
  CHECK(r.error().code == "no_numbers_available");
  REQUIRE(e.run(e.root_admin, InviteAccounts{{a, b}}));
  CHECK(e.account(a).status == AccountStatus::kInvited);
  CHECK(e.state.pool_capacity(e.root) == 0);
}

TEST_CASE("a failed delivery marks the account Invitation Failed; a later send clears it") {
  Enterprise e;
  e.add_numbers(e.root, 1);
  const AccountId a = e.add_account(e.root, "zoe", true);
  const InvitationId inv = current_invitation(e, a);
  REQUIRE(e.system(RecordInvitationFailed{inv, "550 mailbox unavailable"}));
  CHECK(e.account(a).status == AccountStatus::kInvitationFailed);
  CHECK(e.state.invitation(inv)->failure == "550 mailbox unavailable");
  // Still outstanding: the number claim stays.
  CHECK(e.state.pool_capacity(e.root) == 0);
  REQUIRE(e.run(e.root_admin, InviteAccounts{{a}}));
  REQUIRE(e.system(RecordInvitationSent{current_invitation(e, a)}));
  CHECK(e.account(a).status == AccountStatus::kInvited);
}

TEST_CASE("activation: choose a number when none is assigned; Active and Activated after") {
  Enterprise e;
  const std::string first = e.add_numbers(e.root, 3);
  const AccountId a = e.add_account(e.root, "zoe", true);
  const InvitationId inv = current_invitation(e, a);
  SECTION("a number must be chosen") {
    auto r = e.system(ActivateAccount{inv, ""});
    REQUIRE_FALSE(r);
    CHECK(r.error().code == "number_required");
  }
  SECTION("the chosen number must be available in the organization") {
    auto r = e.system(ActivateAccount{inv, "+4930999999999"});
    REQUIRE_FALSE(r);
    CHECK(r.error().code == "number_unavailable");
  }
  SECTION("activation succeeds once; the link cannot be reused") {
    REQUIRE(e.system(ActivateAccount{inv, e164(390600000002)}));
    const Account& acc = e.account(a);
    CHECK(acc.status == AccountStatus::kActive);
    CHECK(acc.number == e164(390600000002));
    CHECK(acc.registered_ms == e.now);
    CHECK(e.number(acc.number).state == NumberState::kActivated);
    CHECK(e.state.pool(e.root).claims == 0);
    CHECK(e.state.pool_capacity(e.root) == 2);
    auto again = e.system(ActivateAccount{inv, first});
    REQUIRE_FALSE(again);
    CHECK(again.error().code == "invitation_used");
  }
  SECTION("expired and replaced links are refused") {
    REQUIRE(e.run(e.root_admin, InviteAccounts{{a}}));
    auto revoked = e.system(ActivateAccount{inv, first});
    REQUIRE_FALSE(revoked);
    CHECK(revoked.error().code == "invitation_revoked");
    e.now += 15LL * 24 * 3600 * 1000;
    auto expired = e.system(ActivateAccount{current_invitation(e, a), first});
    REQUIRE_FALSE(expired);
    CHECK(expired.error().code == "invitation_expired");
  }
  SECTION("administrators cannot send the server's own commands") {
    auto r = e.run(e.root_admin, ActivateAccount{inv, first});
    REQUIRE_FALSE(r);
    CHECK(r.error().code == "forbidden");
  }
}

TEST_CASE("deleting accounts frees their numbers and deletes their invitations") {
  Enterprise e;
  const std::string n = e.add_numbers(e.root, 2);
  REQUIRE(e.run(e.numbers_admin, ReserveNumbers{{n}, "PORTED"}));
  const AccountId a = e.add_account(e.root, "zoe", true, n);
  const InvitationId inv = current_invitation(e, a);
  REQUIRE(e.run(e.root_admin, DeleteAccounts{{a}}));
  CHECK(e.state.account(a) == nullptr);
  CHECK(e.number(n).state == NumberState::kReserved);  // its tag survives
  CHECK_FALSE(e.number(n).account.valid());
  CHECK(e.state.invitation(inv) == nullptr);
  CHECK(e.state.invitations_of(a).empty());
  CHECK(e.state.accounts_in(e.root) == 0);
}

TEST_CASE("edit changes fields, bumps the version, and refuses a stale version") {
  Enterprise e;
  const AccountId a = e.add_account(e.root, "zoe");
  EditAccount c;
  c.account = a;
  c.expected_version = 1;
  c.fields.notes = "VIP — call before 9:00";
  c.fields.language = "German";
  REQUIRE(e.run(e.root_admin, c));
  CHECK(e.account(a).notes == "VIP — call before 9:00");
  CHECK(e.account(a).language == Language::kGerman);
  CHECK(e.account(a).version == 2);
  auto stale = e.check(e.root_admin, c);
  REQUIRE_FALSE(stale);
  CHECK(stale.error().code == "version_conflict");
}

TEST_CASE("moving pending invitations needs numbers in the destination (seed's exact message)") {
  Enterprise e;
  e.add_numbers(e.root, 3);
  const AccountId a = e.add_account(e.root, "a", true);
  const AccountId b = e.add_account(e.root, "b", true);
  const AccountId quiet = e.add_account(e.root, "quiet");
  SECTION("no numbers in Europe: refused, nothing moves") {
    auto r = e.check(e.root_admin, MoveAccounts{{a, b}, e.europe});
    REQUIRE_FALSE(r);
    CHECK(r.error().code == "not_enough_numbers");
    CHECK(r.error().message ==
          "Unable to move account(s). You do not have enough numbers available in the selected "
          "organization");
  }
  SECTION("one number for two waiting invitations: still refused") {
    e.add_numbers(e.europe, 1, 390700000001);
    auto r = e.check(e.root_admin, MoveAccounts{{a, b}, e.europe});
    REQUIRE_FALSE(r);
    CHECK(r.error().code == "not_enough_numbers");
    REQUIRE(e.run(e.root_admin, MoveAccounts{{a}, e.europe}));
    CHECK(e.account(a).org == e.europe);
    CHECK(e.state.pool_capacity(e.europe) == 0);
    CHECK(e.state.pool(e.root).claims == 1);
  }
  SECTION("accounts not yet invited hold no number and move freely") {
    REQUIRE(e.run(e.root_admin, MoveAccounts{{quiet}, e.hr}));
    CHECK(e.account(quiet).org == e.hr);
  }
  SECTION("an assigned number travels with its account") {
    const AccountId numbered = e.add_account(e.root, "numbered", true, e164(390600000003));
    REQUIRE(e.run(e.root_admin, MoveAccounts{{numbered}, e.hr}));
    CHECK(e.number(e164(390600000003)).org == e.hr);
    CHECK(e.number(e164(390600000003)).state == NumberState::kAssigned);
  }
}

TEST_CASE("a move to a branch where the group is unavailable switches to that branch's default") {
  Enterprise e;
  REQUIRE(e.run(e.root_admin, SavePermissionGroup{PermGroupId(), e.operations, "Ops default", "",
                                                   true}));
  AddAccount c = add(e.europe, "eu");
  c.fields.permission_group = e.retail_group;
  auto r = e.run(e.root_admin, c);
  REQUIRE(r);
  const AccountId a(r->result["account"].get<std::int64_t>());
  REQUIRE(e.run(e.root_admin, MoveAccounts{{a}, e.finance}));
  CHECK(e.state.group(e.account(a).permission_group)->name == "Ops default");
}

TEST_CASE("assigning a number someone else holds is refused with number_taken naming the owner") {
  Enterprise e;
  const std::string n = e.add_numbers(e.root, 2);
  const AccountId owner = e.add_account(e.root, "owner", false, n);
  const AccountId other = e.add_account(e.root, "other");
  auto r = e.check(e.root_admin, AssignNumber{other, n, "", AccountId()});
  REQUIRE_FALSE(r);
  CHECK(r.error().code == "number_taken");
  CHECK(r.error().message.find("owner") != std::string::npos);
  // Naming the current owner as a precondition takes the number over explicitly.
  REQUIRE(e.run(e.root_admin, AssignNumber{other, n, "", owner}));
  CHECK(e.account(other).number == n);
  CHECK(e.account(owner).number.empty());
  CHECK(e.number(n).account == other);
}

TEST_CASE("unassigning frees the number; active accounts keep theirs") {
  Enterprise e;
  const std::string n = e.add_numbers(e.root, 1);
  const AccountId a = e.add_account(e.root, "zoe", false, n);
  REQUIRE(e.run(e.root_admin, UnassignNumber{a}));
  CHECK(e.number(n).state == NumberState::kAvailable);
  REQUIRE(e.run(e.root_admin, AssignNumber{a, n, "", AccountId()}));
  REQUIRE(e.run(e.root_admin, InviteAccounts{{a}}));
  REQUIRE(e.system(ActivateAccount{e.account(a).invitation, ""}));
  auto r = e.check(e.root_admin, UnassignNumber{a});
  REQUIRE_FALSE(r);
  CHECK(r.error().code == "account_active");
}

TEST_CASE("app activity fills Last Sign In and the Applications Activity History") {
  Enterprise e;
  const AccountId a = e.add_account(e.root, "zoe");
  REQUIRE(e.system(RecordAppActivity{a, "MultiLine", "iOS", e.now - 1000}));
  REQUIRE(e.system(RecordAppActivity{a, "MultiLine for Intune", "Android", e.now - 5000}));
  const Account& acc = e.account(a);
  REQUIRE(acc.app_history.size() == 2);
  CHECK(acc.app_history.back().app == "MultiLine");
  CHECK(acc.last_sign_in_ms == e.now - 1000);
}

TEST_CASE("a moved account takes all its invitations along, the replaced ones too") {
  Enterprise e;
  e.add_numbers(e.europe, 2, 390600000201);
  e.add_numbers(e.operations, 2, 390600000301);
  const AccountId a = e.add_account(e.europe, "mover", true);
  REQUIRE(e.run(e.root_admin, InviteAccounts{{a}}));  // resent: the first is now replaced
  REQUIRE(e.state.invitations_of(a).size() == 2);
  auto moved = e.run(e.root_admin, MoveAccounts{{a}, e.operations});
  REQUIRE(moved);
  for (InvitationId inv : e.state.invitations_of(a)) {
    CHECK(e.state.invitation(inv)->org == e.operations);
  }
  // Each leaves a tombstone where it was, for the replicas that no longer see it.
  const auto left = std::count_if(moved->moved_out.begin(), moved->moved_out.end(),
                                  [](const Tombstone& t) { return t.kind == EntityKind::kInvitation; });
  CHECK(left == 2);
  // Deleting the account then deletes them where they are.
  auto deleted = e.run(e.root_admin, DeleteAccounts{{a}});
  REQUIRE(deleted);
  for (const Tombstone& t : deleted->deletes) {
    if (t.kind == EntityKind::kInvitation) CHECK(t.org == e.operations);
  }
}
