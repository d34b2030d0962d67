// Server test fixtures: a temp folder, and the whole server (store on SQLite or PostgreSQL,
// test_database.hpp; service, outbox mailer, HTTP) on 127.0.0.1 at a free port with a clock the
// test moves.
#pragma once

#include <httplib.h>

#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <memory>
#include <random>
#include <sstream>
#include <string>
#include <thread>
#include <vector>

#include "auth.hpp"
#include "bootstrap.hpp"
#include "clock.hpp"
#include "delivery.hpp"
#include "http_server.hpp"
#include "mail.hpp"
#include "service.hpp"
#include "shared/json_io.hpp"
#include "sqlite_db.hpp"
#include "test_database.hpp"
#include "store.hpp"

namespace linedesk::test {

// A fresh folder under the system temp dir, removed with everything in it on destruction.
class TempDir {
 public:
  TempDir() {
    std::random_device rd;
    path_ = std::filesystem::temp_directory_path() /
            ("linedesk-test-" + std::to_string(rd()) + std::to_string(rd()));
    std::filesystem::create_directories(path_);
  }
  ~TempDir() {
    std::error_code ec;
    std::filesystem::remove_all(path_, ec);
  }
  const std::filesystem::path& path() const { return path_; }
  std::string file(const std::string& name) const { return (path_ / name).string(); }

 private:
  std::filesystem::path path_;
};

inline constexpr const char* kAdminEmail = "zoe@example.com";
inline constexpr const char* kAdminPassword = "Zoë Müller 2026!";
inline constexpr const char* kOrgName = "Zoë Müller Holdings";

// An HTTP answer with its body parsed when it is JSON.
struct Reply {
  int status = 0;
  std::string body;
  Json json;
  httplib::Headers headers;
  std::string code() const {
    return json.is_object() && json.contains("error") ? json["error"].value("code", "") : "";
  }
  std::string message() const {
    return json.is_object() && json.contains("error") ? json["error"].value("message", "") : "";
  }
};

// Sends a request to a server on 127.0.0.1:`port`; `content_type` defaults to JSON. Throws when
// no answer comes (refused, reset, timed out).
inline Reply request_on(int port, const std::string& method, const std::string& path,
                        const std::string& body = {}, const std::string& token = {},
                        const std::string& content_type = "application/json",
                        httplib::Headers extra = {}, int read_timeout_s = 20) {
  httplib::Client c("127.0.0.1", port);
  c.set_read_timeout(read_timeout_s, 0);
  c.set_connection_timeout(5, 0);
  httplib::Headers headers = std::move(extra);
  if (!token.empty()) headers.emplace("Authorization", "Bearer " + token);
  auto send = [&]() -> httplib::Result {
    if (method == "GET") return c.Get(path, headers);
    if (method == "POST") return c.Post(path, headers, body, content_type);
    if (method == "PUT") return c.Put(path, headers, body, content_type);
    if (method == "PATCH") return c.Patch(path, headers, body, content_type);
    return c.Delete(path, headers, body, content_type);
  };
  httplib::Result res = send();
  if (!res) throw std::runtime_error("no answer for " + method + " " + path);
  Reply r;
  r.status = res->status;
  r.body = res->body;
  r.headers = res->headers;
  if (auto j = parse_json(res->body)) r.json = std::move(j).value();
  return r;
}

struct TestServerOptions {
  server::ServerConfig http;
  server::ServiceConfig service;
  std::string smtp_url;  // empty: the outbox folder
  bool start_delivery = false;  // else tests deliver with deliver()
};

// Store + Service + HttpServer on a free loopback port, listening on a background thread.
// `db_path` may hold an earlier TestServer's database: a restart keeps everything.
class TestServer {
 public:
  explicit TestServer(const std::string& db_path, TestServerOptions options = {})
      : clock_(1'795'420'000'000), outbox_dir_(db_path + ".outbox") {
    server::init_crypto();
    store_ = std::make_unique<server::Store>(open_test_database(db_path), clock_.now_ms());
    server::BootstrapOptions boot;
    boot.files_dir = std::filesystem::path(db_path).parent_path().string();
    boot.org_name = kOrgName;
    boot.admin_email = kAdminEmail;
    boot.admin_password = kAdminPassword;
    auto b = server::bootstrap_if_empty(*store_, boot, clock_.now_ms());
    if (!b) throw std::runtime_error(b.error().message);
    service_ = std::make_unique<server::Service>(*store_, clock_, options.service);
    folder_ = std::make_unique<server::OutboxDirMailer>(outbox_dir_, "LineDesk <no-reply@linedesk.test>");
    if (!options.smtp_url.empty()) {
      smtp_ = std::make_unique<server::SmtpMailer>(options.smtp_url, "LineDesk <no-reply@linedesk.test>", *folder_);
    }
    delivery_ = std::make_unique<server::DeliveryWorker>(
        *service_, smtp_ ? static_cast<server::Mailer&>(*smtp_) : *folder_, 0);
    if (options.start_delivery) {
      service_->set_mail_listener([this] { delivery_->notify(); });
      delivery_->start();
    }
    options.http.host = "127.0.0.1";
    options.http.port = 0;
    http_ = std::make_unique<server::HttpServer>(*service_, options.http);
    port_ = http_->bind();
    if (port_ <= 0) throw std::runtime_error("bind failed");
    thread_ = std::thread([this] { http_->listen(); });
    // httplib ignores stop() until listen() runs; wait so the destructor cannot hang.
    while (!http_->is_running()) std::this_thread::sleep_for(std::chrono::milliseconds(1));
  }
  ~TestServer() {
    http_->stop();
    thread_.join();
    delivery_->stop();
  }

  int port() const { return port_; }
  server::ManualClock& clock() { return clock_; }
  server::Store& store() { return *store_; }
  server::Service& service() { return *service_; }
  server::Service& service() const { return *service_; }
  const std::string& outbox_dir() const { return outbox_dir_; }
  // Delivers what is pending on this thread (without the background worker): one round of at
  // most 25 messages, as the worker does per wake-up.
  int deliver() { return delivery_->run_once(); }
  // Rounds until nothing is left to send (bounded: failed messages give up after a few tries).
  int deliver_all() {
    int total = 0;
    for (int round = 0; round < 1000; ++round) {
      const int n = deliver();
      if (n == 0) break;
      total += n;
    }
    return total;
  }

  httplib::Client client() const {
    httplib::Client c("127.0.0.1", port_);
    c.set_read_timeout(20, 0);
    c.set_connection_timeout(5, 0);
    return c;
  }
  // Signs in and returns the session token.
  std::string login(const std::string& email = kAdminEmail,
                    const std::string& password = kAdminPassword) const {
    auto r = request("POST", "/api/login", Json{{"email", email}, {"password", password}}.dump());
    if (r.status != 200) throw std::runtime_error("login failed: " + r.body);
    return r.json["token"].get<std::string>();
  }

  // Sends a request; `content_type` defaults to JSON.
  Reply request(const std::string& method, const std::string& path, const std::string& body = {},
                const std::string& token = {}, const std::string& content_type = "application/json",
                httplib::Headers extra = {}) const {
    return request_on(port_, method, path, body, token, content_type, std::move(extra));
  }
  Reply get(const std::string& path, const std::string& token) const { return request("GET", path, {}, token); }
  Reply post(const std::string& path, const Json& body, const std::string& token) const {
    return request("POST", path, body.dump(), token);
  }

  // The enterprise's root organization and the first administrator.
  OrgId root() const {
    return service_->read([](const State& s) { return s.root()->id; });
  }
  PermGroupId default_group() const {
    return service_->read([](const State& s) { return s.default_group(s.root()->id); });
  }

 private:
  server::ManualClock clock_;
  std::string outbox_dir_;
  std::unique_ptr<server::Store> store_;
  std::unique_ptr<server::Service> service_;
  std::unique_ptr<server::OutboxDirMailer> folder_;
  std::unique_ptr<server::SmtpMailer> smtp_;
  std::unique_ptr<server::DeliveryWorker> delivery_;
  std::unique_ptr<server::HttpServer> http_;
  std::thread thread_;
  int port_ = 0;
};

// --- Helpers that build an enterprise through the API ---------------------------------------

// Percent-encodes a query value ("+" in an E.164 number would otherwise read as a space).
inline std::string url_encode(std::string_view s) {
  std::string out;
  for (unsigned char c : s) {
    if (std::isalnum(c) || c == '-' || c == '_' || c == '.' || c == '~') {
      out += static_cast<char>(c);
    } else {
      char buf[4];
      std::snprintf(buf, sizeof buf, "%%%02X", c);
      out += buf;
    }
  }
  return out;
}

// The answer's JSON when its status is `status`; throws naming `what` otherwise (fixture setup
// must not fail silently).
inline Json expect_status(const Reply& r, int status, const std::string& what) {
  if (r.status != status) {
    throw std::runtime_error(what + ": HTTP " + std::to_string(r.status) + " " + r.body);
  }
  return r.json;
}

// A session for `admin` as a sign-in would create it, without the argon2 work of /api/login.
inline std::string session_for(TestServer& s, AdminId admin) {
  const std::string token = server::new_session_token();
  s.store().create_session(server::token_hash(token), admin, s.clock().now_ms());
  return token;
}

inline AdminId admin_id(const TestServer& s, const std::string& email) {
  return s.service().read([&](const State& st) {
    const Administrator* a = st.admin_by_email(email);
    return a ? a->id : AdminId();
  });
}

inline OrgId create_org(const TestServer& s, const std::string& token, OrgId parent,
                        const std::string& name) {
  auto j = expect_status(s.post("/api/orgs", Json{{"parent", parent.value}, {"name", name}}, token),
                         201, "create org " + name);
  return OrgId(j["result"]["org"].get<std::int64_t>());
}

// `privileges`: names such as "accounts", "numbers".
inline RoleId create_role(const TestServer& s, const std::string& token, OrgId org,
                          const std::string& name, const std::vector<std::string>& privileges) {
  auto j = expect_status(
      s.post("/api/roles", Json{{"org", org.value}, {"name", name}, {"privileges", privileges}}, token),
      200, "create role " + name);
  return RoleId(j["result"]["role"].get<std::int64_t>());
}

inline const std::vector<std::string>& all_privilege_names() {
  static const std::vector<std::string> kAll = {"accounts",       "numbers", "organizations",
                                                "administrators", "reports", "settings"};
  return kAll;
}

inline AdminId invite_admin(const TestServer& s, const std::string& token, OrgId org, RoleId role,
                            const std::string& email, const std::string& first = "Ada",
                            const std::string& last = "Admin") {
  auto j = expect_status(s.post("/api/admins",
                                Json{{"org", org.value},
                                     {"role", role.value},
                                     {"email", email},
                                     {"first_name", first},
                                     {"last_name", last}},
                                token),
                         201, "invite admin " + email);
  return AdminId(j["result"]["admin"].get<std::int64_t>());
}

// Gives an invited administrator a password directly in the store.
inline void set_password(TestServer& s, AdminId admin, const std::string& password) {
  s.store().set_password_hash(admin, server::hash_password(password), s.clock().now_ms());
}

// "+<first>", "+<first+1>", ...: `count` numbers imported into the root's pool.
inline std::vector<std::string> import_numbers(const TestServer& s, const std::string& token,
                                               std::int64_t first, int count) {
  std::vector<std::string> numbers;
  Json entries = Json::array();
  for (int i = 0; i < count; ++i) {
    numbers.push_back("+" + std::to_string(first + i));
    entries.push_back(Json{{"number", numbers.back()}});
  }
  auto j = expect_status(s.post("/api/numbers/import", Json{{"entries", entries}}, token), 200,
                         "import numbers");
  if (j["imported"] != count) throw std::runtime_error("import numbers: " + j.dump());
  return numbers;
}

inline void allocate_numbers(const TestServer& s, const std::string& token, OrgId to,
                             const std::vector<std::string>& numbers) {
  expect_status(s.post("/api/numbers/allocate", Json{{"to", to.value}, {"numbers", numbers}}, token),
                200, "allocate numbers");
}

inline Json account_fields(const std::string& account_id, const std::string& first,
                           const std::string& last, const std::string& address) {
  return Json{{"account_id", account_id},
              {"first_name", first},
              {"last_name", last},
              {"invite_address", address}};
}

// Save (or Save & Invite) through POST /api/accounts; returns the new account's id.
inline AccountId add_account(const TestServer& s, const std::string& token, OrgId org,
                             const Json& fields, bool invite = false,
                             const std::string& number = {}) {
  Json body{{"org", org.value}, {"fields", fields}, {"invite", invite}};
  if (!number.empty()) body["number"] = number;
  auto j = expect_status(s.post("/api/accounts", body, token), 201,
                         "add account " + fields.value("account_id", std::string()));
  return AccountId(j["result"]["account"].get<std::int64_t>());
}

inline Account account_of(const TestServer& s, AccountId id) {
  return s.service().read([&](const State& st) {
    const Account* a = st.account(id);
    if (!a) throw std::runtime_error("no account " + std::to_string(id.value));
    return *a;
  });
}

// A file the outbox folder holds, in delivery order.
struct OutboxFile {
  std::string name;
  std::string text;
};

inline std::string read_text_file(const std::filesystem::path& path) {
  std::ifstream in(path, std::ios::binary);
  std::ostringstream out;
  out << in.rdbuf();
  return out.str();
}

inline std::vector<OutboxFile> outbox_files(const TestServer& s) {
  std::vector<std::pair<long long, OutboxFile>> found;
  std::error_code ec;
  for (const auto& e : std::filesystem::directory_iterator(s.outbox_dir(), ec)) {
    const std::string name = e.path().filename().string();
    if (name.size() > 4 && name.compare(name.size() - 4, 4, ".tmp") == 0) continue;
    found.emplace_back(std::atoll(name.c_str()), OutboxFile{name, read_text_file(e.path())});
  }
  std::sort(found.begin(), found.end(),
            [](const auto& a, const auto& b) { return a.first < b.first; });
  std::vector<OutboxFile> out;
  for (auto& f : found) out.push_back(std::move(f.second));
  return out;
}

// The token of the first link to `path` ("/activate/", "/admin-activate/") in `text`, or "".
inline std::string link_token(const std::string& text, const std::string& path) {
  const auto at = text.find(path);
  if (at == std::string::npos) return {};
  std::string token;
  for (std::size_t i = at + path.size(); i < text.size(); ++i) {
    const char c = text[i];
    if (!std::isalnum(static_cast<unsigned char>(c)) && c != '-' && c != '_') break;
    token += c;
  }
  return token;
}

inline std::string base64_decode(std::string_view in) {
  static constexpr std::string_view kTable =
      "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
  std::string out;
  unsigned value = 0;
  int bits = -8;
  for (char c : in) {
    const auto pos = kTable.find(c);
    if (pos == std::string_view::npos) continue;
    value = (value << 6) | static_cast<unsigned>(pos);
    bits += 6;
    if (bits >= 0) {
      out += static_cast<char>((value >> bits) & 0xFF);
      bits -= 8;
    }
  }
  return out;
}

// The value of header `name` in an RFC 5322 message, RFC 2047 "B" words decoded.
inline std::string mail_header(const std::string& message, const std::string& name) {
  std::istringstream in(message);
  std::string line;
  const std::string prefix = name + ": ";
  while (std::getline(in, line)) {
    if (!line.empty() && line.back() == '\r') line.pop_back();
    if (line.empty()) break;
    if (line.compare(0, prefix.size(), prefix) != 0) continue;
    std::string value = line.substr(prefix.size());
    const std::string word = "=?UTF-8?B?";
    if (value.rfind(word, 0) == 0 && value.size() > word.size() + 2) {
      return base64_decode(value.substr(word.size(), value.size() - word.size() - 2));
    }
    return value;
  }
  return {};
}

// Sends `raw` as is on a new loopback connection and returns everything the server answers
// before closing (or until `timeout_ms`). For requests httplib::Client cannot form.
inline std::string raw_exchange(int port, const std::string& raw, int timeout_ms = 5000) {
  const int fd = ::socket(AF_INET, SOCK_STREAM, 0);
  if (fd < 0) throw std::runtime_error("socket failed");
  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  addr.sin_port = htons(static_cast<std::uint16_t>(port));
  addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  timeval tv{timeout_ms / 1000, (timeout_ms % 1000) * 1000};
  ::setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof tv);
  ::setsockopt(fd, SOL_SOCKET, SO_SNDTIMEO, &tv, sizeof tv);
  if (::connect(fd, reinterpret_cast<sockaddr*>(&addr), sizeof addr) != 0) {
    ::close(fd);
    throw std::runtime_error("connect failed");
  }
  std::size_t sent = 0;
  while (sent < raw.size()) {
    const ssize_t n = ::send(fd, raw.data() + sent, raw.size() - sent, MSG_NOSIGNAL);
    if (n <= 0) break;  // the server may answer and close before reading everything
    sent += static_cast<std::size_t>(n);
  }
  std::string answer;
  char buf[4096];
  for (;;) {
    const ssize_t n = ::recv(fd, buf, sizeof buf, 0);
    if (n <= 0) break;
    answer.append(buf, static_cast<std::size_t>(n));
    if (answer.find("\r\n\r\n") != std::string::npos) {
      // Enough once the declared body has arrived.
      const auto cl = answer.find("Content-Length: ");
      const auto end = answer.find("\r\n\r\n");
      if (cl != std::string::npos && cl < end) {
        const std::size_t length = std::stoul(answer.substr(cl + 16));
        if (answer.size() >= end + 4 + length) break;
      }
    }
  }
  ::close(fd);
  return answer;
}

// A loopback port held bound but never listening for the life of the object: connecting to it
// is refused, and no other socket (a test server binding port 0, an outgoing connection picking
// its source port) can take it meanwhile, as could happen with a port merely found free.
class RefusingPort {
 public:
  RefusingPort() : fd_(::socket(AF_INET, SOCK_STREAM, 0)) {
    sockaddr_in addr{};
    addr.sin_family = AF_INET;
    addr.sin_port = 0;
    addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    ::bind(fd_, reinterpret_cast<sockaddr*>(&addr), sizeof addr);
    socklen_t len = sizeof addr;
    ::getsockname(fd_, reinterpret_cast<sockaddr*>(&addr), &len);
    port_ = ntohs(addr.sin_port);
  }
  ~RefusingPort() { ::close(fd_); }
  RefusingPort(const RefusingPort&) = delete;
  RefusingPort& operator=(const RefusingPort&) = delete;
  int port() const { return port_; }

 private:
  int fd_;
  int port_ = 0;
};

// A loopback TCP port nothing listens on at the moment of the call.
inline int free_port() { return RefusingPort().port(); }

}  // namespace linedesk::test
