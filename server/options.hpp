// Command-line options of linedesk-server.
#pragma once

#include <string>
#include <vector>

#include "bootstrap.hpp"
#include "http_server.hpp"
#include "service.hpp"
#include "shared/result.hpp"

namespace linedesk::server {

struct Options {
  ServerConfig http;
  ServiceConfig service;
  BootstrapOptions boot;
  // An SQLite file, or a PostgreSQL database as a URL (postgresql://user@host:port/dbname; the
  // password from PGPASSWORD or ~/.pgpass rather than the command line).
  std::string db_path = "data/linedesk.db";
  // Files beside the database (the mail folder, the first administrator's password): the
  // SQLite file's folder, or data/ for PostgreSQL.
  std::string data_dir;
  // Set: copy this SQLite database into the (empty) PostgreSQL database of --db, verify every
  // table's row count, and exit.
  std::string migrate_from;
  std::string port_file;   // when set, the bound port is written there (for tests and scripts)
  std::string outbox_dir;  // default: "outbox" beside the database
  std::string smtp_url;    // "smtp://host:port": send mail through this relay
  std::string mail_from = "LineDesk <no-reply@linedesk.local>";
  bool demo = false;       // seed the demo enterprise on an empty database
  bool public_url_set = false;
  bool show_help = false;
};

// Parses argv (without argv[0]). Unknown flags and bad values are errors naming the flag.
Result<Options> parse_options(const std::vector<std::string>& args, std::string default_web_root);

std::string usage_text();

}  // namespace linedesk::server
