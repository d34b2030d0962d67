// HttpServer: cpp-httplib with explicit limits, the JSON API routes and the static console.
#pragma once

#include <memory>
#include <string>

#include "service.hpp"

namespace httplib {
class Server;
}

namespace linedesk::server {

struct ServerConfig {
  std::string host = "127.0.0.1";
  int port = 8080;  // 0 picks a free port
  std::string web_root;  // folder with index.html, linedesk_client.js and .wasm
  std::size_t max_body_bytes = 16u * 1024u * 1024u;
  int read_timeout_s = 10;
  int write_timeout_s = 10;
  int keep_alive_timeout_s = 5;
  int worker_threads = 16;  // browsers keep ~6 connections open each
  bool log_requests = false;
};

class HttpServer {
 public:
  HttpServer(Service& service, ServerConfig config);
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
  Service& service_;
  ServerConfig config_;
  std::unique_ptr<httplib::Server> http_;
};

}  // namespace linedesk::server
