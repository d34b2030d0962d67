// Number values, E.164 and forwarding-number parsing.
#include "number.hpp"

#include "text.hpp"

namespace linedesk {
namespace {

// Keeps digits; refuses anything but digits and the usual separators. Reports whether the
// number was written in international form ("+" or "00").
Result<std::string> digits_of(std::string_view text, std::string_view field,
                              std::string_view label, bool& international) {
  std::string_view t = trim(text);
  international = false;
  if (!t.empty() && t.front() == '+') {
    international = true;
    t.remove_prefix(1);
  }
  std::string digits;
  digits.reserve(t.size());
  for (char c : t) {
    if (c >= '0' && c <= '9') {
      digits += c;
    } else if (c == ' ' || c == '-' || c == '.' || c == '(' || c == ')' || c == '/') {
      continue;
    } else {
      return make_error("invalid_number", std::string(field),
                        std::string(label) + " \"" + std::string(text) +
                            "\" may contain only digits, spaces, dashes, dots and brackets, with "
                            "an optional leading +.");
    }
  }
  if (!international && digits.size() > 2 && digits[0] == '0' && digits[1] == '0') {
    international = true;
    digits.erase(0, 2);
  }
  return digits;
}

}  // namespace

std::string_view number_state_name(NumberState s) {
  switch (s) {
    case NumberState::kAvailable: return "available";
    case NumberState::kReserved: return "reserved";
    case NumberState::kPendingInvitation: return "pending_invitation";
    case NumberState::kAssigned: return "assigned";
    case NumberState::kActivated: return "activated";
  }
  return "available";
}

std::string_view number_state_label(NumberState s) {
  switch (s) {
    case NumberState::kAvailable: return "Available";
    case NumberState::kReserved: return "Reserved";
    case NumberState::kPendingInvitation: return "Pending invitation";
    case NumberState::kAssigned: return "Assigned";
    case NumberState::kActivated: return "Activated";
  }
  return "Available";
}

std::optional<NumberState> number_state_from_name(std::string_view name) {
  for (NumberState s : {NumberState::kAvailable, NumberState::kReserved,
                        NumberState::kPendingInvitation, NumberState::kAssigned,
                        NumberState::kActivated}) {
    if (number_state_name(s) == name) return s;
  }
  return std::nullopt;
}

Json to_json(const Number& n) {
  return Json{{"id", n.id.value},
              {"e164", n.e164},
              {"org", n.org.value},
              {"tag", n.tag},
              {"account", n.account.value},
              {"state", number_state_name(n.state)},
              {"imported_ms", n.imported_ms}};
}

Result<Number> number_from_json(const Json& j) {
  JsonReader r(j, "number");
  Number n;
  n.e164 = r.required_string("e164");
  n.org = r.required_id<OrgTag>("org");
  n.tag = r.optional_string("tag");
  n.account = r.optional_id<AccountTag>("account");
  const std::string state = r.optional_string("state", "available");
  n.imported_ms = r.optional_int("imported_ms");
  if (!r.ok()) return r.error();
  auto e164 = parse_e164(n.e164, "number.e164");
  if (!e164) return e164.error();
  n.e164 = std::move(e164).value();
  n.id = number_id_of(n.e164);
  auto st = number_state_from_name(state);
  if (!st) return make_error("invalid_field", "number.state", "Unknown number state \"" + state + "\".");
  n.state = *st;
  return n;
}

Result<std::string> parse_e164(std::string_view text, std::string_view field) {
  bool international = false;
  auto digits = digits_of(text, field, "The number", international);
  if (!digits) return digits.error();
  const std::string& d = digits.value();
  if (d.empty()) {
    return make_error("missing_field", std::string(field), "The number is empty.");
  }
  if (d.size() < 7 || d.size() > 15 || d[0] == '0') {
    return make_error("invalid_number", std::string(field),
                      "\"" + std::string(text) +
                          "\" is not a phone number in international form: use the country code "
                          "and 7 to 15 digits, e.g. +39 06 1234 5678.");
  }
  return "+" + d;
}

NumberId number_id_of(std::string_view e164) {
  std::int64_t v = 0;
  for (char c : e164) {
    if (c >= '0' && c <= '9') v = v * 10 + (c - '0');
  }
  return NumberId(v);
}

Result<std::string> parse_forwarding_number(std::string_view text, std::string_view field) {
  bool international = false;
  auto digits = digits_of(text, field, "The forwarding number", international);
  if (!digits) return digits.error();
  const std::string& d = digits.value();
  if (d.size() < 4 || d.size() > 18) {
    return make_error("invalid_forwarding_number", std::string(field),
                      "The forwarding number \"" + std::string(text) +
                          "\" must have 4 to 18 digits including the country code.");
  }
  if (d[0] == '0') {
    return make_error("invalid_forwarding_number", std::string(field),
                      "The forwarding number \"" + std::string(text) +
                          "\" must start with its country code (not 0).");
  }
  return "+" + d;
}

Status check_tag(std::string_view tag, std::string_view field) {
  const std::string_view t = trim(tag);
  if (t.empty()) return make_error("missing_field", std::string(field), "Enter a tag.");
  if (utf8_length(t) > 40) {
    return make_error("too_long", std::string(field), "A tag has at most 40 characters.");
  }
  for (char c : t) {
    const bool ok = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
                    c == ' ' || c == '-' || c == '_';
    if (!ok) {
      return make_error("invalid_tag", std::string(field),
                        "A tag may contain letters, digits, spaces, \"-\" and \"_\" only.");
    }
  }
  return {};
}

}  // namespace linedesk
