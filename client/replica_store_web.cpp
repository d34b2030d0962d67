// IndexedDB persistence of the replica (JavaScript side: window.ldStore in linedesk_web.js).
#include "replica_store_web.hpp"

#include <emscripten.h>

namespace linedesk::client {
namespace {

std::string entity_key(EntityKind kind, std::int64_t id) {
  return std::string(entity_kind_name(kind)) + ":" + std::to_string(id);
}

}  // namespace

int ReplicaStoreWeb::remember(std::function<void(bool, const char*)> callback) {
  const int id = next_id_++;
  waiting_.emplace(id, std::move(callback));
  return id;
}

void ReplicaStoreWeb::on_done(int id, bool ok, const char* text) {
  auto it = waiting_.find(id);
  if (it == waiting_.end()) return;
  auto callback = std::move(it->second);
  waiting_.erase(it);
  callback(ok, text);
}

void ReplicaStoreWeb::load(std::function<void(StoredReplica)> done) {
  const int id = remember([done = std::move(done)](bool ok, const char* text) {
    StoredReplica out;
    if (!ok || !text) return done(out);
    auto doc = parse_json(text, 8);
    if (!doc || !doc->is_object()) return done(out);
    const Json& d = doc.value();
    if (!d.contains("session") || !d["session"].is_object()) return done(out);
    out.found = true;
    out.client_id = d.value("client_id", "");
    out.session = d["session"];
    if (d.contains("confirmed") && d["confirmed"].is_object()) {
      out.version = d["confirmed"].value("version", std::int64_t{0});
      out.scope = OrgId(d["confirmed"].value("scope", std::int64_t{0}));
    }
    if (d.contains("queue")) out.queue = d["queue"];
    if (d.contains("entities") && d["entities"].is_array()) {
      out.entities.reserve(d["entities"].size());
      for (const Json& e : d["entities"]) {
        if (auto entity = entity_from_envelope(e)) out.entities.push_back(std::move(entity).value());
      }
    }
    done(std::move(out));
  });
  EM_ASM({ window.ldStore.load($0, $1); }, runtime_, id);
}

void ReplicaStoreWeb::save_queue(const Json& queue, std::function<void(bool)> done) {
  const int id = remember([done = std::move(done)](bool ok, const char*) {
    if (done) done(ok);
  });
  const std::string text = queue.dump(-1, ' ', false, Json::error_handler_t::replace);
  EM_ASM({ window.ldStore.saveQueue($0, $1, UTF8ToString($2)); }, runtime_, id, text.c_str());
}

void ReplicaStoreWeb::save_confirmed(const ConfirmedDelta& delta, std::function<void(bool)> done) {
  Json puts = Json::array();
  for (const Entity& e : delta.puts) {
    puts.push_back(Json::array({entity_key(kind_of(e), id_of(e)),
                                entity_envelope(e).dump(-1, ' ', false, Json::error_handler_t::replace)}));
  }
  Json deletes = Json::array();
  for (const Tombstone& t : delta.deletes) deletes.push_back(entity_key(t.kind, t.id));
  const Json doc{{"reset", delta.reset},
                 {"puts", std::move(puts)},
                 {"deletes", std::move(deletes)},
                 {"meta", Json{{"version", delta.version}, {"scope", delta.scope.value}}}};
  const int id = remember([done = std::move(done)](bool ok, const char*) {
    if (done) done(ok);
  });
  const std::string text = doc.dump(-1, ' ', false, Json::error_handler_t::replace);
  EM_ASM({ window.ldStore.saveConfirmed($0, $1, UTF8ToString($2)); }, runtime_, id, text.c_str());
}

void ReplicaStoreWeb::save_session(const std::string& client_id, const Json& session) {
  const std::string text = Json{{"client_id", client_id}, {"session", session}}.dump();
  EM_ASM({ window.ldStore.saveSession(UTF8ToString($0)); }, text.c_str());
}

void ReplicaStoreWeb::clear(std::function<void(bool)> done) {
  const int id = remember([done = std::move(done)](bool ok, const char*) {
    if (done) done(ok);
  });
  EM_ASM({ window.ldStore.clear($0, $1); }, runtime_, id);
}

}  // namespace linedesk::client
