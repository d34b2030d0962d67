// The sign-in screen.
#include "login_screen.hpp"

#include <algorithm>

namespace linedesk::client {

LoginIntent draw_login_screen(const Ui& ui, LoginForm& form) {
  const ImGuiViewport* vp = ImGui::GetMainViewport();
  const float width = std::min(ui.px(420.f), vp->WorkSize.x - ui.px(24.f));
  ImGui::SetNextWindowPos(ImVec2(vp->WorkPos.x + vp->WorkSize.x * 0.5f,
                                 vp->WorkPos.y + vp->WorkSize.y * 0.42f),
                          ImGuiCond_Always, ImVec2(0.5f, 0.5f));
  ImGui::SetNextWindowSize(ImVec2(width, 0.f));
  ImGui::PushStyleVar(ImGuiStyleVar_WindowPadding, ImVec2(ui.px(28.f), ui.px(24.f)));
  LoginIntent intent = LoginIntent::kNone;
  ImGui::Begin("Sign in", nullptr,
               ImGuiWindowFlags_NoDecoration | ImGuiWindowFlags_NoMove |
                   ImGuiWindowFlags_AlwaysAutoResize | ImGuiWindowFlags_NoSavedSettings);
  ImGui::PushFont(ui.title);
  ImGui::TextUnformatted("LineDesk");
  ImGui::PopFont();
  widgets::muted_text("Sign in to manage your business phone lines.");
  ImGui::Dummy(ImVec2(0.f, ui.px(8.f)));

  if (form.focus_email) {
    ImGui::SetKeyboardFocusHere(0);  // the next focusable item: the Email field
    form.focus_email = false;
  }
  ImGui::BeginDisabled(form.busy);
  widgets::labeled_input("Email", form.email, sizeof form.email,
                         ImGuiInputTextFlags_CharsNoBlank);
  if (form.error_field == "email") widgets::error_text(form.error);
  const bool enter = widgets::labeled_input(
      "Password", form.password, sizeof form.password,
      ImGuiInputTextFlags_Password | ImGuiInputTextFlags_EnterReturnsTrue);
  ImGui::Dummy(ImVec2(0.f, ui.px(4.f)));
  const bool clicked = ImGui::Button(form.busy ? "Signing in…###signin" : "Sign in###signin",
                                     ImVec2(-1.f, ui.px(36.f)));
  ImGui::EndDisabled();
  if (form.error_field != "email") widgets::error_text(form.error);
  if ((clicked || enter) && !form.busy) intent = LoginIntent::kSubmit;
  ImGui::End();
  ImGui::PopStyleVar();
  return intent;
}

}  // namespace linedesk::client
