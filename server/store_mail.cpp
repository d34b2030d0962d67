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

std::vector<OutboxMessage> Store::claim_outbox(const std::string& worker, int limit,
                                               std::int64_t now_ms, std::int64_t retry_step_ms) {
  std::lock_guard lock(mutex_);
  Transaction tx(*db_);
  std::vector<OutboxMessage> out;
  std::vector<OutboxMessage> pending;
  {
    // Workers of other processes (a shared database) skip the rows this one is claiming
    // instead of waiting for them, and each row goes to one worker: the update below claims only
    // rows still pending when it runs.
    Stmt st(db_->cached(std::string("SELECT ") + kOutboxColumns +
                        " FROM outbox WHERE status = 'pending' AND claimed_ms + attempts * ? <= ? "
                        "ORDER BY id LIMIT ?" +
                        (shared() ? " FOR UPDATE SKIP LOCKED" : "")));
    st.bind_all(retry_step_ms, now_ms, static_cast<std::int64_t>(limit));
    while (st.step()) pending.push_back(read_message(st));
  }
  for (OutboxMessage& m : pending) {
    Stmt st(db_->cached("UPDATE outbox SET status = 'sending', claimed_ms = ?, claimed_by = ?, "
                        "handed_over_ms = 0 WHERE id = ? AND status = 'pending' RETURNING id"));
    st.bind_all(now_ms, worker, m.id);
    if (!st.step()) continue;
    m.status = "sending";
    out.push_back(std::move(m));
  }
  tx.commit();
  return out;
}

bool Store::hand_over_outbox(std::int64_t id, const std::string& worker, std::int64_t now_ms) {
  std::lock_guard lock(mutex_);
  // One statement is one transaction, committed (durable) once it has run to its end.
  Stmt st(db_->cached("UPDATE outbox SET handed_over_ms = ? WHERE id = ? AND status = 'sending' "
                      "AND claimed_by = ? AND handed_over_ms = 0 RETURNING id"));
  st.bind_all(now_ms, id, worker);
  const bool mine = st.step();
  while (st.step()) {
  }
  return mine;
}

void Store::confirm_outbox(std::int64_t id, const std::string& worker, std::int64_t now_ms) {
  std::lock_guard lock(mutex_);
  Stmt(db_->cached("UPDATE outbox SET confirmed_ms = ? WHERE id = ? AND claimed_by = ?"))
      .bind_all(now_ms, id, worker)
      .run();
}

std::vector<OutboxMessage> Store::recover_outbox_claims(const std::string& worker,
                                                        std::int64_t others_before_ms) {
  std::lock_guard lock(mutex_);
  Transaction tx(*db_);
  std::vector<OutboxMessage> handed_over;
  std::vector<std::int64_t> unsent;
  {
    Stmt st(db_->cached(std::string("SELECT ") + kOutboxColumns +
                        ", handed_over_ms, confirmed_ms FROM outbox WHERE status = 'sending' AND "
                        "(claimed_by = ? OR claimed_ms < ?) ORDER BY id"));
    st.bind_all(worker, others_before_ms);
    while (st.step()) {
      if (st.col_int(14) > 0) {
        handed_over.push_back(read_message(st));
        handed_over.back().handed_over_ms = st.col_int(14);
        handed_over.back().confirmed_ms = st.col_int(15);
      } else {
        unsent.push_back(st.col_int(0));
      }
    }
  }
  for (const std::int64_t id : unsent) {
    Stmt(db_->cached("UPDATE outbox SET status = 'pending', claimed_ms = 0, claimed_by = '' "
                     "WHERE id = ?"))
        .bind(id)
        .run();
  }
  tx.commit();
  return handed_over;
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
                     "last_error = ? WHERE id = ?"))
        .bind_all(o.at_ms, o.error, o.id)
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
