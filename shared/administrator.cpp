// JSON form of Administrator and the email shape rule.
#include "administrator.hpp"

#include "text.hpp"

namespace linedesk {

std::string Administrator::display_name() const {
  std::string n = first_name;
  if (!last_name.empty()) n += (n.empty() ? "" : " ") + last_name;
  return n.empty() ? email : n;
}

Json to_json(const Administrator& a) {
  return Json{{"id", a.id.value},
              {"org", a.org.value},
              {"role", a.role.value},
              {"email", a.email},
              {"first_name", a.first_name},
              {"last_name", a.last_name},
              {"phone", a.phone},
              {"address", a.address},
              {"time_zone", a.time_zone},
              {"photo", a.photo},
              {"created_ms", a.created_ms}};
}

Result<Administrator> administrator_from_json(const Json& j) {
  JsonReader r(j, "administrator");
  Administrator a;
  a.id = r.required_id<AdminTag>("id");
  a.org = r.required_id<OrgTag>("org");
  a.role = r.required_id<RoleTag>("role");
  a.email = r.required_string("email");
  a.first_name = r.optional_string("first_name");
  a.last_name = r.optional_string("last_name");
  a.phone = r.optional_string("phone");
  a.address = r.optional_string("address");
  a.time_zone = r.optional_string("time_zone");
  a.photo = r.optional_string("photo");
  a.created_ms = r.optional_int("created_ms");
  if (r.ok() && !is_plausible_email(a.email)) {
    r.fail("invalid_email", "email", "\"" + a.email + "\" is not a valid email address.");
  }
  if (!r.ok()) return r.error();
  return a;
}

bool is_plausible_email(std::string_view s) {
  if (s.size() > 254 || s.empty()) return false;
  const auto at = s.find('@');
  if (at == std::string_view::npos || at == 0 || s.find('@', at + 1) != std::string_view::npos) {
    return false;
  }
  const std::string_view domain = s.substr(at + 1);
  const auto dot = domain.find('.');
  if (dot == std::string_view::npos || dot == 0 || domain.back() == '.') return false;
  for (char c : s) {
    if (static_cast<unsigned char>(c) <= 0x20 || c == 0x7F) return false;
  }
  return is_valid_utf8(s);
}

}  // namespace linedesk

namespace linedesk {

Status check_new_password(std::string_view password) {
  if (!is_valid_utf8(password)) {
    return make_error("invalid_text", "password", "The password is not valid UTF-8 text.");
  }
  const std::size_t n = utf8_length(password);
  if (n < kMinPasswordLength) {
    return make_error("weak_password", "password",
                      "The password needs at least " + std::to_string(kMinPasswordLength) +
                          " characters.");
  }
  if (n > kMaxPasswordLength) {
    return make_error("too_long", "password",
                      "The password is longer than " + std::to_string(kMaxPasswordLength) +
                          " characters.");
  }
  return {};
}

}  // namespace linedesk
