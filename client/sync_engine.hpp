// SyncEngine: keeps the console's replica in step with the server — pushes queued commands in
// order, long-polls for changes, rebases, persists every step, and reports what the header
// shows (online/offline, pending, last sync, issues). Platform-free: Http and ReplicaStore are
// injected, time is passed in.
#pragma once

#include <memory>
#include <optional>
#include <string>

#include "http.hpp"
#include "replica_store.hpp"
#include "shared/api.hpp"

namespace linedesk::client {

struct SyncStatus {
  bool online = false;          // the last exchange with the server succeeded
  bool syncing = false;         // a push or pull is in flight
  std::size_t pending = 0;      // commands the server has not applied yet
  std::size_t issues = 0;       // commands the server refused
  TimestampMs last_sync_ms = 0;
  bool saving = false;          // an edit is not yet durable on this device
  bool session_expired = false; // pushing waits for a new sign-in
  bool outdated = false;        // the server speaks another protocol: reload the page
  std::string problem;          // the last error, for the header's tooltip
  // Why the server did not take the queued changes although it answers (its disk is full, its
  // database read-only): kept, and shown, until a push succeeds; the changes stay queued.
  std::string push_refused;
};

class SyncEngine {
 public:
  SyncEngine(Http& http, ReplicaStore& store);

  // Takes over `replica` for the signed-in administrator; `token` authenticates requests.
  void start(std::unique_ptr<Replica> replica, std::string token, TimestampMs now);
  void stop();
  bool started() const { return replica_ != nullptr; }
  // A new session after the old one expired: queued commands are pushed again.
  void set_token(std::string token);

  Replica& replica() { return *replica_; }
  const Replica& replica() const { return *replica_; }
  const SyncStatus& status() const { return status_; }

  // Queues a command (validated against the view) and persists the queue. `saved(ok)` runs when
  // the queue is durable on this device.
  Result<Changes> submit(CommandArgs args, TimestampMs now, std::function<void(bool)> saved = {});
  Result<Changes> resubmit(std::int64_t seq, std::optional<CommandArgs> edited, TimestampMs now);
  void discard(std::int64_t seq);

  // Drives the protocol; call every frame (cheap when nothing is due).
  void tick(TimestampMs now);
  // Called when the view changed under the console (a pull applied): the console refreshes
  // derived lists. Set by the App.
  std::function<void()> on_view_changed;

  // Makes command UUIDs (the platform's random source; tests use a counter).
  std::function<std::string()> make_uuid;

  // Tuning (tests shorten these).
  TimestampMs retry_ms = 3000;    // after a failed exchange
  int long_poll_s = 25;
  std::size_t push_batch = 200;

 private:
  void push();
  void pull();
  void persist_queue(std::function<void(bool)> done = {});
  void failed(const Error& e, TimestampMs now);

  Http& http_;
  ReplicaStore& store_;
  std::unique_ptr<Replica> replica_;
  std::string token_;
  SyncStatus status_;
  bool push_in_flight_ = false;
  bool pull_in_flight_ = false;
  bool snapshot_in_flight_ = false;
  TimestampMs now_ = 0;
  TimestampMs next_attempt_ms_ = 0;
  int saves_in_flight_ = 0;
  std::uint64_t generation_ = 0;  // callbacks of a stopped engine are ignored
};

}  // namespace linedesk::client
