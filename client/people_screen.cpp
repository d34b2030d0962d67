// User Permissions (groups: create, edit, choose the default, delete), Administrators (invite
// with a role, change role or organization, remove) and Roles (create, edit, delete).
#include <algorithm>
#include <cstdio>

#include "screens.hpp"

namespace linedesk::client {
namespace {

using widgets::button;
using widgets::copy_to;

// The error when no field of the form shows it.
void other_error(const Feedback& fb, std::initializer_list<const char*> fields) {
  for (const char* f : fields) {
    if (fb.field == f) return;
  }
  widgets::error_text(fb.error);
}

const char* yes_no(bool b) { return b ? "Yes" : "No"; }

bool role_combo(const char* id, const State& st, OrgId org, RoleId& role) {
  const Role* cur = st.role(role);
  const RoleId before = role;
  if (widgets::begin_combo(id, cur ? cur->name.c_str() : "Choose a role")) {
    for (const Role* r : usable_roles(st, org)) {
      ImGui::PushID(static_cast<int>(r->id.value & 0x7fffffff));
      if (ImGui::Selectable(r->name.c_str(), r->id == role)) role = r->id;
      if (ImGui::IsItemHovered()) ImGui::SetTooltip("%s", privilege_summary(r->privileges).c_str());
      ImGui::PopID();
    }
    ImGui::EndCombo();
  }
  return before != role;
}

void draw_roles(const Ui& ui, ConsoleContext& ctx, PeopleState& s) {
  const State& st = ctx.view();
  const OrgId org = ctx.org;
  ImGui::TextUnformatted("Roles");
  widgets::muted_text("A role is a set of privileges; an administrator has one role.");
  if (ImGui::Button("Create Role")) {
    s.role_form = SaveRole{RoleId(), org, "", PrivilegeSet{}};
    s.role_name[0] = 0;
    s.role_form_fb.clear();
  }
  widgets::error_text(s.roles_fb.error);
  widgets::notice_text(s.roles_fb.notice);
  if (ImGui::BeginTable("roles", 4, ImGuiTableFlags_RowBg | ImGuiTableFlags_BordersInnerH |
                                        ImGuiTableFlags_SizingStretchProp)) {
    ImGui::TableSetupColumn("Role", ImGuiTableColumnFlags_WidthStretch, 1.2f);
    ImGui::TableSetupColumn("Defined by", ImGuiTableColumnFlags_WidthStretch, 1.2f);
    ImGui::TableSetupColumn("Privileges", ImGuiTableColumnFlags_WidthStretch, 3.f);
    ImGui::TableSetupColumn("##actions", ImGuiTableColumnFlags_WidthStretch, 1.2f);
    ImGui::TableHeadersRow();
    for (const Role* r : usable_roles(st, org)) {
      ImGui::PushID(static_cast<int>(r->id.value & 0x7fffffff));
      ImGui::TableNextRow();
      ImGui::TableNextColumn();
      ImGui::TextUnformatted(r->name.c_str());
      ImGui::TableNextColumn();
      const Organization* o = st.org(r->org);
      ImGui::TextUnformatted(o ? o->name.c_str() : "");
      ImGui::TableNextColumn();
      ImGui::TextUnformatted(privilege_summary(r->privileges).c_str());
      ImGui::TableNextColumn();
      if (ImGui::SmallButton(("Edit##role_" + r->name).c_str())) {
        s.role_form = SaveRole{r->id, r->org, r->name, r->privileges};
        copy_to(s.role_name, sizeof s.role_name, r->name);
        s.role_form_fb.clear();
      }
      ImGui::SameLine();
      const std::optional<Error>& why = s.refusals.get(st, ctx.admin->id, ctx.now, DeleteRole{r->id});
      if (button(("Delete##role_" + r->name).c_str(), !why, why ? why->message : "", true)) {
        submit(ctx, DeleteRole{r->id}, s.roles_fb, "Role \"" + r->name + "\" deleted.");
      }
      ImGui::PopID();
    }
    ImGui::EndTable();
  }

  if (s.role_form) {
    bool open = true;
    widgets::place_dialog(ui);
    if (ImGui::Begin(s.role_form->id.valid() ? "Edit Role###role_form" : "Create Role###role_form", &open, kDialog)) {
      widgets::labeled_input("Role name", s.role_name, sizeof s.role_name, 0, ui.px(300.f));
      field_error(s.role_form_fb, "name");
      ImGui::TextUnformatted("Privileges");
      for (Privilege p : kAllPrivileges) {
        bool on = s.role_form->privileges.has(p);
        const std::string label = std::string(privilege_label(p)) + "##priv";
        if (ImGui::Checkbox(label.c_str(), &on)) {
          if (on) s.role_form->privileges.add(p);
          else s.role_form->privileges.bits &= ~static_cast<std::uint32_t>(p);
        }
      }
      field_error(s.role_form_fb, "privileges");
      other_error(s.role_form_fb, {"name", "privileges"});
      if (ImGui::Button("Save role")) {
        SaveRole c = *s.role_form;
        c.name = s.role_name;
        if (submit(ctx, c, s.roles_fb, "Role \"" + c.name + "\" saved.")) {
          open = false;
        } else {
          s.role_form_fb = s.roles_fb;
          s.roles_fb.clear();
        }
      }
      ImGui::SameLine();
      if (ImGui::Button("Cancel##role")) open = false;
    }
    ImGui::End();
    if (!open) s.role_form.reset();
  }
}

}  // namespace

void draw_permissions(const Ui& ui, ConsoleContext& ctx, PeopleState& s) {
  const State& st = ctx.view();
  const Organization* org = st.org(ctx.org);
  if (!org) return;
  ImGui::Text("User Permissions of %s", org->name.c_str());
  widgets::muted_text("Each account has one set of User Permissions; new accounts get the default "
                      "of their organization (or of the nearest one above).");
  if (ImGui::Button("Create User Permissions")) {
    s.group_form = SavePermissionGroup{};
    s.group_form->org = org->id;
    s.group_name[0] = s.group_description[0] = 0;
    s.group_form_fb.clear();
  }
  const PermissionGroup* inherited = st.group(st.default_group(org->id));
  if (inherited && inherited->org != org->id) {
    ImGui::SameLine();
    const Organization* from = st.org(inherited->org);
    widgets::muted_text(("Default here: " + inherited->name + " (inherited from " +
                         (from ? from->name : std::string("above")) + ")").c_str());
  }
  widgets::error_text(s.groups_fb.error);
  widgets::notice_text(s.groups_fb.notice);
  if (ImGui::BeginTable("groups", 7, ImGuiTableFlags_RowBg | ImGuiTableFlags_BordersInnerH |
                                         ImGuiTableFlags_SizingStretchProp)) {
    ImGui::TableSetupColumn("Name", ImGuiTableColumnFlags_WidthStretch, 2.f);
    ImGui::TableSetupColumn("Description", ImGuiTableColumnFlags_WidthStretch, 2.5f);
    ImGui::TableSetupColumn("Voice", ImGuiTableColumnFlags_WidthStretch, 0.7f);
    ImGui::TableSetupColumn("Messaging", ImGuiTableColumnFlags_WidthStretch, 0.9f);
    ImGui::TableSetupColumn("International", ImGuiTableColumnFlags_WidthStretch, 1.f);
    ImGui::TableSetupColumn("Call recording", ImGuiTableColumnFlags_WidthStretch, 1.f);
    ImGui::TableSetupColumn("##actions", ImGuiTableColumnFlags_WidthStretch, 2.2f);
    ImGui::TableHeadersRow();
    for (const PermissionGroup* g : groups_of(st, org->id)) {
      ImGui::PushID(static_cast<int>(g->id.value & 0x7fffffff));
      ImGui::TableNextRow();
      ImGui::TableNextColumn();
      ImGui::TextUnformatted((g->name + (g->is_default ? " (Default)" : "")).c_str());
      ImGui::TableNextColumn();
      ImGui::TextUnformatted(g->description.c_str());
      ImGui::TableNextColumn();
      ImGui::TextUnformatted(yes_no(g->voice_calling));
      ImGui::TableNextColumn();
      ImGui::TextUnformatted(yes_no(g->messaging));
      ImGui::TableNextColumn();
      ImGui::TextUnformatted(yes_no(g->international_calling));
      ImGui::TableNextColumn();
      ImGui::TextUnformatted(yes_no(g->call_recording_allowed));
      ImGui::TableNextColumn();
      SavePermissionGroup as_is{g->id, g->org, g->name, g->description, g->is_default, g->voice_calling,
                                g->messaging, g->international_calling, g->call_recording_allowed};
      if (ImGui::SmallButton(("Edit##group_" + g->name).c_str())) {
        s.group_form = as_is;
        copy_to(s.group_name, sizeof s.group_name, g->name);
        copy_to(s.group_description, sizeof s.group_description, g->description);
        s.group_form_fb.clear();
      }
      if (!g->is_default) {
        ImGui::SameLine();
        if (ImGui::SmallButton(("Make default##group_" + g->name).c_str())) {
          SavePermissionGroup c = as_is;
          c.is_default = true;
          submit(ctx, c, s.groups_fb, "\"" + g->name + "\" is now the default.");
        }
      }
      ImGui::SameLine();
      const std::optional<Error>& why = s.refusals.get(st, ctx.admin->id, ctx.now, DeletePermissionGroup{g->id});
      if (button(("Delete##group_" + g->name).c_str(), !why, why ? why->message : "", true)) {
        submit(ctx, DeletePermissionGroup{g->id}, s.groups_fb, "\"" + g->name + "\" deleted.");
      }
      ImGui::PopID();
    }
    ImGui::EndTable();
  }

  if (s.group_form) {
    bool open = true;
    widgets::place_dialog(ui);
    const char* title = s.group_form->id.valid() ? "Edit User Permissions###group_form"
                                                 : "Create User Permissions###group_form";
    if (ImGui::Begin(title, &open, kDialog)) {
      widgets::labeled_input("Permissions name", s.group_name, sizeof s.group_name, 0, ui.px(320.f));
      field_error(s.group_form_fb, "name");
      widgets::labeled_input("Description##group", s.group_description, sizeof s.group_description, 0, ui.px(320.f));
      field_error(s.group_form_fb, "description");
      ImGui::Checkbox("Voice calling", &s.group_form->voice_calling);
      ImGui::Checkbox("Messaging", &s.group_form->messaging);
      ImGui::Checkbox("International calling", &s.group_form->international_calling);
      ImGui::Checkbox("Call recording allowed", &s.group_form->call_recording_allowed);
      ImGui::Checkbox("Default for this organization", &s.group_form->is_default);
      other_error(s.group_form_fb, {"name", "description"});
      if (ImGui::Button("Save permissions")) {
        SavePermissionGroup c = *s.group_form;
        c.name = s.group_name;
        c.description = s.group_description;
        if (submit(ctx, c, s.groups_fb, "\"" + c.name + "\" saved.")) {
          open = false;
        } else {
          s.group_form_fb = s.groups_fb;
          s.groups_fb.clear();
        }
      }
      ImGui::SameLine();
      if (ImGui::Button("Cancel##group")) open = false;
    }
    ImGui::End();
    if (!open) s.group_form.reset();
  }
}

void draw_administrators(const Ui& ui, ConsoleContext& ctx, PeopleState& s) {
  const State& st = ctx.view();
  const Organization* org = st.org(ctx.org);
  if (!org) return;
  ImGui::Text("Administrators of %s and its sub-organizations", org->name.c_str());
  if (ImGui::Button("Invite Administrator")) {
    s.invite_open = true;
    s.invite_org = org->id;
    s.invite_role = RoleId();
    s.invite_first[0] = s.invite_last[0] = s.invite_email[0] = 0;
    s.invite_fb.clear();
  }
  widgets::error_text(s.admins_fb.error);
  widgets::notice_text(s.admins_fb.notice);
  if (ImGui::BeginTable("admins", 5, ImGuiTableFlags_RowBg | ImGuiTableFlags_BordersInnerH |
                                         ImGuiTableFlags_SizingStretchProp)) {
    ImGui::TableSetupColumn("Name", ImGuiTableColumnFlags_WidthStretch, 1.5f);
    ImGui::TableSetupColumn("Email", ImGuiTableColumnFlags_WidthStretch, 2.f);
    ImGui::TableSetupColumn("Organization", ImGuiTableColumnFlags_WidthStretch, 1.5f);
    ImGui::TableSetupColumn("Role", ImGuiTableColumnFlags_WidthStretch, 1.2f);
    ImGui::TableSetupColumn("##actions", ImGuiTableColumnFlags_WidthStretch, 1.3f);
    ImGui::TableHeadersRow();
    for (const Administrator* a : admins_in_subtree(st, org->id)) {
      ImGui::PushID(static_cast<int>(a->id.value & 0x7fffffff));
      ImGui::TableNextRow();
      ImGui::TableNextColumn();
      ImGui::TextUnformatted(a->display_name().c_str());
      ImGui::TableNextColumn();
      ImGui::TextUnformatted(a->email.c_str());
      ImGui::TableNextColumn();
      const Organization* o = st.org(a->org);
      ImGui::TextUnformatted(o ? o->name.c_str() : "");
      ImGui::TableNextColumn();
      const Role* r = st.role(a->role);
      ImGui::TextUnformatted(r ? r->name.c_str() : "");
      ImGui::TableNextColumn();
      if (a->id != ctx.admin->id) {
        if (ImGui::SmallButton(("Edit##admin_" + a->email).c_str())) {
          s.editing_admin = a->id;
          s.edit_role = a->role;
          s.edit_org = a->org;
          s.edit_admin_fb.clear();
        }
        ImGui::SameLine();
        if (ImGui::SmallButton(("Remove##admin_" + a->email).c_str())) s.confirm_remove = a->id;
      } else {
        widgets::muted_text("you");
      }
      ImGui::PopID();
    }
    ImGui::EndTable();
  }
  ImGui::Spacing();
  ImGui::Separator();
  draw_roles(ui, ctx, s);

  // Invite Administrator.
  if (s.invite_open) {
    widgets::place_dialog(ui);
    if (ImGui::Begin("Invite Administrator", &s.invite_open, kDialog)) {
      widgets::labeled_input("First Name##admin", s.invite_first, sizeof s.invite_first, 0, ui.px(320.f));
      field_error(s.invite_fb, "first_name");
      widgets::labeled_input("Last Name##admin", s.invite_last, sizeof s.invite_last, 0, ui.px(320.f));
      field_error(s.invite_fb, "last_name");
      widgets::labeled_input("Email##admin", s.invite_email, sizeof s.invite_email, 0, ui.px(320.f));
      field_error(s.invite_fb, "email");
      ImGui::TextUnformatted("Organization");
      ImGui::SetNextItemWidth(ui.px(320.f));
      widgets::org_combo("##admin_org", st, org->id, s.invite_org);
      field_error(s.invite_fb, "org");
      ImGui::TextUnformatted("Role");
      ImGui::SetNextItemWidth(ui.px(320.f));
      role_combo("##admin_role", st, s.invite_org, s.invite_role);
      if (const Role* r = st.role(s.invite_role)) widgets::muted_text(privilege_summary(r->privileges).c_str());
      field_error(s.invite_fb, "role");
      other_error(s.invite_fb, {"first_name", "last_name", "email", "org", "role"});
      if (ImGui::Button("Send invitation##admin")) {
        InviteAdmin c{s.invite_org, s.invite_role, s.invite_email, s.invite_first, s.invite_last};
        if (submit(ctx, c, s.admins_fb,
                   std::string("Invitation to ") + s.invite_email + " saved; it is emailed by the server.")) {
          s.invite_open = false;
        } else {
          s.invite_fb = s.admins_fb;
          s.admins_fb.clear();
        }
      }
      ImGui::SameLine();
      if (ImGui::Button("Cancel##invite")) s.invite_open = false;
    }
    ImGui::End();
  }

  // Edit one administrator's role and organization.
  const Administrator* editing = s.editing_admin ? st.admin(*s.editing_admin) : nullptr;
  if (s.editing_admin && !editing) s.editing_admin.reset();
  if (editing) {
    bool open = true;
    widgets::place_dialog(ui);
    if (ImGui::Begin("Edit Administrator", &open, kDialog)) {
      ImGui::Text("%s (%s)", editing->display_name().c_str(), editing->email.c_str());
      ImGui::TextUnformatted("Organization");
      ImGui::SetNextItemWidth(ui.px(320.f));
      widgets::org_combo("##edit_admin_org", st, org->id, s.edit_org);
      ImGui::TextUnformatted("Role");
      ImGui::SetNextItemWidth(ui.px(320.f));
      role_combo("##edit_admin_role", st, s.edit_org, s.edit_role);
      widgets::error_text(s.edit_admin_fb.error);
      if (ImGui::Button("Save administrator")) {
        EditAdmin c{editing->id, s.edit_role == editing->role ? RoleId() : s.edit_role,
                    s.edit_org == editing->org ? OrgId() : s.edit_org};
        if (submit(ctx, c, s.admins_fb, editing->email + " saved.")) {
          open = false;
        } else {
          s.edit_admin_fb = s.admins_fb;
          s.admins_fb.clear();
        }
      }
      ImGui::SameLine();
      if (ImGui::Button("Cancel##edit_admin")) open = false;
    }
    ImGui::End();
    if (!open) s.editing_admin.reset();
  }

  // Remove, confirmed.
  if (s.confirm_remove && !ImGui::IsPopupOpen("Remove administrator")) ImGui::OpenPopup("Remove administrator");
  widgets::place_dialog(ui);
  if (ImGui::BeginPopupModal("Remove administrator", nullptr, ImGuiWindowFlags_AlwaysAutoResize)) {
    const Administrator* a = s.confirm_remove ? st.admin(*s.confirm_remove) : nullptr;
    ImGui::Text("Remove %s? They can no longer sign in.", a ? a->email.c_str() : "this administrator");
    if (ImGui::Button("Remove administrator##yes")) {
      if (a) submit(ctx, RemoveAdmin{a->id}, s.admins_fb, a->email + " removed.");
      s.confirm_remove.reset();
      ImGui::CloseCurrentPopup();
    }
    ImGui::SameLine();
    if (ImGui::Button("Keep##admin")) {
      s.confirm_remove.reset();
      ImGui::CloseCurrentPopup();
    }
    ImGui::EndPopup();
  }
}

}  // namespace linedesk::client
