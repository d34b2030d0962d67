// linedesk-server: opens the database, creates the enterprise on first start, serves.
#include <csignal>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <string>
#include <vector>

#include "auth.hpp"
#include "bootstrap.hpp"
#include "clock.hpp"
#include "http_server.hpp"
#include "options.hpp"
#include "store.hpp"

#ifndef LINEDESK_DEFAULT_WEB_ROOT
#define LINEDESK_DEFAULT_WEB_ROOT ""
#endif

namespace {

linedesk::server::HttpServer* g_server = nullptr;  // only for the signal handler

void on_signal(int) {
  if (g_server) g_server->stop();
}

}  // namespace

int main(int argc, char** argv) {
  using namespace linedesk::server;
  auto parsed = parse_options(std::vector<std::string>(argv + 1, argv + argc),
                              LINEDESK_DEFAULT_WEB_ROOT);
  if (!parsed) {
    std::fprintf(stderr, "linedesk-server: %s\n", parsed.error().message.c_str());
    return 2;
  }
  Options opts = std::move(parsed).value();
  if (opts.show_help) {
    std::fputs(usage_text().c_str(), stdout);
    return 0;
  }
  try {
    init_crypto();
    SystemClock clock;
    const auto parent = std::filesystem::path(opts.db_path).parent_path();
    if (!parent.empty()) std::filesystem::create_directories(parent);
    Store store(opts.db_path, clock.now_ms());
    auto boot = bootstrap_if_empty(store, opts, clock.now_ms());
    if (!boot) {
      std::fprintf(stderr, "linedesk-server: %s\n", boot.error().message.c_str());
      return 2;
    }

    HttpServer server(store, clock, opts.http);
    const int port = server.bind();
    if (port < 0) {
      std::fprintf(stderr, "linedesk-server: cannot listen on %s:%d (in use?)\n",
                   opts.http.host.c_str(), opts.http.port);
      return 1;
    }
    if (!opts.port_file.empty()) std::ofstream(opts.port_file) << port << "\n";
    std::printf("LineDesk is running at http://%s:%d/\n", opts.http.host.c_str(), port);
    std::printf("%s\n", boot->sign_in_hint.c_str());
    std::fflush(stdout);

    g_server = &server;
    std::signal(SIGINT, on_signal);
    std::signal(SIGTERM, on_signal);
    server.listen();
    g_server = nullptr;
  } catch (const std::exception& e) {
    std::fprintf(stderr, "linedesk-server: %s\n", e.what());
    return 1;
  }
  return 0;
}
