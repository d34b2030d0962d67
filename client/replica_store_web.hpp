// ReplicaStoreWeb: ReplicaStore on the browser's IndexedDB (database "linedesk": the session,
// the command queue, and one record per confirmed entity), through web/linedesk_web.js.
#pragma once

#include <cstdint>
#include <functional>
#include <unordered_map>

#include "replica_store.hpp"

namespace linedesk::client {

class ReplicaStoreWeb final : public ReplicaStore {
 public:
  // `runtime` is handed back by JavaScript with each answer (see main_web.cpp).
  explicit ReplicaStoreWeb(void* runtime) : runtime_(runtime) {}

  void load(std::function<void(StoredReplica)> done) override;
  void save_queue(const Json& queue, std::function<void(bool)> done) override;
  void save_confirmed(const ConfirmedDelta& delta, std::function<void(bool)> done) override;
  void save_session(const std::string& client_id, const Json& session) override;
  void clear(std::function<void(bool)> done) override;

  // JavaScript's answer to request `id` (text is JSON for loads, else empty or an error).
  void on_done(int id, bool ok, const char* text);

 private:
  int remember(std::function<void(bool, const char*)> callback);

  void* runtime_;
  int next_id_ = 1;
  std::unordered_map<int, std::function<void(bool, const char*)>> waiting_;
};

}  // namespace linedesk::client
