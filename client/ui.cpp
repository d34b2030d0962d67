// Shared widgets.
#include "ui.hpp"

#include <cstdio>

#include "imgui_internal.h"

namespace linedesk::client::widgets {

void announce(ImGuiID id, const char* label) {
#ifdef IMGUI_ENABLE_TEST_ENGINE
  ImGuiContext& g = *GImGui;
  IMGUI_TEST_ENGINE_ITEM_INFO(id, label, g.LastItemData.StatusFlags);
#else
  (void)id;
  (void)label;
#endif
}

bool labeled_input(const char* label, char* buf, std::size_t size, ImGuiInputTextFlags flags,
                   float width) {
  ImGui::TextUnformatted(label, ImGui::FindRenderedTextEnd(label));
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

bool labeled_int(const char* label, int* value, float width) {
  ImGui::TextUnformatted(label, ImGui::FindRenderedTextEnd(label));
  ImGui::PushID(label);
  ImGui::SetNextItemWidth(width);
  const bool changed = ImGui::InputInt("##int", value);
  // InputInt's text field is InputText("") inside PushID("##int").
  ImGui::PushID("##int");
  const ImGuiID field = ImGui::GetID("");
  ImGui::PopID();
  ImGui::PopID();
  announce(field, label);
  return changed;
}

bool begin_combo(const char* label, const char* preview) {
  const ImGuiID id = ImGui::GetID(label);
  const bool open = ImGui::BeginCombo(label, preview);
  announce(id, label);
  return open;
}

void place_dialog(const Ui& ui) {
  const ImGuiViewport* vp = ImGui::GetMainViewport();
  ImGui::SetNextWindowPos(ImVec2(vp->WorkPos.x + vp->WorkSize.x * 0.5f, vp->WorkPos.y + ui.px(110.f)),
                          ImGuiCond_Appearing, ImVec2(0.5f, 0.f));
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

void notice_text(const std::string& message) {
  if (message.empty()) return;
  ImGui::PushStyleColor(ImGuiCol_Text, IM_COL32(25, 120, 60, 255));
  ImGui::PushTextWrapPos(0.f);
  ImGui::TextUnformatted(message.c_str());
  ImGui::PopTextWrapPos();
  ImGui::PopStyleColor();
}

bool button(const char* label, bool enabled, const std::string& why, bool small) {
  ImGui::BeginDisabled(!enabled);
  const bool pressed = small ? ImGui::SmallButton(label) : ImGui::Button(label);
  ImGui::EndDisabled();
  if (!why.empty() && ImGui::IsItemHovered(ImGuiHoveredFlags_AllowWhenDisabled)) {
    ImGui::SetTooltip("%s", why.c_str());
  }
  return pressed && enabled;
}

void copy_to(char* buf, std::size_t size, const std::string& s) {
  std::snprintf(buf, size, "%s", s.c_str());
}

void org_picker(const State& st, OrgId id, OrgId& selected, int depth) {
  const Organization* org = st.org(id);
  if (!org) return;
  ImGui::PushID(static_cast<int>(id.value & 0x7fffffff));
  ImGui::Indent(depth == 0 ? 0.f : ImGui::GetStyle().IndentSpacing);
  const std::string label = org->name + "##pick";
  if (ImGui::Selectable(label.c_str(), selected == id)) selected = id;
  for (OrgId child : st.orgs().children_by_name(id)) org_picker(st, child, selected, depth + 1);
  ImGui::Unindent(depth == 0 ? 0.f : ImGui::GetStyle().IndentSpacing);
  ImGui::PopID();
}

bool org_combo(const char* label, const State& st, OrgId root, OrgId& selected) {
  const Organization* cur = st.org(selected);
  const OrgId before = selected;
  if (begin_combo(label, cur ? cur->name.c_str() : "Choose Organization")) {
    org_picker(st, root, selected);
    ImGui::EndCombo();
  }
  return before != selected;
}

std::string plural(std::size_t n, const char* one, const char* many) {
  return std::to_string(n) + " " + (n == 1 ? one : many);
}

}  // namespace linedesk::client::widgets
