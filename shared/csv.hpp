// CSV as Excel reads and writes it: a lenient RFC 4180 reader for administrators' uploads and
// a fast writer for exports, with formula-injection neutralisation that round-trips.
#pragma once

#include <cstddef>
#include <initializer_list>
#include <string>
#include <string_view>
#include <vector>

#include "result.hpp"

namespace linedesk {

struct CsvRow {
  std::vector<std::string> cells;
  // 1-based physical line of the input where the row starts (after BOM removal), counting
  // CRLF, LF and lone CR as one break each, including those inside quoted cells, so it matches
  // what a text editor shows.
  std::size_t line = 0;

  // True when every cell is empty after trimming ASCII whitespace (an empty line, or a line of
  // separators as Excel writes for cleared rows).
  bool blank() const;

  bool operator==(const CsvRow&) const = default;
};

struct CsvDocument {
  std::vector<CsvRow> rows;
  char delimiter = ',';
  bool had_bom = false;
  // True when the first record-ending line break (outside quotes) was CRLF.
  bool crlf = false;

  bool operator==(const CsvDocument&) const = default;
};

struct CsvReadOptions {
  std::size_t max_bytes = 16 * 1024 * 1024;  // larger input (BOM included) -> "csv_too_large"
  std::size_t max_rows = 200000;             // more rows -> "csv_too_many_rows"
  std::size_t max_cell_bytes = 64 * 1024;    // a longer cell (unescaped) -> "csv_cell_too_long"
  // 0 = detect from the first non-empty record: ';' if it has more ';' than ',' (European
  // Excel), else tab if it has more tabs than both, else ','. '"', CR and LF are refused with
  // "csv_bad_delimiter".
  char delimiter = 0;
};

// Parses RFC 4180 CSV as Excel writes it. Failures are returned, not thrown.
// - A leading UTF-8 BOM is removed. CRLF, LF and lone CR end a record outside quotes; inside
//   quotes they are kept verbatim in the cell.
// - A field starting with '"' is quoted: '""' is a literal quote, and the closing quote must
//   be followed by the delimiter, a line break or the end ("csv_bad_quote" otherwise). A quote
//   that never closes is "csv_unterminated_quote", naming the line where it opened. A '"'
//   inside an unquoted field is kept as is.
// - Input that is not UTF-8 is "csv_not_utf8" (the message tells the admin to save as
//   "CSV UTF-8").
// - Empty input gives no rows; a trailing line break adds no row; an empty line is a row with
//   one empty cell. Cells are not trimmed and rows may differ in length.
// Errors that point at a place have field "line N" and a message starting "Line N: ".
Result<CsvDocument> read_csv(std::string_view text, const CsvReadOptions& options = {});

struct CsvWriteOptions {
  char delimiter = ',';  // must not be '"', CR or LF; such a delimiter is replaced by ','
  bool crlf = true;      // RFC 4180 line endings
  bool neutralize_formulas = true;
  bool bom = false;  // prepend a UTF-8 BOM (helps Excel open UTF-8)
};

// Builds CSV text row by row. A cell is quoted (inner '"' doubled) when it contains the
// delimiter, '"', CR or LF, starts or ends with a space or tab, or starts with a UTF-8 BOM, so
// spreadsheet tools (and read_csv) keep it exactly. Neutralisation, when enabled, is applied
// before quoting. Empty cells are written as nothing. Every row, the last included, ends with
// a line break.
class CsvWriter {
 public:
  explicit CsvWriter(CsvWriteOptions options = {});

  // Capacity hint for the whole text (e.g. rows x estimated row size).
  void reserve(std::size_t bytes);

  CsvWriter& cell(std::string_view value);  // appends one cell to the current row
  CsvWriter& end_row();                     // ends the current row (a row of no cells is empty)
  CsvWriter& row(std::initializer_list<std::string_view> cells);  // cells + end_row
  CsvWriter& row(const std::vector<std::string>& cells);

  const std::string& str() const { return out_; }
  // Moves the text out and leaves the writer as newly constructed (BOM included if enabled).
  std::string take();

 private:
  void start();

  CsvWriteOptions options_;
  std::string out_;
  bool row_has_cells_ = false;
};

// Formula-injection neutralisation, as a pair of inverse functions.
// neutralize: if the value matches ^'*[=+\-@\t\r] (zero or more apostrophes, then one of
// = + - @ TAB CR), prepend one apostrophe; spreadsheets then show the text instead of
// evaluating it. restore: if the value matches ^'+[=+\-@\t\r], remove one leading apostrophe.
// restore_formula(neutralize_formula(s)) == s for every s, and neutralize_formula(s) never
// starts with = + - @ TAB or CR. Apostrophe runs are included so that a value that really
// starts with "'=" survives the round trip.
std::string neutralize_formula(std::string_view value);
std::string restore_formula(std::string_view value);

}  // namespace linedesk
