// Time zones by IANA name, read from the system's tzdata (/usr/share/zoneinfo) and cached.
#pragma once

#include <string>

#include "shared/time_zone.hpp"

namespace linedesk::server {

// The zone for `name` ("Europe/Rome"); UTC for "UTC", unknown or unreadable names.
TimeZone time_zone_named(const std::string& name);

}  // namespace linedesk::server
