// linedesk-server: opens the database, creates the enterprise on first start (and the demo on
// request), delivers mail in the background, and serves the API and the console.
#include <curl/curl.h>
#include <malloc.h>

#include <atomic>
#include <csignal>
#include <thread>
#include <cstdio>
#include <filesystem>
#include <optional>
#include <fstream>
#include <string>
#include <vector>

#include "auth.hpp"
#include "bootstrap.hpp"
#include "clock.hpp"
#include "delivery.hpp"
#include "demo.hpp"
#include "http_server.hpp"
#include "mail.hpp"
#include "migrate_postgres.hpp"
#include "options.hpp"
#include "postgres_db.hpp"
#include "service.hpp"
#include "sqlite_db.hpp"
#include "store.hpp"

#ifndef LINEDESK_DEFAULT_WEB_ROOT
#define LINEDESK_DEFAULT_WEB_ROOT ""
#endif

namespace {

// Set by SIGINT/SIGTERM; a watcher thread does the actual stopping (a signal handler may only
// touch an atomic).
std::atomic<bool> g_stop{false};

void on_signal(int) { g_stop = true; }

}  // namespace

int main(int argc, char** argv) {
  using namespace linedesk::server;
  // glibc gives busy threads arenas of their own (up to 8 per core) and keeps what they freed:
  // under the load test's 50 clients that held about 600 MiB for the 2 000-account demo enterprise.
  // Four arenas serve the same load at the same speed in about half of it (BENCHMARKS.md).
  mallopt(M_ARENA_MAX, 4);
  auto parsed = parse_options(std::vector<std::string>(argv + 1, argv + argc), LINEDESK_DEFAULT_WEB_ROOT);
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
    curl_global_init(CURL_GLOBAL_DEFAULT);
    SystemClock clock;
    const bool postgres = is_postgres_target(opts.db_path);
    const std::filesystem::path db_dir = opts.data_dir;
    if (!db_dir.empty()) std::filesystem::create_directories(db_dir);
    if (!opts.migrate_from.empty()) return migrate_command(opts);
    std::unique_ptr<SqlConnection> connection;
    bool read_only = false;
    if (postgres) {
      connection = std::make_unique<PostgresConnection>(opts.db_path);
    } else {
      auto sqlite = std::make_unique<SqliteConnection>(opts.db_path);
      read_only = sqlite->read_only();
      connection = std::move(sqlite);
    }
    const std::string db_name = connection->describe();
    Store store(std::move(connection), clock.now_ms());
    // Where several processes share the database, one at a time creates the enterprise (and
    // the demo); the others find it there.
    std::optional<Store::StartupLock> startup(std::in_place, store);
    if (read_only) {
      std::fprintf(stderr,
                   "linedesk-server: the database %s is read-only for this process: LineDesk "
                   "serves what it holds and refuses every change, sign-in and mail delivery "
                   "until the file (and its -wal and -shm files) and its folder are writable "
                   "again.\n",
                   opts.db_path.c_str());
    }
    const bool fresh = !store.has_enterprise();
    auto boot = bootstrap_if_empty(store, opts.boot, clock.now_ms());
    if (!boot) {
      std::fprintf(stderr, "linedesk-server: %s\n", boot.error().message.c_str());
      return 2;
    }
    if (!opts.public_url_set) {
      opts.service.public_url = "http://" + opts.http.host + ":" + std::to_string(opts.http.port);
    }
    Service service(store, clock, opts.service);
    if (opts.demo && fresh) {
      std::printf("Seeding the demo enterprise...\n");
      std::fflush(stdout);
      auto demo = seed_demo(service);
      if (!demo) {
        std::fprintf(stderr, "linedesk-server: demo: %s\n", demo.error().message.c_str());
        return 1;
      }
      std::printf("Demo: %d organizations, %d numbers, %d accounts, %lld usage records.\n",
                  demo->orgs, demo->numbers, demo->accounts,
                  static_cast<long long>(demo->usage_records));
    }
    startup.reset();
    // Other processes' commits, heard as they happen: the State follows them and long polls
    // here wake (the Service also checks before every read).
    std::unique_ptr<PgListener> listener;
    if (postgres) {
      listener = std::make_unique<PgListener>(opts.db_path, Store::kNotifyChannel,
                                              [&service, &store](const std::string& payload) {
        try {
          if (payload.empty() || payload == "usage") store.forget_usage_windows();
          if (payload != "usage") service.catch_up();
        } catch (const std::exception& e) {
          std::fprintf(stderr, "linedesk-server: following other servers: %s\n", e.what());
        }
      });
      listener->start();
    }

    const std::string outbox =
        opts.outbox_dir.empty() ? (db_dir.empty() ? std::filesystem::path("outbox") : db_dir / "outbox").string()
                                : opts.outbox_dir;
    OutboxDirMailer folder(outbox, opts.mail_from);
    std::unique_ptr<SmtpMailer> smtp;
    if (!opts.smtp_url.empty()) smtp = std::make_unique<SmtpMailer>(opts.smtp_url, opts.mail_from, folder);
    Mailer& mailer = smtp ? static_cast<Mailer&>(*smtp) : folder;
    DeliveryWorker delivery(service, mailer);
    service.set_mail_listener([&delivery] { delivery.notify(); });
    delivery.start();

    HttpServer server(service, opts.http);
    const int port = server.bind();
    if (port < 0) {
      std::fprintf(stderr, "linedesk-server: cannot listen on %s:%d (in use?)\n",
                   opts.http.host.c_str(), opts.http.port);
      return 1;
    }
    if (!opts.port_file.empty()) std::ofstream(opts.port_file) << port << "\n";
    std::printf("LineDesk is running at http://%s:%d/ (database: %s)\n", opts.http.host.c_str(),
                port, db_name.c_str());
    std::printf("%s\n", boot->sign_in_hint.c_str());
    std::printf("Mail goes to the %s.\n", mailer.describe().c_str());
    std::fflush(stdout);

    std::signal(SIGINT, on_signal);
    std::signal(SIGTERM, on_signal);
    // Stopping: wake long polls first, so the HTTP workers finish at once. stop() is repeated
    // until listen() returns: a stop() before listen() started would be ignored.
    std::atomic<bool> listening_done{false};
    std::thread watcher([&] {
      while (!g_stop) std::this_thread::sleep_for(std::chrono::milliseconds(50));
      service.begin_shutdown();
      while (!listening_done) {
        server.stop();
        std::this_thread::sleep_for(std::chrono::milliseconds(50));
      }
    });
    server.listen();
    listening_done = true;
    g_stop = true;
    watcher.join();
    delivery.stop();
    if (listener) listener->stop();
  } catch (const DbError& e) {
    std::fprintf(stderr, "linedesk-server: database %s: %s\n",
                 redact_postgres_target(opts.db_path).c_str(), e.what());
    if (e.kind() == DbError::Kind::kCorrupt) {
      std::fprintf(stderr, "linedesk-server: the file is not a LineDesk database or is damaged; "
                           "it was not changed. Restore it from a backup or start with another --db.\n");
    } else if (e.kind() == DbError::Kind::kReadOnly) {
      std::fprintf(stderr, "linedesk-server: the database is read-only and LineDesk must write "
                           "to it to start (first start or schema upgrade); make the file and "
                           "its folder writable by the user running LineDesk.\n");
    } else if (e.kind() == DbError::Kind::kFull) {
      std::fprintf(stderr, "linedesk-server: the disk holding the database is full; free some "
                           "space and start again. Nothing was changed.\n");
    }
    return 1;
  } catch (const std::exception& e) {
    std::fprintf(stderr, "linedesk-server: %s\n", e.what());
    return 1;
  }
  return 0;
}
