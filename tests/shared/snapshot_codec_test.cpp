// The snapshot text form: every entity kind survives it, hostile text included, and damaged or
// cut downloads are refused rather than half-applied.
#include <catch2/catch.hpp>

#include "fixtures.hpp"
#include "shared/api.hpp"
#include "shared/snapshot_codec.hpp"

using namespace linedesk;
using namespace linedesk::test;

namespace {

PullResponse snapshot_of(const State& s) {
  PullResponse r;
  r.protocol = kProtocolVersion;
  r.version = 77;
  r.snapshot = true;
  r.scope = OrgId(1);
  r.last_seq = 5;
  r.results = {CommandResult{5, "u5", false, Json(), Error{"number_taken", "number", "Taken by \"Zoë\" (C:\\x)\tnow."}, 0}};
  for (const auto& [id, o] : s.orgs().all()) r.puts.emplace_back(o);
  for (const auto& [id, v] : s.admins()) r.puts.emplace_back(v);
  for (const auto& [id, v] : s.roles()) r.puts.emplace_back(v);
  for (const auto& [id, v] : s.groups()) r.puts.emplace_back(v);
  for (const auto& [id, v] : s.accounts()) r.puts.emplace_back(v);
  for (const auto& [id, v] : s.numbers()) r.puts.emplace_back(v);
  for (const auto& [id, v] : s.invitations()) r.puts.emplace_back(v);
  for (const auto& [id, v] : s.batches()) r.puts.emplace_back(v);
  return r;
}

}  // namespace

TEST_CASE("a snapshot survives its text form, every kind and hostile text included") {
  Enterprise e;
  e.add_numbers(e.root, 3);
  AddAccount c;
  c.org = e.root;
  c.fields = basic_fields("tab-here");
  c.fields.notes = "line one\nline two\r\nback\\slash\ttab — Zoë 日本";
  c.fields.first_name = "Zoë";
  c.invite = true;
  c.number = e164(390600000001);
  auto added = e.run(e.root_admin, c);
  REQUIRE(added);
  const AccountId id(added->result["account"].get<std::int64_t>());
  REQUIRE(e.system(RecordAppActivity{id, "MultiLine", "iOS", e.now}));
  REQUIRE(e.run(e.root_admin, ImportBatch{e.root, PermGroupId(), BatchMode::kImport, "b.csv",
                                          "email address or device,social_messaging,monitor_calls,"
                                          "monitor_sms\nb@x.com,No,off,off\n",
                                          false}));
  const PullResponse original = snapshot_of(e.state);
  const std::string text = encode_snapshot(original);
  CHECK(is_snapshot_text(text));
  auto back = decode_snapshot(text);
  REQUIRE(back);
  CHECK(back->version == 77);
  CHECK(back->scope == OrgId(1));
  CHECK(back->last_seq == 5);
  CHECK(back->results == original.results);
  State rebuilt;
  for (const Entity& ent : back->puts) rebuilt.put(ent);
  CHECK(rebuilt.same_entities(e.state));
  CHECK(rebuilt.account(id)->notes == "line one\nline two\r\nback\\slash\ttab — Zoë 日本");
  CHECK(rebuilt.account(id)->app_history.size() == 1);
}

TEST_CASE("damaged or cut snapshots are refused") {
  Enterprise e;
  e.add_numbers(e.root, 2);
  e.add_account(e.root, "zoe");
  const std::string text = encode_snapshot(snapshot_of(e.state));
  struct Case {
    const char* rule;
    std::string body;
  };
  const std::string cut = text.substr(0, text.rfind('\n', text.size() - 2) + 1);
  std::string bad_int = text;
  bad_int.replace(bad_int.find("#number 2\n") + 10, 1, "x");
  std::string too_few = text;
  too_few.replace(too_few.find("#number 2"), 9, "#number 3");
  const std::vector<Case> cases = {
      {"not a snapshot", "{\"version\": 1}"},
      {"no header line", std::string(kSnapshotMagic)},
      {"a row cut off at the end", cut},
      {"a number that is not one", bad_int},
      {"a section shorter than it says", too_few},
      {"an unknown kind", std::string(kSnapshotMagic) + "{\"version\":1}\n#gizmo 1\nx\n"},
  };
  for (const auto& c : cases) {
    CAPTURE(c.rule);
    auto r = decode_snapshot(c.body);
    REQUIRE_FALSE(r);
    CHECK_FALSE(r.error().message.empty());
  }
}
