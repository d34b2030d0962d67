// CSV reading (Excel-lenient RFC 4180) and writing with formula neutralisation.
#include "csv.hpp"

#include <algorithm>
#include <utility>

#include "text.hpp"

namespace linedesk {

namespace {

constexpr std::string_view kBom = "\xEF\xBB\xBF";

bool is_line_break(char c) {
  return c == '\r' || c == '\n';
}

// The characters a spreadsheet may treat as the start of a formula (or, for TAB and CR, that
// some tools strip before evaluating what follows).
bool is_formula_trigger(char c) {
  return c == '=' || c == '+' || c == '-' || c == '@' || c == '\t' || c == '\r';
}

// Length of ^'*[=+\-@\t\r] in `value`, or 0 when it does not match.
std::size_t formula_prefix(std::string_view value) {
  std::size_t i = 0;
  while (i < value.size() && value[i] == '\'') ++i;
  return i < value.size() && is_formula_trigger(value[i]) ? i + 1 : 0;
}

std::string line_field(std::size_t line) {
  return "line " + std::to_string(line);
}

std::string line_prefix(std::size_t line) {
  return "Line " + std::to_string(line) + ": ";
}

std::string describe_bytes(std::size_t bytes) {
  constexpr std::size_t kKb = 1024;
  if (bytes >= kKb * kKb && bytes % (kKb * kKb) == 0) {
    return std::to_string(bytes / (kKb * kKb)) + " MB";
  }
  if (bytes >= kKb && bytes % kKb == 0) return std::to_string(bytes / kKb) + " KB";
  return std::to_string(bytes) + " bytes";
}

// Physical line (1-based) of the first malformed UTF-8 sequence in `text`. UTF-8 lead and
// continuation bytes are never CR or LF, so validating line by line finds the same fault.
std::size_t first_non_utf8_line(std::string_view text) {
  std::size_t line = 1;
  std::size_t start = 0;
  for (std::size_t i = 0; i < text.size(); ++i) {
    const char c = text[i];
    if (!is_line_break(c)) continue;
    if (!is_valid_utf8(text.substr(start, i - start))) return line;
    if (c == '\r' && i + 1 < text.size() && text[i + 1] == '\n') ++i;
    ++line;
    start = i + 1;
  }
  return line;
}

// Counts candidate separators outside quotes in the first non-empty record. Quotes only open
// at the start of a field, as in the parser, so an inch mark in `5" screen` does not hide the
// rest of the line.
char detect_delimiter(std::string_view text) {
  std::size_t pos = 0;
  const std::size_t n = text.size();
  while (pos < n && is_line_break(text[pos])) ++pos;
  std::size_t commas = 0;
  std::size_t semicolons = 0;
  std::size_t tabs = 0;
  bool in_quotes = false;
  bool field_start = true;
  for (; pos < n; ++pos) {
    const char c = text[pos];
    if (in_quotes) {
      if (c == '"') {
        if (pos + 1 < n && text[pos + 1] == '"') {
          ++pos;
        } else {
          in_quotes = false;
        }
      }
      continue;
    }
    if (is_line_break(c)) break;
    if (c == '"' && field_start) {
      in_quotes = true;
      field_start = false;
      continue;
    }
    field_start = c == ',' || c == ';' || c == '\t';
    if (c == ',') ++commas;
    if (c == ';') ++semicolons;
    if (c == '\t') ++tabs;
  }
  if (semicolons > commas) return ';';
  if (tabs > commas && tabs > semicolons) return '\t';
  return ',';
}

// One pass over the text after BOM removal, delimiter known and UTF-8 already checked. Each
// step returns false after storing the error.
class CsvParser {
 public:
  CsvParser(std::string_view text, char delimiter, const CsvReadOptions& options)
      : text_(text), delimiter_(delimiter), options_(options) {}

  bool parse(CsvDocument& doc) {
    std::size_t width = 0;
    while (pos_ < text_.size()) {
      if (doc.rows.size() >= options_.max_rows) {
        error_ = make_error("csv_too_many_rows", "",
                            "The file has more than " + std::to_string(options_.max_rows) +
                                " rows. Split it into smaller files and upload them one by one.");
        return false;
      }
      CsvRow& row = doc.rows.emplace_back();
      row.cells.reserve(width);
      if (!parse_row(row)) return false;
      width = row.cells.size();
    }
    doc.crlf = crlf_;
    return true;
  }

  Error take_error() { return std::move(error_); }

 private:
  bool parse_row(CsvRow& row) {
    row.line = line_;
    for (;;) {
      std::string& cell = row.cells.emplace_back();
      const bool ok =
          pos_ < text_.size() && text_[pos_] == '"' ? parse_quoted(cell) : parse_plain(cell);
      if (!ok) return false;
      if (pos_ >= text_.size()) return true;
      if (text_[pos_] == delimiter_) {
        ++pos_;
        continue;
      }
      end_record();
      return true;
    }
  }

  // Leaves pos_ on the delimiter, the line break or the end.
  bool parse_plain(std::string& cell) {
    const std::size_t start = pos_;
    const std::size_t n = text_.size();
    while (pos_ < n) {
      const char c = text_[pos_];
      if (c == delimiter_ || c == '\r' || c == '\n') break;
      ++pos_;
    }
    if (pos_ - start > options_.max_cell_bytes) return cell_too_long(line_);
    cell.assign(text_.data() + start, pos_ - start);
    return true;
  }

  // pos_ is on the opening quote; leaves pos_ just after the closing quote.
  bool parse_quoted(std::string& cell) {
    const std::size_t start_line = line_;
    ++pos_;
    for (;;) {
      const std::size_t quote = text_.find('"', pos_);
      if (quote == std::string_view::npos) {
        error_ = make_error("csv_unterminated_quote", line_field(start_line),
                            line_prefix(start_line) +
                                "a quoted value starts here but its closing quote is missing.");
        return false;
      }
      const std::size_t length = quote - pos_;
      if (cell.size() + length > options_.max_cell_bytes) return cell_too_long(start_line);
      count_breaks(pos_, quote);
      cell.append(text_.data() + pos_, length);
      pos_ = quote + 1;
      if (pos_ < text_.size() && text_[pos_] == '"') {
        // One byte over the limit here is caught by the size check of the next chunk.
        cell.push_back('"');
        ++pos_;
        continue;
      }
      break;
    }
    if (pos_ < text_.size()) {
      const char c = text_[pos_];
      if (c != delimiter_ && !is_line_break(c)) {
        error_ = make_error("csv_bad_quote", line_field(line_),
                            line_prefix(line_) +
                                "a quoted value is followed by other characters before the "
                                "next separator.");
        return false;
      }
    }
    return true;
  }

  // Line breaks inside a quoted cell still advance the physical line number.
  void count_breaks(std::size_t from, std::size_t to) {
    for (std::size_t i = from; i < to; ++i) {
      const char c = text_[i];
      if (c == '\n' || (c == '\r' && (i + 1 >= text_.size() || text_[i + 1] != '\n'))) ++line_;
    }
  }

  // pos_ is on CR or LF.
  void end_record() {
    bool is_crlf = false;
    if (text_[pos_] == '\r' && pos_ + 1 < text_.size() && text_[pos_ + 1] == '\n') {
      is_crlf = true;
      ++pos_;
    }
    ++pos_;
    ++line_;
    if (!seen_break_) {
      seen_break_ = true;
      crlf_ = is_crlf;
    }
  }

  bool cell_too_long(std::size_t line) {
    error_ = make_error("csv_cell_too_long", line_field(line),
                        line_prefix(line) + "a value is longer than " +
                            describe_bytes(options_.max_cell_bytes) + ".");
    return false;
  }

  std::string_view text_;
  char delimiter_;
  const CsvReadOptions& options_;
  std::size_t pos_ = 0;
  std::size_t line_ = 1;
  bool seen_break_ = false;
  bool crlf_ = false;
  Error error_;
};

}  // namespace

bool CsvRow::blank() const {
  return std::all_of(cells.begin(), cells.end(),
                     [](const std::string& c) { return trim(c).empty(); });
}

Result<CsvDocument> read_csv(std::string_view text, const CsvReadOptions& options) {
  if (text.size() > options.max_bytes) {
    return make_error("csv_too_large", "",
                      "The file is larger than " + describe_bytes(options.max_bytes) +
                          ". Split it into smaller files and upload them one by one.");
  }
  if (options.delimiter == '"' || is_line_break(options.delimiter)) {
    return make_error("csv_bad_delimiter", "delimiter",
                      "A quote or a line break cannot be used as the separator.");
  }
  CsvDocument doc;
  if (text.substr(0, kBom.size()) == kBom) {
    text.remove_prefix(kBom.size());
    doc.had_bom = true;
  }
  if (!is_valid_utf8(text)) {
    const std::size_t line = first_non_utf8_line(text);
    return make_error(
        "csv_not_utf8", line_field(line),
        line_prefix(line) +
            "the file is not UTF-8 text, so accented letters would be garbled. In Excel, use "
            "File > Save As, choose the type \"CSV UTF-8 (Comma delimited)\", and upload that "
            "file.");
  }
  doc.delimiter = options.delimiter != 0 ? options.delimiter : detect_delimiter(text);
  CsvParser parser(text, doc.delimiter, options);
  if (!parser.parse(doc)) return parser.take_error();
  return doc;
}

CsvWriter::CsvWriter(CsvWriteOptions options) : options_(options) {
  if (options_.delimiter == '"' || is_line_break(options_.delimiter)) options_.delimiter = ',';
  start();
}

void CsvWriter::start() {
  if (options_.bom) out_.append(kBom);
  row_has_cells_ = false;
}

void CsvWriter::reserve(std::size_t bytes) {
  out_.reserve(bytes);
}

CsvWriter& CsvWriter::cell(std::string_view value) {
  if (row_has_cells_) out_.push_back(options_.delimiter);
  row_has_cells_ = true;
  if (value.empty()) return *this;

  const bool apostrophe = options_.neutralize_formulas && formula_prefix(value) != 0;
  auto is_edge_space = [](char c) { return c == ' ' || c == '\t'; };
  // With the apostrophe in front the written text no longer starts with the value's first
  // character. A leading U+FEFF is quoted: first in a file, a reader would drop it as the BOM.
  bool quote = (!apostrophe && is_edge_space(value.front())) || is_edge_space(value.back()) ||
               value.substr(0, kBom.size()) == kBom;
  bool has_quote_char = false;
  const char delimiter = options_.delimiter;
  for (const char c : value) {
    if (c == delimiter || c == '\r' || c == '\n') quote = true;
    if (c == '"') has_quote_char = true;
  }
  quote = quote || has_quote_char;

  if (quote) out_.push_back('"');
  if (apostrophe) out_.push_back('\'');
  if (has_quote_char) {
    std::size_t from = 0;
    for (;;) {
      const std::size_t q = value.find('"', from);
      if (q == std::string_view::npos) break;
      out_.append(value.data() + from, q + 1 - from);
      out_.push_back('"');
      from = q + 1;
    }
    out_.append(value.data() + from, value.size() - from);
  } else {
    out_.append(value);
  }
  if (quote) out_.push_back('"');
  return *this;
}

CsvWriter& CsvWriter::end_row() {
  if (options_.crlf) {
    out_.append("\r\n", 2);
  } else {
    out_.push_back('\n');
  }
  row_has_cells_ = false;
  return *this;
}

CsvWriter& CsvWriter::row(std::initializer_list<std::string_view> cells) {
  for (const std::string_view c : cells) cell(c);
  return end_row();
}

CsvWriter& CsvWriter::row(const std::vector<std::string>& cells) {
  for (const std::string& c : cells) cell(c);
  return end_row();
}

std::string CsvWriter::take() {
  std::string out = std::move(out_);
  out_ = std::string();
  start();
  return out;
}

std::string neutralize_formula(std::string_view value) {
  if (formula_prefix(value) == 0) return std::string(value);
  std::string out;
  out.reserve(value.size() + 1);
  out.push_back('\'');
  out.append(value);
  return out;
}

std::string restore_formula(std::string_view value) {
  const std::size_t prefix = formula_prefix(value);
  // At least one apostrophe before the trigger: this is what neutralize_formula produced.
  if (prefix >= 2) value.remove_prefix(1);
  return std::string(value);
}

}  // namespace linedesk
