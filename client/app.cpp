// App: start from the device's replica, sign-in, first sync, the signed-in shell.
#include "app.hpp"

#include <cstring>

namespace linedesk::client {

App::App(AppServices services)
    : services_(std::move(services)), api_(services_.http), sync_(services_.http, services_.store) {
  sync_.make_uuid = services_.random_id;
}

const char* App::screen() const {
  switch (phase_) {
    case Phase::kLoading: return "loading";
    case Phase::kSignIn: return "login";
    case Phase::kFirstSync: return "syncing";
    case Phase::kReady: return "main";
  }
  return "loading";
}

void App::start() {
  services_.store.load([this](StoredReplica stored) {
    if (!stored.found) {
      phase_ = Phase::kSignIn;
      return;
    }
    auto session = session_info_from_json(stored.session);
    if (!session) {
      phase_ = Phase::kSignIn;
      return;
    }
    auto replica = Replica::restore(stored.client_id, session->admin.id, stored.entities,
                                    stored.version, stored.scope, stored.queue);
    if (!replica) {
      // A damaged local copy: the server still has everything but unsent changes. Keep the
      // record (not cleared) and ask for a sign-in so a fresh replica can start.
      login_.error = "This device's copy could not be read (" + replica.error().message + ").";
      phase_ = Phase::kSignIn;
      return;
    }
    stored_ = stored;
    // Signed in from this device's copy: the console works offline; the server checks the
    // token at the next exchange.
    begin(*session, std::make_unique<Replica>(std::move(replica).value()), false);
  });
}

void App::begin(const SessionInfo& session, std::unique_ptr<Replica> replica, bool fresh) {
  session_ = session;
  api_.set_token(session.token);
  services_.store.save_session(replica->client_id(), to_json(session));
  sync_.start(std::move(replica), session.token, services_.now());
  phase_ = fresh ? Phase::kFirstSync : Phase::kReady;
  shell_ = ShellState{};
}

void App::frame(const Ui& ui) {
  const TimestampMs now = services_.now();
  if (sync_.started()) sync_.tick(now);
  if (phase_ == Phase::kFirstSync && sync_.replica().version() > 0) phase_ = Phase::kReady;

  switch (phase_) {
    case Phase::kLoading:
      return;
    case Phase::kSignIn:
      if (draw_login_screen(ui, login_) == LoginIntent::kSubmit) submit_login();
      return;
    case Phase::kFirstSync:
    case Phase::kReady: {
      if (sync_.status().session_expired && !session_) return;
      ConsoleContext console = console_context(now);
      ShellView view{&*session_, &sync_.replica(), &sync_.status(), now, &console};
      handle(draw_shell(ui, view, shell_));
      return;
    }
  }
}

ConsoleContext App::console_context(TimestampMs now) {
  ConsoleContext c;
  c.replica = &sync_.replica();
  // The administrator as the replica has them (a profile edit shows at once); the session's
  // copy until the first sync brought them.
  const Administrator* me = sync_.replica().view().admin(session_->admin.id);
  c.admin = me ? me : &session_->admin;
  c.org = shell_.working_org.valid() ? shell_.working_org : session_->admin.org;
  c.now = now;
  c.online = sync_.status().online;
  c.submit = [this, now](CommandArgs args, std::string* uuid, std::function<void(bool)> saved) {
    auto r = sync_.submit(std::move(args), now, std::move(saved));
    if (r && uuid && !sync_.replica().pending().empty()) *uuid = sync_.replica().pending().back().command.uuid;
    return r;
  };
  c.download = services_.download;
  c.pick_file = services_.pick_file;
  c.perf_now = services_.perf_now;
  c.image = services_.image;
  c.fetch = [this](const std::string& path, std::function<void(int, const std::string&)> done) {
    services_.http.request("GET", path, "", session_ ? session_->token : std::string(),
                           [done](const HttpResponse& res) { done(res.status, res.body); });
  };
  c.fetch_json = [this](const std::string& path, std::function<void(Result<Json>)> done) {
    services_.http.request("GET", path, "", session_ ? session_->token : std::string(),
                           [done](const HttpResponse& res) { done(ApiClient::read_answer(res)); });
  };
  return c;
}

void App::file_chosen(FileKind kind, const std::string& name, std::string text) {
  if (phase_ != Phase::kReady || !session_) return;
  ConsoleContext ctx = console_context(services_.now());
  switch (kind) {
    case FileKind::kAccountsCsv: shell_.accounts.file_chosen(name, std::move(text), ctx); break;
    case FileKind::kNumbersCsv: shell_.numbers.file_chosen(name, text, ctx); break;
    case FileKind::kPhoto: shell_.profile.file_chosen(name, text); break;
  }
}

Json App::shell_test_state() {
  if (phase_ != Phase::kReady || !session_) return Json::object();
  return client::shell_test_state(shell_, console_context(services_.now()));
}

void App::handle(const ShellIntents& intents) {
  const TimestampMs now = services_.now();
  if (intents.resubmit) {
    // Refused again locally (the edit did not fix it): the issue stays, with the reason.
    if (auto r = sync_.resubmit(*intents.resubmit, intents.resubmit_edited, now); !r) {
      shell_.issue_error = r.error().message;
    } else {
      shell_.issue_error.clear();
      shell_.editing_issue.reset();
    }
  }
  if (intents.discard) {
    sync_.discard(*intents.discard);
    shell_.issue_error.clear();
    shell_.editing_issue.reset();
  }
  if (intents.sign_in_again) {
    // Keep the replica and its queue; only the token is renewed.
    std::snprintf(login_.email, sizeof login_.email, "%s", session_->admin.email.c_str());
    login_.error = "Your session ended. Sign in again to send your changes.";
    phase_ = Phase::kSignIn;
  }
  if (intents.logout) logout();
}

void App::submit_login() {
  LoginRequest req{login_.email, login_.password};
  auto decoded = login_request_from_json(to_json(req));  // the server's own rules, first here
  if (!decoded) {
    login_.error = decoded.error().message;
    login_.error_field = decoded.error().field;
    return;
  }
  login_.busy = true;
  login_.error.clear();
  login_.error_field.clear();
  api_.login(decoded.value(), [this](Result<SessionInfo> result) {
    login_.busy = false;
    if (!result) {
      login_.error = result.error().message;
      login_.error_field = result.error().field == "email" ? "email" : "";
      return;
    }
    std::memset(login_.password, 0, sizeof login_.password);
    SessionInfo session = std::move(result).value();
    // The same administrator signing in again keeps the replica and its queued changes.
    if (sync_.started() && sync_.replica().actor() == session.admin.id) {
      session_ = session;
      api_.set_token(session.token);
      services_.store.save_session(sync_.replica().client_id(), to_json(session));
      sync_.set_token(session.token);
      phase_ = Phase::kReady;
      return;
    }
    if (sync_.started() && sync_.replica().unsent_count() > 0) {
      login_.error = "Another administrator (" + session_->admin.email +
                     ") has changes on this device that are not synced yet. Sign in as them "
                     "first so nothing is lost.";
      return;
    }
    sync_.stop();
    services_.store.clear([this, session](bool) {
      begin(session, std::make_unique<Replica>(services_.random_id(), session.admin.id), true);
    });
  });
}

void App::logout() {
  if (sync_.replica().unsent_count() > 0) {
    shell_.form_error = "Some changes are not synced yet; they stay on this device and are sent "
                        "when you sign in again.";
  }
  api_.logout([](Status) {});  // the server revokes; the console forgets the token either way
  const bool keep = sync_.replica().unsent_count() > 0;
  const std::string email = session_->admin.email;
  if (keep) {
    // The queue stays; only the token is dropped.
    sync_.set_token("");
    Json s = to_json(*session_);
    s["token"] = "";
    services_.store.save_session(sync_.replica().client_id(), s);
  } else {
    sync_.stop();
    services_.store.clear([](bool) {});
    session_.reset();
  }
  login_ = LoginForm{};
  std::snprintf(login_.email, sizeof login_.email, "%s", email.c_str());
  phase_ = Phase::kSignIn;
}

}  // namespace linedesk::client
