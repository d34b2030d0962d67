// The server's routes, one installer per area of the API.
#pragma once

#include <httplib.h>

#include "service.hpp"

namespace linedesk::server {

void install_auth_routes(httplib::Server& s, Service& service,
                         const std::vector<std::string>& trusted_proxies);
void install_org_routes(httplib::Server& s, Service& service);
void install_account_routes(httplib::Server& s, Service& service);
void install_batch_routes(httplib::Server& s, Service& service);
void install_number_routes(httplib::Server& s, Service& service);
void install_admin_routes(httplib::Server& s, Service& service);
void install_report_routes(httplib::Server& s, Service& service);
void install_activation_routes(httplib::Server& s, Service& service);
void install_sync_routes(httplib::Server& s, Service& service);

}  // namespace linedesk::server
