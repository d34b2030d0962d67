// Fuzz target: a command as the console queues it and a script posts it — parse_json (depth
// limit, malformed text, bad UTF-8) then command_from_json (shared/command.cpp). Checks that
// refusals are errors, never exceptions, and that an accepted command survives its own
// encoding, in memory and through the text the console sends.
#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>

#include "fuzz_check.hpp"
#include "shared/command.hpp"
#include "shared/json_io.hpp"
#include "shared/text.hpp"

using namespace linedesk;

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const auto parsed = fuzz_json(data, size);
  if (!parsed) return 0;
  const Json& j = *parsed;
  // What the parser accepted, written back, is accepted again as the same document (the
  // depth limit agrees with itself and the writer keeps every value).
  auto reparsed = parse_json(j.dump());
  FUZZ_CHECK(reparsed && *reparsed == j, "parse_json(dump(j)) == j");

  auto command = command_from_json(j);
  if (!command) {
    const Error& e = command.error();
    FUZZ_CHECK(!e.code.empty() && !e.message.empty(), "a refusal has a code and a message");
    FUZZ_CHECK(is_valid_utf8(e.message) && is_valid_utf8(e.field), "a refusal is UTF-8 text");
    return 0;
  }
  FUZZ_CHECK(command_name(command->args) == j.at("name").get<std::string>(),
             "the decoded command is the one named");

  const Json encoded = to_json(*command);
  auto again = command_from_json(encoded);
  FUZZ_CHECK(again, "an encoded command decodes");
  FUZZ_CHECK(*again == *command, "command_from_json(to_json(c)) == c");

  auto wire = parse_json(encoded.dump());
  FUZZ_CHECK(wire, "an encoded command's text parses");
  auto received = command_from_json(*wire);
  FUZZ_CHECK(received && *received == *command, "a command survives the text it is sent as");
  return 0;
}
