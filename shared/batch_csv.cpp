// Batch CSV template, header mapping and per-row vocabulary.
#include "batch_csv.hpp"

#include <array>

#include "language.hpp"
#include "text.hpp"

namespace linedesk {
namespace {

struct ColumnSpec {
  BatchField field;
  std::string_view canonical;  // the template's header, or the download's
  std::array<std::string_view, 4> aliases;  // normalized forms
};

// Header forms are compared after normalize_header(): lower case, runs of spaces, "_", "-"
// and "." become one space, "#" kept.
constexpr ColumnSpec kColumns[] = {
    {BatchField::kFirstName, "firstname", {"firstname", "first name", "", ""}},
    {BatchField::kLastName, "lastname", {"lastname", "last name", "", ""}},
    {BatchField::kInviteAddress,
     "email address or device",
     {"email address or device", "email or device", "email or device #", "email address"}},
    {BatchField::kSocialMessaging, "social_messaging", {"social messaging", "", "", ""}},
    {BatchField::kNumber,
     "multiline_number",
     {"multiline number", "assigned number", "primary number", ""}},
    {BatchField::kNumberInUse, "MultiLine", {"multiline", "", "", ""}},
    {BatchField::kMonitorCalls, "monitor_calls", {"monitor calls", "", "", ""}},
    {BatchField::kMonitorSms, "monitor_sms", {"monitor sms", "monitor messages", "", ""}},
    {BatchField::kForwardingNumber, "forwarding_number", {"forwarding number", "", "", ""}},
    {BatchField::kRestrictIncoming,
     "restrict_incoming_social_messaging",
     {"restrict incoming social messaging", "", "", ""}},
    {BatchField::kLanguage, "Language", {"language", "", "", ""}},
    {BatchField::kAccountId, "account_id", {"account id", "", "", ""}},
    {BatchField::kDeviceNumber, "device #", {"device #", "device", "device number", ""}},
    {BatchField::kNotificationAddress, "notification address", {"notification address", "", "", ""}},
    {BatchField::kComplianceGroup, "compliance group", {"compliance group", "", "", ""}},
    {BatchField::kEnableClare, "enable clare", {"enable clare", "", "", ""}},
    {BatchField::kNotes, "notes", {"notes", "", "", ""}},
    {BatchField::kReportStatus, "status", {"status", "", "", ""}},
    // Columns of the accounts download (seed 000) that an upload does not set.
    {BatchField::kIgnored,
     "",
     {"name", "invitation sent", "organization", "multiline status"}},
    {BatchField::kIgnored, "", {"type", "last sign in", "date registered", "user permissions"}},
    {BatchField::kIgnored,
     "",
     {"applications activity history", "last application accessed",
      "last application accessed on", "reason"}},
};

constexpr BatchField kMandatory[] = {BatchField::kInviteAddress, BatchField::kSocialMessaging,
                                     BatchField::kMonitorCalls, BatchField::kMonitorSms};

std::string normalize_header(std::string_view h) {
  std::string out;
  bool space = false;
  for (char c : trim(h)) {
    if (c == ' ' || c == '_' || c == '-' || c == '.' || c == '\t') {
      space = !out.empty();
      continue;
    }
    if (space) out += ' ';
    space = false;
    out += (c >= 'A' && c <= 'Z') ? static_cast<char>(c - 'A' + 'a') : c;
  }
  return out;
}

std::optional<BatchField> field_for_header(std::string_view header) {
  const std::string n = normalize_header(header);
  if (n.empty()) return std::nullopt;
  for (const ColumnSpec& spec : kColumns) {
    for (std::string_view alias : spec.aliases) {
      if (!alias.empty() && alias == n) return spec.field;
    }
  }
  return std::nullopt;
}

std::string_view canonical_name(BatchField f) {
  for (const ColumnSpec& spec : kColumns) {
    if (spec.field == f) return spec.canonical;
  }
  return "";
}

// Reads a two-valued cell. `truthy`/`falsy` list the accepted words (case-insensitive).
std::optional<bool> read_choice(std::string_view cell, std::initializer_list<std::string_view> truthy,
                                std::initializer_list<std::string_view> falsy) {
  const std::string v = ascii_lower(trim(cell));
  for (std::string_view t : truthy) {
    if (v == t) return true;
  }
  for (std::string_view f : falsy) {
    if (v == f) return false;
  }
  return std::nullopt;
}

}  // namespace

std::vector<std::string> batch_template_columns(bool social_messaging) {
  std::vector<std::string> cols = {"firstname",   "lastname",       "email address or device",
                                   "social_messaging", "multiline_number", "monitor_calls",
                                   "monitor_sms", "forwarding_number"};
  if (social_messaging) cols.push_back("restrict_incoming_social_messaging");
  cols.push_back("Language");
  return cols;
}

std::string batch_template_csv(bool social_messaging) {
  CsvWriter w(CsvWriteOptions{',', true, true, true});
  const auto cols = batch_template_columns(social_messaging);
  w.row(cols);
  std::string note =
      "Note: delete this row. Up to 1000 accounts per file, one organization and one User "
      "Permissions group per upload. email address or device: mandatory, an email address or a "
      "phone number with country code. social_messaging: Yes or No. multiline_number: optional, "
      "an Available number of the organization. monitor_calls: auto or off. monitor_sms: on or "
      "off. forwarding_number: optional, 4 to 18 digits with country code.";
  if (social_messaging) {
    note += " restrict_incoming_social_messaging: true or false, only when social_messaging is Yes.";
  }
  note += " Language: English, Italian, German, French or Spanish (optional).";
  std::vector<std::string> note_row(cols.size());
  note_row[0] = note;
  w.row(note_row);
  std::vector<std::string> example = {"Zoë", "Müller", "zoe.muller@example.com", "No", "",
                                      "auto", "on", ""};
  if (social_messaging) example.push_back("false");
  example.push_back("English");
  w.row(example);
  return w.take();
}

std::string BatchLayout::column_name(BatchField f) const {
  if (auto c = column_of(f)) return header[*c];
  return std::string(canonical_name(f));
}

std::optional<std::size_t> BatchLayout::column_of(BatchField f) const {
  for (std::size_t i = 0; i < fields.size(); ++i) {
    if (fields[i] == f) return i;
  }
  return std::nullopt;
}

Result<BatchLayout> read_batch_layout(const CsvDocument& doc) {
  // The header is the first row naming the invitation-address column, within the first rows
  // (a report preamble like "Report name, Accounts" comes before it).
  constexpr std::size_t kSearchRows = 30;
  for (std::size_t r = 0; r < doc.rows.size() && r < kSearchRows; ++r) {
    const CsvRow& row = doc.rows[r];
    bool has_address = false;
    for (const std::string& cell : row.cells) {
      if (field_for_header(cell) == BatchField::kInviteAddress) has_address = true;
    }
    if (!has_address) continue;
    BatchLayout layout;
    layout.header_row = r;
    layout.header = row.cells;
    for (const std::string& cell : row.cells) {
      auto f = field_for_header(cell);
      if (f && *f != BatchField::kIgnored && layout.column_of(*f)) {
        return make_error("duplicate_column", "header",
                          "Line " + std::to_string(row.line) + ": the column \"" + cell +
                              "\" appears twice.");
      }
      layout.fields.push_back(f);
      if (!f && !trim(cell).empty()) layout.unknown_columns.push_back(cell);
    }
    std::string missing;
    for (BatchField m : kMandatory) {
      if (!layout.column_of(m)) {
        missing += (missing.empty() ? "" : ", ") + std::string(canonical_name(m));
      }
    }
    if (!missing.empty()) {
      return make_error("missing_column", "header",
                        "Line " + std::to_string(row.line) + ": the file lacks the mandatory "
                        "column(s) " + missing + ". Start from the CSV template.");
    }
    return layout;
  }
  return make_error("missing_column", "header",
                    "The file has no header row with an \"email address or device\" column. "
                    "Start from the CSV template.");
}

bool is_note_row(const CsvRow& row) {
  for (const std::string& cell : row.cells) {
    const std::string_view t = trim(cell);
    if (t.empty()) continue;
    const std::string head = ascii_lower(t.substr(0, 4));
    return head == "note" && (t.size() == 4 || t[4] == ':' || t[4] == ' ' || t[4] == '-');
  }
  return false;
}

std::string batch_column_for_field(const BatchLayout& layout, std::string_view key) {
  static constexpr std::pair<std::string_view, BatchField> kKeys[] = {
      {"first_name", BatchField::kFirstName},
      {"last_name", BatchField::kLastName},
      {"invite_address", BatchField::kInviteAddress},
      {"social_messaging", BatchField::kSocialMessaging},
      {"number", BatchField::kNumber},
      {"monitor_calls", BatchField::kMonitorCalls},
      {"monitor_messages", BatchField::kMonitorSms},
      {"forwarding_number", BatchField::kForwardingNumber},
      {"restrict_incoming_social_messaging", BatchField::kRestrictIncoming},
      {"language", BatchField::kLanguage},
      {"account_id", BatchField::kAccountId},
      {"device_number", BatchField::kDeviceNumber},
      {"notification_address", BatchField::kNotificationAddress},
      {"compliance_group", BatchField::kComplianceGroup},
      {"enable_clare", BatchField::kEnableClare},
      {"notes", BatchField::kNotes},
  };
  for (const auto& [k, f] : kKeys) {
    if (k == key) return layout.column_name(f);
  }
  return std::string(key);
}

BatchRowInput read_batch_row(const BatchLayout& layout, const CsvRow& row) {
  BatchRowInput out;
  auto fail = [&](BatchField f, std::string_view value, std::string code, std::string rule) {
    if (out.error) return;
    const std::string col = layout.column_name(f);
    out.error = make_error(std::move(code), col,
                           "Line " + std::to_string(row.line) + ", column " + col + ": " +
                               (value.empty() ? std::string("the value is empty") :
                                                "\"" + std::string(value) + "\"") +
                               " — " + rule);
  };
  auto cell = [&](BatchField f) -> std::string {
    auto c = layout.column_of(f);
    if (!c || *c >= row.cells.size()) return {};
    return restore_formula(row.cells[*c]);  // undo our own exports' neutralisation
  };
  auto text = [&](BatchField f) -> std::optional<std::string> {
    if (!layout.column_of(f)) return std::nullopt;
    return std::string(trim(cell(f)));
  };

  out.fields.first_name = text(BatchField::kFirstName);
  out.fields.last_name = text(BatchField::kLastName);
  out.fields.invite_address = text(BatchField::kInviteAddress);
  if (out.fields.invite_address->empty()) {
    fail(BatchField::kInviteAddress, "", "missing_field",
         "this column is mandatory: an email address or a phone number with country code.");
  }
  if (auto v = text(BatchField::kAccountId); v && !v->empty()) out.fields.account_id = v;
  if (auto v = text(BatchField::kDeviceNumber); v && !v->empty()) out.fields.device_number = v;
  if (auto v = text(BatchField::kNotificationAddress)) out.fields.notification_address = v;
  if (auto v = text(BatchField::kComplianceGroup)) out.fields.compliance_group = v;
  if (auto v = text(BatchField::kNotes); v) out.fields.notes = cell(BatchField::kNotes);
  if (auto v = text(BatchField::kForwardingNumber); v && !v->empty()) out.fields.forwarding_number = v;
  if (auto v = text(BatchField::kLanguage); v && !v->empty()) {
    if (!language_from_name(*v)) {
      fail(BatchField::kLanguage, *v, "invalid_language",
           "Language accepts English, Italian, German, French or Spanish.");
    }
    out.fields.language = v;
  }

  const std::string social = cell(BatchField::kSocialMessaging);
  if (auto b = read_choice(social, {"yes", "on"}, {"no", "off"})) {
    out.fields.social_messaging = b;
  } else {
    fail(BatchField::kSocialMessaging, trim(social),
         trim(social).empty() ? "missing_field" : "invalid_value",
         "social_messaging is mandatory and accepts Yes or No.");
  }
  const std::string calls = cell(BatchField::kMonitorCalls);
  if (auto b = read_choice(calls, {"auto", "on"}, {"off"})) {
    out.fields.monitor_calls = b;
  } else {
    fail(BatchField::kMonitorCalls, trim(calls), trim(calls).empty() ? "missing_field" : "invalid_value",
         "monitor_calls is mandatory and accepts auto or off.");
  }
  const std::string sms = cell(BatchField::kMonitorSms);
  if (auto b = read_choice(sms, {"on"}, {"off"})) {
    out.fields.monitor_messages = b;
  } else {
    fail(BatchField::kMonitorSms, trim(sms), trim(sms).empty() ? "missing_field" : "invalid_value",
         "monitor_sms is mandatory and accepts on or off.");
  }
  if (auto v = text(BatchField::kEnableClare); v && !v->empty()) {
    if (auto b = read_choice(*v, {"on", "yes", "true"}, {"off", "no", "false"})) {
      out.fields.enable_clare = b;
    } else {
      fail(BatchField::kEnableClare, *v, "invalid_value", "Enable Clare accepts On or Off.");
    }
  }
  if (auto v = text(BatchField::kRestrictIncoming); v && !v->empty()) {
    if (auto b = read_choice(*v, {"true"}, {"false"})) {
      if (out.fields.social_messaging.value_or(false)) {
        out.fields.restrict_incoming_social_messaging = b;
      } else if (*b) {
        out.notes.push_back(layout.column_name(BatchField::kRestrictIncoming) +
                            " ignored: it applies only when social_messaging is Yes.");
      }
    } else {
      fail(BatchField::kRestrictIncoming, *v, "invalid_value",
           "restrict_incoming_social_messaging accepts true or false.");
    }
  }
  if (auto v = text(BatchField::kNumber)) out.number = *v;
  if (auto v = text(BatchField::kNumberInUse); v && out.number.empty()) out.number = *v;
  if (auto v = text(BatchField::kReportStatus)) out.report_status = ascii_lower(*v);
  if (!out.fields.account_id && out.fields.invite_address) {
    // The template has no Account ID column: the invitation address identifies the user.
    out.fields.account_id = out.fields.invite_address;
    out.account_id_from_address = true;
  }
  return out;
}

}  // namespace linedesk
