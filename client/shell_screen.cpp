// Header bar and organization overview of the signed-in console.
#include "shell_screen.hpp"

namespace linedesk::client {
namespace {

void draw_org_node(const OrgTree& tree, OrgId id) {
  const Organization* org = tree.find(id);
  if (!org) return;
  const auto& kids = tree.children(id);
  ImGuiTreeNodeFlags flags = ImGuiTreeNodeFlags_DefaultOpen | ImGuiTreeNodeFlags_SpanAvailWidth;
  if (kids.empty()) flags |= ImGuiTreeNodeFlags_Leaf;
  ImGui::PushID(static_cast<int>(id.value & 0x7fffffff));
  const bool open = ImGui::TreeNodeEx(org->name.c_str(), flags);
  ImGui::PopID();
  if (!open) return;
  for (OrgId child : tree.children_by_name(id)) draw_org_node(tree, child);
  ImGui::TreePop();
}

}  // namespace

ShellIntents draw_shell(const Ui& ui, const ShellView& view) {
  ShellIntents intents;
  const ImGuiViewport* vp = ImGui::GetMainViewport();
  const float header_h = ui.px(52.f);
  const ImGuiWindowFlags fixed = ImGuiWindowFlags_NoDecoration | ImGuiWindowFlags_NoMove |
                                 ImGuiWindowFlags_NoSavedSettings |
                                 ImGuiWindowFlags_NoBringToFrontOnFocus;

  // Header bar.
  ImGui::SetNextWindowPos(vp->WorkPos);
  ImGui::SetNextWindowSize(ImVec2(vp->WorkSize.x, header_h));
  ImGui::PushStyleColor(ImGuiCol_WindowBg, IM_COL32(28, 45, 78, 255));
  ImGui::PushStyleColor(ImGuiCol_Text, IM_COL32(255, 255, 255, 255));
  ImGui::PushStyleColor(ImGuiCol_Button, IM_COL32(48, 70, 112, 255));
  ImGui::PushStyleColor(ImGuiCol_ButtonHovered, IM_COL32(66, 94, 146, 255));
  ImGui::PushStyleColor(ImGuiCol_ButtonActive, IM_COL32(80, 112, 170, 255));
  ImGui::PushStyleVar(ImGuiStyleVar_WindowRounding, 0.f);
  ImGui::PushStyleVar(ImGuiStyleVar_WindowPadding, ImVec2(ui.px(14.f), ui.px(10.f)));
  ImGui::Begin("Header", nullptr, fixed);
  ImGui::AlignTextToFramePadding();
  ImGui::PushFont(ui.title);
  ImGui::TextUnformatted("LineDesk");
  ImGui::PopFont();
  ImGui::SameLine(0.f, ui.px(24.f));
  // The working organization; the navigator behind this button lists the visible tree.
  const std::string org_label = view.working_org_name + "###org_picker";
  if (ImGui::Button(org_label.c_str())) ImGui::OpenPopup("Organizations##picker");
  if (ImGui::BeginPopup("Organizations##picker")) {
    ImGui::PushStyleColor(ImGuiCol_Text, IM_COL32(20, 24, 32, 255));
    if (view.tree) draw_org_node(*view.tree, view.root);
    ImGui::PopStyleColor();
    ImGui::EndPopup();
  }

  const std::string who = view.admin_name + "  ·  " + view.role_name;
  const float logout_w = ImGui::CalcTextSize("Log out").x + ImGui::GetStyle().FramePadding.x * 2;
  const float who_w = ImGui::CalcTextSize(who.c_str()).x;
  ImGui::SameLine(ImGui::GetWindowWidth() - logout_w - who_w - ui.px(14.f) * 2 - ui.px(12.f));
  ImGui::AlignTextToFramePadding();
  ImGui::TextUnformatted(who.c_str());
  ImGui::SameLine(0.f, ui.px(12.f));
  if (ImGui::Button("Log out")) intents.logout = true;
  ImGui::End();
  ImGui::PopStyleVar(2);
  ImGui::PopStyleColor(5);

  // Body.
  ImGui::SetNextWindowPos(ImVec2(vp->WorkPos.x, vp->WorkPos.y + header_h));
  ImGui::SetNextWindowSize(ImVec2(vp->WorkSize.x, vp->WorkSize.y - header_h));
  ImGui::PushStyleVar(ImGuiStyleVar_WindowRounding, 0.f);
  ImGui::Begin("Body", nullptr, fixed);
  ImGui::PushFont(ui.title);
  ImGui::TextUnformatted("Organizations");
  ImGui::PopFont();
  if (view.loading) {
    widgets::muted_text("Loading the organization tree…");
  } else if (!view.error.empty()) {
    widgets::error_text(view.error);
    if (ImGui::Button("Try again")) intents.reload = true;
  } else if (view.tree) {
    draw_org_node(*view.tree, view.root);
  }
  ImGui::End();
  ImGui::PopStyleVar();
  return intents;
}

}  // namespace linedesk::client
