// import_batch: the Multiple Accounts upload of seeds 001-003 — every row validated with the
// same rules as a single account, a dry run listing each row's outcome before anything is
// committed, then Import or Import & Invite with a Batch Operations Report.
#include <unordered_map>

#include "account_rules.hpp"
#include "batch_csv.hpp"
#include "commands.hpp"
#include "policy.hpp"
#include "text.hpp"

namespace linedesk::commands {
namespace {

std::string org_name(const CommandContext& cc, OrgId org) {
  const Organization* o = cc.state.org(org);
  return o ? o->name : std::string("this organization");
}

// Records a row's failure. Errors from read_batch_row already name the file's column and the
// line; rule errors name an account field, which maps to the column it was read from.
void fail_row(BatchRowResult& row, const BatchLayout& layout, const Error& e,
              const std::vector<std::string>& cells) {
  row.status = RowStatus::kFailed;
  row.code = e.code;
  const bool located = e.message.rfind("Line ", 0) == 0;
  row.column = located ? e.field : batch_column_for_field(layout, e.field);
  for (std::size_t i = 0; i < layout.header.size() && i < cells.size(); ++i) {
    if (layout.header[i] == row.column) row.value = cells[i];
  }
  row.reason = located ? e.message
                       : "Line " + std::to_string(row.line) + ", column " + row.column +
                             (row.value.empty() ? "" : " (\"" + row.value + "\")") + ": " +
                             e.message;
}

}  // namespace

Status run(CommandContext& cc, const ImportBatch& c) {
  if (auto s = cc.require(Privilege::kAccounts, c.org, "organization"); !s) return s;
  PermGroupId group = c.permission_group.valid() ? c.permission_group : cc.state.default_group(c.org);
  if (!group.valid()) {
    return make_error("no_permission_group", "permission_group",
                      "Choose the User Permissions group for this upload.");
  }
  if (auto s = check_group_usable(cc, c.org, group); !s) return s;

  auto doc = read_csv(c.csv);
  if (!doc) return doc.error();
  auto layout_r = read_batch_layout(*doc);
  if (!layout_r) return layout_r.error();
  const BatchLayout& layout = *layout_r;

  // Seed: "You can add up to 1000 accounts at once".
  std::size_t data_rows = 0;
  for (std::size_t r = layout.header_row + 1; r < doc->rows.size(); ++r) {
    if (!doc->rows[r].blank() && !is_note_row(doc->rows[r])) ++data_rows;
  }
  if (data_rows > kMaxBatchRows) {
    return make_error("batch_too_large", "csv",
                      "The file has " + std::to_string(data_rows) +
                          " accounts; upload at most 1000 at once (split the file).");
  }
  if (data_rows == 0) {
    return make_error("batch_empty", "csv", "The file has no account rows under its header.");
  }

  const bool invite = c.mode == BatchMode::kImportAndInvite;
  BatchReport report;
  report.header = layout.header;
  BatchRecord record;
  record.id = cc.ids.next_id<BatchId>();
  record.org = c.org;
  record.permission_group = group;
  record.admin = cc.actor ? cc.actor->id : AdminId();
  record.admin_email = cc.actor ? cc.actor->email : std::string();
  record.mode = c.mode;
  record.file_name = c.file_name;
  record.created_ms = cc.ctx.now_ms;

  // Duplicates inside the file: by Account ID, invitation address and number.
  std::unordered_map<std::string, std::size_t> seen_ids;
  std::unordered_map<std::string, std::size_t> seen_addresses;
  std::unordered_map<std::int64_t, std::size_t> seen_numbers;
  const bool email_only = effective_bool(cc.state.orgs(), c.org, policy::kSmtpDataOffload);

  for (std::size_t r = layout.header_row + 1; r < doc->rows.size(); ++r) {
    const CsvRow& csv_row = doc->rows[r];
    BatchRowResult row;
    row.line = csv_row.line;
    row.cells = csv_row.cells;
    if (csv_row.blank()) {
      row.status = RowStatus::kSkipped;
      row.reason = "Empty row.";
      ++record.rows_skipped;
      report.rows.push_back(std::move(row));
      continue;
    }
    if (is_note_row(csv_row)) {
      row.status = RowStatus::kSkipped;
      row.reason = "The template's instruction note; skipped.";
      ++record.rows_skipped;
      report.rows.push_back(std::move(row));
      continue;
    }
    ++record.rows_total;
    BatchRowInput in = read_batch_row(layout, csv_row);
    row.notes = in.notes;
    if (in.report_status == "imported") {
      row.status = RowStatus::kSkipped;
      row.reason = "Already imported by an earlier batch (this row's status says so).";
      ++record.rows_skipped;
      --record.rows_total;
      report.rows.push_back(std::move(row));
      continue;
    }
    auto fail = [&](Error e) {
      // Without an Account ID column the address is the Account ID: point at its column.
      if (in.account_id_from_address && e.field == "account_id") e.field = "invite_address";
      fail_row(row, layout, e, csv_row.cells);
      ++record.rows_failed;
      report.rows.push_back(std::move(row));
    };
    if (in.error) {
      fail(*in.error);
      continue;
    }
    if (in.account_id_from_address) {
      if (auto addr = parse_invite_address(*in.fields.invite_address, "invite_address", email_only)) {
        in.fields.account_id = addr->value;
      }
    }
    in.fields.permission_group = group;

    Account a;
    a.id = cc.ids.next_id<AccountId>();
    a.org = c.org;
    a.created_ms = a.updated_ms = cc.ctx.now_ms;
    a.version = 1;
    if (auto s = apply_account_input(cc, c.org, in.fields, a, true); !s) {
      fail(s.error());
      continue;
    }
    const std::string id_key = account_id_key(a.account_id);
    if (auto it = seen_ids.find(id_key); it != seen_ids.end()) {
      fail(make_error("duplicate_in_file", in.fields.account_id && !in.account_id_from_address
                                               ? "account_id"
                                               : "invite_address",
                      "Account ID \"" + a.account_id + "\" already appears on line " +
                          std::to_string(it->second) + " of this file."));
      continue;
    }
    if (auto it = seen_addresses.find(a.invite_address); it != seen_addresses.end()) {
      fail(make_error("duplicate_in_file", "invite_address",
                      a.invite_address + " already appears on line " + std::to_string(it->second) +
                          " of this file."));
      continue;
    }
    const Number* num = nullptr;
    if (!trim(in.number).empty()) {
      auto e164 = parse_e164(in.number, "number");
      if (!e164) {
        fail(e164.error());
        continue;
      }
      // Seed: "Must be an Available number and not allocated to another organization".
      num = cc.number(number_id_of(*e164));
      if (!num || !cc.can_see(num->org)) {
        fail(make_error("number_not_found", "number", *e164 + " is not in the number inventory."));
        continue;
      }
      if (auto it = seen_numbers.find(num->id.value); it != seen_numbers.end()) {
        fail(make_error("duplicate_in_file", "number",
                        *e164 + " already appears on line " + std::to_string(it->second) +
                            " of this file."));
        continue;
      }
      if (num->org != c.org) {
        fail(make_error("number_not_in_org", "number",
                        *e164 + " is allocated to " +
                            (cc.can_see(num->org) ? org_name(cc, num->org) : "another organization") +
                            ", not " + org_name(cc, c.org) + "."));
        continue;
      }
      if (num->state != NumberState::kAvailable) {
        fail(make_error("number_not_available", "number",
                        *e164 + " is " + std::string(number_state_label(num->state)) +
                            ", not Available."));
        continue;
      }
    }
    // Each row needs an available number for its own number and, with Import & Invite and no
    // number, one for the user to choose at activation; waiting invitations keep theirs.
    const std::int64_t needed = (num ? 1 : 0) + (invite && !num ? 1 : 0);
    if (needed > 0 && cc.capacity(c.org) < needed) {
      fail(make_error(invite ? "no_numbers_available" : "pool_exhausted",
                      num ? "number" : "invite_address",
                      "No Available number is left in " + org_name(cc, c.org) + " for this " +
                          (invite ? "invitation" : "account") + "."));
      continue;
    }

    a.status = invite ? AccountStatus::kInvited : AccountStatus::kNotInvited;
    if (num) {
      Number n = *num;
      a.number = n.e164;
      n.account = a.id;
      n.state = number_state_for(&a, n.tag);
      cc.put(n);
      seen_numbers.emplace(n.id.value, row.line);
    }
    if (invite) {
      const Invitation inv = make_invitation(cc, a);
      a.invitation = inv.id;
      a.invitation_sent_ms = cc.ctx.now_ms;
      ++record.invitations;
    }
    cc.put(a);
    seen_ids.emplace(id_key, row.line);
    seen_addresses.emplace(a.invite_address, row.line);
    row.status = RowStatus::kOk;
    row.account = a.id;
    ++record.rows_imported;
    if (!c.dry_run) {
      const Json after = to_json(a);
      cc.audit("add_account", a.org, "account " + a.account_id, nullptr, &after,
               std::string(invite ? "Imported and invited " : "Imported ") + a.account_id +
                   (a.number.empty() ? "" : " with " + a.number) + " (batch " + c.file_name +
                   ", line " + std::to_string(row.line) + ").");
    }
    report.rows.push_back(std::move(row));
  }

  Json summary{{"batch", c.dry_run ? 0 : record.id.value},
               {"dry_run", c.dry_run},
               {"rows_total", record.rows_total},
               {"rows_ok", record.rows_imported},
               {"rows_failed", record.rows_failed},
               {"rows_skipped", record.rows_skipped},
               {"invitations", record.invitations},
               {"unknown_columns", layout.unknown_columns}};
  if (c.dry_run) {
    // Nothing is committed: drop every effect, keep only the report.
    cc.discard_effects();
    summary["report"] = to_json(report);
    cc.changes().result = std::move(summary);
    cc.changes().report = std::move(report);
    return {};
  }
  cc.put(record);
  cc.changes().report = std::move(report);
  if (effective_bool(cc.state.orgs(), c.org, policy::kBatchNotifications)) {
    Notification note;
    note.kind = Notification::Kind::kBatchSummary;
    note.org = c.org;
    note.batch = record.id;
    cc.changes().notifications.push_back(note);
  }
  const Json after = to_json(record);
  cc.audit("import_batch", c.org, "batch " + c.file_name, nullptr, &after,
           std::string(batch_mode_label(c.mode)) + " of " + c.file_name + " into " +
               org_name(cc, c.org) + ": " + std::to_string(record.rows_imported) + " imported, " +
               std::to_string(record.rows_failed) + " failed.");
  cc.changes().result = std::move(summary);
  return {};
}

}  // namespace linedesk::commands
