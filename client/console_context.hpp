// ConsoleContext: what the signed-in console's screens may ask of the App and the browser.
#pragma once

#include <functional>
#include <string>

#include "imgui.h"
#include "shared/replica.hpp"

namespace linedesk::client {

// What a file picked in the browser is for: its text (a CSV), or an image the browser shrinks
// to a small picture and hands over as a data URL.
enum class FileKind { kAccountsCsv, kNumbersCsv, kPhoto };

struct ConsoleContext {
  const Replica* replica = nullptr;
  const Administrator* admin = nullptr;  // the signed-in administrator as the replica has it
  OrgId org;  // the organization picked in the header
  TimestampMs now = 0;
  bool online = false;
  // Queues a command (checked against this device's view first). Returns the refusal or the
  // command's changes and the UUID it was queued under; `saved(ok)` is called once the device's
  // storage holds it (optional).
  std::function<Result<Changes>(CommandArgs, std::string* uuid, std::function<void(bool)> saved)> submit;
  std::function<void(const std::string& name, const std::string& text)> download;
  // Opens the browser's file picker; the file comes back to the screen that asked.
  std::function<void(FileKind)> pick_file;
  // GET `path` on the server with the session; `done(status, body)`, status 0 when offline.
  std::function<void(const std::string& path, std::function<void(int, const std::string&)>)> fetch;
  // GET `path` for a JSON answer: the decoded body, or the server's own error (or "offline"),
  // as ApiClient::read_answer reads every answer.
  std::function<void(const std::string& path, std::function<void(Result<Json>)>)> fetch_json;
  std::function<double()> perf_now;  // ms, for the preview timing the benchmark reads
  // A texture showing the image of `data_url`, or null while the browser decodes it.
  std::function<ImTextureID(const std::string& data_url)> image;

  const State& view() const { return replica->view(); }
};

}  // namespace linedesk::client
