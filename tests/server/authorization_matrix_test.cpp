// The authorization matrix (DESIGN: "Every action checks its privilege on the server"; an
// administrator "sees and acts only on its organization's subtree"): every route registered in
// server/routes_*.cpp, called without a session, with an expired one, by an administrator of
// the subtree that owns the target, by one of a sibling subtree, and by one whose role lacks the
// privilege. Every cell must hold, the sibling must never read the other subtree's ids or names,
// and every route that takes a body refuses malformed JSON and oversized bodies.
#include <catch2/catch.hpp>

#include <functional>
#include <map>
#include <regex>
#include <set>

#include "test_support.hpp"

using namespace linedesk;
using namespace linedesk::test;

namespace {

constexpr std::size_t kMaxBody = 64 * 1024;
const std::string kJson = "application/json";
const std::string kForm = "application/x-www-form-urlencoded";

struct Call {
  std::string method;
  std::string path;
  std::string body;
  std::string content_type = kJson;
};

enum class Who { kNoSession, kExpired, kOwner, kSibling, kLimited };
constexpr Who kEveryone[] = {Who::kNoSession, Who::kExpired, Who::kOwner, Who::kSibling, Who::kLimited};

const char* label(Who w) {
  switch (w) {
    case Who::kNoSession: return "no session";
    case Who::kExpired: return "expired session";
    case Who::kOwner: return "owner subtree admin";
    case Who::kSibling: return "sibling subtree admin";
    case Who::kLimited: return "admin without the privilege";
  }
  return "";
}

class Matrix;

struct Row {
  std::string route;  // "METHOD pattern" exactly as registered
  std::function<Call(Matrix&)> call;  // a fresh request each time: targets are made per call
  std::vector<Privilege> needed;      // any one grants; empty: a session is enough
  int owner = 200;
  int sibling = 404;
  int limited = 403;
  bool root_side = false;      // the target is the enterprise's own: its owner is the root admin
  bool is_public = false;      // no session needed: every column answers like the owner's
  bool fresh_session = false;  // the call ends or changes the session it uses
};

// An enterprise with two sibling subtrees: Alpha (the owner's, with a sub-organization) and
// Bravo (the sibling's), each with accounts, numbers, groups, roles, administrators, a batch.
class Matrix {
 public:
  Matrix() : s(dir.file("db.sqlite"), options()) {
    zoe = admin_id(s, kAdminEmail);
    root = s.root();
    const std::string t = session_for(s, zoe);
    zoe_expired = session_for(s, zoe);
    alpha = create_org(s, t, root, "Alpha Sales");
    alpha_europe = create_org(s, t, alpha, "Alpha Europe");
    bravo = create_org(s, t, root, "Bravo Operations");
    branch = create_role(s, t, root, "Branch administrator", all_privilege_names());
    reports_role = create_role(s, t, root, "Report reader", {"reports"});
    alice = invite_admin(s, t, alpha, branch, "alice@alpha.example", "Alicja", "Alphason");
    bob = invite_admin(s, t, bravo, branch, "bob@bravo.example", "Bob", "Bravosson");
    alice_expired = session_for(s, alice);
    set_password(s, alice, "Alpha-Password-1");

    s.clock().advance_ms(31LL * 60 * 1000);  // the sessions above are now idle for too long
    token = session_for(s, zoe);
    alice_token = session_for(s, alice);
    bob_token = session_for(s, bob);

    const auto numbers = import_numbers(s, token, 15556000000, 400);
    alpha_numbers.assign(numbers.begin(), numbers.begin() + 300);
    allocate_numbers(s, token, alpha, alpha_numbers);
    allocate_numbers(s, token, bravo, {numbers.begin() + 300, numbers.begin() + 320});
    root_numbers.assign(numbers.begin() + 320, numbers.end());

    alpha_account = fresh_account(true);
    alpha_number = account_of(s, alpha_account).number;
    auto b = expect_status(upload(alpha, "import", "alpha-team.csv", "alfa-batch"), 201, "alpha batch");
    alpha_batch = b["batch"].get<std::int64_t>();
    // Bravo's own things, so the sibling's lists are not empty.
    add_account(s, token, bravo, account_fields("bravo-1", "Bruna", "Bravo", "bruna@bravo.example"), true,
                numbers[300]);
    expect_status(upload(bravo, "import_and_invite", "bravo-team.csv", "bravo-batch"), 201, "bravo batch");
    expect_status(s.post("/api/permission-groups", Json{{"org", bravo.value}, {"name", "Bravo night"}}, token), 200, "group");
    create_role(s, token, bravo, "Bravo desk", {"accounts"});
    expect_status(s.post("/api/usage", Json::array({Json{{"record_id", "alpha-usage"}, {"account", alpha_account.value},
                                                         {"kind", "voice"}, {"at_ms", s.clock().now_ms() - 1000},
                                                         {"quantity", 60}}}),
                         token), 200, "usage");
    s.deliver();
  }

  TempDir dir;
  TestServer s;
  AdminId zoe, alice, bob;
  OrgId root, alpha, alpha_europe, bravo;
  RoleId branch, reports_role;
  std::string token, zoe_expired, alice_token, alice_expired, bob_token;
  std::vector<std::string> alpha_numbers, root_numbers;
  AccountId alpha_account;
  std::string alpha_number;
  std::int64_t alpha_batch = 0;

  std::string id(OrgId o) const { return std::to_string(o.value); }
  std::string next() { return std::to_string(++serial_); }

  // A free number of Alpha's pool, never handed out before.
  std::string free_alpha_number() {
    for (;;) {
      const std::string n = alpha_numbers.at(next_number_++);
      if (s.service().read([&](const State& st) { return st.number(number_id_of(n))->free(); })) return n;
    }
  }
  std::string fresh_root_number() { return "+1555700" + std::string(4 - std::min<std::size_t>(4, next().size()), '0') + std::to_string(serial_); }

  AccountId fresh_account(bool with_number = false, bool invite = false) {
    const std::string n = next();
    return add_account(s, token, alpha, account_fields("alfa-" + n, "Alfa", "Row" + n, "alfa" + n + "@alpha.example"),
                       invite, with_number ? free_alpha_number() : std::string());
  }
  OrgId fresh_org() { return create_org(s, token, alpha, "Alpha Temp " + next()); }
  std::int64_t fresh_group() {
    auto j = expect_status(s.post("/api/permission-groups", Json{{"org", alpha.value}, {"name", "Alpha group " + next()}}, token),
                           200, "group");
    return j["result"]["permission_group"].get<std::int64_t>();
  }
  RoleId fresh_role() { return create_role(s, token, alpha, "Alpha role " + next(), {"reports"}); }
  AdminId fresh_admin() {
    const std::string n = next();
    return invite_admin(s, token, alpha, reports_role, "alpha-admin" + n + "@alpha.example", "Alfa", "Adminrow" + n);
  }
  std::string fresh_activation_link() {
    const AccountId a = fresh_account(true, true);
    s.deliver_all();
    return link_in_mail_to(account_of(s, a).invite_address, "/activate/");
  }
  std::string fresh_admin_link() {
    const AdminId a = fresh_admin();
    s.deliver_all();
    return link_in_mail_to(s.service().read([&](const State& st) { return st.admin(a)->email; }), "/admin-activate/");
  }
  // The link in the newest mail to `address` (threshold alerts go out along the way).
  std::string link_in_mail_to(const std::string& address, const std::string& path) {
    const auto files = outbox_files(s);
    for (auto it = files.rbegin(); it != files.rend(); ++it) {
      if (mail_header(it->text, "To") == "<" + address + ">") return link_token(it->text, path);
    }
    throw std::runtime_error("no mail to " + address);
  }
  std::string batch_csv(const std::string& prefix) {
    const std::string n = next();
    return "firstname,lastname,email address or device,social_messaging,multiline_number,monitor_calls,"
           "monitor_sms,forwarding_number,Language\r\nAlfa,Batch" + n + "," + prefix + n +
           "@alpha.example,No,,auto,on,,English\r\n";
  }
  Reply upload(OrgId org, const std::string& mode, const std::string& file, const std::string& prefix) {
    return s.request("POST", "/api/batches?org=" + id(org) + "&mode=" + mode + "&file_name=" + file,
                     batch_csv(prefix), token, "text/csv");
  }

  // The token `who` uses for `row`.
  std::string token_for(Who who, const Row& row) {
    switch (who) {
      case Who::kNoSession: return {};
      case Who::kExpired: return row.root_side ? zoe_expired : alice_expired;
      case Who::kOwner:
        if (row.fresh_session) return session_for(s, row.root_side ? zoe : alice);
        return row.root_side ? token : alice_token;
      case Who::kSibling: return row.fresh_session ? session_for(s, bob) : bob_token;
      case Who::kLimited: return limited_token(row);
    }
    return {};
  }

  // Alpha's subtree as the sibling must never see it: ids and names of its organizations,
  // accounts, numbers, administrators, groups, roles and batches.
  std::set<std::string> alpha_secrets() const {
    return s.service().read([&](const State& st) {
      std::set<std::string> out;
      std::set<OrgId> orgs;
      for (const Organization& o : st.orgs().subtree(alpha)) {
        orgs.insert(o.id);
        out.insert(std::to_string(o.id.value));
        out.insert(o.name);
      }
      for (const auto& [id, a] : st.accounts()) {
        if (!orgs.count(a.org)) continue;
        for (const std::string& v : {std::to_string(id.value), a.account_id, a.last_name, a.invite_address}) out.insert(v);
      }
      for (const auto& [id, n] : st.numbers()) {
        if (orgs.count(n.org)) out.insert(n.e164.substr(1));  // digits: found with or without "+"
      }
      for (const auto& [id, a] : st.admins()) {
        if (!orgs.count(a.org)) continue;
        for (const std::string& v : {std::to_string(id.value), a.email, a.last_name}) out.insert(v);
      }
      for (const auto& [id, g] : st.groups()) {
        if (orgs.count(g.org)) out.insert(g.name);
      }
      for (const auto& [id, r] : st.roles()) {
        if (orgs.count(r.org)) out.insert(r.name);
      }
      for (const auto& [id, b] : st.batches()) {
        if (!orgs.count(b.org)) continue;
        out.insert(std::to_string(id.value));
        out.insert(b.file_name);
      }
      out.erase("");
      return out;
    });
  }

 private:
  static TestServerOptions options() {
    TestServerOptions o;
    o.http.max_body_bytes = kMaxBody;
    return o;
  }

  // An administrator on the owner's side whose role has every privilege but the row's.
  std::string limited_token(const Row& row) {
    std::vector<std::string> privileges;
    std::string missing;
    for (Privilege p : kAllPrivileges) {
      const bool lacks = row.needed.empty() || std::find(row.needed.begin(), row.needed.end(), p) != row.needed.end();
      if (lacks) missing += "-" + std::string(privilege_name(p));
      else privileges.push_back(std::string(privilege_name(p)));
    }
    const std::string key = (row.root_side ? "root" : "alpha") + missing;
    auto it = limited_.find(key);
    if (it == limited_.end()) {
      auto role = roles_.find(missing);
      if (role == roles_.end()) role = roles_.emplace(missing, create_role(s, token, root, "Lacks" + missing, privileges)).first;
      const std::string n = next();
      const AdminId admin = invite_admin(s, token, row.root_side ? root : alpha, role->second,
                                         "limited" + n + (row.root_side ? "@root.example" : "@alpha.example"),
                                         "Lim", "Limitedrow" + n);
      it = limited_.emplace(key, session_for(s, admin)).first;
    }
    return row.fresh_session ? session_for(s, *admin_of(it->second)) : it->second;
  }
  std::optional<AdminId> admin_of(const std::string& session_token) {
    auto session = s.store().session(server::token_hash(session_token));
    return session ? std::optional<AdminId>(session->admin) : std::nullopt;
  }

  int serial_ = 0;
  std::size_t next_number_ = 0;
  std::map<std::string, RoleId> roles_;
  std::map<std::string, std::string> limited_;
};

Call get(std::string path) { return Call{"GET", std::move(path), "", kJson}; }
Call send(std::string method, std::string path, const Json& body) {
  return Call{std::move(method), std::move(path), body.dump(), kJson};
}
std::string account_path(AccountId a, const std::string& rest = "") {
  return "/api/accounts/" + std::to_string(a.value) + rest;
}

constexpr Privilege kAccounts = Privilege::kAccounts;
constexpr Privilege kNumbers = Privilege::kNumbers;
constexpr Privilege kOrganizations = Privilege::kOrganizations;
constexpr Privilege kAdministrators = Privilege::kAdministrators;
constexpr Privilege kReports = Privilege::kReports;
constexpr Privilege kSettings = Privilege::kSettings;

// Every route, with what each kind of caller gets.
std::vector<Row> matrix_rows() {
  std::vector<Row> rows;
  auto add = [&rows](Row r) { rows.push_back(std::move(r)); };

  // --- sign-in, sessions, the generic command endpoint ------------------------------------
  add({"GET /api/health", [](Matrix&) { return get("/api/health"); }, {}, 200, 200, 200, false, true});
  add({"POST /api/login", [](Matrix&) {
         return send("POST", "/api/login", Json{{"email", "alice@alpha.example"}, {"password", "Alpha-Password-1"}});
       }, {}, 200, 200, 200, false, true});
  add({"POST /api/logout", [](Matrix&) { return Call{"POST", "/api/logout", "", kJson}; }, {}, 200, 200, 200, false, false, true});
  add({"GET /api/session", [](Matrix&) { return get("/api/session"); }, {}, 200, 200, 200});
  // A body that fails validation after the session check: changing a password ends sessions.
  add({"POST /api/profile/password", [](Matrix&) {
         return send("POST", "/api/profile/password", Json{{"current_password", "irrelevant"}});
       }, {}, 400, 400, 400, false, false, true});
  add({"POST /api/commands", [](Matrix& m) {
         const std::string n = m.next();
         return send("POST", "/api/commands",
                     Json{{"v", kCommandVersion}, {"uuid", "matrix-" + n}, {"name", "add_account"},
                          {"args", {{"org", m.alpha.value},
                                    {"fields", account_fields("cmd-" + n, "Alfa", "Cmd" + n, "cmd" + n + "@alpha.example")}}}});
       }, {kAccounts}});

  // --- organizations, policies, threshold ------------------------------------------------
  add({"GET /api/orgs", [](Matrix&) { return get("/api/orgs"); }, {}, 200, 200, 200});
  add({"POST /api/orgs", [](Matrix& m) {
         return send("POST", "/api/orgs", Json{{"parent", m.alpha.value}, {"name", "Alpha New " + m.next()}});
       }, {kOrganizations}, 201});
  add({R"(PATCH /api/orgs/(\d+))", [](Matrix& m) {
         return send("PATCH", "/api/orgs/" + m.id(m.alpha_europe), Json{{"name", "Alpha Europe " + m.next()}});
       }, {kOrganizations}});
  add({R"(DELETE /api/orgs/(\d+))", [](Matrix& m) {
         return Call{"DELETE", "/api/orgs/" + m.id(m.fresh_org()), "", kJson};
       }, {kOrganizations}});
  add({R"(GET /api/orgs/(\d+)/policies)", [](Matrix& m) { return get("/api/orgs/" + m.id(m.alpha_europe) + "/policies"); },
       {}, 200, 404, 200});
  add({R"(PUT /api/orgs/(\d+)/policies/([a-z_]+))", [](Matrix& m) {
         return send("PUT", "/api/orgs/" + m.id(m.alpha_europe) + "/policies/default_language", Json{{"value", "Italian"}});
       }, {kSettings}});
  add({R"(DELETE /api/orgs/(\d+)/policies/([a-z_]+))", [](Matrix& m) {
         return Call{"DELETE", "/api/orgs/" + m.id(m.alpha_europe) + "/policies/default_language", "", kJson};
       }, {kSettings}});
  add({R"(PUT /api/orgs/(\d+)/threshold)", [](Matrix& m) {
         return send("PUT", "/api/orgs/" + m.id(m.alpha) + "/threshold", Json{{"percent", 95}});
       }, {kSettings}});

  // --- accounts ------------------------------------------------------------------------
  add({"GET /api/accounts", [](Matrix& m) { return get("/api/accounts?org=" + m.id(m.alpha)); }, {kAccounts}});
  add({"GET /api/accounts", [](Matrix&) { return get("/api/accounts?limit=0"); }, {kAccounts}, 200, 200, 403});
  add({R"(GET /api/accounts/(\d+))", [](Matrix& m) { return get(account_path(m.alpha_account)); }, {kAccounts}});
  add({"POST /api/accounts", [](Matrix& m) {
         const std::string n = m.next();
         return send("POST", "/api/accounts", Json{{"org", m.alpha.value},
                                                   {"fields", account_fields("new-" + n, "Alfa", "New" + n, "new" + n + "@alpha.example")}});
       }, {kAccounts}, 201});
  add({R"(PATCH /api/accounts/(\d+))", [](Matrix& m) {
         return send("PATCH", account_path(m.fresh_account()), Json{{"fields", {{"notes", "patched"}}}});
       }, {kAccounts}});
  add({R"(DELETE /api/accounts/(\d+))", [](Matrix& m) { return Call{"DELETE", account_path(m.fresh_account()), "", kJson}; },
       {kAccounts}});
  add({"POST /api/accounts/delete", [](Matrix& m) {
         return send("POST", "/api/accounts/delete", Json{{"accounts", {m.fresh_account().value}}});
       }, {kAccounts}});
  add({"POST /api/accounts/invite", [](Matrix& m) {
         return send("POST", "/api/accounts/invite", Json{{"accounts", {m.fresh_account(true).value}}});
       }, {kAccounts}});
  add({"POST /api/accounts/move", [](Matrix& m) {
         return send("POST", "/api/accounts/move",
                     Json{{"accounts", {m.fresh_account().value}}, {"destination", m.alpha_europe.value}});
       }, {kAccounts}});
  add({R"(PUT /api/accounts/(\d+)/number)", [](Matrix& m) {
         const AccountId a = m.fresh_account();
         return send("PUT", account_path(a, "/number"), Json{{"number", m.free_alpha_number()}});
       }, {kAccounts}});
  add({R"(DELETE /api/accounts/(\d+)/number)", [](Matrix& m) {
         return Call{"DELETE", account_path(m.fresh_account(true), "/number"), "", kJson};
       }, {kAccounts}});
  add({"GET /api/accounts.csv", [](Matrix& m) { return get("/api/accounts.csv?org=" + m.id(m.alpha)); }, {kAccounts}});
  // A selection naming another subtree's account downloads nothing of it.
  add({"GET /api/accounts.csv", [](Matrix& m) {
         return get("/api/accounts.csv?ids=" + std::to_string(m.alpha_account.value));
       }, {kAccounts}, 200, 200, 403});
  add({"GET /api/template.csv", [](Matrix& m) { return get("/api/template.csv?org=" + m.id(m.alpha)); }, {}, 200, 404, 200});

  // --- batches ---------------------------------------------------------------------------
  add({"POST /api/batches", [](Matrix& m) {
         return Call{"POST", "/api/batches?dry_run=1&org=" + m.id(m.alpha), m.batch_csv("dry"), "text/csv"};
       }, {kAccounts}});
  add({"POST /api/batches", [](Matrix& m) {
         return Call{"POST", "/api/batches?mode=import&file_name=alpha-more.csv&org=" + m.id(m.alpha), m.batch_csv("more"),
                     "text/csv"};
       }, {kAccounts}, 201});
  add({"GET /api/batches", [](Matrix&) { return get("/api/batches"); }, {kReports, kAccounts}, 200, 200, 403});
  add({R"(GET /api/batches/(\d+))", [](Matrix& m) { return get("/api/batches/" + std::to_string(m.alpha_batch)); },
       {kReports, kAccounts}});
  add({R"(GET /api/batches/(\d+)/report\.csv)", [](Matrix& m) {
         return get("/api/batches/" + std::to_string(m.alpha_batch) + "/report.csv");
       }, {kReports, kAccounts}});

  // --- numbers ---------------------------------------------------------------------------
  // Imports fill the enterprise's own pool: only its administrators may.
  add({"POST /api/numbers/import", [](Matrix& m) {
         return send("POST", "/api/numbers/import", Json{{"entries", {{{"number", m.fresh_root_number()}}}}});
       }, {kNumbers}, 200, 403, 403, true});
  add({"GET /api/numbers", [](Matrix& m) { return get("/api/numbers?org=" + m.id(m.alpha)); }, {kNumbers, kAccounts}});
  add({"GET /api/numbers", [](Matrix&) { return get("/api/numbers?limit=0"); }, {kNumbers, kAccounts}, 200, 200, 403});
  add({"POST /api/numbers/allocate", [](Matrix& m) {
         return send("POST", "/api/numbers/allocate",
                     Json{{"to", m.alpha_europe.value}, {"from", m.alpha.value}, {"numbers", {m.free_alpha_number()}}});
       }, {kNumbers}});
  add({"POST /api/numbers/reserve", [](Matrix& m) {
         return send("POST", "/api/numbers/reserve", Json{{"numbers", {m.free_alpha_number()}}, {"tag", "PORTED"}});
       }, {kNumbers}});
  add({"POST /api/numbers/release", [](Matrix& m) {
         return send("POST", "/api/numbers/release", Json{{"numbers", {m.free_alpha_number()}}});
       }, {kNumbers}});
  add({"GET /api/numbers.csv", [](Matrix& m) { return get("/api/numbers.csv?org=" + m.id(m.alpha)); }, {kNumbers}});
  add({R"(GET /api/numbers/(\+?\d+)/history)", [](Matrix& m) {
         return get("/api/numbers/" + url_encode(m.alpha_number) + "/history");
       }, {kNumbers, kAccounts}});

  // --- User Permissions groups, roles, administrators, profile ---------------------------
  add({"GET /api/permission-groups", [](Matrix& m) { return get("/api/permission-groups?org=" + m.id(m.alpha)); },
       {}, 200, 404, 200});
  add({"POST /api/permission-groups", [](Matrix& m) {
         return send("POST", "/api/permission-groups", Json{{"org", m.alpha.value}, {"name", "Alpha group " + m.next()}});
       }, {kSettings}});
  add({R"(DELETE /api/permission-groups/(\d+))", [](Matrix& m) {
         return Call{"DELETE", "/api/permission-groups/" + std::to_string(m.fresh_group()), "", kJson};
       }, {kSettings}});
  add({"GET /api/roles", [](Matrix&) { return get("/api/roles"); }, {}, 200, 200, 200});
  add({"POST /api/roles", [](Matrix& m) {
         return send("POST", "/api/roles", Json{{"org", m.alpha.value}, {"name", "Alpha role " + m.next()}, {"privileges", {"reports"}}});
       }, {kAdministrators}});
  add({R"(DELETE /api/roles/(\d+))", [](Matrix& m) {
         return Call{"DELETE", "/api/roles/" + std::to_string(m.fresh_role().value), "", kJson};
       }, {kAdministrators}});
  add({"GET /api/admins", [](Matrix&) { return get("/api/admins"); }, {kAdministrators}, 200, 200, 403});
  add({"POST /api/admins", [](Matrix& m) {
         return send("POST", "/api/admins", Json{{"org", m.alpha.value}, {"role", m.reports_role.value},
                                                 {"email", "alpha-new" + m.next() + "@alpha.example"}});
       }, {kAdministrators}, 201});
  add({R"(PATCH /api/admins/(\d+))", [](Matrix& m) {
         return send("PATCH", "/api/admins/" + std::to_string(m.fresh_admin().value), Json{{"role", m.branch.value}});
       }, {kAdministrators}});
  add({R"(DELETE /api/admins/(\d+))", [](Matrix& m) {
         return Call{"DELETE", "/api/admins/" + std::to_string(m.fresh_admin().value), "", kJson};
       }, {kAdministrators}});
  add({"GET /api/profile", [](Matrix&) { return get("/api/profile"); }, {}, 200, 200, 200});
  add({"PATCH /api/profile", [](Matrix&) { return send("PATCH", "/api/profile", Json{{"address", "Somewhere 1"}}); },
       {}, 200, 200, 200});

  // --- reports, outbox, usage ------------------------------------------------------------
  add({"GET /api/reports/utilization", [](Matrix& m) { return get("/api/reports/utilization?org=" + m.id(m.alpha)); },
       {}, 200, 404, 200});
  add({"GET /api/reports/dashboard", [](Matrix& m) { return get("/api/reports/dashboard?org=" + m.id(m.alpha)); },
       {}, 200, 404, 200});
  add({"GET /api/reports/activity", [](Matrix&) { return get("/api/reports/activity?limit=10000"); }, {kReports}, 200, 200, 403});
  add({"GET /api/reports/activity.csv", [](Matrix&) { return get("/api/reports/activity.csv"); }, {kReports}, 200, 200, 403});
  add({"GET /api/outbox", [](Matrix&) { return get("/api/outbox?limit=1000"); }, {kAccounts, kAdministrators}, 200, 200, 403});
  // The sibling's record names an account it cannot see: refused row by row (207).
  add({"POST /api/usage", [](Matrix& m) {
         return send("POST", "/api/usage", Json::array({Json{{"record_id", "matrix-" + m.next()}, {"account", m.alpha_account.value},
                                                             {"kind", "message"}, {"at_ms", m.s.clock().now_ms()}, {"quantity", 1}}}));
       }, {kReports}, 200, 207, 403});

  // --- sync: a session is enough; each pushed command is checked on its own (a refusal is a
  // result inside a 200), and a pull returns only what the caller may see ---------------------
  add({"POST /api/sync/push", [](Matrix& m) {
         const std::string n = m.next();
         return send("POST", "/api/sync/push",
                     Json{{"protocol", kProtocolVersion},
                          {"client_id", "matrix-client-" + n},
                          {"commands", {Json{{"v", kCommandVersion}, {"uuid", "matrix-sync-" + n}, {"seq", 1},
                                             {"name", "add_account"},
                                             {"args", {{"org", m.alpha.value},
                                                       {"fields", account_fields("sync-" + n, "Alfa", "Sync" + n,
                                                                                 "sync" + n + "@alpha.example")}}}}}}});
       }, {}, 200, 200, 200});
  add({"POST /api/sync/pull", [](Matrix& m) {
         return send("POST", "/api/sync/pull",
                     Json{{"protocol", kProtocolVersion}, {"client_id", "matrix-pull-" + m.next()}, {"since", 0}});
       }, {}, 200, 200, 200});

  // --- pages behind links: the link is the credential -------------------------------------
  add({R"(GET /activate/([A-Za-z0-9_-]{20,64}))", [](Matrix& m) { return get("/activate/" + m.fresh_activation_link()); },
       {}, 200, 200, 200, false, true});
  add({R"(POST /activate/([A-Za-z0-9_-]{20,64}))", [](Matrix& m) {
         return Call{"POST", "/activate/" + m.fresh_activation_link(), "", kForm};
       }, {}, 200, 200, 200, false, true});
  add({R"(GET /admin-activate/([A-Za-z0-9_-]{20,64}))", [](Matrix& m) { return get("/admin-activate/" + m.fresh_admin_link()); },
       {}, 200, 200, 200, false, true});
  add({R"(POST /admin-activate/([A-Za-z0-9_-]{20,64}))", [](Matrix& m) {
         return Call{"POST", "/admin-activate/" + m.fresh_admin_link(), "password=Chosen-Pass-1&confirm=Chosen-Pass-1", kForm};
       }, {}, 200, 200, 200, false, true});
  return rows;
}

// "METHOD pattern" of every route the server registers in server/routes_*.cpp.
std::set<std::string> registered_routes() {
  std::set<std::string> out;
  const std::regex route(R"re(s\.(Get|Post|Put|Patch|Delete)\(\s*(?:R"\((.*?)\)"|"([^"]*)"))re");
  for (const auto& entry : std::filesystem::directory_iterator(std::string(LINEDESK_SOURCE_DIR) + "/server")) {
    const std::string name = entry.path().filename().string();
    if (name.rfind("routes_", 0) != 0 || entry.path().extension() != ".cpp") continue;
    const std::string text = read_text_file(entry.path());
    for (std::sregex_iterator it(text.begin(), text.end(), route), end; it != end; ++it) {
      std::string method = (*it)[1].str();
      for (char& c : method) c = static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
      out.insert(method + " " + ((*it)[2].matched ? (*it)[2].str() : (*it)[3].str()));
    }
  }
  return out;
}

int expected(const Row& row, Who who) {
  if (row.is_public && (who == Who::kNoSession || who == Who::kExpired)) return row.owner;
  switch (who) {
    case Who::kNoSession:
    case Who::kExpired: return 401;
    case Who::kOwner: return row.owner;
    case Who::kSibling: return row.sibling;
    case Who::kLimited: return row.needed.empty() ? row.owner : row.limited;
  }
  return 0;
}

}  // namespace

TEST_CASE("the matrix lists every route the server registers", "[authorization]") {
  const std::set<std::string> registered = registered_routes();
  REQUIRE(registered.size() > 50);
  std::set<std::string> tabled;
  for (const Row& r : matrix_rows()) tabled.insert(r.route);
  for (const std::string& route : registered) {
    CAPTURE(route);
    CHECK(tabled.count(route) == 1);
  }
  for (const std::string& route : tabled) {
    CAPTURE(route);
    CHECK(registered.count(route) == 1);
  }
}

TEST_CASE("every route answers each kind of caller as the matrix says", "[authorization]") {
  Matrix m;
  const std::vector<Row> rows = matrix_rows();
  struct Seen {
    std::string request;
    std::string body;
  };
  std::vector<Seen> sibling_answers;
  std::vector<Seen> owner_answers;  // the detector's control: these must hold Alpha's names
  std::vector<std::string> misses;
  std::size_t cells = 0;
  for (const Row& row : rows) {
    for (Who who : kEveryone) {
      const Call call = row.call(m);
      const std::string token = m.token_for(who, row);
      const Reply r = m.s.request(call.method, call.path, call.body, token, call.content_type);
      const int want = expected(row, who);
      ++cells;
      if (r.status != want) {
        misses.push_back(row.route + " [" + call.path + "] as " + label(who) + ": " + std::to_string(r.status) +
                         " (want " + std::to_string(want) + ") " + r.body.substr(0, 200));
      }
      if (r.status == 401 && (who == Who::kNoSession || who == Who::kExpired) && !row.is_public) {
        CAPTURE(row.route, label(who));
        CHECK(r.code() == (who == Who::kNoSession ? "no_session" : "session_expired"));
      }
      // Public pages answer whoever holds the link or password, not the sibling's session.
      if (who == Who::kSibling && !row.is_public) sibling_answers.push_back({call.path + " " + call.body, r.body});
      if (who == Who::kOwner && !row.is_public) owner_answers.push_back({call.path + " " + call.body, r.body});
    }
  }
  for (const std::string& miss : misses) UNSCOPED_INFO(miss);
  CHECK(misses.empty());
  CHECK(cells == rows.size() * 5);

  // The sibling's answers hold nothing of Alpha's subtree beyond what its own request named.
  const std::set<std::string> secrets = m.alpha_secrets();
  REQUIRE(secrets.count("Alpha Sales") == 1);
  REQUIRE(secrets.size() > 100);
  auto leaks_in = [&secrets](const std::vector<Seen>& answers) {
    std::vector<std::string> leaks;
    for (const Seen& seen : answers) {
      for (const std::string& secret : secrets) {
        if (seen.request.find(secret) == std::string::npos && seen.body.find(secret) != std::string::npos) {
          leaks.push_back(seen.request.substr(0, 120) + " -> \"" + secret + "\"");
        }
      }
    }
    return leaks;
  };
  const std::vector<std::string> leaks = leaks_in(sibling_answers);
  for (const std::string& leak : leaks) UNSCOPED_INFO(leak);
  CHECK(leaks.empty());
  CHECK(leaks_in(owner_answers).size() > 100);
}

TEST_CASE("every route that reads a JSON body refuses malformed JSON and every body over the limit", "[authorization]") {
  Matrix m;
  std::size_t json_routes = 0;
  std::size_t body_routes = 0;
  for (const Row& row : matrix_rows()) {
    const Call call = row.call(m);
    if (call.method == "GET") continue;
    const std::string token = m.token_for(Who::kOwner, row);
    CAPTURE(row.route, call.path);
    if (call.content_type == kJson && !call.body.empty()) {
      ++json_routes;
      const Reply bad = m.s.request(call.method, call.path, "{\"broken\": ", token, kJson);
      CHECK(bad.status == 400);
      CHECK(bad.code() == "bad_json");
    }
    ++body_routes;
    const Reply big = m.s.request(call.method, call.path, std::string(kMaxBody + 1, 'x'), m.token_for(Who::kOwner, row),
                                  call.content_type);
    CHECK(big.status == 413);
    CHECK(big.code() == "body_too_large");
  }
  CHECK(json_routes >= 23);
  CHECK(body_routes >= 35);
}
