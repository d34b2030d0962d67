// HttpServer: cpp-httplib with explicit limits, the JSON API routes and the static console.
#pragma once

#include <memory>
#include <string>
#include <vector>

#include "http_guard.hpp"
#include "service.hpp"

namespace linedesk::server {

struct ServerConfig {
  std::string host = "127.0.0.1";
  int port = 8080;  // 0 picks a free port
  std::string web_root;  // folder with index.html, linedesk_client.js and .wasm
  std::size_t max_body_bytes = 16u * 1024u * 1024u;
  RequestLimits limits;  // head size, header count, line length, deadlines (http_guard.hpp)
  // Most workers at once: each open connection holds one (a browser keeps ~6, one of them in
  // a long-poll); workers start as connections arrive.
  int worker_threads = 256;
  bool log_requests = false;
  // Peers whose X-Forwarded-For is believed (a reverse proxy such as nginx): for them the
  // client's address is the last one in that header. Sign-in limits and the audit use it.
  std::vector<std::string> trusted_proxies;
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
  std::unique_ptr<GuardedServer> http_;
};

}  // namespace linedesk::server
