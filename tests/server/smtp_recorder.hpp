// SmtpRecorder: a minimal SMTP server on 127.0.0.1 in the test process (a thread), fast enough
// for a hundred thousand messages. It outlives the servers a test kills and restarts, and
// records every message whose end-of-data line arrived, as a relay accepts it; a connection
// that drops before it (a killed server) delivers nothing.
#pragma once

#include <arpa/inet.h>
#include <netinet/in.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <atomic>
#include <map>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

#include "test_support.hpp"

namespace linedesk::test {

class SmtpRecorder {
 public:
  struct Message {
    std::string to;    // the To header
    std::string kind;  // X-LineDesk-Kind
    std::string message_id;
  };

  SmtpRecorder() {
    listen_fd_ = ::socket(AF_INET, SOCK_STREAM, 0);
    const int one = 1;
    ::setsockopt(listen_fd_, SOL_SOCKET, SO_REUSEADDR, &one, sizeof one);
    sockaddr_in addr{};
    addr.sin_family = AF_INET;
    addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    socklen_t len = sizeof addr;
    if (::bind(listen_fd_, reinterpret_cast<sockaddr*>(&addr), sizeof addr) != 0 ||
        ::listen(listen_fd_, 64) != 0 ||
        ::getsockname(listen_fd_, reinterpret_cast<sockaddr*>(&addr), &len) != 0) {
      ::close(listen_fd_);
      throw std::runtime_error("SmtpRecorder: cannot listen on 127.0.0.1");
    }
    port_ = ntohs(addr.sin_port);
    thread_ = std::thread([this] { serve(); });
  }
  ~SmtpRecorder() {
    stop_ = true;
    thread_.join();
    ::close(listen_fd_);
  }
  SmtpRecorder(const SmtpRecorder&) = delete;
  SmtpRecorder& operator=(const SmtpRecorder&) = delete;

  std::string url() const { return "smtp://127.0.0.1:" + std::to_string(port_); }

  std::vector<Message> messages() const {
    std::lock_guard lock(mutex_);
    return messages_;
  }
  // How many messages of `kind` each recipient ("<a@b>" as in the To header) received.
  std::map<std::string, int> count_by_recipient(const std::string& kind) const {
    std::lock_guard lock(mutex_);
    std::map<std::string, int> out;
    for (const Message& m : messages_) {
      if (m.kind == kind) ++out[m.to];
    }
    return out;
  }
  // Connections that ended before their message's end-of-data line.
  int abandoned() const { return abandoned_; }

 private:
  void serve() {
    while (!stop_) {
      pollfd p{listen_fd_, POLLIN, 0};
      if (::poll(&p, 1, 50) <= 0) continue;
      const int fd = ::accept(listen_fd_, nullptr, nullptr);
      if (fd < 0) continue;
      timeval tv{10, 0};
      ::setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof tv);
      converse(fd);
      ::close(fd);
    }
  }

  // One SMTP session, one command or data line at a time.
  void converse(int fd) {
    std::string buffer;
    auto reply = [fd](const std::string& text) {
      const std::string line = text + "\r\n";
      return ::send(fd, line.data(), line.size(), MSG_NOSIGNAL) == static_cast<ssize_t>(line.size());
    };
    auto next_line = [&](std::string& line) {
      for (;;) {
        const auto end = buffer.find("\r\n");
        if (end != std::string::npos) {
          line = buffer.substr(0, end);
          buffer.erase(0, end + 2);
          return true;
        }
        char chunk[8192];
        const ssize_t n = ::recv(fd, chunk, sizeof chunk, 0);
        if (n <= 0) return false;
        buffer.append(chunk, static_cast<std::size_t>(n));
      }
    };
    if (!reply("220 recorder ESMTP")) return;
    std::string line;
    bool in_data = false;
    std::string data;
    while (next_line(line)) {
      if (in_data) {
        if (line == ".") {
          in_data = false;
          record(data);
          data.clear();
          if (!reply("250 OK: queued")) return;
        } else {
          data += (line.rfind("..", 0) == 0 ? line.substr(1) : line) + "\r\n";
        }
        continue;
      }
      const std::string verb = line.substr(0, 4);
      if (verb == "EHLO" || verb == "HELO") {
        if (!reply("250 recorder")) return;
      } else if (verb == "DATA") {
        in_data = true;
        if (!reply("354 End data with <CR><LF>.<CR><LF>")) return;
      } else if (verb == "QUIT") {
        reply("221 Bye");
        return;
      } else if (!reply("250 OK")) {  // MAIL, RCPT, RSET, NOOP
        return;
      }
    }
    if (in_data) ++abandoned_;
  }

  void record(const std::string& data) {
    Message m{mail_header(data, "To"), mail_header(data, "X-LineDesk-Kind"),
              mail_header(data, "Message-ID")};
    std::lock_guard lock(mutex_);
    messages_.push_back(std::move(m));
  }

  int listen_fd_ = -1;
  int port_ = 0;
  std::atomic<bool> stop_{false};
  std::atomic<int> abandoned_{0};
  std::thread thread_;
  mutable std::mutex mutex_;
  std::vector<Message> messages_;
};

}  // namespace linedesk::test
