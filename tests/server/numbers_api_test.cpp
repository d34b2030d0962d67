// The number inventory over HTTP: import (CSV with or without a header, JSON, a CSV report),
// the inventory list and download, allocation along the tree, reservation with a tag, release,
// and a number's history.
#include <catch2/catch.hpp>

#include "test_support.hpp"

using namespace linedesk;
using namespace linedesk::test;

namespace {

struct Enterprise {
  TempDir dir;
  TestServer s{dir.file("db.sqlite")};
  std::string token = session_for(s, admin_id(s, kAdminEmail));
  OrgId root = s.root();

  Reply import_csv(const std::string& csv, const std::string& query = "") const {
    return s.request("POST", "/api/numbers/import" + query, csv, token, "text/csv");
  }
  Number number(const std::string& e164) const {
    return s.service().read([&](const State& st) {
      const Number* n = st.number(number_id_of(e164));
      if (!n) throw std::runtime_error("no number " + e164);
      return *n;
    });
  }
};

std::vector<std::string> e164s_in(const Reply& r) {
  std::vector<std::string> out;
  for (const Json& n : r.json["numbers"]) out.push_back(n["e164"].get<std::string>());
  return out;
}

}  // namespace

TEST_CASE("a numbers file with a number,tag header imports each row or says why not", "[numbers-api]") {
  Enterprise e;
  const std::string csv =
      "number,tag\r\n+1 555 010 0000,\r\n+15550100001,PORTED\r\nnot-a-number,\r\n+15550100000,\r\n"
      "+15550100002,bad/tag!\r\n\r\n";
  auto r = e.import_csv(csv);
  REQUIRE(r.status == 200);
  CHECK(r.json["imported"] == 2);
  CHECK(r.json["failed"] == 3);
  const Json& rows = r.json["rows"];
  REQUIRE(rows.size() == 5);
  CHECK(rows[0]["status"] == "imported");
  CHECK(rows[0]["number"] == "+15550100000");
  CHECK(rows[0]["line"] == 2);
  CHECK(rows[2]["code"] == "invalid_number");
  CHECK(rows[3]["code"] == "duplicate_in_file");
  CHECK(rows[3]["reason"].get<std::string>().find("first on line 2") != std::string::npos);
  CHECK(rows[4]["code"] == "invalid_tag");
  CHECK(e.number("+15550100000").state == NumberState::kAvailable);
  CHECK(e.number("+15550100000").org == e.root);
  CHECK(e.number("+15550100001").state == NumberState::kReserved);
  CHECK(e.number("+15550100001").tag == "PORTED");

  auto again = e.import_csv("number\n+15550100000\n");
  REQUIRE(again.status == 200);
  CHECK(again.json["imported"] == 0);
  CHECK(again.json["rows"][0]["code"] == "number_exists");
  auto audit = e.s.get("/api/reports/activity?action=import_numbers", e.token);
  CHECK(audit.json["total"] == 2);
}

TEST_CASE("a numbers file without a header, as Excel drops the plus sign, imports every line", "[numbers-api]") {
  Enterprise e;
  auto r = e.import_csv("15550200000\n15550200001\n'+15550200002\n");
  REQUIRE(r.status == 200);
  CHECK(r.json["imported"] == 3);
  CHECK(r.json["rows"][0]["line"] == 1);
  CHECK(e.number("+15550200002").e164 == "+15550200002");
}

TEST_CASE("numbers import as JSON and answers with a CSV report when asked", "[numbers-api]") {
  Enterprise e;
  auto json = e.s.post("/api/numbers/import",
                       Json{{"entries", {{{"number", "+15550300000"}}, {{"number", "+15550300001"}, {"tag", "VIP"}}}}},
                       e.token);
  REQUIRE(json.status == 200);
  CHECK(json.json["imported"] == 2);
  CHECK(e.number("+15550300001").tag == "VIP");

  auto report = e.import_csv("number\n+15550300002\n+15550300000\n", "?format=csv");
  REQUIRE(report.status == 200);
  CHECK(report.headers.find("Content-Disposition")->second.find("numbers-import-report.csv") != std::string::npos);
  CHECK(report.body.find("imported") != std::string::npos);
  CHECK(report.body.find(",failed,'+15550300000 is already in the inventory.") != std::string::npos);
  CHECK(report.body.find("'+15550300002") != std::string::npos);  // neutralised like every export
}

TEST_CASE("numbers import refusals", "[numbers-api]") {
  Enterprise e;
  struct Case {
    const char* rule;
    std::string body;
    std::string type;
    int status;
    const char* code;
  };
  for (const Case& c : std::vector<Case>{
           {"an empty file", "", "text/csv", 400, "missing_field"},
           {"only a header", "number,tag\n", "text/csv", 400, "missing_field"},
           {"a broken CSV", "number\n\"+1555", "text/csv", 400, "csv_unterminated_quote"},
           {"not UTF-8", "number\n+1555\xff\n", "text/csv", 400, "csv_not_utf8"},
           {"malformed JSON", "{\"entries\": [", "application/json", 400, "bad_json"},
           {"entries not a list", R"({"entries": 5})", "application/json", 400, "invalid_field"},
           {"an entry without a number", R"({"entries": [{"tag": "X"}]})", "application/json", 400, "missing_field"},
       }) {
    CAPTURE(c.rule);
    auto r = e.s.request("POST", "/api/numbers/import", c.body, e.token, c.type);
    CHECK(r.status == c.status);
    CHECK(r.code() == c.code);
  }
  CHECK(e.s.service().read([](const State& st) { return st.numbers().size(); }) == 0);
}

TEST_CASE("the inventory lists numbers by state, tag, digits and organization, paged", "[numbers-api]") {
  Enterprise e;
  const auto n = import_numbers(e.s, e.token, 15550400000, 8);
  const OrgId sales = create_org(e.s, e.token, e.root, "Sales");
  allocate_numbers(e.s, e.token, sales, {n[6], n[7]});
  REQUIRE(e.s.post("/api/numbers/reserve", Json{{"numbers", {n[1], n[2]}}, {"tag", "PORTED"}}, e.token).status == 200);
  add_account(e.s, e.token, e.root, account_fields("a-1", "Ana", "Bell", "ana@example.com"), false, n[3]);
  add_account(e.s, e.token, e.root, account_fields("b-1", "Ben", "Cole", "ben@example.com"), true, n[4]);

  struct Case {
    std::string query;
    std::int64_t total;
    std::vector<std::string> numbers;
  };
  for (const Case& c : std::vector<Case>{
           {"", 8, {n[0], n[1], n[2], n[3], n[4], n[5], n[6], n[7]}},
           {"state=available", 4, {n[0], n[5], n[6], n[7]}},
           {"state=reserved", 2, {n[1], n[2]}},
           {"state=pending_invitation", 1, {n[3]}},
           {"state=assigned", 1, {n[4]}},
           {"tag=ported", 2, {n[1], n[2]}},
           {"q=0400005", 1, {n[5]}},
           {"org=" + std::to_string(sales.value), 2, {n[6], n[7]}},
           {"state=available&suborgs=0", 2, {n[0], n[5]}},
           {"offset=2&limit=3", 8, {n[2], n[3], n[4]}},
       }) {
    CAPTURE(c.query);
    auto r = e.s.get("/api/numbers?" + c.query, e.token);
    REQUIRE(r.status == 200);
    CHECK(r.json["total"] == c.total);
    CHECK(e164s_in(r) == c.numbers);
  }
  auto assigned = e.s.get("/api/numbers?state=assigned", e.token);
  CHECK(assigned.json["numbers"][0]["account_id"] == "b-1");
  CHECK(assigned.json["numbers"][0]["account_name"] == "Ben Cole");
  CHECK(assigned.json["numbers"][0]["state_label"] == "Assigned");
  CHECK(e.s.get("/api/numbers?state=lost", e.token).status == 400);
  CHECK(e.s.get("/api/numbers?limit=x", e.token).status == 400);
  CHECK(e.s.get("/api/numbers?org=42", e.token).status == 404);
}

TEST_CASE("numbers are allocated down the tree and returned up; refusals name the rule", "[numbers-api]") {
  Enterprise e;
  const auto n = import_numbers(e.s, e.token, 15550500000, 5);
  const OrgId sales = create_org(e.s, e.token, e.root, "Sales");
  const OrgId europe = create_org(e.s, e.token, sales, "Europe");
  const OrgId ops = create_org(e.s, e.token, e.root, "Operations");

  auto by_count = e.s.post("/api/numbers/allocate", Json{{"to", sales.value}, {"count", 3}}, e.token);
  REQUIRE(by_count.status == 200);
  CHECK(by_count.json["result"]["moved"] == 3);
  CHECK(e.number(n[0]).org == sales);  // the lowest free numbers
  CHECK(e.number(n[2]).org == sales);
  CHECK(e.number(n[3]).org == e.root);

  auto down = e.s.post("/api/numbers/allocate", Json{{"to", europe.value}, {"numbers", {n[1]}}}, e.token);
  REQUIRE(down.status == 200);
  CHECK(e.number(n[1]).org == europe);
  auto up = e.s.post("/api/numbers/allocate",
                     Json{{"to", e.root.value}, {"from", europe.value}, {"numbers", {n[1]}}}, e.token);
  REQUIRE(up.status == 200);
  CHECK(e.number(n[1]).org == e.root);

  add_account(e.s, e.token, sales, account_fields("s-1", "Sam", "Sales", "sam@example.com"), false, n[0]);
  struct Case {
    const char* rule;
    Json body;
    int status;
    const char* code;
  };
  for (const Case& c : std::vector<Case>{
           {"more than the pool holds", Json{{"to", ops.value}, {"count", 10}}, 422, "not_enough_numbers"},
           {"across branches", Json{{"to", ops.value}, {"from", sales.value}, {"count", 1}}, 422, "not_along_tree"},
           {"an assigned number", Json{{"to", europe.value}, {"numbers", {n[0]}}}, 422, "number_in_use"},
           {"a number of another pool", Json{{"to", europe.value}, {"numbers", {n[4]}}}, 422, "number_not_in_org"},
           {"an unknown number", Json{{"to", ops.value}, {"numbers", {"+15559990000"}}}, 404, "number_not_found"},
           {"no count and no numbers", Json{{"to", ops.value}}, 400, "missing_field"},
           {"an unknown organization", Json{{"to", 4242}, {"count", 1}}, 404, "not_found"},
           {"numbers not a list", Json{{"to", ops.value}, {"numbers", "all"}}, 400, "invalid_field"},
       }) {
    CAPTURE(c.rule);
    auto r = e.s.post("/api/numbers/allocate", c.body, e.token);
    CHECK(r.status == c.status);
    CHECK(r.code() == c.code);
  }
}

TEST_CASE("numbers are reserved with a tag and released again", "[numbers-api]") {
  Enterprise e;
  const auto n = import_numbers(e.s, e.token, 15550600000, 3);
  auto reserved = e.s.post("/api/numbers/reserve", Json{{"numbers", {n[0], n[1]}}, {"tag", "PORTED"}}, e.token);
  REQUIRE(reserved.status == 200);
  CHECK(e.number(n[0]).state == NumberState::kReserved);
  CHECK(e.number(n[1]).tag == "PORTED");

  auto released = e.s.post("/api/numbers/release", Json{{"numbers", {n[0]}}}, e.token);
  REQUIRE(released.status == 200);
  CHECK(e.number(n[0]).state == NumberState::kAvailable);
  CHECK(e.number(n[0]).tag.empty());
  CHECK(e.number(n[1]).state == NumberState::kReserved);

  add_account(e.s, e.token, e.root, account_fields("r-1", "Rita", "Res", "rita@example.com"), false, n[2]);
  struct Case {
    const char* path;
    Json body;
    int status;
    const char* code;
  };
  for (const Case& c : std::vector<Case>{
           {"/api/numbers/reserve", Json{{"numbers", {n[0]}}}, 400, "missing_field"},
           {"/api/numbers/reserve", Json{{"numbers", {n[0]}}, {"tag", "no/slashes"}}, 400, "invalid_tag"},
           {"/api/numbers/reserve", Json{{"numbers", {n[2]}}, {"tag", "X"}}, 422, "number_in_use"},
           {"/api/numbers/reserve", Json{{"numbers", Json::array()}, {"tag", "X"}}, 400, "missing_field"},
           {"/api/numbers/reserve", Json{{"numbers", {"12"}}, {"tag", "X"}}, 400, "invalid_number"},
           {"/api/numbers/release", Json{{"numbers", {"+15559990000"}}}, 404, "number_not_found"},
           {"/api/numbers/release", Json{{"numbers", {1}}}, 400, "invalid_field"},
           {"/api/numbers/release", Json::object(), 400, "missing_field"},
       }) {
    CAPTURE(c.path, c.body.dump());
    auto r = e.s.post(c.path, c.body, e.token);
    CHECK(r.status == c.status);
    CHECK(r.code() == c.code);
  }
}

TEST_CASE("the inventory download lists the subtree's numbers with their state", "[numbers-api]") {
  Enterprise e;
  const auto n = import_numbers(e.s, e.token, 15550700000, 3);
  const OrgId sales = create_org(e.s, e.token, e.root, "Sales");
  allocate_numbers(e.s, e.token, sales, {n[2]});
  add_account(e.s, e.token, e.root, account_fields("csv-1", "Cleo", "Sv", "cleo@example.com"), false, n[0]);

  auto all = e.s.get("/api/numbers.csv", e.token);
  REQUIRE(all.status == 200);
  CHECK(all.headers.find("Content-Disposition")->second.rfind("attachment; filename=\"numbers-", 0) == 0);
  CHECK(all.body.find("'" + n[0]) != std::string::npos);
  CHECK(all.body.find("Pending invitation") != std::string::npos);
  CHECK(all.body.find("csv-1") != std::string::npos);
  CHECK(all.body.find("'" + n[2]) != std::string::npos);

  auto just_sales = e.s.get("/api/numbers.csv?org=" + std::to_string(sales.value), e.token);
  REQUIRE(just_sales.status == 200);
  CHECK(just_sales.body.find(n[2]) != std::string::npos);
  CHECK(just_sales.body.find(n[0]) == std::string::npos);
}

TEST_CASE("a number's history lists who held it and when", "[numbers-api]") {
  Enterprise e;
  const auto n = import_numbers(e.s, e.token, 15550800000, 2);
  const AccountId a = add_account(e.s, e.token, e.root, account_fields("h-1", "Hana", "Hist", "hana@example.com"));
  const std::string path = "/api/accounts/" + std::to_string(a.value) + "/number";
  REQUIRE(e.s.request("PUT", path, Json{{"number", n[0]}}.dump(), e.token).status == 200);
  e.s.clock().advance_ms(1000);
  REQUIRE(e.s.request("DELETE", path, "", e.token).status == 200);

  auto r = e.s.get("/api/numbers/" + url_encode(n[0]) + "/history", e.token);
  REQUIRE(r.status == 200);
  CHECK(r.json["number"] == n[0]);
  REQUIRE(r.json["history"].size() == 2);
  CHECK(r.json["history"][0]["action"] == "unassign_number");
  CHECK(r.json["history"][1]["action"] == "assign_number");
  CHECK(r.json["history"][1]["summary"] == "Assigned " + n[0] + " to Hana Hist (h-1).");

  auto digits_only = e.s.get("/api/numbers/" + n[0].substr(1) + "/history", e.token);
  CHECK(digits_only.status == 200);
  CHECK(digits_only.json["history"].size() == 2);
  CHECK(e.s.get("/api/numbers/" + url_encode(n[1]) + "/history", e.token).json["history"].empty());
  auto unknown = e.s.get("/api/numbers/15559990000/history", e.token);
  CHECK(unknown.status == 404);
  CHECK(unknown.code() == "number_not_found");
  CHECK(e.s.get("/api/numbers/123/history", e.token).code() == "invalid_number");
}
