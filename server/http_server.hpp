// HttpServer: the JSON API, sessions and the static console, on cpp-httplib.
#pragma once

#include <cstdint>
#include <memory>
#include <string>

#include "clock.hpp"
#include "store.hpp"

namespace httplib {
class Server;
struct Request;
struct Response;
}  // namespace httplib

namespace linedesk::server {

struct ServerConfig {
  std::string host = "127.0.0.1";
  int port = 8080;  // 0 picks a free port
  std::string web_root;  // folder with index.html, linedesk_client.js and .wasm
  std::int64_t session_idle_ms = 30LL * 60 * 1000;
  std::int64_t session_absolute_ms = 12LL * 60 * 60 * 1000;
  std::size_t max_body_bytes = 16u * 1024u * 1024u;
  int read_timeout_s = 10;
  int write_timeout_s = 10;
  int worker_threads = 16;  // browsers keep ~6 connections open each
  bool log_requests = false;
};

class HttpServer {
 public:
  HttpServer(Store& store, const Clock& clock, ServerConfig config);
  ~HttpServer();
  HttpServer(const HttpServer&) = delete;
  HttpServer& operator=(const HttpServer&) = delete;

  // Binds the listening socket; returns the port (useful with port 0) or -1 on failure.
  int bind();
  // Serves until stop(); call after bind().
  bool listen();
  void stop();
  bool is_running() const;

 private:
  struct Auth;
  void install_routes();
  // Resolves the bearer token of `req` into a live session, or answers 401 and returns false.
  bool authenticate(const httplib::Request& req, httplib::Response& res, Auth& out);

  Store& store_;
  const Clock& clock_;
  ServerConfig config_;
  std::unique_ptr<httplib::Server> http_;
};

}  // namespace linedesk::server
