// The batch CSV format of seeds 001-003: the downloadable template, and reading uploaded
// files — the template as Excel saves it, the Batch Operations Report (to fix and re-upload),
// and the accounts download (for export -> import round trips).
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "command.hpp"
#include "csv.hpp"

namespace linedesk {

// What a column of an uploaded file means.
enum class BatchField {
  kFirstName,
  kLastName,
  kInviteAddress,     // "email address or device" (mandatory)
  kSocialMessaging,   // Yes / No (mandatory)
  kNumber,            // multiline_number ("Assigned Number" in the accounts download)
  kNumberInUse,       // the download's "MultiLine" column: the number of an active user
  kMonitorCalls,      // auto / off (mandatory)
  kMonitorSms,        // on / off (mandatory)
  kForwardingNumber,
  kRestrictIncoming,  // true / false
  kLanguage,
  kAccountId,         // LineDesk extension; defaults to the invitation address
  kDeviceNumber,
  kNotificationAddress,
  kComplianceGroup,
  kEnableClare,
  kNotes,
  kReportStatus,      // the "status" column of a Batch Operations Report
  kIgnored,           // known columns that an upload does not set (status, dates, ...)
};

// The template's column names, in the seed's order. The restrict column appears only for an
// organization with Social Messaging (seed: "Column only included in the CSV if ...").
std::vector<std::string> batch_template_columns(bool social_messaging);
// The downloadable template: header, the instruction note row, and one example row.
std::string batch_template_csv(bool social_messaging);

struct BatchLayout {
  std::size_t header_row = 0;  // index into the document's rows
  std::vector<std::string> header;
  std::vector<std::optional<BatchField>> fields;  // per column; nullopt for unknown columns
  std::vector<std::string> unknown_columns;
  // The column header as written in the file for `f`, or the template's name when absent.
  std::string column_name(BatchField f) const;
  std::optional<std::size_t> column_of(BatchField f) const;
};

// Finds the header row (skipping a report preamble such as the accounts download's "Report
// name" block) and maps each column; header case, spaces, underscores and hyphens do not
// matter. Refuses a file without the mandatory columns, naming them.
Result<BatchLayout> read_batch_layout(const CsvDocument& doc);

// True for the template's instruction row ("Note: ...") left in by the administrator.
bool is_note_row(const CsvRow& row);

// A data row turned into account fields. `error` names the column, value and rule of the first
// problem found in the row's own cells.
struct BatchRowInput {
  AccountInput fields;
  std::string number;
  std::string report_status;  // from a re-uploaded report: "imported", "failed", ...
  bool account_id_from_address = false;  // no Account ID given: it is the invitation address
  std::vector<std::string> notes;
  std::optional<Error> error;
};
BatchRowInput read_batch_row(const BatchLayout& layout, const CsvRow& row);

// The CSV column an AccountInput field key ("invite_address", "language") is read from.
std::string batch_column_for_field(const BatchLayout& layout, std::string_view field_key);

}  // namespace linedesk
