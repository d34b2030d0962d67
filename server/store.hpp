// Store: the server's authoritative data in SQL — every entity in its own table, the change log
// sync reads, audit, batch reports, usage, sessions, sign-in failures and the mail outbox.
// Thread-safe: each method takes the connection's lock.
//
// Several server processes may share one PostgreSQL database (SQLite: one process). Every
// change to the entities goes through a Store::Write, which orders them across processes.
#pragma once

#include <cstdint>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <vector>

#include <functional>

#include "shared/changes.hpp"
#include "shared/sync.hpp"
#include "shared/state.hpp"
#include "shared/usage.hpp"
#include "sql.hpp"

namespace linedesk::server {

struct OutboxMessage {
  std::int64_t id = 0;
  std::string kind;  // "invitation", "admin_invitation", "threshold", "batch_summary"
  OrgId org;
  std::string to;
  std::string subject;
  std::string body;
  std::string status = "pending";
  int attempts = 0;
  std::string last_error;
  std::int64_t created_ms = 0;
  std::int64_t sent_ms = 0;
  InvitationId invitation;
  BatchId batch;
  std::string command_uuid;
  // Set by Store::recover_outbox_claims only: when the message was handed over to the mailer,
  // and when the relay confirmed it (0: never).
  std::int64_t handed_over_ms = 0;
  std::int64_t confirmed_ms = 0;
};

// Everything one command writes, committed in one transaction.
struct CommitRecord {
  const Changes* changes = nullptr;
  std::vector<OutboxMessage> mail;
  std::vector<std::pair<std::string, InvitationId>> invitation_tokens;  // token hash, invitation
  std::vector<std::pair<std::string, AdminId>> admin_tokens;            // token hash, admin
  std::int64_t admin_token_expires_ms = 0;
  std::string command_uuid;  // the command's UUID (named in outbox rows)
  bool remember_command = false;  // record uuid -> result for API idempotency
  std::string command_name;
  AdminId admin;
  Json result;
  std::int64_t now_ms = 0;
  // The path ("/root/.../org/") of the organization each change names: pulls filter by it.
  std::function<std::string(OrgId)> path_of;
  // A sync push: the client and sequence this commit answers (its counter advances with it).
  std::string sync_client;
  std::int64_t sync_seq = 0;
};

// What one delivery attempt did to an outbox row.
struct OutboxOutcome {
  std::int64_t id = 0;
  bool sent = false;
  std::string error;   // when not sent; when sent, a note (empty: confirmed by the relay)
  bool final = false;  // not sent, and not to be tried again
  std::int64_t at_ms = 0;
};

// One row of the change log, as pulls read it.
struct ChangeRow {
  std::int64_t seq = 0;
  std::string kind;
  std::int64_t entity_id = 0;
  OrgId org;
  bool deleted = false;
  std::string value;  // the entity's JSON for puts
  std::string path;
};

struct SessionRecord {
  AdminId admin;
  std::int64_t created_ms = 0;
  std::int64_t last_seen_ms = 0;
  bool revoked = false;
};

struct ActivityQuery {
  std::vector<OrgId> orgs;  // empty: any
  std::string admin_email;  // exact, or empty
  std::string action;       // exact, or empty
  std::string text;         // substring of target or summary, or empty
  std::int64_t from_ms = 0;
  std::int64_t to_ms = 0;   // exclusive; 0: no bound
  std::int64_t offset = 0;
  std::int64_t limit = 100;
};

class Store {
 public:
  // Takes the connection, applies pending migrations (one process at a time where several
  // share the database). Throws DbError / std::runtime_error.
  Store(std::unique_ptr<SqlConnection> db, std::int64_t now_ms);

  // The NOTIFY channel of a shared database: each commit of entity changes sends its change
  // sequence, each batch of new usage records "usage".
  static constexpr const char* kNotifyChannel = "linedesk_changes";

  // A write transaction on the store's connection, holding its lock. Where several processes
  // share the database it also holds the database's command lock (a transaction-scoped advisory
  // lock) until commit or rollback: commands of the enterprise run one at a time across every
  // process, so change sequence numbers are taken and committed in order, and what a command
  // reads (after Service catches up) is what the database holds. SQLite's BEGIN IMMEDIATE does
  // the same for processes sharing a file. Rolls back unless committed.
  class Write {
   public:
    explicit Write(Store& store);
    ~Write();
    Write(const Write&) = delete;
    Write& operator=(const Write&) = delete;
    // Commits; on a shared database, tells the other processes (NOTIFY, sent at commit).
    void commit();
    // Rolls back now (the lock stays held until the Write ends): after a failed statement,
    // before reading again.
    void rollback();

   private:
    friend class Store;
    Store& store_;
    std::unique_lock<std::recursive_mutex> lock_;
    Transaction tx_;
    std::int64_t notify_seq_ = 0;  // the last change sequence written, to announce
  };

  // True when other server processes may change the database (PostgreSQL): the Service then
  // reads their commits from the change log before it answers.
  bool shared() const { return db_->dialect() == SqlDialect::kPostgres; }

  // Held while a process starts (bootstrap, demo seeding): where several processes share the
  // database, one at a time (a session-level advisory lock). Nothing on SQLite.
  class StartupLock {
   public:
    explicit StartupLock(Store& store);
    ~StartupLock();
    StartupLock(const StartupLock&) = delete;
    StartupLock& operator=(const StartupLock&) = delete;

   private:
    Store& store_;
  };

  int schema_version();
  // True once the enterprise (root organization) exists.
  bool has_enterprise();
  SqlDialect dialect() const { return db_->dialect(); }
  std::string describe() const { return db_->describe(); }

  // --- Entities ---------------------------------------------------------------------------
  // Every entity, with state.version set to the change log's last sequence.
  State load_state();
  // Writes one command's effects atomically; returns the new last change sequence.
  std::int64_t commit(const CommitRecord& record);
  // The same inside the caller's write (committed with it).
  std::int64_t commit(Write& write, const CommitRecord& record);
  std::int64_t version();
  // An API command already applied with this UUID: who sent it and its stored result.
  struct StoredCommand {
    AdminId admin;
    Json result;
  };
  std::optional<StoredCommand> command_result(const std::string& uuid);

  // --- Sync --------------------------------------------------------------------------------
  struct SyncClient {
    AdminId admin;
    std::int64_t last_seq = 0;
  };
  std::optional<SyncClient> sync_client(const std::string& client_id);
  // A refused push command: its result is kept and the client's counter advances, in one
  // transaction.
  void record_sync_rejection(Write& write, const std::string& client_id, AdminId admin,
                             std::int64_t seq, const std::string& uuid, const Error& error,
                             std::int64_t now_ms);
  // Results of the client's commands with from_seq <= seq <= to_seq, ascending.
  std::vector<CommandResult> sync_results(const std::string& client_id, std::int64_t from_seq,
                                          std::int64_t to_seq);
  // Change log rows after `since`, ascending, at most `limit`.
  std::vector<ChangeRow> changes_since(std::int64_t since, std::int64_t limit);
  // Rows before this sequence were compacted away: older replicas need a snapshot.
  std::int64_t compacted_before();
  // Deletes rows with seq < `before_seq` (keeps at least the last row) and remembers it.
  void compact_change_log(Write& write, std::int64_t before_seq);

  // --- Credentials and sessions -----------------------------------------------------------
  std::string password_hash(AdminId admin);
  void set_password_hash(AdminId admin, const std::string& hash, std::int64_t now_ms);
  void create_session(const std::string& token_hash, AdminId admin, std::int64_t now_ms);
  std::optional<SessionRecord> session(const std::string& token_hash);
  void touch_session(const std::string& token_hash, std::int64_t now_ms);
  void revoke_session(const std::string& token_hash);
  // Every session of `admin` except the one with `keep_hash` (may be empty).
  void revoke_sessions_of(AdminId admin, const std::string& keep_hash);
  void record_login_failure(const std::string& key, std::int64_t now_ms);
  std::int64_t login_failures_since(const std::string& key, std::int64_t since_ms);

  // --- Links ------------------------------------------------------------------------------
  std::optional<InvitationId> invitation_for_token(const std::string& token_hash);
  struct AdminToken {
    AdminId admin;
    std::int64_t expires_ms = 0;
    std::int64_t used_ms = 0;
  };
  std::optional<AdminToken> admin_token(const std::string& token_hash);
  void use_admin_token(const std::string& token_hash, std::int64_t now_ms);

  // --- Outbox -----------------------------------------------------------------------------
  // Delivery is at most once per message: a worker claims messages, records each one as handed
  // over just before the mailer makes it the recipient's, and then records the outcome.
  //
  // Marks up to `limit` pending messages as being sent by `worker` and returns them: those whose
  // last attempt is at least attempts x `retry_step_ms` ago.
  std::vector<OutboxMessage> claim_outbox(const std::string& worker, int limit, std::int64_t now_ms,
                                          std::int64_t retry_step_ms);
  // Records durably (committed on return) that `worker` hands message `id` over now. False when
  // the message is no longer that worker's claim: it must then not be delivered.
  bool hand_over_outbox(std::int64_t id, const std::string& worker, std::int64_t now_ms);
  // Records durably that the relay accepted message `id` (its outcome may be written later).
  void confirm_outbox(std::int64_t id, const std::string& worker, std::int64_t now_ms);
  // Claims whose worker will not finish them: all of `worker`'s own (it calls this between its
  // rounds, so they are left from a round that failed) and other workers' made before
  // `others_before_ms` (workers that stopped, or crashed). Those never handed over go back to
  // pending, as nothing of them reached the recipient; those handed over are returned and stay
  // claimed until their outcome is written — the relay may hold them: never sent again.
  std::vector<OutboxMessage> recover_outbox_claims(const std::string& worker,
                                                   std::int64_t others_before_ms);
  void outbox_sent(std::int64_t id, std::int64_t now_ms);
  // A failed attempt: back to pending to retry later, or failed for good.
  void outbox_failed(std::int64_t id, const std::string& error, bool final, std::int64_t now_ms);
  // A delivery round: the outbox rows' outcomes and the commits of the server's own commands
  // that report them (invitation sent / failed), all in one transaction. Returns the version
  // after the last record (0 when there are none: the version did not change).
  std::int64_t commit_deliveries(Write& write, const std::vector<CommitRecord>& records,
                                 const std::vector<OutboxOutcome>& outcomes);
  std::vector<OutboxMessage> outbox(const std::vector<OrgId>& orgs, std::int64_t limit);
  struct BatchDelivery {
    std::int64_t total = 0;
    std::int64_t sent = 0;
    std::int64_t failed = 0;
  };
  BatchDelivery batch_delivery(BatchId batch);

  // --- Reports ----------------------------------------------------------------------------
  void add_activity(const ActivityEntry& entry);
  std::vector<ActivityEntry> activity(const ActivityQuery& q);
  std::int64_t activity_count(const ActivityQuery& q);
  std::optional<BatchReport> batch_report(BatchId batch);

  // --- Usage ------------------------------------------------------------------------------
  // Inserts records whose id is new; returns how many were new.
  std::int64_t add_usage(const std::vector<UsageRecord>& records);
  // The records of `orgs` in [from_ms, to_ms). A window read from the database is kept until
  // the next add_usage: every dashboard asks for the same two months, and reading them again
  // held the connection (and every other request behind it) for tens of milliseconds.
  std::vector<UsageRecord> usage(const std::vector<OrgId>& orgs, std::int64_t from_ms,
                                 std::int64_t to_ms);
  // Drops the kept windows: another process added usage records.
  void forget_usage_windows();

  // --- Settings ---------------------------------------------------------------------------
  std::optional<std::string> meta(const std::string& key);
  void set_meta(const std::string& key, const std::string& value);

  // Direct SQL for tests and the demo seeding (takes the lock for the call).
  template <class F>
  auto with_connection(F&& f) {
    std::lock_guard lock(mutex_);
    return f(*db_);
  }

 private:
  // The rows of one commit, inside the caller's transaction; returns the change sequence.
  std::int64_t commit_rows(const CommitRecord& r);
  void write_outcome(const OutboxOutcome& o);
  void write_entity(const Entity& e);
  void delete_entity(const Tombstone& t);
  // Returns the row's change sequence.
  std::int64_t append_change(const std::string& kind, std::int64_t id, OrgId org, bool deleted,
                             const std::string& value, const std::string& path,
                             std::int64_t now_ms);
  void save_sync_result(const std::string& client_id, AdminId admin, std::int64_t seq,
                        const std::string& uuid, bool ok, const Json& body, std::int64_t version,
                        std::int64_t now_ms);
  void write_activity(const ActivityEntry& e);

  struct UsageWindow {
    std::int64_t from_ms = 0;
    std::int64_t to_ms = 0;
    std::shared_ptr<const std::vector<UsageRecord>> records;
  };
  std::mutex usage_mutex_;                // guards the two below (not the connection)
  std::vector<UsageWindow> usage_windows_;  // the last few windows read, newest last
  std::uint64_t usage_generation_ = 0;      // bumped whenever the windows are dropped

  // Recursive: a Write holds it while the Service calls other methods of the store.
  std::recursive_mutex mutex_;
  bool write_open_ = false;  // under mutex_: a Write's transaction is open
  std::unique_ptr<SqlConnection> db_;
};

}  // namespace linedesk::server
