// Replica: a client's copy of the enterprise — the confirmed state at server version V plus
// its pending commands re-applied (the view the console shows). Used by the browser and by
// native test clients; the platform persists it (IndexedDB) and moves the messages.
#pragma once

#include <deque>
#include <functional>
#include <optional>
#include <string>
#include <vector>

#include "engine.hpp"
#include "sync.hpp"

namespace linedesk {

struct PendingCommand {
  std::int64_t seq = 0;
  Command command;
  TimestampMs queued_ms = 0;
  bool acknowledged = false;         // the server applied it; waiting for a pull to include it
  std::optional<Error> local_error;  // it fails against the current view (flagged, still sent)
  bool operator==(const PendingCommand&) const = default;
};

// A command the server refused: shown under "Sync issues" until edited and resubmitted, or
// discarded. Nothing is silently lost.
struct SyncIssue {
  std::int64_t seq = 0;
  Command command;
  Error error;
  TimestampMs queued_ms = 0;
  bool operator==(const SyncIssue&) const = default;
};

// What the confirmed state gained in a pull, for the platform to persist: with `reset`, replace
// everything by `puts`.
struct ConfirmedDelta {
  bool reset = false;
  std::vector<Entity> puts;
  std::vector<Tombstone> deletes;
  std::int64_t version = 0;
  OrgId scope;
};

class Replica {
 public:
  Replica(std::string client_id, AdminId actor);

  const std::string& client_id() const { return client_id_; }
  AdminId actor() const { return actor_; }
  const State& view() const { return view_; }
  std::int64_t version() const { return version_; }
  OrgId scope() const { return scope_; }
  const std::deque<PendingCommand>& pending() const { return pending_; }
  const std::vector<SyncIssue>& issues() const { return issues_; }
  std::int64_t next_seq() const { return next_seq_; }
  // Commands not yet applied by the server.
  std::size_t unsent_count() const;

  // Checks `args` against the view as the actor; when allowed, queues it with the next sequence
  // and shows its effects at once. Returns its changes, or the refusal (nothing queued).
  Result<Changes> submit(std::string uuid, CommandArgs args, TimestampMs now);

  // Up to `max` commands the server has not acknowledged, ascending.
  PushRequest push_request(std::size_t max) const;
  // Records the server's answers: applied commands wait for the next pull; refused ones leave
  // the queue for the Sync issues list and their effects are undone.
  // A push refused as out of order or reusing numbers the server gave to other commands makes
  // the replica renumber its unapplied commands after the server's counter (see renumber_after).
  void apply_push(const PushResponse& response);
  // Renumbers every command the server has not applied to follow `server_seq`, keeping order.
  void renumber_after(std::int64_t server_seq);
  // Rebases the view on the server's changes (or snapshot): undo pending, apply, drop what the
  // server now includes, replay the rest (flagging commands that now fail).
  ConfirmedDelta apply_pull(const PullResponse& response);
  // The administrator's organization changed: the next pull must be a snapshot.
  bool needs_snapshot() const { return needs_snapshot_; }

  // The refused command `seq`, edited (or as it was), queued again under a new UUID.
  Result<Changes> resubmit(std::int64_t seq, std::string uuid, std::optional<CommandArgs> edited,
                           TimestampMs now);
  void discard(std::int64_t seq);

  // The queue (pending commands, issues, counters) as JSON, and back. The confirmed entities are
  // persisted separately from each ConfirmedDelta.
  Json queue_json() const;
  // Rebuilds a replica from persisted confirmed entities and its queue JSON; pending commands
  // are replayed onto the view.
  static Result<Replica> restore(std::string client_id, AdminId actor, std::vector<Entity> confirmed,
                                 std::int64_t version, OrgId scope, const Json& queue);

 private:
  struct Applied {
    Changes inverse;  // undoes the command's effects on the view
  };
  Context context_for(const PendingCommand& p) const;
  Changes inverse_of(const Changes& forward) const;
  // Undo every pending command, run `between` on the confirmed state, replay.
  void rebase(const std::function<void(State&)>& between);

  std::string client_id_;
  AdminId actor_;
  State view_;
  std::int64_t version_ = 0;
  OrgId scope_;
  bool needs_snapshot_ = false;
  std::int64_t next_seq_ = 1;
  std::deque<PendingCommand> pending_;
  std::deque<Applied> applied_;  // one per pending command, same order
  std::vector<SyncIssue> issues_;
};

}  // namespace linedesk
