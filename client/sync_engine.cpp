// The console's sync loop.
#include "sync_engine.hpp"

#include "api_client.hpp"
#include "shared/snapshot_codec.hpp"

namespace linedesk::client {
namespace {

// A pull's answer: a snapshot in its text form, or JSON.
Result<PullResponse> read_pull_answer(const HttpResponse& res) {
  if (res.status == 200) {
    auto decoded = decode_pull_answer(res.body);
    if (!decoded) return make_error("bad_response", "", "The server's answer could not be read: " + decoded.error().message);
    return decoded;
  }
  auto answer = ApiClient::read_answer(res);
  if (!answer) return answer.error();
  return pull_response_from_json(answer.value());
}

}  // namespace

SyncEngine::SyncEngine(Http& http, ReplicaStore& store) : http_(http), store_(store) {}

void SyncEngine::start(std::unique_ptr<Replica> replica, std::string token, TimestampMs now) {
  ++generation_;
  replica_ = std::move(replica);
  token_ = std::move(token);
  status_ = SyncStatus{};
  status_.pending = replica_->unsent_count();
  status_.issues = replica_->issues().size();
  push_in_flight_ = pull_in_flight_ = false;
  next_attempt_ms_ = 0;
  now_ = now;
}

void SyncEngine::stop() {
  ++generation_;
  replica_.reset();
  token_.clear();
  status_ = SyncStatus{};
  push_in_flight_ = pull_in_flight_ = false;
}

void SyncEngine::set_token(std::string token) {
  token_ = std::move(token);
  status_.session_expired = false;
  status_.problem.clear();
  next_attempt_ms_ = 0;
}

Result<Changes> SyncEngine::submit(CommandArgs args, TimestampMs now, std::function<void(bool)> saved) {
  auto r = replica_->submit(make_uuid ? make_uuid() : std::to_string(now), std::move(args), now);
  if (!r) return r;
  status_.pending = replica_->unsent_count();
  persist_queue(std::move(saved));
  return r;
}

Result<Changes> SyncEngine::resubmit(std::int64_t seq, std::optional<CommandArgs> edited,
                                     TimestampMs now) {
  auto r = replica_->resubmit(seq, make_uuid ? make_uuid() : std::to_string(now), std::move(edited), now);
  if (!r) return r;
  status_.pending = replica_->unsent_count();
  status_.issues = replica_->issues().size();
  persist_queue();
  return r;
}

void SyncEngine::discard(std::int64_t seq) {
  replica_->discard(seq);
  status_.issues = replica_->issues().size();
  persist_queue();
}

void SyncEngine::persist_queue(std::function<void(bool)> done) {
  ++saves_in_flight_;
  status_.saving = true;
  const std::uint64_t gen = generation_;
  store_.save_queue(replica_->queue_json(), [this, gen, done = std::move(done)](bool ok) {
    if (gen == generation_) {
      if (--saves_in_flight_ == 0) status_.saving = false;
      if (!ok) status_.problem = "This device could not save your change. Keep this tab open.";
    }
    if (done) done(ok);
  });
}

void SyncEngine::failed(const Error& e, TimestampMs now) {
  status_.problem = e.message;
  if (e.code == "offline" || e.code == "bad_response" || e.code == "internal") {
    status_.online = false;
  } else if (e.code.rfind("storage_", 0) == 0) {
    // The server answers but cannot save (a full disk, a read-only database): reads go on, the
    // queue waits and is pushed again later.
    status_.online = true;
  } else if (e.code == "session_expired" || e.code == "no_session") {
    status_.online = true;
    status_.session_expired = true;
  } else if (e.code == "version_mismatch") {
    status_.outdated = true;
  }
  next_attempt_ms_ = now + retry_ms;
}

void SyncEngine::tick(TimestampMs now) {
  now_ = now;
  if (!replica_ || status_.outdated || status_.session_expired) return;
  if (now < next_attempt_ms_) return;
  if (!push_in_flight_ && replica_->unsent_count() > 0) push();
  if (!pull_in_flight_) pull();
  status_.syncing = push_in_flight_ || snapshot_in_flight_;
}

void SyncEngine::push() {
  const PushRequest req = replica_->push_request(push_batch);
  if (req.commands.empty()) return;
  push_in_flight_ = true;
  const std::uint64_t gen = generation_;
  http_.request("POST", "/api/sync/push", to_json(req).dump(), token_,
                [this, gen](const HttpResponse& res) {
                  if (gen != generation_) return;
                  push_in_flight_ = false;
                  // 409: the server refused the numbering and says its counter; the replica
                  // renumbers and the next tick pushes again.
                  Result<Json> answer = ApiClient::read_answer(res);
                  if (!answer && res.status == 409) {
                    if (auto body = parse_json(res.body)) answer = std::move(body).value();
                  }
                  if (!answer) {
                    if (answer.error().code.rfind("storage_", 0) == 0) {
                      status_.push_refused = answer.error().message;
                    }
                    return failed(answer.error(), now_);
                  }
                  auto resp = push_response_from_json(answer.value());
                  if (!resp) return failed(resp.error(), now_);
                  if (resp->error && resp->error->code == "version_mismatch") {
                    return failed(*resp->error, now_);
                  }
                  replica_->apply_push(*resp);
                  status_.online = true;
                  status_.push_refused.clear();
                  status_.problem = resp->error ? resp->error->message : std::string();
                  status_.pending = replica_->unsent_count();
                  status_.issues = replica_->issues().size();
                  persist_queue();
                  if (on_view_changed) on_view_changed();
                });
}

void SyncEngine::pull() {
  PullRequest req;
  req.protocol = kProtocolVersion;
  req.client_id = replica_->client_id();
  req.since = replica_->needs_snapshot() ? 0 : replica_->version();
  req.from_seq = replica_->pending().empty() ? replica_->next_seq() : replica_->pending().front().seq;
  req.text_snapshot = true;
  // A replica that is current waits on the server for the next change (long poll).
  const bool wait = req.since > 0 && replica_->unsent_count() == 0;
  pull_in_flight_ = true;
  snapshot_in_flight_ = req.since == 0;
  const std::uint64_t gen = generation_;
  const std::string path = wait ? "/api/sync/pull?wait=" + std::to_string(long_poll_s) : "/api/sync/pull";
  http_.request(
      "POST", path, to_json(req).dump(), token_,
      [this, gen](const HttpResponse& res) {
        if (gen != generation_) return;
        pull_in_flight_ = false;
        snapshot_in_flight_ = false;
        auto resp = read_pull_answer(res);
        if (!resp) return failed(resp.error(), now_);
        if (resp->error) return failed(*resp->error, now_);
        const ConfirmedDelta delta = replica_->apply_pull(*resp);
        status_.online = true;
        status_.problem = status_.push_refused;  // a pull does not lift a push's refusal
        status_.last_sync_ms = now_;
        status_.pending = replica_->unsent_count();
        status_.issues = replica_->issues().size();
        if (delta.reset || !delta.puts.empty() || !delta.deletes.empty() || delta.version > 0) {
          store_.save_confirmed(delta, [](bool) {});
        }
        persist_queue();
        if (on_view_changed) on_view_changed();
      },
      static_cast<unsigned>((wait ? long_poll_s + 15 : 30) * 1000));
}

}  // namespace linedesk::client
