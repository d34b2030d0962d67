// Batch operations: the record kept for each CSV import (seed: "a record is created in Batch
// Operation Reports") and the per-row results of its Batch Operations Report.
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "ids.hpp"
#include "json_io.hpp"

namespace linedesk {

// Seed: "Select Import ... Select Import & Invite".
enum class BatchMode { kImport, kImportAndInvite };
std::string_view batch_mode_name(BatchMode m);   // "import", "import_and_invite"
std::string_view batch_mode_label(BatchMode m);  // "Import", "Import & Invite"
std::optional<BatchMode> batch_mode_from_name(std::string_view name);

struct BatchRecord {
  BatchId id;
  OrgId org;
  PermGroupId permission_group;
  AdminId admin;
  std::string admin_email;
  BatchMode mode = BatchMode::kImport;
  std::string file_name;
  TimestampMs created_ms = 0;
  int rows_total = 0;     // data rows (template note and blank rows not counted)
  int rows_imported = 0;
  int rows_failed = 0;
  int rows_skipped = 0;   // blank rows and the template's note row
  int invitations = 0;    // invitations queued by Import & Invite

  bool operator==(const BatchRecord&) const = default;
};

enum class RowStatus {
  kOk,       // valid (dry run) or imported (commit)
  kFailed,   // refused, with the reason
  kSkipped,  // blank line or the template's instruction note
};
std::string_view row_status_name(RowStatus s);

// One input row with its outcome: what the dry run lists and the report CSV carries.
struct BatchRowResult {
  std::size_t line = 0;            // line of the file where the row starts
  RowStatus status = RowStatus::kOk;
  std::string column;              // the column at fault, as written in the file's header
  std::string value;               // the offending value
  std::string code;                // stable rule code ("invalid_language", "duplicate_in_file"...)
  std::string reason;              // what the administrator reads
  std::vector<std::string> notes;  // remarks on accepted rows (e.g. an ignored value)
  std::vector<std::string> cells;  // the row as uploaded
  AccountId account;               // the account it creates

  bool operator==(const BatchRowResult&) const = default;
};

struct BatchReport {
  std::vector<std::string> header;  // the file's header row as uploaded
  std::vector<BatchRowResult> rows;
  bool operator==(const BatchReport&) const = default;
};

Json to_json(const BatchRecord& b);
Result<BatchRecord> batch_record_from_json(const Json& j);
Json to_json(const BatchRowResult& r);
Json to_json(const BatchReport& r);
Result<BatchReport> batch_report_from_json(const Json& j);

}  // namespace linedesk
