// .eml formatting, the outbox folder and SMTP through libcurl.
#include "mail.hpp"

#include <curl/curl.h>

#include <cstdio>
#include <filesystem>
#include <fstream>

#include "shared/time_zone.hpp"

namespace linedesk::server {
namespace {

bool is_ascii(const std::string& s) {
  for (unsigned char c : s) {
    if (c >= 0x80) return false;
  }
  return true;
}

std::string base64(const std::string& in) {
  static constexpr char kTable[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
  std::string out;
  std::size_t i = 0;
  for (; i + 2 < in.size(); i += 3) {
    const unsigned v = (static_cast<unsigned char>(in[i]) << 16) |
                       (static_cast<unsigned char>(in[i + 1]) << 8) |
                       static_cast<unsigned char>(in[i + 2]);
    out += kTable[(v >> 18) & 63];
    out += kTable[(v >> 12) & 63];
    out += kTable[(v >> 6) & 63];
    out += kTable[v & 63];
  }
  if (i + 1 == in.size()) {
    const unsigned v = static_cast<unsigned char>(in[i]) << 16;
    out += kTable[(v >> 18) & 63];
    out += kTable[(v >> 12) & 63];
    out += "==";
  } else if (i + 2 == in.size()) {
    const unsigned v = (static_cast<unsigned char>(in[i]) << 16) |
                       (static_cast<unsigned char>(in[i + 1]) << 8);
    out += kTable[(v >> 18) & 63];
    out += kTable[(v >> 12) & 63];
    out += kTable[(v >> 6) & 63];
    out += '=';
  }
  return out;
}

// RFC 2047 encoded word for non-ASCII header text.
std::string header_text(const std::string& s) {
  return is_ascii(s) ? s : "=?UTF-8?B?" + base64(s) + "?=";
}

std::string rfc5322_date(std::int64_t now_ms) {
  static constexpr const char* kDays[] = {"Thu", "Fri", "Sat", "Sun", "Mon", "Tue", "Wed"};
  static constexpr const char* kMonths[] = {"Jan", "Feb", "Mar", "Apr", "May", "Jun",
                                            "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"};
  const CivilTime c = civil_from_utc(now_ms);
  const std::int64_t days = now_ms >= 0 ? now_ms / 86400000 : (now_ms - 86399999) / 86400000;
  char buf[64];
  std::snprintf(buf, sizeof buf, "%s, %02d %s %04d %02d:%02d:%02d +0000",
                kDays[((days % 7) + 7) % 7], c.day, kMonths[c.month - 1], c.year, c.hour, c.minute,
                c.second);
  return buf;
}

std::string crlf(const std::string& body) {
  std::string out;
  out.reserve(body.size() + body.size() / 40);
  for (std::size_t i = 0; i < body.size(); ++i) {
    if (body[i] == '\n' && (i == 0 || body[i - 1] != '\r')) out += '\r';
    out += body[i];
  }
  if (out.size() < 2 || out.compare(out.size() - 2, 2, "\r\n") != 0) out += "\r\n";
  return out;
}

// Writes `text` beside `path`, then, once `hand_over` agrees, gives it its name: a reader of the
// folder never sees half a message, nor one the worker did not hand over.
std::optional<SendError> write_atomically(const std::filesystem::path& path, const std::string& text,
                                          const HandOver& hand_over) {
  const std::filesystem::path tmp = path.string() + ".tmp";
  {
    std::ofstream out(tmp, std::ios::binary | std::ios::trunc);
    if (!out) return SendError{false, "could not write " + tmp.string()};
    out << text;
    if (!out.flush()) return SendError{false, "could not write " + tmp.string()};
  }
  std::error_code ec;
  if (!hand_over()) {
    std::filesystem::remove(tmp, ec);
    return SendError{false, "not handed over: the delivery could not be recorded"};
  }
  std::filesystem::rename(tmp, path, ec);
  if (ec) return SendError{false, "could not write " + path.string()};
  return std::nullopt;
}

struct Upload {
  const std::string* text;
  const HandOver* hand_over;
  std::size_t offset = 0;
  bool handed_over = false;
  bool refused = false;
};

// libcurl adds the end-of-data line after the last byte given here: the message is handed over
// just before, so a relay never holds a whole message the worker did not record as handed over.
std::size_t read_upload(char* buffer, std::size_t size, std::size_t count, void* user) {
  auto* up = static_cast<Upload*>(user);
  const std::size_t n = std::min(size * count, up->text->size() - up->offset);
  if (n == 0 && !up->handed_over) {
    up->handed_over = true;
    if (!(*up->hand_over)()) {
      up->refused = true;
      return CURL_READFUNC_ABORT;
    }
  }
  std::memcpy(buffer, up->text->data() + up->offset, n);
  up->offset += n;
  return n;
}

}  // namespace

std::string bare_address(const std::string& from) {
  const auto lt = from.find('<');
  const auto gt = from.find('>', lt == std::string::npos ? 0 : lt);
  if (lt != std::string::npos && gt != std::string::npos) return from.substr(lt + 1, gt - lt - 1);
  return from;
}

std::string format_eml(const OutboxMessage& m, const std::string& from, std::int64_t now_ms) {
  std::string eml;
  eml += "From: " + from + "\r\n";
  eml += "To: <" + m.to + ">\r\n";
  eml += "Subject: " + header_text(m.subject) + "\r\n";
  eml += "Date: " + rfc5322_date(now_ms) + "\r\n";
  eml += "Message-ID: <linedesk-" + std::to_string(m.id) + "-" + std::to_string(m.created_ms) +
         "@" + bare_address(from).substr(bare_address(from).find('@') + 1) + ">\r\n";
  eml += "MIME-Version: 1.0\r\n";
  eml += "Content-Type: text/plain; charset=utf-8\r\n";
  eml += "Content-Transfer-Encoding: 8bit\r\n";
  eml += "X-LineDesk-Kind: " + m.kind + "\r\n";
  eml += "\r\n";
  eml += crlf(m.body);
  return eml;
}

OutboxDirMailer::OutboxDirMailer(std::string dir, std::string from)
    : dir_(std::move(dir)), from_(std::move(from)) {
  // Made again before each message: a folder that cannot be made now (a read-only database
  // folder) only fails the messages that need it.
  std::error_code ec;
  std::filesystem::create_directories(dir_, ec);
}

std::optional<SendError> OutboxDirMailer::send(const OutboxMessage& m, std::int64_t now_ms,
                                               const HandOver& hand_over) {
  std::error_code ec;
  std::filesystem::create_directories(dir_, ec);
  const bool sms = m.to.find('@') == std::string::npos;
  const std::filesystem::path path =
      std::filesystem::path(dir_) /
      (std::to_string(m.id) + "-" + (sms ? std::string("sms.txt") : m.kind + ".eml"));
  const std::string text =
      sms ? "To: " + m.to + "\r\n\r\n" + crlf(m.subject + "\n\n" + m.body) : format_eml(m, from_, now_ms);
  return write_atomically(path, text, hand_over);
}

SmtpMailer::SmtpMailer(std::string url, std::string from, Mailer& fallback)
    : url_(std::move(url)), from_(std::move(from)), fallback_(fallback) {}

std::optional<SendError> SmtpMailer::send(const OutboxMessage& m, std::int64_t now_ms,
                                          const HandOver& hand_over) {
  if (m.to.find('@') == std::string::npos) return fallback_.send(m, now_ms, hand_over);
  const std::string eml = format_eml(m, from_, now_ms);
  CURL* curl = curl_easy_init();
  if (!curl) return SendError{false, "libcurl could not start"};
  Upload upload{&eml, &hand_over};
  curl_slist* rcpt = curl_slist_append(nullptr, ("<" + m.to + ">").c_str());
  const std::string mail_from = "<" + bare_address(from_) + ">";
  curl_easy_setopt(curl, CURLOPT_URL, url_.c_str());
  curl_easy_setopt(curl, CURLOPT_MAIL_FROM, mail_from.c_str());
  curl_easy_setopt(curl, CURLOPT_MAIL_RCPT, rcpt);
  curl_easy_setopt(curl, CURLOPT_READFUNCTION, read_upload);
  curl_easy_setopt(curl, CURLOPT_READDATA, &upload);
  curl_easy_setopt(curl, CURLOPT_UPLOAD, 1L);
  curl_easy_setopt(curl, CURLOPT_CONNECTTIMEOUT, 10L);
  curl_easy_setopt(curl, CURLOPT_TIMEOUT, 30L);
  curl_easy_setopt(curl, CURLOPT_NOSIGNAL, 1L);
  const CURLcode rc = curl_easy_perform(curl);
  long code = 0;
  curl_easy_getinfo(curl, CURLINFO_RESPONSE_CODE, &code);
  curl_slist_free_all(rcpt);
  curl_easy_cleanup(curl);
  if (rc == CURLE_OK) return std::nullopt;
  if (upload.refused) return SendError{false, "not handed over: the delivery could not be recorded"};
  // 5xx replies (unknown recipient, refused) are final; connection trouble is retried.
  return SendError{code >= 500 && code < 600,
                   std::string(curl_easy_strerror(rc)) + (code ? " (SMTP " + std::to_string(code) + ")" : "")};
}

}  // namespace linedesk::server
