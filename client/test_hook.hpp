// TestHook: records every labelled ImGui item's rectangle each frame (through ImGui's own
// test-engine hooks) so browser tests can click real widgets by label. Off unless the page
// was opened with ?testhook=1; then it costs one map insert per widget.
#pragma once

#include <string>
#include <unordered_map>
#include <vector>

#include "imgui.h"
#include "imgui_internal.h"

namespace linedesk::client {

struct ItemRecord {
  ImGuiID id = 0;
  std::string label;   // full ImGui label, "##" suffix included
  std::string window;  // name of the window it was drawn in
  ImVec2 min, max;     // framebuffer pixels
  bool visible = false;  // not clipped away by its window
};

class TestHook {
 public:
  // Installs the hook on `ctx` (ctx->TestEngine points here) when `enabled`.
  void install(ImGuiContext* ctx, bool enabled);
  bool enabled() const { return enabled_; }

  // Called at the start of each frame: the items drawn in the frame before become the
  // answer to queries.
  void begin_frame();

  void on_item_add(ImGuiContext* ctx, const ImRect& bb, ImGuiID id);
  void on_item_info(ImGuiID id, const char* label);

  // JSON array of the last complete frame's labelled items:
  // [{"label", "text", "window", "x", "y", "w", "h", "visible"}], framebuffer pixels.
  // "text" is the label without its "##id" part.
  const std::string& items_json();
  std::int64_t frames() const { return frames_; }
  // Label of the item ImGui considers active (a text field being edited, a button held), or
  // empty; tests wait for it after a click before typing.
  std::string active_label() const;

 private:
  bool enabled_ = false;
  std::int64_t frames_ = 0;
  std::unordered_map<ImGuiID, ItemRecord> current_;
  std::vector<ItemRecord> last_;
  ImGuiID active_id_ = 0;
  std::string json_;
};

}  // namespace linedesk::client
