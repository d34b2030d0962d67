// Hostile HTTP against the real server on loopback (issue 9): each abuse gets a clear refusal,
// and while the abusive connection is still open a well-behaved client is answered. The holes
// of Debian's cpp-httplib 0.11.4 (unbounded chunked bodies, header lines and header counts)
// are closed by server/http_guard.cpp and the pre-routing handler; these tests show it.
#include <catch2/catch.hpp>

#include <poll.h>

#include <cerrno>
#include <chrono>
#include <cstring>

#include "test_support.hpp"

using namespace linedesk;
using namespace linedesk::test;
using Clock = std::chrono::steady_clock;

namespace {

// A plain TCP connection that writes whatever bytes the test wants.
class RawConnection {
 public:
  explicit RawConnection(int port) {
    fd_ = ::socket(AF_INET, SOCK_STREAM, 0);
    sockaddr_in a{};
    a.sin_family = AF_INET;
    a.sin_port = htons(static_cast<std::uint16_t>(port));
    a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    if (fd_ < 0 || ::connect(fd_, reinterpret_cast<sockaddr*>(&a), sizeof a) != 0) {
      throw std::runtime_error("connect failed");
    }
  }
  ~RawConnection() { ::close(fd_); }
  RawConnection(const RawConnection&) = delete;
  RawConnection& operator=(const RawConnection&) = delete;

  // False once the server has closed the connection (or refuses more bytes).
  bool send(const std::string& bytes) {
    std::size_t sent = 0;
    while (sent < bytes.size()) {
      const ssize_t n = ::send(fd_, bytes.data() + sent, bytes.size() - sent, MSG_NOSIGNAL);
      if (n <= 0) return false;
      sent += static_cast<std::size_t>(n);
    }
    return true;
  }
  // Everything the server sends until it closes the connection or `limit` passes.
  std::string read_until_closed(std::chrono::milliseconds limit = std::chrono::seconds(10)) {
    const auto until = Clock::now() + limit;
    while (!closed_ && Clock::now() < until) {
      pollfd p{fd_, POLLIN, 0};
      if (::poll(&p, 1, 50) > 0) drain();
    }
    return got_;
  }
  // True once the server has closed the connection; keeps what it sent before.
  bool closed_by_server() {
    pollfd p{fd_, POLLIN, 0};
    while (!closed_ && ::poll(&p, 1, 0) > 0) drain();
    return closed_;
  }
  const std::string& received() const { return got_; }

 private:
  void drain() {
    char buf[4096];
    const ssize_t n = ::recv(fd_, buf, sizeof buf, MSG_DONTWAIT);
    if (n > 0) {
      got_.append(buf, static_cast<std::size_t>(n));
    } else if (n == 0 || (errno != EAGAIN && errno != EINTR)) {
      closed_ = true;  // end of stream, or reset
    }
  }

  int fd_ = -1;
  bool closed_ = false;
  std::string got_;
};

struct Answer {
  int status = 0;
  std::string code;
  std::string message;
  std::string raw;
};

Answer parse_answer(const std::string& raw) {
  Answer a;
  a.raw = raw;
  if (raw.rfind("HTTP/1.1 ", 0) == 0) a.status = std::stoi(raw.substr(9, 3));
  const auto body = raw.find("\r\n\r\n");
  if (body != std::string::npos) {
    if (auto j = parse_json(raw.substr(body + 4)); j && j->is_object() && j->contains("error")) {
      a.code = (*j)["error"].value("code", "");
      a.message = (*j)["error"].value("message", "");
    }
  }
  return a;
}

TestServerOptions abuse_options() {
  TestServerOptions o;
  o.http.max_body_bytes = 64 * 1024;
  o.http.limits.head_timeout = std::chrono::milliseconds(1500);
  o.http.limits.idle_timeout = std::chrono::milliseconds(1000);
  o.http.limits.request_timeout = std::chrono::milliseconds(3000);
  return o;
}

// A well-behaved client, on its own connection, is answered.
void well_behaved_client_is_answered(const TestServer& server) {
  const Reply r = server.request("GET", "/api/health");
  CHECK(r.status == 200);
}

const std::string kHead = "POST /api/login HTTP/1.1\r\nHost: 127.0.0.1\r\n";

}  // namespace

TEST_CASE("abusive requests get a clear refusal while a well-behaved client is served", "[http-abuse]") {
  TempDir dir;
  TestServer server(dir.file("abuse.db"), abuse_options());
  const int port = server.port();

  SECTION("a body over the limit is refused unread (413)") {
    RawConnection c(port);
    REQUIRE(c.send(kHead + "Content-Type: application/json\r\nContent-Length: 1000000000000\r\n\r\n{\"a\":"));
    well_behaved_client_is_answered(server);
    const Answer a = parse_answer(c.read_until_closed());
    CHECK(a.status == 413);
    CHECK(a.code == "body_too_large");
    CHECK(a.message == "The request body is 1000000000000 bytes; the server accepts at most 65536.");
  }
  SECTION("a Content-Length that is not a number is refused (400)") {
    RawConnection c(port);
    REQUIRE(c.send(kHead + "Content-Length: -5\r\n\r\n"));
    const Answer a = parse_answer(c.read_until_closed());
    CHECK(a.status == 400);
    CHECK(a.message == "Content-Length must be a number of bytes.");
  }
  SECTION("a chunked body that never ends is refused before it is read (411)") {
    RawConnection c(port);
    REQUIRE(c.send(kHead + "Transfer-Encoding: chunked\r\n\r\n"));
    // Keep sending chunks: none of them is buffered, the connection is closed after the answer.
    for (int i = 0; i < 50 && c.send("400\r\n" + std::string(0x400, 'x') + "\r\n"); ++i) {
    }
    well_behaved_client_is_answered(server);
    const Answer a = parse_answer(c.read_until_closed());
    CHECK(a.status == 411);
    CHECK(a.code == "length_required");
    CHECK(c.closed_by_server());
  }
  SECTION("negative and huge chunk sizes are refused (411)") {
    for (const std::string& size : {std::string("-5"), std::string("FFFFFFFFFFFFFFFFFFFFFFFF"), "1" + std::string(4000, '0')}) {
      RawConnection c(port);
      REQUIRE(c.send(kHead + "Transfer-Encoding: chunked\r\n\r\n" + size + "\r\nabc\r\n"));
      const Answer a = parse_answer(c.read_until_closed());
      CHECK(a.status == 411);
    }
    well_behaved_client_is_answered(server);
  }
  SECTION("more than 100 header lines are refused (431)") {
    RawConnection c(port);
    std::string head = kHead;
    for (int i = 0; i < 150; ++i) head += "X-Filler-" + std::to_string(i) + ": x\r\n";
    c.send(head);  // the server may close before it has read everything
    const Answer a = parse_answer(c.read_until_closed());
    CHECK(a.status == 431);
    CHECK(a.code == "too_many_headers");
    CHECK(a.message == "The request has more than 100 header lines.");
    well_behaved_client_is_answered(server);
  }
  SECTION("exactly 100 header lines are accepted") {
    RawConnection c(port);
    std::string head = "GET /api/health HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n";
    for (int i = 0; i < 98; ++i) head += "X-Filler-" + std::to_string(i) + ": x\r\n";
    REQUIRE(c.send(head + "\r\n"));
    CHECK(parse_answer(c.read_until_closed()).status == 200);
  }
  SECTION("a 10 KB header line is refused (431), before the line ends") {
    RawConnection c(port);
    c.send(kHead + "X-Long: " + std::string(10 * 1024, 'a'));  // no CRLF: the line never ends
    const Answer a = parse_answer(c.read_until_closed());
    CHECK(a.status == 431);
    CHECK(a.code == "header_too_large");
    CHECK(a.message == "A request header line is longer than 8192 bytes.");
    well_behaved_client_is_answered(server);
  }
  SECTION("a header line without end, a megabyte long, is cut at the limit") {
    RawConnection c(port);
    c.send(kHead + "X-Long: " + std::string(1024 * 1024, 'a'));
    CHECK(parse_answer(c.read_until_closed()).status == 431);
  }
  SECTION("a 10 KB request line is refused (414)") {
    RawConnection c(port);
    c.send("GET /api/health?q=" + std::string(10 * 1024, 'a') + " HTTP/1.1\r\n\r\n");
    const Answer a = parse_answer(c.read_until_closed());
    CHECK(a.status == 414);
    CHECK(a.code == "uri_too_long");
  }
  SECTION("header lines over 64 KiB in all are refused (431)") {
    RawConnection c(port);
    std::string head = kHead;
    for (int i = 0; i < 90; ++i) head += "X-Filler-" + std::to_string(i) + ": " + std::string(1000, 'b') + "\r\n";
    c.send(head);
    const Answer a = parse_answer(c.read_until_closed());
    CHECK(a.status == 431);
    CHECK(a.message == "The request's header lines are larger than 65536 bytes in all.");
  }
  SECTION("JSON nested 10 000 deep is refused with the depth named (400)") {
    const std::string deep = std::string(10'000, '[') + std::string(10'000, ']');
    const Reply r = server.request("POST", "/api/login", deep);
    CHECK(r.status == 400);
    CHECK(r.code() == "bad_json");
    CHECK_THAT(r.message(), Catch::Contains("nested more than"));
    const std::string deep_objects = [] {
      std::string s;
      for (int i = 0; i < 10'000; ++i) s += "{\"a\":";
      return s + "1" + std::string(10'000, '}');
    }();
    CHECK(server.request("POST", "/api/login", deep_objects).code() == "bad_json");
    well_behaved_client_is_answered(server);
  }
  SECTION("invalid UTF-8 in a JSON body is refused and named (400)") {
    for (const std::string& bad : {std::string("\xff\xfe"), std::string("\xc3\x28"), std::string("\xed\xa0\x80"),
                                  std::string("\xf4\x90\x80\x80"), std::string("\xc0\xaf")}) {
      const Reply r = server.request("POST", "/api/login", "{\"email\":\"a" + bad + "@example.com\",\"password\":\"x\"}");
      CHECK(r.status == 400);
      CHECK(r.code() == "bad_json");
      CHECK_THAT(r.message(), Catch::Contains("UTF-8"));
    }
  }
}

TEST_CASE("slowloris clients are dropped within the head deadline; others are served meanwhile", "[http-abuse]") {
  TempDir dir;
  TestServer server(dir.file("slow.db"), abuse_options());
  // 40 connections each trickling a header byte every 200 ms: each read arrives well inside
  // the idle timeout (1 s), so only the head deadline (1.5 s) can end them.
  std::vector<std::unique_ptr<RawConnection>> slow;
  for (int i = 0; i < 40; ++i) {
    slow.push_back(std::make_unique<RawConnection>(server.port()));
    REQUIRE(slow.back()->send("GET /api/health HTTP/1.1\r\nHost: x\r\nX-Slow: "));
  }
  const auto start = Clock::now();
  int answered_meanwhile = 0;
  bool all_dropped = false;
  while (!all_dropped && Clock::now() - start < std::chrono::seconds(10)) {
    for (auto& c : slow) {
      if (!c->closed_by_server()) c->send("a");
    }
    const Reply r = server.request("GET", "/api/health");
    if (r.status == 200) ++answered_meanwhile;
    std::this_thread::sleep_for(std::chrono::milliseconds(200));
    all_dropped = std::all_of(slow.begin(), slow.end(), [](auto& c) { return c->closed_by_server(); });
  }
  const auto took = Clock::now() - start;
  CHECK(all_dropped);
  CHECK(took >= std::chrono::milliseconds(1400));  // not before the deadline...
  CHECK(took < std::chrono::milliseconds(5000));   // ...and not long after it
  CHECK(answered_meanwhile >= 3);
  // A connection that wrote after the server closed may have been reset before its answer was
  // read; every answer that was read is the deadline's.
  int refusals = 0;
  for (auto& c : slow) {
    if (c->received().empty()) continue;
    const Answer a = parse_answer(c->received());
    CHECK(a.status == 408);
    CHECK(a.message == "The request's header lines did not arrive within 1.5 seconds.");
    ++refusals;
  }
  CHECK(refusals > 0);
}

TEST_CASE("a body that stops arriving is dropped at the idle timeout", "[http-abuse]") {
  TempDir dir;
  TestServer server(dir.file("stall.db"), abuse_options());
  RawConnection c(server.port());
  REQUIRE(c.send(kHead + "Content-Type: application/json\r\nContent-Length: 100\r\n\r\n{\"email\":"));
  well_behaved_client_is_answered(server);
  const auto start = Clock::now();
  const Answer a = parse_answer(c.read_until_closed());
  CHECK(Clock::now() - start < std::chrono::milliseconds(5000));
  CHECK(a.status == 408);
  CHECK(a.code == "request_timeout");
  CHECK(a.message == "The connection was silent for 1 second in the middle of a request.");
}

TEST_CASE("keep-alive and pipelined requests still work through the guard", "[http-abuse]") {
  TempDir dir;
  TestServer server(dir.file("keep.db"), abuse_options());
  RawConnection c(server.port());
  // Two requests in one write: the second must not be lost between them.
  REQUIRE(c.send("GET /api/health HTTP/1.1\r\nHost: x\r\n\r\nGET /api/health HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n"));
  const std::string raw = c.read_until_closed();
  std::size_t answers = 0;
  for (std::size_t at = raw.find("HTTP/1.1 200"); at != std::string::npos; at = raw.find("HTTP/1.1 200", at + 1)) ++answers;
  CHECK(answers == 2);
  // A client reusing one connection for many requests (httplib's own client keeps it alive).
  httplib::Client client("127.0.0.1", server.port());
  client.set_keep_alive(true);
  for (int i = 0; i < 20; ++i) {
    auto r = client.Get("/api/health");
    REQUIRE(r);
    CHECK(r->status == 200);
  }
}
