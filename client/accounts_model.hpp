// The Accounts screen's logic without ImGui: the filtered, sorted rows and the selection, the
// Add Account form turned into a command, the feature toggles an organization offers, the
// Move check and the Multiple Accounts dry run. Native Catch2 tests drive it; the screen
// (accounts_screen.cpp) only draws what it says.
#pragma once

#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <unordered_set>
#include <vector>

#include "shared/engine.hpp"
#include "shared/query.hpp"

namespace linedesk::client {

struct AccountFilter {
  std::string text;  // name, Account ID, address, number, notes (case and accents ignored)
  std::optional<AccountStatus> status;
  PermGroupId group;
  std::optional<NumberState> number_state;
  bool without_number = false;
  bool include_suborgs = true;
  AccountSort sort = AccountSort::kName;
  bool descending = false;
  bool operator==(const AccountFilter&) const = default;
};

// The rows of the Accounts table and what the administrator selected. The rows are rebuilt
// only when the state, the organization or the filter changed. The accounts matching the
// filter without its text are sorted once; the search text only picks among them, and typing
// more letters narrows the previous rows instead of searching everything again.
class AccountsTable {
 public:
  // Returns true when the rows changed. A text search looks at no more than `budget` accounts
  // per call (0: no limit) and goes on at the next call; meanwhile rows() holds the matches
  // found so far.
  bool refresh(const State& st, OrgId org, const AccountFilter& filter, std::size_t budget = 0);
  const std::vector<AccountId>& rows() const { return searching_ ? scan_out_ : rows_; }
  bool searching() const { return searching_; }
  // How many times the rows were sorted from scratch (tests: small changes are placed instead).
  std::size_t full_sorts() const { return full_sorts_; }
  double search_progress() const;  // 0..1 while searching

  bool is_selected(AccountId id) const { return selected_.count(id) > 0; }
  // A row's check box.
  void toggle(std::size_t row);
  // A click on a row: alone selects just it; with Ctrl toggles it; with Shift selects the range
  // from the last clicked row.
  void click(std::size_t row, bool ctrl, bool shift);
  void select_all();  // every row matching the filter
  void clear_selection();
  // The selected accounts that still exist, in row order first, then any hidden by the filter.
  std::vector<AccountId> selection(const State& st) const;
  std::size_t selected_count() const { return selected_.size(); }
  // Forgets selected accounts that no longer exist (deleted here or by someone else).
  void prune(const State& st);

 private:
  // Keeps base_ in order after a few accounts changed (State::changes_since); false when the
  // changes cannot be placed one by one and the base must be sorted again.
  bool patch_base(const State& st, OrgId org, const AccountFilter& filter);
  static constexpr std::size_t kMaxPatch = 2000;
  std::size_t full_sorts_ = 0;
  std::uint64_t revision_ = 0;
  bool built_ = false;
  OrgId org_;
  AccountFilter filter_;
  std::vector<AccountId> base_;  // the filter without its text, sorted
  std::vector<AccountId> rows_;
  std::string text_;  // the folded search text rows_ answers
  // A search under way: the rows it looks through, how far it got, what it found.
  bool searching_ = false;
  std::vector<AccountId> scan_source_;
  std::size_t scan_pos_ = 0;
  std::vector<AccountId> scan_out_;
  // Answers for texts already searched on this base (erasing a letter costs nothing).
  std::map<std::string, std::vector<AccountId>> found_;
  std::unordered_set<AccountId> selected_;
  std::optional<std::size_t> anchor_;
};

// The labels the filters and columns show.
std::string status_label(AccountStatus s);
std::string number_state_text(const State& st, const Account& a);  // "Assigned", "" without number

// The Single Account form as the administrator filled it in.
struct SingleAccountForm {
  std::string first_name, last_name, account_id, invite_address;
  enum class Assign { kNone, kNumber, kTag } assign = Assign::kNone;
  std::string number;  // with kNumber: E.164 as listed
  std::string tag;     // with kTag
  PermGroupId group;   // invalid: the organization's default
  bool social_messaging = false, monitor_calls = false, monitor_messages = false;
  bool enable_clare = false, ms_teams_calling = false;
  std::string forwarding_number;
  std::string language;  // empty: the organization's default
};
// Blank fields are left unset; a blank Account ID is the invitation address, as in a CSV row.
AddAccount add_account_command(OrgId org, const SingleAccountForm& form, bool invite);

// The feature toggles the Single Account form shows for accounts of `org` (seed: "You will
// only see toggles for features enabled for your organization").
struct FeatureToggles {
  bool social_messaging = false, call_monitoring = false, message_monitoring = false;
  bool clare = false, ms_teams_calling = false;
};
FeatureToggles feature_toggles(const State& st, OrgId org);

// Choices of the Assign Number dropdown: the organization's available numbers (first `limit`)
// and its tags with free reserved numbers ("PORTED (3)").
struct NumberChoices {
  std::vector<std::string> numbers;
  std::int64_t available = 0;
  std::vector<std::pair<std::string, std::int64_t>> tags;
};
NumberChoices number_choices(const State& st, OrgId org, std::size_t limit = 200);

// Permission groups usable for accounts of `org`: its own and its ancestors', by name.
std::vector<const PermissionGroup*> usable_groups(const State& st, OrgId org);

// Why moving `accounts` to `destination` is refused (the core's message, e.g. the seed's
// "Unable to move account(s). You do not have enough numbers available in the selected
// organization"), or nullopt when it is allowed.
std::optional<Error> move_refusal(const State& st, AdminId actor, TimestampMs now,
                                  const std::vector<AccountId>& accounts, OrgId destination);

// Accounts of `selection` a Resend Invitation applies to (not active yet).
std::size_t resend_count(const State& st, const std::vector<AccountId>& selection);

// The Multiple Accounts dry run: the core's own import run without changing anything.
struct ImportPreview {
  std::optional<Error> error;  // the file as a whole is refused (columns, size, encoding)
  BatchReport report;
  int ok = 0, failed = 0, skipped = 0;
  std::string report_csv;  // the dry run's report, each row with its outcome and reason
};
ImportPreview preview_import(const State& st, AdminId actor, TimestampMs now,
                             const ImportBatch& batch);

// "accounts-Acme Corp.csv", "roster-report.csv": names the browser saves downloads under.
std::string accounts_file_name(const State& st, OrgId org);
std::string report_file_name(const std::string& uploaded_name);

}  // namespace linedesk::client
