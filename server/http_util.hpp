// Helpers every route uses: JSON and CSV answers, errors as {code, message, field}, the body
// parser, the session check, and running a command from a request.
#pragma once

#include <httplib.h>

#include <initializer_list>
#include <map>
#include <optional>
#include <string>

#include "service.hpp"

namespace linedesk::server {

using Handler = httplib::Server::Handler;

void send_json(httplib::Response& res, int status, const Json& body);
void send_error(httplib::Response& res, const Error& e);
void send_error(httplib::Response& res, int status, const Error& e);
// A download: Content-Disposition attachment with `filename` (UTF-8 allowed).
void send_csv(httplib::Response& res, const std::string& filename, std::string csv);

// The request body as JSON, or a 400 answer and nullopt.
std::optional<Json> read_json_body(const httplib::Request& req, httplib::Response& res);
std::string bearer_token(const httplib::Request& req);
// The client's address: the peer's, or — when the peer is one of `trusted_proxies` — the last
// address in X-Forwarded-For (the one that proxy saw; earlier ones are the client's to invent).
std::string client_address(const httplib::Request& req, const std::vector<std::string>& trusted_proxies);
std::map<std::string, std::string> query_params(const httplib::Request& req);

// Wraps a handler so storage failures and unexpected exceptions still answer in JSON: a DbError
// is 503 with Retry-After and storage_full, storage_read_only or storage_error.
Handler guarded(std::function<void(const httplib::Request&, httplib::Response&)> f);
// Wraps a handler that needs a signed-in administrator; answers 401 without one.
Handler authed(Service& service,
               std::function<void(const httplib::Request&, httplib::Response&, const Actor&)> f);

// Runs `args` as `actor`: 200 (or `ok_status`) with {"result", "version"}, or the refusal.
// The UUID comes from the Idempotency-Key header, or is generated.
void run_command(Service& service, const Actor& actor, const httplib::Request& req,
                 httplib::Response& res, CommandArgs args, int ok_status = 200);

// The organization named by ?org= (default: the actor's own), checked to be visible; answers
// 404 and returns invalid when it is not.
OrgId requested_org(Service& service, const Actor& actor, const httplib::Request& req,
                    httplib::Response& res);

// A path parameter as an id; answers 404 when it is not a positive integer.
std::optional<std::int64_t> path_id(const httplib::Request& req, httplib::Response& res,
                                    std::size_t index = 1);

// Reads "Privilege" checks in routes that only read: forbidden unless the actor's role has `p`.
bool require_privilege(Service& service, const Actor& actor, Privilege p, httplib::Response& res);
// As require_privilege, satisfied by any one of `ps` (a read two screens share, e.g. the number
// list the Accounts screen assigns from).
bool require_any_privilege(Service& service, const Actor& actor, std::initializer_list<Privilege> ps,
                           httplib::Response& res);
// The actor's role's privileges (none when the role is gone).
PrivilegeSet privileges_of(Service& service, const Actor& actor);

// The organizations the actor may see (its subtree).
std::vector<OrgId> visible_orgs(const State& state, const Actor& actor);

}  // namespace linedesk::server
