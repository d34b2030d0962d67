// ReplicaStore: where the console keeps its replica on this device — the confirmed entities,
// the command queue, the session — so edits survive a reload, a browser restart and a server
// outage. The browser implementation is IndexedDB (replica_store_web.cpp).
#pragma once

#include <functional>
#include <string>
#include <vector>

#include "shared/replica.hpp"

namespace linedesk::client {

struct StoredReplica {
  bool found = false;
  std::string client_id;
  Json session;  // SessionInfo JSON (token included)
  std::int64_t version = 0;
  OrgId scope;
  std::vector<Entity> entities;
  Json queue;  // Replica::queue_json()
};

class ReplicaStore {
 public:
  virtual ~ReplicaStore() = default;
  // Reads what this device holds; `done` runs later, once.
  virtual void load(std::function<void(StoredReplica)> done) = 0;
  // Writes the queue; `done(true)` once the write is durable (the console shows an edit as
  // saved only then).
  virtual void save_queue(const Json& queue, std::function<void(bool)> done) = 0;
  // Applies a pull's confirmed changes (all of them replaced when delta.reset).
  virtual void save_confirmed(const ConfirmedDelta& delta, std::function<void(bool)> done) = 0;
  virtual void save_session(const std::string& client_id, const Json& session) = 0;
  // Forgets everything (sign-out of another administrator on this device).
  virtual void clear(std::function<void(bool)> done) = 0;
};

}  // namespace linedesk::client
