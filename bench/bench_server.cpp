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
#include "shared/replica.hpp"
#include "shared/snapshot_codec.hpp"
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

// Sync over HTTP, as the console does it: a snapshot pull of an enterprise of 100 000 accounts
// (text form and JSON), then 10 000 queued edits pushed in the console's batches of 200.
int sync_figures(httplib::Client& client, const httplib::Headers& auth, Service& service, OrgId root) {
  for (int batch = 0; batch < 95; ++batch) {  // with the invitation runs above: 100 000 accounts
    auto res = client.Post("/api/batches?mode=import&org=" + std::to_string(root.value) +
                               "&file_name=seed.csv",
                           auth, import_csv(100 + batch), "text/csv");
    if (!res || res->status != 201) {
      std::fprintf(stderr, "seeding failed: %d\n", res ? res->status : 0);
      return 1;
    }
  }
  const AdminId admin = service.read([](const State& s) { return s.admins().begin()->first; });
  const std::size_t accounts = service.read([](const State& s) { return s.accounts().size(); });

  auto pull = [&](Replica& replica, bool text, double& request_ms, double& apply_ms, std::size_t& bytes) {
    PullRequest req;
    req.protocol = kProtocolVersion;
    req.client_id = replica.client_id();
    req.since = 0;
    req.from_seq = replica.next_seq();
    req.text_snapshot = text;
    const auto t0 = Steady::now();
    auto res = client.Post("/api/sync/pull", auth, to_json(req).dump(), "application/json");
    request_ms = ms_since(t0);
    if (!res || res->status != 200) return false;
    bytes = res->body.size();
    const auto t1 = Steady::now();
    auto decoded = decode_pull_answer(res->body);
    if (!decoded || !decoded->snapshot) return false;
    replica.apply_pull(*decoded);
    apply_ms = ms_since(t1);
    return replica.view().accounts().size() == accounts;
  };
  for (const bool text : {true, false}) {
    std::vector<double> request_ms, apply_ms, total_ms;
    std::size_t bytes = 0;
    for (int run = 0; run < 3; ++run) {
      Replica replica("bench-pull-" + std::to_string(run) + (text ? "t" : "j"), admin);
      double req = 0, app = 0;
      if (!pull(replica, text, req, app, bytes)) {
        std::fprintf(stderr, "snapshot pull failed\n");
        return 1;
      }
      request_ms.push_back(req);
      apply_ms.push_back(app);
      total_ms.push_back(req + app);
    }
    std::sort(request_ms.begin(), request_ms.end());
    std::sort(apply_ms.begin(), apply_ms.end());
    std::sort(total_ms.begin(), total_ms.end());
    std::printf("{\"name\":\"sync_pull_snapshot_%zuk_%s\",\"median_ms\":%.2f,\"request_ms\":%.2f,"
                "\"decode_apply_ms\":%.2f,\"bytes\":%zu}\n",
                accounts / 1000, text ? "text" : "json", total_ms[1], request_ms[1], apply_ms[1], bytes);
    std::fflush(stdout);
  }

  std::vector<double> push_ms;
  std::size_t push_bytes = 0;
  for (int run = 0; run < 3; ++run) {
    Replica replica("bench-push-" + std::to_string(run), admin);
    double req = 0, app = 0;
    std::size_t bytes = 0;
    if (!pull(replica, true, req, app, bytes)) return 1;
    std::vector<AccountId> ids;
    service.read([&](const State& s) {
      for (const auto& [id, a] : s.accounts()) {
        if (ids.size() == 10000) break;
        ids.push_back(id);
      }
      return 0;
    });
    for (std::size_t i = 0; i < ids.size(); ++i) {
      EditAccount edit;
      edit.account = ids[i];
      edit.fields.notes = "offline note " + std::to_string(run) + "-" + std::to_string(i);
      if (!replica.submit("bench-push-" + std::to_string(run) + "-" + std::to_string(i), edit, service.now())) {
        std::fprintf(stderr, "edit refused locally\n");
        return 1;
      }
    }
    push_bytes = 0;
    const auto t0 = Steady::now();
    while (replica.unsent_count() > 0) {
      const std::string body = to_json(replica.push_request(200)).dump();
      push_bytes += body.size();
      auto res = client.Post("/api/sync/push", auth, body, "application/json");
      if (!res || res->status != 200) {
        std::fprintf(stderr, "push failed: %d\n", res ? res->status : 0);
        return 1;
      }
      auto answer = push_response_from_json(parse_json(res->body).value());
      replica.apply_push(answer.value());
    }
    push_ms.push_back(ms_since(t0));
    if (!replica.issues().empty()) {
      std::fprintf(stderr, "%zu pushed edits were refused\n", replica.issues().size());
      return 1;
    }
  }
  std::sort(push_ms.begin(), push_ms.end());
  std::printf("{\"name\":\"sync_push_10000_commands\",\"median_ms\":%.2f,\"min_ms\":%.2f,\"runs\":3,"
              "\"bytes\":%zu,\"commands_per_s\":%.0f}\n",
              push_ms[1], push_ms[0], push_bytes, 10000 / (push_ms[1] / 1000.0));
  std::fflush(stdout);
  return 0;
}

}  // namespace

int main() {
  init_crypto();
  const auto dir = std::filesystem::temp_directory_path() / ("linedesk-bench-" + std::to_string(::getpid()));
  std::filesystem::create_directories(dir);
  SystemClock clock;
  Store store(std::make_unique<SqliteConnection>((dir / "db.sqlite").string()), clock.now_ms());
  BootstrapOptions boot;
  boot.files_dir = dir.string();
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
  // As the browser does (Chromium sets TCP_NODELAY on every connection): without it, a POST's
  // body waits behind its headers for the server's delayed ACK, about 30 ms a request here.
  client.set_tcp_nodelay(true);
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

  if (sync_figures(client, auth, service, root) != 0) return 1;

  // The write-ahead log after everything: bounded (journal_size_limit) when no read is left open.
  std::printf("{\"name\":\"wal_bytes_after_bench\",\"bytes\":%ju}\n",
              static_cast<uintmax_t>(std::filesystem::file_size(dir / "db.sqlite-wal")));
  http.stop();
  listener.join();
  std::filesystem::remove_all(dir);
  return 0;
}
