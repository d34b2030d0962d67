// Sync test fixtures: a server (Store + Service on one SQLite file) that can be killed and
// restarted, native clients (a Replica each) talking to it through a seeded, lossy "network"
// that carries the protocol's JSON text, and the checks a converged system must pass.
#pragma once

#include <catch2/catch.hpp>

#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <deque>
#include <functional>
#include <map>
#include <memory>
#include <set>
#include <sstream>
#include <string>
#include <vector>

#include "clock.hpp"
#include "service.hpp"
#include "shared/api.hpp"
#include "shared/fixtures.hpp"
#include "shared/replica.hpp"
#include "shared/snapshot_codec.hpp"
#include "shared/sync.hpp"
#include "sqlite_db.hpp"
#include "store.hpp"
#include "test_support.hpp"

namespace linedesk::test {

// --- Crashes ---------------------------------------------------------------------------------

// Where and how the server "dies": on the `nth` SQL call (exec or statement step) whose text
// starts with `sql_prefix`, before it runs or right after. Counting starts when armed. Every SQL
// call runs under the Store's lock, so the plan needs none; arm it while no other thread runs.
struct CrashPlan {
  enum class Action {
    kKillProcess,  // SIGKILL this process: nothing after it runs, no destructor, no rollback
    kDie,          // throw DbError, then refuse every later call: the process is as good as dead
    kFailOnce,     // throw DbError once and keep working (a transient storage failure)
    kRun,          // call `run` there (to interleave another thread at a chosen point)
  };
  std::string sql_prefix;
  int nth = 0;  // 0: disarmed
  bool after = false;
  Action action = Action::kDie;
  std::function<void()> run;
  bool crashed = false;
  bool dead = false;

  void arm(std::string prefix, int n, Action a, bool after_call = false) {
    sql_prefix = std::move(prefix);
    nth = n;
    action = a;
    after = after_call;
    crashed = dead = false;
  }
  void disarm() { nth = 0; }

  // A dead server's storage answers nothing.
  void check_alive() const {
    if (dead) throw server::DbError(server::DbError::Kind::kOther, 10, "the server is dead");
  }
  // Called around every SQL call with its text.
  void observe(std::string_view sql, bool after_call) {
    check_alive();
    if (nth <= 0 || after_call != after || sql.substr(0, sql_prefix.size()) != sql_prefix) return;
    if (--nth > 0) return;
    crashed = true;
    switch (action) {
      case Action::kKillProcess:
        ::kill(::getpid(), SIGKILL);
        for (;;) ::pause();
      case Action::kDie:
        dead = true;
        throw server::DbError(server::DbError::Kind::kOther, 10, "simulated crash");
      case Action::kFailOnce:
        throw server::DbError(server::DbError::Kind::kOther, 10, "simulated I/O error");
      case Action::kRun:
        if (run) run();
        return;
    }
  }
};

// The test's database connection (test_database.hpp), consulting a CrashPlan around every call.
// Test-only.
class CrashingConnection final : public server::SqlConnection {
 public:
  CrashingConnection(const std::string& path, std::shared_ptr<CrashPlan> plan)
      : inner_(open_test_database(path)), plan_(std::move(plan)) {}

  server::SqlDialect dialect() const override { return inner_->dialect(); }
  void exec(std::string_view sql) override {
    plan_->observe(sql, false);
    inner_->exec(sql);
    plan_->observe(sql, true);
  }
  server::SqlStatement& cached(std::string_view sql) override {
    plan_->check_alive();
    auto it = statements_.find(sql);
    if (it == statements_.end()) {
      it = statements_
               .emplace(std::string(sql),
                        std::make_unique<Statement>(std::string(sql), inner_->cached(sql), nullptr,
                                                    *plan_))
               .first;
    }
    server::SqlStatement& st = *it->second;
    st.reset();
    return st;
  }
  std::unique_ptr<server::SqlStatement> prepare(std::string_view sql) override {
    plan_->check_alive();
    auto own = inner_->prepare(sql);
    server::SqlStatement& ref = *own;
    return std::make_unique<Statement>(std::string(sql), ref, std::move(own), *plan_);
  }
  std::string describe() const override { return inner_->describe(); }

 private:
  class Statement final : public server::SqlStatement {
   public:
    Statement(std::string sql, server::SqlStatement& inner,
              std::unique_ptr<server::SqlStatement> own, CrashPlan& plan)
        : sql_(std::move(sql)), inner_(inner), own_(std::move(own)), plan_(plan) {}
    void bind_int(int i, std::int64_t v) override { inner_.bind_int(i, v); }
    void bind_text(int i, std::string_view v) override { inner_.bind_text(i, v); }
    void bind_null(int i) override { inner_.bind_null(i); }
    bool step() override {
      plan_.observe(sql_, false);
      const bool row = inner_.step();
      plan_.observe(sql_, true);
      return row;
    }
    void reset() override { inner_.reset(); }
    void finish() override { inner_.finish(); }
    std::int64_t column_int(int c) const override { return inner_.column_int(c); }
    std::string column_text(int c) const override { return inner_.column_text(c); }
    bool column_is_null(int c) const override { return inner_.column_is_null(c); }
    std::int64_t rows_changed() const override { return inner_.rows_changed(); }
    std::optional<std::int64_t> inserted_rowid() const override { return inner_.inserted_rowid(); }

   private:
    std::string sql_;
    server::SqlStatement& inner_;
    std::unique_ptr<server::SqlStatement> own_;
    CrashPlan& plan_;
  };

  std::unique_ptr<server::SqlConnection> inner_;  // outlives the wrappers below
  std::shared_ptr<CrashPlan> plan_;
  std::map<std::string, std::unique_ptr<Statement>, std::less<>> statements_;
};

// How a child process ended.
struct ChildEnd {
  bool killed = false;  // by SIGKILL
  int exit_code = -1;
};

// Runs `body` in a forked process and waits for it. The caller must hold no open database
// connection (SQLite connections must not cross a fork) and run no other threads. Exit code 3:
// `body` returned; 4: it threw.
inline ChildEnd run_in_child(const std::function<void()>& body) {
  const pid_t pid = ::fork();
  if (pid < 0) throw std::runtime_error("fork failed");
  if (pid == 0) {
    try {
      body();
    } catch (...) {
      ::_exit(4);
    }
    ::_exit(3);
  }
  int status = 0;
  ::waitpid(pid, &status, 0);
  ChildEnd end;
  end.killed = WIFSIGNALED(status) && WTERMSIG(status) == SIGKILL;
  end.exit_code = WIFEXITED(status) ? WEXITSTATUS(status) : -1;
  return end;
}

// --- The server --------------------------------------------------------------------------------

inline constexpr std::int64_t kSyncStartMs = 1'795'420'000'000;

// "/root/.../org/" for `org` in `state`, as the Service computes it.
inline std::string org_path(const State& state, OrgId org) {
  std::vector<std::int64_t> chain;
  for (OrgId o = org; o.valid() && chain.size() <= state.orgs().size();) {
    chain.push_back(o.value);
    const Organization* found = state.org(o);
    o = found ? found->parent : OrgId();
  }
  std::string path = "/";
  for (auto it = chain.rbegin(); it != chain.rend(); ++it) path += std::to_string(*it) + "/";
  return path;
}

// Writes every entity of `state` into a new database at `path` as one commit (the fixture's
// enterprise, without the HTTP round trips and password hashing of a bootstrap).
inline void seed_database(const std::string& path, const State& state) {
  server::Store store(open_test_database(path), kSyncStartMs);
  Changes c;
  for (const auto& [id, v] : state.orgs().all()) c.puts.emplace_back(v);
  for (const auto& [id, v] : state.roles()) c.puts.emplace_back(v);
  for (const auto& [id, v] : state.groups()) c.puts.emplace_back(v);
  for (const auto& [id, v] : state.admins()) c.puts.emplace_back(v);
  for (const auto& [id, v] : state.numbers()) c.puts.emplace_back(v);
  for (const auto& [id, v] : state.accounts()) c.puts.emplace_back(v);
  for (const auto& [id, v] : state.invitations()) c.puts.emplace_back(v);
  server::CommitRecord record;
  record.changes = &c;
  record.now_ms = kSyncStartMs;
  record.path_of = [&state](OrgId org) { return org_path(state, org); };
  store.commit(record);
}

// Store + Service on one SQLite file; restart() drops both (as a killed process would) and
// builds them again on the same file.
class SyncServer {
 public:
  explicit SyncServer(std::string db_path, server::ServiceConfig config = {})
      : path_(std::move(db_path)), config_(std::move(config)) {
    config_.public_url = "http://127.0.0.1:1";
    start();
  }
  ~SyncServer() { stop(); }

  void restart() {
    stop();
    start();
  }
  // Drops the Service and Store: the connection closes and SQLite rolls back whatever was not
  // committed.
  void stop() {
    service_.reset();
    store_.reset();
  }
  // A new process: nothing armed.
  void start() {
    plan_ = std::make_shared<CrashPlan>();
    store_ = std::make_unique<server::Store>(std::make_unique<CrashingConnection>(path_, plan_),
                                             clock_.now_ms());
    service_ = std::make_unique<server::Service>(*store_, clock_, config_);
  }
  bool running() const { return service_ != nullptr; }

  server::Service& service() { return *service_; }
  server::Store& store() { return *store_; }
  server::ManualClock& clock() { return clock_; }
  CrashPlan& plan() { return *plan_; }
  const std::string& path() const { return path_; }

  // The protocol as the HTTP routes run it, JSON text in and out. Empty: no answer (the
  // request was unreadable, or the server died on it).
  std::string push(AdminId admin, const std::string& request_text) {
    auto json = parse_json(request_text);
    if (!json) return {};
    auto request = push_request_from_json(*json);
    if (!request) return {};
    try {
      return to_json(service_->push(actor(admin), *request)).dump();
    } catch (const server::DbError&) {
      return {};
    }
  }
  std::string pull(AdminId admin, const std::string& request_text, std::int64_t wait_ms = 0) {
    auto json = parse_json(request_text);
    if (!json) return {};
    auto request = pull_request_from_json(*json);
    if (!request) return {};
    try {
      return encode_pull_answer(*request, service_->pull(actor(admin), *request, wait_ms));
    } catch (const server::DbError&) {
      return {};
    }
  }

  // The first column of the first row of `sql`.
  std::int64_t scalar(const std::string& sql) {
    return store_->with_connection([&](server::SqlConnection& db) {
      return server::Stmt(db.cached(sql)).scalar().value_or(-1);
    });
  }
  std::string text(const std::string& sql) {
    return store_->with_connection([&](server::SqlConnection& db) {
      server::Stmt st(db.cached(sql));
      return st.step() ? st.col_text(0) : std::string();
    });
  }
  // SQLite: PRAGMA integrity_check. PostgreSQL: amcheck's structural check of every B-tree
  // index of the test's schema (an error names the damage).
  std::string integrity_check() {
    if (!testing_postgres()) return text("PRAGMA integrity_check");
    return store_->with_connection([&](server::SqlConnection& db) {
      db.exec("CREATE EXTENSION IF NOT EXISTS amcheck SCHEMA public");
      server::Stmt st(db.cached(
          "SELECT count(public.bt_index_check(c.oid)) FROM pg_index i JOIN pg_class c ON c.oid = "
          "i.indexrelid JOIN pg_namespace n ON n.oid = c.relnamespace JOIN pg_am am ON am.oid = "
          "c.relam WHERE am.amname = 'btree' AND n.nspname = current_schema()"));
      return st.step() && st.col_int(0) > 0 ? std::string("ok") : std::string("no index checked");
    });
  }
  // What the database holds (not the Service's memory).
  State stored_state() { return store_->load_state(); }

  static server::Actor actor(AdminId admin) { return server::Actor{admin, "", {}}; }

 private:
  std::string path_;
  server::ServiceConfig config_;
  server::ManualClock clock_{kSyncStartMs};
  std::shared_ptr<CrashPlan> plan_;
  std::unique_ptr<server::Store> store_;
  std::unique_ptr<server::Service> service_;
};

// The core fixtures' enterprise (shaped by the test first) in a fresh database, and its server.
struct SyncWorld {
  TempDir dir;
  Enterprise e;
  std::string db = dir.file("sync.db");
  server::ServiceConfig config;
  std::unique_ptr<SyncServer> server;

  // Seeds the database with `e.state` and starts the server.
  SyncServer& open() {
    seed_database(db, e.state);
    server = std::make_unique<SyncServer>(db, config);
    return *server;
  }
  // Another administrator's change, made on the server directly (as through the API).
  Changes run(AdminId admin, const CommandArgs& args, const std::string& uuid) {
    auto r = server->service().run(SyncServer::actor(admin), Command{uuid, args});
    if (!r) throw std::runtime_error(uuid + ": " + r.error().message);
    return std::move(r).value();
  }
};

// --- Native clients ------------------------------------------------------------------------------

// One browser: a replica of what its administrator may see, with its queue. Every command it
// queued is remembered by sequence, so a test can check the server answered each exactly once.
struct NativeClient {
  NativeClient(std::string client_id, AdminId admin) : replica(std::move(client_id), admin) {}

  Replica replica;
  std::map<std::int64_t, std::string> submitted;  // seq -> UUID
  std::set<std::int64_t> discarded;               // refused commands the admin discarded
  std::map<std::int64_t, std::int64_t>
      resubmitted;  // refused seq -> the seq it was queued again as
  TimestampMs now = kSyncStartMs;
  // Snapshots as the console asks for them (text); a test may switch to JSON.
  bool text_snapshots = true;

  AdminId admin() const { return replica.actor(); }
  const std::string& id() const { return replica.client_id(); }

  Result<Changes> submit(CommandArgs args) {
    const std::int64_t seq = replica.next_seq();
    const std::string uuid = id() + "-cmd-" + std::to_string(seq);
    auto r = replica.submit(uuid, std::move(args), ++now);
    if (r) submitted[seq] = uuid;
    return r;
  }
  Result<Changes> resubmit(std::int64_t refused_seq) {
    const std::int64_t seq = replica.next_seq();
    const std::string uuid = id() + "-cmd-" + std::to_string(seq);
    auto r = replica.resubmit(refused_seq, uuid, std::nullopt, ++now);
    if (r) {
      submitted[seq] = uuid;
      resubmitted[refused_seq] = seq;
    }
    return r;
  }
  void discard(std::int64_t refused_seq) {
    replica.discard(refused_seq);
    discarded.insert(refused_seq);
  }

  // The wire: requests as text, answers decoded from text.
  std::string push_text(std::size_t max = 50) const {
    return to_json(replica.push_request(max)).dump();
  }
  std::string pull_text() const {
    PullRequest req;
    req.protocol = kProtocolVersion;
    req.client_id = id();
    req.since = replica.needs_snapshot() ? 0 : replica.version();
    req.from_seq = replica.pending().empty() ? replica.next_seq() : replica.pending().front().seq;
    req.text_snapshot = text_snapshots;
    return to_json(req).dump();
  }
  // Applies an answer; false when it does not decode (the client then just retries later).
  bool take_push_answer(const std::string& text) {
    auto json = parse_json(text);
    if (!json) return false;
    auto resp = push_response_from_json(*json);
    if (!resp) return false;
    replica.apply_push(*resp);
    return true;
  }
  bool take_pull_answer(const std::string& text) {
    auto resp = decode_pull_answer(text);
    if (!resp || resp->error) return false;
    replica.apply_pull(*resp);
    return true;
  }

  // A reliable exchange with `server`: the decoded answer.
  PushResponse push(SyncServer& server, std::size_t max = 50) {
    const std::string answer = server.push(admin(), push_text(max));
    if (answer.empty()) return PushResponse{};
    auto resp = push_response_from_json(parse_json(answer).value()).value();
    replica.apply_push(resp);
    return resp;
  }
  PullResponse pull(SyncServer& server) {
    const std::string answer = server.pull(admin(), pull_text());
    if (answer.empty()) return PullResponse{};
    auto decoded = decode_pull_answer(answer);
    if (!decoded) {
      FAIL("the pull answer does not decode: " << decoded.error().message << " ("
                                               << answer.substr(0, 200) << ")");
    }
    PullResponse resp = std::move(decoded).value();
    if (!resp.error) replica.apply_pull(resp);
    return resp;
  }
  // Pushes and pulls until nothing is left to send or confirm (bounded).
  void sync(SyncServer& server) {
    for (int round = 0; round < 20; ++round) {
      while (replica.unsent_count() > 0) {
        const std::size_t before = replica.unsent_count();
        push(server);
        if (replica.unsent_count() >= before) break;
      }
      pull(server);
      if (replica.pending().empty() && !replica.needs_snapshot()) return;
    }
  }
};

// A client of the console's kind talking to a server over HTTP: a TestServer, or a real server
// process (ServerProcess); anything with request().
struct HttpSyncClient {
  NativeClient native;
  std::string token;

  template <class Server>
  Reply push(const Server& s, std::size_t max = 50) {
    Reply r = s.request("POST", "/api/sync/push", native.push_text(max), token);
    if (r.status == 200) native.take_push_answer(r.body);
    return r;
  }
  template <class Server>
  Reply pull(const Server& s, const std::string& query = {}) {
    Reply r = s.request("POST", "/api/sync/pull" + query, native.pull_text(), token);
    if (r.status == 200) native.take_pull_answer(r.body);
    return r;
  }
};

// --- The network --------------------------------------------------------------------------------

// A small seeded generator (splitmix64): the same seed, the same run.
struct Rng {
  std::uint64_t s;
  std::uint64_t next() {
    s += 0x9E3779B97F4A7C15ULL;
    std::uint64_t z = s;
    z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ULL;
    z = (z ^ (z >> 27)) * 0x94D049BB133111EBULL;
    return z ^ (z >> 31);
  }
  std::size_t below(std::size_t n) { return n == 0 ? 0 : static_cast<std::size_t>(next() % n); }
  bool chance(int percent) { return below(100) < static_cast<std::size_t>(percent); }
  template <class T>
  const T& pick(const std::vector<T>& v) {
    return v[below(v.size())];
  }
};

// Percent chances per delivery.
struct Faults {
  int drop_request = 0;
  int drop_response = 0;
  int duplicate = 0;  // the message is delivered and stays in flight to be delivered again
  int reorder = 0;    // a random message in flight goes next instead of the oldest
};

// Messages between clients and the server, as text, with faults drawn from a seeded generator.
class Network {
 public:
  enum class Kind { kPushRequest, kPullRequest, kPushAnswer, kPullAnswer };
  struct Message {
    Kind kind;
    std::size_t client;
    std::string text;
  };
  struct Counts {
    int delivered = 0, dropped = 0, duplicated = 0, reordered = 0, server_silent = 0;
  };

  Network(SyncServer& server, std::vector<NativeClient*> clients, std::uint64_t seed, Faults faults)
      : server_(server), clients_(std::move(clients)), rng_{seed}, faults_(faults) {}

  void send_push(std::size_t client) {
    if (clients_[client]->replica.unsent_count() == 0) return;
    in_flight_.push_back(Message{Kind::kPushRequest, client, clients_[client]->push_text(8)});
  }
  void send_pull(std::size_t client) {
    in_flight_.push_back(Message{Kind::kPullRequest, client, clients_[client]->pull_text()});
  }
  std::size_t in_flight() const { return in_flight_.size(); }
  // A server restart: connections in flight die with it.
  void cut() { in_flight_.clear(); }

  // Delivers one message; false when none is in flight.
  bool deliver_one() {
    if (in_flight_.empty()) return false;
    std::size_t at = 0;
    if (in_flight_.size() > 1 && rng_.chance(faults_.reorder)) {
      at = rng_.below(in_flight_.size());
      if (at != 0) ++counts_.reordered;
    }
    Message m = in_flight_[at];
    const bool request = m.kind == Kind::kPushRequest || m.kind == Kind::kPullRequest;
    if (rng_.chance(request ? faults_.drop_request : faults_.drop_response)) {
      in_flight_.erase(in_flight_.begin() + static_cast<std::ptrdiff_t>(at));
      ++counts_.dropped;
      return true;
    }
    if (rng_.chance(faults_.duplicate)) {
      ++counts_.duplicated;
    } else {
      in_flight_.erase(in_flight_.begin() + static_cast<std::ptrdiff_t>(at));
    }
    ++counts_.delivered;
    NativeClient& c = *clients_[m.client];
    switch (m.kind) {
      case Kind::kPushRequest:
      case Kind::kPullRequest: {
        if (!server_.running()) break;
        std::string answer = m.kind == Kind::kPushRequest ? server_.push(c.admin(), m.text)
                                                          : server_.pull(c.admin(), m.text);
        if (answer.empty()) {
          ++counts_.server_silent;
          break;
        }
        in_flight_.push_back(
            Message{m.kind == Kind::kPushRequest ? Kind::kPushAnswer : Kind::kPullAnswer, m.client,
                    std::move(answer)});
        break;
      }
      case Kind::kPushAnswer:
        c.take_push_answer(m.text);
        break;
      case Kind::kPullAnswer:
        c.take_pull_answer(m.text);
        break;
    }
    return true;
  }

  const Counts& counts() const { return counts_; }
  Rng& rng() { return rng_; }

 private:
  SyncServer& server_;
  std::vector<NativeClient*> clients_;
  Rng rng_;
  Faults faults_;
  std::deque<Message> in_flight_;
  Counts counts_;
};

// --- Checks
// ---------------------------------------------------------------------------------------

// True when `org` is `scope` or lies under it in `state`.
inline bool in_subtree(const State& state, OrgId org, OrgId scope) {
  std::size_t steps = 0;
  for (OrgId o = org; o.valid() && steps <= state.orgs().size(); ++steps) {
    if (o == scope) return true;
    const Organization* found = state.org(o);
    o = found ? found->parent : OrgId();
  }
  return false;
}

// What `admin` may see of `server`, by the rule of DESIGN "Administrator": its organization's
// subtree, plus the organizations above it (policies inherited from them, the default group
// found there) and the roles and User Permissions groups defined there (usable in it). Written
// here independently of the Service's own filter.
inline State visible_to(const State& server, AdminId admin) {
  State out;
  const Administrator* me = server.admin(admin);
  if (!me) return out;
  const OrgId scope = me->org;
  auto below = [&](OrgId org) { return in_subtree(server, org, scope); };
  // Parents before children, as a replica receives them.
  std::vector<const Organization*> above;
  for (const Organization* o = server.org(scope); o; o = server.org(o->parent)) above.push_back(o);
  for (auto it = above.rbegin(); it != above.rend(); ++it) out.put(**it);
  for (const Organization& o : server.orgs().subtree(scope)) out.put(o);
  for (const auto& [id, v] : server.roles()) {
    if (below(v.org) || in_subtree(server, scope, v.org)) out.put(v);
  }
  for (const auto& [id, v] : server.groups()) {
    if (below(v.org) || in_subtree(server, scope, v.org)) out.put(v);
  }
  for (const auto& [id, v] : server.admins()) {
    if (below(v.org)) out.put(v);
  }
  for (const auto& [id, v] : server.accounts()) {
    if (below(v.org)) out.put(v);
  }
  for (const auto& [id, v] : server.numbers()) {
    if (below(v.org)) out.put(v);
  }
  for (const auto& [id, v] : server.invitations()) {
    if (below(v.org)) out.put(v);
  }
  for (const auto& [id, v] : server.batches()) {
    if (server.org(v.org) && below(v.org)) out.put(v);
  }
  return out;
}

namespace detail {

template <class Map, class Find>
void diff_kind(std::ostringstream& out, const char* kind, const Map& a, const Map& b,
               Find find_in_b, int& budget) {
  for (const auto& [id, v] : a) {
    if (budget <= 0) return;
    const auto* other = find_in_b(id);
    if (!other) {
      out << "  " << kind << " " << id.value << " only in the first: " << to_json(v).dump() << "\n";
      --budget;
    } else if (!(*other == v)) {
      out << "  " << kind << " " << id.value << " differs:\n    " << to_json(v).dump() << "\n    "
          << to_json(*other).dump() << "\n";
      --budget;
    }
  }
  for (const auto& [id, v] : b) {
    if (budget <= 0) return;
    if (!a.count(id)) {
      out << "  " << kind << " " << id.value << " only in the second: " << to_json(v).dump()
          << "\n";
      --budget;
    }
  }
}

}  // namespace detail

// The entities that differ between two states (empty when none), for failure messages.
inline std::string state_difference(const State& a, const State& b) {
  std::ostringstream out;
  int budget = 12;
  detail::diff_kind(
      out, "organization", a.orgs().all(), b.orgs().all(), [&](OrgId id) { return b.org(id); },
      budget);
  detail::diff_kind(
      out, "administrator", a.admins(), b.admins(), [&](AdminId id) { return b.admin(id); },
      budget);
  detail::diff_kind(
      out, "role", a.roles(), b.roles(), [&](RoleId id) { return b.role(id); }, budget);
  detail::diff_kind(
      out, "group", a.groups(), b.groups(), [&](PermGroupId id) { return b.group(id); }, budget);
  detail::diff_kind(
      out, "account", a.accounts(), b.accounts(), [&](AccountId id) { return b.account(id); },
      budget);
  detail::diff_kind(
      out, "number", a.numbers(), b.numbers(), [&](NumberId id) { return b.number(id); }, budget);
  detail::diff_kind(
      out, "invitation", a.invitations(), b.invitations(),
      [&](InvitationId id) { return b.invitation(id); }, budget);
  detail::diff_kind(
      out, "batch", a.batches(), b.batches(), [&](BatchId id) { return b.batch(id); }, budget);
  return out.str();
}

// Rules no state may break, whatever order things arrived in (empty when none is broken).
inline std::string broken_invariants(const State& s) {
  std::ostringstream out;
  for (const auto& [id, a] : s.accounts()) {
    if (!s.org(a.org)) out << "account " << a.account_id << " is in a missing organization\n";
  }
  for (const auto& [id, a] : s.admins()) {
    if (!s.org(a.org)) out << "administrator " << a.email << " is in a missing organization\n";
  }
  for (const auto& [id, i] : s.invitations()) {
    if (!s.org(i.org)) out << "invitation " << i.address << " is in a missing organization\n";
  }
  for (const auto& [id, n] : s.numbers()) {
    if (!s.org(n.org)) out << "number " << n.e164 << " is in a missing organization\n";
    if (n.account.valid()) {
      const Account* owner = s.account(n.account);
      if (!owner || owner->number != n.e164) out << "number " << n.e164 << " names a wrong owner\n";
    }
  }
  std::map<std::string, int> holders;
  for (const auto& [id, a] : s.accounts()) {
    if (!a.number.empty()) ++holders[a.number];
  }
  for (const auto& [number, count] : holders) {
    if (count > 1) out << "number " << number << " is held by " << count << " accounts\n";
  }
  for (const auto& [id, o] : s.orgs().all()) {
    if (s.pool_capacity(id) < 0)
      out << "organization " << o.name << " has a negative pool capacity\n";
  }
  return out.str();
}

// --- Test helpers
// ---------------------------------------------------------------------------------

inline AddAccount add(OrgId org, const std::string& account_id, const std::string& number = {},
                      bool invite = false) {
  AddAccount c;
  c.org = org;
  c.fields = basic_fields(account_id);
  c.number = number;
  c.invite = invite;
  return c;
}

inline const Account* account_named(const State& s, const std::string& account_id) {
  return s.account_by_key(account_id);
}

inline std::int64_t rows(SyncServer& s, const std::string& table) {
  return s.scalar("SELECT COUNT(*) FROM " + table);
}

inline std::int64_t last_seq(SyncServer& s, const std::string& client) {
  const auto c = s.store().sync_client(client);
  return c ? c->last_seq : 0;
}

// The client's view is what its administrator may see of what the database holds, and nothing
// waits to be sent or confirmed.
inline void check_converged(SyncServer& server, const NativeClient& c) {
  const State expected = visible_to(server.stored_state(), c.admin());
  INFO(c.id() << " differs from the server:\n" << state_difference(c.replica.view(), expected));
  CHECK(c.replica.pending().empty());
  CHECK(c.replica.view().same_entities(expected));
}

// A CSV upload of `count` rows whose addresses start with `prefix`.
inline std::string batch_csv(const std::string& prefix, int count) {
  std::string csv =
      "firstname,lastname,email address or device,social_messaging,multiline_number,monitor_calls,"
      "monitor_sms,forwarding_number,Language\r\n";
  for (int i = 0; i < count; ++i) {
    csv += "Ann" + std::to_string(i) + ",Row," + prefix + std::to_string(i) +
           "@example.com,No,,off,off,,English\r\n";
  }
  return csv;
}

// Queues `args`, which the client's view must accept.
inline void must_submit(NativeClient& c, CommandArgs args) {
  auto r = c.submit(std::move(args));
  INFO(c.id() << ": " << (r ? std::string() : r.error().code + ": " + r.error().message));
  REQUIRE(r);
}

inline std::int64_t accounts_starting(const State& s, const std::string& prefix) {
  std::int64_t n = 0;
  for (const auto& [id, a] : s.accounts()) n += a.account_id.rfind(prefix, 0) == 0 ? 1 : 0;
  return n;
}

}  // namespace linedesk::test
