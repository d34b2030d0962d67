// CSV reader and writer: the file variants Excel produces, every error class, quoting, and a
// seeded round trip through formula neutralisation.
#include <catch2/catch.hpp>

#include <cstdint>
#include <string>
#include <vector>

#include "shared/csv.hpp"

using namespace linedesk;

namespace {

using Cells = std::vector<std::vector<std::string>>;

Cells cells_of(const CsvDocument& doc) {
  Cells out;
  for (const auto& row : doc.rows) out.push_back(row.cells);
  return out;
}

std::vector<std::size_t> lines_of(const CsvDocument& doc) {
  std::vector<std::size_t> out;
  for (const auto& row : doc.rows) out.push_back(row.line);
  return out;
}

std::vector<bool> blanks_of(const CsvDocument& doc) {
  std::vector<bool> out;
  for (const auto& row : doc.rows) out.push_back(row.blank());
  return out;
}

bool starts_with_formula_trigger(const std::string& s) {
  if (s.empty()) return false;
  const char c = s.front();
  return c == '=' || c == '+' || c == '-' || c == '@' || c == '\t' || c == '\r';
}

// splitmix64: a fixed, portable sequence so failures reproduce on every platform.
class SplitMix {
 public:
  explicit SplitMix(std::uint64_t seed) : state_(seed) {}
  std::uint64_t next() {
    std::uint64_t z = (state_ += 0x9E3779B97F4A7C15ULL);
    z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ULL;
    z = (z ^ (z >> 27)) * 0x94D049BB133111EBULL;
    return z ^ (z >> 31);
  }
  std::size_t below(std::size_t n) { return static_cast<std::size_t>(next() % n); }

 private:
  std::uint64_t state_;
};

// Values built from the characters that break naive CSV code and trigger formulas.
std::string adversarial_value(SplitMix& rng) {
  static const std::vector<std::string> kPieces = {
      "=", "+", "-", "@", "'", "''", "\"", "\"\"", ",", ";", "\t", "\r", "\n", "\r\n", " ",
      "a", "Zoë", "é", "Ελλάδα", "Müller", "\xF0\x9F\x98\x80", "\xF0\x9D\x84\x9E", "42", "SUM(A1)"};
  if (rng.below(10) == 0) return {};
  std::string out;
  const std::size_t pieces = 1 + rng.below(8);
  for (std::size_t i = 0; i < pieces; ++i) out += kPieces[rng.below(kPieces.size())];
  return out;
}

}  // namespace

// Seed: administrators upload CSV files saved by Excel; every variant Excel writes must read
// the same way.
TEST_CASE("read_csv reads the file variants Excel and other tools write") {
  struct Case {
    const char* name;
    std::string input;
    Cells rows;
    std::vector<std::size_t> lines;
    char delimiter = ',';
    bool had_bom = false;
    bool crlf = false;
  };
  const std::vector<Case> cases = {
      {"no BOM, CRLF", "name,number\r\nZoë,+4930123\r\n",
       {{"name", "number"}, {"Zoë", "+4930123"}}, {1, 2}, ',', false, true},
      {"BOM, CRLF", "\xEF\xBB\xBFname,number\r\nZoë,1\r\n",
       {{"name", "number"}, {"Zoë", "1"}}, {1, 2}, ',', true, true},
      {"LF", "a,b\nc,d\n", {{"a", "b"}, {"c", "d"}}, {1, 2}},
      {"CR only (old Mac Excel)", "a,b\rc,d\r", {{"a", "b"}, {"c", "d"}}, {1, 2}},
      {"no final line break", "a,b\r\nc,d", {{"a", "b"}, {"c", "d"}}, {1, 2}, ',', false, true},
      {"quoted comma", "\"Müller, Jan\",1\n", {{"Müller, Jan", "1"}}, {1}},
      {"doubled quotes", "\"say \"\"hi\"\"\",\"\"\"\"\n", {{"say \"hi\"", "\""}}, {1}},
      {"empty quoted cell", "\"\",x\n", {{"", "x"}}, {1}},
      {"quoted cell at end of input", "a,\"b\"", {{"a", "b"}}, {1}},
      {"quoted CRLF kept as CRLF", "\"line1\r\nline2\",x\r\nnext,y\r\n",
       {{"line1\r\nline2", "x"}, {"next", "y"}}, {1, 3}, ',', false, true},
      {"quoted LF in a CRLF file (Alt+Enter)", "\"a\nb\",c\r\nd,e\r\n",
       {{"a\nb", "c"}, {"d", "e"}}, {1, 3}, ',', false, true},
      {"quoted CR in a CR file", "\"a\rb\",c\rd,e", {{"a\rb", "c"}, {"d", "e"}}, {1, 3}},
      {"two newlines in a cell move the next row two lines down",
       "h1,h2\n\"a\nb\nc\",x\nnext,y\n", {{"h1", "h2"}, {"a\nb\nc", "x"}, {"next", "y"}},
       {1, 2, 5}},
      {"semicolons (European Excel)", "Name;Nummer\r\nZoë;+49 30 1\r\n",
       {{"Name", "Nummer"}, {"Zoë", "+49 30 1"}}, {1, 2}, ';', false, true},
      {"semicolons with commas inside quotes", "\"Name, full\";\"City, country\";\"a,b,c\"\n1;2;3\n",
       {{"Name, full", "City, country", "a,b,c"}, {"1", "2", "3"}}, {1, 2}, ';'},
      {"semicolon detection skips leading empty lines", "\n\na;b\n",
       {{""}, {""}, {"a", "b"}}, {1, 2, 3}, ';'},
      {"tabs", "a\tb\tc\n1\t2\t3\n", {{"a", "b", "c"}, {"1", "2", "3"}}, {1, 2}, '\t'},
      {"commas inside a tab file stay in the cell", "a, b\tc\td\n", {{"a, b", "c", "d"}}, {1},
       '\t'},
      {"accented names byte-exact", "Zoë,Müller,Ελλάδα,\xF0\x9F\x98\x80\n",
       {{"Zoë", "Müller", "Ελλάδα", "\xF0\x9F\x98\x80"}}, {1}},
      {"rows of different lengths", "a,b,c\nd\ne,f,\n",
       {{"a", "b", "c"}, {"d"}, {"e", "f", ""}}, {1, 2, 3}},
      {"quote inside an unquoted cell is kept", "5\" screen,x\n", {{"5\" screen", "x"}}, {1}},
      {"cells are not trimmed", " a , b \n", {{" a ", " b "}}, {1}},
      {"empty input", "", {}, {}},
      {"BOM only", "\xEF\xBB\xBF", {}, {}, ',', true},
  };
  for (const auto& c : cases) {
    CAPTURE(c.name);
    const auto doc = read_csv(c.input);
    REQUIRE(doc);
    CHECK(cells_of(*doc) == c.rows);
    CHECK(lines_of(*doc) == c.lines);
    CHECK(doc->delimiter == c.delimiter);
    CHECK(doc->had_bom == c.had_bom);
    CHECK(doc->crlf == c.crlf);
  }
}

TEST_CASE("trailing empty rows are kept as blank rows") {
  const auto doc = read_csv("a,b\r\n,\r\n \t, \r\n\r\n");
  REQUIRE(doc);
  CHECK(cells_of(*doc) == Cells{{"a", "b"}, {"", ""}, {" \t", " "}, {""}});
  CHECK(blanks_of(*doc) == std::vector<bool>{false, true, true, true});
  CHECK(lines_of(*doc) == std::vector<std::size_t>{1, 2, 3, 4});
}

TEST_CASE("an explicit delimiter overrides detection") {
  CsvReadOptions options;
  options.delimiter = ',';
  const auto doc = read_csv("a;b;c,d\n", options);
  REQUIRE(doc);
  CHECK(cells_of(*doc) == Cells{{"a;b;c", "d"}});
  CHECK(doc->delimiter == ',');
}

// Seed: an upload that cannot be read is refused with the line to fix, never half-imported.
TEST_CASE("read_csv reports each error with its code and line") {
  auto with = [](auto set) {
    CsvReadOptions o;
    set(o);
    return o;
  };
  struct Case {
    const char* name;
    std::string input;
    CsvReadOptions options;
    std::string code;
    std::string field;
  };
  const std::vector<Case> cases = {
      {"text after a closing quote", "h\nx\ny\n\"ab\"cd,e\n", {}, "csv_bad_quote", "line 4"},
      {"space after a closing quote", "\"ab\" ,e\n", {}, "csv_bad_quote", "line 1"},
      {"text after a multi-line quoted cell", "h\n\"a\r\nb\"c\n", {}, "csv_bad_quote", "line 3"},
      {"unterminated quote names the line it opened", "a,b\n\"open,c\nd\n", {},
       "csv_unterminated_quote", "line 2"},
      {"Windows-1252 é", "name\nRen\xE9\n", {}, "csv_not_utf8", "line 2"},
      {"Windows-1252 after a BOM and CR lines", "\xEF\xBB\xBF" "a\rb\rM\xFC" "ller\r", {},
       "csv_not_utf8", "line 3"},
      {"UTF-16 (Excel 'Unicode Text')", std::string("\xFF\xFE" "a\0", 4), {}, "csv_not_utf8",
       "line 1"},
      {"too large", "0123456789,", with([](CsvReadOptions& o) { o.max_bytes = 10; }),
       "csv_too_large", ""},
      {"too many rows", "a\nb\nc\n", with([](CsvReadOptions& o) { o.max_rows = 2; }),
       "csv_too_many_rows", ""},
      {"blank rows count too", "a\nb\n\n", with([](CsvReadOptions& o) { o.max_rows = 2; }),
       "csv_too_many_rows", ""},
      {"plain cell too long", "abcd\nabcd,abcde\n",
       with([](CsvReadOptions& o) { o.max_cell_bytes = 4; }), "csv_cell_too_long", "line 2"},
      {"quoted cell too long once unescaped", "\"ab\"\"cd\"\n",
       with([](CsvReadOptions& o) { o.max_cell_bytes = 4; }), "csv_cell_too_long", "line 1"},
      {"quoted cell one byte too long at a doubled quote", "\"abcd\"\"\"\n",
       with([](CsvReadOptions& o) { o.max_cell_bytes = 4; }), "csv_cell_too_long", "line 1"},
      {"multi-line cell too long names its first line", "x\n\"ab\ncdef\"\n",
       with([](CsvReadOptions& o) { o.max_cell_bytes = 4; }), "csv_cell_too_long", "line 2"},
      {"quote as delimiter", "a\n", with([](CsvReadOptions& o) { o.delimiter = '"'; }),
       "csv_bad_delimiter", "delimiter"},
  };
  for (const auto& c : cases) {
    CAPTURE(c.name);
    const auto doc = read_csv(c.input, c.options);
    REQUIRE_FALSE(doc);
    CHECK(doc.error().code == c.code);
    CHECK(doc.error().field == c.field);
    CHECK_FALSE(doc.error().message.empty());
  }
}

TEST_CASE("error messages are sentences for the administrator") {
  CHECK(read_csv("h\nx\ny\n\"ab\"cd,e\n").error().message ==
        "Line 4: a quoted value is followed by other characters before the next separator.");
  CHECK(read_csv("a\n\"open\n").error().message ==
        "Line 2: a quoted value starts here but its closing quote is missing.");
  const auto not_utf8 = read_csv("name\nRen\xE9\n").error().message;
  CHECK(not_utf8.rfind("Line 2: ", 0) == 0);
  CHECK(not_utf8.find("\"CSV UTF-8") != std::string::npos);

  CsvReadOptions small;
  small.max_bytes = 2 * 1024 * 1024;
  small.max_rows = 3;
  small.max_cell_bytes = 1024;
  CHECK(read_csv(std::string(small.max_bytes + 1, 'a'), small).error().message ==
        "The file is larger than 2 MB. Split it into smaller files and upload them one by one.");
  CHECK(read_csv("a\nb\nc\nd\n", small).error().message ==
        "The file has more than 3 rows. Split it into smaller files and upload them one by one.");
  CHECK(read_csv(std::string(1025, 'a'), small).error().message ==
        "Line 1: a value is longer than 1 KB.");
}

TEST_CASE("limits are inclusive") {
  CsvReadOptions o;
  o.max_bytes = 10;
  o.max_rows = 2;
  o.max_cell_bytes = 3;
  CHECK(read_csv("abc\n\"d\"\"\"\n", o));  // 10 bytes, 2 rows, cells of 3 and 2 bytes
}

// Seed: exports open in Excel and spreadsheets keep every value exactly.
TEST_CASE("the writer quotes only cells that need it") {
  struct Case {
    std::string value;
    std::string written;
  };
  const std::vector<Case> cases = {
      {"plain", "plain"},
      {"", ""},
      {"mid dle", "mid dle"},
      {"Zoë Müller", "Zoë Müller"},
      {"a;b", "a;b"},
      {"a,b", "\"a,b\""},
      {"say \"hi\"", "\"say \"\"hi\"\"\""},
      {"\"", "\"\"\"\""},
      {"a\nb", "\"a\nb\""},
      {"a\r\nb", "\"a\r\nb\""},
      {"a\rb", "\"a\rb\""},
      {" lead", "\" lead\""},
      {"trail ", "\"trail \""},
      {"\tlead", "\"\tlead\""},
      {"trail\t", "\"trail\t\""},
      {"=SUM(A1)", "=SUM(A1)"},
  };
  for (const auto& c : cases) {
    CAPTURE(c.value);
    CsvWriteOptions o;
    o.crlf = false;
    o.neutralize_formulas = false;
    CsvWriter w(o);
    w.cell(c.value).end_row();
    CHECK(w.str() == c.written + "\n");
  }
}

TEST_CASE("the writer neutralises formulas before quoting") {
  struct Case {
    std::string value;
    std::string written;
  };
  const std::vector<Case> cases = {
      {"=SUM(A1)", "'=SUM(A1)"},
      {"+49 30 1234", "'+49 30 1234"},
      {"-5", "'-5"},
      {"@cmd", "'@cmd"},
      {"\tx", "'\tx"},        // the apostrophe is now first, so no leading-tab quoting
      {"\rx", "\"'\rx\""},    // CR still forces quoting
      {"'=x", "''=x"},
      {"=a,b", "\"'=a,b\""},
      {"=\"x\"", "\"'=\"\"x\"\"\""},
      {" =x", "\" =x\""},
      {"a=b", "a=b"},
      {"'", "'"},
  };
  for (const auto& c : cases) {
    CAPTURE(c.value);
    CsvWriteOptions o;
    o.crlf = false;
    CsvWriter w(o);
    w.cell(c.value).end_row();
    CHECK(w.str() == c.written + "\n");
  }
}

TEST_CASE("the writer ends rows with CRLF or LF and writes empty cells as nothing") {
  CsvWriter crlf;
  crlf.row({"a", "", "b"}).row({}).row({"", ""});
  CHECK(crlf.str() == "a,,b\r\n\r\n,\r\n");

  CsvWriteOptions o;
  o.crlf = false;
  CsvWriter lf(o);
  lf.row(std::vector<std::string>{"a", "b"}).cell("c").cell("d").end_row();
  CHECK(lf.str() == "a,b\nc,d\n");
}

TEST_CASE("the writer can start with a BOM and use semicolons") {
  CsvWriteOptions o;
  o.bom = true;
  o.delimiter = ';';
  CsvWriter w(o);
  CHECK(w.str() == "\xEF\xBB\xBF");
  w.row({"Name", "Ort"}).row({"Müller, Jan", "a;b"});
  CHECK(w.str() == "\xEF\xBB\xBFName;Ort\r\nMüller, Jan;\"a;b\"\r\n");

  const auto doc = read_csv(w.str());
  REQUIRE(doc);
  CHECK(doc->had_bom);
  CHECK(doc->delimiter == ';');
  CHECK(doc->crlf);
  CHECK(cells_of(*doc) == Cells{{"Name", "Ort"}, {"Müller, Jan", "a;b"}});
}

TEST_CASE("take moves the text out and restarts the writer") {
  CsvWriteOptions o;
  o.bom = true;
  CsvWriter w(o);
  w.row({"a"});
  CHECK(w.take() == "\xEF\xBB\xBF" "a\r\n");
  CHECK(w.str() == "\xEF\xBB\xBF");
  w.cell("b");
  CHECK(w.take() == "\xEF\xBB\xBF" "b");
}

// Seed: exported values come back unchanged when the file is imported again.
TEST_CASE("written values read back exactly after restoring formulas") {
  struct Variant {
    const char* name;
    char delimiter;
    bool crlf;
    bool bom;
  };
  const std::vector<Variant> variants = {
      {"comma, CRLF", ',', true, false},
      {"semicolon, LF, BOM", ';', false, true},
      {"tab, CRLF", '\t', true, false},
  };
  for (const auto& v : variants) {
    CAPTURE(v.name);
    SplitMix rng(0x11DE5C);
    Cells original;
    original.push_back({"number", "name", "note"});  // a header, as every export has
    std::size_t values = 0;
    while (values < 10000) {
      std::vector<std::string> row(1 + rng.below(7));
      for (auto& value : row) value = adversarial_value(rng);
      values += row.size();
      original.push_back(std::move(row));
    }

    CsvWriteOptions o;
    o.delimiter = v.delimiter;
    o.crlf = v.crlf;
    o.bom = v.bom;
    CsvWriter w(o);
    for (const auto& row : original) w.row(row);

    const auto doc = read_csv(w.str());
    REQUIRE(doc);
    CHECK(doc->delimiter == v.delimiter);
    CHECK(doc->crlf == v.crlf);
    CHECK(doc->had_bom == v.bom);
    REQUIRE(doc->rows.size() == original.size());
    std::size_t mismatches = 0;
    std::size_t triggers = 0;
    for (std::size_t r = 0; r < original.size(); ++r) {
      std::vector<std::string> restored;
      for (const auto& cell : doc->rows[r].cells) {
        if (starts_with_formula_trigger(cell)) ++triggers;
        restored.push_back(restore_formula(cell));
      }
      if (restored != original[r]) {
        if (mismatches == 0) {
          CAPTURE(r);
          CHECK(restored == original[r]);
        }
        ++mismatches;
      }
    }
    CHECK(mismatches == 0);
    CHECK(triggers == 0);
  }
}

TEST_CASE("neutralize_formula and restore_formula are inverses") {
  struct Case {
    std::string value;
    std::string neutralized;
  };
  const std::vector<Case> cases = {
      {"'=1", "''=1"}, {"''+2", "'''+2"}, {"=", "'="},   {"-", "'-"},
      {"a=b", "a=b"},  {"", ""},          {"'", "'"},    {"''", "''"},
      {"'a", "'a"},    {"@x", "'@x"},     {"\t", "'\t"}, {"\r\n", "'\r\n"},
      {" =1", " =1"},  {"\n=1", "\n=1"},
  };
  for (const auto& c : cases) {
    CAPTURE(c.value);
    const std::string n = neutralize_formula(c.value);
    CHECK(n == c.neutralized);
    CHECK_FALSE(starts_with_formula_trigger(n));
    CHECK(restore_formula(n) == c.value);
  }

  // restore only undoes what neutralize adds: an apostrophe run before a trigger.
  const std::vector<Case> restored = {
      {"'=1", "=1"}, {"''+2", "'+2"}, {"=1", "=1"}, {"'a", "'a"}, {"'", "'"}, {"", ""},
      {"'\t", "\t"}, {"@", "@"},
  };
  for (const auto& c : restored) {
    CAPTURE(c.value);
    CHECK(restore_formula(c.value) == c.neutralized);
  }

  SplitMix rng(7);
  for (int i = 0; i < 10000; ++i) {
    const std::string s = adversarial_value(rng);
    const std::string n = neutralize_formula(s);
    if (starts_with_formula_trigger(n) || restore_formula(n) != s) {
      CAPTURE(s);
      FAIL("neutralize/restore broke a value");
    }
  }
}
