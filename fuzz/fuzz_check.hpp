// Property checks for the fuzz targets: a broken property aborts with its description, which
// libFuzzer reports as a crash and saves the input that caused it.
#pragma once

#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <optional>
#include <string_view>

#include "shared/json_io.hpp"

#define FUZZ_CHECK(condition, what)                                                     \
  do {                                                                                  \
    if (!(condition)) {                                                                 \
      std::fprintf(stderr, "\nFUZZ_CHECK failed at %s:%d: %s\n  (%s)\n", __FILE__,        \
                   __LINE__, what, #condition);                                         \
      std::abort();                                                                     \
    }                                                                                   \
  } while (false)

// The fuzz input read by the server's JSON parser; a refusal must be bad_json, and gives none.
inline std::optional<linedesk::Json> fuzz_json(const std::uint8_t* data, std::size_t size) {
  const std::string_view text(reinterpret_cast<const char*>(data), size);
  auto parsed = linedesk::parse_json(text);
  if (!parsed) {
    FUZZ_CHECK(parsed.error().code == "bad_json", "parse_json refuses with bad_json");
    return std::nullopt;
  }
  return std::move(parsed).value();
}
