// Snapshot text encoding.
#include "snapshot_codec.hpp"

#include <array>
#include <charconv>

#include "json_io.hpp"

namespace linedesk {
namespace {

void put_text(std::string& out, std::string_view s) {
  for (char c : s) {
    switch (c) {
      case '\\': out += "\\\\"; break;
      case '\t': out += "\\t"; break;
      case '\n': out += "\\n"; break;
      case '\r': out += "\\r"; break;
      default: out += c;
    }
  }
}

void put_int(std::string& out, std::int64_t v) {
  char buf[24];
  auto [p, ec] = std::to_chars(buf, buf + sizeof buf, v);
  (void)ec;
  out.append(buf, p);
}

// Cells of one line, unescaped in place into `cells` (reused between lines).
class LineReader {
 public:
  explicit LineReader(std::string_view text) : text_(text) {}
  bool next(std::vector<std::string>& cells) {
    if (pos_ >= text_.size()) return false;
    cells.clear();
    std::string cell;
    while (pos_ < text_.size()) {
      const char c = text_[pos_++];
      if (c == '\n') break;
      if (c == '\t') {
        cells.push_back(std::move(cell));
        cell.clear();
      } else if (c == '\\' && pos_ < text_.size()) {
        const char e = text_[pos_++];
        cell += e == 't' ? '\t' : e == 'n' ? '\n' : e == 'r' ? '\r' : e;
      } else {
        cell += c;
      }
    }
    cells.push_back(std::move(cell));
    return true;
  }
  std::string_view rest() const { return text_.substr(pos_); }

 private:
  std::string_view text_;
  std::size_t pos_ = 0;
};

std::int64_t to_int(const std::string& s, bool& ok) {
  std::int64_t v = 0;
  auto [p, ec] = std::from_chars(s.data(), s.data() + s.size(), v);
  if (ec != std::errc() || p != s.data() + s.size()) ok = false;
  return v;
}

constexpr std::size_t kAccountColumns = 29;
constexpr std::size_t kNumberColumns = 7;
constexpr std::size_t kInvitationColumns = 10;

void encode(std::string& out, const Account& a) {
  put_int(out, a.id.value); out += '\t';
  put_int(out, a.org.value); out += '\t';
  put_int(out, a.permission_group.value); out += '\t';
  for (const std::string* s : {&a.account_id, &a.first_name, &a.last_name, &a.invite_address,
                               &a.device_number, &a.notification_address}) {
    put_text(out, *s);
    out += '\t';
  }
  out += account_status_name(a.status); out += '\t';
  put_text(out, a.number); out += '\t';
  for (bool b : {a.monitor_calls, a.monitor_messages, a.social_messaging,
                 a.restrict_incoming_social_messaging, a.enable_clare, a.ms_teams_calling}) {
    out += b ? '1' : '0';
    out += '\t';
  }
  put_text(out, a.compliance_group); out += '\t';
  out += language_name(a.language); out += '\t';
  put_text(out, a.forwarding_number); out += '\t';
  put_text(out, a.notes); out += '\t';
  put_int(out, a.invitation.value); out += '\t';
  for (std::int64_t t : {a.created_ms, a.updated_ms, a.invitation_sent_ms, a.registered_ms, a.last_sign_in_ms}) {
    put_int(out, t);
    out += '\t';
  }
  put_text(out, a.app_history.empty() ? std::string("[]") : to_json(a)["app_history"].dump()); out += '\t';
  put_int(out, a.version);
  out += '\n';
}

Result<Account> decode_account(std::vector<std::string>& c) {
  if (c.size() != kAccountColumns) return make_error("invalid_field", "snapshot", "An account row has the wrong number of cells.");
  bool ok = true;
  Account a;
  std::size_t i = 0;
  a.id = AccountId(to_int(c[i++], ok));
  a.org = OrgId(to_int(c[i++], ok));
  a.permission_group = PermGroupId(to_int(c[i++], ok));
  for (std::string* s : {&a.account_id, &a.first_name, &a.last_name, &a.invite_address,
                         &a.device_number, &a.notification_address}) {
    *s = std::move(c[i++]);
  }
  const auto status = account_status_from_name(c[i++]);
  a.number = std::move(c[i++]);
  for (bool* b : {&a.monitor_calls, &a.monitor_messages, &a.social_messaging,
                  &a.restrict_incoming_social_messaging, &a.enable_clare, &a.ms_teams_calling}) {
    *b = c[i++] == "1";
  }
  a.compliance_group = std::move(c[i++]);
  const auto language = language_from_name(c[i++]);
  a.forwarding_number = std::move(c[i++]);
  a.notes = std::move(c[i++]);
  a.invitation = InvitationId(to_int(c[i++], ok));
  for (std::int64_t* t : {&a.created_ms, &a.updated_ms, &a.invitation_sent_ms, &a.registered_ms, &a.last_sign_in_ms}) {
    *t = to_int(c[i++], ok);
  }
  if (c[i] != "[]") {
    auto history = parse_json(c[i]);
    auto with = history ? account_from_json(Json{{"id", 1}, {"org", 1}, {"account_id", "x"},
                                                 {"app_history", history.value()}})
                        : Result<Account>(history.error());
    if (!with) return with.error();
    a.app_history = std::move(with->app_history);
  }
  ++i;
  a.version = to_int(c[i++], ok);
  if (!ok || !status || !language) return make_error("invalid_field", "snapshot", "An account row could not be read.");
  a.status = *status;
  a.language = *language;
  return a;
}

void encode(std::string& out, const Number& n) {
  put_int(out, n.id.value); out += '\t';
  put_text(out, n.e164); out += '\t';
  put_int(out, n.org.value); out += '\t';
  put_text(out, n.tag); out += '\t';
  put_int(out, n.account.value); out += '\t';
  out += number_state_name(n.state); out += '\t';
  put_int(out, n.imported_ms);
  out += '\n';
}

Result<Number> decode_number(std::vector<std::string>& c) {
  if (c.size() != kNumberColumns) return make_error("invalid_field", "snapshot", "A number row has the wrong number of cells.");
  bool ok = true;
  Number n;
  n.id = NumberId(to_int(c[0], ok));
  n.e164 = std::move(c[1]);
  n.org = OrgId(to_int(c[2], ok));
  n.tag = std::move(c[3]);
  n.account = AccountId(to_int(c[4], ok));
  const auto state = number_state_from_name(c[5]);
  n.imported_ms = to_int(c[6], ok);
  if (!ok || !state) return make_error("invalid_field", "snapshot", "A number row could not be read.");
  n.state = *state;
  return n;
}

void encode(std::string& out, const Invitation& v) {
  put_int(out, v.id.value); out += '\t';
  put_int(out, v.account.value); out += '\t';
  put_int(out, v.org.value); out += '\t';
  put_text(out, v.address); out += '\t';
  out += v.by_email ? '1' : '0'; out += '\t';
  out += invitation_status_name(v.status); out += '\t';
  put_int(out, v.created_ms); out += '\t';
  put_int(out, v.expires_ms); out += '\t';
  put_int(out, v.sent_ms); out += '\t';
  put_text(out, v.failure);
  out += '\n';
}

Result<Invitation> decode_invitation(std::vector<std::string>& c) {
  if (c.size() != kInvitationColumns) return make_error("invalid_field", "snapshot", "An invitation row has the wrong number of cells.");
  bool ok = true;
  Invitation v;
  v.id = InvitationId(to_int(c[0], ok));
  v.account = AccountId(to_int(c[1], ok));
  v.org = OrgId(to_int(c[2], ok));
  v.address = std::move(c[3]);
  v.by_email = c[4] == "1";
  const auto status = invitation_status_from_name(c[5]);
  v.created_ms = to_int(c[6], ok);
  v.expires_ms = to_int(c[7], ok);
  v.sent_ms = to_int(c[8], ok);
  v.failure = std::move(c[9]);
  if (!ok || !status) return make_error("invalid_field", "snapshot", "An invitation row could not be read.");
  v.status = *status;
  return v;
}

}  // namespace

std::string encode_snapshot(const PullResponse& s) {
  PullResponse meta = s;
  meta.puts.clear();
  meta.deletes.clear();
  meta.ops.clear();
  std::array<std::vector<const Entity*>, std::variant_size_v<Entity>> by_kind;
  for (const Entity& e : s.puts) by_kind[static_cast<std::size_t>(kind_of(e))].push_back(&e);
  std::string out;
  out.reserve(64 + s.puts.size() * 200);
  out += kSnapshotMagic;
  // Escaped like every other cell: the JSON's own backslashes must survive the line reader.
  put_text(out, to_json(meta).dump(-1, ' ', false, Json::error_handler_t::replace));
  out += '\n';
  for (std::size_t k = 0; k < by_kind.size(); ++k) {
    if (by_kind[k].empty()) continue;
    out += '#';
    out += entity_kind_name(static_cast<EntityKind>(k));
    out += ' ';
    put_int(out, static_cast<std::int64_t>(by_kind[k].size()));
    out += '\n';
    for (const Entity* e : by_kind[k]) {
      std::visit(
          [&out](const auto& v) {
            using T = std::decay_t<decltype(v)>;
            if constexpr (std::is_same_v<T, Account> || std::is_same_v<T, Number> ||
                          std::is_same_v<T, Invitation>) {
              encode(out, v);
            } else {
              put_text(out, to_json(v).dump(-1, ' ', false, Json::error_handler_t::replace));
              out += '\n';
            }
          },
          *e);
    }
  }
  return out;
}

Result<PullResponse> decode_snapshot(std::string_view text) {
  if (!is_snapshot_text(text)) return make_error("bad_response", "", "This is not a LineDesk snapshot.");
  LineReader lines(text.substr(kSnapshotMagic.size()));
  std::vector<std::string> cells;
  if (!lines.next(cells) || cells.size() != 1) return make_error("bad_response", "", "The snapshot has no header.");
  auto meta_json = parse_json(cells[0]);
  if (!meta_json) return meta_json.error();
  auto meta = pull_response_from_json(meta_json.value());
  if (!meta) return meta.error();
  PullResponse out = std::move(meta).value();
  out.snapshot = true;
  EntityKind kind = EntityKind::kOrganization;
  std::int64_t expected = 0;
  while (lines.next(cells)) {
    if (cells.size() == 1 && !cells[0].empty() && cells[0][0] == '#') {
      const std::string& header = cells[0];
      const auto space = header.find(' ');
      const auto k = entity_kind_from_name(header.substr(1, space - 1));
      bool ok = true;
      expected = space == std::string::npos ? -1 : to_int(header.substr(space + 1), ok);
      if (!k || !ok || expected < 0) return make_error("bad_response", "", "A snapshot section header is damaged.");
      kind = *k;
      out.puts.reserve(out.puts.size() + static_cast<std::size_t>(expected));
      continue;
    }
    if (--expected < 0) return make_error("bad_response", "", "A snapshot section has more rows than it says.");
    switch (kind) {
      case EntityKind::kAccount: {
        auto a = decode_account(cells);
        if (!a) return a.error();
        out.puts.emplace_back(std::move(a).value());
        break;
      }
      case EntityKind::kNumber: {
        auto n = decode_number(cells);
        if (!n) return n.error();
        out.puts.emplace_back(std::move(n).value());
        break;
      }
      case EntityKind::kInvitation: {
        auto v = decode_invitation(cells);
        if (!v) return v.error();
        out.puts.emplace_back(std::move(v).value());
        break;
      }
      default: {
        auto j = parse_json(cells.empty() ? std::string_view() : std::string_view(cells[0]));
        if (!j) return j.error();
        auto e = entity_from_envelope(Json{{"kind", entity_kind_name(kind)}, {"value", std::move(j).value()}});
        if (!e) return e.error();
        out.puts.push_back(std::move(e).value());
      }
    }
  }
  if (expected > 0) return make_error("bad_response", "", "The snapshot ends early: a download was cut.");
  return out;
}

}  // namespace linedesk

namespace linedesk {

std::string encode_pull_answer(const PullRequest& request, const PullResponse& answer) {
  if (!answer.error && answer.snapshot && request.text_snapshot) return encode_snapshot(answer);
  return to_json(answer).dump(-1, ' ', false, Json::error_handler_t::replace);
}

Result<PullResponse> decode_pull_answer(std::string_view body) {
  if (is_snapshot_text(body)) return decode_snapshot(body);
  auto json = parse_json(body);
  if (!json) return json.error();
  return pull_response_from_json(*json);
}

}  // namespace linedesk
