// Store: admin activity, batch reports and usage records.
#include "store.hpp"

#include <unordered_set>

namespace linedesk::server {
namespace {

// "?, ?, ?" for n placeholders.
std::string placeholders(std::size_t n) {
  std::string out;
  for (std::size_t i = 0; i < n; ++i) out += i ? ", ?" : "?";
  return out;
}

std::string activity_where(const ActivityQuery& q) {
  std::string where = " WHERE 1 = 1";
  if (!q.orgs.empty()) where += " AND org_id IN (" + placeholders(q.orgs.size()) + ")";
  if (!q.admin_email.empty()) where += " AND admin_email = ?";
  if (!q.action.empty()) where += " AND action = ?";
  // lower() on both sides: SQLite's LIKE ignores ASCII case, PostgreSQL's does not.
  if (!q.text.empty()) {
    where += " AND (lower(target) LIKE lower(?) ESCAPE '!' OR lower(summary) LIKE lower(?) ESCAPE '!')";
  }
  if (q.from_ms > 0) where += " AND at_ms >= ?";
  if (q.to_ms > 0) where += " AND at_ms < ?";
  return where;
}

void bind_activity(SqlStatement& raw, const ActivityQuery& q) {
  Stmt st(raw);
  for (OrgId o : q.orgs) st.bind(o.value);
  if (!q.admin_email.empty()) st.bind(q.admin_email);
  if (!q.action.empty()) st.bind(q.action);
  if (!q.text.empty()) {
    // A substring match with LIKE's wildcards escaped.
    std::string pattern = "%";
    for (char c : q.text) {
      if (c == '%' || c == '_' || c == '!') pattern += '!';
      pattern += c;
    }
    pattern += '%';
    st.bind(pattern).bind(pattern);
  }
  if (q.from_ms > 0) st.bind(q.from_ms);
  if (q.to_ms > 0) st.bind(q.to_ms);
}

}  // namespace

void Store::add_activity(const ActivityEntry& entry) {
  std::lock_guard lock(mutex_);
  write_activity(entry);
}

std::vector<ActivityEntry> Store::activity(const ActivityQuery& q) {
  std::lock_guard lock(mutex_);
  // Organization lists differ per administrator: prepared per call, not cached.
  auto raw = db_->prepare("SELECT id, at_ms, admin_id, admin_email, org_id, action, target, "
                          "before_json, after_json, summary FROM activity" +
                          activity_where(q) + " ORDER BY at_ms DESC, id DESC LIMIT ? OFFSET ?");
  bind_activity(*raw, q);
  const int n = static_cast<int>(q.orgs.size()) + (q.admin_email.empty() ? 0 : 1) +
                (q.action.empty() ? 0 : 1) + (q.text.empty() ? 0 : 2) + (q.from_ms > 0 ? 1 : 0) +
                (q.to_ms > 0 ? 1 : 0);
  raw->bind_int(n + 1, q.limit);
  raw->bind_int(n + 2, q.offset);
  std::vector<ActivityEntry> out;
  Stmt st(*raw);
  while (st.step()) {
    ActivityEntry e;
    e.id = ActivityId(st.col_int(0));
    e.at_ms = st.col_int(1);
    e.admin = AdminId(st.col_null(2) ? 0 : st.col_int(2));
    e.admin_email = st.col_text(3);
    e.org = OrgId(st.col_null(4) ? 0 : st.col_int(4));
    e.action = st.col_text(5);
    e.target = st.col_text(6);
    e.before = st.col_text(7);
    e.after = st.col_text(8);
    e.summary = st.col_text(9);
    out.push_back(std::move(e));
  }
  return out;
}

std::int64_t Store::activity_count(const ActivityQuery& q) {
  std::lock_guard lock(mutex_);
  auto raw = db_->prepare("SELECT count(*) FROM activity" + activity_where(q));
  bind_activity(*raw, q);
  return Stmt(*raw).scalar().value_or(0);
}

std::optional<BatchReport> Store::batch_report(BatchId batch) {
  std::lock_guard lock(mutex_);
  BatchReport report;
  {
    Stmt st(db_->cached("SELECT header FROM batches WHERE id = ?"));
    st.bind(batch.value);
    if (!st.step()) return std::nullopt;
    auto header = parse_json(st.col_text(0));
    if (header && header->is_array()) {
      for (const Json& h : header.value()) report.header.push_back(h.is_string() ? h.get<std::string>() : "");
    }
  }
  Stmt st(db_->cached("SELECT line, status, column_name, value, code, reason, notes, cells, "
                      "account_id FROM batch_rows WHERE batch_id = ? ORDER BY row_index"));
  st.bind(batch.value);
  auto strings = [](const std::string& text) {
    std::vector<std::string> out;
    auto j = parse_json(text);
    if (j && j->is_array()) {
      for (const Json& e : j.value()) out.push_back(e.is_string() ? e.get<std::string>() : "");
    }
    return out;
  };
  while (st.step()) {
    BatchRowResult row;
    row.line = static_cast<std::size_t>(st.col_int(0));
    const std::string status = st.col_text(1);
    row.status = status == "failed" ? RowStatus::kFailed
                 : status == "skipped" ? RowStatus::kSkipped
                                       : RowStatus::kOk;
    row.column = st.col_text(2);
    row.value = st.col_text(3);
    row.code = st.col_text(4);
    row.reason = st.col_text(5);
    row.notes = strings(st.col_text(6));
    row.cells = strings(st.col_text(7));
    row.account = AccountId(st.col_null(8) ? 0 : st.col_int(8));
    report.rows.push_back(std::move(row));
  }
  return report;
}

std::int64_t Store::add_usage(const std::vector<UsageRecord>& records) {
  std::lock_guard lock(mutex_);
  Transaction tx(*db_);
  std::int64_t added = 0;
  for (const UsageRecord& u : records) {
    // RETURNING yields a row only when the record id was new.
    Stmt st(db_->cached("INSERT INTO usage_records(record_id, account_id, org_id, kind, at_ms, "
                        "quantity, billable) VALUES (?, ?, ?, ?, ?, ?, ?) ON CONFLICT(record_id) "
                        "DO NOTHING RETURNING record_id"));
    st.bind_all(u.record_id, u.account.value, u.org.value, std::string(usage_kind_name(u.kind)),
                u.at_ms, u.quantity, u.billable);
    if (st.step()) ++added;
    while (st.step()) {
    }
  }
  if (added > 0 && shared()) {
    // The other processes drop their kept windows when this commits.
    Stmt(db_->cached("SELECT pg_notify(?, 'usage')")).bind(std::string(kNotifyChannel)).run();
  }
  tx.commit();
  if (added > 0) forget_usage_windows();
  return added;
}

void Store::forget_usage_windows() {
  std::lock_guard windows(usage_mutex_);
  usage_windows_.clear();
  ++usage_generation_;
}

std::vector<UsageRecord> Store::usage(const std::vector<OrgId>& orgs, std::int64_t from_ms,
                                      std::int64_t to_ms) {
  std::shared_ptr<const std::vector<UsageRecord>> window;
  std::uint64_t generation = 0;
  {
    std::lock_guard windows(usage_mutex_);
    generation = usage_generation_;
    for (const UsageWindow& w : usage_windows_) {
      if (w.from_ms == from_ms && w.to_ms == to_ms) window = w.records;
    }
  }
  if (!window) {
    std::lock_guard lock(mutex_);
    auto all = std::make_shared<std::vector<UsageRecord>>();
    Stmt st(db_->cached("SELECT record_id, account_id, org_id, kind, at_ms, quantity, billable "
                        "FROM usage_records WHERE at_ms >= ? AND at_ms < ?"));
    st.bind_all(from_ms, to_ms);
    while (st.step()) {
      UsageRecord u;
      u.org = OrgId(st.col_int(2));
      u.record_id = st.col_text(0);
      u.account = AccountId(st.col_int(1));
      u.kind = usage_kind_from_name(st.col_text(3)).value_or(UsageKind::kVoice);
      u.at_ms = st.col_int(4);
      u.quantity = st.col_int(5);
      u.billable = st.col_int(6) != 0;
      all->push_back(std::move(u));
    }
    window = all;
    // Kept only if no record arrived meanwhile: neither from this process (add_usage clears
    // under the connection's lock, which this read held) nor, as far as this process heard,
    // from another one sharing the database (forget_usage_windows on its notification).
    std::lock_guard windows(usage_mutex_);
    if (generation == usage_generation_) {
      if (usage_windows_.size() >= 4) usage_windows_.erase(usage_windows_.begin());
      usage_windows_.push_back(UsageWindow{from_ms, to_ms, window});
    }
  }
  std::unordered_set<OrgId> wanted(orgs.begin(), orgs.end());
  std::vector<UsageRecord> out;
  for (const UsageRecord& u : *window) {
    if (wanted.count(u.org)) out.push_back(u);
  }
  return out;
}

}  // namespace linedesk::server
