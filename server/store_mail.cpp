// Store: the outbox of mail decided by commands.
#include "store.hpp"

namespace linedesk::server {
namespace {

constexpr const char* kOutboxColumns =
    "id, kind, org_id, to_address, subject, body, status, attempts, last_error, created_ms, "
    "sent_ms, invitation_id, batch_id, command_uuid";

OutboxMessage read_message(Stmt& st) {
  OutboxMessage m;
  m.id = st.col_int(0);
  m.kind = st.col_text(1);
  m.org = OrgId(st.col_null(2) ? 0 : st.col_int(2));
  m.to = st.col_text(3);
  m.subject = st.col_text(4);
  m.body = st.col_text(5);
  m.status = st.col_text(6);
  m.attempts = static_cast<int>(st.col_int(7));
  m.last_error = st.col_text(8);
  m.created_ms = st.col_int(9);
  m.sent_ms = st.col_int(10);
  m.invitation = InvitationId(st.col_null(11) ? 0 : st.col_int(11));
  m.batch = BatchId(st.col_null(12) ? 0 : st.col_int(12));
  m.command_uuid = st.col_text(13);
  return m;
}

}  // namespace

std::vector<OutboxMessage> Store::claim_outbox(int limit, std::int64_t now_ms,
                                               std::int64_t stale_before_ms,
                                               std::int64_t retry_step_ms) {
  std::lock_guard lock(mutex_);
  Transaction tx(*db_);
  std::vector<OutboxMessage> out;
  {
    Stmt st(db_->cached(std::string("SELECT ") + kOutboxColumns +
                        " FROM outbox WHERE (status = 'pending' AND claimed_ms + attempts * ? <= "
                        "?) OR (status = 'sending' AND claimed_ms < ?) ORDER BY id LIMIT ?"));
    st.bind_all(retry_step_ms, now_ms, stale_before_ms, static_cast<std::int64_t>(limit));
    while (st.step()) out.push_back(read_message(st));
  }
  for (OutboxMessage& m : out) {
    Stmt(db_->cached("UPDATE outbox SET status = 'sending', claimed_ms = ? WHERE id = ?"))
        .bind_all(now_ms, m.id)
        .run();
    m.status = "sending";
  }
  tx.commit();
  return out;
}

void Store::outbox_sent(std::int64_t id, std::int64_t now_ms) {
  std::lock_guard lock(mutex_);
  write_outcome(OutboxOutcome{id, true, "", true, now_ms});
}

void Store::outbox_failed(std::int64_t id, const std::string& error, bool final,
                          std::int64_t now_ms) {
  std::lock_guard lock(mutex_);
  write_outcome(OutboxOutcome{id, false, error, final, now_ms});
}

void Store::write_outcome(const OutboxOutcome& o) {
  if (o.sent) {
    Stmt(db_->cached("UPDATE outbox SET status = 'sent', sent_ms = ?, attempts = attempts + 1, "
                     "last_error = '' WHERE id = ?"))
        .bind_all(o.at_ms, o.id)
        .run();
    return;
  }
  Stmt(db_->cached("UPDATE outbox SET status = ?, attempts = attempts + 1, last_error = ?, "
                   "claimed_ms = ? WHERE id = ?"))
      .bind_all(std::string(o.final ? "failed" : "pending"), o.error, o.at_ms, o.id)
      .run();
}

std::vector<OutboxMessage> Store::outbox(const std::vector<OrgId>& orgs, std::int64_t limit) {
  std::lock_guard lock(mutex_);
  std::vector<OutboxMessage> out;
  Stmt st(db_->cached(std::string("SELECT ") + kOutboxColumns +
                      " FROM outbox ORDER BY id DESC LIMIT ?"));
  // Filtered here rather than in SQL: the list of visible organizations can be long.
  st.bind(limit * 4 + 100);
  while (st.step() && static_cast<std::int64_t>(out.size()) < limit) {
    OutboxMessage m = read_message(st);
    for (OrgId o : orgs) {
      if (o == m.org) {
        out.push_back(std::move(m));
        break;
      }
    }
  }
  return out;
}

Store::BatchDelivery Store::batch_delivery(BatchId batch) {
  std::lock_guard lock(mutex_);
  BatchDelivery d;
  Stmt st(db_->cached("SELECT status, count(*) FROM outbox WHERE batch_id = ? AND kind = "
                      "'invitation' GROUP BY status"));
  st.bind(batch.value);
  while (st.step()) {
    const std::string status = st.col_text(0);
    const std::int64_t n = st.col_int(1);
    d.total += n;
    if (status == "sent") d.sent += n;
    if (status == "failed") d.failed += n;
  }
  return d;
}

}  // namespace linedesk::server
