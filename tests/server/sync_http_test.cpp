// The sync endpoints over HTTP (POST /api/sync/push and /api/sync/pull: statuses, long poll)
// and the Service under concurrent pushes, pulls and compaction.
#include <catch2/catch.hpp>

#include <atomic>
#include <chrono>
#include <thread>

#include "sync_support.hpp"

using namespace linedesk;
using namespace linedesk::test;

// --- HTTP --------------------------------------------------------------------------------------

namespace {

using HttpClient = HttpSyncClient;

}  // namespace

TEST_CASE("a snapshot comes as text when the client asks for it, as JSON otherwise; same state") {
  TempDir dir;
  TestServer s(dir.file("snapshot.db"));
  const AdminId admin = admin_id(s, kAdminEmail);
  // A writer leaves text that needs escaping in both forms (quotes, backslash, newline).
  HttpClient writer{NativeClient("snap-writer", admin), session_for(s, admin)};
  REQUIRE(writer.pull(s).status == 200);
  REQUIRE(writer.native.submit(CreateOrg{s.root(), "Zoë's \"quoted\" \\ team", "line one\nline two"}));
  REQUIRE(writer.push(s).status == 200);
  REQUIRE(writer.pull(s).status == 200);  // incremental: JSON

  HttpClient as_text{NativeClient("snap-text", admin), session_for(s, admin)};
  HttpClient as_json{NativeClient("snap-json", admin), session_for(s, admin)};
  as_json.native.text_snapshots = false;
  const Reply text = as_text.pull(s);
  REQUIRE(text.status == 200);
  CHECK(text.headers.find("Content-Type")->second.rfind("text/plain", 0) == 0);
  CHECK(is_snapshot_text(text.body));
  const Reply json = as_json.pull(s);
  REQUIRE(json.status == 200);
  CHECK(json.headers.find("Content-Type")->second.rfind("application/json", 0) == 0);
  CHECK(json.json["snapshot"] == true);
  CHECK(text.body.size() < json.body.size());

  const State& a = as_text.native.replica.view();
  const State& b = as_json.native.replica.view();
  INFO(state_difference(a, b));
  CHECK(a.same_entities(b));
  CHECK(a.same_entities(writer.native.replica.view()));
  CHECK(a.version == b.version);
  bool found = false;
  for (const auto& [id, o] : a.orgs().all()) {
    found = found || (o.name == "Zoë's \"quoted\" \\ team" && o.description == "line one\nline two");
  }
  CHECK(found);
  // Later, incremental pulls are JSON whatever the client asked.
  REQUIRE(as_json.native.submit(CreateOrg{s.root(), "After", ""}));
  REQUIRE(as_json.push(s).status == 200);
  const Reply later = as_text.pull(s);
  REQUIRE(later.status == 200);
  CHECK(later.json["snapshot"] == false);
  CHECK_THAT(later.body, Catch::Contains("After"));
}

TEST_CASE("the sync endpoints push and pull over HTTP, long-poll, and answer 409 and 426") {
  TempDir dir;
  TestServer s(dir.file("http.db"));
  const AdminId admin = admin_id(s, kAdminEmail);
  const OrgId root = s.root();
  HttpClient a{NativeClient("http-a", admin), session_for(s, admin)};
  HttpClient b{NativeClient("http-b", admin), session_for(s, admin)};  // a second browser
  REQUIRE(a.pull(s).status == 200);
  REQUIRE(b.pull(s).status == 200);
  CHECK(a.native.replica.view().org(root));

  SECTION("a push applies and a pull confirms") {
    REQUIRE(a.native.submit(CreateOrg{root, "Over HTTP", ""}));
    const Reply pushed = a.push(s);
    REQUIRE(pushed.status == 200);
    CHECK(pushed.json["last_seq"] == 1);
    CHECK(pushed.json["results"][0]["ok"] == true);
    REQUIRE(a.pull(s).status == 200);
    CHECK(a.native.replica.pending().empty());
    REQUIRE(b.pull(s).status == 200);
    const State& view = b.native.replica.view();
    CHECK(std::any_of(view.orgs().all().begin(), view.orgs().all().end(),
                      [](const auto& o) { return o.second.name == "Over HTTP"; }));
  }

  SECTION("a long poll returns as soon as another browser commits") {
    const std::int64_t since = b.native.replica.version();
    Reply waited;
    std::chrono::steady_clock::duration took{};
    std::thread poller([&] {
      const auto start = std::chrono::steady_clock::now();
      waited = s.request("POST", "/api/sync/pull?wait=1", b.native.pull_text(), b.token);
      took = std::chrono::steady_clock::now() - start;
    });
    std::this_thread::sleep_for(std::chrono::milliseconds(150));
    REQUIRE(a.native.submit(CreateOrg{root, "Live", ""}));
    REQUIRE(a.push(s).status == 200);
    poller.join();
    REQUIRE(waited.status == 200);
    CHECK(waited.json["version"].get<std::int64_t>() > since);
    CHECK_THAT(waited.body, Catch::Contains("Live"));
    // Woken by the commit, not by the one-second timeout.
    CHECK(took < std::chrono::milliseconds(900));
  }

  SECTION("a long poll with nothing new waits, then answers with no changes") {
    const std::int64_t since = b.native.replica.version();
    const auto start = std::chrono::steady_clock::now();
    const Reply waited = b.pull(s, "?wait=1");
    const auto took = std::chrono::steady_clock::now() - start;
    REQUIRE(waited.status == 200);
    CHECK(took >= std::chrono::milliseconds(900));
    CHECK(waited.json["version"] == since);
    CHECK(waited.json["puts"].empty());
  }

  SECTION("a sequence gap is 409 out_of_order") {
    REQUIRE(a.native.submit(CreateOrg{root, "First", ""}));
    REQUIRE(a.native.submit(CreateOrg{root, "Second", ""}));
    Json body = to_json(a.native.replica.push_request(10));
    body["commands"].erase(0);
    const Reply r = s.request("POST", "/api/sync/push", body.dump(), a.token);
    CHECK(r.status == 409);
    CHECK(r.code() == "out_of_order");
    CHECK(s.store().sync_client("http-a") == std::nullopt);
    REQUIRE(a.push(s).status == 200);
    CHECK(s.store().sync_client("http-a")->last_seq == 2);
  }

  SECTION("another protocol version is 426 version_mismatch, and the queue is kept") {
    REQUIRE(a.native.submit(CreateOrg{root, "Queued", ""}));
    Json push = to_json(a.native.replica.push_request(10));
    push["protocol"] = kProtocolVersion + 1;
    const Reply pushed = s.request("POST", "/api/sync/push", push.dump(), a.token);
    CHECK(pushed.status == 426);
    CHECK(pushed.code() == "version_mismatch");
    CHECK_THAT(pushed.message(), Catch::Contains("queued changes are kept"));
    Json pull = parse_json(a.native.pull_text()).value();
    pull["protocol"] = kProtocolVersion + 1;
    const Reply pulled = s.request("POST", "/api/sync/pull", pull.dump(), a.token);
    CHECK(pulled.status == 426);
    CHECK(pulled.code() == "version_mismatch");
    CHECK(s.store().sync_client("http-a") == std::nullopt);
    CHECK(a.native.replica.pending().size() == 1);
    REQUIRE(a.push(s).status == 200);
    CHECK(s.store().sync_client("http-a")->last_seq == 1);
  }
}

// --- Concurrency ------------------------------------------------------------------------------

TEST_CASE("a compaction landing while a pull starts never leaves a silent gap in its changes") {
  SyncWorld w;
  SyncServer& s = w.open();
  NativeClient writer("cut-w", w.e.root_admin), reader("cut-r", w.e.root_admin);
  writer.pull(s);
  reader.pull(s);
  const std::int64_t since = reader.replica.version();
  for (int i = 0; i < 10; ++i)
    must_submit(writer, CreateOrg{w.e.root, "Late " + std::to_string(i), ""});
  writer.sync(s);
  // Just as the pull looks at how far the log was compacted, another thread compacts it past
  // the reader's version; the pull then goes on.
  std::thread compactor;
  s.plan().run = [&] {
    compactor = std::thread([&] { s.service().compact_change_log(2); });
    std::this_thread::sleep_for(std::chrono::milliseconds(50));
  };
  s.plan().arm("SELECT value FROM meta WHERE key = 'compacted_before'", 1, CrashPlan::Action::kRun);
  reader.pull(s);
  compactor.join();
  CHECK(s.plan().crashed);  // the interleaving happened
  CHECK(s.store().compacted_before() > since + 1);
  reader.pull(s);
  check_converged(s, reader);
}

TEST_CASE("a pull never reports a result its version does not include, while pushes commit") {
  SyncWorld w;
  SyncServer& s = w.open();
  NativeClient writer("busy-w", w.e.root_admin);
  writer.pull(s);
  std::atomic<bool> done{false};
  int pulls = 0, ahead = 0;
  std::thread puller([&] {
    while (!done) {
      const PullRequest req{kProtocolVersion, writer.id(), 1, 1};
      const PullResponse r = s.service().pull(SyncServer::actor(w.e.root_admin), req, 0);
      ++pulls;
      for (const CommandResult& res : r.results) ahead += res.ok && res.version > r.version ? 1 : 0;
    }
  });
  for (int i = 0; i < 300; ++i) {
    (void)writer.submit(CreateOrg{w.e.root, "Busy " + std::to_string(i), ""});
    writer.push(s);
  }
  done = true;
  puller.join();
  INFO(pulls << " pulls ran alongside");
  CHECK(pulls > 0);
  CHECK(ahead == 0);
}
