// Service: the server's application layer. It holds the authoritative State in memory (loaded
// from the store at start), runs every change through the core's commands, commits each one in
// one transaction with its audit entries and mail, and answers reads from the State.
#pragma once

#include <cstdint>
#include <functional>
#include <atomic>
#include <condition_variable>
#include <mutex>
#include <unordered_map>
#include <optional>
#include <shared_mutex>
#include <string>
#include <vector>

#include "clock.hpp"
#include "shared/api.hpp"
#include "shared/command.hpp"
#include "shared/engine.hpp"
#include "shared/sync.hpp"
#include "store.hpp"
#include "writer_first_mutex.hpp"

namespace linedesk::server {

struct ServiceConfig {
  std::string public_url = "http://127.0.0.1:8080";  // links in mail start with this
  // Sync: a pull further behind than this many change rows gets a snapshot instead.
  std::int64_t pull_limit = 20000;
  // Change-log rows kept for pulls; older ones are compacted away (0: keep everything).
  std::int64_t change_log_keep = 500000;
  std::int64_t session_idle_ms = 30LL * 60 * 1000;
  std::int64_t session_absolute_ms = 12LL * 60 * 60 * 1000;
  // Failed sign-ins allowed per hour before 429.
  std::int64_t max_failures_per_account = 10;
  std::int64_t max_failures_per_address = 50;
  std::int64_t admin_link_valid_ms = 7LL * 24 * 60 * 60 * 1000;
};

// A signed-in administrator making a request.
struct Actor {
  AdminId admin;
  std::string token_hash;
  SessionRecord session;
};

// What the activation page shows for a link.
struct ActivationView {
  InvitationId invitation;
  std::string organization;
  std::string name;
  std::string number;                  // assigned number, or empty
  std::vector<std::string> choices;    // a short list of available numbers when none assigned
};

class Service {
 public:
  Service(Store& store, const Clock& clock, ServiceConfig config);

  const ServiceConfig& config() const { return config_; }
  Store& store() { return store_; }
  std::int64_t now() const { return clock_.now_ms(); }

  // --- Sign-in --------------------------------------------------------------------------
  // Checks the password (argon2id) under per-account and per-address limits; every attempt
  // is audited. Errors: invalid_credentials (401), too_many_attempts (429).
  Result<SessionInfo> login(const LoginRequest& req, const std::string& remote_addr);
  // A live session for `token`: no_session / session_expired (401) otherwise.
  Result<Actor> authenticate(const std::string& token);
  void logout(const Actor& actor);
  Status change_password(const Actor& actor, const std::string& current, const std::string& next);

  // --- Changes --------------------------------------------------------------------------
  // Runs `command` as `actor`. A UUID already applied returns its stored result without
  // running again. On a storage failure nothing is kept (the State is reloaded) and the
  // DbError propagates.
  Result<Changes> run(const Actor& actor, const Command& command);
  // Validates only (dry runs); changes nothing.
  Result<Changes> check(const Actor& actor, const CommandArgs& args);
  // The server's own commands (delivery results, activation, app events).
  Result<Changes> run_system(const CommandArgs& args);
  // A delivery round: the server's own commands reporting it (each validated and applied in
  // order, those refused skipped) and the outbox rows' outcomes, committed in one transaction.
  // Returns each command's result, in order.
  std::vector<Result<Changes>> record_deliveries(const std::vector<CommandArgs>& commands,
                                                 const std::vector<OutboxOutcome>& outcomes);

  // Reads the State under a shared lock: f(const State&). On a database other processes share,
  // their commits are read first (catch_up), so an administrator sees what they changed
  // through any of them.
  template <class F>
  auto read(F&& f) {
    if (shared_) catch_up();
    std::shared_lock lock(mutex_);
    return f(state_);
  }
  std::int64_t version() const;

  // Brings the State up to the database's newest change: other processes' commits, read from
  // the change log (or the whole State again when the log was compacted past it). Wakes long
  // polls when it moved. Cheap when nothing changed (one query). Called before reads on a
  // shared database and by its listener on each notification.
  void catch_up();

  // Audit entries for what is not a command (sign-ins, downloads).
  void audit(const Actor* actor, OrgId org, std::string action, std::string target,
             std::string summary);

  // --- Sync (DESIGN "Sync protocol") -------------------------------------------------------
  // Applies the pushed commands in order, each in its own transaction with its result and the
  // client's counter; refused ones are recorded and advance the counter too. A sequence at or
  // below the counter is answered from storage; a gap applies nothing ("out_of_order"). A storage
  // failure (DbError: full disk, read-only database) is no refusal: it propagates, the failed
  // command is neither applied nor recorded and the counter stays before it, so the client's
  // retry applies it later (those before it are kept and answered from storage).
  PushResponse push(const Actor& actor, const PushRequest& request);
  // The changes after request.since that the administrator may see (or a snapshot), the
  // client's counter and its results. With `wait_ms`, waits that long for a change first.
  PullResponse pull(const Actor& actor, const PullRequest& request, std::int64_t wait_ms);
  // Drops change-log rows older than the newest `keep` (pulls from before get snapshots).
  void compact_change_log(std::int64_t keep);
  // Ends every waiting long poll now (the server is stopping); later pulls do not wait.
  void begin_shutdown();

  // --- Activation links -----------------------------------------------------------------
  Result<ActivationView> activation(const std::string& token);
  Result<Changes> activate(const std::string& token, const std::string& number);
  // An invited administrator sets a password through their link.
  Result<Administrator> admin_link(const std::string& token);
  Status set_admin_password(const std::string& token, const std::string& password);

  // While off, commands queue no mail (the demo enterprise is seeded quietly).
  void set_mail_enabled(bool on) { mail_enabled_ = on; }
  // Called after each commit that queued mail (the delivery worker waits on it).
  void set_mail_listener(std::function<void()> listener) { mail_listener_ = std::move(listener); }

 private:
  Result<Changes> run_locked(const Context& ctx, const CommandArgs& args, const Command* command);
  // Executes one command inside `write` and writes it there (the caller commits); the caller
  // holds the unique lock and has caught up inside `write`. `record` carries what the caller
  // adds (UUID, sync client). On a storage failure the State is reloaded.
  Result<Changes> apply_locked(Store::Write& write, const Context& ctx, const CommandArgs& args,
                               CommitRecord& record);
  // Under the unique lock (and, for a command, inside its Store::Write): reads the commits of
  // other processes since state_.version into the State. Returns true when it moved.
  bool catch_up_locked();
  // catch_up_locked's reading (without waking anyone).
  bool read_changes_locked();
  // Commits `write`; on a storage failure the State is reloaded and the DbError propagates.
  void commit_locked(Store::Write& write);
  // Fills what a commit of `changes` writes besides them (paths, mail, result).
  void prepare_record(const Context& ctx, const CommandArgs& args, const Changes& changes,
                      CommitRecord& record);
  // Bookkeeping after `commits` commits under the unique lock (mail flag, commit count).
  void after_commits_locked(std::int64_t commits, bool queued_mail);
  // Compacts the change log after every thousand commits (without the lock held).
  void compact_if_due();
  // The State (and the organization paths) as the database holds them, after a failed commit.
  void reload_locked();
  // "/root/.../org/" for `org` (kept for deleted organizations: they never move).
  std::string path_of(OrgId org) const;
  void changed();  // wakes long polls and the mail worker after commits
  // Turns a command's notifications into outbox messages (and link tokens).
  void render_mail(const Changes& changes, const std::string& command_uuid, CommitRecord& record);

  Store& store_;
  const Clock& clock_;
  ServiceConfig config_;
  mutable WriterFirstMutex mutex_;  // a waiting push goes before new reads (writer_first_mutex.hpp)
  State state_;
  std::function<void()> mail_listener_;
  bool mail_enabled_ = true;
  bool mail_queued_ = false;  // under mutex_: a commit since the last changed() queued mail
  std::unordered_map<OrgId, OrgId> parents_;  // under mutex_
  std::mutex version_mutex_;
  std::condition_variable version_changed_;
  std::int64_t commits_since_compaction_ = 0;
  const bool shared_;  // other processes may change the database (Store::shared)
  std::atomic<bool> stopping_{false};
};

// The HTTP status for a refused command's error code.
int http_status_for(const Error& e);

}  // namespace linedesk::server
