// Fuzz target: the CSV reader (shared/csv.cpp) as uploads use it, with the readers built on it:
// the batch import's header and rows (shared/batch_csv.cpp) and the numbers file
// (shared/exports.cpp). Besides "no crash, no sanitizer report", it checks that what the reader
// accepts survives the writer (plain and formula-neutralised) and that the size limits only
// refuse, never change, a document.
#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>

#include "fuzz_check.hpp"
#include "shared/batch_csv.hpp"
#include "shared/csv.hpp"
#include "shared/exports.hpp"
#include "shared/text.hpp"

using namespace linedesk;

namespace {

bool starts_with_formula_trigger(const std::string& s) {
  if (s.empty()) return false;
  const char c = s.front();
  return c == '=' || c == '+' || c == '-' || c == '@' || c == '\t' || c == '\r';
}

// Every refusal is a sentence an administrator reads (sent as JSON): valid UTF-8, with a code.
void check_error(const Error& e) {
  FUZZ_CHECK(!e.code.empty(), "an error has a code");
  FUZZ_CHECK(!e.message.empty(), "an error has a message");
  FUZZ_CHECK(is_valid_utf8(e.message) && is_valid_utf8(e.field), "an error is UTF-8 text");
}

// The text a document is written as, with the options it was read with.
std::string write(const CsvDocument& doc, bool neutralize) {
  CsvWriter w(CsvWriteOptions{doc.delimiter, doc.crlf, neutralize, doc.had_bom});
  for (const CsvRow& row : doc.rows) w.row(row.cells);
  return w.take();
}

CsvReadOptions with_delimiter(char delimiter) {
  CsvReadOptions o;
  o.delimiter = delimiter;
  return o;
}

void check_round_trips(const CsvDocument& doc) {
  // Plain: the same cells, lines, delimiter, BOM and line-break style.
  auto plain = read_csv(write(doc, false), with_delimiter(doc.delimiter));
  FUZZ_CHECK(plain, "the writer's text parses");
  FUZZ_CHECK(*plain == doc, "write(read(x)) reads back as the same document");

  // Neutralised (as exports write): nothing starts a formula, and restore_formula undoes it.
  auto safe = read_csv(write(doc, true), with_delimiter(doc.delimiter));
  FUZZ_CHECK(safe, "the neutralised text parses");
  FUZZ_CHECK(safe->rows.size() == doc.rows.size(), "neutralising keeps the rows");
  for (std::size_t r = 0; r < doc.rows.size(); ++r) {
    const CsvRow& got = safe->rows[r];
    const CsvRow& want = doc.rows[r];
    FUZZ_CHECK(got.line == want.line && got.cells.size() == want.cells.size(),
               "neutralising keeps lines and cells");
    for (std::size_t c = 0; c < want.cells.size(); ++c) {
      FUZZ_CHECK(!starts_with_formula_trigger(got.cells[c]), "a neutralised cell starts no formula");
      FUZZ_CHECK(restore_formula(got.cells[c]) == want.cells[c], "restore_formula undoes it");
    }
  }
}

// Limits refuse a document that exceeds them and otherwise read it exactly as without them.
void check_limits(std::string_view text, const CsvDocument& doc) {
  CsvReadOptions small;
  small.max_rows = 8;
  small.max_cell_bytes = 16;
  auto limited = read_csv(text, small);
  bool within = doc.rows.size() <= small.max_rows;
  for (const CsvRow& row : doc.rows) {
    for (const std::string& cell : row.cells) within = within && cell.size() <= small.max_cell_bytes;
  }
  if (within) {
    FUZZ_CHECK(limited && *limited == doc, "limits do not change a document within them");
  } else {
    FUZZ_CHECK(!limited, "a document over the limits is refused");
    const std::string& code = limited.error().code;
    FUZZ_CHECK(code == "csv_too_many_rows" || code == "csv_cell_too_long",
               "a document over the limits is refused for its size");
    check_error(limited.error());
  }
}

// The batch import's reading of a file, as commands_batch.cpp drives it.
void check_batch(const CsvDocument& doc) {
  auto layout = read_batch_layout(doc);
  if (!layout) {
    check_error(layout.error());
    return;
  }
  FUZZ_CHECK(layout->header_row < doc.rows.size(), "the header is a row of the file");
  FUZZ_CHECK(layout->fields.size() == layout->header.size(), "every header cell is mapped");
  FUZZ_CHECK(layout->column_of(BatchField::kInviteAddress), "the address column is mandatory");
  for (std::size_t r = layout->header_row + 1; r < doc.rows.size(); ++r) {
    const CsvRow& row = doc.rows[r];
    if (row.blank() || is_note_row(row)) continue;
    const BatchRowInput in = read_batch_row(*layout, row);
    if (in.error) {
      check_error(*in.error);
      continue;
    }
    FUZZ_CHECK(in.fields.invite_address && !in.fields.invite_address->empty(),
               "an accepted row has an address");
    FUZZ_CHECK(in.fields.social_messaging && in.fields.monitor_calls && in.fields.monitor_messages,
               "an accepted row sets the mandatory choices");
    FUZZ_CHECK(in.fields.account_id.has_value(), "an accepted row has an Account ID");
  }
}

void check_numbers_file(std::string_view text, const CsvDocument& doc) {
  auto entries = number_entries_from_csv(text);
  FUZZ_CHECK(entries, "a numbers file that is valid CSV is read");
  FUZZ_CHECK(entries->size() <= doc.rows.size(), "at most one entry per row");
  for (const NumberEntry& e : *entries) FUZZ_CHECK(e.line >= 1, "an entry has its line");
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const std::string_view text(reinterpret_cast<const char*>(data), size);
  auto doc = read_csv(text);
  if (!doc) {
    check_error(doc.error());
    FUZZ_CHECK(!number_entries_from_csv(text), "the numbers reader refuses what read_csv refuses");
    return 0;
  }
  for (const CsvRow& row : doc->rows) {
    FUZZ_CHECK(!row.cells.empty(), "a row has at least one cell");
    for (const std::string& cell : row.cells) FUZZ_CHECK(is_valid_utf8(cell), "cells are UTF-8");
  }
  check_round_trips(*doc);
  check_limits(text, *doc);
  check_batch(*doc);
  check_numbers_file(text, *doc);
  return 0;
}
