// Service: sign-in, commands, mail decisions, activation.
#include "service.hpp"

#include <cstdio>

#include "auth.hpp"
#include "shared/mail_template.hpp"
#include "shared/reports.hpp"
#include "shared/text.hpp"

namespace linedesk::server {
namespace {

constexpr std::int64_t kHourMs = 60LL * 60 * 1000;
// How stale a session's last-seen time may get before a request writes it again.
constexpr std::int64_t kSessionTouchMs = 60LL * 1000;
constexpr std::size_t kActivationChoices = 5;

std::string admin_name(const Administrator& a) { return a.display_name(); }

}  // namespace

int http_status_for(const Error& e) {
  const std::string& c = e.code;
  // Specific codes first: several share the generic "invalid_" prefix below.
  if (c == "no_session" || c == "session_expired" || c == "invalid_credentials" ||
      c == "unknown_admin") {
    return 401;
  }
  if (c == "forbidden" || c == "privilege_escalation" || c == "cannot_edit_self" ||
      c == "cannot_remove_self" || c == "wrong_password") {
    return 403;
  }
  if (c == "not_found" || c == "number_not_found" || c == "invitation_unknown") return 404;
  if (c == "number_taken" || c == "account_id_taken" || c == "version_conflict" ||
      c == "org_name_taken" || c == "group_name_taken" || c == "role_name_taken" ||
      c == "admin_email_taken" || c == "number_exists" || c == "version_mismatch" ||
      c == "idempotency_key_reused") {
    return 409;
  }
  if (c == "invitation_used" || c == "invitation_revoked" || c == "invitation_expired") return 410;
  // Size refusals before the generic "csv_" prefix below: the fix is a smaller file.
  if (c == "batch_too_large" || c == "body_too_large" || c == "too_many_numbers" ||
      c == "csv_too_large" || c == "csv_too_many_rows") {
    return 413;
  }
  if (c == "too_many_attempts") return 429;
  if (c == "bad_json" || c == "missing_field" || c == "invalid_field" || c == "bad_request" ||
      c == "unknown_command" || c.rfind("invalid_", 0) == 0 || c.rfind("csv_", 0) == 0 ||
      c == "too_long" || c == "out_of_range" || c == "threshold_out_of_range" ||
      c == "missing_column" || c == "duplicate_column" || c == "weak_password" ||
      c == "email_required" || c == "unknown_policy" || c == "batch_empty" ||
      c == "photo_too_large") {
    return 400;
  }
  return 422;  // a domain rule refused the change
}

Service::Service(Store& store, const Clock& clock, ServiceConfig config)
    : store_(store), clock_(clock), config_(std::move(config)), shared_(store.shared()) {
  reload_locked();
}

void Service::catch_up() {
  const std::int64_t newest = store_.version();
  {
    std::shared_lock lock(mutex_);
    if (newest <= state_.version) return;
  }
  std::unique_lock lock(mutex_);
  catch_up_locked();
}

bool Service::catch_up_locked() {
  if (!read_changes_locked()) return false;
  // Long polls here wait for exactly this, whichever path read it first (a command's write, a
  // read, the listener): they wake now.
  {
    std::lock_guard lock(version_mutex_);
  }
  version_changed_.notify_all();
  return true;
}

bool Service::read_changes_locked() {
  // Read in chunks: a process far behind does not hold one huge result.
  constexpr std::int64_t kChunk = 5000;
  const std::int64_t from = state_.version;
  for (;;) {
    const std::vector<ChangeRow> rows = store_.changes_since(state_.version, kChunk);
    if (rows.empty()) break;
    // The mark is read after the rows: a compaction that removed rows before they were read
    // has moved it by then, and a gap is never taken for the whole story.
    if (state_.version < store_.compacted_before() - 1) {
      reload_locked();
      return true;
    }
    for (const ChangeRow& row : rows) {
      const auto kind = entity_kind_from_name(row.kind);
      std::optional<Entity> entity;
      if (kind && !row.deleted) {
        auto value = parse_json(row.value);
        if (value) {
          auto e = entity_from_envelope(Json{{"kind", row.kind}, {"value", std::move(value).value()}});
          if (e) entity = std::move(e).value();
        }
      }
      if (!kind || (!row.deleted && !entity)) {
        // A row this server cannot read (written by a newer one?): the tables are the truth.
        reload_locked();
        return true;
      }
      if (row.deleted) {
        state_.erase(Tombstone{*kind, row.entity_id, row.org});
      } else {
        if (const auto* o = std::get_if<Organization>(&*entity)) parents_[o->id] = o->parent;
        state_.put(*entity);
      }
      state_.version = row.seq;
    }
    if (static_cast<std::int64_t>(rows.size()) < kChunk) break;
  }
  return state_.version != from;
}

void Service::reload_locked() {
  state_ = store_.load_state();
  parents_.clear();
  for (const auto& [id, o] : state_.orgs().all()) parents_[id] = o.parent;
}

std::string Service::path_of(OrgId org) const {
  std::vector<std::int64_t> chain;
  for (OrgId o = org; o.valid() && chain.size() <= parents_.size(); ) {
    chain.push_back(o.value);
    auto it = parents_.find(o);
    o = it == parents_.end() ? OrgId() : it->second;
  }
  std::string path = "/";
  for (auto it = chain.rbegin(); it != chain.rend(); ++it) path += std::to_string(*it) + "/";
  return path;
}

void Service::changed() {
  {
    std::lock_guard lock(version_mutex_);
  }
  version_changed_.notify_all();
  try {
    compact_if_due();
  } catch (const DbError& e) {
    // Bookkeeping only: tried again after the next thousand commits.
    std::fprintf(stderr, "linedesk-server: compacting the change log: %s\n", e.what());
  }
  bool mail = false;
  {
    std::unique_lock lock(mutex_);
    mail = std::exchange(mail_queued_, false);
  }
  if (mail && mail_listener_) mail_listener_();
}

std::int64_t Service::version() const {
  std::shared_lock lock(mutex_);
  return state_.version;
}

// --- sign-in ------------------------------------------------------------------------------

Result<SessionInfo> Service::login(const LoginRequest& req, const std::string& remote_addr) {
  const std::int64_t now = clock_.now_ms();
  const std::string email_key = "email:" + req.email;
  const std::string addr_key = "addr:" + remote_addr;
  const std::int64_t by_account = store_.login_failures_since(email_key, now - kHourMs);
  const std::int64_t by_address = store_.login_failures_since(addr_key, now - kHourMs);
  if (by_account >= config_.max_failures_per_account ||
      by_address >= config_.max_failures_per_address) {
    audit(nullptr, OrgId(), "login_refused", req.email,
          "Sign-in refused for " + req.email + " from " + remote_addr +
              ": too many failed attempts in the last hour.");
    return make_error("too_many_attempts", "",
                      by_account >= config_.max_failures_per_account
                          ? "Too many failed sign-ins for this account in the last hour. Wait "
                            "an hour or ask another administrator to reset your password."
                          : "Too many failed sign-ins from your address in the last hour. Try "
                            "again later.");
  }
  std::optional<Administrator> admin =
      read([&](const State& s) -> std::optional<Administrator> {
        const Administrator* a = s.admin_by_email(req.email);
        return a ? std::optional<Administrator>(*a) : std::nullopt;
      });
  const std::string hash = admin ? store_.password_hash(admin->id) : std::string();
  // Unknown emails and invited administrators without a password take as long as a wrong
  // password, so timing reveals nothing.
  static const std::string kDummy = hash_password("linedesk-timing-equaliser");
  const bool ok = !hash.empty() ? verify_password(hash, req.password)
                                : (verify_password(kDummy, req.password), false);
  if (!ok) {
    store_.record_login_failure(email_key, now);
    store_.record_login_failure(addr_key, now);
    audit(nullptr, admin ? admin->org : OrgId(), "login_failed", req.email,
          "Failed sign-in for " + req.email + " from " + remote_addr + ".");
    return make_error("invalid_credentials", "password", "The email or password is incorrect.");
  }
  auto info = read([&](const State& s) -> std::optional<SessionInfo> {
    const Administrator* a = s.admin(admin->id);
    const Role* r = a ? s.role(a->role) : nullptr;
    const Organization* o = a ? s.org(a->org) : nullptr;
    if (!a || !r || !o) return std::nullopt;
    return SessionInfo{"", now + config_.session_absolute_ms, *a, *r, *o};
  });
  if (!info) {
    return make_error("unknown_admin", "", "The administrator's role or organization is missing.");
  }
  info->token = new_session_token();
  store_.create_session(token_hash(info->token), admin->id, now);
  Actor actor{admin->id, token_hash(info->token), {admin->id, now, now, false}};
  audit(&actor, admin->org, "login", req.email, req.email + " signed in from " + remote_addr + ".");
  return std::move(*info);
}

Result<Actor> Service::authenticate(const std::string& token) {
  if (token.empty()) return make_error("no_session", "", "Sign in first.");
  Actor actor;
  actor.token_hash = token_hash(token);
  auto session = store_.session(actor.token_hash);
  const std::int64_t now = clock_.now_ms();
  if (!session || session->revoked) {
    return make_error("no_session", "", "Your session has ended. Sign in again.");
  }
  if (now - session->last_seen_ms > config_.session_idle_ms ||
      now - session->created_ms > config_.session_absolute_ms) {
    return make_error("session_expired", "",
                      "Your session expired. Sign in again; nothing you queued is lost.");
  }
  const bool exists = read([&](const State& s) { return s.admin(session->admin) != nullptr; });
  if (!exists) return make_error("no_session", "", "Your administrator account was removed.");
  // A minute's precision is plenty for a 30-minute idle limit, and spares every request a write.
  // It is bookkeeping only: a database that cannot take it (full disk, read-only) still lets the
  // administrator read.
  try {
    if (now - session->last_seen_ms >= kSessionTouchMs) store_.touch_session(actor.token_hash, now);
  } catch (const DbError&) {
  }
  actor.admin = session->admin;
  actor.session = *session;
  return actor;
}

void Service::logout(const Actor& actor) {
  store_.revoke_session(actor.token_hash);
  const OrgId org = read([&](const State& s) {
    const Administrator* a = s.admin(actor.admin);
    return a ? a->org : OrgId();
  });
  audit(&actor, org, "logout", "", "Signed out.");
}

Status Service::change_password(const Actor& actor, const std::string& current,
                                const std::string& next) {
  if (!verify_password(store_.password_hash(actor.admin), current)) {
    // Not invalid_credentials: the console would read that as "signed out".
    return make_error("wrong_password", "current_password", "The current password is wrong.");
  }
  if (auto s = check_new_password(next); !s) return s;
  store_.set_password_hash(actor.admin, hash_password(next), clock_.now_ms());
  // Other sessions end; this one continues.
  store_.revoke_sessions_of(actor.admin, actor.token_hash);
  const OrgId org = read([&](const State& s) { return s.admin(actor.admin)->org; });
  audit(&actor, org, "change_password", "", "Changed their password.");
  return {};
}

// --- commands -----------------------------------------------------------------------------

Result<Changes> Service::run(const Actor& actor, const Command& command) {
  Context ctx = context_for(command, actor.admin, clock_.now_ms());
  return run_locked(ctx, command.args, &command);
}

Result<Changes> Service::check(const Actor& actor, const CommandArgs& args) {
  if (shared_) catch_up();
  std::shared_lock lock(mutex_);
  Context ctx{actor.admin, clock_.now_ms(), seed_from(new_session_token()), false};
  return validate(state_, ctx, args);
}

Result<Changes> Service::run_system(const CommandArgs& args) {
  Context ctx{AdminId(), clock_.now_ms(), seed_from(new_session_token()), true};
  return run_locked(ctx, args, nullptr);
}

Result<Changes> Service::run_locked(const Context& ctx, const CommandArgs& args,
                                    const Command* command) {
  std::unique_lock lock(mutex_);
  Result<Changes> changes = Changes{};
  {
    Store::Write write(store_);
    catch_up_locked();
    // A UUID already applied gets its stored answer: a retried request changes nothing twice
    // (through whichever process it reached).
    if (command) {
      if (auto stored = store_.command_result(command->uuid)) {
        // Keys are chosen by senders: another administrator's key is theirs, not an answer.
        if (stored->admin != ctx.actor) {
          return make_error("idempotency_key_reused", "",
                            "Another administrator already sent a request with this "
                            "Idempotency-Key; send yours with a new key.");
        }
        Changes c;
        c.result = std::move(stored->result);
        return c;
      }
    }
    CommitRecord record;
    if (command) {
      record.command_uuid = command->uuid;
      record.remember_command = true;
    }
    changes = apply_locked(write, ctx, args, record);
    if (changes) commit_locked(write);
  }
  lock.unlock();
  if (changes) changed();
  return changes;
}

Result<Changes> Service::apply_locked(Store::Write& write, const Context& ctx,
                                      const CommandArgs& args, CommitRecord& record) {
  auto changes = execute(state_, ctx, args);
  if (!changes) return changes;
  prepare_record(ctx, args, changes.value(), record);
  try {
    state_.version = store_.commit(write, record);
  } catch (...) {
    // Nothing was written: go back to what the database holds.
    write.rollback();
    reload_locked();
    throw;
  }
  after_commits_locked(1, !record.mail.empty());
  return changes;
}

void Service::commit_locked(Store::Write& write) {
  try {
    write.commit();
  } catch (...) {
    write.rollback();
    reload_locked();
    throw;
  }
}

void Service::prepare_record(const Context& ctx, const CommandArgs& args, const Changes& changes,
                             CommitRecord& record) {
  // Organizations are known before paths are computed (new ones included).
  for (const Entity& e : changes.puts) {
    if (const auto* o = std::get_if<Organization>(&e)) parents_[o->id] = o->parent;
  }
  record.changes = &changes;
  record.now_ms = ctx.now_ms;
  record.admin = ctx.actor;
  record.command_name = std::string(command_name(args));
  record.result = changes.result;
  record.path_of = [this](OrgId org) { return path_of(org); };
  if (mail_enabled_) render_mail(changes, record.command_uuid, record);
}

void Service::after_commits_locked(std::int64_t commits, bool queued_mail) {
  mail_queued_ = mail_queued_ || queued_mail;
  commits_since_compaction_ += commits;
}

void Service::compact_if_due() {
  {
    std::shared_lock lock(mutex_);
    if (config_.change_log_keep <= 0 || commits_since_compaction_ < 1000) return;
  }
  compact_change_log(config_.change_log_keep);
}

std::vector<Result<Changes>> Service::record_deliveries(const std::vector<CommandArgs>& commands,
                                                        const std::vector<OutboxOutcome>& outcomes) {
  std::vector<Result<Changes>> results;
  results.reserve(commands.size());  // records point into it: no reallocation
  std::vector<CommitRecord> records;
  records.reserve(commands.size());
  {
    std::unique_lock lock(mutex_);
    Store::Write write(store_);
    catch_up_locked();
    const std::int64_t now = clock_.now_ms();
    bool mail = false;
    for (const CommandArgs& args : commands) {
      const Context ctx{AdminId(), now, seed_from(new_session_token()), true};
      results.push_back(execute(state_, ctx, args));
      if (!results.back()) continue;
      records.emplace_back();
      prepare_record(ctx, args, results.back().value(), records.back());
      mail = mail || !records.back().mail.empty();
    }
    try {
      const std::int64_t version = store_.commit_deliveries(write, records, outcomes);
      write.commit();
      if (!records.empty()) state_.version = version;
    } catch (...) {
      write.rollback();
      reload_locked();
      throw;
    }
    after_commits_locked(static_cast<std::int64_t>(records.size()), mail);
  }
  if (!records.empty()) changed();
  return results;
}

void Service::render_mail(const Changes& changes, const std::string& command_uuid,
                          CommitRecord& record) {
  BatchId batch;
  for (const Entity& e : changes.puts) {
    if (const auto* b = std::get_if<BatchRecord>(&e)) batch = b->id;
  }
  for (const Notification& n : changes.notifications) {
    switch (n.kind) {
      case Notification::Kind::kInvitation: {
        const Account* a = state_.account(n.account);
        const Invitation* inv = state_.invitation(n.invitation);
        if (!a || !inv) break;
        const std::string token = new_session_token();
        record.invitation_tokens.emplace_back(token_hash(token), inv->id);
        const RenderedMail mail =
            render_invitation(state_, *a, config_.public_url + "/activate/" + token);
        OutboxMessage m;
        m.kind = "invitation";
        m.org = a->org;
        m.to = inv->address;
        m.subject = mail.subject;
        m.body = mail.body;
        m.invitation = inv->id;
        m.batch = batch;
        m.command_uuid = command_uuid;
        record.mail.push_back(std::move(m));
        break;
      }
      case Notification::Kind::kAdminInvitation: {
        const Administrator* a = state_.admin(n.admin);
        const Organization* o = a ? state_.org(a->org) : nullptr;
        const Role* r = a ? state_.role(a->role) : nullptr;
        if (!a || !o || !r) break;
        const std::string token = new_session_token();
        record.admin_tokens.emplace_back(token_hash(token), a->id);
        record.admin_token_expires_ms = record.now_ms + config_.admin_link_valid_ms;
        OutboxMessage m;
        m.kind = "admin_invitation";
        m.org = a->org;
        m.to = a->email;
        m.subject = header_safe("You are now an administrator of " + o->name + " on LineDesk");
        m.body = "Hello " + admin_name(*a) + ",\n\nYou were made " + r->name + " of " + o->name +
                 ".\nChoose your password here (the link works for 7 days):\n" +
                 config_.public_url + "/admin-activate/" + token + "\n";
        m.command_uuid = command_uuid;
        record.mail.push_back(std::move(m));
        break;
      }
      case Notification::Kind::kThreshold: {
        const Organization* o = state_.org(n.org);
        if (!o) break;
        for (AdminId id : n.recipients) {
          const Administrator* a = state_.admin(id);
          if (!a) continue;
          OutboxMessage m;
          m.kind = "threshold";
          m.org = n.org;
          m.to = a->email;
          m.subject = header_safe("Number utilization of " + o->name + " is at " +
                                  std::to_string(n.percent) + "%");
          m.body = "Hello " + admin_name(*a) + ",\n\n" + std::to_string(n.in_use) + " of " +
                   std::to_string(n.total) + " numbers of " + o->name + " are in use (" +
                   std::to_string(n.percent) + "%), at or above the utilization threshold of " +
                   std::to_string(n.threshold) + "%.\nYou will be told again on every further "
                   "assignment until no number is left. Allocate or import more numbers in "
                   "LineDesk.\n";
          m.command_uuid = command_uuid;
          record.mail.push_back(std::move(m));
        }
        break;
      }
      case Notification::Kind::kBatchSummary: {
        const BatchRecord* b = state_.batch(n.batch);
        const Organization* o = state_.org(n.org);
        if (!b || !o) break;
        for (AdminId id : notification_recipients(state_, n.org)) {
          const Administrator* a = state_.admin(id);
          if (!a) continue;
          OutboxMessage m;
          m.kind = "batch_summary";
          m.org = n.org;
          m.to = a->email;
          m.subject = header_safe("Batch import " + b->file_name + ": " +
                                  std::to_string(b->rows_imported) + " imported, " +
                                  std::to_string(b->rows_failed) + " failed");
          m.body = "Hello " + admin_name(*a) + ",\n\n" + b->admin_email + " ran " +
                   std::string(batch_mode_label(b->mode)) + " of " + b->file_name + " into " +
                   o->name + ".\n\nRows: " + std::to_string(b->rows_total) +
                   "\nImported: " + std::to_string(b->rows_imported) +
                   "\nFailed: " + std::to_string(b->rows_failed) +
                   "\nSkipped: " + std::to_string(b->rows_skipped) +
                   "\nInvitations: " + std::to_string(b->invitations) +
                   "\n\nThe Batch Operations Report is under Reports > Batch Operation Reports.\n";
          m.batch = b->id;
          m.command_uuid = command_uuid;
          record.mail.push_back(std::move(m));
        }
        break;
      }
    }
  }
}

void Service::audit(const Actor* actor, OrgId org, std::string action, std::string target,
                    std::string summary) {
  ActivityEntry e;
  e.id = ActivityId(random_id());
  e.at_ms = clock_.now_ms();
  if (actor) {
    e.admin = actor->admin;
    e.admin_email = read([&](const State& s) {
      const Administrator* a = s.admin(actor->admin);
      return a ? a->email : std::string();
    });
  } else {
    e.admin_email = target;
  }
  e.org = org;
  e.action = std::move(action);
  e.target = std::move(target);
  e.summary = std::move(summary);
  store_.add_activity(e);
}

// --- activation links ---------------------------------------------------------------------

Result<ActivationView> Service::activation(const std::string& token) {
  auto inv_id = store_.invitation_for_token(token_hash(token));
  if (!inv_id) return make_error("invitation_unknown", "", "This activation link is not valid.");
  const std::int64_t now = clock_.now_ms();
  return read([&](const State& s) -> Result<ActivationView> {
    const Invitation* inv = s.invitation(*inv_id);
    const Account* a = inv ? s.account(inv->account) : nullptr;
    if (!inv || !a) return make_error("invitation_unknown", "", "This activation link is not valid.");
    if (inv->status == InvitationStatus::kAccepted) {
      return make_error("invitation_used", "",
                        "This activation link was already used: your line is active.");
    }
    if (inv->status == InvitationStatus::kRevoked) {
      return make_error("invitation_revoked", "",
                        "This activation link was replaced by a newer invitation. Use the link "
                        "in your most recent invitation.");
    }
    if (now >= inv->expires_ms) {
      return make_error("invitation_expired", "",
                        "This activation link has expired. Ask your administrator to resend the "
                        "invitation.");
    }
    ActivationView v;
    v.invitation = inv->id;
    const Organization* o = s.org(a->org);
    v.organization = o ? o->name : "";
    v.name = a->name();
    v.number = a->number;
    if (a->number.empty()) {
      for (NumberId id : s.available_numbers(a->org)) {
        if (v.choices.size() == kActivationChoices) break;
        v.choices.push_back(s.number(id)->e164);
      }
    }
    return v;
  });
}

Result<Changes> Service::activate(const std::string& token, const std::string& number) {
  auto view = activation(token);
  if (!view) return view.error();
  if (view->number.empty()) {
    // Only the numbers offered on the page may be chosen.
    auto e164 = parse_e164(number, "number");
    bool offered = false;
    for (const std::string& c : view->choices) offered |= e164 && c == *e164;
    if (!offered) {
      return make_error("number_unavailable", "number",
                        "Choose one of the numbers offered on this page.");
    }
  }
  return run_system(ActivateAccount{view->invitation, number});
}

Result<Administrator> Service::admin_link(const std::string& token) {
  auto t = store_.admin_token(token_hash(token));
  if (!t) return make_error("invitation_unknown", "", "This link is not valid.");
  if (t->used_ms > 0) {
    return make_error("invitation_used", "", "This link was already used; sign in instead.");
  }
  if (clock_.now_ms() >= t->expires_ms) {
    return make_error("invitation_expired", "",
                      "This link has expired. Ask an administrator to invite you again.");
  }
  auto admin = read([&](const State& s) -> std::optional<Administrator> {
    const Administrator* a = s.admin(t->admin);
    return a ? std::optional<Administrator>(*a) : std::nullopt;
  });
  if (!admin) return make_error("invitation_unknown", "", "This administrator no longer exists.");
  return *admin;
}

Status Service::set_admin_password(const std::string& token, const std::string& password) {
  auto admin = admin_link(token);
  if (!admin) return admin.error();
  if (auto s = check_new_password(password); !s) return s;
  store_.set_password_hash(admin->id, hash_password(password), clock_.now_ms());
  store_.use_admin_token(token_hash(token), clock_.now_ms());
  Actor actor{admin->id, "", {}};
  audit(&actor, admin->org, "admin_activated", admin->email, admin->email + " set their password.");
  return {};
}

}  // namespace linedesk::server
