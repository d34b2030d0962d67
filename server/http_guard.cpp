// GuardedStream, GuardedServer and ElasticPool: see http_guard.hpp.
#include "http_guard.hpp"

#include <arpa/inet.h>
#include <netinet/in.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <system_error>

#include "http_util.hpp"
#include "shared/api.hpp"

namespace linedesk::server {

namespace {

using Steady = std::chrono::steady_clock;

thread_local GuardedStream* t_current = nullptr;

// poll() for one event, retrying on signals; > 0 ready, 0 timed out, < 0 error.
int wait_for(socket_t sock, short events, std::chrono::milliseconds timeout) {
  pollfd p{sock, events, 0};
  const auto until = Steady::now() + timeout;
  for (;;) {
    const auto left = std::chrono::duration_cast<std::chrono::milliseconds>(until - Steady::now());
    const int r = ::poll(&p, 1, static_cast<int>(std::max<std::int64_t>(0, left.count())));
    if (r < 0 && errno == EINTR) continue;
    return r;
  }
}

// "1 second", "1.5 seconds", "10 seconds"
std::string seconds(std::chrono::milliseconds ms) {
  const auto whole = ms.count() / 1000;
  const auto tenths = (ms.count() % 1000) / 100;
  if (tenths == 0) return std::to_string(whole) + (whole == 1 ? " second" : " seconds");
  return std::to_string(whole) + "." + std::to_string(tenths) + " seconds";
}

void address_of(const sockaddr_storage& addr, std::string& ip, int& port) {
  char text[INET6_ADDRSTRLEN] = {};
  if (addr.ss_family == AF_INET) {
    const auto* a = reinterpret_cast<const sockaddr_in*>(&addr);
    ::inet_ntop(AF_INET, &a->sin_addr, text, sizeof text);
    port = ntohs(a->sin_port);
  } else if (addr.ss_family == AF_INET6) {
    const auto* a = reinterpret_cast<const sockaddr_in6*>(&addr);
    ::inet_ntop(AF_INET6, &a->sin6_addr, text, sizeof text);
    port = ntohs(a->sin6_port);
  }
  ip = text;
}

}  // namespace

GuardedStream* current_connection() { return t_current; }

GuardedStream::GuardedStream(socket_t sock, const RequestLimits& limits)
    : sock_(sock), limits_(limits), buf_(16 * 1024) {}

void GuardedStream::begin_request() {
  in_head_ = true;
  request_line_ = true;
  line_bytes_ = 0;
  header_count_ = 0;
  head_bytes_ = 0;
  const auto now = Steady::now();
  head_deadline_ = now + limits_.head_timeout;
  request_deadline_ = now + limits_.request_timeout;
  close_after_response_ = false;
}

bool GuardedStream::is_readable() const {
  return has_buffered() || wait_for(sock_, POLLIN, limits_.idle_timeout) > 0;
}

bool GuardedStream::is_writable() const {
  return refusal_ == GuardRefusal::kNone && wait_for(sock_, POLLOUT, limits_.write_timeout) > 0;
}

bool GuardedStream::fill() {
  for (;;) {
    const bool head_first = in_head_ && head_deadline_ <= request_deadline_;
    const GuardRefusal late = head_first ? GuardRefusal::kHeadDeadline : GuardRefusal::kRequestDeadline;
    const auto deadline = head_first ? head_deadline_ : request_deadline_;
    const auto left = std::chrono::ceil<std::chrono::milliseconds>(deadline - Steady::now());
    if (left.count() <= 0) {
      refuse(late);
      return false;
    }
    const int ready = wait_for(sock_, POLLIN, std::min(left, limits_.idle_timeout));
    if (ready < 0) return false;
    if (ready == 0) {
      refuse(left <= limits_.idle_timeout ? late : GuardRefusal::kSilent);
      return false;
    }
    const ssize_t n = ::recv(sock_, buf_.data(), buf_.size(), 0);
    if (n > 0) {
      buf_pos_ = 0;
      buf_len_ = static_cast<std::size_t>(n);
      return true;
    }
    if (n == 0) return false;  // the client closed
    if (errno != EINTR && errno != EAGAIN && errno != EWOULDBLOCK) return false;
  }
}

bool GuardedStream::scan_head(const char* p, std::size_t n) {
  for (std::size_t i = 0; i < n && in_head_; ++i) {
    ++head_bytes_;
    ++line_bytes_;
    if (line_bytes_ > limits_.max_line_bytes) {
      refuse(GuardRefusal::kLineTooLong);
      return false;
    }
    if (head_bytes_ > limits_.max_head_bytes) {
      refuse(GuardRefusal::kHeadTooLarge);
      return false;
    }
    if (p[i] != '\n') continue;
    if (request_line_) {
      request_line_ = false;
    } else if (line_bytes_ <= 2) {  // "\r\n" or "\n": the blank line that ends the head
      in_head_ = false;
    } else if (++header_count_ > limits_.max_header_count) {
      refuse(GuardRefusal::kTooManyHeaders);
      return false;
    }
    line_bytes_ = 0;
  }
  return true;
}

ssize_t GuardedStream::read(char* ptr, std::size_t size) {
  if (refusal_ != GuardRefusal::kNone) return -1;
  if (!has_buffered() && !fill()) return refusal_ != GuardRefusal::kNone ? -1 : 0;
  const std::size_t n = std::min(size, buf_len_ - buf_pos_);
  if (in_head_ && !scan_head(buf_.data() + buf_pos_, n)) return -1;
  std::memcpy(ptr, buf_.data() + buf_pos_, n);
  buf_pos_ += n;
  return static_cast<ssize_t>(n);
}

ssize_t GuardedStream::write(const char* ptr, std::size_t size) {
  // After a refusal the guard has answered; httplib's own attempt to answer is dropped.
  if (refusal_ != GuardRefusal::kNone) return -1;
  if (wait_for(sock_, POLLOUT, limits_.write_timeout) <= 0) return -1;
  for (;;) {
    const ssize_t n = ::send(sock_, ptr, size, MSG_NOSIGNAL);
    if (n < 0 && errno == EINTR) continue;
    return n;
  }
}

void GuardedStream::get_remote_ip_and_port(std::string& ip, int& port) const {
  sockaddr_storage addr{};
  socklen_t len = sizeof addr;
  if (::getpeername(sock_, reinterpret_cast<sockaddr*>(&addr), &len) == 0) address_of(addr, ip, port);
}

void GuardedStream::get_local_ip_and_port(std::string& ip, int& port) const {
  sockaddr_storage addr{};
  socklen_t len = sizeof addr;
  if (::getsockname(sock_, reinterpret_cast<sockaddr*>(&addr), &len) == 0) address_of(addr, ip, port);
}

void GuardedStream::refuse(GuardRefusal why) {
  int status = 400;
  Error e;
  const std::string line = std::to_string(limits_.max_line_bytes);
  switch (why) {
    case GuardRefusal::kLineTooLong:
      if (request_line_) {
        status = 414;
        e = make_error("uri_too_long", "", "The request line is longer than " + line + " bytes.");
      } else {
        status = 431;
        e = make_error("header_too_large", "", "A request header line is longer than " + line + " bytes.");
      }
      break;
    case GuardRefusal::kTooManyHeaders:
      status = 431;
      e = make_error("too_many_headers", "",
                     "The request has more than " + std::to_string(limits_.max_header_count) +
                         " header lines.");
      break;
    case GuardRefusal::kHeadTooLarge:
      status = 431;
      e = make_error("header_too_large", "",
                     "The request's header lines are larger than " +
                         std::to_string(limits_.max_head_bytes) + " bytes in all.");
      break;
    case GuardRefusal::kHeadDeadline:
      status = 408;
      e = make_error("request_timeout", "",
                     "The request's header lines did not arrive within " + seconds(limits_.head_timeout) + ".");
      break;
    case GuardRefusal::kRequestDeadline:
      status = 408;
      e = make_error("request_timeout", "",
                     "The request did not arrive within " + seconds(limits_.request_timeout) + ".");
      break;
    case GuardRefusal::kSilent:
      status = 408;
      e = make_error("request_timeout", "",
                     "The connection was silent for " + seconds(limits_.idle_timeout) +
                         " in the middle of a request.");
      break;
    case GuardRefusal::kNone:
      return;
  }
  refusal_ = why;
  const std::string body = error_body(e).dump();
  const char* reason = status == 408 ? "Request Timeout"
                       : status == 414 ? "URI Too Long"
                       : status == 431 ? "Request Header Fields Too Large"
                                       : "Bad Request";
  const std::string answer = "HTTP/1.1 " + std::to_string(status) + " " + reason +
                             "\r\nContent-Type: application/json; charset=utf-8\r\nContent-Length: " +
                             std::to_string(body.size()) + "\r\nConnection: close\r\n\r\n" + body;
  // Best effort: the client may be gone or not reading.
  std::size_t sent = 0;
  while (sent < answer.size() && wait_for(sock_, POLLOUT, std::chrono::milliseconds(1000)) > 0) {
    const ssize_t n = ::send(sock_, answer.data() + sent, answer.size() - sent, MSG_NOSIGNAL);
    if (n <= 0) break;
    sent += static_cast<std::size_t>(n);
  }
}

// --- GuardedServer ----------------------------------------------------------------------------

bool GuardedServer::widen_backlog(int backlog) {
  return svr_sock_ != INVALID_SOCKET && ::listen(svr_sock_, backlog) == 0;
}

bool GuardedServer::wait_for_request(GuardedStream& strm) const {
  // In slices, so a stopping server does not wait out every idle keep-alive connection.
  const auto until = Steady::now() + limits_.keep_alive_timeout;
  while (svr_sock_ != INVALID_SOCKET) {
    const auto left = std::chrono::duration_cast<std::chrono::milliseconds>(until - Steady::now());
    if (left.count() <= 0) return false;
    const int r = wait_for(strm.socket(), POLLIN, std::min(left, std::chrono::milliseconds(100)));
    if (r != 0) return r > 0;
  }
  return false;
}

bool GuardedServer::process_and_close_socket(socket_t sock) {
  GuardedStream strm(sock, limits_);
  bool ok = false;
  for (std::size_t left = keep_alive_max_count_; left > 0 && svr_sock_ != INVALID_SOCKET; --left) {
    if (!strm.has_buffered() && !wait_for_request(strm)) break;
    strm.begin_request();
    bool connection_closed = false;
    t_current = &strm;
    ok = process_request(strm, left == 1, connection_closed, nullptr);
    t_current = nullptr;
    if (!ok || connection_closed || strm.must_close()) break;
  }
  ::shutdown(sock, SHUT_RDWR);
  ::close(sock);
  return ok;
}

// --- ElasticPool ------------------------------------------------------------------------------

ElasticPool::~ElasticPool() { shutdown(); }

void ElasticPool::enqueue(std::function<void()> fn) {
  std::unique_lock lock(mutex_);
  if (stopping_) {  // no worker will take it: run it here rather than leak its socket
    lock.unlock();
    fn();
    return;
  }
  jobs_.push_back(std::move(fn));
  if (jobs_.size() > idle_ && workers_.size() < max_) {
    try {
      workers_.emplace_back([this] { work(); });
    } catch (const std::system_error&) {
      // No thread to be had: the job waits for a running worker.
    }
  }
  lock.unlock();
  ready_.notify_one();
}

void ElasticPool::work() {
  std::unique_lock lock(mutex_);
  for (;;) {
    ++idle_;
    ready_.wait(lock, [this] { return stopping_ || !jobs_.empty(); });
    --idle_;
    if (jobs_.empty()) return;  // stopping, and nothing left to run
    std::function<void()> job = std::move(jobs_.front());
    jobs_.pop_front();
    lock.unlock();
    job();
    lock.lock();
  }
}

void ElasticPool::shutdown() {
  std::vector<std::thread> workers;
  {
    std::lock_guard lock(mutex_);
    stopping_ = true;
    workers.swap(workers_);
  }
  ready_.notify_all();
  for (std::thread& t : workers) t.join();
}

}  // namespace linedesk::server
