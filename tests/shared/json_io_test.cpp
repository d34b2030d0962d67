// parse_json and JsonReader: malformed input is refused with a clear, located error.
#include <catch2/catch.hpp>

#include "shared/json_io.hpp"

using namespace linedesk;

TEST_CASE("parse_json accepts a well-formed document") {
  auto j = parse_json(R"({"a": [1, 2, {"b": "Zoë"}]})");
  REQUIRE(j);
  CHECK(j.value()["a"][2]["b"] == "Zoë");
}

TEST_CASE("parse_json refuses malformed documents with code bad_json") {
  const char* bad[] = {"", "{", "{\"a\":}", "[1,2", "{'a': 1}", "nul", "{\"a\":1}}", "\"\xff\""};
  for (const char* text : bad) {
    CAPTURE(text);
    auto j = parse_json(text);
    REQUIRE_FALSE(j);
    CHECK(j.error().code == "bad_json");
    CHECK_FALSE(j.error().message.empty());
  }
}

TEST_CASE("parse_json refuses nesting deeper than the limit without recursing") {
  std::string deep(10000, '[');
  deep += std::string(10000, ']');
  auto j = parse_json(deep);
  REQUIRE_FALSE(j);
  CHECK(j.error().code == "bad_json");
  CHECK(j.error().message.find("nested") != std::string::npos);

  std::string ok(kMaxJsonDepth, '[');
  ok += std::string(kMaxJsonDepth, ']');
  CHECK(parse_json(ok));
}

TEST_CASE("brackets inside strings do not count as nesting") {
  std::string s = "{\"a\": \"" + std::string(500, '[') + "\\\"" + "\"}";
  CHECK(parse_json(s));
}

TEST_CASE("JsonReader names the missing or mistyped field") {
  auto j = parse_json(R"({"name": 5, "id": "x"})").value();
  SECTION("missing") {
    JsonReader r(j, "org");
    (void)r.required_string("description");
    REQUIRE_FALSE(r.ok());
    CHECK(r.error().code == "missing_field");
    CHECK(r.error().field == "org.description");
  }
  SECTION("wrong type") {
    JsonReader r(j, "org");
    (void)r.required_string("name");
    REQUIRE_FALSE(r.ok());
    CHECK(r.error().code == "invalid_field");
    CHECK(r.error().field == "org.name");
    CHECK(r.error().message.find("must be text") != std::string::npos);
  }
  SECTION("first problem wins") {
    JsonReader r(j);
    (void)r.required_int("id");
    (void)r.required_string("name");
    CHECK(r.error().field == "id");
  }
  SECTION("not an object") {
    JsonReader r(Json::array(), "org");
    CHECK_FALSE(r.ok());
    CHECK(r.error().code == "invalid_field");
  }
}

TEST_CASE("ids outside [0, 2^53) are refused") {
  auto j = parse_json(R"({"a": -1, "b": 9007199254740992, "c": 9007199254740991})").value();
  JsonReader r(j);
  CHECK(r.optional_id<OrgTag>("c").value == kMaxId);
  CHECK(r.ok());
  (void)r.optional_id<OrgTag>("a");
  CHECK_FALSE(r.ok());
  JsonReader r2(j);
  (void)r2.optional_id<OrgTag>("b");
  CHECK_FALSE(r2.ok());
}
