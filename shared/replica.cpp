// Replica: submit, push results, pull and rebase, persistence.
#include "replica.hpp"

#include <algorithm>

#include "api.hpp"

namespace linedesk {

Replica::Replica(std::string client_id, AdminId actor)
    : client_id_(std::move(client_id)), actor_(actor) {}

std::size_t Replica::unsent_count() const {
  return static_cast<std::size_t>(std::count_if(pending_.begin(), pending_.end(),
                                                [](const PendingCommand& p) { return !p.acknowledged; }));
}

Context Replica::context_for(const PendingCommand& p) const {
  return Context{actor_, p.queued_ms, seed_from(p.command.uuid), false};
}

Changes Replica::inverse_of(const Changes& forward) const {
  Changes inverse;
  for (const Entity& e : forward.puts) {
    if (auto old = view_.find(kind_of(e), id_of(e))) {
      inverse.puts.push_back(std::move(*old));
    } else {
      inverse.deletes.push_back(Tombstone{kind_of(e), id_of(e), org_of(e)});
    }
  }
  for (const Tombstone& t : forward.deletes) {
    if (auto old = view_.find(t.kind, t.id)) inverse.puts.push_back(std::move(*old));
  }
  return inverse;
}

Result<Changes> Replica::submit(std::string uuid, CommandArgs args, TimestampMs now) {
  PendingCommand p{next_seq_, Command{std::move(uuid), std::move(args)}, now, false, std::nullopt};
  auto changes = validate(view_, context_for(p), p.command.args);
  if (!changes) return changes;
  applied_.push_back(Applied{inverse_of(*changes)});
  view_.apply(*changes);
  pending_.push_back(std::move(p));
  ++next_seq_;
  return changes;
}

PushRequest Replica::push_request(std::size_t max) const {
  PushRequest req;
  req.protocol = kProtocolVersion;
  req.client_id = client_id_;
  for (const PendingCommand& p : pending_) {
    if (p.acknowledged) continue;
    if (req.commands.size() == max) break;
    req.commands.push_back(SequencedCommand{p.seq, p.command});
  }
  return req;
}

void Replica::rebase(const std::function<void(State&)>& between) {
  for (std::size_t i = applied_.size(); i-- > 0;) view_.apply(applied_[i].inverse);
  applied_.clear();
  between(view_);
  for (PendingCommand& p : pending_) {
    auto changes = validate(view_, context_for(p), p.command.args);
    if (changes) {
      applied_.push_back(Applied{inverse_of(*changes)});
      view_.apply(*changes);
      p.local_error.reset();
    } else {
      applied_.push_back(Applied{});
      p.local_error = changes.error();
    }
  }
}

void Replica::apply_push(const PushResponse& response) {
  if (response.error && (response.error->code == "out_of_order" ||
                         response.error->code == "sequence_reused")) {
    renumber_after(response.last_seq);
    return;
  }
  bool refused = false;
  for (const CommandResult& r : response.results) {
    auto it = std::find_if(pending_.begin(), pending_.end(),
                           [&](const PendingCommand& p) { return p.seq == r.seq; });
    if (it == pending_.end()) continue;
    if (r.ok) {
      it->acknowledged = true;
    } else {
      refused = true;
    }
  }
  if (!refused) return;
  // Refused commands leave the queue for the issues list; their effects are undone.
  rebase([&](State&) {
    for (const CommandResult& r : response.results) {
      if (r.ok) continue;
      auto it = std::find_if(pending_.begin(), pending_.end(),
                             [&](const PendingCommand& p) { return p.seq == r.seq; });
      if (it == pending_.end()) continue;
      issues_.push_back(SyncIssue{it->seq, it->command, r.error, it->queued_ms});
      pending_.erase(it);
    }
  });
}

ConfirmedDelta Replica::apply_pull(const PullResponse& response) {
  ConfirmedDelta delta;
  if (response.error) return delta;
  if (scope_.valid() && response.scope != scope_ && !response.snapshot) {
    needs_snapshot_ = true;
    return delta;
  }
  rebase([&](State& confirmed) {
    if (response.snapshot) {
      confirmed = State();
      for (const Entity& e : response.puts) confirmed.put(e);
      delta.reset = true;
      delta.puts = response.puts;
    } else if (response.ops.empty()) {
      for (const Entity& e : response.puts) confirmed.put(e);
      for (const Tombstone& t : response.deletes) confirmed.erase(t);
      delta.puts = response.puts;
      delta.deletes = response.deletes;
    } else {
      std::size_t pi = 0, di = 0;
      for (bool put : response.ops) {
        if (put) {
          confirmed.put(response.puts[pi++]);
        } else {
          confirmed.erase(response.deletes[di++]);
        }
      }
      delta.puts = response.puts;
      delta.deletes = response.deletes;
    }
    confirmed.version = response.version;
    // Commands the server has answered: applied ones are now part of the confirmed state;
    // refused ones go to the issues list. Unanswered ones stay queued.
    for (const CommandResult& r : response.results) {
      if (r.seq > response.last_seq) continue;
      auto it = std::find_if(pending_.begin(), pending_.end(),
                             [&](const PendingCommand& p) { return p.seq == r.seq; });
      if (it == pending_.end()) continue;
      if (!r.ok) issues_.push_back(SyncIssue{it->seq, it->command, r.error, it->queued_ms});
      pending_.erase(it);
    }
  });
  version_ = response.version;
  scope_ = response.scope;
  needs_snapshot_ = false;
  delta.version = version_;
  delta.scope = scope_;
  return delta;
}

void Replica::renumber_after(std::int64_t server_seq) {
  // The server never applied a command numbered above its counter; what this replica sent under
  // numbers the server does not know (it was restored from a backup, or this browser's queue
  // from an older copy) goes again, in the same order, right after the counter.
  std::int64_t next = server_seq + 1;
  for (PendingCommand& p : pending_) {
    if (p.acknowledged && p.seq <= server_seq) continue;
    p.acknowledged = false;
    p.seq = next++;
  }
  next_seq_ = std::max(next, server_seq + 1);
}

Result<Changes> Replica::resubmit(std::int64_t seq, std::string uuid,
                                  std::optional<CommandArgs> edited, TimestampMs now) {
  auto it = std::find_if(issues_.begin(), issues_.end(), [&](const SyncIssue& i) { return i.seq == seq; });
  if (it == issues_.end()) {
    return make_error("not_found", "seq", "That sync issue is no longer listed.");
  }
  auto r = submit(std::move(uuid), edited ? std::move(*edited) : it->command.args, now);
  if (r) issues_.erase(it);
  return r;
}

void Replica::discard(std::int64_t seq) {
  issues_.erase(std::remove_if(issues_.begin(), issues_.end(),
                               [&](const SyncIssue& i) { return i.seq == seq; }),
                issues_.end());
}

Json Replica::queue_json() const {
  Json pending = Json::array();
  for (const PendingCommand& p : pending_) {
    pending.push_back(Json{{"seq", p.seq},
                           {"command", to_json(p.command)},
                           {"queued_ms", p.queued_ms},
                           {"acknowledged", p.acknowledged}});
  }
  Json issues = Json::array();
  for (const SyncIssue& i : issues_) {
    issues.push_back(Json{{"seq", i.seq},
                          {"command", to_json(i.command)},
                          {"queued_ms", i.queued_ms},
                          {"error", error_body(i.error)["error"]}});
  }
  return Json{{"client_id", client_id_},
              {"actor", actor_.value},
              {"next_seq", next_seq_},
              {"pending", std::move(pending)},
              {"issues", std::move(issues)}};
}

Result<Replica> Replica::restore(std::string client_id, AdminId actor, std::vector<Entity> confirmed,
                                 std::int64_t version, OrgId scope, const Json& queue) {
  Replica r(std::move(client_id), actor);
  for (const Entity& e : confirmed) r.view_.put(e);
  r.view_.version = version;
  r.version_ = version;
  r.scope_ = scope;
  JsonReader q(queue, "queue");
  r.next_seq_ = q.optional_int("next_seq", 1);
  const Json* pending = q.optional("pending");
  const Json* issues = q.optional("issues");
  if (!q.ok()) return q.error();
  if (pending && pending->is_array()) {
    for (const Json& p : *pending) {
      JsonReader pr(p, "queue.pending");
      PendingCommand pc;
      pc.seq = pr.required_int("seq");
      pc.queued_ms = pr.optional_int("queued_ms");
      pc.acknowledged = pr.optional_bool("acknowledged");
      const Json& command = pr.required("command");
      if (!pr.ok()) return pr.error();
      auto c = command_from_json(command);
      if (!c) return c.error();
      pc.command = std::move(c).value();
      r.pending_.push_back(std::move(pc));
    }
  }
  if (issues && issues->is_array()) {
    for (const Json& i : *issues) {
      JsonReader ir(i, "queue.issues");
      SyncIssue issue;
      issue.seq = ir.required_int("seq");
      issue.queued_ms = ir.optional_int("queued_ms");
      const Json& command = ir.required("command");
      if (!ir.ok()) return ir.error();
      auto c = command_from_json(command);
      if (!c) return c.error();
      issue.command = std::move(c).value();
      if (const Json* e = ir.optional("error")) issue.error = error_from_body(Json{{"error", *e}}, 0);
      r.issues_.push_back(std::move(issue));
    }
  }
  r.rebase([](State&) {});
  return r;
}

}  // namespace linedesk
