// Storage faults (issue 9), on the real linedesk-server binary: a disk that fills up (a file size
// limit, RLIMIT_FSIZE, set in the server's process), a database the server's user may only read
// (as root the server runs as another user: root writes read-only files anyway), and damaged
// database files, which the server refuses to open without changing a byte of them.
#include <catch2/catch.hpp>

#include <sys/stat.h>

#include <filesystem>
#include <fstream>
#include <set>

#include "server_process.hpp"
#include "sync_support.hpp"

using namespace linedesk;
using namespace linedesk::test;

namespace {

// Small enough to be reached after a few commits (the write-ahead log grows by a 4 KB page per
// changed page), large enough for SQLite's 32 KB shared-memory file.
constexpr long long kFileSizeLimit = 64 * 1024;

std::string file_bytes(const std::string& path) {
  std::error_code ec;
  if (!std::filesystem::exists(path, ec)) return "<absent>";
  return read_text_file(path);
}

Json account_body(OrgId org, const std::string& account_id) {
  return Json{{"org", org.value},
              {"fields", account_fields(account_id, "Zoë", "Müller", account_id + "@example.com")},
              {"invite", false}};
}

Reply add_account_on(const ServerProcess& s, const SeededEnterprise& e, const std::string& account_id) {
  return s.request("POST", "/api/accounts", account_body(e.root, account_id).dump(), e.token,
                   "application/json", {{"Idempotency-Key", "add-" + account_id}});
}

Reply push_on(const ServerProcess& s, const SeededEnterprise& e, const NativeClient& c) {
  return s.request("POST", "/api/sync/push", c.push_text(), e.token);
}

Reply pull_on(const ServerProcess& s, const SeededEnterprise& e, NativeClient& c) {
  Reply r = s.request("POST", "/api/sync/pull", c.pull_text(), e.token);
  if (r.status == 200) c.take_pull_answer(r.body);
  return r;
}

// The page numbers the frames of a write-ahead log hold (its format: a 32-byte header, then
// frames of a 24-byte header, which starts with the page number, big-endian, and the page).
std::set<std::uint32_t> pages_in_log(const std::string& path, std::uintmax_t page_size) {
  const std::string log = read_text_file(path);
  std::set<std::uint32_t> pages;
  for (std::size_t at = 32; at + 24 + page_size <= log.size(); at += 24 + page_size) {
    std::uint32_t n = 0;
    for (int i = 0; i < 4; ++i) n = (n << 8) | static_cast<unsigned char>(log[at + static_cast<std::size_t>(i)]);
    pages.insert(n);
  }
  return pages;
}

// A folder of static files standing in for the built console.
std::string web_root(const TempDir& dir) {
  const auto root = dir.path() / "web";
  std::filesystem::create_directories(root);
  std::ofstream(root / "index.html") << "<!doctype html><title>LineDesk</title>\n";
  return root.string();
}

// The reads an administrator's console makes still answer.
void check_reads(const ServerProcess& s, const SeededEnterprise& e, NativeClient& c,
                 std::int64_t accounts) {
  const Reply list = s.request("GET", "/api/accounts", {}, e.token);
  CHECK(list.status == 200);
  CHECK(list.json.value("total", -1) == accounts);
  CHECK(s.request("GET", "/api/orgs", {}, e.token).status == 200);
  CHECK(s.request("GET", "/api/health").status == 200);
  const Reply pull = pull_on(s, e, c);
  CHECK(pull.status == 200);
  const Reply page = s.request("GET", "/");
  CHECK(page.status == 200);
  CHECK_THAT(page.body, Catch::Contains("<title>LineDesk</title>"));
}

// Adds a Save for `account_id` to the client's queue.
void queue_account(NativeClient& c, OrgId org, const std::string& account_id) {
  AddAccount a;
  a.org = org;
  a.fields = basic_fields(account_id);
  must_submit(c, a);
}

// Every kind of write is refused with `code` and a message saying `cause`: a change through the
// API, a sync push (of a command the client queues now), a sign-in (it records a session).
void check_writes_refused(const ServerProcess& s, const SeededEnterprise& e, NativeClient& c,
                          const std::string& code, const std::string& cause) {
  const Reply added = add_account_on(s, e, "refused-" + code);
  CHECK(added.status == 503);
  CHECK(added.code() == code);
  CHECK_THAT(added.message(), Catch::Contains(cause) && Catch::Contains("Nothing was changed"));
  CHECK(added.headers.count("Retry-After") == 1);
  queue_account(c, e.root, "pushed-" + code);
  const Reply push = push_on(s, e, c);
  CHECK(push.status == 503);
  CHECK(push.code() == code);
  const Reply login =
      s.request("POST", "/api/login", Json{{"email", kAdminEmail}, {"password", kAdminPassword}}.dump());
  CHECK(login.status == 503);
  CHECK(login.code() == code);
}

// The push that a storage fault refused is applied by the same request once the fault is gone:
// it was neither recorded as refused nor counted.
void check_push_applies(const ServerProcess& s, const SeededEnterprise& e, NativeClient& c) {
  const Reply r = push_on(s, e, c);
  REQUIRE(r.status == 200);
  const PushResponse resp = push_response_from_json(r.json).value();
  REQUIRE(resp.results.size() == 1);
  CHECK(resp.results[0].seq == 1);
  CHECK(resp.results[0].ok);
  CHECK(resp.last_seq == 1);
  REQUIRE(c.take_push_answer(r.body));
  CHECK(c.replica.unsent_count() == 0);
}

}  // namespace

TEST_CASE("when the disk fills up every change is refused as storage_full, nothing of it is kept, "
          "reads go on, and the refused push applies once there is space",
          "[faults]") {
  TempDir dir;
  const SeededEnterprise e = seed_enterprise(dir.file("full.db"), 0);
  ServerProcessOptions options;
  options.db = e.path;
  options.run_dir = dir.path().string();
  options.extra_args = {"--web", web_root(dir)};
  options.file_size_limit = kFileSizeLimit;
  auto s = std::make_unique<ServerProcess>(options);
  NativeClient c("full-disk", e.admin);
  REQUIRE(pull_on(*s, e, c).status == 200);

  // Accounts are added until the disk is full.
  std::int64_t saved = 0;
  Reply refused;
  for (int k = 0; k < 200; ++k) {
    refused = add_account_on(*s, e, "fill-" + std::to_string(k));
    if (refused.status != 201) break;
    ++saved;
  }
  INFO(refused.body << "\n" << s->log());
  REQUIRE(refused.status == 503);
  CHECK(refused.code() == "storage_full");
  CHECK_THAT(refused.message(), Catch::Contains("its disk is full") && Catch::Contains("Nothing was changed"));
  CHECK(refused.headers.count("Retry-After") == 1);
  const std::string refused_id = "fill-" + std::to_string(saved);
  std::int64_t version = 0;
  {
    // Neither the database nor the server's memory kept any of the refused change.
    DbReader db(e.path);
    CHECK(db.scalar("SELECT count(*) FROM accounts") == saved);
    CHECK(db.scalar("SELECT count(*) FROM commands WHERE uuid = 'add-" + refused_id + "'") == 0);
    version = db.scalar("SELECT COALESCE(MAX(seq), 0) FROM change_log");
  }
  check_reads(*s, e, c, saved);
  CHECK(c.replica.version() == version);

  check_writes_refused(*s, e, c, "storage_full", "its disk is full");
  // The push was not taken as a refusal: no result, the client's counter did not move.
  const Reply pull = s->request("POST", "/api/sync/pull", c.pull_text(), e.token);
  REQUIRE(pull.status == 200);
  CHECK(pull.json.value("last_seq", -1) == 0);
  CHECK(pull.json["results"].empty());
  check_reads(*s, e, c, saved);
  CHECK(c.replica.unsent_count() == 1);  // still queued on the client
  CHECK(s->stop() == 0);

  {
    DbReader db(e.path);
    CHECK(db.text("PRAGMA integrity_check") == "ok");
    CHECK(db.scalar("SELECT count(*) FROM accounts") == saved);
    CHECK(db.scalar("SELECT COALESCE(MAX(seq), 0) FROM change_log") == version);
    CHECK(db.scalar("SELECT count(*) FROM sync_results") == 0);
  }

  // Space again: the same push and the same request (same Idempotency-Key) apply.
  options.file_size_limit = 0;
  s = std::make_unique<ServerProcess>(options);
  check_push_applies(*s, e, c);
  CHECK(add_account_on(*s, e, refused_id).status == 201);
  CHECK(s->request("GET", "/api/accounts", {}, e.token).json.value("total", -1) == saved + 2);
}

TEST_CASE("on a database its user may only read, the server starts, serves reads, refuses every "
          "change as storage_read_only and leaves the file untouched",
          "[faults]") {
  const bool folder_read_only = GENERATE(false, true);
  INFO((folder_read_only ? "the file and its folder are read-only" : "the file is read-only"));
  TempDir dir;
  const bool root = ::geteuid() == 0;
  const auto data = dir.path() / "data";
  const auto run = dir.path() / "run";
  std::filesystem::create_directories(data);
  std::filesystem::create_directories(run);
  const SeededEnterprise e = seed_enterprise((data / "linedesk.db").string(), 0);
  // The server's user: writes the run folder (port file, log) and, unless read-only, the data
  // folder (SQLite's -shm and -wal files); reads the database file only.
  if (root) {
    REQUIRE(::chown(run.c_str(), kUnprivilegedId, kUnprivilegedId) == 0);
    if (!folder_read_only) REQUIRE(::chown(data.c_str(), kUnprivilegedId, kUnprivilegedId) == 0);
  }
  REQUIRE(::chmod(e.path.c_str(), 0444) == 0);
  if (folder_read_only) REQUIRE(::chmod(data.c_str(), 0555) == 0);
  const std::string before = file_bytes(e.path);

  ServerProcessOptions options;
  options.db = e.path;
  options.run_dir = run.string();
  options.extra_args = {"--web", web_root(dir)};
  options.unprivileged = true;
  auto s = std::make_unique<ServerProcess>(options);
  CHECK_THAT(s->log(), Catch::Contains("is read-only for this process") && Catch::Contains(e.path));
  NativeClient c("read-only", e.admin);
  check_reads(*s, e, c, 0);

  check_writes_refused(*s, e, c, "storage_read_only", "its database is read-only");
  check_reads(*s, e, c, 0);
  CHECK(s->stop() == 0);
  CHECK(file_bytes(e.path) == before);

  // Writable again (the file, its -wal and -shm files that SQLite made read-only like it, the
  // folder): the refused push applies.
  REQUIRE(::chmod(data.c_str(), 0755) == 0);
  if (root) REQUIRE(::chown(data.c_str(), kUnprivilegedId, kUnprivilegedId) == 0);
  for (const char* suffix : {"", "-wal", "-shm"}) {
    const std::string f = e.path + suffix;
    if (!std::filesystem::exists(f)) continue;
    REQUIRE(::chmod(f.c_str(), 0644) == 0);
    if (root) REQUIRE(::chown(f.c_str(), kUnprivilegedId, kUnprivilegedId) == 0);
  }
  s = std::make_unique<ServerProcess>(options);
  CHECK_THAT(s->log(), !Catch::Contains("read-only"));
  check_push_applies(*s, e, c);
}

TEST_CASE("a damaged database file is refused at start with a message naming it, and neither it "
          "nor its write-ahead log is changed",
          "[faults]") {
  enum class Damage { kHeader, kMiddlePage, kTruncated };
  struct Case {
    const char* name;
    Damage damage;
    bool with_log;     // a write-ahead log left by a killed server lies beside the file
    const char* said;  // in the message
  };
  // With a log, the damage falls on pages the log holds no newer copy of: SQLite reads those from
  // the log, so damage to them harms nothing (the header's page 1 is always among them).
  const Case c = GENERATE(values<Case>({
      {"garbage over the header", Damage::kHeader, false, "file is not a database"},
      {"garbage over a page in the middle", Damage::kMiddlePage, false, "checking its pages"},
      {"the file cut in half", Damage::kTruncated, false, "malformed"},
      {"garbage over a middle page the log does not hold", Damage::kMiddlePage, true,
       "checking its pages"},
      {"the file cut in half, with a log", Damage::kTruncated, true, "malformed"},
  }));
  INFO(c.name);
  TempDir dir;
  SeededEnterprise e = seed_enterprise(dir.file("damaged.db"), 400);
  ServerProcessOptions options;
  options.db = e.path;
  options.run_dir = dir.path().string();
  {
    // Enough accounts for a few hundred pages.
    ServerProcess s(options);
    for (int k = 0; k < 60; ++k) REQUIRE(add_account_on(s, e, "acct-" + std::to_string(k)).status == 201);
    if (c.with_log) {
      s.kill();  // its last changes stay in the log, not yet in the file
    } else {
      CHECK(s.stop() == 0);
    }
  }
  REQUIRE(std::filesystem::exists(e.path + "-wal") == c.with_log);
  constexpr std::uintmax_t kPage = 4096;
  const std::uintmax_t pages = std::filesystem::file_size(e.path) / kPage;
  REQUIRE(pages > 40);
  if (c.damage == Damage::kTruncated) {
    std::filesystem::resize_file(e.path, pages / 2 * kPage);
  } else {
    std::uintmax_t page = 1;
    if (c.damage == Damage::kMiddlePage) {
      const std::set<std::uint32_t> logged = pages_in_log(e.path + "-wal", kPage);
      for (page = pages / 2; logged.count(static_cast<std::uint32_t>(page)); ++page) {
      }
    }
    std::fstream f(e.path, std::ios::in | std::ios::out | std::ios::binary);
    Rng rng{pages};
    std::string garbage(c.damage == Damage::kHeader ? 100 : kPage, '\0');
    for (char& ch : garbage) ch = static_cast<char>(rng.next());
    f.seekp(static_cast<std::streamoff>((page - 1) * kPage));
    f.write(garbage.data(), static_cast<std::streamsize>(garbage.size()));
  }
  const std::string db_before = file_bytes(e.path);
  const std::string log_before = file_bytes(e.path + "-wal");

  options.wait_listening = false;
  ServerProcess s(options);
  const int code = s.wait_exit();
  const std::string log = s.log();
  INFO(log);
  CHECK(code == 1);
  CHECK_THAT(log, Catch::Contains("database " + e.path) && Catch::Contains(c.said) &&
                      Catch::Contains("it was not changed"));
  CHECK(file_bytes(e.path) == db_before);
  CHECK(file_bytes(e.path + "-wal") == log_before);
  CHECK(std::filesystem::exists(e.path + "-shm") == c.with_log);  // the killed server's only
}
