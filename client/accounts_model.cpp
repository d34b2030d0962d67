// The Accounts screen's logic: rows, selection, forms, checks and the import dry run.
#include "accounts_model.hpp"

#include <algorithm>
#include <unordered_map>

#include "shared/exports.hpp"
#include "shared/policy.hpp"
#include "shared/text.hpp"

namespace linedesk::client {
namespace {

// The filter without its text: rows only narrow by text when everything else is the same.
bool same_but_text(const AccountFilter& a, const AccountFilter& b) {
  AccountFilter x = a;
  x.text = b.text;
  return x == b;
}

std::string trimmed(std::string_view s) {
  const auto b = s.find_first_not_of(" \t");
  if (b == std::string_view::npos) return {};
  const auto e = s.find_last_not_of(" \t");
  return std::string(s.substr(b, e - b + 1));
}

}  // namespace

namespace {

// The table's filter as a core query, without its text (the base the text picks from).
AccountQuery base_query(OrgId org, const AccountFilter& filter) {
  AccountQuery q;
  q.org = org;
  q.include_suborgs = filter.include_suborgs;
  q.status = filter.status;
  q.group = filter.group;
  q.number_state = filter.number_state;
  q.without_number = filter.without_number;
  q.sort = filter.sort;
  q.descending = filter.descending;
  q.limit = 0;
  return q;
}

}  // namespace

bool AccountsTable::patch_base(const State& st, OrgId org, const AccountFilter& filter) {
  const auto changes = st.changes_since(revision_);
  // Only changes to accounts themselves can be placed one by one: an organization renamed or a
  // number changing state can move rows that did not change.
  if (!changes || changes->others || changes->accounts.size() > kMaxPatch) return false;
  const std::unordered_set<AccountId> changed(changes->accounts.begin(), changes->accounts.end());
  base_.erase(std::remove_if(base_.begin(), base_.end(), [&](AccountId id) { return changed.count(id) > 0; }),
              base_.end());
  const AccountQuery q = base_query(org, filter);
  const auto orgs = query_orgs(st, q);
  for (AccountId id : changes->accounts) {
    const Account* a = st.account(id);
    if (!a || !account_passes(st, *a, q, orgs, {})) continue;
    const AccountSortKey key = account_sort_key(st, *a, q.sort);
    // Keys of the rows probed are made as the search goes: a dozen or so per insertion.
    const auto at = std::upper_bound(base_.begin(), base_.end(), key, [&](const AccountSortKey& k, AccountId other) {
      const Account* o = st.account(other);
      return o && account_sort_less(k, account_sort_key(st, *o, q.sort), q.descending);
    });
    base_.insert(at, id);
  }
  return true;
}

bool AccountsTable::refresh(const State& st, OrgId org, const AccountFilter& filter,
                            std::size_t budget) {
  const bool same_state = built_ && revision_ == st.revision() && org_ == org;
  if (same_state && filter_ == filter && !searching_) return false;
  const bool same_view = built_ && org_ == org && same_but_text(filter_, filter);
  const bool same_base = same_state && same_but_text(filter_, filter);
  const std::string new_text = fold_text(trimmed(filter.text));
  if (!same_base) {
    // Everything but the text: sorted once (afterwards kept in order change by change when it
    // can be), then searched as the administrator types.
    if (!(same_view && patch_base(st, org, filter))) {
      const AccountPage page = query_accounts(st, base_query(org, filter));
      ++full_sorts_;
      base_.clear();
      base_.reserve(page.rows.size());
      for (const Account* a : page.rows) base_.push_back(a->id);
    }
    found_.clear();
  }
  if (!same_base || new_text != text_) {
    const std::string old_text = text_;
    const bool old_complete = same_base && !searching_;
    text_ = new_text;
    searching_ = false;
    anchor_.reset();
    if (new_text.empty()) {
      rows_ = base_;
    } else if (auto hit = found_.find(new_text); hit != found_.end()) {
      rows_ = hit->second;  // searched before (a letter erased): no search at all
    } else {
      // More letters typed: only rows that matched before can match now. Otherwise the sorted
      // base is searched. Either way the order stays and nothing is sorted again.
      const bool narrowing = old_complete && !old_text.empty() &&
                             new_text.find(old_text) != std::string::npos;
      scan_source_ = narrowing ? rows_ : base_;
      scan_pos_ = 0;
      scan_out_.clear();
      searching_ = true;
    }
  }
  if (searching_) {
    // At most `budget` accounts a call: a long search spreads over frames, its matches
    // appearing as they are found.
    const std::size_t end = budget == 0 ? scan_source_.size() : std::min(scan_source_.size(), scan_pos_ + budget);
    for (; scan_pos_ < end; ++scan_pos_) {
      const Account* a = st.account(scan_source_[scan_pos_]);
      if (a && matches_text(*a, text_)) scan_out_.push_back(a->id);
    }
    if (scan_pos_ == scan_source_.size()) {
      searching_ = false;
      rows_ = std::move(scan_out_);
      scan_out_.clear();
      scan_source_.clear();
      if (found_.size() >= 16) found_.clear();
      found_[text_] = rows_;
    }
  }
  built_ = true;
  revision_ = st.revision();
  org_ = org;
  filter_ = filter;
  return true;
}

double AccountsTable::search_progress() const {
  if (!searching_ || scan_source_.empty()) return 1.0;
  return static_cast<double>(scan_pos_) / static_cast<double>(scan_source_.size());
}

void AccountsTable::toggle(std::size_t row) {
  if (row >= rows().size()) return;
  const AccountId id = rows()[row];
  if (!selected_.erase(id)) selected_.insert(id);
  anchor_ = row;
}

void AccountsTable::click(std::size_t row, bool ctrl, bool shift) {
  if (row >= rows().size()) return;
  if (shift && anchor_ && *anchor_ < rows().size()) {
    const std::size_t lo = std::min(row, *anchor_), hi = std::max(row, *anchor_);
    if (!ctrl) selected_.clear();
    for (std::size_t i = lo; i <= hi; ++i) selected_.insert(rows()[i]);
    return;  // the anchor stays where the range started
  }
  if (ctrl) {
    toggle(row);
    return;
  }
  selected_.clear();
  selected_.insert(rows()[row]);
  anchor_ = row;
}

void AccountsTable::select_all() {
  for (AccountId id : rows()) selected_.insert(id);
}

void AccountsTable::clear_selection() {
  selected_.clear();
  anchor_.reset();
}

std::vector<AccountId> AccountsTable::selection(const State& st) const {
  std::vector<AccountId> out;
  if (selected_.empty()) return out;  // asked every frame: no walk over the rows for nothing
  out.reserve(selected_.size());
  std::unordered_set<AccountId> listed;
  for (AccountId id : rows()) {
    if (selected_.count(id) && st.account(id)) {
      out.push_back(id);
      listed.insert(id);
    }
  }
  std::vector<AccountId> hidden;
  for (AccountId id : selected_) {
    if (!listed.count(id) && st.account(id)) hidden.push_back(id);
  }
  std::sort(hidden.begin(), hidden.end(),
            [](AccountId a, AccountId b) { return a.value < b.value; });
  out.insert(out.end(), hidden.begin(), hidden.end());
  return out;
}

void AccountsTable::prune(const State& st) {
  for (auto it = selected_.begin(); it != selected_.end();) {
    it = st.account(*it) ? std::next(it) : selected_.erase(it);
  }
}

std::string status_label(AccountStatus s) {
  return std::string(account_status_label(s));
}

std::string number_state_text(const State& st, const Account& a) {
  if (a.number.empty()) return {};
  const Number* n = st.number(number_id_of(a.number));
  return n ? std::string(number_state_label(n->state)) : std::string();
}

AddAccount add_account_command(OrgId org, const SingleAccountForm& form, bool invite) {
  AddAccount c;
  c.org = org;
  c.invite = invite;
  AccountInput& f = c.fields;
  auto text = [](const std::string& v) -> std::optional<std::string> {
    std::string t = trimmed(v);
    if (t.empty()) return std::nullopt;
    return t;
  };
  f.first_name = text(form.first_name);
  f.last_name = text(form.last_name);
  f.invite_address = text(form.invite_address);
  // As in a CSV row without one, the Account ID defaults to the invitation address.
  f.account_id = text(form.account_id);
  if (!f.account_id) f.account_id = f.invite_address;
  f.forwarding_number = text(form.forwarding_number);
  f.language = text(form.language);
  if (form.group.valid()) f.permission_group = form.group;
  f.social_messaging = form.social_messaging;
  f.monitor_calls = form.monitor_calls;
  f.monitor_messages = form.monitor_messages;
  f.enable_clare = form.enable_clare;
  f.ms_teams_calling = form.ms_teams_calling;
  if (form.assign == SingleAccountForm::Assign::kNumber) c.number = trimmed(form.number);
  if (form.assign == SingleAccountForm::Assign::kTag) c.tag = trimmed(form.tag);
  return c;
}

FeatureToggles feature_toggles(const State& st, OrgId org) {
  FeatureToggles t;
  if (!st.org(org)) return t;
  const OrgTree& tree = st.orgs();
  t.social_messaging = effective_bool(tree, org, policy::kSocialMessaging);
  t.call_monitoring = effective_bool(tree, org, policy::kCallMonitoring);
  t.message_monitoring = effective_bool(tree, org, policy::kMessageMonitoring);
  t.clare = effective_bool(tree, org, policy::kClare);
  t.ms_teams_calling = effective_bool(tree, org, policy::kMsTeamsCalling);
  return t;
}

NumberChoices number_choices(const State& st, OrgId org, std::size_t limit) {
  NumberChoices c;
  const auto& free = st.available_numbers(org);
  c.available = static_cast<std::int64_t>(free.size());
  for (NumberId id : free) {
    if (c.numbers.size() >= limit) break;
    if (const Number* n = st.number(id)) c.numbers.push_back(n->e164);
  }
  for (const auto& [tag, count] : st.free_tags(org)) {
    if (count > 0) c.tags.emplace_back(tag, count);
  }
  return c;
}

std::vector<const PermissionGroup*> usable_groups(const State& st, OrgId org) {
  std::vector<const PermissionGroup*> out;
  for (const auto& [id, g] : st.groups()) {
    if (st.org(g.org) && st.orgs().is_within(org, g.org)) out.push_back(&g);
  }
  std::sort(out.begin(), out.end(), [](const PermissionGroup* a, const PermissionGroup* b) {
    const std::string ka = collation_key(a->name), kb = collation_key(b->name);
    return ka != kb ? ka < kb : a->id.value < b->id.value;
  });
  return out;
}

std::optional<Error> move_refusal(const State& st, AdminId actor, TimestampMs now,
                                  const std::vector<AccountId>& accounts, OrgId destination) {
  if (accounts.empty())
    return make_error("empty_selection", "accounts", "Select the accounts to move first.");
  const Context ctx{actor, now, 0, false};
  auto r = validate(st, ctx, MoveAccounts{accounts, destination});
  if (!r) return r.error();
  return std::nullopt;
}

std::size_t resend_count(const State& st, const std::vector<AccountId>& selection) {
  std::size_t n = 0;
  for (AccountId id : selection) {
    const Account* a = st.account(id);
    n += a && a->status != AccountStatus::kActive;
  }
  return n;
}

ImportPreview preview_import(const State& st, AdminId actor, TimestampMs now,
                             const ImportBatch& batch) {
  ImportPreview p;
  ImportBatch dry = batch;
  dry.dry_run = true;
  const Context ctx{actor, now, 0, false};
  auto r = validate(st, ctx, dry);
  if (!r) {
    p.error = r.error();
    return p;
  }
  if (r->report) p.report = *r->report;
  for (const BatchRowResult& row : p.report.rows) {
    switch (row.status) {
      case RowStatus::kOk:
        ++p.ok;
        break;
      case RowStatus::kFailed:
        ++p.failed;
        break;
      case RowStatus::kSkipped:
        ++p.skipped;
        break;
    }
  }
  p.report_csv = batch_report_csv(p.report, true);
  return p;
}

std::string accounts_file_name(const State& st, OrgId org) {
  const Organization* o = st.org(org);
  return "accounts-" + (o ? o->name : std::string("organization")) + ".csv";
}

std::string report_file_name(const std::string& uploaded_name) {
  std::string base = uploaded_name.empty() ? std::string("batch") : uploaded_name;
  if (base.size() > 4) {
    std::string ext = base.substr(base.size() - 4);
    std::transform(ext.begin(), ext.end(), ext.begin(),
                   [](unsigned char ch) { return static_cast<char>(std::tolower(ch)); });
    if (ext == ".csv") base.resize(base.size() - 4);
  }
  return base + "-report.csv";
}

}  // namespace linedesk::client
