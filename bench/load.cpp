// Load test (issue 9): N concurrent keep-alive clients mixing reads, sync pushes and pulls for a
// given time against a real `linedesk-server --demo` process on loopback. Each client is a
// Replica, as the console is: it pulls, edits accounts of its own share offline, pushes.
// Prints one JSON line with per-kind latency percentiles, errors, and the server's resident
// memory sampled every second; exits 1 on any error or if memory kept growing.
//
//   linedesk_load --server build/server/linedesk-server [--clients 50] [--seconds 60] [--seed 1]
//
// Against servers already running (issue 10: several processes on one PostgreSQL database),
// give each one's URL instead, once per server: client i uses server i mod n. They must hold
// a `--demo` enterprise whose first administrator is load@linedesk.test with the password
// "Load test password 2026" (--admin-email, --admin-password at their first start). Their
// memory is not sampled.
//
//   linedesk_load --server http://127.0.0.1:PORT1 --server http://127.0.0.1:PORT2 ...
//
// `--mix push` makes it a push benchmark: every request is a sync push of 1 to 5 commands (edits
// of the client's own accounts and, every other push, a number taken from or given back to a
// small pool all clients contend for), plus a delta pull whenever 40 applied commands wait for
// one (the replica keeps them until then, as the console does). Two clients assigning the same
// number is the expected conflict: the later one is refused with number_taken and counted under
// "conflicts"; any other refusal or failure is an error. The line then also gives the servers,
// the commands applied per second and the conflicts.
#include <httplib.h>
#include <signal.h>
#include <sys/resource.h>
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
  std::vector<std::string> servers;  // one server binary to start, or the URLs of running ones
  bool spawn = true;
  bool push_mix = false;  // --mix push
  int clients = 50;
  int seconds = 60;
  unsigned seed = 1;
};

bool is_url(const std::string& s) { return s.rfind("http://", 0) == 0; }

std::optional<Options> parse(int argc, char** argv) {
  Options o;
  for (int i = 1; i + 1 < argc; i += 2) {
    const std::string a = argv[i];
    const std::string v = argv[i + 1];
    if (a == "--server") o.servers.push_back(v);
    else if (a == "--mix" && (v == "mixed" || v == "push")) o.push_mix = v == "push";
    else if (a == "--clients") o.clients = std::stoi(v);
    else if (a == "--seconds") o.seconds = std::stoi(v);
    else if (a == "--seed") o.seed = static_cast<unsigned>(std::stoul(v));
    else return std::nullopt;
  }
  if ((argc - 1) % 2 != 0 || o.servers.empty() || o.clients < 1 || o.seconds < 1) {
    return std::nullopt;
  }
  // One binary to start (on its own SQLite file), or any number of running servers' URLs.
  const auto urls = std::count_if(o.servers.begin(), o.servers.end(), is_url);
  if (urls == 0 && o.servers.size() > 1) return std::nullopt;
  if (urls > 0 && urls != static_cast<long>(o.servers.size())) return std::nullopt;
  o.spawn = urls == 0;
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
  long conflicts = 0;  // --mix push: assignments refused because another client took the number
  std::vector<std::string> first_errors;
};

// The refusal two clients racing for one number are expected to meet (--mix push).
constexpr const char* kConflictCode = "number_taken";

// This process's CPU time (all threads), in seconds.
double cpu_s() {
  rusage u{};
  ::getrusage(RUSAGE_SELF, &u);
  return static_cast<double>(u.ru_utime.tv_sec + u.ru_stime.tv_sec) +
         static_cast<double>(u.ru_utime.tv_usec + u.ru_stime.tv_usec) / 1e6;
}

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
void run_client(int index, int clients, const std::string& url, bool push_mix, unsigned seed,
                StartLine& start, Tally& out) {
  std::mt19937 rng(seed * 1000 + static_cast<unsigned>(index));
  httplib::Client http(url);
  http.set_keep_alive(true);
  // The push benchmark sends each request at once; the default run keeps issue 9's client, whose
  // POST body waits behind its headers for the server's delayed ACK (Nagle, about 40 ms).
  if (push_mix) http.set_tcp_nodelay(true);
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
    // The push benchmark asks for the results of its queue, so the pull empties it.
    req.from_seq =
        push_mix && !replica.pending().empty() ? replica.pending().front().seq : replica.next_seq();
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
  // Pushes `request`: the decoded answer, or nothing once fail() has said why.
  auto push = [&](const PushRequest& request) -> std::optional<PushResponse> {
    auto res = http.Post("/api/sync/push", auth, to_json(request).dump(), "application/json");
    if (!res || res->status != 200) {
      fail("push: " + std::to_string(res ? res->status : 0) + (res ? " " + res->body : ""));
      return std::nullopt;
    }
    auto answer = push_response_from_json(parse_json(res->body).value());
    if (!answer) {
      fail("push answer undecodable");
      return std::nullopt;
    }
    return std::move(answer).value();
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
  if (push_mix) {
    // The client's own accounts to edit (index modulo clients: no other client edits them), and
    // the contended pool: the first 8 available numbers of the organization with the most
    // accounts that could take one (not active, no number). Every client reads the same
    // snapshot before anyone pushes, so all pick the same organization and numbers. The client
    // moves those numbers onto and off its own such accounts there.
    std::vector<AccountId> mine;
    std::map<OrgId, int> candidates;
    for (const auto& [id, a] : replica.view().accounts()) {
      if (id.value % clients == index) mine.push_back(id);
      if (a.status != AccountStatus::kActive && a.number.empty()) ++candidates[a.org];
    }
    std::sort(mine.begin(), mine.end());
    OrgId contested_org;
    int most = 0;
    for (const auto& [org, n] : candidates) {
      if (n > most) {
        most = n;
        contested_org = org;
      }
    }
    std::vector<std::string> pool;
    if (contested_org.valid()) {
      for (NumberId id : replica.view().available_numbers(contested_org)) {
        if (pool.size() == 8) break;
        pool.push_back(replica.view().number(id)->e164);
      }
    }
    std::vector<AccountId> takers;  // own accounts that may take a pool number
    for (AccountId id : mine) {
      const Account* a = replica.view().account(id);
      if (a->org == contested_org && a->status != AccountStatus::kActive && a->number.empty()) {
        takers.push_back(id);
      }
    }
    if (mine.empty()) return fail("no account of its own to edit");
    auto submit = [&](CommandArgs args) {
      const std::string uuid = replica.client_id() + "-" + std::to_string(++edits);
      return replica.submit(uuid, std::move(args), 0);
    };
    arrival.now();
    const Steady::time_point end = start.wait_for_go();
    long pushes = 0;
    while (Steady::now() < end) {
      // Applied commands stay in the replica until a pull includes them; the console pulls
      // often, and so does this client, so its queue (replayed on every refusal) stays short.
      if (replica.pending().size() >= 40) {
        const auto t0 = Steady::now();
        if (!pull()) continue;
        out.ms[kPull].push_back(
            std::chrono::duration<double, std::milli>(Steady::now() - t0).count());
        continue;
      }
      int n = 1 + static_cast<int>(rng() % 5);
      if (!takers.empty() && pool.size() > 1 && ++pushes % 2 == 0) {
        // Give back the pool number this client holds, or take one it believes free (its view
        // may be stale: another client may have taken it since the last pull).
        std::optional<AccountId> holder;
        for (AccountId id : takers) {
          if (!replica.view().account(id)->number.empty()) holder = id;
        }
        if (holder) {
          if (!submit(UnassignNumber{*holder})) fail("unassign refused locally");
        } else {
          std::vector<std::string> free;
          for (const std::string& e164 : pool) {
            const Number* num = replica.view().number(number_id_of(e164));
            if (num && !num->account.valid()) free.push_back(e164);
          }
          if (!free.empty()) {
            AssignNumber assign;
            assign.account = takers[rng() % takers.size()];
            assign.number = free[rng() % free.size()];
            if (!submit(assign)) fail("assignment refused locally");
          }
        }
        --n;
      }
      for (int i = 0; i < n; ++i) {
        EditAccount edit;
        edit.account = mine[rng() % mine.size()];
        edit.fields.notes = "push " + std::to_string(index) + "-" + std::to_string(edits + 1);
        if (!submit(edit)) fail("edit refused locally");
      }
      const PushRequest request = replica.push_request(200);
      if (request.commands.empty()) continue;
      const auto t0 = Steady::now();
      const auto answer = push(request);
      const double ms = std::chrono::duration<double, std::milli>(Steady::now() - t0).count();
      if (!answer) continue;
      if (answer->results.size() != request.commands.size()) {
        fail("push answered " + std::to_string(answer->results.size()) + " of " +
             std::to_string(request.commands.size()) + " commands");
      }
      std::vector<std::int64_t> conflicted;
      for (const CommandResult& r : answer->results) {
        if (r.ok) {
          ++out.commands;
        } else if (r.error.code == kConflictCode) {
          ++out.conflicts;
          conflicted.push_back(r.seq);
        } else {
          fail("command " + std::to_string(r.seq) + " refused: " + r.error.code + " " +
               r.error.message);
        }
      }
      replica.apply_push(*answer);
      for (std::int64_t seq : conflicted) replica.discard(seq);  // as the administrator would
      out.ms[kPush].push_back(ms);
    }
    return;
  }
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
      const auto answer = push(replica.push_request(200));
      if (!answer) continue;
      const std::size_t issues_before = replica.issues().size();
      replica.apply_push(*answer);
      if (replica.issues().size() != issues_before) fail("a pushed edit was refused");
      out.commands += n;
    }
    out.ms[kind].push_back(std::chrono::duration<double, std::milli>(Steady::now() - t0).count());
  }
}

// After the run, every server must answer a snapshot of the same enterprise: same version, same
// entities (each server follows the others' commits through the shared database). Returns what
// differs, or nothing.
std::optional<std::string> servers_disagree(const std::vector<std::string>& urls) {
  std::optional<std::int64_t> first_version;
  std::map<std::pair<int, std::int64_t>, std::string> first;
  for (std::size_t s = 0; s < urls.size(); ++s) {
    httplib::Client http(urls[s]);
    http.set_read_timeout(60, 0);
    auto login = http.Post("/api/login", Json{{"email", kEmail}, {"password", kPassword}}.dump(),
                           "application/json");
    if (!login || login->status != 200) return "sign-in at " + urls[s] + " failed";
    const Json session = parse_json(login->body).value();
    const httplib::Headers auth{{"Authorization", "Bearer " + session["token"].get<std::string>()}};
    PullRequest req;
    req.protocol = kProtocolVersion;
    req.client_id = "load-check-" + std::to_string(s);
    req.text_snapshot = true;
    auto res = http.Post("/api/sync/pull", auth, to_json(req).dump(), "application/json");
    if (!res || res->status != 200) {
      return "snapshot from " + urls[s] + ": " + std::to_string(res ? res->status : 0);
    }
    auto answer = decode_pull_answer(res->body);
    if (!answer || !answer->snapshot) return "snapshot from " + urls[s] + " undecodable";
    std::map<std::pair<int, std::int64_t>, std::string> entities;
    for (const Entity& e : answer->puts) {
      entities[{static_cast<int>(kind_of(e)), id_of(e)}] = entity_envelope(e).dump();
    }
    if (!first_version) {
      first_version = answer->version;
      first = std::move(entities);
      continue;
    }
    if (answer->version != *first_version) {
      return urls[s] + " is at version " + std::to_string(answer->version) + ", " + urls[0] +
             " at " + std::to_string(*first_version);
    }
    long differ = 0;
    for (const auto& [key, value] : entities) {
      auto it = first.find(key);
      if (it == first.end() || it->second != value) ++differ;
    }
    for (const auto& [key, value] : first) differ += entities.count(key) ? 0 : 1;
    if (differ > 0) {
      return std::to_string(differ) + " entities differ between " + urls[0] + " and " + urls[s] +
             " at version " + std::to_string(answer->version);
    }
  }
  return std::nullopt;
}

}  // namespace

int main(int argc, char** argv) {
  const auto opts = parse(argc, argv);
  if (!opts) {
    std::fprintf(stderr,
                 "usage: linedesk_load --server PATH|--server URL [--server URL...] [--clients N] "
                 "[--seconds S] [--seed N] [--mix mixed|push]\n");
    return 2;
  }
  // The default run starts its own server and samples its memory; with URLs, the servers run.
  std::optional<ServerProcess> server;
  std::vector<std::string> urls = opts->servers;
  if (opts->spawn) {
    server.emplace(opts->servers.front());
    if (server->port() == 0) {
      std::fprintf(stderr, "linedesk_load: the server did not start\n");
      return 1;
    }
    urls = {"http://127.0.0.1:" + std::to_string(server->port())};
  }
  // Anything but the issue-9 run (one server it starts, mixed requests) prints more figures.
  const bool more = opts->push_mix || !opts->spawn;
  std::vector<Tally> tallies(static_cast<std::size_t>(opts->clients));
  StartLine line;
  std::vector<std::thread> clients;
  for (int i = 0; i < opts->clients; ++i) {
    clients.emplace_back(
        run_client, i, opts->clients, std::cref(urls[static_cast<std::size_t>(i) % urls.size()]),
        opts->push_mix, opts->seed, std::ref(line), std::ref(tallies[static_cast<std::size_t>(i)]));
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
  const double cpu_start = cpu_s();
  {
    std::lock_guard lock(line.mutex);
    line.end = start + std::chrono::seconds(opts->seconds);
    line.go = true;
  }
  line.cv.notify_all();
  std::thread sampler([&] {
    while (!done && server) {
      rss.push_back(rss_kib(server->pid()));
      for (int i = 0; i < 10 && !done; ++i) std::this_thread::sleep_for(std::chrono::milliseconds(100));
    }
  });
  for (auto& t : clients) t.join();
  const double took_s = std::chrono::duration<double>(Steady::now() - start).count();
  const double client_cpu_s = cpu_s() - cpu_start;
  done = true;
  sampler.join();

  Tally all;
  if (urls.size() > 1) {
    if (auto differ = servers_disagree(urls)) {
      ++all.errors;
      all.first_errors.push_back("after the run: " + *differ);
    }
  }
  for (auto& t : tallies) {
    for (int k = 0; k < kKinds; ++k) all.ms[k].insert(all.ms[k].end(), t.ms[k].begin(), t.ms[k].end());
    all.errors += t.errors;
    all.commands += t.commands;
    all.conflicts += t.conflicts;
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

  std::printf(
      "{\"name\":\"%s_%d_clients_%ds\",\"requests\":%zu,\"per_s\":%.0f,\"commands\":%ld,"
      "\"errors\":%ld,\"p50_ms\":%.2f,\"p99_ms\":%.2f,\"max_ms\":%.2f",
      opts->push_mix ? "push" : "load", opts->clients, opts->seconds, every.size(),
      static_cast<double>(every.size()) / took_s, all.commands, all.errors, percentile(every, 0.5),
      percentile(every, 0.99), every.empty() ? 0.0 : *std::max_element(every.begin(), every.end()));
  if (more) {
    // Commands the servers applied per second of the run; conflicts are the assignments refused
    // because another client had taken the number first.
    // client_cpu_s: what this program's clients used of the machine's CPU during the run.
    std::printf(
        ",\"servers\":%zu,\"commands_per_s\":%.0f,\"conflicts\":%ld,\"seconds\":%.1f,"
        "\"client_cpu_s\":%.1f",
        urls.size(), static_cast<double>(all.commands) / took_s, all.conflicts, took_s,
        client_cpu_s);
  }
  for (int k = 0; k < kKinds; ++k) {
    std::printf(",\"%s\":{\"n\":%zu,\"p50_ms\":%.2f,\"p99_ms\":%.2f}", kKindNames[k], all.ms[k].size(),
                percentile(all.ms[k], 0.5), percentile(all.ms[k], 0.99));
  }
  if (server) {
    std::printf(",\"rss_mib\":{\"median\":%ld,\"peak\":%ld,\"trend_per_min\":%.1f}",
                rss_median / 1024, rss_peak / 1024, slope_kib_per_s * 60 / 1024);
  }
  std::printf(",\"warm_up_s\":%.1f}\n", warm_s);
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
