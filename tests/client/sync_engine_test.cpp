// The console's sync loop when the server cannot save (issue 9): a push answered 503 with
// storage_full or storage_read_only keeps every queued change, says why in the header while pulls
// go on succeeding, and the same changes are pushed again and applied once the server can save.
#include <catch2/catch.hpp>

#include <deque>

#include "client/sync_engine.hpp"
#include "client/view_text.hpp"
#include "tests/shared/fixtures.hpp"

using namespace linedesk;
using namespace linedesk::client;
using linedesk::test::Enterprise;

namespace {

// Requests wait until the test answers them, oldest first.
class ScriptedHttp final : public Http {
 public:
  struct Pending {
    std::string path;
    std::string body;
    HttpCallback done;
  };
  void request(const std::string&, const std::string& path, const std::string& body,
               const std::string&, HttpCallback done, unsigned) override {
    pending.push_back(Pending{path, body, std::move(done)});
  }
  // Answers the oldest request to a path starting with `prefix`.
  void answer(const std::string& prefix, int status, const std::string& body) {
    for (auto it = pending.begin(); it != pending.end(); ++it) {
      if (it->path.rfind(prefix, 0) != 0) continue;
      Pending p = std::move(*it);
      pending.erase(it);
      p.done(HttpResponse{status, body});
      return;
    }
    FAIL("no request to " << prefix << " is waiting");
  }
  std::deque<Pending> pending;
};

class MemoryStore final : public ReplicaStore {
 public:
  void load(std::function<void(StoredReplica)> done) override { done(StoredReplica{}); }
  void save_queue(const Json& q, std::function<void(bool)> done) override {
    queue = q;
    if (done) done(true);
  }
  void save_confirmed(const ConfirmedDelta&, std::function<void(bool)> done) override {
    if (done) done(true);
  }
  void save_session(const std::string&, const Json&) override {}
  void clear(std::function<void(bool)> done) override {
    if (done) done(true);
  }
  Json queue;
};

std::string storage_error(const std::string& code, const std::string& message) {
  return Json{{"error", Json{{"code", code}, {"field", ""}, {"message", message}}}}.dump();
}

}  // namespace

TEST_CASE("a push the server cannot save keeps the queue, shows why while pulls succeed, and is "
          "sent again until it applies") {
  const std::string code = GENERATE(std::string("storage_full"), std::string("storage_read_only"));
  INFO(code);
  Enterprise e;
  ScriptedHttp http;
  MemoryStore store;
  SyncEngine engine(http, store);
  engine.retry_ms = 1000;
  int uuid = 0;
  engine.make_uuid = [&uuid] { return "uuid-" + std::to_string(++uuid); };
  auto replica = std::make_unique<Replica>("browser-1", e.root_admin);
  replica->apply_pull(linedesk::test::snapshot_of(e, 10));
  engine.start(std::move(replica), "token", 1000);

  AddAccount add;
  add.org = e.root;
  add.fields = linedesk::test::basic_fields("while-full");
  REQUIRE(engine.submit(add, 1000));
  engine.tick(1000);
  REQUIRE(http.pending.size() == 2);  // the push and a pull
  const std::string message = "The server could not save the change: its disk is full. Nothing "
                              "was changed; try again later.";
  http.answer("/api/sync/push", 503, storage_error(code, message));
  CHECK(engine.status().push_refused == message);
  CHECK(engine.status().problem == message);
  CHECK(engine.replica().unsent_count() == 1);
  CHECK(store.queue.dump().find("while-full") != std::string::npos);  // still saved on the device

  // Reads go on: a pull succeeds, the refusal still shows.
  PullResponse nothing_new;
  nothing_new.protocol = kProtocolVersion;
  nothing_new.version = 10;
  nothing_new.scope = e.root;
  http.answer("/api/sync/pull", 200, to_json(nothing_new).dump());
  CHECK(engine.status().online);
  CHECK(engine.status().problem == message);
  CHECK(sync_status_line(engine.status()) ==
        "Online · 1 change waiting: the server cannot save them now");

  // Later the same command goes again; now the server saves it.
  engine.tick(1500);
  CHECK(http.pending.empty());  // waits retry_ms
  engine.tick(2100);
  REQUIRE_FALSE(http.pending.empty());
  const PushRequest again = push_request_from_json(parse_json(http.pending.front().body).value()).value();
  REQUIRE(again.commands.size() == 1);
  CHECK(again.commands[0].seq == 1);
  CHECK(again.commands[0].command.uuid == "uuid-1");
  PushResponse ok;
  ok.protocol = kProtocolVersion;
  ok.last_seq = 1;
  CommandResult applied;
  applied.seq = 1;
  applied.uuid = "uuid-1";
  applied.ok = true;
  applied.version = 11;
  ok.results.push_back(applied);
  http.answer("/api/sync/push", 200, to_json(ok).dump());
  CHECK(engine.status().push_refused.empty());
  CHECK(engine.replica().unsent_count() == 0);
}

TEST_CASE("an activity entry's before and after values show one member per line") {
  CHECK(audit_value_text(R"({"id":7,"notes":"new desk"})") == "{\n  \"id\": 7,\n  \"notes\": \"new desk\"\n}");
  CHECK(audit_value_text("[\"+390612345678\"]") == "[\n  \"+390612345678\"\n]");
  // A single value and text that is not JSON stay as they are.
  CHECK(audit_value_text("true") == "true");
  CHECK(audit_value_text("not json {") == "not json {");
  CHECK(audit_value_text("").empty());
}
