// Crash safety (issue 9): the real linedesk-server is killed with SIGKILL at seeded random
// moments of a 1000-row Import & Invite and of sync pushes, then restarted on the same database.
// After every kill the file passes PRAGMA integrity_check, every batch and every command is all
// there or not at all, everything the client saw acknowledged is there, and the client's resend
// (same Idempotency-Key, same sequence numbers) gets the stored answers. Invitations go to an SMTP
// recorder in this process that outlives the servers: no recipient ever gets two.
//
// Tagged [.crash]: CTest runs it as its own test (crash_loop). LINEDESK_CRASH_SEED=<n> replays a
// run; LINEDESK_CRASH_PAIRS=<n> changes the number of import + push pairs (100: 200 kills).
#include <catch2/catch.hpp>

#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <map>
#include <optional>
#include <random>
#include <set>
#include <thread>

#include "server_process.hpp"
#include "smtp_recorder.hpp"
#include "sync_support.hpp"

using namespace linedesk;
using namespace linedesk::test;

namespace {

constexpr int kBatchRows = 1000;
constexpr int kPushCommands = 40;  // per pair, Save & Invite each
constexpr int kPushPerRequest = 8;

std::uint64_t env_number(const char* name, std::uint64_t fallback) {
  const char* v = std::getenv(name);
  return v && *v ? std::strtoull(v, nullptr, 10) : fallback;
}

double elapsed_ms(std::chrono::steady_clock::time_point since) {
  return std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - since).count();
}

// What the loop saw, for the summary line and RELIABILITY.md.
struct Tally {
  int kills = 0;
  int import_acknowledged_before_kill = 0;
  int import_committed_unacknowledged = 0;
  int import_lost = 0;  // killed before the commit: applied by the resend
  int push_acknowledged = 0;
  int push_committed_unacknowledged = 0;
  int kills_during_delivery = 0;  // invitations were still being sent
  int unconfirmed_mail = 0;
  int unconfirmed_mail_received = 0;
  std::int64_t invitations = 0;
  double import_ms = 0, push_ms = 0;
};

class CrashLoop {
 public:
  explicit CrashLoop(std::uint64_t seed) : rng_{seed} {
    tpl_ = seed_enterprise(dir_.file("template.db"), kBatchRows + kPushCommands);
    db_ = dir_.file("work.db");
  }

  // Times one import and one push round without kills: the windows the kills are drawn from.
  void calibrate() {
    fresh_database();
    ServerProcess s(options());
    auto t0 = std::chrono::steady_clock::now();
    const Reply r = import(s, 9999);
    tally_.import_ms = elapsed_ms(t0);
    REQUIRE(r.status == 201);
    NativeClient c("calibrate", tpl_.admin);
    pull(s, c);
    queue_pushes(c, 9999);
    t0 = std::chrono::steady_clock::now();
    REQUIRE(push_all(s, c).empty());
    tally_.push_ms = elapsed_ms(t0);
    s.kill();
  }

  // One import pair: a kill during Import & Invite, a kill during pushes (while the batch's
  // invitations are being delivered), then everything is checked.
  void pair(int p) {
    INFO("pair " << p);
    fresh_database();
    auto server = std::make_unique<ServerProcess>(options());

    // --- Import & Invite, killed at a random moment ---------------------------------------
    std::optional<Reply> acknowledged;
    std::thread importer([&] {
      try {
        acknowledged = import(*server, p);
      } catch (const std::exception&) {
        // No answer: the server died first.
      }
    });
    sleep_ms(rng_.below(static_cast<std::size_t>(tally_.import_ms * 1.25) + 1));
    server->kill();
    ++tally_.kills;
    importer.join();
    if (acknowledged) {
      REQUIRE(acknowledged->status == 201);
      ++tally_.import_acknowledged_before_kill;
    }
    std::int64_t imported = 0;
    {
      DbReader db(db_);
      REQUIRE(db.text("PRAGMA integrity_check") == "ok");
      imported = db.scalar("SELECT count(*) FROM accounts WHERE account_id LIKE 'p" +
                           std::to_string(p) + "-r%'");
      const std::int64_t batches = db.scalar("SELECT count(*) FROM batches");
      // All or nothing: the accounts, the batch record, its report rows and its invitations.
      CHECK((imported == 0 || imported == kBatchRows));
      CHECK(batches == (imported ? 1 : 0));
      CHECK(db.scalar("SELECT count(*) FROM batch_rows") == (imported ? kBatchRows : 0));
      CHECK(db.scalar("SELECT count(*) FROM invitations") == (imported ? kBatchRows : 0));
      CHECK(db.scalar("SELECT count(*) FROM outbox WHERE kind = 'invitation'") ==
            (imported ? kBatchRows : 0));
      if (acknowledged) CHECK(imported == kBatchRows);
    }
    if (!acknowledged) ++(imported ? tally_.import_committed_unacknowledged : tally_.import_lost);

    // The client did not see an answer (or did): it sends the same request again.
    server = std::make_unique<ServerProcess>(options());
    const Reply resent = import(*server, p);
    REQUIRE(resent.status == 201);
    CHECK(resent.json.value("rows_ok", -1) == kBatchRows);
    CHECK(resent.json.value("invitations", -1) == kBatchRows);
    if (acknowledged) CHECK(summary(resent.json) == summary(acknowledged->json));

    // --- Sync pushes, killed at a random moment ----------------------------------------------
    NativeClient c("client-" + std::to_string(p), tpl_.admin);
    pull(*server, c);
    const PushRequest everything = queue_pushes(c, p);
    std::map<std::int64_t, CommandResult> answered;  // seq -> the result the client saw
    std::string push_problem;
    std::thread pusher([&] {
      try {
        push_problem = push_all(*server, c, &answered);
      } catch (const std::exception&) {
        // No answer: the server died first.
      }
    });
    sleep_ms(rng_.below(static_cast<std::size_t>(tally_.push_ms * 1.25) + 1));
    server->kill();
    ++tally_.kills;
    pusher.join();
    CHECK(push_problem.empty());
    tally_.push_acknowledged += static_cast<int>(answered.size());
    {
      DbReader db(db_);
      REQUIRE(db.text("PRAGMA integrity_check") == "ok");
      const std::int64_t counter = db.scalar(
          "SELECT COALESCE(MAX(last_seq), 0) FROM sync_clients WHERE client_id = '" + c.id() + "'");
      // Each command is all or nothing, and the counter moved with it.
      for (int k = 1; k <= kPushCommands; ++k) {
        const std::int64_t present = db.scalar("SELECT count(*) FROM accounts WHERE account_id = '" +
                                               push_account(p, k) + "'");
        INFO("command " << k << ", server counter " << counter);
        CHECK(present == (k <= counter ? 1 : 0));
        if (answered.count(k)) CHECK(present == 1);  // acknowledged: kept
      }
      tally_.push_committed_unacknowledged +=
          static_cast<int>(counter) - static_cast<int>(answered.size());
      if (db.scalar("SELECT count(*) FROM outbox WHERE kind = 'invitation' AND status IN "
                    "('pending', 'sending')") > 0) {
        ++tally_.kills_during_delivery;
      }
    }

    // The client resends what it has no answer for; then every command again from 1: answers
    // to duplicates come from storage and equal the first ones.
    server = std::make_unique<ServerProcess>(options());
    REQUIRE(push_all(*server, c, &answered).empty());
    REQUIRE(c.replica.unsent_count() == 0);
    REQUIRE(answered.size() == static_cast<std::size_t>(kPushCommands));
    const PushResponse again = push_response_from_json(
        expect_status(server->request("POST", "/api/sync/push", to_json(everything).dump(),
                                      tpl_.token),
                      200, "push everything again"))
                                   .value();
    REQUIRE(again.results.size() == static_cast<std::size_t>(kPushCommands));
    for (const CommandResult& r : again.results) {
      INFO("command " << r.seq);
      CHECK(r.ok);
      CHECK(r == answered[r.seq]);
    }

    // --- Delivery finishes; nobody got an invitation twice -----------------------------------
    wait_delivered();
    check_mail(p);
    server->stop();
  }

  const Tally& tally() const { return tally_; }

 private:
  ServerProcessOptions options() const {
    ServerProcessOptions o;
    o.db = db_;
    o.run_dir = dir_.path().string();
    o.smtp_url = recorder_.url();
    return o;
  }

  void fresh_database() {
    for (const char* suffix : {"", "-wal", "-shm"}) std::filesystem::remove(db_ + suffix);
    std::filesystem::copy_file(tpl_.path, db_);
  }

  static void sleep_ms(std::size_t ms) { std::this_thread::sleep_for(std::chrono::milliseconds(ms)); }

  static std::string push_account(int p, int k) {
    return "p" + std::to_string(p) + "-s" + std::to_string(k);
  }

  // The batch answer without what only a first run carries (the report, the version).
  static Json summary(Json j) {
    j.erase("report");
    j.erase("version");
    return j;
  }

  Reply import(const ServerProcess& s, int p) const {
    return s.request("POST",
                     "/api/batches?mode=import_and_invite&file_name=staff-" + std::to_string(p) + ".csv",
                     batch_csv("p" + std::to_string(p) + "-r", kBatchRows), tpl_.token, "text/csv",
                     {{"Idempotency-Key", "crash-import-" + std::to_string(p)}});
  }

  void pull(const ServerProcess& s, NativeClient& c) const {
    const Reply r = s.request("POST", "/api/sync/pull", c.pull_text(), tpl_.token);
    REQUIRE(r.status == 200);
    REQUIRE(c.take_pull_answer(r.body));
  }

  // Queues the pair's Save & Invite commands; returns them all as one push, as first sent.
  PushRequest queue_pushes(NativeClient& c, int p) const {
    for (int k = 1; k <= kPushCommands; ++k) {
      AddAccount a;
      a.org = tpl_.root;
      a.fields = basic_fields(push_account(p, k));
      a.invite = true;
      must_submit(c, a);
    }
    return c.replica.push_request(kPushCommands);
  }

  // Pushes what the client has not had answered, a few commands a request, until nothing is
  // left; every result seen is kept by sequence. Returns what went wrong ("" when nothing: an
  // answer other than 200, a result that changed when seen again) and throws when no answer
  // comes (the server died). No Catch assertion: it also runs on the pushing thread.
  std::string push_all(const ServerProcess& s, NativeClient& c,
                       std::map<std::int64_t, CommandResult>* answered = nullptr) const {
    while (c.replica.unsent_count() > 0) {
      const Reply r = s.request("POST", "/api/sync/push", c.push_text(kPushPerRequest), tpl_.token);
      auto resp = push_response_from_json(r.json);
      if (r.status != 200 || !resp || resp->error) {
        return "push answered " + std::to_string(r.status) + ": " + r.body;
      }
      for (const CommandResult& result : resp->results) {
        if (!answered) continue;
        const auto [at, fresh] = answered->emplace(result.seq, result);
        if (!fresh && !(at->second == result)) {
          return "command " + std::to_string(result.seq) + " was answered " +
                 to_json(result).dump() + " after " + to_json(at->second).dump();
        }
      }
      if (!c.take_push_answer(r.body)) return "unreadable push answer: " + r.body;
    }
    return {};
  }

  void wait_delivered() {
    DbReader db(db_);
    const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(120);
    while (db.scalar("SELECT count(*) FROM outbox WHERE status IN ('pending', 'sending')") > 0) {
      REQUIRE(std::chrono::steady_clock::now() < deadline);
      sleep_ms(20);
    }
  }

  void check_mail(int p) {
    DbReader db(db_);
    std::set<std::string> unconfirmed;
    {
      server::Stmt st(db.conn.cached(
          "SELECT to_address FROM outbox WHERE kind = 'invitation' AND last_error LIKE "
          "'unconfirmed%'"));
      while (st.step()) unconfirmed.insert("<" + st.col_text(0) + ">");
    }
    CHECK(db.scalar("SELECT count(*) FROM outbox WHERE kind = 'invitation' AND status <> 'sent'") == 0);
    // Only a message between its hand-over and the relay's answer is in doubt: one per kill.
    CHECK(unconfirmed.size() <= 2);
    const auto counts = recorder_.count_by_recipient("invitation");
    const std::string prefix = "<p" + std::to_string(p) + "-";
    auto check_recipient = [&](const std::string& to) {
      const auto it = counts.find(to);
      const int n = it == counts.end() ? 0 : it->second;
      INFO(to << " received " << n << " invitation(s)");
      CHECK(n <= 1);
      if (unconfirmed.count(to)) {
        ++tally_.unconfirmed_mail;
        tally_.unconfirmed_mail_received += n;
      } else {
        CHECK(n == 1);
      }
      ++tally_.invitations;
    };
    for (int k = 0; k < kBatchRows; ++k) {
      check_recipient(prefix + "r" + std::to_string(k) + "@example.com>");
    }
    for (int k = 1; k <= kPushCommands; ++k) check_recipient("<" + push_account(p, k) + "@example.com>");
  }

  TempDir dir_;
  SeededEnterprise tpl_;
  std::string db_;
  Rng rng_;
  SmtpRecorder recorder_;
  Tally tally_;
};

}  // namespace

TEST_CASE("after a crash a message already handed to the mailer is not sent again, one that was "
          "not is sent once, and the dead worker's claims are no longer its own",
          "[mail][restart]") {
  TempDir dir;
  const std::string db = dir.file("recover.db");
  std::vector<server::OutboxMessage> claimed;
  {
    TestServer first(db);
    const std::string t = session_for(first, admin_id(first, kAdminEmail));
    import_numbers(first, t, 15555200000, 2);
    add_account(first, t, first.root(), account_fields("h-1", "Hana", "Handed", "hana@example.com"), true);
    add_account(first, t, first.root(), account_fields("h-2", "Hugo", "Held", "hugo@example.com"), true);
    // A worker whose process is then killed: it claimed both and handed the first one over.
    const std::int64_t now = first.clock().now_ms();
    claimed = first.store().claim_outbox("worker-killed", 10, now, 0);
    REQUIRE(claimed.size() == 2);
    REQUIRE(first.store().hand_over_outbox(claimed[0].id, "worker-killed", now));
  }
  TestServer second(db);
  // Where several processes share the database (PostgreSQL), another's claims count as dead
  // only after a minute: it may still be working on them.
  if (testing_postgres()) second.clock().advance_ms(61'000);
  second.deliver_all();
  const auto files = outbox_files(second);
  REQUIRE(files.size() == 1);
  CHECK(mail_header(files[0].text, "To") == "<hugo@example.com>");
  const auto rows = second.store().outbox({second.root()}, 10);
  for (const server::OutboxMessage& m : rows) {
    INFO(m.to);
    CHECK(m.status == "sent");
    CHECK((m.last_error.rfind("unconfirmed", 0) == 0) == (m.id == claimed[0].id));
  }
  CHECK(second.service().read([](const State& st) {
    return st.invitation(st.account_by_key("h-1")->invitation)->status == InvitationStatus::kSent;
  }));
  CHECK_FALSE(second.store().hand_over_outbox(claimed[1].id, "worker-killed", second.clock().now_ms()));
}

TEST_CASE("a server killed at random moments of Import & Invite and of sync pushes keeps every "
          "acknowledged change, applies each batch and command wholly or not at all, and sends "
          "no invitation twice",
          "[.crash]") {
  const std::uint64_t seed = env_number("LINEDESK_CRASH_SEED", std::random_device{}());
  const int pairs = static_cast<int>(env_number("LINEDESK_CRASH_PAIRS", 100));
  std::printf("crash loop: seed %llu (LINEDESK_CRASH_SEED=%llu replays it), %d pairs, %d kills\n",
              static_cast<unsigned long long>(seed), static_cast<unsigned long long>(seed), pairs,
              2 * pairs);
  std::fflush(stdout);
  INFO("seed " << seed);
  const auto start = std::chrono::steady_clock::now();
  CrashLoop loop(seed);
  loop.calibrate();
  std::printf("crash loop: an uninterrupted 1000-row Import & Invite takes %.0f ms, %d pushed "
              "commands %.0f ms\n",
              loop.tally().import_ms, kPushCommands, loop.tally().push_ms);
  for (int p = 0; p < pairs; ++p) loop.pair(p);
  const Tally& t = loop.tally();
  std::printf(
      "crash loop: %d kills in %.1f s. Imports: %d answered before the kill, %d committed "
      "without an answer, %d not committed (applied by the resend). Pushed commands: %d "
      "answered before a kill, %d committed without an answer. %d kills fell while invitations "
      "were being delivered. Invitations: %lld, none received twice; %d were being handed to "
      "the relay at a kill (unconfirmed, not resent), %d of them had arrived.\n",
      t.kills, elapsed_ms(start) / 1000.0, t.import_acknowledged_before_kill,
      t.import_committed_unacknowledged, t.import_lost, t.push_acknowledged,
      t.push_committed_unacknowledged, t.kills_during_delivery,
      static_cast<long long>(t.invitations), t.unconfirmed_mail, t.unconfirmed_mail_received);
  CHECK(t.kills == 2 * pairs);
}
