// App: owns the console's state and decides what each frame draws. Platform-free: it talks
// to the network through Http, keeps its replica through ReplicaStore, and draws with ImGui.
#pragma once

#include <functional>
#include <memory>
#include <optional>
#include <string>

#include "api_client.hpp"
#include "login_screen.hpp"
#include "shell_screen.hpp"
#include "sync_engine.hpp"
#include "ui.hpp"

namespace linedesk::client {

struct AppServices {
  Http& http;
  ReplicaStore& store;
  std::function<std::string()> random_id;  // client ids and command UUIDs
  std::function<TimestampMs()> now;
  // Hands a file to the browser as a download.
  std::function<void(const std::string& name, const std::string& text)> download;
  // Opens the browser's file picker; the file comes back through App::file_chosen.
  std::function<void(FileKind)> pick_file;
  std::function<double()> perf_now;  // a monotonic clock in ms
  // A texture of an image data URL (profile photos); null until decoded.
  std::function<ImTextureID(const std::string&)> image;
};

class App {
 public:
  explicit App(AppServices services);

  // Reads the replica kept on this device; signs the administrator back in from it.
  void start();
  // Draws one frame of the console and drives sync.
  void frame(const Ui& ui);

  // "loading", "login", "syncing" (first snapshot) or "main": for the test hook.
  const char* screen() const;
  const SyncEngine& sync() const { return sync_; }
  // A file the administrator picked: for Multiple Accounts, Import numbers or the photo.
  void file_chosen(FileKind kind, const std::string& name, std::string text);
  // The screens' state, for the test hook.
  Json accounts_test_state() const { return client::accounts_test_state(shell_.accounts); }
  Json shell_test_state();

 private:
  enum class Phase { kLoading, kSignIn, kFirstSync, kReady };

  void submit_login();
  void begin(const SessionInfo& session, std::unique_ptr<Replica> replica, bool fresh);
  void logout();
  void handle(const ShellIntents& intents);
  ConsoleContext console_context(TimestampMs now);

  AppServices services_;
  ApiClient api_;
  SyncEngine sync_;
  Phase phase_ = Phase::kLoading;
  LoginForm login_;
  std::optional<SessionInfo> session_;
  std::optional<StoredReplica> stored_;  // what the device held at start (for a re-sign-in)
  ShellState shell_;
};

}  // namespace linedesk::client
