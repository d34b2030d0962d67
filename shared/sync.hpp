// The sync protocol (DESIGN "Sync protocol"): a client pushes its queued commands with a dense
// per-client sequence; the server applies each once, in order, and records a result for every
// one; the client pulls the changes since its version (or a snapshot) and rebases.
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "changes.hpp"
#include "command.hpp"

namespace linedesk {

// The outcome of one pushed command, kept by the server for that client.
struct CommandResult {
  std::int64_t seq = 0;
  std::string uuid;
  bool ok = false;
  Json result;   // the command's result when ok
  Error error;   // why it was refused (a domain rule, a permission revoked while offline...)
  std::int64_t version = 0;  // the server version that includes the command (ok only)
  bool operator==(const CommandResult&) const = default;
};

struct SequencedCommand {
  std::int64_t seq = 0;
  Command command;
  bool operator==(const SequencedCommand&) const = default;
};

struct PushRequest {
  int protocol = 0;
  std::string client_id;
  std::vector<SequencedCommand> commands;  // ascending, dense
};

// `last_seq`: the highest sequence the server holds a result for (the client's counter).
// `error` is set when the whole push was refused: "out_of_order" (a gap; nothing applied),
// "version_mismatch" (outdated client). Results cover every command of the push that is at or
// below last_seq, including duplicates answered from storage.
struct PushResponse {
  int protocol = 0;
  std::int64_t last_seq = 0;
  std::vector<CommandResult> results;
  std::optional<Error> error;
};

struct PullRequest {
  int protocol = 0;
  std::string client_id;
  std::int64_t since = 0;     // 0: a snapshot
  std::int64_t from_seq = 0;  // the lowest sequence the client still waits on; results from it
  // The client reads snapshots in their text form (snapshot_codec.hpp): much smaller and
  // faster to decode than JSON for a large enterprise. Other answers stay JSON.
  bool text_snapshot = false;
};

// Changes after `since` up to `version`, filtered to what the administrator may see. With
// `snapshot`, `puts` is the whole visible state and the client replaces its own. `scope` is the
// administrator's organization: when it changes the client asks for a snapshot.
struct PullResponse {
  int protocol = 0;
  std::int64_t version = 0;
  bool snapshot = false;
  OrgId scope;
  std::vector<Entity> puts;
  std::vector<Tombstone> deletes;  // in order with the puts they follow: see `ops`
  // The order to apply: true = next put, false = next delete. Empty means all deletes after
  // all puts (snapshots).
  std::vector<bool> ops;
  // This client's counter and the results from the request's from_seq, as of `version`: every
  // command at or below last_seq that applied is included in it (the client drops it from its
  // queue on that promise).
  std::int64_t last_seq = 0;
  std::vector<CommandResult> results;
  std::optional<Error> error;
};

Json to_json(const CommandResult& r);
Result<CommandResult> command_result_from_json(const Json& j);
Json to_json(const PushRequest& r);
Result<PushRequest> push_request_from_json(const Json& j);
Json to_json(const PushResponse& r);
Result<PushResponse> push_response_from_json(const Json& j);
Json to_json(const PullRequest& r);
Result<PullRequest> pull_request_from_json(const Json& j);
Json to_json(const PullResponse& r);
Result<PullResponse> pull_response_from_json(const Json& j);

// Seeds refused by the protocol (DESIGN 7): "version_mismatch" for another protocol version.
Error protocol_mismatch(int theirs);

}  // namespace linedesk
