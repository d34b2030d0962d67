// Shared widgets.
#include "ui.hpp"

#include "imgui_internal.h"

namespace linedesk::client::widgets {

bool labeled_input(const char* label, char* buf, std::size_t size, ImGuiInputTextFlags flags,
                   float width) {
  ImGui::TextUnformatted(label);
  ImGui::PushID(label);
  ImGui::SetNextItemWidth(width);
  const bool result = ImGui::InputText("##field", buf, size, flags);
  ImGui::PopID();
#ifdef IMGUI_ENABLE_TEST_ENGINE
  ImGuiContext& g = *GImGui;
  IMGUI_TEST_ENGINE_ITEM_INFO(g.LastItemData.ID, label, g.LastItemData.StatusFlags);
#endif
  return result;
}

void error_text(const std::string& message) {
  if (message.empty()) return;
  ImGui::PushStyleColor(ImGuiCol_Text, IM_COL32(190, 30, 45, 255));
  ImGui::PushTextWrapPos(0.f);
  ImGui::TextUnformatted(message.c_str());
  ImGui::PopTextWrapPos();
  ImGui::PopStyleColor();
}

void muted_text(const char* text) {
  ImGui::PushStyleColor(ImGuiCol_Text, IM_COL32(95, 100, 115, 255));
  ImGui::TextUnformatted(text);
  ImGui::PopStyleColor();
}

}  // namespace linedesk::client::widgets
