// The HTTP server: limits, routes, the static console, JSON error bodies.
#include "http_server.hpp"

#include <httplib.h>
#include <sys/socket.h>

#include <algorithm>
#include <cstdio>
#include <filesystem>

#include "http_util.hpp"
#include "routes.hpp"

namespace linedesk::server {

HttpServer::HttpServer(Service& service, ServerConfig config)
    : service_(service),
      config_(std::move(config)),
      http_(std::make_unique<GuardedServer>(config_.limits)) {
  const auto threads = static_cast<std::size_t>(std::max(1, config_.worker_threads));
  http_->new_task_queue = [threads] { return new ElasticPool(threads); };
  http_->set_payload_max_length(config_.max_body_bytes);
  // Reads and writes go through GuardedStream, which applies config_.limits' timeouts.
  http_->set_keep_alive_max_count(1000);
  http_->set_tcp_nodelay(true);
  if (config_.log_requests) {
    http_->set_logger([](const httplib::Request& req, const httplib::Response& res) {
      std::fprintf(stderr, "%s %s -> %d\n", req.method.c_str(), req.path.c_str(), res.status);
    });
  }
  httplib::Server& s = *http_;
  // httplib 0.11.4 applies the body limit to Content-Length only and would buffer a chunked
  // body of any size; it would also read and discard a body over the limit before answering
  // 413, so a client announcing terabytes would hold a worker until the request deadline. Both
  // are refused here, before the body is read.
  const std::size_t max_body = config_.max_body_bytes;
  s.set_pre_routing_handler([max_body](const httplib::Request& req, httplib::Response& res) {
    // The body stays unread, so this connection cannot carry another request.
    auto refuse_unread = [&res](int status, const Error& e) {
      res.set_header("Connection", "close");
      if (GuardedStream* c = current_connection()) c->close_after_response();
      send_error(res, status, e);
      return httplib::Server::HandlerResponse::Handled;
    };
    if (const std::string length = req.get_header_value("Content-Length"); !length.empty()) {
      const bool digits = length.size() <= 19 &&
                          std::all_of(length.begin(), length.end(), [](char c) { return c >= '0' && c <= '9'; });
      if (!digits) {
        return refuse_unread(400, make_error("bad_request", "", "Content-Length must be a number of bytes."));
      }
      if (std::stoull(length) > max_body) {
        return refuse_unread(413, make_error("body_too_large", "",
                                             "The request body is " + length + " bytes; the server accepts at most " +
                                                 std::to_string(max_body) + "."));
      }
    }
    if (!req.has_header("Transfer-Encoding")) return httplib::Server::HandlerResponse::Unhandled;
    return refuse_unread(411, make_error("length_required", "",
                                         "Send the request body with a Content-Length header; chunked "
                                         "uploads are not accepted."));
  });
  install_auth_routes(s, service_, config_.trusted_proxies);
  install_org_routes(s, service_);
  install_account_routes(s, service_);
  install_batch_routes(s, service_);
  install_number_routes(s, service_);
  install_admin_routes(s, service_);
  install_report_routes(s, service_);
  install_activation_routes(s, service_);
  install_sync_routes(s, service_);

  // Refusals httplib makes itself (unknown path, body too large, bad request line) get a JSON
  // body too, so scripts and the console always read {code, message}.
  s.set_error_handler([](const httplib::Request& req, httplib::Response& res) {
    if (!res.body.empty()) return;
    Error e;
    switch (res.status) {
      case 404:
        e = make_error("not_found", "", "There is nothing at " + req.method + " " + req.path + ".");
        break;
      case 413:
        e = make_error("body_too_large", "", "The request body is larger than the server accepts.");
        break;
      case 414:
        e = make_error("uri_too_long", "", "The request address is too long.");
        break;
      default:
        e = make_error("bad_request", "",
                       "The server refused the request (HTTP " + std::to_string(res.status) + ").");
    }
    res.set_content(error_body(e).dump(), "application/json; charset=utf-8");
  });

  if (!config_.web_root.empty() && std::filesystem::is_directory(config_.web_root)) {
    s.set_mount_point("/", config_.web_root);
    s.set_file_request_handler([](const httplib::Request&, httplib::Response& res) {
      res.set_header("Cache-Control", "no-cache");
    });
  } else {
    const std::string root = config_.web_root;
    s.Get("/", [root](const httplib::Request&, httplib::Response& res) {
      res.set_content("<!doctype html><meta charset=utf-8><title>LineDesk</title><p>The LineDesk "
                      "console is not built (looked in " + root +
                          "). Run <code>scripts/serve.sh</code>.",
                      "text/html; charset=utf-8");
    });
  }
}

HttpServer::~HttpServer() = default;

int HttpServer::bind() {
  const int port = config_.port == 0 ? http_->bind_to_any_port(config_.host)
                                     : (http_->bind_to_port(config_.host, config_.port) ? config_.port : -1);
  if (port > 0 && !http_->widen_backlog(SOMAXCONN)) return -1;
  return port;
}

bool HttpServer::listen() { return http_->listen_after_bind(); }
void HttpServer::stop() { http_->stop(); }
bool HttpServer::is_running() const { return http_->is_running(); }

}  // namespace linedesk::server
