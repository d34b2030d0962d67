// Command-line parsing for linedesk-server.
#include "options.hpp"

#include <charconv>
#include <filesystem>

#include "postgres_db.hpp"

namespace linedesk::server {
namespace {

Result<int> parse_int(const std::string& flag, const std::string& value, int lo, int hi) {
  int v = 0;
  auto [p, ec] = std::from_chars(value.data(), value.data() + value.size(), v);
  if (ec != std::errc() || p != value.data() + value.size() || v < lo || v > hi) {
    return make_error("bad_option", flag,
                      flag + " needs a whole number from " + std::to_string(lo) + " to " +
                          std::to_string(hi) + ", not \"" + value + "\".");
  }
  return v;
}

}  // namespace

std::string usage_text() {
  return R"(Usage: linedesk-server [options]

  --host ADDR            address to listen on (default 127.0.0.1)
  --port N               port, 0 for any free port (default 8080)
  --db PATH|URL          SQLite database file (default data/linedesk.db), or a PostgreSQL
                         database: postgresql://USER@HOST:PORT/DBNAME (password from
                         PGPASSWORD or ~/.pgpass); several servers may share one
  --data-dir DIR         folder for the outbox and the first password (default: the SQLite
                         file's folder; data/ with PostgreSQL)
  --migrate-from FILE    copy the SQLite database FILE into the empty PostgreSQL database of
                         --db, check every table's row count, and exit
  --web DIR              folder holding the built console (default: the build's wasm/web)
  --port-file PATH       write the bound port to PATH once listening
  --public-url URL       start of links in mail (default http://HOST:PORT)
  --smtp URL             send mail through this SMTP relay, e.g. smtp://127.0.0.1:2525
                         (default: write .eml files to the outbox folder)
  --outbox DIR           folder for mail when there is no relay (default: outbox/ beside the db)
  --mail-from ADDR       sender of mail (default "LineDesk <no-reply@linedesk.local>")
  --demo                 on an empty database, seed a demo enterprise (tree, numbers,
                         accounts in every state, a month of usage)
  --org-name NAME        first start only: name of the root organization
  --admin-email EMAIL    first start only: the first administrator's email
  --admin-password PW    first start only: its password (default: generated and printed)
  --threads N            most HTTP workers at once; each open connection holds one (default 256)
  --trusted-proxy ADDR   believe X-Forwarded-For from this peer (a reverse proxy such as
                         nginx; repeatable): sign-in limits count the client's address
  --log-requests         print one line per request to stderr
  --help                 this text
)";
}

Result<Options> parse_options(const std::vector<std::string>& args, std::string default_web_root) {
  Options o;
  o.http.web_root = std::move(default_web_root);
  for (std::size_t i = 0; i < args.size(); ++i) {
    const std::string& a = args[i];
    auto value = [&](std::string& out) -> Status {
      if (i + 1 >= args.size()) return make_error("bad_option", a, a + " needs a value.");
      out = args[++i];
      return {};
    };
    std::string v;
    Status st;
    if (a == "--help" || a == "-h") {
      o.show_help = true;
    } else if (a == "--host") {
      st = value(o.http.host);
    } else if (a == "--port" || a == "--threads") {
      if (!(st = value(v))) return st.error();
      auto p = a == "--port" ? parse_int(a, v, 0, 65535) : parse_int(a, v, 2, 256);
      if (!p) return p.error();
      (a == "--port" ? o.http.port : o.http.worker_threads) = *p;
    } else if (a == "--db") {
      st = value(o.db_path);
    } else if (a == "--data-dir") {
      st = value(o.data_dir);
    } else if (a == "--migrate-from") {
      st = value(o.migrate_from);
    } else if (a == "--web") {
      st = value(o.http.web_root);
    } else if (a == "--port-file") {
      st = value(o.port_file);
    } else if (a == "--public-url") {
      st = value(o.service.public_url);
      o.public_url_set = true;
    } else if (a == "--smtp") {
      st = value(o.smtp_url);
      if (st && o.smtp_url.rfind("smtp://", 0) != 0 && o.smtp_url.rfind("smtps://", 0) != 0) {
        return make_error("bad_option", a, "--smtp needs a URL like smtp://mail.example.com:25.");
      }
    } else if (a == "--outbox") {
      st = value(o.outbox_dir);
    } else if (a == "--mail-from") {
      st = value(o.mail_from);
    } else if (a == "--demo") {
      o.demo = true;
    } else if (a == "--org-name") {
      st = value(o.boot.org_name);
    } else if (a == "--admin-email") {
      st = value(o.boot.admin_email);
    } else if (a == "--admin-password") {
      st = value(o.boot.admin_password);
    } else if (a == "--trusted-proxy") {
      if (!(st = value(v))) return st.error();
      o.http.trusted_proxies.push_back(v);
    } else if (a == "--log-requests") {
      o.http.log_requests = true;
    } else {
      return make_error("bad_option", a, "Unknown option " + a + " (see --help).");
    }
    if (!st) return st.error();
  }
  if (!o.migrate_from.empty() && !is_postgres_target(o.db_path)) {
    return make_error("bad_option", "--migrate-from",
                      "--migrate-from copies into PostgreSQL: give --db postgresql://... too.");
  }
  if (o.data_dir.empty()) {
    o.data_dir = is_postgres_target(o.db_path)
                     ? std::string("data")
                     : std::filesystem::path(o.db_path).parent_path().string();
  }
  o.boot.files_dir = o.data_dir;
  return o;
}

}  // namespace linedesk::server
