// Http: the console's one door to the network. The browser implementation is http_web.cpp;
// native tests can supply a fake.
#pragma once

#include <functional>
#include <string>

namespace linedesk::client {

struct HttpResponse {
  int status = 0;  // 0: the request never got an answer (offline, timeout, refused)
  std::string body;
};

using HttpCallback = std::function<void(const HttpResponse&)>;

class Http {
 public:
  virtual ~Http() = default;
  // Sends `method path` with an optional JSON body and bearer token. `done` runs later, on the
  // UI thread, exactly once; after `timeout_ms` without an answer it gets status 0.
  virtual void request(const std::string& method, const std::string& path,
                       const std::string& body, const std::string& token, HttpCallback done,
                       unsigned timeout_ms = 20000) = 0;
};

}  // namespace linedesk::client
