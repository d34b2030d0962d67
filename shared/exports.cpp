// CSV exports.
#include "exports.hpp"

#include <algorithm>
#include <unordered_map>
#include <unordered_set>

#include "csv.hpp"
#include "text.hpp"

namespace linedesk {
namespace {

std::string_view on_off(bool v) { return v ? "On" : "Off"; }

std::string local_time(const TimeZone& tz, TimestampMs t) { return t > 0 ? tz.format(t) : ""; }

void append_padded(std::string& out, int v, int width) {
  std::string digits = std::to_string(v);
  if (static_cast<int>(digits.size()) < width) out.append(width - digits.size(), '0');
  out += digits;
}

std::string utc_iso(TimestampMs t) {
  const CivilTime c = civil_from_utc(t);
  std::string out;
  append_padded(out, c.year, 4);
  out += '-';
  append_padded(out, c.month, 2);
  out += '-';
  append_padded(out, c.day, 2);
  out += 'T';
  append_padded(out, c.hour, 2);
  out += ':';
  append_padded(out, c.minute, 2);
  out += ':';
  append_padded(out, c.second, 2);
  out += 'Z';
  return out;
}

std::string one_line(const std::string& s) {
  std::string out;
  out.reserve(s.size());
  for (char c : s) {
    if (c == '\n') {
      out += "\\n";
    } else if (c == '\r') {
      out += "\\r";
    } else {
      out += c;
    }
  }
  return out;
}

// The organizations of `org`'s subtree, for one hash lookup per row instead of a walk.
std::unordered_set<OrgId> subtree_ids(const State& state, OrgId org) {
  std::unordered_set<OrgId> out;
  for (const Organization& o : state.orgs().subtree(org)) out.insert(o.id);
  return out;
}

}  // namespace

std::vector<std::string> accounts_csv_columns() {
  return {"Name",
          "Account ID",
          "Invitation sent",
          "Organization",
          "MultiLine",
          "Device #",
          "MultiLine status",
          "Assigned Number",
          "Type",
          "Last Sign In",
          "Monitor Calls",
          "Monitor Messages",
          "Date Registered",
          "Applications Activity History",
          "Last Application Accessed",
          "Last Application Accessed on",
          "User Permissions",
          "Social Messaging",
          "Compliance Group",
          "Notification Address",
          "Enable Clare",
          "Language",
          "Forwarding Number",
          "Notes",
          "First Name",
          "Last Name",
          "Email or Device",
          "Restrict Incoming Social Messaging"};
}

std::string accounts_csv(const State& state, OrgId org, TimestampMs now, const TimeZone& tz,
                         const std::vector<AccountId>* selection) {
  // Names and their sort keys (collation_key) are built once, into one buffer: no allocation
  // per account, and the comparator only compares bytes.
  std::vector<const Account*> accounts;
  const std::unordered_set<OrgId> subtree = subtree_ids(state, org);
  if (selection) {
    for (AccountId id : *selection) {
      const Account* a = state.account(id);
      if (a && subtree.count(a->org)) accounts.push_back(a);
    }
    // A selection naming an account twice lists it once.
    std::sort(accounts.begin(), accounts.end());
    accounts.erase(std::unique(accounts.begin(), accounts.end()), accounts.end());
  } else {
    accounts.reserve(state.accounts().size());
    for (const auto& [id, a] : state.accounts()) {
      if (subtree.count(a.org)) accounts.push_back(&a);
    }
  }
  struct Row {
    std::size_t name_at, name_size, key_at, key_size;
    const Account* account;
  };
  std::string arena;
  arena.reserve(accounts.size() * 64);
  std::vector<Row> rows;
  rows.reserve(accounts.size());
  std::string name;  // reused: its capacity stays
  for (const Account* a : accounts) {
    name = a->first_name;
    if (!a->first_name.empty() && !a->last_name.empty()) name += ' ';
    name += a->last_name;
    Row r{arena.size(), name.size(), 0, 0, a};
    arena += name;
    r.key_at = arena.size();
    append_folded(arena, name);
    arena += '\x01';
    arena += name;
    r.key_size = arena.size() - r.key_at;
    rows.push_back(r);
  }
  const std::string_view text(arena);
  std::sort(rows.begin(), rows.end(), [text](const Row& x, const Row& y) {
    const int c = text.substr(x.key_at, x.key_size).compare(text.substr(y.key_at, y.key_size));
    return c != 0 ? c < 0 : x.account->account_id < y.account->account_id;
  });
  std::unordered_map<OrgId, std::string_view> org_names;
  for (const auto& [id, o] : state.orgs().all()) org_names.emplace(id, o.name);
  std::unordered_map<PermGroupId, std::string_view> group_names;
  for (const auto& [id, g] : state.groups()) group_names.emplace(id, g.name);
  auto name_of = [](const auto& names, auto id) {
    auto it = names.find(id);
    return it == names.end() ? std::string_view() : it->second;
  };

  CsvWriter w(CsvWriteOptions{',', true, true, true});
  w.reserve(512 + rows.size() * 320);
  const Organization* o = state.org(org);
  w.row({"Report name", "Accounts"});
  w.row({"Date/Time", tz.format(now)});
  w.row({"Organization", o ? o->name : ""});
  w.row({"Timezone", tz.name()});
  w.end_row();
  w.row(accounts_csv_columns());
  std::string history;
  for (const Row& row : rows) {
    const Account* a = row.account;
    const std::string_view row_name = text.substr(row.name_at, row.name_size);
    const bool active = a->status == AccountStatus::kActive;
    history.clear();
    for (const AppActivity& h : a->app_history) {
      if (!history.empty()) history += "; ";
      history += h.app + " (" + h.platform + ") " + local_time(tz, h.at_ms);
    }
    const AppActivity* last = a->app_history.empty() ? nullptr : &a->app_history.back();
    w.cell(row_name)
        .cell(a->account_id)
        .cell(local_time(tz, a->invitation_sent_ms))
        .cell(name_of(org_names, a->org))
        .cell(active ? std::string_view(a->number) : std::string_view())
        .cell(a->device_number)
        .cell(account_status_label(a->status))
        .cell(active ? std::string_view() : std::string_view(a->number))
        .cell("ML")
        .cell(local_time(tz, a->last_sign_in_ms))
        .cell(on_off(a->monitor_calls))
        .cell(on_off(a->monitor_messages))
        .cell(local_time(tz, a->registered_ms))
        .cell(history)
        .cell(last ? last->app + " (" + last->platform + ")" : std::string())
        .cell(last ? local_time(tz, last->at_ms) : "")
        .cell(name_of(group_names, a->permission_group))
        .cell(a->social_messaging ? "on" : "off")
        .cell(a->compliance_group)
        .cell(a->notification_address)
        .cell(on_off(a->enable_clare))
        .cell(language_name(a->language))
        .cell(a->forwarding_number)
        .cell(a->notes)
        .cell(a->first_name)
        .cell(a->last_name)
        .cell(a->invite_address)
        .cell(a->restrict_incoming_social_messaging ? "true" : "false")
        .end_row();
  }
  return w.take();
}

std::string batch_report_csv(const BatchReport& report, bool dry_run) {
  CsvWriter w(CsvWriteOptions{',', true, true, true});
  std::vector<std::string> header = report.header;
  header.push_back("status");
  header.push_back("reason");
  w.row(header);
  for (const BatchRowResult& row : report.rows) {
    for (std::size_t i = 0; i < report.header.size(); ++i) {
      w.cell(i < row.cells.size() ? std::string_view(row.cells[i]) : std::string_view());
    }
    std::string status;
    switch (row.status) {
      case RowStatus::kOk: status = dry_run ? "valid" : "imported"; break;
      case RowStatus::kFailed: status = "failed"; break;
      case RowStatus::kSkipped: status = "skipped"; break;
    }
    std::string reason = row.reason;
    for (const std::string& note : row.notes) reason += (reason.empty() ? "" : " ") + note;
    w.cell(status).cell(reason).end_row();
  }
  return w.take();
}

std::string activity_csv(const State& state, const std::vector<ActivityEntry>& entries) {
  CsvWriter w(CsvWriteOptions{',', true, true, true});
  w.row({"Date/Time (UTC)", "Administrator", "Organization", "Action", "Target", "Summary",
         "Before", "After"});
  for (const ActivityEntry& e : entries) {
    const Organization* o = state.org(e.org);
    w.cell(utc_iso(e.at_ms))
        .cell(one_line(e.admin_email))
        .cell(o ? o->name : (e.org.valid() ? "(deleted organization)" : ""))
        .cell(one_line(e.action))
        .cell(one_line(e.target))
        .cell(one_line(e.summary))
        .cell(one_line(e.before))
        .cell(one_line(e.after))
        .end_row();
  }
  return w.take();
}

std::string numbers_csv(const State& state, OrgId org) {
  std::vector<const Number*> rows;
  const std::unordered_set<OrgId> subtree = subtree_ids(state, org);
  for (const auto& [id, n] : state.numbers()) {
    if (subtree.count(n.org)) rows.push_back(&n);
  }
  std::sort(rows.begin(), rows.end(), [](const Number* a, const Number* b) { return a->id < b->id; });
  CsvWriter w(CsvWriteOptions{',', true, true, true});
  w.reserve(64 + rows.size() * 80);
  w.row({"Number", "State", "Organization", "Tag", "Account ID"});
  for (const Number* n : rows) {
    const Organization* o = state.org(n->org);
    const Account* a = n->account.valid() ? state.account(n->account) : nullptr;
    w.cell(n->e164)
        .cell(number_state_label(n->state))
        .cell(o ? o->name : "")
        .cell(n->tag)
        .cell(a ? a->account_id : "")
        .end_row();
  }
  return w.take();
}

std::string number_import_report_csv(const Json& result) {
  CsvWriter w(CsvWriteOptions{',', true, true, true});
  w.row({"line", "number", "tag", "status", "reason"});
  if (result.contains("rows") && result["rows"].is_array()) {
    for (const Json& r : result["rows"]) {
      auto text = [&r](const char* k) {
        return r.contains(k) && r[k].is_string() ? r[k].get<std::string>() : std::string();
      };
      const std::string line =
          r.contains("line") && r["line"].is_number() ? std::to_string(r["line"].get<std::int64_t>()) : "";
      w.row({line, text("number"), text("tag"), text("status"), text("reason")});
    }
  }
  return w.take();
}

Result<std::vector<NumberEntry>> number_entries_from_csv(std::string_view text) {
  auto doc = read_csv(text);
  if (!doc) return doc.error();
  std::vector<NumberEntry> out;
  std::size_t number_col = 0;
  std::optional<std::size_t> tag_col;
  std::size_t first = 0;
  if (!doc->rows.empty()) {
    const auto& header = doc->rows[0].cells;
    bool is_header = false;
    for (std::size_t i = 0; i < header.size(); ++i) {
      const std::string h = ascii_lower(trim(header[i]));
      if (h == "number" || h == "numbers" || h == "e164" || h == "phone number") {
        number_col = i;
        is_header = true;
      }
      if (h == "tag" || h == "reservation tag") {
        tag_col = i;
        is_header = true;
      }
    }
    if (is_header) first = 1;
  }
  for (std::size_t r = first; r < doc->rows.size(); ++r) {
    const CsvRow& row = doc->rows[r];
    if (row.blank()) continue;
    NumberEntry e;
    e.line = row.line;
    e.number = number_col < row.cells.size() ? restore_formula(row.cells[number_col]) : "";
    if (tag_col && *tag_col < row.cells.size()) e.tag = row.cells[*tag_col];
    out.push_back(std::move(e));
  }
  return out;
}

}  // namespace linedesk
