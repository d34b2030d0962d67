// Mail delivery: messages as RFC 5322 text, written to an outbox folder (the default) or sent
// through an SMTP relay with libcurl. SMS invitations (to device numbers) always go to the
// folder: LineDesk has no SMS gateway.
#pragma once

#include <functional>
#include <memory>
#include <string>

#include "shared/result.hpp"
#include "store.hpp"

namespace linedesk::server {

// The message as an .eml: From, To, Subject (RFC 2047 encoded when not ASCII), Date,
// Message-ID, MIME headers, then the UTF-8 body with CRLF line ends.
std::string format_eml(const OutboxMessage& m, const std::string& from, std::int64_t now_ms);

// A delivery failure: `permanent` failures are not retried (the relay refused the recipient).
struct SendError {
  bool permanent = false;
  std::string message;
};

// Called by a mailer at the last moment a message can still be held back (before the SMTP
// end-of-data line, before the outbox file gets its name), to record durably that it is being
// handed over. False: the mailer abandons the message, which is then not delivered.
using HandOver = std::function<bool()>;

class Mailer {
 public:
  virtual ~Mailer() = default;
  // Delivers `m`, calling `hand_over` once just before it becomes the recipient's; returns
  // nothing on success, else the reason.
  virtual std::optional<SendError> send(const OutboxMessage& m, std::int64_t now_ms,
                                        const HandOver& hand_over) = 0;
  virtual std::string describe() const = 0;
};

// Writes <id>-<kind>.eml (email) or <id>-sms.txt (SMS) into `dir`, atomically.
class OutboxDirMailer final : public Mailer {
 public:
  OutboxDirMailer(std::string dir, std::string from);
  std::optional<SendError> send(const OutboxMessage& m, std::int64_t now_ms,
                                const HandOver& hand_over) override;
  std::string describe() const override { return "outbox folder " + dir_; }

 private:
  std::string dir_;
  std::string from_;
};

// Sends through an SMTP relay ("smtp://host:port"); device-number recipients go to `fallback`.
class SmtpMailer final : public Mailer {
 public:
  SmtpMailer(std::string url, std::string from, Mailer& fallback);
  std::optional<SendError> send(const OutboxMessage& m, std::int64_t now_ms,
                                const HandOver& hand_over) override;
  std::string describe() const override { return "SMTP relay " + url_; }

 private:
  std::string url_;
  std::string from_;
  Mailer& fallback_;
};

// The address part of "Name <a@b>" or "a@b".
std::string bare_address(const std::string& from);

}  // namespace linedesk::server
