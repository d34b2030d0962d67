// Our own limits in front of cpp-httplib 0.11.4's request parsing, and a worker pool that
// grows with the connections.
//
// Debian's httplib 0.11.4 reads a request line or header line of any length (CVE-2025-53628),
// any number of header lines (CVE-2025-52887) and a chunked body of any size (CVE-2025-46728),
// and its read timeout restarts with every byte, so a client sending one byte every few seconds
// holds a worker forever. GuardedServer replaces httplib's per-connection loop (the virtual
// `process_and_close_socket`, the extension point httplib's own SSL server uses) with one that
// reads through a GuardedStream: every byte of a request head is counted as it is handed to
// httplib's parser, and a request that breaks a limit gets its refusal written by the guard
// and the connection closed, before httplib buffers anything more. Chunked bodies are refused
// by the HTTP server's pre-routing handler (411) before their body is read.
#pragma once

#include <httplib.h>

#include <chrono>
#include <condition_variable>
#include <cstddef>
#include <deque>
#include <functional>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

namespace linedesk::server {

struct RequestLimits {
  std::size_t max_line_bytes = 8 * 1024;  // request line or one header line, CRLF included
  std::size_t max_header_count = 100;
  std::size_t max_head_bytes = 64 * 1024;
  std::chrono::milliseconds head_timeout{10'000};     // first byte to the blank line
  std::chrono::milliseconds request_timeout{60'000};  // first byte to the body's last byte
  std::chrono::milliseconds idle_timeout{10'000};     // silence within a request
  std::chrono::milliseconds write_timeout{10'000};
  std::chrono::milliseconds keep_alive_timeout{5'000};  // silence between requests
};

// Why the guard refused a request; kNone while it is within limits.
enum class GuardRefusal {
  kNone,
  kLineTooLong,
  kTooManyHeaders,
  kHeadTooLarge,
  kHeadDeadline,
  kRequestDeadline,
  kSilent,
};

// A socket as httplib's parser reads it, with the limits above enforced byte by byte.
class GuardedStream final : public httplib::Stream {
 public:
  GuardedStream(socket_t sock, const RequestLimits& limits);

  // Starts the next request on this connection: head counters and deadlines start now.
  void begin_request();
  // Asks for the connection to be closed once the current response is written, e.g. after a
  // refusal that leaves the request's body unread.
  void close_after_response() { close_after_response_ = true; }
  bool must_close() const { return close_after_response_ || refusal_ != GuardRefusal::kNone; }
  GuardRefusal refusal() const { return refusal_; }
  // True when buffered bytes are waiting (a pipelined next request).
  bool has_buffered() const { return buf_pos_ < buf_len_; }

  bool is_readable() const override;
  bool is_writable() const override;
  ssize_t read(char* ptr, std::size_t size) override;
  ssize_t write(const char* ptr, std::size_t size) override;
  void get_remote_ip_and_port(std::string& ip, int& port) const override;
  void get_local_ip_and_port(std::string& ip, int& port) const override;
  socket_t socket() const override { return sock_; }

 private:
  bool fill();                          // waits (within the deadlines) and reads more bytes
  bool scan_head(const char* p, std::size_t n);  // false: a limit broke, refusal sent
  void refuse(GuardRefusal why);

  socket_t sock_;
  RequestLimits limits_;
  std::vector<char> buf_;
  std::size_t buf_pos_ = 0;
  std::size_t buf_len_ = 0;
  bool in_head_ = true;
  bool request_line_ = true;
  std::size_t line_bytes_ = 0;
  std::size_t header_count_ = 0;
  std::size_t head_bytes_ = 0;
  std::chrono::steady_clock::time_point head_deadline_;
  std::chrono::steady_clock::time_point request_deadline_;
  GuardRefusal refusal_ = GuardRefusal::kNone;
  bool close_after_response_ = false;
};

// The connection the calling worker thread is serving (nullptr outside a request), so a
// handler can ask for it to be closed after its answer.
GuardedStream* current_connection();

class GuardedServer final : public httplib::Server {
 public:
  explicit GuardedServer(RequestLimits limits) : limits_(limits) {}
  const RequestLimits& limits() const { return limits_; }
  // httplib listens with a backlog of 5: a burst of connections beyond it sees its handshake
  // dropped and retried with growing back-off (a second and more). Linux lets a listening
  // socket's backlog be raised by calling listen() again; call after binding.
  bool widen_backlog(int backlog);

 private:
  bool process_and_close_socket(socket_t sock) override;
  bool wait_for_request(GuardedStream& strm) const;

  RequestLimits limits_;
};

// httplib's ThreadPool has a fixed number of workers, and every open connection (a browser
// keeps several, one of them in a 25 s long-poll) holds one for its whole life: a few tabs
// would starve everyone else. This pool starts a worker whenever none is idle, up to `max`
// (then connections wait in line); idle workers sleep until the pool shuts down.
class ElasticPool final : public httplib::TaskQueue {
 public:
  explicit ElasticPool(std::size_t max_workers) : max_(max_workers == 0 ? 1 : max_workers) {}
  ~ElasticPool() override;
  void enqueue(std::function<void()> fn) override;
  void shutdown() override;

 private:
  void work();

  const std::size_t max_;
  std::mutex mutex_;
  std::condition_variable ready_;
  std::deque<std::function<void()>> jobs_;
  std::vector<std::thread> workers_;
  std::size_t idle_ = 0;
  bool stopping_ = false;
};

}  // namespace linedesk::server
