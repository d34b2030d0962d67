// linedesk-server's command line: defaults, values, and errors naming the flag.
#include <catch2/catch.hpp>

#include "options.hpp"

using namespace linedesk::server;

TEST_CASE("defaults serve 127.0.0.1:8080 from data/linedesk.db") {
  auto o = parse_options({}, "/web");
  REQUIRE(o);
  CHECK(o->http.host == "127.0.0.1");
  CHECK(o->http.port == 8080);
  CHECK(o->db_path == "data/linedesk.db");
  CHECK(o->http.web_root == "/web");
}

TEST_CASE("flags set their values") {
  auto o = parse_options({"--port", "0", "--db", "x.db", "--web", "w", "--org-name", "Zoë AG",
                          "--admin-email", "a@b.de", "--admin-password", "secret-pw",
                          "--port-file", "p.txt", "--threads", "4", "--log-requests", "--demo",
                          "--smtp", "smtp://127.0.0.1:2525", "--outbox", "mail",
                          "--public-url", "https://ld.example.com", "--trusted-proxy", "127.0.0.1",
                          "--trusted-proxy", "::1"},
                         "");
  REQUIRE(o);
  CHECK(o->http.trusted_proxies == std::vector<std::string>{"127.0.0.1", "::1"});
  CHECK(o->http.port == 0);
  CHECK(o->db_path == "x.db");
  CHECK(o->http.web_root == "w");
  CHECK(o->boot.org_name == "Zoë AG");
  CHECK(o->boot.admin_email == "a@b.de");
  CHECK(o->boot.admin_password == "secret-pw");
  CHECK(o->boot.files_dir == "");
  CHECK(o->demo);
  CHECK(o->smtp_url == "smtp://127.0.0.1:2525");
  CHECK(o->outbox_dir == "mail");
  CHECK(o->service.public_url == "https://ld.example.com");
  CHECK(o->port_file == "p.txt");
  CHECK(o->http.worker_threads == 4);
  CHECK(o->http.log_requests);
}

TEST_CASE("bad flags are refused with the flag named") {
  struct Case {
    std::vector<std::string> args;
    const char* flag;
  };
  const std::vector<Case> cases = {
      {{"--port", "http"}, "--port"},
      {{"--port", "70000"}, "--port"},
      {{"--port"}, "--port"},
      {{"--threads", "1"}, "--threads"},
      {{"--frobnicate"}, "--frobnicate"},
      {{"--smtp", "mail.example.com"}, "--smtp"},
  };
  for (const auto& c : cases) {
    auto o = parse_options(c.args, "");
    REQUIRE_FALSE(o);
    CHECK(o.error().field == c.flag);
    CHECK(o.error().message.find(c.flag) != std::string::npos);
  }
}

TEST_CASE("a PostgreSQL database keeps its files in data/, and --migrate-from needs one") {
  auto pg = parse_options({"--db", "postgresql://ld@db.example.com/ld"}, "");
  REQUIRE(pg);
  CHECK(pg->data_dir == "data");
  CHECK(pg->boot.files_dir == "data");
  auto file = parse_options({"--db", "srv/ld.db"}, "");
  REQUIRE(file);
  CHECK(file->data_dir == "srv");
  auto wrong = parse_options({"--db", "x.db", "--migrate-from", "old.db"}, "");
  REQUIRE_FALSE(wrong);
  CHECK(wrong.error().field == "--migrate-from");
}
