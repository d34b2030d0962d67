// Server test fixtures: a temp folder, and the whole server (SQLite store, service, outbox
// mailer, HTTP) on 127.0.0.1 at a free port with a clock the test moves.
#pragma once

#include <httplib.h>

#include <filesystem>
#include <memory>
#include <random>
#include <string>
#include <thread>

#include "auth.hpp"
#include "bootstrap.hpp"
#include "clock.hpp"
#include "delivery.hpp"
#include "http_server.hpp"
#include "mail.hpp"
#include "service.hpp"
#include "shared/json_io.hpp"
#include "sqlite_db.hpp"
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

struct TestServerOptions {
  server::ServerConfig http;
  server::ServiceConfig service;
  std::string smtp_url;  // empty: the outbox folder
  bool start_delivery = false;  // else tests deliver with deliver()
};

// Store + Service + HttpServer on a free loopback port, listening on a background thread.
class TestServer {
 public:
  explicit TestServer(const std::string& db_path, TestServerOptions options = {})
      : clock_(1'795'420'000'000), outbox_dir_(db_path + ".outbox") {
    server::init_crypto();
    store_ = std::make_unique<server::Store>(std::make_unique<server::SqliteConnection>(db_path),
                                             clock_.now_ms());
    server::BootstrapOptions boot;
    boot.db_path = db_path;
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
  const std::string& outbox_dir() const { return outbox_dir_; }
  // Delivers everything pending on this thread (without the background worker).
  int deliver() { return delivery_->run_once(); }

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
    auto c = client();
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

}  // namespace linedesk::test
