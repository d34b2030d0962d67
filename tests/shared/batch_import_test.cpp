// Batch import (seeds 001-003): the template's columns and vocabularies, real Excel files,
// the 1000-row limit, duplicates, the dry run, Import & Invite, and the report round trip.
#include <catch2/catch.hpp>

#include "fixtures.hpp"
#include "shared/batch_csv.hpp"
#include "shared/exports.hpp"

using namespace linedesk;
using namespace linedesk::test;

namespace {

const char* kHeader =
    "firstname,lastname,email address or device,social_messaging,multiline_number,monitor_calls,"
    "monitor_sms,forwarding_number,Language\r\n";

ImportBatch batch(const Enterprise& e, std::string csv, bool dry_run = false,
                  BatchMode mode = BatchMode::kImport) {
  return ImportBatch{e.root, PermGroupId(), mode, "users.csv", std::move(csv), dry_run};
}

// Runs a dry run and returns its report; REQUIREs that the file itself was accepted.
BatchReport dry_run(Enterprise& e, const std::string& csv) {
  auto r = e.check(e.root_admin, batch(e, csv, true));
  INFO((r ? std::string() : r.error().message));
  REQUIRE(r);
  REQUIRE(r->report);
  return *r->report;
}

const BatchRowResult& only_data_row(const BatchReport& report) {
  const BatchRowResult* found = nullptr;
  for (const auto& row : report.rows) {
    if (row.status != RowStatus::kSkipped) found = &row;
  }
  REQUIRE(found);
  return *found;
}

}  // namespace

TEST_CASE("the template has the seed's columns, in order, and imports as downloaded") {
  CHECK(batch_template_columns(false) ==
        std::vector<std::string>{"firstname", "lastname", "email address or device",
                                 "social_messaging", "multiline_number", "monitor_calls",
                                 "monitor_sms", "forwarding_number", "Language"});
  // Seed: restrict_incoming_social_messaging is "only included in the CSV if the organization
  // is configured with Social Messaging".
  const auto with_social = batch_template_columns(true);
  CHECK(with_social[8] == "restrict_incoming_social_messaging");
  CHECK(with_social.size() == 10);

  Enterprise e;
  const BatchReport report = dry_run(e, batch_template_csv(false));
  REQUIRE(report.rows.size() == 2);
  CHECK(report.rows[0].status == RowStatus::kSkipped);  // the instruction note left in
  CHECK(report.rows[1].status == RowStatus::kOk);
}

TEST_CASE("each cell rule of the table of CSV values") {
  struct Case {
    const char* rule;  // the seed's words
    const char* row;
    const char* code;
    const char* column;
  };
  const std::vector<Case> cases = {
      {"email address or device: mandatory", "A,B,,No,,auto,on,,English", "missing_field",
       "email address or device"},
      {"email address or device: standard email address or phone number",
       "A,B,not-an-address,No,,auto,on,,English", "invalid_invite_address",
       "email address or device"},
      {"social_messaging: mandatory, Yes / No", "A,B,a@x.com,,,auto,on,,English", "missing_field",
       "social_messaging"},
      {"social_messaging: Yes / No", "A,B,a@x.com,Maybe,,auto,on,,English", "invalid_value",
       "social_messaging"},
      {"monitor_calls: auto / off", "A,B,a@x.com,No,,on-demand,on,,English", "invalid_value",
       "monitor_calls"},
      {"monitor_calls: mandatory", "A,B,a@x.com,No,,,on,,English", "missing_field",
       "monitor_calls"},
      {"monitor_sms: on / off", "A,B,a@x.com,No,,auto,yes,,English", "invalid_value",
       "monitor_sms"},
      {"forwarding_number: 4 to 18 digits with country code",
       "A,B,a@x.com,No,,auto,on,123,English", "invalid_forwarding_number", "forwarding_number"},
      {"forwarding_number: 4 to 18 digits with country code (19 digits)",
       "A,B,a@x.com,No,,auto,on,+1234567890123456789,English", "invalid_forwarding_number",
       "forwarding_number"},
      {"Language: English, Italian, German, French, and Spanish",
       "A,B,a@x.com,No,,auto,on,,Portuguese", "invalid_language", "Language"},
      {"multiline_number: must be an Available number (not in inventory)",
       "A,B,a@x.com,No,+4930000000,auto,on,,English", "number_not_found", "multiline_number"},
      {"multiline_number: not allocated to another organization",
       "A,B,a@x.com,No,+390700000001,auto,on,,English", "number_not_in_org", "multiline_number"},
      {"multiline_number: must be an Available number (reserved)",
       "A,B,a@x.com,No,+390600000002,auto,on,,English", "number_not_available",
       "multiline_number"},
      {"social messaging only where the organization has it",
       "A,B,a@x.com,Yes,,auto,on,,English", "feature_not_enabled", "social_messaging"},
      {"Account ID unique: the address already belongs to an account",
       "A,B,Taken@Example.com,No,,auto,on,,English", "account_id_taken",
       "email address or device"},
  };
  Enterprise e;
  e.add_numbers(e.root, 2);
  e.add_numbers(e.retail, 1, 390700000001);
  REQUIRE(e.run(e.root_admin, ReserveNumbers{{e164(390600000002)}, "PORTED"}));
  e.add_account(e.root, "taken@example.com");
  for (const auto& c : cases) {
    CAPTURE(c.rule);
    const BatchReport report = dry_run(e, std::string(kHeader) + c.row + "\r\n");
    const BatchRowResult& row = only_data_row(report);
    CHECK(row.status == RowStatus::kFailed);
    CHECK(row.code == c.code);
    CHECK(row.column == c.column);
    CHECK(row.line == 2);
    CHECK(row.reason.find("Line 2") == 0);
    CHECK(row.reason.find(c.column) != std::string::npos);
  }
}

TEST_CASE("accepted values, in any case, fill the account as the seed describes") {
  Enterprise e;
  REQUIRE(e.run(e.root_admin, SetPolicy{e.root, "social_messaging", Json(true)}));
  e.add_numbers(e.root, 1);
  const std::string csv =
      "firstname,lastname,email address or device,social_messaging,multiline_number,"
      "monitor_calls,monitor_sms,forwarding_number,restrict_incoming_social_messaging,Language\n"
      "Zoë,Müller,Zoe.Muller@Example.com,YES,+39 06 0000 0001,AUTO,Off,+49 151 2345 6789,TRUE,"
      "german\n"
      "Luis,García,+34 612 345 678,no,,off,on,,,\n";
  auto r = e.run(e.root_admin, batch(e, csv));
  REQUIRE(r);
  CHECK(r->result["rows_ok"] == 2);
  const Account* zoe = e.state.account_by_key("zoe.muller@example.com");
  REQUIRE(zoe);
  CHECK(zoe->first_name == "Zoë");
  CHECK(zoe->social_messaging);
  CHECK(zoe->restrict_incoming_social_messaging);
  CHECK(zoe->monitor_calls);
  CHECK_FALSE(zoe->monitor_messages);
  CHECK(zoe->forwarding_number == "+4915123456789");
  CHECK(zoe->language == Language::kGerman);
  CHECK(zoe->number == "+390600000001");
  CHECK(zoe->status == AccountStatus::kNotInvited);
  const Account* luis = e.state.account_by_key("+34612345678");
  REQUIRE(luis);
  CHECK(luis->device_number == "+34612345678");
  CHECK(luis->language == Language::kEnglish);
  CHECK_FALSE(luis->monitor_calls);
  CHECK(luis->monitor_messages);
}

TEST_CASE("real Excel files: BOM, CRLF, quotes, semicolons, the note row, empty rows, headers") {
  Enterprise e;
  struct Case {
    const char* variant;
    std::string csv;
    std::string notes = {};
  };
  const std::string row = "Zoë,\"Müller, Jr.\",zoe@example.com,No,,auto,on,,English";
  const std::vector<Case> cases = {
      {"UTF-8 with BOM and CRLF", "\xEF\xBB\xBF" + std::string(kHeader) + row + "\r\n"},
      {"no BOM, LF", "firstname,lastname,email address or device,social_messaging,"
                     "multiline_number,monitor_calls,monitor_sms,forwarding_number,Language\n" +
                         row + "\n"},
      {"semicolons from a European Excel",
       "firstname;lastname;email address or device;social_messaging;multiline_number;"
       "monitor_calls;monitor_sms;forwarding_number;Language\r\n"
       "Zoë;Müller, Jr.;zoe@example.com;No;;auto;on;;English\r\n"},
      {"the template's note row left in",
       std::string(kHeader) + "\"Note: delete this row, it explains the columns\",,,,,,,,\r\n" +
           row + "\r\n"},
      {"trailing empty rows", std::string(kHeader) + row + "\r\n,,,,,,,,\r\n\r\n\r\n"},
      {"header case and spacing variations",
       "First Name , LASTNAME,Email Address  or Device,Social-Messaging,Multiline_Number,"
       "MONITOR CALLS,monitor sms,Forwarding Number,language\r\n" +
           row + "\r\n"},
      {"quoted fields with doubled quotes and a line break",
       "firstname,lastname,email address or device,social_messaging,multiline_number,"
       "monitor_calls,monitor_sms,forwarding_number,Language,notes\r\n" +
           row + ",\"Prefers \"\"Zo\"\"\r\ncall after 9\"\r\n",
       "Prefers \"Zo\"\r\ncall after 9"},
  };
  for (const auto& c : cases) {
    CAPTURE(c.variant);
    auto r = e.check(e.root_admin, batch(e, c.csv));
    INFO((r ? std::string() : r.error().message));
    REQUIRE(r);
    CHECK(r->result["rows_ok"] == 1);
    CHECK(r->result["rows_failed"] == 0);
    const Account* a = nullptr;
    for (const Entity& ent : r->puts) {
      if (const auto* acc = std::get_if<Account>(&ent)) a = acc;
    }
    REQUIRE(a);
    CHECK(a->first_name == "Zoë");
    CHECK(a->last_name == "Müller, Jr.");
    CHECK(a->notes == c.notes);
  }
}

TEST_CASE("files that cannot be read are refused as a whole, with the reason") {
  Enterprise e;
  struct Case {
    const char* rule;
    std::string csv;
    const char* code;
  };
  std::string big = kHeader;
  for (int i = 0; i < 1001; ++i) big += "A,B,u" + std::to_string(i) + "@x.com,No,,off,off,,\n";
  const std::vector<Case> cases = {
      {"up to 1000 accounts at once", big, "batch_too_large"},
      {"mandatory columns present", "firstname,email address or device\nA,a@x.com\n",
       "missing_column"},
      {"a header row", "just,some,cells\n1,2,3\n", "missing_column"},
      {"UTF-8 text (Windows-1252 é)", std::string(kHeader) + "Ren\xE9,B,r@x.com,No,,off,off,,\n",
       "csv_not_utf8"},
      {"an unterminated quote", std::string(kHeader) + "\"A,B,a@x.com,No,,off,off,,\n",
       "csv_unterminated_quote"},
      {"at least one account row", std::string(kHeader) + "\r\n", "batch_empty"},
  };
  for (const auto& c : cases) {
    CAPTURE(c.rule);
    auto r = e.check(e.root_admin, batch(e, c.csv, true));
    REQUIRE_FALSE(r);
    CHECK(r.error().code == c.code);
    CHECK_FALSE(r.error().message.empty());
  }
  // Exactly 1000 is fine.
  std::string thousand = kHeader;
  for (int i = 0; i < 1000; ++i) thousand += "A,B,u" + std::to_string(i) + "@x.com,No,,off,off,,\n";
  auto ok = e.check(e.root_admin, batch(e, thousand, true));
  REQUIRE(ok);
  CHECK(ok->result["rows_ok"] == 1000);
}

TEST_CASE("duplicates inside the file and against existing accounts are caught") {
  Enterprise e;
  e.add_numbers(e.root, 2);
  e.add_account(e.root, "existing@example.com");
  const std::string csv = std::string(kHeader) +
                          "A,B,one@x.com,No,+390600000001,off,off,,\n"
                          "A,B,ONE@x.com,No,,off,off,,\n"
                          "A,B,two@x.com,No,+390600000001,off,off,,\n"
                          "A,B,existing@example.com,No,,off,off,,\n";
  const BatchReport report = dry_run(e, csv);
  REQUIRE(report.rows.size() == 4);
  CHECK(report.rows[0].status == RowStatus::kOk);
  CHECK(report.rows[1].code == "duplicate_in_file");
  CHECK(report.rows[1].reason.find("line 2") != std::string::npos);
  CHECK(report.rows[2].code == "duplicate_in_file");
  CHECK(report.rows[2].column == "multiline_number");
  CHECK(report.rows[3].code == "account_id_taken");
}

TEST_CASE("a dry run lists every row and changes nothing; the commit imports the good rows") {
  Enterprise e;
  const std::string csv = std::string(kHeader) +
                          "A,B,good1@x.com,No,,off,off,,\n"
                          "A,B,bad,No,,off,off,,\n"
                          "A,B,good2@x.com,No,,off,off,,\n";
  auto dry = e.check(e.root_admin, batch(e, csv, true));
  REQUIRE(dry);
  CHECK(dry->puts.empty());
  CHECK(dry->activity.empty());
  CHECK(dry->result["rows_ok"] == 2);
  CHECK(dry->result["rows_failed"] == 1);
  CHECK(dry->result["report"]["rows"].size() == 3);
  CHECK(e.state.accounts().empty());

  auto commit = e.run(e.root_admin, batch(e, csv));
  REQUIRE(commit);
  CHECK(e.state.accounts().size() == 2);
  const BatchRecord* record = e.state.batch(BatchId(commit->result["batch"].get<std::int64_t>()));
  REQUIRE(record);
  CHECK(record->rows_total == 3);
  CHECK(record->rows_imported == 2);
  CHECK(record->rows_failed == 1);
  CHECK(record->file_name == "users.csv");
  CHECK(record->admin_email == "root@abc.example");
  // Designated administrators get a summary.
  bool summary = false;
  for (const auto& n : commit->notifications) summary |= n.kind == Notification::Kind::kBatchSummary;
  CHECK(summary);
}

TEST_CASE("Import & Invite: rows without a number need a free one in the pool") {
  Enterprise e;
  e.add_numbers(e.root, 3);
  const std::string csv = std::string(kHeader) +
                          "A,B,u1@x.com,No,+390600000001,off,off,,\n"
                          "A,B,u2@x.com,No,,off,off,,\n"
                          "A,B,u3@x.com,No,,off,off,,\n"
                          "A,B,u4@x.com,No,,off,off,,\n";
  auto r = e.run(e.root_admin, batch(e, csv, false, BatchMode::kImportAndInvite));
  REQUIRE(r);
  CHECK(r->result["rows_ok"] == 3);
  CHECK(r->result["invitations"] == 3);
  REQUIRE(r->report);
  CHECK(r->report->rows[3].code == "no_numbers_available");
  CHECK(e.state.pool_capacity(e.root) == 0);
  int invitations = 0;
  for (const auto& n : r->notifications) invitations += n.kind == Notification::Kind::kInvitation;
  CHECK(invitations == 3);
}

TEST_CASE("the report carries every input column plus status and reason, and re-uploads") {
  Enterprise e;
  const std::string csv = std::string(kHeader) +
                          "A,B,good@x.com,No,,off,off,,\n"
                          "A,B,bad-address,No,,off,off,,\n";
  auto r = e.run(e.root_admin, batch(e, csv));
  REQUIRE(r);
  const std::string report_csv = batch_report_csv(*r->report);
  auto doc = read_csv(report_csv);
  REQUIRE(doc);
  REQUIRE(doc->rows.size() == 3);
  CHECK(doc->rows[0].cells.size() == 11);
  CHECK(doc->rows[0].cells[9] == "status");
  CHECK(doc->rows[0].cells[10] == "reason");
  CHECK(doc->rows[1].cells[9] == "imported");
  CHECK(doc->rows[2].cells[9] == "failed");
  CHECK(doc->rows[2].cells[10].find("email address or device") != std::string::npos);

  // The administrator fixes the failed row in the report and uploads that same file.
  std::string fixed = report_csv;
  fixed.replace(fixed.find("bad-address"), 11, "fixed@x.com");
  auto again = e.run(e.root_admin, batch(e, fixed));
  REQUIRE(again);
  CHECK(again->result["rows_ok"] == 1);
  CHECK(again->result["rows_failed"] == 0);
  CHECK(again->result["rows_skipped"] == 1);  // the row imported the first time
  CHECK(e.state.accounts().size() == 2);
}

TEST_CASE("one organization and one permission group per upload") {
  Enterprise e;
  const std::string csv = std::string(kHeader) + "A,B,eu@x.com,No,,off,off,,\n";
  ImportBatch c{e.europe, e.retail_group, BatchMode::kImport, "eu.csv", csv, false};
  REQUIRE(e.run(e.root_admin, c));
  const Account* a = e.state.account_by_key("eu@x.com");
  REQUIRE(a);
  CHECK(a->org == e.europe);
  CHECK(a->permission_group == e.retail_group);
  ImportBatch wrong{e.finance, e.retail_group, BatchMode::kImport, "f.csv", csv, true};
  auto r = e.check(e.root_admin, wrong);
  REQUIRE_FALSE(r);
  CHECK(r.error().code == "group_not_usable");
}
