// App: sign-in flow and the signed-in shell.
#include "app.hpp"

#include <cstring>

#include "shell_screen.hpp"

namespace linedesk::client {

void App::frame(const Ui& ui) {
  if (!session_) {
    if (draw_login_screen(ui, login_) == LoginIntent::kSubmit) submit_login();
    return;
  }
  ShellView view;
  view.working_org_name = session_->org.name;
  if (const Organization* o = tree_.find(session_->admin.org)) view.working_org_name = o->name;
  view.admin_name = session_->admin.display_name();
  view.role_name = session_->role.name;
  view.tree = &tree_;
  view.root = session_->admin.org;
  view.loading = orgs_loading_;
  view.error = orgs_error_;
  ShellIntents intents = draw_shell(ui, view);
  if (intents.reload) load_orgs();
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
    session_ = std::move(result).value();
    api_.set_token(session_->token);
    tree_ = OrgTree({session_->org});
    load_orgs();
  });
}

void App::load_orgs() {
  orgs_loading_ = true;
  orgs_error_.clear();
  api_.org_tree([this](Result<OrgTreeResponse> result) {
    orgs_loading_ = false;
    if (!result) {
      orgs_error_ = result.error().message;
      return;
    }
    tree_ = OrgTree(result->orgs);
  });
}

void App::logout() {
  api_.logout([](Status) {});  // the server revokes; the console forgets either way
  session_.reset();
  api_.set_token("");
  tree_ = OrgTree();
  login_ = LoginForm{};
}

}  // namespace linedesk::client
