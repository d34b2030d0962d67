// Exports: the accounts download (seed 000) with its header block and columns in order,
// formula-injection neutralised, and the export -> import round trip.
#include <catch2/catch.hpp>

#include "fixtures.hpp"
#include "shared/csv.hpp"
#include "shared/exports.hpp"

using namespace linedesk;
using namespace linedesk::test;

namespace {

TimeZone rome() { return TimeZone::from_posix("CET-1CEST,M3.5.0,M10.5.0/3", "Europe/Rome").value(); }

// A varied set of accounts in the root organization of `e`.
void populate(Enterprise& e) {
  REQUIRE(e.run(e.root_admin, SetPolicy{e.root, "social_messaging", Json(true)}));
  REQUIRE(e.run(e.root_admin, SetPolicy{e.root, "clare", Json(true)}));
  e.add_numbers(e.root, 6);
  AddAccount full;
  full.org = e.root;
  full.fields = basic_fields("zoe.muller@example.com");
  full.fields.account_id = "EMP-0001";
  full.fields.notification_address = "Notify@Example.com";
  full.fields.compliance_group = "Traders";
  full.fields.language = "French";
  full.fields.forwarding_number = "+33 1 23 45 67 89";
  full.fields.notes = "=HYPERLINK(\"http://evil\",\"x\")\nsecond line, with \"quotes\"";
  full.fields.social_messaging = true;
  full.fields.restrict_incoming_social_messaging = true;
  full.fields.monitor_calls = true;
  full.fields.enable_clare = true;
  full.number = e164(390600000001);
  REQUIRE(e.run(e.root_admin, full));

  AddAccount device;
  device.org = e.root;
  device.fields = basic_fields("dev");
  device.fields.first_name = "-Luis";
  device.fields.last_name = "García";
  device.fields.invite_address = "+34 612 345 678";
  device.fields.monitor_messages = true;
  device.invite = true;
  device.number = e164(390600000002);
  auto r = e.run(e.root_admin, device);
  REQUIRE(r);
  // An active user: its number shows under MultiLine.
  REQUIRE(e.system(ActivateAccount{InvitationId(r->result["invitation"].get<std::int64_t>()), ""}));
  REQUIRE(e.system(RecordAppActivity{AccountId(r->result["account"].get<std::int64_t>()),
                                     "MultiLine", "iOS", e.now}));
  e.add_account(e.root, "plain@example.com");
}

}  // namespace

TEST_CASE("the accounts download starts with the report block, then the seed's columns in order") {
  Enterprise e;
  populate(e);
  const std::string csv = accounts_csv(e.state, e.root, 1'795'420'000'000, rome());
  auto doc = read_csv(csv);
  REQUIRE(doc);
  CHECK(doc->had_bom);
  CHECK(doc->crlf);
  REQUIRE(doc->rows.size() == 5 + 1 + 3);
  CHECK(doc->rows[0].cells == std::vector<std::string>{"Report name", "Accounts"});
  CHECK(doc->rows[1].cells[0] == "Date/Time");
  CHECK(doc->rows[1].cells[1] == "2026-11-23 08:46");  // 07:46:40 UTC
  CHECK(doc->rows[2].cells == std::vector<std::string>{"Organization", "ABC Banking Corporation"});
  CHECK(doc->rows[3].cells == std::vector<std::string>{"Timezone", "Europe/Rome"});
  CHECK(doc->rows[4].blank());
  const std::vector<std::string> seed_columns = {
      "Name", "Account ID", "Invitation sent", "Organization", "MultiLine", "Device #",
      "MultiLine status", "Assigned Number", "Type", "Last Sign In", "Monitor Calls",
      "Monitor Messages", "Date Registered", "Applications Activity History",
      "Last Application Accessed", "Last Application Accessed on", "User Permissions",
      "Social Messaging", "Compliance Group", "Notification Address", "Enable Clare", "Language",
      "Forwarding Number", "Notes"};
  const auto& header = doc->rows[5].cells;
  REQUIRE(header.size() >= seed_columns.size());
  CHECK(std::vector<std::string>(header.begin(), header.begin() + 24) == seed_columns);
}

TEST_CASE("the download's values follow the seed's descriptions") {
  Enterprise e;
  populate(e);
  auto doc = read_csv(accounts_csv(e.state, e.root, e.now, rome()));
  REQUIRE(doc);
  const auto& header = doc->rows[5].cells;
  auto col = [&](const char* name) {
    return static_cast<std::size_t>(std::find(header.begin(), header.end(), name) - header.begin());
  };
  const CsvRow* luis = nullptr;
  const CsvRow* zoe = nullptr;
  for (std::size_t r = 6; r < doc->rows.size(); ++r) {
    if (doc->rows[r].cells[col("Account ID")] == "dev") luis = &doc->rows[r];
    if (doc->rows[r].cells[col("Account ID")] == "EMP-0001") zoe = &doc->rows[r];
  }
  REQUIRE(luis);
  REQUIRE(zoe);
  // "MultiLine: number in use (blank for non-active users)"; "Assigned Number (blank for
  // active users)"; numbers are neutralised like every cell starting with "+".
  CHECK(restore_formula(luis->cells[col("MultiLine")]) == "+390600000002");
  CHECK(luis->cells[col("Assigned Number")].empty());
  CHECK(luis->cells[col("MultiLine status")] == "Active");
  CHECK(zoe->cells[col("MultiLine")].empty());
  CHECK(restore_formula(zoe->cells[col("Assigned Number")]) == "+390600000001");
  CHECK(zoe->cells[col("MultiLine status")] == "Not Invited");
  CHECK(zoe->cells[col("Social Messaging")] == "on");
  CHECK(luis->cells[col("Social Messaging")] == "off");
  CHECK(zoe->cells[col("Monitor Calls")] == "On");
  CHECK(zoe->cells[col("User Permissions")] == "Default User Permissions");
  CHECK(zoe->cells[col("Language")] == "French");
  CHECK(zoe->cells[col("Type")] == "ML");
  CHECK(luis->cells[col("Last Application Accessed")] == "MultiLine (iOS)");
  CHECK_FALSE(luis->cells[col("Date Registered")].empty());
  CHECK(luis->cells[col("Applications Activity History")].find("MultiLine (iOS)") == 0);
}

TEST_CASE("exported cells that could run as formulas are neutralised") {
  Enterprise e;
  populate(e);
  auto doc = read_csv(accounts_csv(e.state, e.root, e.now, rome()));
  REQUIRE(doc);
  for (const CsvRow& row : doc->rows) {
    for (const std::string& cell : row.cells) {
      CAPTURE(cell);
      if (cell.empty()) continue;
      const char c = cell.front();
      CHECK_FALSE((c == '=' || c == '+' || c == '-' || c == '@' || c == '\t' || c == '\r'));
    }
  }
}

TEST_CASE("export -> import yields the same accounts") {
  Enterprise source;
  populate(source);
  const std::string csv = accounts_csv(source.state, source.root, source.now, rome());

  Enterprise target;
  REQUIRE(target.run(target.root_admin, SetPolicy{target.root, "social_messaging", Json(true)}));
  REQUIRE(target.run(target.root_admin, SetPolicy{target.root, "clare", Json(true)}));
  target.add_numbers(target.root, 6);
  auto r = target.run(target.root_admin, ImportBatch{target.root, PermGroupId(), BatchMode::kImport,
                                                     "accounts.csv", csv, false});
  INFO((r ? std::string() : r.error().message));
  REQUIRE(r);
  CHECK(r->result["rows_ok"] == 3);
  CHECK(r->result["rows_failed"] == 0);
  REQUIRE(target.state.accounts().size() == source.state.accounts().size());
  for (const auto& [id, a] : source.state.accounts()) {
    CAPTURE(a.account_id);
    const Account* b = target.state.account_by_key(account_id_key(a.account_id));
    REQUIRE(b);
    CHECK(b->first_name == a.first_name);
    CHECK(b->last_name == a.last_name);
    CHECK(b->invite_address == a.invite_address);
    CHECK(b->device_number == a.device_number);
    CHECK(b->notification_address == a.notification_address);
    CHECK(b->compliance_group == a.compliance_group);
    CHECK(b->language == a.language);
    CHECK(b->forwarding_number == a.forwarding_number);
    CHECK(b->notes == a.notes);
    CHECK(b->number == a.number);
    CHECK(b->monitor_calls == a.monitor_calls);
    CHECK(b->monitor_messages == a.monitor_messages);
    CHECK(b->social_messaging == a.social_messaging);
    CHECK(b->restrict_incoming_social_messaging == a.restrict_incoming_social_messaging);
    CHECK(b->enable_clare == a.enable_clare);
    CHECK(b->permission_group == a.permission_group);
  }
}

TEST_CASE("a download of a selection holds only those accounts") {
  Enterprise e;
  populate(e);
  const AccountId one = e.state.account_by_key("plain@example.com")->id;
  const std::vector<AccountId> selection{one};
  auto doc = read_csv(accounts_csv(e.state, e.root, e.now, rome(), &selection));
  REQUIRE(doc);
  CHECK(doc->rows.size() == 7);
}

TEST_CASE("the activity report keeps each entry on one line, in UTC") {
  Enterprise e;
  auto r = e.run(e.root_admin, CreateOrg{e.root, "Legal\nDept", ""});
  REQUIRE_FALSE(r);  // names refuse line breaks, but summaries and JSON may carry them
  ActivityEntry entry;
  entry.id = ActivityId(1);
  entry.at_ms = 1'795'420'389'000;
  entry.admin_email = "root@abc.example";
  entry.org = e.root;
  entry.action = "edit_account";
  entry.target = "account zoe";
  entry.before = "{\"notes\":\"a\\nb\"}";
  entry.after = "line1\r\nline2";
  entry.summary = "=SUM(A1)";
  auto doc = read_csv(activity_csv(e.state, {entry}));
  REQUIRE(doc);
  REQUIRE(doc->rows.size() == 2);
  CHECK(doc->rows[1].cells[0] == "2026-11-23T07:53:09Z");
  CHECK(doc->rows[1].cells[2] == "ABC Banking Corporation");
  CHECK(doc->rows[1].cells[7] == "line1\\r\\nline2");
  CHECK(doc->rows[1].cells[5] == "'=SUM(A1)");
}

TEST_CASE("the number inventory and the import report download") {
  Enterprise e;
  e.add_numbers(e.root, 2);
  e.add_account(e.root, "zoe", false, e164(390600000001));
  auto doc = read_csv(numbers_csv(e.state, e.root));
  REQUIRE(doc);
  REQUIRE(doc->rows.size() == 3);
  CHECK(restore_formula(doc->rows[1].cells[0]) == "+390600000001");
  CHECK(doc->rows[1].cells[1] == "Pending invitation");
  CHECK(doc->rows[1].cells[4] == "zoe");
  auto imported = e.run(e.numbers_admin, ImportNumbers{{{"bad", "", 2}, {"+390600000009", "", 3}}});
  REQUIRE(imported);
  auto report = read_csv(number_import_report_csv(imported->result));
  REQUIRE(report);
  REQUIRE(report->rows.size() == 3);
  CHECK(report->rows[1].cells[3] == "failed");
  CHECK(report->rows[2].cells[3] == "imported");
}
