// Service: the sync protocol — push applies each client's commands exactly once and in order;
// pull returns what the administrator may see, or a snapshot.
#include <algorithm>

#include "service.hpp"
#include "shared/api.hpp"

namespace linedesk::server {
namespace {

// Beyond its subtree an administrator's replica holds what the core's rules read from above:
// the organizations on the way up to the root (inherited policies, where a default User
// Permissions group is found) and the roles and groups defined there (usable in the subtree).
// Commands still act only within the subtree; every other entity must lie in it.
bool usable_from_above(EntityKind kind) {
  return kind == EntityKind::kOrganization || kind == EntityKind::kRole ||
         kind == EntityKind::kPermissionGroup;
}

bool visible(EntityKind kind, const std::string& path, const std::string& scope_path) {
  if (path.compare(0, scope_path.size(), scope_path) == 0) return true;
  return usable_from_above(kind) && !path.empty() &&
         scope_path.compare(0, path.size(), path) == 0;
}

}  // namespace

PushResponse Service::push(const Actor& actor, const PushRequest& request) {
  PushResponse response;
  response.protocol = kProtocolVersion;
  if (request.protocol != kProtocolVersion) {
    response.error = protocol_mismatch(request.protocol);
    return response;
  }
  std::unique_lock lock(mutex_);
  const auto client = store_.sync_client(request.client_id);
  if (client && client->admin != actor.admin) {
    response.error = make_error("client_taken", "client_id",
                                "This browser's changes belong to another administrator; sign "
                                "in as them, or clear this browser's data.");
    return response;
  }
  std::int64_t counter = client ? client->last_seq : 0;
  response.last_seq = counter;
  if (request.commands.empty()) return response;
  const std::int64_t first = request.commands.front().seq;
  for (std::size_t i = 0; i < request.commands.size(); ++i) {
    if (request.commands[i].seq != first + static_cast<std::int64_t>(i)) {
      response.error = make_error("out_of_order", "commands",
                                  "The commands are not in one unbroken sequence; nothing was applied.");
      return response;
    }
  }
  if (first > counter + 1 || first < 1) {
    response.error = make_error("out_of_order", "commands",
                                "The server expected command " + std::to_string(counter + 1) +
                                    " next but got " + std::to_string(first) + "; nothing was applied.");
    return response;
  }
  // Numbers the server already gave to commands must come back with the same commands: a
  // client that lost its queue (or restored an older copy) and numbered new commands from an
  // old counter is told to renumber instead of having them answered with others' results.
  if (first <= counter) {
    const std::vector<CommandResult> known =
        store_.sync_results(request.client_id, first, std::min(counter, request.commands.back().seq));
    for (const CommandResult& r : known) {
      const SequencedCommand& sent = request.commands[static_cast<std::size_t>(r.seq - first)];
      if (sent.command.uuid != r.uuid) {
        response.error = make_error(
            "sequence_reused", "commands",
            "Command " + std::to_string(r.seq) + " was already used for another change; the "
            "server's counter is " + std::to_string(counter) + ". Nothing was applied.");
        return response;
      }
    }
  }
  bool applied = false;
  try {
    for (const SequencedCommand& sc : request.commands) {
      if (sc.seq <= counter) continue;  // answered from storage below
      // Each command in its own transaction, under the database's command lock: the client's
      // counter is read again there, as another server process may have taken a retry of this
      // same push meanwhile.
      Store::Write write(store_);
      catch_up_locked();
      const auto now_client = store_.sync_client(request.client_id);
      const std::int64_t now_counter = now_client ? now_client->last_seq : 0;
      if (sc.seq <= now_counter) {
        counter = now_counter;
        continue;
      }
      if (sc.seq > now_counter + 1) {
        // Only another process taking part of this client's queue away could do this.
        response.error = make_error("out_of_order", "commands",
                                    "The server expected command " + std::to_string(now_counter + 1) +
                                        " next but got " + std::to_string(sc.seq) + "; nothing more was applied.");
        break;
      }
      const Context ctx = context_for(sc.command, actor.admin, clock_.now_ms());
      CommitRecord record;
      record.command_uuid = sc.command.uuid;
      record.sync_client = request.client_id;
      record.sync_seq = sc.seq;
      auto changes = apply_locked(write, ctx, sc.command.args, record);
      if (!changes) {
        Error e = changes.error();
        // A privilege lost while the command waited offline reads as such in Sync issues.
        if (e.code == "forbidden") e.code = "permission_revoked";
        store_.record_sync_rejection(write, request.client_id, actor.admin, sc.seq,
                                     sc.command.uuid, e, clock_.now_ms());
      }
      commit_locked(write);
      applied = applied || static_cast<bool>(changes);
      counter = sc.seq;
    }
  } catch (const DbError&) {
    // The commands committed before the failure stay; long polls and mail still hear of them.
    lock.unlock();
    if (applied) changed();
    throw;
  }
  response.last_seq = counter;
  response.results = store_.sync_results(request.client_id, first, counter);
  lock.unlock();
  if (applied) changed();
  return response;
}

PullResponse Service::pull(const Actor& actor, const PullRequest& request, std::int64_t wait_ms) {
  PullResponse response;
  response.protocol = kProtocolVersion;
  if (request.protocol != kProtocolVersion) {
    response.error = protocol_mismatch(request.protocol);
    return response;
  }
  // Commits another server process made that this one has not heard of yet.
  if (shared_) catch_up();
  if (const auto client = store_.sync_client(request.client_id); client && client->admin != actor.admin) {
    response.error = make_error("client_taken", "client_id",
                                "This browser's changes belong to another administrator.");
    return response;
  }
  // Long poll: wait for the server to move past the client's version.
  if (wait_ms > 0 && request.since > 0 && version() <= request.since && !stopping_) {
    std::unique_lock lock(version_mutex_);
    version_changed_.wait_for(lock, std::chrono::milliseconds(wait_ms),
                              [&] { return stopping_ || version() > request.since; });
  }
  // Everything below is read under one lock, so no commit or compaction falls between: a
  // compaction after reading compacted_before would leave a silent gap in the rows, and a commit
  // before reading the counter would report results the answered version does not include.
  std::shared_lock lock(mutex_);
  const bool too_old = request.since <= 0 || request.since < store_.compacted_before() - 1;
  const Administrator* me = state_.admin(actor.admin);
  if (!me) {
    response.error = make_error("no_session", "", "Your administrator account was removed.");
    return response;
  }
  response.scope = me->org;
  const std::string scope_path = path_of(me->org);
  response.version = state_.version;

  std::vector<ChangeRow> rows;
  bool snapshot = too_old;
  if (!snapshot && request.since < state_.version) {
    rows = store_.changes_since(request.since, config_.pull_limit + 1);
    // Far behind: a snapshot is smaller than the rows.
    if (static_cast<std::int64_t>(rows.size()) > config_.pull_limit) snapshot = true;
    // Another process sharing the database may have compacted the log since the mark was read
    // (this one cannot: it compacts under the unique lock). Read after the rows, the mark says
    // whether they start where the client left off.
    if (shared_ && request.since < store_.compacted_before() - 1) snapshot = true;
  }
  if (snapshot) {
    response.snapshot = true;
    auto add = [&](const Entity& e) {
      if (visible(kind_of(e), path_of(org_of(e)), scope_path)) response.puts.push_back(e);
    };
    for (const auto& [id, v] : state_.orgs().all()) add(v);
    for (const auto& [id, v] : state_.admins()) add(v);
    for (const auto& [id, v] : state_.roles()) add(v);
    for (const auto& [id, v] : state_.groups()) add(v);
    for (const auto& [id, v] : state_.accounts()) add(v);
    for (const auto& [id, v] : state_.numbers()) add(v);
    for (const auto& [id, v] : state_.invitations()) add(v);
    for (const auto& [id, v] : state_.batches()) {
      if (state_.org(v.org)) add(v);
    }
  } else {
    for (const ChangeRow& row : rows) {
      if (row.seq > state_.version) break;  // committed after the state we answer for
      const auto kind = entity_kind_from_name(row.kind);
      if (!kind || !visible(*kind, row.path, scope_path)) continue;
      if (row.deleted) {
        response.deletes.push_back(Tombstone{*kind, row.entity_id, row.org});
        response.ops.push_back(false);
        continue;
      }
      auto value = parse_json(row.value);
      if (!value) continue;
      auto entity = entity_from_envelope(Json{{"kind", row.kind}, {"value", std::move(value).value()}});
      if (!entity) continue;
      response.puts.push_back(std::move(entity).value());
      response.ops.push_back(true);
    }
  }
  const auto client = store_.sync_client(request.client_id);
  response.last_seq = client ? client->last_seq : 0;
  if (client && request.from_seq > 0 && request.from_seq <= response.last_seq) {
    response.results = store_.sync_results(request.client_id, request.from_seq, response.last_seq);
  }
  return response;
}

void Service::begin_shutdown() {
  {
    std::lock_guard lock(version_mutex_);
    stopping_ = true;
  }
  version_changed_.notify_all();
}

void Service::compact_change_log(std::int64_t keep) {
  std::unique_lock lock(mutex_);
  Store::Write write(store_);
  catch_up_locked();
  commits_since_compaction_ = 0;
  if (state_.version > keep) store_.compact_change_log(write, state_.version - keep);
  commit_locked(write);
}

}  // namespace linedesk::server
