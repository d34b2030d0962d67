// Load test (issue 9): N concurrent keep-alive clients mixing reads, sync pushes and pulls for a
// given time against a real `linedesk-server --demo` process on loopback. Each client is a
// Replica, as the console is: it pulls, edits accounts of its own share offline, pushes.
// Prints one JSON line with per-kind latency percentiles, errors, and the server's resident
// memory sampled every second; exits 1 on any error or if memory kept growing.
//
//   linedesk_load --server build/server/linedesk-server [--clients 50] [--seconds 60] [--seed 1]
#include <httplib.h>
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <atomic>
#include <chrono>
#include <condition_variable>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <map>
#include <mutex>
#include <optional>
#include <utility>
#include <random>
#include <string>
#include <thread>
#include <vector>

#include "shared/api.hpp"
#include "shared/json_io.hpp"
#include "shared/replica.hpp"
#include "shared/snapshot_codec.hpp"

using namespace linedesk;
using Steady = std::chrono::steady_clock;

namespace {

constexpr const char* kEmail = "load@linedesk.test";
constexpr const char* kPassword = "Load test password 2026";

struct Options {
  std::string server;
  int clients = 50;
  int seconds = 60;
  unsigned seed = 1;
};

std::optional<Options> parse(int argc, char** argv) {
  Options o;
  for (int i = 1; i + 1 < argc; i += 2) {
    const std::string a = argv[i];
    const std::string v = argv[i + 1];
    if (a == "--server") o.server = v;
    else if (a == "--clients") o.clients = std::stoi(v);
    else if (a == "--seconds") o.seconds = std::stoi(v);
    else if (a == "--seed") o.seed = static_cast<unsigned>(std::stoul(v));
    else return std::nullopt;
  }
  if (o.server.empty() || o.clients < 1 || o.seconds < 1) return std::nullopt;
  return o;
}

long rss_kib(pid_t pid) {
  std::ifstream in("/proc/" + std::to_string(pid) + "/status");
  std::string line;
  while (std::getline(in, line)) {
    if (line.rfind("VmRSS:", 0) == 0) return std::stol(line.substr(6));
  }
  return 0;
}

// The server in its own process, on a fresh demo database in a temp folder.
class ServerProcess {
 public:
  explicit ServerProcess(const std::string& binary) {
    dir_ = std::filesystem::temp_directory_path() / ("linedesk-load-" + std::to_string(::getpid()));
    std::filesystem::remove_all(dir_);
    std::filesystem::create_directories(dir_);
    const std::string port_file = (dir_ / "port").string();
    pid_ = ::fork();
    if (pid_ == 0) {
      const std::string log = (dir_ / "server.log").string();
      std::freopen(log.c_str(), "w", stdout);
      std::freopen(log.c_str(), "a", stderr);
      const std::string db = (dir_ / "load.db").string();
      ::execl(binary.c_str(), binary.c_str(), "--db", db.c_str(), "--port", "0", "--port-file",
              port_file.c_str(), "--demo", "--admin-email", kEmail, "--admin-password", kPassword,
              static_cast<char*>(nullptr));
      std::_Exit(127);
    }
    for (int i = 0; i < 600 && port_ == 0; ++i) {  // the demo seeds first: up to a minute
      std::this_thread::sleep_for(std::chrono::milliseconds(100));
      std::ifstream in(port_file);
      in >> port_;
    }
  }
  ~ServerProcess() {
    if (pid_ > 0) {
      ::kill(pid_, SIGTERM);
      ::waitpid(pid_, nullptr, 0);
    }
    std::error_code ec;
    std::filesystem::remove_all(dir_, ec);
  }
  int port() const { return port_; }
  pid_t pid() const { return pid_; }

 private:
  std::filesystem::path dir_;
  pid_t pid_ = -1;
  int port_ = 0;
};

enum Kind { kRead, kPush, kPull, kKinds };
const char* kKindNames[] = {"read", "push", "pull"};

struct Tally {
  std::vector<double> ms[kKinds];
  long errors = 0;
  long commands = 0;
  std::vector<std::string> first_errors;
};

double percentile(std::vector<double>& v, double p) {
  if (v.empty()) return 0;
  std::sort(v.begin(), v.end());
  return v[std::min(v.size() - 1, static_cast<std::size_t>(p * static_cast<double>(v.size())))];
}

// Clients sign in and take their first snapshot, then all start together: the figures and the
// memory samples cover the mixed load only.
struct StartLine {
  std::mutex mutex;
  std::condition_variable cv;
  int arrived = 0;
  bool go = false;
  Steady::time_point end;

  void arrive() {
    std::lock_guard lock(mutex);
    ++arrived;
    cv.notify_all();
  }
  Steady::time_point wait_for_go() {
    std::unique_lock lock(mutex);
    cv.wait(lock, [this] { return go; });
    return end;
  }
};

// One administrator's console: a keep-alive connection, a replica, a share of accounts to edit.
void run_client(int index, int clients, int port, unsigned seed, StartLine& start, Tally& out) {
  std::mt19937 rng(seed * 1000 + static_cast<unsigned>(index));
  httplib::Client http("127.0.0.1", port);
  http.set_keep_alive(true);
  http.set_read_timeout(30, 0);
  auto fail = [&](const std::string& what) {
    ++out.errors;
    if (out.first_errors.size() < 5) out.first_errors.push_back("client " + std::to_string(index) + ": " + what);
  };
  struct Arrival {  // whatever happens before the start, the start line hears of this client
    StartLine& line;
    bool done = false;
    void now() {
      if (!std::exchange(done, true)) line.arrive();
    }
    ~Arrival() { now(); }
  };
  Arrival arrival{start};
  auto login = http.Post("/api/login", Json{{"email", kEmail}, {"password", kPassword}}.dump(), "application/json");
  if (!login || login->status != 200) return fail("sign-in failed");
  const Json session = parse_json(login->body).value();
  const httplib::Headers auth{{"Authorization", "Bearer " + session["token"].get<std::string>()}};
  const AdminId admin{session["admin"]["id"].get<std::int64_t>()};

  Replica replica("load-" + std::to_string(seed) + "-" + std::to_string(index), admin);
  auto pull = [&]() -> bool {
    PullRequest req;
    req.protocol = kProtocolVersion;
    req.client_id = replica.client_id();
    req.since = replica.version();
    req.from_seq = replica.next_seq();
    req.text_snapshot = true;
    auto res = http.Post("/api/sync/pull", auth, to_json(req).dump(), "application/json");
    if (!res || res->status != 200) {
      fail("pull: " + std::to_string(res ? res->status : 0));
      return false;
    }
    auto decoded = decode_pull_answer(res->body);
    if (!decoded) {
      fail("pull answer undecodable");
      return false;
    }
    replica.apply_pull(*decoded);
    return true;
  };
  if (!pull()) return;
  const std::string root = std::to_string(replica.view().root()->id.value);
  const std::vector<std::string> reads = {
      "/api/orgs",
      "/api/accounts?org=" + root + "&limit=50",
      "/api/numbers?org=" + root + "&limit=50",
      "/api/reports/utilization?org=" + root,
      "/api/reports/dashboard?org=" + root,
      "/api/admins",
      "/api/session",
  };
  long edits = 0;
  arrival.now();
  const Steady::time_point end = start.wait_for_go();
  while (Steady::now() < end) {
    const unsigned roll = rng() % 10;
    const Kind kind = roll < 6 ? kRead : roll < 8 ? kPush : kPull;
    const auto t0 = Steady::now();
    if (kind == kRead) {
      const std::string& path = reads[rng() % reads.size()];
      auto res = http.Get(path, auth);
      if (!res || res->status != 200) {
        fail("GET " + path + ": " + std::to_string(res ? res->status : 0));
        continue;
      }
    } else if (kind == kPull) {
      if (!pull()) continue;
    } else {
      // Edit 1 to 5 accounts of this client's share (index modulo clients): no two clients
      // edit the same account, so every command must apply.
      std::vector<AccountId> mine;
      for (const auto& [id, a] : replica.view().accounts()) {
        if (id.value % clients == index) mine.push_back(id);
      }
      if (mine.empty()) continue;
      const int n = 1 + static_cast<int>(rng() % 5);
      for (int i = 0; i < n; ++i) {
        EditAccount edit;
        edit.account = mine[rng() % mine.size()];
        edit.fields.notes = "load " + std::to_string(index) + "-" + std::to_string(++edits);
        if (!replica.submit(replica.client_id() + "-" + std::to_string(edits), edit, 0)) {
          fail("edit refused locally");
        }
      }
      auto res = http.Post("/api/sync/push", auth, to_json(replica.push_request(200)).dump(), "application/json");
      if (!res || res->status != 200) {
        fail("push: " + std::to_string(res ? res->status : 0) + (res ? " " + res->body : ""));
        continue;
      }
      auto answer = push_response_from_json(parse_json(res->body).value());
      if (!answer) {
        fail("push answer undecodable");
        continue;
      }
      const std::size_t issues_before = replica.issues().size();
      replica.apply_push(*answer);
      if (replica.issues().size() != issues_before) fail("a pushed edit was refused");
      out.commands += n;
    }
    out.ms[kind].push_back(std::chrono::duration<double, std::milli>(Steady::now() - t0).count());
  }
}

}  // namespace

int main(int argc, char** argv) {
  const auto opts = parse(argc, argv);
  if (!opts) {
    std::fprintf(stderr, "usage: linedesk_load --server PATH [--clients N] [--seconds S] [--seed N]\n");
    return 2;
  }
  ServerProcess server(opts->server);
  if (server.port() == 0) {
    std::fprintf(stderr, "linedesk_load: the server did not start\n");
    return 1;
  }
  std::vector<Tally> tallies(static_cast<std::size_t>(opts->clients));
  StartLine line;
  std::vector<std::thread> clients;
  for (int i = 0; i < opts->clients; ++i) {
    clients.emplace_back(run_client, i, opts->clients, server.port(), opts->seed, std::ref(line),
                         std::ref(tallies[static_cast<std::size_t>(i)]));
  }
  const auto warm_start = Steady::now();
  {
    std::unique_lock lock(line.mutex);
    line.cv.wait(lock, [&] { return line.arrived == opts->clients; });
  }
  const double warm_s = std::chrono::duration<double>(Steady::now() - warm_start).count();
  std::vector<long> rss;
  std::atomic<bool> done{false};
  const auto start = Steady::now();
  {
    std::lock_guard lock(line.mutex);
    line.end = start + std::chrono::seconds(opts->seconds);
    line.go = true;
  }
  line.cv.notify_all();
  std::thread sampler([&] {
    while (!done) {
      rss.push_back(rss_kib(server.pid()));
      for (int i = 0; i < 10 && !done; ++i) std::this_thread::sleep_for(std::chrono::milliseconds(100));
    }
  });
  for (auto& t : clients) t.join();
  const double took_s = std::chrono::duration<double>(Steady::now() - start).count();
  done = true;
  sampler.join();

  Tally all;
  for (auto& t : tallies) {
    for (int k = 0; k < kKinds; ++k) all.ms[k].insert(all.ms[k].end(), t.ms[k].begin(), t.ms[k].end());
    all.errors += t.errors;
    all.commands += t.commands;
    for (auto& e : t.first_errors) {
      if (all.first_errors.size() < 5) all.first_errors.push_back(e);
    }
  }
  std::vector<double> every;
  for (auto& v : all.ms) every.insert(every.end(), v.begin(), v.end());
  // Memory, sampled every second of the mixed load. Allocator noise moves it by tens of MiB
  // from one second to the next, so the trend is a least-squares line through the samples of
  // the second half (the first is the workers and their malloc arenas filling up): over that
  // half it may grow by at most 5 % of the median and 16 MiB.
  const std::size_t skip = rss.size() / 2;
  std::vector<long> steady(rss.begin() + static_cast<long>(skip), rss.end());
  double slope_kib_per_s = 0;
  if (steady.size() >= 3) {
    const double n = static_cast<double>(steady.size());
    double sx = 0, sy = 0, sxx = 0, sxy = 0;
    for (std::size_t i = 0; i < steady.size(); ++i) {
      const double x = static_cast<double>(i), y = static_cast<double>(steady[i]);
      sx += x;
      sy += y;
      sxx += x * x;
      sxy += x * y;
    }
    slope_kib_per_s = (n * sxy - sx * sy) / (n * sxx - sx * sx);  // one sample a second
  }
  std::vector<long> sorted = steady;
  std::sort(sorted.begin(), sorted.end());
  const long rss_median = sorted.empty() ? 0 : sorted[sorted.size() / 2];
  const long rss_peak = rss.empty() ? 0 : *std::max_element(rss.begin(), rss.end());
  const double growth_kib = slope_kib_per_s * static_cast<double>(steady.size());
  const bool flat = growth_kib <= 0.05 * static_cast<double>(rss_median) + 16 * 1024;

  std::printf("{\"name\":\"load_%d_clients_%ds\",\"requests\":%zu,\"per_s\":%.0f,\"commands\":%ld,"
              "\"errors\":%ld,\"p50_ms\":%.2f,\"p99_ms\":%.2f,\"max_ms\":%.2f",
              opts->clients, opts->seconds, every.size(), static_cast<double>(every.size()) / took_s,
              all.commands, all.errors, percentile(every, 0.5), percentile(every, 0.99),
              every.empty() ? 0.0 : *std::max_element(every.begin(), every.end()));
  for (int k = 0; k < kKinds; ++k) {
    std::printf(",\"%s\":{\"n\":%zu,\"p50_ms\":%.2f,\"p99_ms\":%.2f}", kKindNames[k], all.ms[k].size(),
                percentile(all.ms[k], 0.5), percentile(all.ms[k], 0.99));
  }
  std::printf(",\"rss_mib\":{\"median\":%ld,\"peak\":%ld,\"trend_per_min\":%.1f},\"warm_up_s\":%.1f}\n",
              rss_median / 1024, rss_peak / 1024, slope_kib_per_s * 60 / 1024, warm_s);
  if (std::getenv("LINEDESK_LOAD_RSS")) {  // the memory samples, one per second, in MiB
    for (long kib : rss) std::fprintf(stderr, "%ld ", kib / 1024);
    std::fprintf(stderr, "\n");
  }
  for (const auto& e : all.first_errors) std::fprintf(stderr, "error: %s\n", e.c_str());
  if (all.errors > 0) {
    std::fprintf(stderr, "linedesk_load: %ld errors\n", all.errors);
    return 1;
  }
  if (!flat) {
    std::fprintf(stderr, "linedesk_load: server memory kept growing: %.1f MiB a minute around a median of %ld MiB\n",
                 slope_kib_per_s * 60 / 1024, rss_median / 1024);
    return 1;
  }
  return 0;
}
