// Core benchmark: a 1000-row Import & Invite into an enterprise of 100 000 accounts and
// 120 000 numbers, and the 100 000-account CSV download. Built natively and with em++; prints
// one JSON line per figure so scripts/bench.sh can set the two side by side.
#include <algorithm>
#include <chrono>
#include <cstdio>
#include <string>
#include <vector>

#include "shared/engine.hpp"
#include "shared/exports.hpp"
#include "shared/api.hpp"
#include "shared/replica.hpp"
#include "shared/snapshot_codec.hpp"

using namespace linedesk;

namespace {

using Clock = std::chrono::steady_clock;

double ms_since(Clock::time_point t0) {
  return std::chrono::duration<double, std::milli>(Clock::now() - t0).count();
}

constexpr int kAccounts = 100000;
constexpr int kNumbers = 120000;
constexpr std::int64_t kFirstNumber = 390600000000;
constexpr TimestampMs kNow = 1'795'420'000'000;

// Ten departments under the enterprise; accounts and numbers spread over them.
State build_enterprise() {
  State s;
  s.put(Organization{OrgId(1), OrgId(), "ABC Banking Corporation", "", {}, 0});
  for (int d = 0; d < 10; ++d) {
    s.put(Organization{OrgId(100 + d), OrgId(1), "Department " + std::to_string(d), "", {}, 0});
  }
  s.put(Role{RoleId(1), OrgId(1), "Enterprise Administrator", PrivilegeSet::all()});
  Administrator admin;
  admin.id = AdminId(1);
  admin.org = OrgId(1);
  admin.role = RoleId(1);
  admin.email = "root@abc.example";
  s.put(admin);
  PermissionGroup g;
  g.id = PermGroupId(1);
  g.org = OrgId(1);
  g.name = "Default User Permissions";
  g.is_default = true;
  s.put(g);
  for (int i = 0; i < kNumbers; ++i) {
    Number n;
    n.id = NumberId(kFirstNumber + i);
    n.e164 = "+" + std::to_string(kFirstNumber + i);
    n.org = i < 20000 ? OrgId(1) : OrgId(100 + i % 10);
    s.put(n);
  }
  for (int i = 0; i < kAccounts; ++i) {
    Account a;
    a.id = AccountId(1000000 + i);
    a.org = OrgId(100 + i % 10);
    a.permission_group = PermGroupId(1);
    a.account_id = "user" + std::to_string(i) + "@abc.example";
    a.first_name = i % 7 == 0 ? "Zoë" : "Anna";
    a.last_name = "Müller-" + std::to_string(i);
    a.invite_address = a.account_id;
    a.status = i % 3 == 0 ? AccountStatus::kActive : AccountStatus::kNotInvited;
    a.monitor_calls = i % 2 == 0;
    a.notes = i % 50 == 0 ? "Prefers \"Zo\", call after 9" : "";
    a.created_ms = kNow - i * 1000LL;
    a.registered_ms = a.status == AccountStatus::kActive ? a.created_ms + 3600000 : 0;
    // Give every account in a department a number from that department's pool.
    const std::int64_t digits = kFirstNumber + 20000 + i;
    if (digits < kFirstNumber + kNumbers && (OrgId(100 + (20000 + i) % 10) == a.org)) {
      a.number = "+" + std::to_string(digits);
      Number n = *s.number(NumberId(digits));
      n.account = a.id;
      n.state = a.status == AccountStatus::kActive ? NumberState::kActivated
                                                   : NumberState::kPendingInvitation;
      s.put(n);
    }
    s.put(a);
  }
  return s;
}

// 1000 new users, every third with an available number of the root pool.
std::string import_csv() {
  std::string csv =
      "firstname,lastname,email address or device,social_messaging,multiline_number,"
      "monitor_calls,monitor_sms,forwarding_number,Language\r\n";
  for (int i = 0; i < 1000; ++i) {
    csv += "Zoë,Müller " + std::to_string(i) + ",new" + std::to_string(i) + "@abc.example,No,";
    if (i % 3 == 0) csv += "+" + std::to_string(kFirstNumber + i);
    csv += ",auto,on,+4915123456" + std::to_string(100 + i % 900) + ",Italian\r\n";
  }
  return csv;
}

void report(const char* name, std::vector<double> samples, double bytes) {
  std::sort(samples.begin(), samples.end());
  const double median = samples[samples.size() / 2];
  std::printf("{\"name\":\"%s\",\"median_ms\":%.2f,\"min_ms\":%.2f,\"runs\":%zu,\"mb_per_s\":%.1f}\n",
              name, median, samples.front(), samples.size(),
              bytes > 0 ? bytes / (1024.0 * 1024.0) / (median / 1000.0) : 0.0);
  std::fflush(stdout);
}

}  // namespace

int main() {
  auto t0 = Clock::now();
  const State base = build_enterprise();
  std::fprintf(stderr, "enterprise built in %.0f ms (%zu accounts, %zu numbers)\n", ms_since(t0),
               base.accounts().size(), base.numbers().size());

  const std::string csv = import_csv();
  std::vector<double> import_ms;
  for (int run = 0; run < 7; ++run) {
    State s = base;  // each run starts from the same enterprise (copy not timed)
    ImportBatch cmd{OrgId(1), PermGroupId(1), BatchMode::kImportAndInvite, "new.csv", csv, false};
    const Context ctx{AdminId(1), kNow, seed_from("bench-" + std::to_string(run)), false};
    t0 = Clock::now();
    auto r = execute(s, ctx, cmd);
    import_ms.push_back(ms_since(t0));
    if (!r || r->result["rows_ok"] != 1000) {
      std::fprintf(stderr, "import failed: %s\n", r ? r->result.dump().c_str() : r.error().message.c_str());
      return 1;
    }
  }
  report("import_1000_rows", import_ms, static_cast<double>(csv.size()));

  const TimeZone rome = TimeZone::from_posix("CET-1CEST,M3.5.0,M10.5.0/3", "Europe/Rome").value();
  std::vector<double> export_ms;
  std::size_t bytes = 0;
  for (int run = 0; run < 5; ++run) {
    t0 = Clock::now();
    const std::string out = accounts_csv(base, OrgId(1), kNow, rome);
    export_ms.push_back(ms_since(t0));
    bytes = out.size();
  }
  report("export_100k_accounts", export_ms, static_cast<double>(bytes));

  // Sync: the snapshot a new device pulls (JSON text as the server sends it), parsed and
  // applied to a replica.
  PullResponse snapshot;
  snapshot.protocol = kProtocolVersion;
  snapshot.version = 1000;
  snapshot.snapshot = true;
  snapshot.scope = OrgId(1);
  for (const auto& [id, o] : base.orgs().all()) snapshot.puts.emplace_back(o);
  for (const auto& [id, v] : base.admins()) snapshot.puts.emplace_back(v);
  for (const auto& [id, v] : base.roles()) snapshot.puts.emplace_back(v);
  for (const auto& [id, v] : base.groups()) snapshot.puts.emplace_back(v);
  for (const auto& [id, v] : base.accounts()) snapshot.puts.emplace_back(v);
  for (const auto& [id, v] : base.numbers()) snapshot.puts.emplace_back(v);
  const std::string snapshot_text = to_json(snapshot).dump();
  const std::vector<Entity> snapshot_puts = std::move(snapshot.puts);
  snapshot = PullResponse{};
  std::vector<double> snapshot_ms;
  for (int run = 0; run < 3; ++run) {
    t0 = Clock::now();
    auto parsed = parse_json(snapshot_text, 16);
    auto response = pull_response_from_json(parsed.value());
    Replica replica("bench", AdminId(1));
    replica.apply_pull(response.value());
    snapshot_ms.push_back(ms_since(t0));
    if (replica.view().accounts().size() != static_cast<std::size_t>(kAccounts)) return 1;
  }
  report("snapshot_100k_parse_apply", snapshot_ms, static_cast<double>(snapshot_text.size()));

  {
    PullResponse full;
    full.protocol = kProtocolVersion;
    full.version = 1000;
    full.snapshot = true;
    full.scope = OrgId(1);
    full.puts = snapshot_puts;
    const std::string compact = encode_snapshot(full);
    std::vector<double> ms;
    for (int run = 0; run < 3; ++run) {
      t0 = Clock::now();
      auto r = decode_snapshot(compact);
      Replica replica("bench", AdminId(1));
      replica.apply_pull(r.value());
      ms.push_back(ms_since(t0));
      if (replica.view().accounts().size() != static_cast<std::size_t>(kAccounts)) return 1;
    }
    report("snapshot_100k_text", ms, static_cast<double>(compact.size()));
  }

  // Rebase: 1 000 pending edits re-applied on top of a pull that changed something else.
  {
    auto parsed = parse_json(snapshot_text, 16);
    Replica replica("bench", AdminId(1));
    replica.apply_pull(pull_response_from_json(parsed.value()).value());
    for (int i = 0; i < 1000; ++i) {
      EditAccount edit;
      edit.account = AccountId(1000000 + i);
      edit.fields.notes = "pending note " + std::to_string(i);
      if (!replica.submit("rebase-" + std::to_string(i), edit, kNow)) return 1;
    }
    std::vector<double> rebase_ms;
    for (int run = 0; run < 5; ++run) {
      PullResponse pull;
      pull.protocol = kProtocolVersion;
      pull.version = 1001 + run;
      pull.scope = OrgId(1);
      Account changed = *replica.view().account(AccountId(1000000 + 5000 + run));
      changed.notes = "changed on the server";
      pull.puts.emplace_back(changed);
      t0 = Clock::now();
      replica.apply_pull(pull);
      rebase_ms.push_back(ms_since(t0));
      if (replica.pending().size() != 1000) return 1;
    }
    report("rebase_1000_pending", rebase_ms, 0);
  }
  return 0;
}
