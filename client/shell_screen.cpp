// Header bar, screen tabs, sync issues and profile of the signed-in console.
#include "shell_screen.hpp"

#include <cstdio>
#include <cstring>

#include "shared/reports.hpp"
#include "view_text.hpp"

namespace linedesk::client {
namespace {

constexpr ImU32 kHeaderBg = IM_COL32(28, 45, 78, 255);

void draw_org_node(const State& st, OrgId id, OrgId& selected) {
  const Organization* org = st.org(id);
  if (!org) return;
  const auto& kids = st.orgs().children(id);
  ImGuiTreeNodeFlags flags = ImGuiTreeNodeFlags_DefaultOpen | ImGuiTreeNodeFlags_SpanAvailWidth |
                             ImGuiTreeNodeFlags_OpenOnArrow;
  if (kids.empty()) flags |= ImGuiTreeNodeFlags_Leaf;
  if (selected == id) flags |= ImGuiTreeNodeFlags_Selected;
  ImGui::PushID(static_cast<int>(id.value & 0x7fffffff));
  const bool open = ImGui::TreeNodeEx(org->name.c_str(), flags);
  if (ImGui::IsItemClicked() && !ImGui::IsItemToggledOpen()) selected = id;
  ImGui::SameLine(0.f, ImGui::GetStyle().ItemSpacing.x * 2);
  widgets::muted_text((std::to_string(st.accounts_in(id)) + " users · " +
                       std::to_string(st.pool(id).total()) + " numbers")
                          .c_str());
  ImGui::PopID();
  if (!open) return;
  for (OrgId child : st.orgs().children_by_name(id)) draw_org_node(st, child, selected);
  ImGui::TreePop();
}

// One line naming a refused change for the Sync issues panel.
std::string issue_summary(const State& st, const Command& c) {
  if (const auto* o = std::get_if<CreateOrg>(&c.args)) {
    const Organization* parent = st.org(o->parent);
    return "New sub-organization \"" + o->name + "\"" + (parent ? " under " + parent->name : std::string());
  }
  return std::visit([](const auto& a) { return std::string(std::decay_t<decltype(a)>::kName); }, c.args);
}

}  // namespace

ShellIntents draw_shell(const Ui& ui, const ShellView& view, ShellState& state) {
  ShellIntents intents;
  const State& st = view.replica->view();
  // The administrator as the replica has them: a profile, role or organization change shows.
  const Administrator& admin = *view.console->admin;
  if (!state.working_org.valid() || !st.org(state.working_org)) state.working_org = admin.org;
  const Role* my_role = st.role(admin.role);
  const PrivilegeSet privileges = my_role ? my_role->privileges : view.session->role.privileges;
  auto has = [&](Privilege p) { return privileges.has(p); };

  const ImGuiViewport* vp = ImGui::GetMainViewport();
  const float header_h = ui.px(52.f);
  const ImGuiWindowFlags fixed = ImGuiWindowFlags_NoDecoration | ImGuiWindowFlags_NoMove |
                                 ImGuiWindowFlags_NoSavedSettings |
                                 ImGuiWindowFlags_NoBringToFrontOnFocus;

  // Header bar.
  ImGui::SetNextWindowPos(vp->WorkPos);
  ImGui::SetNextWindowSize(ImVec2(vp->WorkSize.x, header_h));
  ImGui::PushStyleColor(ImGuiCol_WindowBg, kHeaderBg);
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
  const Organization* working = st.org(state.working_org);
  const std::string org_label = (working ? working->name : std::string("…")) + "###org_picker";
  if (ImGui::Button(org_label.c_str())) {
    state.nav_choice = state.working_org;
    ImGui::OpenPopup("Choose Sub-Organization");
  }
  if (ImGui::IsItemHovered()) ImGui::SetTooltip("Go to another organization");
  if (ImGui::BeginPopup("Choose Sub-Organization")) {
    ImGui::PushStyleColor(ImGuiCol_Text, IM_COL32(20, 24, 32, 255));
    ImGui::TextUnformatted("Choose Sub-Organization");
    ImGui::Separator();
    draw_org_node(st, admin.org, state.nav_choice);
    ImGui::Separator();
    ImGui::PopStyleColor();
    if (ImGui::Button("Apply")) {
      if (st.org(state.nav_choice)) state.working_org = state.nav_choice;
      ImGui::CloseCurrentPopup();
    }
    ImGui::SameLine();
    if (ImGui::Button("Cancel##nav")) ImGui::CloseCurrentPopup();
    ImGui::EndPopup();
  }

  // Sync status: a dot and a line, the issues button when there are any.
  ImGui::SameLine(0.f, ui.px(20.f));
  const SyncStatus& s = *view.status;
  const ImU32 dot = s.outdated || s.session_expired ? IM_COL32(240, 170, 60, 255)
                    : s.online                       ? IM_COL32(90, 200, 120, 255)
                                                     : IM_COL32(200, 90, 90, 255);
  const ImVec2 p = ImGui::GetCursorScreenPos();
  const float r = ui.px(5.f);
  ImGui::GetWindowDrawList()->AddCircleFilled(
      ImVec2(p.x + r, p.y + ImGui::GetFrameHeight() * 0.5f), r, dot);
  ImGui::Dummy(ImVec2(r * 2.f, ImGui::GetFrameHeight()));
  ImGui::SameLine();
  ImGui::AlignTextToFramePadding();
  ImGui::TextUnformatted(sync_status_line(s).c_str());
  if (ImGui::IsItemHovered()) {
    ImGui::SetTooltip("Last sync: %s%s%s", ago(s.last_sync_ms, view.now).c_str(),
                      s.problem.empty() ? "" : "\n", s.problem.c_str());
  }
  if (s.session_expired) {
    ImGui::SameLine();
    if (ImGui::Button("Sign in again")) intents.sign_in_again = true;
  }
  if (s.issues > 0) {
    ImGui::SameLine();
    const std::string label = std::to_string(s.issues) + (s.issues == 1 ? " sync issue" : " sync issues") + "###sync_issues";
    if (ImGui::Button(label.c_str())) state.issues_open = true;
  }

  const Role* role = st.role(admin.role);
  const std::string who = admin.display_name() + "  ·  " + (role ? role->name : view.session->role.name) + "  ▾";
  const float who_w = ImGui::CalcTextSize(who.c_str()).x + ImGui::GetStyle().FramePadding.x * 2;
  ImGui::SameLine(std::max(ImGui::GetCursorPosX() + ui.px(12.f), ImGui::GetWindowWidth() - who_w - ui.px(14.f)));
  if (ImGui::Button((who + "###profile_menu").c_str())) ImGui::OpenPopup("profile_menu_popup");
  if (ImGui::BeginPopup("profile_menu_popup")) {
    ImGui::PushStyleColor(ImGuiCol_Text, IM_COL32(20, 24, 32, 255));
    if (ImGui::Selectable("Profile")) state.profile.open = true;
    if (has(Privilege::kOrganizations) && ImGui::Selectable("Sub-Organizations")) state.select_tab = "Organizations";
    if (ImGui::Selectable("Logout")) intents.logout = true;
    ImGui::PopStyleColor();
    ImGui::EndPopup();
  }
  ImGui::End();
  ImGui::PopStyleVar(2);
  ImGui::PopStyleColor(5);

  // Body: the screens in tabs.
  ImGui::SetNextWindowPos(ImVec2(vp->WorkPos.x, vp->WorkPos.y + header_h));
  ImGui::SetNextWindowSize(ImVec2(vp->WorkSize.x, vp->WorkSize.y - header_h));
  ImGui::PushStyleVar(ImGuiStyleVar_WindowRounding, 0.f);
  ImGui::Begin("Body", nullptr, fixed);
  widgets::error_text(state.form_error);
  ConsoleContext& ctx = *view.console;
  ctx.org = state.working_org;
  const bool tabs = ImGui::BeginTabBar("main_tabs");
  // A tab per screen the role allows (the server checks again on every change).
  auto tab = [&](const char* name, bool allowed) {
    if (!tabs || !allowed) return false;
    const ImGuiTabItemFlags flags =
        state.select_tab && std::strcmp(state.select_tab, name) == 0 ? ImGuiTabItemFlags_SetSelected : 0;
    if (!ImGui::BeginTabItem(name, nullptr, flags)) return false;
    state.current_tab = name;
    return true;
  };
  if (st.orgs().size() == 0 || !st.org(admin.org)) {
    widgets::muted_text("Loading the organizations from the server…");
  } else {
    if (tab("Dashboard", true)) {
      draw_dashboard(ui, ctx, state.dashboard);
      ImGui::EndTabItem();
    }
    if (tab("Accounts", has(Privilege::kAccounts))) {
      draw_accounts(ui, ctx, state.accounts);
      ImGui::EndTabItem();
    }
    if (tab("Numbers", has(Privilege::kNumbers))) {
      draw_numbers(ui, ctx, state.numbers);
      ImGui::EndTabItem();
    }
    if (tab("Organizations", has(Privilege::kOrganizations))) {
      draw_organizations(ui, ctx, state.orgs);
      ImGui::EndTabItem();
    }
    if (tab("User Permissions", has(Privilege::kAccounts) || has(Privilege::kSettings))) {
      draw_permissions(ui, ctx, state.people);
      ImGui::EndTabItem();
    }
    if (tab("Administrators", has(Privilege::kAdministrators))) {
      draw_administrators(ui, ctx, state.people);
      ImGui::EndTabItem();
    }
    if (tab("Reports", has(Privilege::kReports) || has(Privilege::kAccounts))) {
      if (ImGui::BeginTabBar("report_tabs")) {
        if (ImGui::BeginTabItem("Batch Operation Reports")) {
          draw_batches(ui, ctx, state.accounts);
          ImGui::EndTabItem();
        }
        if (has(Privilege::kReports) && ImGui::BeginTabItem("Admin Activity Report")) {
          draw_activity(ui, ctx, state.activity);
          ImGui::EndTabItem();
        }
        ImGui::EndTabBar();
      }
      ImGui::EndTabItem();
    }
    if (tab("Settings", has(Privilege::kSettings))) {
      draw_settings(ui, ctx, state.settings);
      ImGui::EndTabItem();
    }
    state.select_tab = nullptr;
  }
  if (tabs) ImGui::EndTabBar();
  ImGui::End();
  ImGui::PopStyleVar();

  // Sync issues: commands the server refused, with its reason.
  if (state.issues_open) {
    // Fits its content (an edit form opens inside it), up to most of the window's height.
    ImGui::SetNextWindowSizeConstraints(ImVec2(ui.px(560.f), 0.f),
                                        ImVec2(ui.px(560.f), vp->WorkSize.y * 0.8f));
    ImGui::SetNextWindowPos(ImVec2(vp->WorkPos.x + vp->WorkSize.x * 0.5f, vp->WorkPos.y + ui.px(90.f)),
                            ImGuiCond_Appearing, ImVec2(0.5f, 0.f));
    if (ImGui::Begin("Sync issues", &state.issues_open,
                     ImGuiWindowFlags_NoCollapse | ImGuiWindowFlags_AlwaysAutoResize)) {
      if (view.replica->issues().empty()) widgets::muted_text("Nothing waits for you.");
      widgets::error_text(state.issue_error);
      for (const SyncIssue& issue : view.replica->issues()) {
        ImGui::PushID(static_cast<int>(issue.seq));
        ImGui::Separator();
        ImGui::TextUnformatted(issue_summary(st, issue.command).c_str());
        widgets::muted_text(("Made " + ago(issue.queued_ms, view.now) + "; the server refused it:").c_str());
        widgets::error_text(issue.error.message);
        const auto* create = std::get_if<CreateOrg>(&issue.command.args);
        if (create && state.editing_issue == issue.seq) {
          // Edit: the fields the refusal is about, then send it again as a new change.
          const bool enter = widgets::labeled_input("New name", state.edit_name, sizeof state.edit_name,
                                                    ImGuiInputTextFlags_EnterReturnsTrue |
                                                        ImGuiInputTextFlags_AutoSelectAll,
                                                    ui.px(300.f));
          if ((ImGui::Button("Resubmit edited") || enter) && state.edit_name[0]) {
            CreateOrg edited = *create;
            edited.name = state.edit_name;
            intents.resubmit = issue.seq;
            intents.resubmit_edited = edited;
          }
          ImGui::SameLine();
          if (ImGui::Button("Cancel")) state.editing_issue.reset();
        } else {
          if (create && ImGui::Button("Edit & resubmit")) {
            state.editing_issue = issue.seq;
            std::snprintf(state.edit_name, sizeof state.edit_name, "%s", create->name.c_str());
          }
          if (create) ImGui::SameLine();
          if (ImGui::Button("Resubmit as is")) intents.resubmit = issue.seq;
          ImGui::SameLine();
          if (ImGui::Button("Discard")) intents.discard = issue.seq;
        }
        ImGui::PopID();
      }
    }
    ImGui::End();
  }
  if (draw_profile(ui, *view.console, state.profile)) intents.logout = true;
  return intents;
}

namespace {

Json dashboard_test_state(const DashboardState& d) {
  Json j{{"loaded", d.figures.has_value()},
         {"error", d.error},
         {"heading", usage_heading(d.kind == 1 ? UsageKind::kMessage : d.kind == 2 ? UsageKind::kData : UsageKind::kVoice)},
         {"detail_open", d.detail_open},
         {"threshold", d.threshold_fb.error.empty() ? d.threshold_fb.notice : d.threshold_fb.error}};
  if (d.figures) j["figures"] = to_json(*d.figures);
  return j;
}

}  // namespace

Json shell_test_state(const ShellState& state, const ConsoleContext& ctx) {
  const State& st = ctx.view();
  Json orgs = Json::array();
  if (ctx.admin) {
    for (const OrgRow& row : org_rows(st, ctx.admin->org)) orgs.push_back(st.org(row.id)->name);
  }
  const Organization* working = st.org(state.working_org);
  auto fb = [](const Feedback& f) { return Json{{"error", f.error}, {"field", f.field}, {"notice", f.notice}}; };
  const Organization* selected = st.org(state.orgs.selected);
  std::string delete_refusal;
  if (selected && ctx.admin) {
    if (auto why = refusal(st, ctx.admin->id, ctx.now, DeleteOrg{selected->id})) delete_refusal = why->message;
  }
  return Json{{"tab", state.current_tab},
              {"working_org", working ? working->name : ""},
              {"visible_orgs", std::move(orgs)},
              {"orgs", Json{{"selected", selected ? selected->name : ""},
                            {"delete_refusal", delete_refusal},
                            {"confirming", state.orgs.confirm_delete ? kDeleteQuestion : ""},
                            {"feedback", fb(state.orgs.fb)},
                            {"create", fb(state.orgs.create_fb)},
                            {"policy", fb(state.orgs.policy_fb)}}},
              {"numbers", Json{{"rows", state.numbers.table.rows().size()},
                               {"utilization", working ? to_json(number_utilization(st, working->id)) : Json()},
                               {"selected", state.numbers.selected.size()},
                               {"feedback", fb(state.numbers.fb)},
                               {"allocate", fb(state.numbers.allocate_fb)},
                               {"history", state.numbers.history}}},
              {"people", Json{{"groups", fb(state.people.groups_fb)},
                              {"admins", fb(state.people.admins_fb)},
                              {"invite", fb(state.people.invite_fb)},
                              {"roles", fb(state.people.roles_fb)},
                              {"role_form", fb(state.people.role_form_fb)}}},
              {"settings", Json{{"template", fb(state.settings.template_fb)},
                                {"threshold", fb(state.settings.threshold_fb)},
                                {"recipients", fb(state.settings.recipients_fb)}}},
              {"profile", Json{{"open", state.profile.open},
                               {"photo_bytes", state.profile.photo.size()},
                               {"feedback", fb(state.profile.fb)}}},
              {"dashboard", dashboard_test_state(state.dashboard)},
              {"activity", Json{{"entries", state.activity.entries.size()},
                                {"total", state.activity.total},
                                {"downloads", state.activity.downloads},
                                {"feedback", fb(state.activity.fb)}}}};
}

}  // namespace linedesk::client
