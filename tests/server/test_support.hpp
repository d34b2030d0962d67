// Test fixtures for server tests: a temp folder and a real server on 127.0.0.1:<free port>.
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
#include "http_server.hpp"
#include "shared/json_io.hpp"
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

// Store + HttpServer on a free loopback port, listening on a background thread.
class TestServer {
 public:
  explicit TestServer(const std::string& db_path, server::ServerConfig config = {})
      : clock_(1'750'000'000'000) {
    server::init_crypto();
    store_ = std::make_unique<server::Store>(db_path, clock_.now_ms());
    server::Options opts;
    opts.db_path = db_path;
    opts.org_name = kOrgName;
    opts.admin_email = kAdminEmail;
    opts.admin_password = kAdminPassword;
    auto boot = server::bootstrap_if_empty(*store_, opts, clock_.now_ms());
    if (!boot) throw std::runtime_error(boot.error().message);
    config.host = "127.0.0.1";
    config.port = 0;
    http_ = std::make_unique<server::HttpServer>(*store_, clock_, config);
    port_ = http_->bind();
    if (port_ <= 0) throw std::runtime_error("bind failed");
    thread_ = std::thread([this] { http_->listen(); });
    // httplib ignores stop() until listen() runs; wait so the destructor cannot hang.
    while (!http_->is_running()) std::this_thread::sleep_for(std::chrono::milliseconds(1));
  }
  ~TestServer() {
    http_->stop();
    thread_.join();
  }

  int port() const { return port_; }
  server::ManualClock& clock() { return clock_; }
  server::Store& store() { return *store_; }
  httplib::Client client() const {
    httplib::Client c("127.0.0.1", port_);
    c.set_read_timeout(10, 0);
    return c;
  }
  // Signs in as the bootstrap administrator and returns the session token.
  std::string login() const {
    auto c = client();
    Json body{{"email", kAdminEmail}, {"password", kAdminPassword}};
    auto res = c.Post("/api/login", body.dump(), "application/json");
    if (!res || res->status != 200) throw std::runtime_error("login failed");
    return parse_json(res->body).value()["token"].get<std::string>();
  }

 private:
  server::ManualClock clock_;
  std::unique_ptr<server::Store> store_;
  std::unique_ptr<server::HttpServer> http_;
  std::thread thread_;
  int port_ = 0;
};

inline httplib::Headers bearer(const std::string& token) {
  return {{"Authorization", "Bearer " + token}};
}

}  // namespace linedesk::test
