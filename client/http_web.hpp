// HttpWeb: Http over the browser's fetch (emscripten_fetch), same origin as the page.
#pragma once

#include "http.hpp"

namespace linedesk::client {

class HttpWeb final : public Http {
 public:
  void request(const std::string& method, const std::string& path, const std::string& body,
               const std::string& token, HttpCallback done, unsigned timeout_ms) override;
};

}  // namespace linedesk::client
