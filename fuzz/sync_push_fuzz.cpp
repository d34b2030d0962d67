// Fuzz target: the body of POST /api/sync/push as server/routes_sync.cpp reads it —
// parse_json then push_request_from_json (shared/sync.cpp), every queued command included.
// The same document is also read as the other sync bodies (pull request, push answer) since
// they share the readers. Accepted bodies must survive their own encoding.
#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>

#include "fuzz_check.hpp"
#include "shared/json_io.hpp"
#include "shared/sync.hpp"
#include "shared/text.hpp"

using namespace linedesk;

namespace {

void check_error(const Error& e) {
  FUZZ_CHECK(!e.code.empty() && !e.message.empty(), "a refusal has a code and a message");
  FUZZ_CHECK(is_valid_utf8(e.message) && is_valid_utf8(e.field), "a refusal is UTF-8 text");
}

bool same(const PushRequest& a, const PushRequest& b) {
  return a.protocol == b.protocol && a.client_id == b.client_id && a.commands == b.commands;
}

bool same(const PullRequest& a, const PullRequest& b) {
  return a.protocol == b.protocol && a.client_id == b.client_id && a.since == b.since &&
         a.from_seq == b.from_seq && a.text_snapshot == b.text_snapshot;
}

// Decodes, encodes, and decodes the encoding in memory and through its text.
void check_push(const Json& j) {
  auto push = push_request_from_json(j);
  if (!push) return check_error(push.error());
  FUZZ_CHECK(!push->client_id.empty() && push->client_id.size() <= 64, "client id length");
  const Json encoded = to_json(*push);
  auto again = push_request_from_json(encoded);
  FUZZ_CHECK(again && same(*again, *push), "push_request_from_json(to_json(p)) == p");
  auto wire = parse_json(encoded.dump());
  FUZZ_CHECK(wire, "an encoded push's text parses");
  auto received = push_request_from_json(*wire);
  FUZZ_CHECK(received && same(*received, *push), "a push survives the text it is sent as");
}

void check_pull(const Json& j) {
  auto pull = pull_request_from_json(j);
  if (!pull) return check_error(pull.error());
  auto again = pull_request_from_json(to_json(*pull));
  FUZZ_CHECK(again && same(*again, *pull), "pull_request_from_json(to_json(p)) == p");
}

// The console reads the server's answer; an answer's encoding is a fixed point of
// decode-then-encode (a result marked ok drops an "error" member, so compare encodings).
void check_push_response(const Json& j) {
  auto answer = push_response_from_json(j);
  if (!answer) return check_error(answer.error());
  const Json encoded = to_json(*answer);
  auto again = push_response_from_json(encoded);
  FUZZ_CHECK(again, "an encoded push answer decodes");
  FUZZ_CHECK(to_json(*again) == encoded, "a push answer's encoding is stable");
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const auto parsed = fuzz_json(data, size);
  if (!parsed) return 0;
  check_push(*parsed);
  check_pull(*parsed);
  check_push_response(*parsed);
  return 0;
}
