// Non-throwing JSON parsing with a depth limit, and the typed field reader.
#include "json_io.hpp"

#include <string>

namespace linedesk {
namespace {

const Json& null_json() {
  static const Json kNull;
  return kNull;
}

// Returns the deepest nesting of arrays/objects, stopping early once past `limit`.
int nesting_depth(std::string_view text, int limit) {
  int depth = 0;
  int deepest = 0;
  bool in_string = false;
  for (std::size_t i = 0; i < text.size(); ++i) {
    const char c = text[i];
    if (in_string) {
      if (c == '\\') {
        ++i;
      } else if (c == '"') {
        in_string = false;
      }
      continue;
    }
    if (c == '"') {
      in_string = true;
    } else if (c == '[' || c == '{') {
      if (++depth > deepest) {
        deepest = depth;
        if (deepest > limit) return deepest;
      }
    } else if (c == ']' || c == '}') {
      --depth;
    }
  }
  return deepest;
}

}  // namespace

Result<Json> parse_json(std::string_view text, int max_depth) {
  if (nesting_depth(text, max_depth) > max_depth) {
    return make_error("bad_json", "",
                      "The JSON document is nested more than " + std::to_string(max_depth) +
                          " levels deep.");
  }
  Json j = Json::parse(text.begin(), text.end(), nullptr, /*allow_exceptions=*/false);
  if (j.is_discarded()) {
    // Parse again with a callback-free sax to locate the failure without exceptions.
    struct Locator : nlohmann::json_sax<Json> {
      std::size_t position = 0;
      std::string what;
      bool null() override { return true; }
      bool boolean(bool) override { return true; }
      bool number_integer(number_integer_t) override { return true; }
      bool number_unsigned(number_unsigned_t) override { return true; }
      bool number_float(number_float_t, const string_t&) override { return true; }
      bool string(string_t&) override { return true; }
      bool binary(binary_t&) override { return true; }
      bool start_object(std::size_t) override { return true; }
      bool key(string_t&) override { return true; }
      bool end_object() override { return true; }
      bool start_array(std::size_t) override { return true; }
      bool end_array() override { return true; }
      bool parse_error(std::size_t pos, const std::string&,
                       const nlohmann::detail::exception& ex) override {
        position = pos;
        what = ex.what();
        return false;
      }
    } locator;
    Json::sax_parse(text.begin(), text.end(), &locator, nlohmann::detail::input_format_t::json,
                    /*strict=*/true);
    std::string detail = locator.what;
    // nlohmann prefixes messages with "[json.exception.parse_error.101] parse error at ...".
    if (auto p = detail.find("] "); p != std::string::npos) detail = detail.substr(p + 2);
    return make_error("bad_json", "",
                      "The request body is not valid JSON (" +
                          (detail.empty() ? "at byte " + std::to_string(locator.position)
                                          : detail) +
                          ").");
  }
  return j;
}

JsonReader::JsonReader(const Json& object, std::string path)
    : object_(object), path_(std::move(path)) {
  if (!object_.is_object()) {
    error_ = make_error("invalid_field", path_,
                        (path_.empty() ? std::string("The document") : "\"" + path_ + "\"") +
                            " must be a JSON object.");
  }
}

std::string JsonReader::field_name(std::string_view key) const {
  return path_.empty() ? std::string(key) : path_ + "." + std::string(key);
}

void JsonReader::fail(std::string code, std::string_view key, std::string message) {
  if (!error_) error_ = make_error(std::move(code), field_name(key), std::move(message));
}

const Json* JsonReader::optional(std::string_view key) const {
  if (!object_.is_object()) return nullptr;
  auto it = object_.find(key);
  if (it == object_.end() || it->is_null()) return nullptr;
  return &*it;
}

const Json* JsonReader::member(std::string_view key, const char* expected_type_for_missing) {
  const Json* m = optional(key);
  if (!m && expected_type_for_missing) {
    fail("missing_field", key, "The field \"" + field_name(key) + "\" is required.");
  }
  return m;
}

const Json& JsonReader::required(std::string_view key) {
  const Json* m = member(key, "value");
  return m ? *m : null_json();
}

std::string JsonReader::required_string(std::string_view key) {
  const Json* m = member(key, "text");
  if (!m) return {};
  if (!m->is_string()) {
    fail("invalid_field", key, "The field \"" + field_name(key) + "\" must be text.");
    return {};
  }
  return m->get<std::string>();
}

std::string JsonReader::optional_string(std::string_view key, std::string fallback) {
  const Json* m = optional(key);
  if (!m) return fallback;
  if (!m->is_string()) {
    fail("invalid_field", key, "The field \"" + field_name(key) + "\" must be text.");
    return fallback;
  }
  return m->get<std::string>();
}

std::int64_t JsonReader::required_int(std::string_view key) {
  const Json* m = member(key, "integer");
  if (!m) return 0;
  if (!m->is_number_integer()) {
    fail("invalid_field", key, "The field \"" + field_name(key) + "\" must be an integer.");
    return 0;
  }
  return m->get<std::int64_t>();
}

std::int64_t JsonReader::optional_int(std::string_view key, std::int64_t fallback) {
  const Json* m = optional(key);
  if (!m) return fallback;
  if (!m->is_number_integer()) {
    fail("invalid_field", key, "The field \"" + field_name(key) + "\" must be an integer.");
    return fallback;
  }
  return m->get<std::int64_t>();
}

bool JsonReader::required_bool(std::string_view key) {
  const Json* m = member(key, "boolean");
  if (!m) return false;
  if (!m->is_boolean()) {
    fail("invalid_field", key, "The field \"" + field_name(key) + "\" must be true or false.");
    return false;
  }
  return m->get<bool>();
}

bool JsonReader::optional_bool(std::string_view key, bool fallback) {
  const Json* m = optional(key);
  if (!m) return fallback;
  if (!m->is_boolean()) {
    fail("invalid_field", key, "The field \"" + field_name(key) + "\" must be true or false.");
    return fallback;
  }
  return m->get<bool>();
}

std::int64_t JsonReader::checked_id(std::string_view key, std::int64_t v) {
  if (v < 0 || v > kMaxId) {
    fail("invalid_field", key, "The field \"" + field_name(key) + "\" is not a valid id.");
    return 0;
  }
  return v;
}

}  // namespace linedesk
