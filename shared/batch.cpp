// JSON forms of batch records and reports.
#include "batch.hpp"

namespace linedesk {

std::string_view batch_mode_name(BatchMode m) {
  return m == BatchMode::kImport ? "import" : "import_and_invite";
}

std::string_view batch_mode_label(BatchMode m) {
  return m == BatchMode::kImport ? "Import" : "Import & Invite";
}

std::optional<BatchMode> batch_mode_from_name(std::string_view name) {
  if (name == "import") return BatchMode::kImport;
  if (name == "import_and_invite") return BatchMode::kImportAndInvite;
  return std::nullopt;
}

std::string_view row_status_name(RowStatus s) {
  switch (s) {
    case RowStatus::kOk: return "ok";
    case RowStatus::kFailed: return "failed";
    case RowStatus::kSkipped: return "skipped";
  }
  return "ok";
}

Json to_json(const BatchRecord& b) {
  return Json{{"id", b.id.value},
              {"org", b.org.value},
              {"permission_group", b.permission_group.value},
              {"admin", b.admin.value},
              {"admin_email", b.admin_email},
              {"mode", batch_mode_name(b.mode)},
              {"file_name", b.file_name},
              {"created_ms", b.created_ms},
              {"rows_total", b.rows_total},
              {"rows_imported", b.rows_imported},
              {"rows_failed", b.rows_failed},
              {"rows_skipped", b.rows_skipped},
              {"invitations", b.invitations}};
}

Result<BatchRecord> batch_record_from_json(const Json& j) {
  JsonReader r(j, "batch");
  BatchRecord b;
  b.id = r.required_id<BatchTag>("id");
  b.org = r.required_id<OrgTag>("org");
  b.permission_group = r.optional_id<PermGroupTag>("permission_group");
  b.admin = r.optional_id<AdminTag>("admin");
  b.admin_email = r.optional_string("admin_email");
  const std::string mode = r.optional_string("mode", "import");
  b.file_name = r.optional_string("file_name");
  b.created_ms = r.optional_int("created_ms");
  b.rows_total = static_cast<int>(r.optional_int("rows_total"));
  b.rows_imported = static_cast<int>(r.optional_int("rows_imported"));
  b.rows_failed = static_cast<int>(r.optional_int("rows_failed"));
  b.rows_skipped = static_cast<int>(r.optional_int("rows_skipped"));
  b.invitations = static_cast<int>(r.optional_int("invitations"));
  if (!r.ok()) return r.error();
  auto m = batch_mode_from_name(mode);
  if (!m) return make_error("invalid_field", "batch.mode", "Unknown batch mode \"" + mode + "\".");
  b.mode = *m;
  return b;
}

Json to_json(const BatchRowResult& r) {
  return Json{{"line", r.line},       {"status", row_status_name(r.status)},
              {"column", r.column},   {"value", r.value},
              {"code", r.code},       {"reason", r.reason},
              {"notes", r.notes},     {"cells", r.cells},
              {"account", r.account.value}};
}

Json to_json(const BatchReport& r) {
  Json rows = Json::array();
  for (const auto& row : r.rows) rows.push_back(to_json(row));
  return Json{{"header", r.header}, {"rows", std::move(rows)}};
}

Result<BatchReport> batch_report_from_json(const Json& j) {
  JsonReader r(j, "report");
  const Json& header = r.required("header");
  const Json& rows = r.required("rows");
  if (!r.ok()) return r.error();
  BatchReport out;
  if (!header.is_array() || !rows.is_array()) {
    return make_error("invalid_field", "report", "A batch report has a header and rows.");
  }
  for (const Json& h : header) {
    if (!h.is_string()) return make_error("invalid_field", "report.header", "Header cells are text.");
    out.header.push_back(h.get<std::string>());
  }
  for (const Json& row : rows) {
    JsonReader rr(row, "report.rows");
    BatchRowResult res;
    res.line = static_cast<std::size_t>(rr.optional_int("line"));
    const std::string status = rr.optional_string("status", "ok");
    res.column = rr.optional_string("column");
    res.value = rr.optional_string("value");
    res.code = rr.optional_string("code");
    res.reason = rr.optional_string("reason");
    res.account = rr.optional_id<AccountTag>("account");
    for (const char* key : {"notes", "cells"}) {
      if (const Json* list = rr.optional(key)) {
        auto& target = std::string_view(key) == "notes" ? res.notes : res.cells;
        if (!list->is_array()) return make_error("invalid_field", "report.rows", "Lists of text.");
        for (const Json& c : *list) {
          if (!c.is_string()) return make_error("invalid_field", "report.rows", "Lists of text.");
          target.push_back(c.get<std::string>());
        }
      }
    }
    if (!rr.ok()) return rr.error();
    if (status == "ok") res.status = RowStatus::kOk;
    else if (status == "failed") res.status = RowStatus::kFailed;
    else if (status == "skipped") res.status = RowStatus::kSkipped;
    else return make_error("invalid_field", "report.rows.status", "Unknown row status.");
    out.rows.push_back(std::move(res));
  }
  return out;
}

}  // namespace linedesk
