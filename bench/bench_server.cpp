// Server benchmark: a 1000-row Import & Invite through the JSON API end to end (HTTP, SQLite
// commit, outbox written as .eml files) and sequential keep-alive requests per second on
// /api/orgs. Prints one JSON line per figure.
#include <httplib.h>

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <filesystem>
#include <thread>

#include "auth.hpp"
#include "bootstrap.hpp"
#include "clock.hpp"
#include "delivery.hpp"
#include "http_server.hpp"
#include "mail.hpp"
#include "service.hpp"
#include "sqlite_db.hpp"

using namespace linedesk;
using namespace linedesk::server;

namespace {

using Steady = std::chrono::steady_clock;

double ms_since(Steady::time_point t0) {
  return std::chrono::duration<double, std::milli>(Steady::now() - t0).count();
}

std::string import_csv(int batch) {
  std::string csv =
      "firstname,lastname,email address or device,social_messaging,multiline_number,"
      "monitor_calls,monitor_sms,forwarding_number,Language\r\n";
  for (int i = 0; i < 1000; ++i) {
    csv += "Zoë,Müller " + std::to_string(i) + ",b" + std::to_string(batch) + "u" +
           std::to_string(i) + "@bench.example,No,,auto,on,,Italian\r\n";
  }
  return csv;
}

void report(const char* name, std::vector<double> samples, const char* unit, double per) {
  std::sort(samples.begin(), samples.end());
  const double median = samples[samples.size() / 2];
  std::printf("{\"name\":\"%s\",\"median_ms\":%.2f,\"min_ms\":%.2f,\"runs\":%zu,\"%s\":%.0f}\n",
              name, median, samples.front(), samples.size(), unit, per > 0 ? per / (median / 1000.0) : 0.0);
  std::fflush(stdout);
}

}  // namespace

int main() {
  init_crypto();
  const auto dir = std::filesystem::temp_directory_path() / ("linedesk-bench-" + std::to_string(::getpid()));
  std::filesystem::create_directories(dir);
  SystemClock clock;
  Store store(std::make_unique<SqliteConnection>((dir / "db.sqlite").string()), clock.now_ms());
  BootstrapOptions boot;
  boot.db_path = (dir / "db.sqlite").string();
  boot.admin_email = "bench@example.com";
  boot.admin_password = "bench-password";
  if (auto b = bootstrap_if_empty(store, boot, clock.now_ms()); !b) return 1;
  Service service(store, clock, ServiceConfig{});
  OutboxDirMailer outbox((dir / "outbox").string(), "LineDesk <bench@linedesk.local>");
  DeliveryWorker delivery(service, outbox, 0);
  ServerConfig config;
  config.port = 0;
  HttpServer http(service, config);
  const int port = http.bind();
  std::thread listener([&] { http.listen(); });
  while (!http.is_running()) std::this_thread::sleep_for(std::chrono::milliseconds(1));

  httplib::Client client("127.0.0.1", port);
  client.set_keep_alive(true);
  client.set_read_timeout(60, 0);
  auto login = client.Post("/api/login", R"({"email":"bench@example.com","password":"bench-password"})",
                           "application/json");
  const std::string token = parse_json(login->body).value()["token"].get<std::string>();
  const httplib::Headers auth = {{"Authorization", "Bearer " + token}};
  const OrgId root = service.read([](const State& s) { return s.root()->id; });

  // Numbers for every invitation of every run: the pool must hold a free number per user.
  std::string numbers = "number\n";
  for (int i = 0; i < 8000; ++i) numbers += "+3906" + std::to_string(10000000 + i) + "\n";
  client.Post("/api/numbers/import", auth, numbers, "text/csv");

  std::vector<double> import_ms;
  std::vector<double> request_ms;
  for (int run = 0; run < 5; ++run) {
    const std::string csv = import_csv(run);
    const auto t0 = Steady::now();
    auto res = client.Post("/api/batches?mode=import_and_invite&org=" + std::to_string(root.value) +
                               "&file_name=bench.csv",
                           auth, csv, "text/csv");
    request_ms.push_back(ms_since(t0));
    // Every invitation rendered and written to the outbox folder.
    while (delivery.run_once() > 0) {
    }
    import_ms.push_back(ms_since(t0));
    if (!res || res->status != 201) {
      std::fprintf(stderr, "import failed: %d %s\n", res ? res->status : 0, res ? res->body.c_str() : "");
      return 1;
    }
  }
  report("api_import_and_invite_1000_request", request_ms, "rows_per_s", 1000);
  report("api_import_and_invite_1000_delivered", import_ms, "rows_per_s", 1000);

  std::vector<double> orgs_ms;
  constexpr int kRequests = 2000;
  for (int run = 0; run < 3; ++run) {
    const auto t0 = Steady::now();
    for (int i = 0; i < kRequests; ++i) {
      auto r = client.Get("/api/orgs", auth);
      if (!r || r->status != 200) return 1;
    }
    orgs_ms.push_back(ms_since(t0));
  }
  report("keepalive_get_orgs_2000", orgs_ms, "requests_per_s", kRequests);

  http.stop();
  listener.join();
  std::filesystem::remove_all(dir);
  return 0;
}
