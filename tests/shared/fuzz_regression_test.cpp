// Inputs that broke a property checked by the fuzz targets of fuzz/ (RELIABILITY.md,
// "Fuzzing"), minimised, each kept as a case so its fix stays.
#include <catch2/catch.hpp>

#include <string>
#include <vector>

#include "shared/csv.hpp"
#include "shared/json_io.hpp"
#include "shared/sync.hpp"

using namespace linedesk;

namespace {

const std::string kBom = "\xEF\xBB\xBF";

std::string write_plain(const CsvDocument& doc) {
  CsvWriter w(CsvWriteOptions{doc.delimiter, doc.crlf, false, doc.had_bom});
  for (const CsvRow& row : doc.rows) w.row(row.cells);
  return w.take();
}

}  // namespace

// csv_fuzz: a quoted first cell that starts with U+FEFF was written unquoted, and reading the
// text back removed it as the file's BOM.
TEST_CASE("a first cell that starts with a BOM survives writing and reading") {
  const std::vector<std::string> inputs = {
      "\"" + kBom + "\"",                               // minimised
      "\"" + kBom + "firstname\";lastname\r\n",         // a header as some editors save it
      kBom + "\"" + kBom + "Zo\xC3\xAB\",M\xC3\xBCller\n",  // the file's BOM, then a quoted one
  };
  for (const std::string& text : inputs) {
    CAPTURE(text);
    auto doc = read_csv(text);
    REQUIRE(doc);
    REQUIRE(doc->rows.front().cells.front().substr(0, kBom.size()) == kBom);
    CsvReadOptions same_delimiter;
    same_delimiter.delimiter = doc->delimiter;
    auto again = read_csv(write_plain(*doc), same_delimiter);
    REQUIRE(again);
    CHECK(*again == *doc);
  }
}

TEST_CASE("the writer quotes a cell that starts with a BOM, wherever it is") {
  CsvWriter w(CsvWriteOptions{',', false, false, false});
  w.row({kBom + "a", kBom});
  CHECK(w.str() == "\"" + kBom + "a\",\"" + kBom + "\"\n");
}

// sync_push_fuzz's answer decoding: an error member that is not text made Json::value throw
// out of the decoder (found while writing the target; the console reads these answers).
TEST_CASE("sync answers whose error members are not text are read without throwing") {
  const std::vector<std::string> push_answers = {
      R"({"last_seq":1,"error":{"code":5}})",
      R"({"last_seq":1,"error":{"code":"out_of_order","field":null,"message":["gap"]}})",
      R"({"last_seq":1,"results":[{"seq":1,"ok":false,"error":{"code":"x","message":false}}]})",
  };
  for (const std::string& text : push_answers) {
    CAPTURE(text);
    auto j = parse_json(text);
    REQUIRE(j);
    Result<PushResponse> answer = make_error("", "", "");
    REQUIRE_NOTHROW(answer = push_response_from_json(*j));
    REQUIRE(answer);
    CHECK(answer->last_seq == 1);
  }

  auto j = parse_json(R"({"version":3,"error":{"code":"version_mismatch","message":{}}})");
  REQUIRE(j);
  Result<PullResponse> pull = make_error("", "", "");
  REQUIRE_NOTHROW(pull = pull_response_from_json(*j));
  REQUIRE(pull);
  REQUIRE(pull->error);
  CHECK(pull->error->code == "version_mismatch");
  CHECK(pull->error->message.empty());
}
