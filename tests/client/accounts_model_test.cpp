// The Accounts screen's logic, without a browser: rows, selection, the Single Account form, the
// Move check and the Multiple Accounts dry run.
#include <catch2/catch.hpp>

#include "client/accounts_model.hpp"
#include "shared/batch_csv.hpp"
#include "shared/csv.hpp"
#include "shared/policy.hpp"
#include "shared/text.hpp"
#include "tests/shared/fixtures.hpp"

using namespace linedesk;
using namespace linedesk::client;
using linedesk::test::Enterprise;

namespace {

std::vector<std::string> ids_of(const State& st, const std::vector<AccountId>& rows) {
  std::vector<std::string> out;
  for (AccountId id : rows) out.push_back(st.account(id)->account_id);
  return out;
}

// A CSV in the template's columns: `rows` lines, each "first,last,address" plus defaults.
std::string roster(int rows, int bad_every = 0) {
  std::string csv;
  const auto cols = batch_template_columns(false);
  for (std::size_t i = 0; i < cols.size(); ++i) csv += (i ? "," : "") + cols[i];
  csv += "\n";
  for (int i = 0; i < rows; ++i) {
    const bool bad = bad_every > 0 && i % bad_every == 0;
    for (std::size_t c = 0; c < cols.size(); ++c) {
      if (c) csv += ",";
      const std::string& col = cols[c];
      if (col == "firstname")
        csv += "First" + std::to_string(i);
      else if (col == "lastname")
        csv += "Last";
      else if (col == "email address or device")
        csv += bad ? "not-an-address" : "user" + std::to_string(i) + "@example.com";
      else if (col == "social_messaging")
        csv += "No";
      else if (col == "monitor_calls")
        csv += "off";
      else if (col == "monitor_sms")
        csv += "off";
    }
    csv += "\n";
  }
  return csv;
}

}  // namespace

TEST_CASE("the table lists the organization's accounts, sorted, and rebuilds only on change") {
  Enterprise e;
  e.add_account(e.retail, "carol");
  e.add_account(e.north_america, "alice");
  e.add_account(e.operations, "bob");
  AccountsTable t;
  AccountFilter f;
  f.sort = AccountSort::kAccountId;
  CHECK(t.refresh(e.state, e.root, f));
  CHECK(ids_of(e.state, t.rows()) == std::vector<std::string>{"alice", "bob", "carol"});
  CHECK_FALSE(t.refresh(e.state, e.root, f));  // nothing moved: same rows, no work

  SECTION("an organization and its subtree, or only itself") {
    CHECK(t.refresh(e.state, e.retail, f));
    CHECK(ids_of(e.state, t.rows()) == std::vector<std::string>{"alice", "carol"});
    f.include_suborgs = false;
    t.refresh(e.state, e.retail, f);
    CHECK(ids_of(e.state, t.rows()) == std::vector<std::string>{"carol"});
  }
  SECTION("descending order") {
    f.descending = true;
    t.refresh(e.state, e.root, f);
    CHECK(ids_of(e.state, t.rows()) == std::vector<std::string>{"carol", "bob", "alice"});
  }
  SECTION("a change to the state is seen at the next frame") {
    e.add_account(e.root, "aaron");
    CHECK(t.refresh(e.state, e.root, f));
    CHECK(ids_of(e.state, t.rows()).front() == "aaron");
  }
  SECTION("a status filter") {
    e.add_numbers(e.root, 2);
    e.add_account(e.root, "invited", true);
    f.status = AccountStatus::kInvited;
    t.refresh(e.state, e.root, f);
    CHECK(ids_of(e.state, t.rows()) == std::vector<std::string>{"invited"});
  }
}

TEST_CASE("typing narrows the previous rows and gives what a full search gives") {
  Enterprise e;
  for (int i = 0; i < 60; ++i) e.add_account(e.retail, "user" + std::to_string(i));
  e.add_account(e.operations, "Jürgen");
  AccountsTable typed, fresh;
  AccountFilter f;
  for (const std::string text : {"u", "us", "use", "user", "user1", "user12", "user1", "x"}) {
    f.text = text;
    typed.refresh(e.state, e.root, f);
    AccountsTable one;
    one.refresh(e.state, e.root, f);
    CAPTURE(text);
    CHECK(typed.rows() == one.rows());
  }
  f.text = "jurg";  // accents and case are ignored
  fresh.refresh(e.state, e.root, f);
  CHECK(ids_of(e.state, fresh.rows()) == std::vector<std::string>{"Jürgen"});
}

TEST_CASE(
    "selection: check boxes, clicks with Ctrl and Shift, select all, deleted accounts drop out") {
  Enterprise e;
  for (const char* id : {"a", "b", "c", "d", "e"}) e.add_account(e.root, id);
  AccountsTable t;
  AccountFilter f;
  f.sort = AccountSort::kAccountId;
  t.refresh(e.state, e.root, f);
  t.click(1, false, false);
  t.click(3, false, true);  // b..d
  CHECK(ids_of(e.state, t.selection(e.state)) == std::vector<std::string>{"b", "c", "d"});
  t.click(0, true, false);  // Ctrl adds a
  CHECK(t.selected_count() == 4);
  t.toggle(2);  // check box removes c
  CHECK(ids_of(e.state, t.selection(e.state)) == std::vector<std::string>{"a", "b", "d"});
  t.click(4, false, false);  // a plain click selects only e
  CHECK(ids_of(e.state, t.selection(e.state)) == std::vector<std::string>{"e"});

  SECTION("select all takes every matching row; hidden selected rows still count") {
    f.text = "d@";
    t.refresh(e.state, e.root, f);
    t.select_all();
    CHECK(ids_of(e.state, t.selection(e.state)) == std::vector<std::string>{"d", "e"});
    t.clear_selection();
    CHECK(t.selected_count() == 0);
  }
  SECTION("a deleted account leaves the selection") {
    REQUIRE(e.run(e.root_admin, DeleteAccounts{{t.rows()[4]}}));
    CHECK(t.selection(e.state).empty());
    t.prune(e.state);
    CHECK(t.selected_count() == 0);
  }
}

TEST_CASE("the Single Account form becomes add_account; the core names the field at fault") {
  Enterprise e;
  e.add_numbers(e.root, 3);
  SingleAccountForm form;
  form.first_name = "  Ada ";
  form.last_name = "Lovelace";
  form.invite_address = "ada@example.com";
  form.assign = SingleAccountForm::Assign::kNumber;
  form.number = e.state.number(*e.state.available_numbers(e.root).begin())->e164;
  form.language = "Italian";
  const AddAccount c = add_account_command(e.root, form, true);
  CHECK(c.fields.first_name == "Ada");
  CHECK(c.fields.account_id == "ada@example.com");  // blank: the address, as in a CSV row
  CHECK(c.invite);
  auto r = e.run(e.root_admin, c);
  INFO((r ? std::string() : r.error().message));
  REQUIRE(r);
  const Account* a = e.state.account_by_key("ada@example.com");
  REQUIRE(a);
  CHECK(a->number == form.number);
  CHECK(a->status == AccountStatus::kInvited);

  SingleAccountForm bad = form;
  bad.invite_address = "ada@";
  auto refused = e.check(e.root_admin, add_account_command(e.root, bad, false));
  REQUIRE_FALSE(refused);
  CHECK(refused.error().field == "invite_address");
}

TEST_CASE("feature toggles follow the organization's policies; number choices list the pool") {
  Enterprise e;
  CHECK_FALSE(feature_toggles(e.state, e.retail).social_messaging);
  REQUIRE(
      e.run(e.root_admin, SetPolicy{e.root, std::string(policy::kSocialMessaging), Json(true)}));
  CHECK(feature_toggles(e.state, e.retail).social_messaging);  // inherited
  e.add_numbers(e.retail, 5);
  const NumberChoices c = number_choices(e.state, e.retail, 3);
  CHECK(c.available == 5);
  CHECK(c.numbers.size() == 3);
  const auto groups = usable_groups(e.state, e.north_america);
  CHECK(groups.size() == 2);  // the root's default and Retail Bank's own
  CHECK(usable_groups(e.state, e.operations).size() == 1);
}

TEST_CASE("a move without numbers in the destination is refused with the seed's message") {
  Enterprise e;
  e.add_numbers(e.root, 2);
  const AccountId a = e.add_account(e.root, "mover", true);  // invited without a number: a claim
  auto refusal = move_refusal(e.state, e.root_admin, e.now, {a}, e.hr);
  REQUIRE(refusal);
  CHECK(refusal->message.find("Unable to move account(s). You do not have enough numbers available "
                              "in the selected organization") == 0);
  e.add_numbers(e.hr, 1, 390611000001);
  CHECK_FALSE(move_refusal(e.state, e.root_admin, e.now, {a}, e.hr));
  CHECK(move_refusal(e.state, e.root_admin, e.now, {}, e.hr)->code == "empty_selection");
  CHECK(resend_count(e.state, {a}) == 1);
}

TEST_CASE("the Multiple Accounts dry run counts every row's outcome and changes nothing") {
  Enterprise e;
  const std::uint64_t before = e.state.revision();
  const ImportBatch batch{e.root,       PermGroupId(),   BatchMode::kImport,
                          "roster.csv", roster(100, 10), false};
  const ImportPreview p = preview_import(e.state, e.root_admin, e.now, batch);
  REQUIRE_FALSE(p.error);
  CHECK(p.ok == 90);
  CHECK(p.failed == 10);
  CHECK(p.report.rows.size() == 100);
  CHECK(e.state.revision() == before);
  CHECK(e.state.accounts().empty());
  // The report names each failed row's column and reason.
  auto doc = read_csv(p.report_csv);
  REQUIRE(doc);
  CHECK(doc->rows.size() == 101);
  CHECK(p.report_csv.find("not-an-address") != std::string::npos);
  CHECK(report_file_name("roster.CSV") == "roster-report.csv");
  CHECK(accounts_file_name(e.state, e.retail) == "accounts-Retail Bank.csv");

  SECTION("more than 1000 rows refuses the file as a whole") {
    ImportBatch big = batch;
    big.csv = roster(1001);
    const ImportPreview q = preview_import(e.state, e.root_admin, e.now, big);
    REQUIRE(q.error);
    CHECK(q.error->message.find("1000") != std::string::npos);
  }
}

TEST_CASE("the text search finds what searching the folded fields finds, without folding ASCII") {
  // The reference: every field folded and joined, as the search was first written.
  auto reference = [](const Account& a, const std::string& needle) {
    std::string hay;
    for (const std::string* f : {&a.first_name, &a.last_name, &a.account_id, &a.invite_address, &a.number, &a.notes}) {
      hay += fold_text(*f);
      hay += '\x1f';
    }
    return hay.find(needle) != std::string::npos || fold_text(a.name()).find(needle) != std::string::npos;
  };
  const std::vector<std::string> names = {"Zoë", "Müller", "ZOE", "mu", "Łukasiewicz", "Weiß", "Ada", "", "O'Brien", "Élodie"};
  const std::vector<std::string> needles = {"zoe", "zoe mu", "mull", "weiss", "lukas", "e mu", "elo", "a", "o'b", "zoe muller", "x"};
  int checked = 0;
  for (const std::string& first : names) {
    for (const std::string& last : names) {
      Account a;
      a.first_name = first;
      a.last_name = last;
      a.account_id = "ID-" + last;
      a.invite_address = "x" + first + "@example.com";
      a.notes = first.empty() ? "Notizen für Zoë" : "";
      for (const std::string& n : needles) {
        CAPTURE(first, last, n);
        CHECK(matches_text(a, fold_text(n)) == reference(a, fold_text(n)));
        ++checked;
      }
    }
  }
  CHECK(checked == 1100);
}

TEST_CASE("a search spread over frames shows its matches as found and ends where one search ends") {
  Enterprise e;
  for (int i = 0; i < 250; ++i) e.add_account(e.root, "user" + std::to_string(i));
  AccountFilter f;
  f.text = "user1";
  AccountsTable whole;
  whole.refresh(e.state, e.root, f);
  REQUIRE_FALSE(whole.searching());
  AccountsTable sliced;
  sliced.refresh(e.state, e.root, AccountFilter{});
  CHECK(sliced.refresh(e.state, e.root, f, 100));
  CHECK(sliced.searching());
  CHECK(sliced.search_progress() == Approx(0.4));
  const std::size_t partial = sliced.rows().size();
  CHECK(sliced.refresh(e.state, e.root, f, 100));
  CHECK(sliced.rows().size() >= partial);
  sliced.refresh(e.state, e.root, f, 100);
  CHECK_FALSE(sliced.searching());
  CHECK(sliced.rows() == whole.rows());
  CHECK_FALSE(sliced.refresh(e.state, e.root, f, 100));  // done: nothing to do

  SECTION("erasing a letter gives the earlier answer at once") {
    f.text = "user";
    sliced.refresh(e.state, e.root, f, 0);
    f.text = "user12";
    sliced.refresh(e.state, e.root, f, 0);
    f.text = "user1";
    sliced.refresh(e.state, e.root, f, 1);  // a budget of one account: answered from memory
    CHECK_FALSE(sliced.searching());
    CHECK(sliced.rows() == whole.rows());
  }
  SECTION("a change to the state starts the search again") {
    e.add_account(e.root, "user1-new");
    sliced.refresh(e.state, e.root, f, 0);
    CHECK(sliced.rows().size() == whole.rows().size() + 1);
  }
}

TEST_CASE("changes to a few accounts are placed in the rows, as a full sort would order them") {
  Enterprise e;
  std::vector<AccountId> ids;
  for (int i = 0; i < 40; ++i) ids.push_back(e.add_account(i % 2 ? e.retail : e.operations, "acct" + std::to_string(i)));
  for (const AccountSort sort : {AccountSort::kName, AccountSort::kAccountId, AccountSort::kOrganization, AccountSort::kStatus}) {
    for (const bool descending : {false, true}) {
      AccountFilter f;
      f.sort = sort;
      f.descending = descending;
      AccountsTable kept;
      kept.refresh(e.state, e.retail, f);
      const std::size_t sorts = kept.full_sorts();
      for (int round = 0; round < 6; ++round) {
        const AccountId id = ids[static_cast<std::size_t>((round * 7 + static_cast<int>(sort)) % 40)];
        if (!e.state.account(id)) continue;
        EditAccount edit;
        edit.account = id;
        edit.fields.first_name = "Renamed" + std::to_string(39 - round);
        REQUIRE(e.run(e.root_admin, edit));
        if (round == 2) REQUIRE(e.run(e.root_admin, MoveAccounts{{id}, e.north_america}));  // into the subtree
        if (round == 4) REQUIRE(e.run(e.root_admin, DeleteAccounts{{id}}));
        if (round == 5) ids.push_back(e.add_account(e.europe, "late" + std::to_string(ids.size())));
        kept.refresh(e.state, e.retail, f);
        AccountsTable fresh;
        fresh.refresh(e.state, e.retail, f);
        CAPTURE(static_cast<int>(sort), descending, round);
        CHECK(kept.rows() == fresh.rows());
      }
      CHECK(kept.full_sorts() == sorts);  // every change placed, none sorted again
    }
  }
  SECTION("a state rebuilt from scratch cannot tell what changed: the rows are sorted again") {
    AccountsTable t;
    t.refresh(e.state, e.root, AccountFilter{});
    const std::uint64_t before = e.state.revision();
    State rebuilt;
    for (const auto& [id, a] : e.state.accounts()) rebuilt.put(a);
    CHECK_FALSE(rebuilt.changes_since(before));
    CHECK(e.state.changes_since(before)->accounts.empty());
    const std::size_t sorts = t.full_sorts();
    t.refresh(rebuilt, e.root, AccountFilter{});
    CHECK(t.full_sorts() == sorts + 1);
  }
}
