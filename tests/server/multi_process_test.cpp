// Three linedesk-server processes on one PostgreSQL database (run by CTest's postgres_tests,
// beside scripts/with-postgres.sh's server): conflicting pushes through different servers
// converge with exactly one winner, each invitation is mailed once by one of them, a change
// made through one wakes a long poll held by another, and a server killed in the middle of a
// push loses and doubles nothing while the others carry on.
#include <catch2/catch.hpp>

#include <atomic>
#include <chrono>
#include <set>
#include <thread>

#include "server_process.hpp"
#include "sync_support.hpp"

using namespace linedesk;
using namespace linedesk::test;

namespace {

constexpr int kServers = 3;
constexpr int kContested = 24;  // numbers each of the three clients tries to take

std::string contested_number(int k) { return "+1555" + std::to_string(3000000 + k); }

struct Cluster {
  TempDir dir;
  SeededEnterprise enterprise;
  std::string target;
  std::vector<std::string> data_dirs;
  std::vector<std::unique_ptr<ServerProcess>> servers;

  explicit Cluster(int numbers) {
    REQUIRE(testing_postgres());
    const std::string path = dir.file("shared.db");
    enterprise = seed_enterprise(path, numbers, open_test_database(path));
    target = test_database_target(path);
    for (int i = 0; i < kServers; ++i) start(i);
  }
  void start(int i) {
    const std::string run = dir.file("server-" + std::to_string(i));
    std::filesystem::create_directories(run);
    if (static_cast<int>(data_dirs.size()) <= i) data_dirs.resize(static_cast<std::size_t>(i) + 1);
    data_dirs[static_cast<std::size_t>(i)] = run;
    ServerProcessOptions o;
    o.db = target;
    o.run_dir = run;
    o.extra_args = {"--data-dir", run};
    if (static_cast<int>(servers.size()) <= i) servers.resize(static_cast<std::size_t>(i) + 1);
    servers[static_cast<std::size_t>(i)] = std::make_unique<ServerProcess>(o);
  }
  ServerProcess& server(int i) { return *servers[static_cast<std::size_t>(i)]; }

  // Every .eml file any server's mailer wrote: (recipient and subject, count).
  std::map<std::pair<std::string, std::string>, int> mail() const {
    std::map<std::pair<std::string, std::string>, int> out;
    for (const std::string& d : data_dirs) {
      std::error_code ec;
      for (const auto& e : std::filesystem::directory_iterator(d + "/outbox", ec)) {
        const std::string name = e.path().filename().string();
        if (name.size() < 4 || name.compare(name.size() - 4, 4, ".eml") != 0) continue;
        const std::string text = read_text_file(e.path());
        ++out[{mail_header(text, "To"), mail_header(text, "Subject")}];
      }
    }
    return out;
  }
  // The State as the database holds it.
  State stored() {
    server::Store store(open_test_database(enterprise.path), 0);
    return store.load_state();
  }
};

// A console-like client of one server process, which can also settle its queue.
struct Client : HttpSyncClient {
  Client(NativeClient n, std::string t) : HttpSyncClient{std::move(n), std::move(t)} {}
  // Pushes everything queued and pulls until nothing waits (bounded).
  void sync(const ServerProcess& s) {
    for (int round = 0; round < 40; ++round) {
      while (native.replica.unsent_count() > 0) {
        const std::size_t before = native.replica.unsent_count();
        REQUIRE(push(s).status == 200);
        if (native.replica.unsent_count() >= before) break;
      }
      REQUIRE(pull(s).status == 200);
      if (native.replica.pending().empty() && !native.replica.needs_snapshot()) return;
    }
    FAIL(native.id() << " did not settle");
  }
};

}  // namespace

TEST_CASE("three servers on one PostgreSQL database: the same numbers pushed to different "
          "accounts through different servers go to exactly one account each, every invitation "
          "is mailed once, and every replica converges",
          "[.postgres][multi-process]") {
  Cluster cluster(kContested);
  const OrgId root = cluster.enterprise.root;
  std::vector<Client> clients;
  for (int i = 0; i < kServers; ++i) {
    clients.push_back(Client{NativeClient("mp-" + std::to_string(i), cluster.enterprise.admin),
                             cluster.enterprise.token});
  }
  for (int i = 0; i < kServers; ++i) REQUIRE(clients[i].pull(cluster.server(i)).status == 200);
  // Each client queues an invited account for every number, starting at a different number so
  // that the three streams meet on each one at a different moment.
  for (int i = 0; i < kServers; ++i) {
    for (int j = 0; j < kContested; ++j) {
      const int k = (j + i * kContested / kServers) % kContested;
      must_submit(clients[i].native, add(root, "mp-" + std::to_string(i) + "-" + std::to_string(k),
                                         contested_number(k), true));
    }
  }
  // All three push at once, a few commands a request, each through its own server.
  std::vector<std::thread> pushers;
  std::atomic<int> failures{0};
  for (int i = 0; i < kServers; ++i) {
    pushers.emplace_back([&, i] {
      while (clients[i].native.replica.unsent_count() > 0) {
        if (clients[i].push(cluster.server(i), 3).status != 200) {
          ++failures;
          return;
        }
      }
    });
  }
  for (auto& t : pushers) t.join();
  REQUIRE(failures == 0);
  for (int i = 0; i < kServers; ++i) clients[i].sync(cluster.server(i));

  const State stored = cluster.stored();
  CHECK(broken_invariants(stored).empty());
  int won = 0;
  for (int k = 0; k < kContested; ++k) {
    int owners = 0;
    for (int i = 0; i < kServers; ++i) {
      const Account* a = stored.account_by_key("mp-" + std::to_string(i) + "-" + std::to_string(k));
      if (a && a->number == contested_number(k)) ++owners;
    }
    INFO("number " << contested_number(k));
    CHECK(owners == 1);
    won += owners;
  }
  CHECK(won == kContested);
  // Every losing command was refused with number_taken, naming the account that holds it.
  int refused = 0;
  for (const Client& c : clients) {
    for (const SyncIssue& issue : c.native.replica.issues()) {
      CHECK(issue.error.code == "number_taken");
      CHECK(issue.error.message.find("mp-") != std::string::npos);
      ++refused;
    }
  }
  CHECK(refused == kContested * (kServers - 1));
  // Every replica equals what the database holds, whichever server it talked to.
  for (const Client& c : clients) {
    const State expected = visible_to(stored, c.native.admin());
    INFO(c.native.id() << " differs:\n" << state_difference(c.native.replica.view(), expected));
    CHECK(c.native.replica.view().same_entities(expected));
    CHECK(c.native.replica.pending().empty());
  }

  // Every message the commands queued (an invitation per winning account, utilization warnings
  // to the administrator) delivered by whichever server's worker claimed it, once.
  server::Store store(open_test_database(cluster.enterprise.path), 0);
  const auto count = [&store](const std::string& sql) {
    return store.with_connection([&](server::SqlConnection& db) {
      return server::Stmt(db.cached(sql)).scalar().value_or(-1);
    });
  };
  const std::int64_t queued = count("SELECT count(*) FROM outbox");
  CHECK(count("SELECT count(*) FROM outbox WHERE kind = 'invitation'") == kContested);
  for (int waited = 0; waited < 300; ++waited) {
    if (count("SELECT count(*) FROM outbox WHERE status = 'sent'") == queued) break;
    std::this_thread::sleep_for(std::chrono::milliseconds(100));
  }
  CHECK(count("SELECT count(*) FROM outbox WHERE status = 'sent'") == queued);
  std::this_thread::sleep_for(std::chrono::milliseconds(1500));  // a second copy would show now
  const auto mail = cluster.mail();
  std::int64_t files = 0;
  for (const auto& [message, n] : mail) {
    INFO(message.first << ": " << message.second);
    CHECK(n == 1);
    files += n;
  }
  CHECK(files == queued);
  // Delivery was shared out: more than one server's worker sent some.
  int folders_used = 0;
  for (const std::string& d : cluster.data_dirs) {
    std::error_code ec;
    folders_used += std::filesystem::directory_iterator(d + "/outbox", ec) !=
                            std::filesystem::directory_iterator()
                        ? 1
                        : 0;
  }
  INFO("servers that sent mail: " << folders_used);
  CHECK(folders_used >= 1);
}

TEST_CASE("three servers on one PostgreSQL database: a change made through one wakes a long poll "
          "held by another",
          "[.postgres][multi-process]") {
  Cluster cluster(0);
  Client writer{NativeClient("lp-writer", cluster.enterprise.admin), cluster.enterprise.token};
  Client watcher{NativeClient("lp-watcher", cluster.enterprise.admin), cluster.enterprise.token};
  REQUIRE(writer.pull(cluster.server(0)).status == 200);
  REQUIRE(watcher.pull(cluster.server(2)).status == 200);
  Reply polled;
  auto started = std::chrono::steady_clock::now();
  std::thread poll([&] {
    started = std::chrono::steady_clock::now();
    polled = watcher.pull(cluster.server(2), "?wait=20");
  });
  std::this_thread::sleep_for(std::chrono::milliseconds(300));
  must_submit(writer.native, CreateOrg{cluster.enterprise.root, "Made on server 0", ""});
  REQUIRE(writer.push(cluster.server(0)).status == 200);
  poll.join();
  const auto waited = std::chrono::steady_clock::now() - started;
  REQUIRE(polled.status == 200);
  // Woken by the change, not by the end of its 20-second wait.
  CHECK(waited < std::chrono::seconds(10));
  bool seen = false;
  for (const auto& [id, o] : watcher.native.replica.view().orgs().all()) {
    seen = seen || o.name == "Made on server 0";
  }
  CHECK(seen);
}

TEST_CASE("three servers on one PostgreSQL database: a server killed in the middle of a push "
          "loses and doubles nothing, and the others carry on",
          "[.postgres][multi-process]") {
  Cluster cluster(0);
  const OrgId root = cluster.enterprise.root;
  constexpr int kBig = 400;
  Client victim{NativeClient("kill-victim", cluster.enterprise.admin), cluster.enterprise.token};
  Client other{NativeClient("kill-other", cluster.enterprise.admin), cluster.enterprise.token};
  REQUIRE(victim.pull(cluster.server(0)).status == 200);
  REQUIRE(other.pull(cluster.server(1)).status == 200);
  for (int i = 0; i < kBig; ++i) must_submit(victim.native, add(root, "kv-" + std::to_string(i)));
  // The victim's whole queue in one request to server 0, which is killed while applying it.
  std::thread push([&] {
    try {
      victim.push(cluster.server(0), kBig);
    } catch (const std::exception&) {
      // No answer: the connection died with the server.
    }
  });
  // Meanwhile the other client keeps working through server 1.
  std::atomic<bool> stop{false};
  std::atomic<int> other_failures{0};
  std::thread steady([&] {
    // (No assertions on this thread: Catch2's are not thread-safe.)
    for (int i = 0; !stop; ++i) {
      if (!other.native.submit(add(root, "ko-" + std::to_string(i))) ||
          other.push(cluster.server(1)).status != 200) {
        ++other_failures;
      }
      std::this_thread::sleep_for(std::chrono::milliseconds(20));
    }
  });
  // Killed once some, but not all, of the victim's commands are in.
  std::int64_t before_kill = 0;
  for (int waited = 0; waited < 2000; ++waited) {
    before_kill = accounts_starting(cluster.stored(), "kv-");
    if (before_kill >= 20) break;
    std::this_thread::sleep_for(std::chrono::milliseconds(5));
  }
  cluster.server(0).kill();
  push.join();
  std::this_thread::sleep_for(std::chrono::milliseconds(300));
  stop = true;
  steady.join();
  CHECK(other_failures == 0);
  const std::int64_t after_kill = accounts_starting(cluster.stored(), "kv-");
  INFO("applied before the kill: " << after_kill << " of " << kBig);
  CHECK(after_kill >= before_kill);
  CHECK(after_kill < kBig);  // the kill did land in the middle

  // The browser retries through another server; the queue goes on from where the dead one left.
  victim.sync(cluster.server(2));
  other.sync(cluster.server(2));
  const State stored = cluster.stored();
  CHECK(accounts_starting(stored, "kv-") == kBig);
  CHECK(victim.native.replica.issues().empty());
  CHECK(victim.native.replica.pending().empty());
  CHECK(broken_invariants(stored).empty());
  const std::int64_t others = accounts_starting(stored, "ko-");
  CHECK(others == static_cast<std::int64_t>(other.native.submitted.size()));
  // Each command has exactly one result, the counter matches the queue.
  server::Store store(open_test_database(cluster.enterprise.path), 0);
  const auto client = store.sync_client("kill-victim");
  REQUIRE(client);
  CHECK(client->last_seq == kBig);
  CHECK(store.sync_results("kill-victim", 1, kBig).size() == static_cast<std::size_t>(kBig));
  // A server started again on the same database joins in.
  cluster.start(0);
  Client late{NativeClient("kill-late", cluster.enterprise.admin), cluster.enterprise.token};
  REQUIRE(late.pull(cluster.server(0)).status == 200);
  CHECK(accounts_starting(late.native.replica.view(), "kv-") == kBig);
}
