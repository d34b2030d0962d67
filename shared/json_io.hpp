// Non-throwing JSON parsing and typed field reading for every decoder in the core.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include <nlohmann/json.hpp>

#include "ids.hpp"
#include "result.hpp"

namespace linedesk {

using Json = nlohmann::json;

// Nesting deeper than this is refused before parsing (a 10 000-deep document would
// otherwise exhaust the parser's stack).
inline constexpr int kMaxJsonDepth = 64;

// Parses `text` as one JSON document. Refuses, with code "bad_json" and the byte offset in
// the message, malformed documents, invalid UTF-8 and nesting deeper than `max_depth`.
Result<Json> parse_json(std::string_view text, int max_depth = kMaxJsonDepth);

// Reads typed fields from a JSON object, remembering the first problem. Each getter returns
// a usable default after a failure so decoders can read every field and check ok() once.
// Field names in errors are prefixed with `path` ("account.email").
class JsonReader {
 public:
  JsonReader(const Json& object, std::string path = {});

  std::string required_string(std::string_view key);
  std::string optional_string(std::string_view key, std::string fallback = {});
  std::int64_t required_int(std::string_view key);
  std::int64_t optional_int(std::string_view key, std::int64_t fallback = 0);
  bool optional_bool(std::string_view key, bool fallback = false);
  bool required_bool(std::string_view key);
  // A member that must be present (any type); null when missing, after recording the error.
  const Json& required(std::string_view key);
  // Present member or nullptr.
  const Json* optional(std::string_view key) const;

  template <class Tag>
  Id<Tag> required_id(std::string_view key) {
    return Id<Tag>(checked_id(key, required_int(key)));
  }
  template <class Tag>
  Id<Tag> optional_id(std::string_view key) {
    return Id<Tag>(checked_id(key, optional_int(key, 0)));
  }

  bool ok() const { return !error_.has_value(); }
  const Error& error() const { return *error_; }
  // Records a problem found by the caller (e.g. a value outside its range).
  void fail(std::string code, std::string_view key, std::string message);
  std::string field_name(std::string_view key) const;

 private:
  std::int64_t checked_id(std::string_view key, std::int64_t v);
  const Json* member(std::string_view key, const char* expected_type_for_missing);

  const Json& object_;
  std::string path_;
  std::optional<Error> error_;
};

}  // namespace linedesk
