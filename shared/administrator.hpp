// Administrator: a person who manages one organization's subtree through a Role.
#pragma once

#include <string>

#include "ids.hpp"
#include "json_io.hpp"

namespace linedesk {

// The password hash is not part of this value: it never leaves the server.
struct Administrator {
  AdminId id;
  OrgId org;
  RoleId role;
  std::string email;  // sign-in name, unique in the enterprise, stored lower-case
  std::string first_name;
  std::string last_name;
  std::string phone;
  std::string address;
  std::string time_zone;  // IANA name, e.g. "Europe/Rome"
  std::string photo;      // optional data URL of a small image
  TimestampMs created_ms = 0;

  std::string display_name() const;
  bool operator==(const Administrator&) const = default;
};

Json to_json(const Administrator& admin);
Result<Administrator> administrator_from_json(const Json& j);

// A plausible email address: one '@', a non-empty local part, a dotted domain, no spaces,
// at most 254 characters.
bool is_plausible_email(std::string_view s);

}  // namespace linedesk

namespace linedesk {

inline constexpr std::size_t kMinPasswordLength = 8;
inline constexpr std::size_t kMaxPasswordLength = 128;

// A new password: 8 to 128 characters of valid UTF-8.
Status check_new_password(std::string_view password);

}  // namespace linedesk
