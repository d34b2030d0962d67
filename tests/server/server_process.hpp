// The real linedesk-server binary in a child process, for the fault tests: killed with SIGKILL
// at any moment, started under a file size limit (a full disk) or as an unprivileged user (a
// read-only database), or expected to refuse to start.
#pragma once

#include <fcntl.h>
#include <grp.h>
#include <signal.h>
#include <sys/resource.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <filesystem>
#include <string>
#include <thread>
#include <vector>

#include "test_support.hpp"

#ifndef LINEDESK_SERVER_BINARY
#error "LINEDESK_SERVER_BINARY must name the linedesk-server executable"
#endif

namespace linedesk::test {

// The user the server runs as when a test needs a file it may not write (root writes anyway).
inline constexpr uid_t kUnprivilegedId = 65534;

struct ServerProcessOptions {
  std::string db;
  std::string run_dir;    // port file and log; must be writable by the server's user
  std::string smtp_url;   // empty: mail goes to the outbox folder
  std::vector<std::string> extra_args;
  long long file_size_limit = 0;  // RLIMIT_FSIZE in bytes (0: none); SIGXFSZ is ignored
  bool unprivileged = false;      // when run as root: as kUnprivilegedId
  bool wait_listening = true;     // the constructor returns once the server listens
};

class ServerProcess {
 public:
  explicit ServerProcess(ServerProcessOptions options) : options_(std::move(options)) {
    port_file_ = options_.run_dir + "/port";
    log_file_ = options_.run_dir + "/server.log";
    std::filesystem::remove(port_file_);
    std::vector<std::string> args = {LINEDESK_SERVER_BINARY, "--db", options_.db, "--host",
                                     "127.0.0.1", "--port", "0", "--port-file", port_file_,
                                     "--threads", "8"};
    if (!options_.smtp_url.empty()) {
      args.push_back("--smtp");
      args.push_back(options_.smtp_url);
    }
    args.insert(args.end(), options_.extra_args.begin(), options_.extra_args.end());
    std::vector<char*> argv;
    for (auto& a : args) argv.push_back(a.data());
    argv.push_back(nullptr);
    const bool drop = options_.unprivileged && ::geteuid() == 0;
    const rlim_t limit = static_cast<rlim_t>(options_.file_size_limit);
    pid_ = ::fork();
    if (pid_ < 0) throw std::runtime_error("fork failed");
    if (pid_ == 0) {
      // Only async-signal-safe calls between fork and exec.
      const int log = ::open(log_file_.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0666);
      if (log >= 0) {
        ::dup2(log, 1);
        ::dup2(log, 2);
      }
      if (limit > 0) {
        ::signal(SIGXFSZ, SIG_IGN);  // ignored dispositions survive exec
        const rlimit r{limit, limit};
        ::setrlimit(RLIMIT_FSIZE, &r);
      }
      if (drop && (::setgroups(0, nullptr) != 0 || ::setgid(kUnprivilegedId) != 0 ||
                   ::setuid(kUnprivilegedId) != 0)) {
        ::_exit(125);
      }
      ::execv(argv[0], argv.data());
      ::_exit(127);
    }
    if (options_.wait_listening) wait_listening();
  }
  ~ServerProcess() {
    if (running()) kill();
  }
  ServerProcess(const ServerProcess&) = delete;
  ServerProcess& operator=(const ServerProcess&) = delete;

  int port() const { return port_; }
  pid_t pid() const { return pid_; }
  bool running() const { return pid_ > 0 && !exited_; }

  // SIGKILL: no destructor, no rollback, no flush runs; waits until it is gone.
  void kill() {
    ::kill(pid_, SIGKILL);
    reap(true);
  }
  // SIGTERM, as an operator stops it; returns its exit code.
  int stop() {
    ::kill(pid_, SIGTERM);
    reap(true);
    return exit_code_;
  }
  // For a server expected to refuse to start: its exit code once it ended (-1 if it was still
  // running after `timeout_ms`; it is then killed).
  int wait_exit(int timeout_ms = 20000) {
    const auto deadline = std::chrono::steady_clock::now() + std::chrono::milliseconds(timeout_ms);
    while (!reap(false)) {
      if (std::chrono::steady_clock::now() > deadline) {
        kill();
        return -1;
      }
      std::this_thread::sleep_for(std::chrono::milliseconds(10));
    }
    return exit_code_;
  }
  // What it printed (stdout and stderr).
  std::string log() const { return read_text_file(log_file_); }

  Reply request(const std::string& method, const std::string& path, const std::string& body = {},
                const std::string& token = {}, const std::string& content_type = "application/json",
                httplib::Headers extra = {}) const {
    return request_on(port_, method, path, body, token, content_type, std::move(extra), 60);
  }

 private:
  void wait_listening() {
    const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(30);
    for (;;) {
      const std::string text = read_text_file(port_file_);
      if (!text.empty() && text.back() == '\n') {
        port_ = std::stoi(text);
        return;
      }
      if (reap(false)) {
        throw std::runtime_error("linedesk-server exited with " + std::to_string(exit_code_) +
                                 " before listening: " + log());
      }
      if (std::chrono::steady_clock::now() > deadline) {
        kill();
        throw std::runtime_error("linedesk-server did not start: " + log());
      }
      std::this_thread::sleep_for(std::chrono::milliseconds(2));
    }
  }
  // True once the process ended (its exit code kept: -signal when killed by one).
  bool reap(bool block) {
    if (exited_) return true;
    int status = 0;
    const pid_t r = ::waitpid(pid_, &status, block ? 0 : WNOHANG);
    if (r != pid_) return false;
    exited_ = true;
    exit_code_ = WIFEXITED(status) ? WEXITSTATUS(status) : -WTERMSIG(status);
    return true;
  }

  ServerProcessOptions options_;
  std::string port_file_;
  std::string log_file_;
  pid_t pid_ = -1;
  int port_ = 0;
  bool exited_ = false;
  int exit_code_ = -1;
};

// A database as a first start leaves it (the enterprise and its first administrator), with
// `numbers` numbers in the root's pool and a session for the administrator: a server started on
// it takes `token` (created by the real clock, as the server checks it).
struct SeededEnterprise {
  std::string path;
  std::string token;
  AdminId admin;
  OrgId root;
};

// `db`: the database to seed (default: the SQLite file at `path`).
inline SeededEnterprise seed_enterprise(const std::string& path, int numbers,
                                        std::unique_ptr<server::SqlConnection> db = nullptr) {
  server::SystemClock clock;
  server::init_crypto();
  SeededEnterprise e{path, server::new_session_token(), {}, {}};
  if (!db) db = std::make_unique<server::SqliteConnection>(path);
  server::Store store(std::move(db), clock.now_ms());
  server::BootstrapOptions boot;
  boot.files_dir = std::filesystem::path(path).parent_path().string();
  boot.org_name = kOrgName;
  boot.admin_email = kAdminEmail;
  boot.admin_password = kAdminPassword;
  if (!server::bootstrap_if_empty(store, boot, clock.now_ms())) throw std::runtime_error("bootstrap");
  server::Service service(store, clock, {});
  e.admin = service.read([](const State& s) { return s.admin_by_email(kAdminEmail)->id; });
  e.root = service.read([](const State& s) { return s.root()->id; });
  if (numbers > 0) {
    ImportNumbers import;
    for (int i = 0; i < numbers; ++i) {
      import.entries.push_back(NumberEntry{"+1555" + std::to_string(3000000 + i), "", 0});
    }
    if (!service.run(server::Actor{e.admin, "", {}}, Command{"seed-numbers", import})) {
      throw std::runtime_error("seed numbers");
    }
  }
  store.create_session(server::token_hash(e.token), e.admin, clock.now_ms());
  return e;
}

// A connection of the test's own to a server's database (stopped, or running: WAL).
struct DbReader {
  explicit DbReader(const std::string& path) : conn(path) {}
  std::int64_t scalar(const std::string& sql) {
    return server::Stmt(conn.cached(sql)).scalar().value_or(-1);
  }
  std::string text(const std::string& sql) {
    server::Stmt st(conn.cached(sql));
    return st.step() ? st.col_text(0) : std::string();
  }
  server::SqliteConnection conn;
};

}  // namespace linedesk::test
