// Demo enterprise seeding.
#include "demo.hpp"

#include <algorithm>
#include <map>

#include "auth.hpp"
#include "shared/time_zone.hpp"

namespace linedesk::server {
namespace {

struct Rng {
  std::uint64_t s;
  std::uint64_t next() {
    std::uint64_t z = (s += 0x9E3779B97F4A7C15ULL);
    z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ULL;
    z = (z ^ (z >> 27)) * 0x94D049BB133111EBULL;
    return z ^ (z >> 31);
  }
  int below(int n) { return static_cast<int>(next() % static_cast<std::uint64_t>(n)); }
};

constexpr const char* kFirst[] = {
    "Zoë", "Luca", "Sofía", "Jürgen", "Amélie", "Mateo", "Chloé", "Björn", "Élodie", "Nikolaj",
    "Giulia", "Lars", "Inès", "Tomás", "Maëlle", "Ömer", "Anna", "Pedro", "Léa", "Marco",
    "Hannah", "Ana", "Noah", "Ingrid", "Camille", "Diego", "Lena", "François", "Alba", "Søren"};
constexpr const char* kLast[] = {
    "Müller", "Rossi", "García", "Dubois", "Schmidt", "Bianchi", "Martínez", "Lefèvre", "Novák",
    "Johansson", "Fernández", "Moreau", "Weiß", "Ricci", "López", "Østergaard", "Kowalski",
    "Brandt", "Conti", "Ruiz", "Ferrari", "Łukasiewicz", "Petit", "Keller", "Romano"};
constexpr const char* kLanguages[] = {"English", "Italian", "German", "French", "Spanish"};

std::string uuid(Rng& rng) {
  return "demo-" + std::to_string(rng.next()) + "-" + std::to_string(rng.next());
}

}  // namespace

Result<DemoSummary> seed_demo(Service& service, std::uint64_t seed) {
  Rng rng{seed};
  const auto [root_id, admin_id, has_accounts] = service.read([](const State& s) {
    const Organization* root = s.root();
    AdminId first;
    for (const auto& [id, a] : s.admins()) {
      if (root && a.org == root->id && (!first.valid() || a.created_ms < s.admin(first)->created_ms)) {
        first = id;
      }
    }
    return std::tuple{root ? root->id : OrgId(), first, !s.accounts().empty()};
  });
  if (!root_id.valid() || !admin_id.valid()) {
    return make_error("no_enterprise", "", "The enterprise must exist before the demo is seeded.");
  }
  if (has_accounts) return make_error("not_empty", "", "The enterprise already has accounts.");
  const Actor actor{admin_id, "", {}};
  service.set_mail_enabled(false);
  DemoSummary summary;
  auto run = [&](CommandArgs args) -> Result<Changes> {
    auto r = service.run(actor, Command{uuid(rng), std::move(args)});
    if (!r) {
      service.set_mail_enabled(true);
    }
    return r;
  };

  // --- The tree: divisions, departments, teams ------------------------------------------
  const std::map<std::string, std::vector<std::pair<std::string, std::vector<std::string>>>> tree = {
      {"Retail Bank",
       {{"Europe", {"Milan Branch", "Paris Branch"}}, {"North America", {}}, {"Asia Pacific", {}}}},
      {"Operations", {{"Finance", {}}, {"Human Resources", {}}, {"IT Service Desk", {"Night Shift"}}}},
      {"Corporate", {{"Legal", {}}, {"Executive Office", {}}}},
  };
  std::vector<OrgId> leaves;
  std::map<std::string, OrgId> by_name;
  auto create = [&](OrgId parent, const std::string& name) -> Result<OrgId> {
    auto r = run(CreateOrg{parent, name, ""});
    if (!r) return r.error();
    ++summary.orgs;
    const OrgId id(r->result["org"].get<std::int64_t>());
    by_name[name] = id;
    return id;
  };
  for (const auto& [division, departments] : tree) {
    auto d = create(root_id, division);
    if (!d) return d.error();
    for (const auto& [department, teams] : departments) {
      auto dep = create(*d, department);
      if (!dep) return dep.error();
      if (teams.empty()) leaves.push_back(*dep);
      for (const std::string& team : teams) {
        auto t = create(*dep, team);
        if (!t) return t.error();
        leaves.push_back(*t);
      }
    }
  }

  // --- Policies, groups, roles, administrators -------------------------------------------
  for (const CommandArgs& c : std::vector<CommandArgs>{
           SetPolicy{by_name["Retail Bank"], "social_messaging", Json(true)},
           SetPolicy{root_id, "clare", Json(true)},
           SetPolicy{by_name["Europe"], "default_language", Json("Italian")},
           SetThreshold{root_id, 85},
           SavePermissionGroup{PermGroupId(), by_name["Retail Bank"], "Retail tellers",
                               "Branch staff: no international calls", true, true, true, false, true},
           SavePermissionGroup{PermGroupId(), by_name["Corporate"], "Executives",
                               "International calling and recording", true, true, true, true, true},
           SaveRole{RoleId(), root_id, "Accounts Manager",
                    PrivilegeSet().add(Privilege::kAccounts).add(Privilege::kReports)},
       }) {
    if (auto r = run(c); !r) return r.error();
  }
  const RoleId full_role = service.read([&](const State& s) { return s.admin(admin_id)->role; });
  for (const auto& [org, email] : std::vector<std::pair<std::string, std::string>>{
           {"Retail Bank", "retail.admin@example.com"},
           {"Operations", "ops.admin@example.com"},
           {"Europe", "europe.admin@example.com"}}) {
    if (auto r = run(InviteAdmin{by_name[org], full_role, email, "Demo", org}); !r) return r.error();
  }

  // --- 5 000 numbers: imported, some reserved, allocated down the tree ---------------------
  ImportNumbers import;
  for (int i = 0; i < 5000; ++i) {
    const std::int64_t base = i < 2500 ? 390280000000 : i < 4000 ? 33140000000 : 4930200000000;
    import.entries.push_back({"+" + std::to_string(base + i), i % 97 == 0 ? "PORTED" : "", 0});
  }
  if (auto r = run(import); !r) return r.error();
  summary.numbers = 5000;
  // Every team and department without children gets its share; the rest stays at the root.
  for (OrgId leaf : leaves) {
    // Walk down: allocate from the root to the division, the department, the leaf.
    std::vector<OrgId> chain = service.read([&](const State& s) {
      std::vector<OrgId> c;
      for (const Organization* o = s.org(leaf); o && o->parent.valid(); o = s.org(o->parent)) {
        c.push_back(o->id);
      }
      std::reverse(c.begin(), c.end());
      return c;
    });
    const std::int64_t count = 330 + rng.below(60);
    OrgId from = root_id;
    for (OrgId step : chain) {
      if (auto r = run(AllocateNumbers{step, from, {}, count}); !r) return r.error();
      from = step;
    }
  }

  // --- 2 000 accounts through batch uploads, one per leaf ----------------------------------
  const int per_leaf = 2000 / static_cast<int>(leaves.size());
  int made = 0;
  for (std::size_t li = 0; li < leaves.size(); ++li) {
    const OrgId leaf = leaves[li];
    const int rows = li + 1 == leaves.size() ? 2000 - made : per_leaf;
    const bool social = service.read([&](const State& s) {
      return effective_bool(s.orgs(), leaf, policy::kSocialMessaging);
    });
    // Every fifth user gets a number up front (Pending invitation / Assigned); the others
    // choose one when they activate.
    std::vector<std::string> free_numbers = service.read([&](const State& s) {
      std::vector<std::string> out;
      for (NumberId id : s.available_numbers(leaf)) out.push_back(s.number(id)->e164);
      return out;
    });
    std::size_t next_free = free_numbers.size() / 2;
    for (BatchMode mode : {BatchMode::kImportAndInvite, BatchMode::kImport}) {
      std::string csv =
          "firstname,lastname,email address or device,social_messaging,multiline_number,"
          "monitor_calls,monitor_sms,forwarding_number,Language\r\n";
      const int share = mode == BatchMode::kImportAndInvite ? rows * 3 / 4 : rows - rows * 3 / 4;
      for (int i = 0; i < share; ++i) {
        const int n = made++;
        const std::string first = kFirst[rng.below(30)];
        const std::string last = kLast[rng.below(25)];
        csv += first + "," + last + ",";
        csv += n % 9 == 0 ? "+39 333 " + std::to_string(1000000 + n) + ","
                          : "user" + std::to_string(n) + "@demo.example,";
        csv += std::string(social && n % 3 == 0 ? "Yes" : "No") + ",";
        if (n % 5 == 0 && next_free < free_numbers.size()) csv += free_numbers[next_free++];
        csv += ",";
        csv += std::string(n % 2 ? "auto" : "off") + "," + (n % 4 ? "on" : "off") + ",";
        csv += n % 11 == 0 ? "+49 151 " + std::to_string(2000000 + n) : "";
        csv += std::string(",") + kLanguages[rng.below(5)] + "\r\n";
      }
      auto r = run(ImportBatch{leaf, PermGroupId(), mode, "demo-" + std::to_string(li) + ".csv",
                               csv, false});
      if (!r) return r.error();
    }
  }
  summary.accounts = made;

  // --- Delivery results, activations and app use -------------------------------------------
  const std::int64_t now = service.now();
  struct Pending {
    AccountId account;
    InvitationId invitation;
    OrgId org;
  };
  std::vector<Pending> invited = service.read([](const State& s) {
    std::vector<Pending> out;
    for (const auto& [id, a] : s.accounts()) {
      if (a.status == AccountStatus::kInvited) out.push_back({id, a.invitation, a.org});
    }
    std::sort(out.begin(), out.end(), [](const Pending& x, const Pending& y) { return x.account < y.account; });
    return out;
  });
  std::vector<std::pair<AccountId, OrgId>> active;
  for (std::size_t i = 0; i < invited.size(); ++i) {
    const Pending& p = invited[i];
    const int roll = static_cast<int>(i % 20);
    if (roll == 0) {  // 5 %: the mail bounced
      if (auto r = service.run_system(RecordInvitationFailed{p.invitation, "550 5.1.1 mailbox unavailable"}); !r) {
        return r.error();
      }
      continue;
    }
    if (auto r = service.run_system(RecordInvitationSent{p.invitation}); !r) return r.error();
    if (roll < 15) {  // most invited users have activated
      const std::string number = service.read([&](const State& s) {
        const auto& avail = s.available_numbers(p.org);
        return avail.empty() ? std::string() : s.number(*avail.begin())->e164;
      });
      if (auto r = service.run_system(ActivateAccount{p.invitation, number}); !r) return r.error();
      active.emplace_back(p.account, p.org);
    }
  }
  for (std::size_t i = 0; i < active.size(); ++i) {
    const std::int64_t at = now - static_cast<std::int64_t>(rng.below(20 * 24)) * 3600 * 1000;
    const bool intune = i % 6 == 0;
    if (auto r = service.run_system(RecordAppActivity{active[i].first,
                                                      intune ? "MultiLine for Intune" : "MultiLine",
                                                      i % 3 ? "iOS" : "Android", at});
        !r) {
      return r.error();
    }
  }

  // --- A month and a half of usage ---------------------------------------------------------
  std::vector<UsageRecord> usage;
  const TimeZone utc;
  const std::int64_t start = utc.start_of_previous_month(now);
  for (const auto& [account, org] : active) {
    for (std::int64_t day = start; day < now; day += 24LL * 3600 * 1000) {
      if (rng.below(10) < 3) continue;  // not every user calls every day
      const std::int64_t at = day + 8LL * 3600 * 1000 + rng.below(10 * 3600) * 1000LL;
      if (at >= now) break;
      const std::string id = std::to_string(account.value) + "-" + std::to_string(at);
      usage.push_back({id + "-v", account, org, UsageKind::kVoice, at, 60LL * (1 + rng.below(45)), true});
      usage.push_back({id + "-m", account, org, UsageKind::kMessage, at, 1 + rng.below(30), true});
      usage.push_back({id + "-d", account, org, UsageKind::kData, at,
                       1024LL * 1024 * (1 + rng.below(80)), rng.below(10) != 0});
    }
  }
  summary.usage_records = service.store().add_usage(usage);
  service.set_mail_enabled(true);
  return summary;
}

}  // namespace linedesk::server
