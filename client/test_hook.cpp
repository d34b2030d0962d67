// TestHook and the ImGuiTestEngineHook_* functions ImGui calls when IMGUI_ENABLE_TEST_ENGINE
// is defined.
#include "test_hook.hpp"

#include <algorithm>
#include <cstdarg>

#include "imgui_internal.h"
#include "shared/json_io.hpp"

namespace linedesk::client {

void TestHook::install(ImGuiContext* ctx, bool enabled) {
  enabled_ = enabled;
  ctx->TestEngine = this;
  ctx->TestEngineHookItems = enabled;
}

void TestHook::begin_frame() {
  if (!enabled_) return;
  active_id_ = GImGui ? GImGui->ActiveId : 0;
  last_.clear();
  for (auto& [id, rec] : current_) {
    if (!rec.label.empty()) last_.push_back(std::move(rec));
  }
  // Draw order is lost in the map; sort top-to-bottom, left-to-right for stable answers.
  std::sort(last_.begin(), last_.end(), [](const ItemRecord& a, const ItemRecord& b) {
    return a.min.y != b.min.y ? a.min.y < b.min.y : a.min.x < b.min.x;
  });
  current_.clear();
  json_.clear();
  ++frames_;
}

void TestHook::on_item_add(ImGuiContext* ctx, const ImRect& bb, ImGuiID id) {
  ImGuiWindow* window = ctx->CurrentWindow;
  ItemRecord& rec = current_[id];
  rec.id = id;
  rec.min = bb.Min;
  rec.max = bb.Max;
  rec.window = window ? window->Name : "";
  rec.visible = window && window->ClipRect.Overlaps(bb) && window->Active;
}

void TestHook::on_item_info(ImGuiID id, const char* label) {
  if (!label) return;
  // Most widgets announce their label after adding the item; tab items announce it before.
  ItemRecord& rec = current_[id];
  rec.id = id;
  rec.label = label;
}

std::string TestHook::active_label() const {
  for (const ItemRecord& r : last_) {
    if (r.id == active_id_ && active_id_ != 0) return r.label;
  }
  return {};
}

const std::string& TestHook::items_json() {
  if (!json_.empty()) return json_;
  Json arr = Json::array();
  for (const ItemRecord& r : last_) {
    std::string text = r.label;
    if (auto p = text.find("##"); p != std::string::npos) text.resize(p);
    arr.push_back(Json{{"label", r.label},
                       {"text", text},
                       {"window", r.window},
                       {"x", r.min.x},
                       {"y", r.min.y},
                       {"w", r.max.x - r.min.x},
                       {"h", r.max.y - r.min.y},
                       {"visible", r.visible}});
  }
  json_ = arr.dump(-1, ' ', false, Json::error_handler_t::replace);
  return json_;
}

}  // namespace linedesk::client

using linedesk::client::TestHook;

void ImGuiTestEngineHook_ItemAdd(ImGuiContext* ctx, const ImRect& bb, ImGuiID id) {
  if (auto* hook = static_cast<TestHook*>(ctx->TestEngine)) hook->on_item_add(ctx, bb, id);
}

void ImGuiTestEngineHook_ItemInfo(ImGuiContext* ctx, ImGuiID id, const char* label,
                                  ImGuiItemStatusFlags) {
  if (auto* hook = static_cast<TestHook*>(ctx->TestEngine)) hook->on_item_info(id, label);
}

void ImGuiTestEngineHook_Log(ImGuiContext*, const char*, ...) {}

const char* ImGuiTestEngine_FindItemDebugLabel(ImGuiContext*, ImGuiID) { return nullptr; }
