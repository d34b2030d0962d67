// Command-line options of linedesk-server.
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "http_server.hpp"
#include "shared/result.hpp"

namespace linedesk::server {

struct Options {
  ServerConfig http;
  std::string db_path = "data/linedesk.db";
  std::string port_file;  // when set, the bound port is written there (for tests and scripts)
  // First start only: the root organization and first administrator.
  std::string org_name = "My Enterprise";
  std::string admin_email = "admin@linedesk.local";
  std::string admin_password;  // empty: generate one and print it
  bool show_help = false;
};

// Parses argv (without argv[0]). Unknown flags and bad values are errors naming the flag.
Result<Options> parse_options(const std::vector<std::string>& args, std::string default_web_root);

std::string usage_text();

}  // namespace linedesk::server
