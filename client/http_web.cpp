// emscripten_fetch-backed Http.
#include "http_web.hpp"

#include <emscripten/fetch.h>

#include <cstring>
#include <memory>
#include <vector>

namespace linedesk::client {
namespace {

// Owns everything emscripten_fetch points into until the request completes.
struct Pending {
  std::string method;
  std::string body;
  std::vector<std::string> header_storage;
  std::vector<const char*> headers;
  HttpCallback done;
};

void finish(emscripten_fetch_t* fetch) {
  std::unique_ptr<Pending> pending(static_cast<Pending*>(fetch->userData));
  HttpResponse res;
  res.status = fetch->status;
  if (fetch->data && fetch->numBytes > 0) {
    res.body.assign(fetch->data, static_cast<std::size_t>(fetch->numBytes));
  }
  emscripten_fetch_close(fetch);
  pending->done(res);
}

}  // namespace

void HttpWeb::request(const std::string& method, const std::string& path, const std::string& body,
                      const std::string& token, HttpCallback done, unsigned timeout_ms) {
  auto pending = std::make_unique<Pending>();
  pending->method = method;
  pending->body = body;
  pending->done = std::move(done);
  pending->header_storage = {"Content-Type", "application/json", "Accept", "application/json"};
  if (!token.empty()) {
    pending->header_storage.push_back("Authorization");
    pending->header_storage.push_back("Bearer " + token);
  }
  for (const auto& h : pending->header_storage) pending->headers.push_back(h.c_str());
  pending->headers.push_back(nullptr);

  emscripten_fetch_attr_t attr;
  emscripten_fetch_attr_init(&attr);
  std::strncpy(attr.requestMethod, pending->method.c_str(), sizeof attr.requestMethod - 1);
  attr.attributes = EMSCRIPTEN_FETCH_LOAD_TO_MEMORY;
  attr.requestHeaders = pending->headers.data();
  attr.timeoutMSecs = timeout_ms;
  if (!pending->body.empty()) {
    attr.requestData = pending->body.data();
    attr.requestDataSize = pending->body.size();
  }
  attr.onsuccess = finish;
  attr.onerror = finish;  // also HTTP >= 400: the body carries the server's error
  attr.userData = pending.release();
  emscripten_fetch(&attr, path.c_str());
}

}  // namespace linedesk::client
