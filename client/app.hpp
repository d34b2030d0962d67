// App: owns the console's state and decides what each frame draws. Platform-free: it talks
// to the network through Http and draws with ImGui.
#pragma once

#include <optional>
#include <string>

#include "api_client.hpp"
#include "login_screen.hpp"
#include "shared/org_tree.hpp"
#include "ui.hpp"

namespace linedesk::client {

class App {
 public:
  explicit App(Http& http) : api_(http) {}

  // Draws one frame of the console.
  void frame(const Ui& ui);

  // "login" or "main": which screen the last frame drew (for the test hook).
  const char* screen() const { return session_ ? "main" : "login"; }

 private:
  void submit_login();
  void load_orgs();
  void logout();

  ApiClient api_;
  LoginForm login_;
  std::optional<SessionInfo> session_;
  OrgTree tree_;
  bool orgs_loading_ = false;
  std::string orgs_error_;
};

}  // namespace linedesk::client
