// Invitation delivery (DESIGN "Invitations and notifications go out by SMTP when a relay is
// configured; by default they are written to an outbox folder"): a real SMTP sink (Debian's
// python3-aiosmtpd) started by the test, a relay that is down, and the outbox folder default.
#include <catch2/catch.hpp>

#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <spawn.h>
#include <sys/wait.h>

#include <chrono>

#include "test_support.hpp"

extern char** environ;

using namespace linedesk;
using namespace linedesk::test;

namespace {

// `/usr/bin/python3 -m aiosmtpd -n -l 127.0.0.1:PORT` in a child process: it prints each
// message it receives to stdout, which the test reads through a pipe.
class SmtpSink {
 public:
  SmtpSink() : port_(free_port()) {
    int fds[2];
    if (::pipe(fds) != 0) throw std::runtime_error("pipe failed");
    posix_spawn_file_actions_t actions;
    posix_spawn_file_actions_init(&actions);
    posix_spawn_file_actions_adddup2(&actions, fds[1], 1);
    posix_spawn_file_actions_adddup2(&actions, fds[1], 2);
    posix_spawn_file_actions_addclose(&actions, fds[0]);
    const std::string listen = "127.0.0.1:" + std::to_string(port_);
    // -u: unbuffered, so each message shows up as soon as it is received.
    std::vector<std::string> args = {"/usr/bin/python3", "-u", "-m", "aiosmtpd", "-n", "-l", listen};
    std::vector<char*> argv;
    for (auto& a : args) argv.push_back(a.data());
    argv.push_back(nullptr);
    const int rc = posix_spawn(&pid_, "/usr/bin/python3", &actions, nullptr, argv.data(), environ);
    posix_spawn_file_actions_destroy(&actions);
    ::close(fds[1]);
    out_ = fds[0];
    if (rc != 0) throw std::runtime_error("cannot start /usr/bin/python3 -m aiosmtpd");
    ::fcntl(out_, F_SETFL, ::fcntl(out_, F_GETFL) | O_NONBLOCK);
    // Ready once it accepts connections.
    const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(15);
    while (!accepts()) {
      if (std::chrono::steady_clock::now() > deadline) {
        read_available();
        throw std::runtime_error("aiosmtpd did not start: " + output_);
      }
      std::this_thread::sleep_for(std::chrono::milliseconds(20));
    }
  }
  ~SmtpSink() {
    ::kill(pid_, SIGTERM);
    int status = 0;
    ::waitpid(pid_, &status, 0);
    ::close(out_);
  }
  SmtpSink(const SmtpSink&) = delete;
  SmtpSink& operator=(const SmtpSink&) = delete;

  std::string url() const { return "smtp://127.0.0.1:" + std::to_string(port_); }

  // Everything printed so far, once `count` messages have arrived or after `timeout_ms`.
  const std::string& wait_for_messages(std::size_t count, int timeout_ms = 10000) {
    const auto deadline = std::chrono::steady_clock::now() + std::chrono::milliseconds(timeout_ms);
    while (messages().size() < count && std::chrono::steady_clock::now() < deadline) {
      pollfd p{out_, POLLIN, 0};
      ::poll(&p, 1, 50);
      read_available();
    }
    return output_;
  }
  // The messages received, as printed between aiosmtpd's markers.
  std::vector<std::string> messages() const {
    std::vector<std::string> out;
    const std::string begin = "---------- MESSAGE FOLLOWS ----------\n";
    const std::string end = "------------ END MESSAGE ------------";
    for (auto at = output_.find(begin); at != std::string::npos; at = output_.find(begin, at + 1)) {
      const auto stop = output_.find(end, at);
      if (stop == std::string::npos) break;
      out.push_back(output_.substr(at + begin.size(), stop - at - begin.size()));
    }
    return out;
  }

 private:
  bool accepts() const {
    const int fd = ::socket(AF_INET, SOCK_STREAM, 0);
    sockaddr_in addr{};
    addr.sin_family = AF_INET;
    addr.sin_port = htons(static_cast<std::uint16_t>(port_));
    addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    const bool ok = ::connect(fd, reinterpret_cast<sockaddr*>(&addr), sizeof addr) == 0;
    ::close(fd);
    return ok;
  }
  void read_available() {
    char buf[4096];
    for (;;) {
      const ssize_t n = ::read(out_, buf, sizeof buf);
      if (n <= 0) return;
      output_.append(buf, static_cast<std::size_t>(n));
    }
  }

  int port_;
  pid_t pid_ = 0;
  int out_ = -1;
  std::string output_;
};

struct Enterprise {
  explicit Enterprise(TestServerOptions options) : s(dir.file("db.sqlite"), std::move(options)) {}
  TempDir dir;
  TestServer s;
  std::string token = session_for(s, admin_id(s, kAdminEmail));
  OrgId root = s.root();
};

}  // namespace

TEST_CASE("Save & Invite reaches a real SMTP relay with its recipient and a UTF-8 subject", "[mail]") {
  SmtpSink sink;
  TestServerOptions options;
  options.smtp_url = sink.url();
  Enterprise e(options);
  const auto n = import_numbers(e.s, e.token, 15554000000, 3);
  const AccountId emile = add_account(e.s, e.token, e.root,
                                      account_fields("emile-1", "Émile", "Zola", "emile@example.com"), true, n[0]);
  e.s.clock().advance_ms(5000);  // delivery happens after the invitation was decided

  REQUIRE(e.s.deliver() == 1);
  sink.wait_for_messages(1);
  const auto received = sink.messages();
  REQUIRE(received.size() == 1);
  const std::string& m = received[0];
  CHECK(mail_header(m, "To") == "<emile@example.com>");
  CHECK(mail_header(m, "From") == "LineDesk <no-reply@linedesk.test>");
  CHECK(m.find("Subject: =?UTF-8?B?") != std::string::npos);
  CHECK(mail_header(m, "Subject") == std::string("Activate your business line for ") + kOrgName);
  CHECK(m.find("Hello Émile Zola,") != std::string::npos);
  CHECK(m.find(n[0]) != std::string::npos);
  CHECK(link_token(m, "http://127.0.0.1:8080/activate/").size() == 43);

  const Account a = account_of(e.s, emile);
  CHECK(a.invitation_sent_ms == e.s.clock().now_ms());
  CHECK(a.status == AccountStatus::kInvited);
  auto shown = e.s.get("/api/accounts/" + std::to_string(emile.value), e.token);
  CHECK(shown.json["invitation_sent_ms"] == e.s.clock().now_ms());
  CHECK(shown.json["invitations"][0]["status"] == "sent");
  auto outbox = e.s.get("/api/outbox", e.token);
  CHECK(outbox.json["messages"][0]["status"] == "sent");
  CHECK(outbox_files(e.s).empty());  // nothing went to the folder

  SECTION("an SMS invitation (device number) goes to the folder: there is no SMS gateway") {
    add_account(e.s, e.token, e.root, account_fields("dev-1", "Dev", "Ice", "+39 06 1234 5678"), true, n[1]);
    REQUIRE(e.s.deliver() == 1);
    const auto files = outbox_files(e.s);
    REQUIRE(files.size() == 1);
    CHECK(files[0].name.find("-sms.txt") != std::string::npos);
    CHECK(files[0].text.rfind("To: +390612345678\r\n", 0) == 0);
    CHECK(sink.messages().size() == 1);
  }
}

TEST_CASE("when the relay is down the invitation is retried, then the account shows Invitation Failed", "[mail]") {
  const RefusingPort relay;  // bound, never listening: every connection is refused
  TestServerOptions options;
  options.smtp_url = "smtp://127.0.0.1:" + std::to_string(relay.port());
  Enterprise e(options);
  import_numbers(e.s, e.token, 15554100000, 2);
  const AccountId a = add_account(e.s, e.token, e.root,
                                  account_fields("fail-1", "Fay", "Lure", "fay@example.com"), true);
  for (int attempt = 1; attempt <= server::DeliveryWorker::kMaxAttempts; ++attempt) {
    CAPTURE(attempt);
    CHECK(e.s.deliver() == 1);
    auto outbox = e.s.get("/api/outbox", e.token);
    REQUIRE(outbox.json["messages"].size() == 1);
    const Json& m = outbox.json["messages"][0];
    CHECK(m["attempts"] == attempt);
    CHECK_FALSE(m["last_error"].get<std::string>().empty());
    const bool last = attempt == server::DeliveryWorker::kMaxAttempts;
    CHECK(m["status"] == (last ? "failed" : "pending"));
    CHECK(account_of(e.s, a).status == (last ? AccountStatus::kInvitationFailed : AccountStatus::kInvited));
  }
  CHECK(e.s.deliver() == 0);  // given up: no more attempts

  auto shown = e.s.get("/api/accounts/" + std::to_string(a.value), e.token);
  CHECK(shown.json["status"] == "invitation_failed");
  CHECK(shown.json["status_label"] == "Invitation Failed");
  CHECK(shown.json["invitations"][0]["status"] == "failed");
  CHECK_FALSE(shown.json["invitations"][0]["failure"].get<std::string>().empty());
  auto outbox = e.s.get("/api/outbox", e.token);
  CHECK(outbox.json["messages"][0]["last_error"].get<std::string>().find("connect") != std::string::npos);
  auto audit = e.s.get("/api/reports/activity?action=invitation_failed", e.token);
  CHECK(audit.json["total"] == 1);
  CHECK(e.s.get("/api/accounts?status=invitation_failed", e.token).json["total"] == 1);
}

TEST_CASE("without a relay invitations are .eml files in the outbox folder", "[mail]") {
  Enterprise e{TestServerOptions{}};
  import_numbers(e.s, e.token, 15554200000, 1);
  const AccountId a = add_account(e.s, e.token, e.root,
                                  account_fields("eml-1", "Elle", "Em", "elle@example.com"), true);
  REQUIRE(e.s.deliver() == 1);
  const auto files = outbox_files(e.s);
  REQUIRE(files.size() == 1);
  CHECK(std::filesystem::exists(std::filesystem::path(e.s.outbox_dir()) / files[0].name));
  const std::string& eml = files[0].text;
  CHECK(eml.rfind("From: LineDesk <no-reply@linedesk.test>\r\nTo: <elle@example.com>\r\n", 0) == 0);
  CHECK(eml.find("\r\nMIME-Version: 1.0\r\nContent-Type: text/plain; charset=utf-8\r\n") != std::string::npos);
  CHECK(eml.find("\r\nMessage-ID: <linedesk-") != std::string::npos);
  CHECK(eml.find("\r\nX-LineDesk-Kind: invitation\r\n") != std::string::npos);
  CHECK(eml.find("\n") == eml.find("\r\n") + 1);  // CRLF line ends
  CHECK(account_of(e.s, a).status == AccountStatus::kInvited);
  CHECK(e.s.get("/api/outbox", e.token).json["messages"][0]["status"] == "sent");
}

TEST_CASE("the background delivery worker sends without being asked", "[mail]") {
  SmtpSink sink;
  TestServerOptions options;
  options.smtp_url = sink.url();
  options.start_delivery = true;
  Enterprise e(options);
  import_numbers(e.s, e.token, 15554300000, 1);
  add_account(e.s, e.token, e.root, account_fields("bg-1", "Bea", "Ground", "bea@example.com"), true);
  sink.wait_for_messages(1);
  REQUIRE(sink.messages().size() == 1);
  CHECK(mail_header(sink.messages()[0], "To") == "<bea@example.com>");
}

TEST_CASE("an invitation withdrawn before delivery is not sent", "[mail]") {
  Enterprise e{TestServerOptions{}};
  import_numbers(e.s, e.token, 15554400000, 2);
  const AccountId resent = add_account(e.s, e.token, e.root,
                                       account_fields("wd-1", "Wil", "Drawn", "wil@example.com"), true);
  const AccountId deleted = add_account(e.s, e.token, e.root,
                                        account_fields("wd-2", "Del", "Eted", "del@example.com"), true);
  // Before the worker runs: one invitation is replaced by a resend, the other account deleted.
  REQUIRE(e.s.post("/api/accounts/invite", Json{{"accounts", {resent.value}}}, e.token).status == 200);
  REQUIRE(e.s.request("DELETE", "/api/accounts/" + std::to_string(deleted.value), {}, e.token).status == 200);
  e.s.deliver_all();
  const auto files = outbox_files(e.s);
  REQUIRE(files.size() == 1);  // only the resent invitation
  CHECK(files[0].text.find("To: <wil@example.com>") != std::string::npos);
  auto outbox = e.s.get("/api/outbox", e.token).json["messages"];
  int withdrawn = 0;
  for (const Json& m : outbox) withdrawn += m["last_error"].get<std::string>().rfind("withdrawn", 0) == 0;
  CHECK(withdrawn == 2);
}

TEST_CASE("the outbox listing does not show link tokens", "[mail]") {
  Enterprise e{TestServerOptions{}};
  import_numbers(e.s, e.token, 15554500000, 1);
  add_account(e.s, e.token, e.root, account_fields("tok-1", "Toke", "N", "toke@example.com"), true);
  const std::string real = link_token(e.s.store().outbox({e.root}, 1).at(0).body, "/activate/");
  REQUIRE(real.size() == 43);
  auto listed = e.s.get("/api/outbox", e.token);
  const std::string body = listed.json["messages"][0]["body"].get<std::string>();
  CHECK(body.find(real) == std::string::npos);
  CHECK(body.find("/activate/…") != std::string::npos);
}

TEST_CASE("a delivery round records its messages together; a refused report does not hold back the others", "[mail]") {
  Enterprise e{TestServerOptions{}};
  const int n = 2 * server::DeliveryWorker::kRoundSize + 17;  // several rounds, the last one short
  import_numbers(e.s, e.token, 15554600000, n);
  std::string csv =
      "firstname,lastname,email address or device,social_messaging,multiline_number,monitor_calls,"
      "monitor_sms,forwarding_number,Language\n";
  for (int i = 0; i < n; ++i) {
    csv += "Ro,Und" + std::to_string(i) + ",round" + std::to_string(i) + "@example.com,No,,auto,on,,English\n";
  }
  auto upload = e.s.request("POST", "/api/batches?mode=import_and_invite&file_name=round.csv&org=" +
                                        std::to_string(e.root.value),
                            csv, e.token, "text/csv");
  REQUIRE(upload.status == 201);
  const std::int64_t version_before = e.s.service().version();

  // Every invitation sent and recorded, round by round.
  CHECK(e.s.deliver_all() == n + 1);  // and the batch summary
  CHECK(outbox_files(e.s).size() == static_cast<std::size_t>(n + 1));
  const auto sent = e.s.store().with_connection([](server::SqlConnection& db) {
    return server::Stmt(db.cached("SELECT COUNT(*) FROM outbox WHERE status = 'sent' AND attempts = 1"))
        .scalar()
        .value_or(-1);
  });
  CHECK(sent == n + 1);
  e.s.service().read([&](const State& st) {
    int invited = 0;
    int sent_invitations = 0;
    for (const auto& [id, a] : st.accounts()) invited += a.status == AccountStatus::kInvited;
    for (const auto& [id, v] : st.invitations()) sent_invitations += v.status == InvitationStatus::kSent;
    CHECK(invited == n);
    CHECK(sent_invitations == n);
    return 0;
  });
  // Each report is its own change, as pulls and replicas see them.
  CHECK(e.s.service().version() > version_before + n - 1);
  // What the store holds is what the service holds.
  const State reloaded = e.s.store().load_state();
  CHECK(e.s.service().read([&](const State& st) { return st.same_entities(reloaded); }));

  // Straight through the service: a report the state refuses (its invitation is gone) is
  // skipped and said; the round's other report and every outcome still land.
  const auto [live, gone] = e.s.service().read([](const State& st) {
    return std::pair{st.invitations().begin()->first, InvitationId(999999)};
  });
  const auto results = e.s.service().record_deliveries(
      {RecordInvitationFailed{gone, "relay said no"}, RecordInvitationFailed{live, "relay said no"}},
      {server::OutboxOutcome{1, false, "relay said no", true, e.s.clock().now_ms()}});
  REQUIRE(results.size() == 2);
  CHECK_FALSE(results[0]);
  CHECK(results[1]);
  CHECK(e.s.service().read([live = live](const State& st) { return st.invitation(live)->status; }) ==
        InvitationStatus::kFailed);
  CHECK(e.s.store().with_connection([](server::SqlConnection& db) {
    server::Stmt st(db.cached("SELECT status FROM outbox WHERE id = 1"));
    return st.step() ? st.col_text(0) : std::string();
  }) == "failed");
}
