// tzdata lookup with a cache.
#include "zoneinfo.hpp"

#include <fstream>
#include <map>
#include <mutex>
#include <sstream>

namespace linedesk::server {
namespace {

// Only names made of tzdata's characters, without "..", reach the file system.
bool safe_name(const std::string& name) {
  if (name.empty() || name.size() > 64 || name.find("..") != std::string::npos ||
      name.front() == '/') {
    return false;
  }
  for (char c : name) {
    const bool ok = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
                    c == '/' || c == '_' || c == '-' || c == '+';
    if (!ok) return false;
  }
  return true;
}

}  // namespace

TimeZone time_zone_named(const std::string& name) {
  static std::mutex mutex;
  static std::map<std::string, TimeZone> cache;
  std::lock_guard lock(mutex);
  if (auto it = cache.find(name); it != cache.end()) return it->second;
  TimeZone zone = TimeZone::utc();
  if (name != "UTC" && safe_name(name)) {
    std::ifstream in("/usr/share/zoneinfo/" + name, std::ios::binary);
    if (in) {
      std::stringstream bytes;
      bytes << in.rdbuf();
      if (auto rule = posix_rule_from_tzif(bytes.str())) {
        if (auto tz = TimeZone::from_posix(*rule, name)) zone = std::move(tz).value();
      }
    }
  }
  cache.emplace(name, zone);
  return zone;
}

}  // namespace linedesk::server
