// Organizations (tree with counts, create, edit, delete, policies) and Settings (invitation
// template with preview, utilization threshold, designated administrators).
#include <algorithm>
#include <cstdio>
#include <cstring>
#include <memory>

#include "screens.hpp"
#include "shared/language.hpp"
#include "shared/policy.hpp"

namespace linedesk::client {

using widgets::button;
using widgets::copy_to;

int next_request() {
  static int last = 0;
  return ++last;
}

bool submit(ConsoleContext& ctx, CommandArgs args, Feedback& fb, const std::string& done_text) {
  // Said as done only once this device's storage holds the change (it survives a reload).
  auto answered = std::make_shared<bool>(false);
  auto saved = [&fb, done_text, online = ctx.online, answered](bool ok) {
    *answered = true;
    if (!ok) {
      fb.fail(Error{"storage", "", "This device could not save the change; it is kept in memory "
                                   "and sent while this page stays open."});
      return;
    }
    if (done_text.empty()) return;  // a step of several: the last one tells
    fb.done(done_text + (online ? "" : " Saved on this device; it syncs when the server can be reached."));
  };
  auto r = ctx.submit(std::move(args), nullptr, saved);
  if (!r) {
    fb.fail(r.error());
    return false;
  }
  if (!*answered) fb.done(done_text.empty() ? "" : "Saving…");
  return true;
}

namespace {

// A titled section of a long screen.
void section(const char* title) {
  ImGui::Spacing();
  ImGui::TextUnformatted(title);
  ImGui::Separator();
}

// The policy's editor in its row: a toggle, a number, a language; texts and lists are edited in
// Settings. Returns the value to set, if the administrator set one.
std::optional<Json> policy_editor(const Ui& ui, const PolicyDef& def, const PolicyRow& row,
                                  std::string& edit) {
  const std::string id = "##" + std::string(def.key);
  switch (def.type) {
    case PolicyType::kBool: {
      const bool on = row.value == "On";
      if (ImGui::Button(((on ? "Turn off" : "Turn on") + id).c_str())) return Json(!on);
      return std::nullopt;
    }
    case PolicyType::kInt: {
      if (edit.empty()) edit = row.value;
      char buf[16];
      copy_to(buf, sizeof buf, edit);
      ImGui::SetNextItemWidth(ui.px(70.f));
      if (ImGui::InputText(id.c_str(), buf, sizeof buf, ImGuiInputTextFlags_CharsDecimal)) edit = buf;
      ImGui::SameLine();
      if (ImGui::Button(("Set" + id).c_str())) {
        try {
          return Json(std::stoll(edit));
        } catch (...) {
          return Json(edit);  // the core names what is wrong with it
        }
      }
      return std::nullopt;
    }
    case PolicyType::kLanguage: {
      ImGui::SetNextItemWidth(ui.px(120.f));
      std::optional<Json> out;
      if (widgets::begin_combo(id.c_str(), row.value.c_str())) {
        for (Language l : kAllLanguages) {
          const std::string name(language_name(l));
          if (ImGui::Selectable(name.c_str(), name == row.value)) out = Json(name);
        }
        ImGui::EndCombo();
      }
      return out;
    }
    case PolicyType::kText:
    case PolicyType::kAdminList:
      widgets::muted_text("Edited in Settings");
      return std::nullopt;
  }
  return std::nullopt;
}

void draw_policies(const Ui& ui, ConsoleContext& ctx, OrgsState& s, OrgId org) {
  const State& st = ctx.view();
  ImGui::TextUnformatted("Policies");
  widgets::muted_text("Policies set here apply to this organization and every sub-organization "
                      "below it, unless one of them sets its own.");
  widgets::error_text(s.policy_fb.error);
  widgets::notice_text(s.policy_fb.notice);
  if (!ImGui::BeginTable("policies", 4, ImGuiTableFlags_RowBg | ImGuiTableFlags_BordersInnerH |
                                            ImGuiTableFlags_SizingStretchProp)) {
    return;
  }
  ImGui::TableSetupColumn("Policy", ImGuiTableColumnFlags_WidthStretch, 2.f);
  ImGui::TableSetupColumn("In force", ImGuiTableColumnFlags_WidthStretch, 1.5f);
  ImGui::TableSetupColumn("Comes from", ImGuiTableColumnFlags_WidthStretch, 1.5f);
  ImGui::TableSetupColumn("Change", ImGuiTableColumnFlags_WidthStretch, 2.f);
  ImGui::TableHeadersRow();
  for (const PolicyRow& row : policy_rows(st, org)) {
    const PolicyDef& def = *row.def;
    ImGui::TableNextRow();
    ImGui::TableNextColumn();
    ImGui::TextUnformatted(std::string(def.label).c_str());
    if (ImGui::IsItemHovered()) ImGui::SetTooltip("%s", std::string(def.help).c_str());
    ImGui::TableNextColumn();
    const std::string shown = def.type == PolicyType::kText && row.value.size() > 40
                                  ? row.value.substr(0, 40) + "…"
                                  : row.value;
    ImGui::TextUnformatted(shown.c_str());
    ImGui::TableNextColumn();
    widgets::muted_text(row.source.c_str());
    ImGui::TableNextColumn();
    std::string& edit = s.policy_edits[{org, std::string(def.key)}];
    if (auto value = policy_editor(ui, def, row, edit)) {
      if (submit(ctx, SetPolicy{org, std::string(def.key), *value}, s.policy_fb,
                 std::string(def.label) + " set here.")) {
        edit.clear();
      }
    }
    if (row.set_here && !st.org(org)->is_root()) {
      ImGui::SameLine();
      if (ImGui::Button(("Inherit##" + std::string(def.key)).c_str())) {
        submit(ctx, SetPolicy{org, std::string(def.key), std::nullopt}, s.policy_fb,
               std::string(def.label) + " is inherited again.");
        edit.clear();
      }
    }
  }
  ImGui::EndTable();
}

}  // namespace

void draw_organizations(const Ui& ui, ConsoleContext& ctx, OrgsState& s) {
  const State& st = ctx.view();
  const OrgId top = ctx.admin->org;
  if (!st.org(top)) {
    widgets::muted_text("Loading the organizations from the server…");
    return;
  }
  if (!s.selected.valid() || !st.org(s.selected) || !st.orgs().is_within(s.selected, top)) {
    s.selected = st.org(ctx.org) ? ctx.org : top;
  }
  const std::vector<OrgRow> rows = org_rows(st, top);

  if (ImGui::Button("Create New Sub-Organization")) {
    s.create_open = true;
    s.create_parent = s.selected;
    s.create_name[0] = s.create_description[0] = 0;
    s.create_fb.clear();
  }
  widgets::error_text(s.fb.error);
  widgets::notice_text(s.fb.notice);

  // Left: the tree with counts. Right: the selected organization.
  const float left_w = std::max(ui.px(360.f), ImGui::GetContentRegionAvail().x * 0.42f);
  ImGui::BeginChild("org_tree", ImVec2(left_w, 0.f), true);
  if (ImGui::BeginTable("orgs", 3, ImGuiTableFlags_RowBg | ImGuiTableFlags_ScrollY |
                                       ImGuiTableFlags_SizingStretchProp)) {
    ImGui::TableSetupScrollFreeze(0, 1);
    ImGui::TableSetupColumn("Organization", ImGuiTableColumnFlags_WidthStretch, 3.f);
    ImGui::TableSetupColumn("Users", ImGuiTableColumnFlags_WidthStretch, 1.f);
    ImGui::TableSetupColumn("Administrators", ImGuiTableColumnFlags_WidthStretch, 1.2f);
    ImGui::TableHeadersRow();
    // Rows of collapsed branches are skipped: `hidden_below` is the depth of a closed node.
    int hidden_below = -1;
    for (const OrgRow& row : rows) {
      if (hidden_below >= 0 && row.depth > hidden_below) continue;
      hidden_below = -1;
      const Organization* org = st.org(row.id);
      ImGui::TableNextRow();
      ImGui::TableNextColumn();
      ImGui::PushID(static_cast<int>(row.id.value & 0x7fffffff));
      ImGui::Indent(ImGui::GetStyle().IndentSpacing * static_cast<float>(row.depth));
      ImGuiTreeNodeFlags flags = ImGuiTreeNodeFlags_DefaultOpen | ImGuiTreeNodeFlags_SpanFullWidth |
                                 ImGuiTreeNodeFlags_OpenOnArrow | ImGuiTreeNodeFlags_NoTreePushOnOpen;
      if (!row.has_children) flags |= ImGuiTreeNodeFlags_Leaf;
      if (s.selected == row.id) flags |= ImGuiTreeNodeFlags_Selected;
      const bool open = ImGui::TreeNodeEx(org->name.c_str(), flags);
      if (ImGui::IsItemClicked() && !ImGui::IsItemToggledOpen()) s.selected = row.id;
      if (!open) hidden_below = row.depth;
      ImGui::Unindent(ImGui::GetStyle().IndentSpacing * static_cast<float>(row.depth));
      ImGui::PopID();
      ImGui::TableNextColumn();
      ImGui::Text("%lld", static_cast<long long>(row.subtree_users));
      ImGui::TableNextColumn();
      ImGui::Text("%lld", static_cast<long long>(row.subtree_admins));
    }
    ImGui::EndTable();
  }
  ImGui::EndChild();
  ImGui::SameLine();

  ImGui::BeginChild("org_detail", ImVec2(0.f, 0.f), true);
  const Organization* org = st.org(s.selected);
  const auto it = std::find_if(rows.begin(), rows.end(), [&](const OrgRow& r) { return r.id == s.selected; });
  if (org && it != rows.end()) {
    ImGui::PushFont(ui.title);
    ImGui::TextUnformatted(org->name.c_str());
    ImGui::PopFont();
    if (!org->description.empty()) widgets::muted_text(org->description.c_str());
    ImGui::Text("%s · %s", widgets::plural(it->subtree_users, "User", "Users").c_str(),
                widgets::plural(it->subtree_admins, "Administrator", "Administrators").c_str());
    if (it->subtree_users != it->users || it->subtree_admins != it->admins) {
      widgets::muted_text(("Directly here: " + widgets::plural(it->users, "user", "users") + ", " +
                           widgets::plural(it->admins, "administrator", "administrators"))
                              .c_str());
    }
    const PoolCounts& pool = st.pool(org->id);
    widgets::muted_text(("Numbers in its own pool: " + std::to_string(pool.total()) + " (" +
                         std::to_string(pool.available) + " available)")
                            .c_str());
    if (ImGui::Button("Edit")) {
      s.edit_open = true;
      s.editing = org->id;
      copy_to(s.edit_name, sizeof s.edit_name, org->name);
      copy_to(s.edit_description, sizeof s.edit_description, org->description);
      s.edit_fb.clear();
    }
    ImGui::SameLine();
    const std::optional<Error>& why = s.refusals.get(st, ctx.admin->id, ctx.now, DeleteOrg{org->id});
    if (button("Delete", !why, why ? why->message : std::string())) s.confirm_delete = true;
    if (why) widgets::muted_text(why->message.c_str());
    ImGui::Separator();
    draw_policies(ui, ctx, s, org->id);
  }
  ImGui::EndChild();

  // Create New Sub-Organization.
  if (s.create_open) {
    widgets::place_dialog(ui);
    if (ImGui::Begin("Create New Sub-Organization", &s.create_open, kDialog)) {
      ImGui::TextUnformatted("Parent organization");
      widgets::org_combo("##parent", st, top, s.create_parent);
      const bool enter = widgets::labeled_input("Sub-organization name", s.create_name, sizeof s.create_name,
                                                ImGuiInputTextFlags_EnterReturnsTrue, ui.px(340.f));
      field_error(s.create_fb, "name");
      widgets::labeled_input("Description", s.create_description, sizeof s.create_description, 0, ui.px(340.f));
      field_error(s.create_fb, "description");
      if (s.create_fb.field != "name" && s.create_fb.field != "description") widgets::error_text(s.create_fb.error);
      if (ImGui::Button("Create") || enter) {
        const std::string name = s.create_name;
        if (submit(ctx, CreateOrg{s.create_parent, name, s.create_description}, s.fb,
                   "Sub-organization \"" + name + "\" created.")) {
          s.create_open = false;
        } else {
          s.create_fb = s.fb;
          s.fb.clear();
        }
      }
      ImGui::SameLine();
      if (ImGui::Button("Cancel##create")) s.create_open = false;
    }
    ImGui::End();
  }

  // Edit: the organization it was opened for, whatever is selected meanwhile.
  const Organization* edited = st.org(s.editing);
  if (s.edit_open && !edited) s.edit_open = false;  // deleted meanwhile
  if (s.edit_open && edited) {
    widgets::place_dialog(ui);
    if (ImGui::Begin("Edit Organization", &s.edit_open, kDialog)) {
      widgets::labeled_input("Organization name", s.edit_name, sizeof s.edit_name, 0, ui.px(340.f));
      field_error(s.edit_fb, "name");
      widgets::labeled_input("Description##edit", s.edit_description, sizeof s.edit_description, 0, ui.px(340.f));
      field_error(s.edit_fb, "description");
      if (s.edit_fb.field != "name" && s.edit_fb.field != "description") widgets::error_text(s.edit_fb.error);
      if (ImGui::Button("Save##org")) {
        EditOrg c{edited->id, std::string(s.edit_name), std::string(s.edit_description)};
        if (submit(ctx, c, s.fb, "Organization saved.")) {
          s.edit_open = false;
        } else {
          s.edit_fb = s.fb;
          s.fb.clear();
        }
      }
      ImGui::SameLine();
      if (ImGui::Button("Cancel##edit")) s.edit_open = false;
    }
    ImGui::End();
  }

  // Delete: the seed's confirmation.
  if (s.confirm_delete && !ImGui::IsPopupOpen("Delete organization")) ImGui::OpenPopup("Delete organization");
  widgets::place_dialog(ui);
  if (ImGui::BeginPopupModal("Delete organization", nullptr, ImGuiWindowFlags_AlwaysAutoResize)) {
    ImGui::TextUnformatted(kDeleteQuestion);
    if (org) widgets::muted_text(org->name.c_str());
    if (ImGui::Button("Yes")) {
      if (org) {
        const std::string name = org->name;
        const OrgId parent = org->parent;
        if (submit(ctx, DeleteOrg{org->id}, s.fb, "Organization \"" + name + "\" deleted.")) s.selected = parent;
      }
      s.confirm_delete = false;
      ImGui::CloseCurrentPopup();
    }
    ImGui::SameLine();
    if (ImGui::Button("No")) {
      s.confirm_delete = false;
      ImGui::CloseCurrentPopup();
    }
    ImGui::EndPopup();
  }
}

void draw_settings(const Ui& ui, ConsoleContext& ctx, SettingsState& s) {
  const State& st = ctx.view();
  const Organization* org = st.org(ctx.org);
  if (!org) {
    widgets::muted_text("Loading the organization from the server…");
    return;
  }
  // Fill the fields from the organization's settings in force when it is chosen.
  const OrgTree& tree = st.orgs();
  if (s.loaded_for != org->id) {
    copy_to(s.subject, sizeof s.subject, effective_text(tree, org->id, policy::kInvitationSubject));
    copy_to(s.body, sizeof s.body, effective_text(tree, org->id, policy::kInvitationBody));
    s.threshold = static_cast<int>(effective_int(tree, org->id, policy::kUtilizationThreshold));
    s.valid_days = static_cast<int>(effective_int(tree, org->id, policy::kInvitationValidDays));
    const auto list = effective_list(tree, org->id, policy::kNotificationAdmins);
    s.recipients = std::set<std::int64_t>(list.begin(), list.end());
    s.batch_summaries = effective_bool(tree, org->id, policy::kBatchNotifications);
    s.loaded_for = org->id;
    s.template_fb.clear();
    s.threshold_fb.clear();
    s.recipients_fb.clear();
  }
  const auto source = [&](std::string_view key) {
    const EffectivePolicy e = effective_policy(tree, org->id, key);
    if (!e.source.valid()) return std::string("LineDesk's default");
    if (e.source == org->id) return std::string("set here");
    const Organization* from = st.org(e.source);
    return "inherited from " + (from ? from->name : std::string("above"));
  };
  ImGui::PushFont(ui.title);
  ImGui::Text("Settings of %s", org->name.c_str());
  ImGui::PopFont();
  widgets::muted_text("Each setting applies to this organization and its sub-organizations unless "
                      "one of them sets its own.");

  // Invitation email template with its preview beside it.
  section("Invitation email");
  ImGui::BeginGroup();
  const float w = std::min(ui.px(520.f), ImGui::GetContentRegionAvail().x * 0.5f);
  widgets::muted_text(("Template: " + source(policy::kInvitationBody) + ". {name}, {number}, "
                       "{organization} and {link} are filled in.").c_str());
  widgets::labeled_input("Subject", s.subject, sizeof s.subject, 0, w);
  if (const std::string* e = s.template_fb.about("value")) widgets::error_text(*e);
  ImGui::TextUnformatted("Text");
  ImGui::InputTextMultiline("##invitation_text", s.body, sizeof s.body, ImVec2(w, ui.px(180.f)));
  widgets::labeled_int("Link valid (days)", &s.valid_days, ui.px(140.f));
  if (ImGui::Button("Save template")) {
    // Three settings, each its own command: the first refusal stops and is shown.
    const std::string done = std::string("Invitation template saved for ") + org->name + ".";
    submit(ctx, SetPolicy{org->id, std::string(policy::kInvitationSubject), Json(std::string(s.subject))}, s.template_fb, "") &&
        submit(ctx, SetPolicy{org->id, std::string(policy::kInvitationBody), Json(std::string(s.body))}, s.template_fb, "") &&
        submit(ctx, SetPolicy{org->id, std::string(policy::kInvitationValidDays), Json(s.valid_days)}, s.template_fb, done);
  }
  if (!org->is_root() && org->policies.count(policy::kInvitationBody)) {
    ImGui::SameLine();
    if (ImGui::Button("Use the inherited template")) {
      submit(ctx, SetPolicy{org->id, std::string(policy::kInvitationSubject), std::nullopt}, s.template_fb, "") &&
          submit(ctx, SetPolicy{org->id, std::string(policy::kInvitationBody), std::nullopt}, s.template_fb, "") &&
          submit(ctx, SetPolicy{org->id, std::string(policy::kInvitationValidDays), std::nullopt}, s.template_fb,
                 "The template is inherited again.");
      s.loaded_for = OrgId();  // refill from the inherited values
    }
  }
  if (s.template_fb.field != "value") widgets::error_text(s.template_fb.error);
  widgets::notice_text(s.template_fb.notice);
  ImGui::EndGroup();
  ImGui::SameLine(0.f, ui.px(24.f));
  ImGui::BeginGroup();
  const RenderedMail preview = invitation_preview(st, org->id, s.subject, s.body);
  widgets::muted_text("Preview (an example user)");
  ImGui::BeginChild("preview", ImVec2(0.f, ui.px(250.f)), true);
  ImGui::Text("Subject: %s", preview.subject.c_str());
  ImGui::Separator();
  ImGui::PushTextWrapPos(0.f);
  ImGui::TextUnformatted(preview.body.c_str());
  ImGui::PopTextWrapPos();
  ImGui::EndChild();
  ImGui::EndGroup();

  // Utilization threshold.
  section("Utilization threshold");
  widgets::muted_text(("Designated administrators are emailed when this share of numbers is in "
                       "use, then on every further assignment (" + source(policy::kUtilizationThreshold) + ").").c_str());
  widgets::labeled_int("Threshold (%)", &s.threshold, ui.px(140.f));
  ImGui::SameLine();
  if (ImGui::Button("Save threshold")) {
    submit(ctx, SetThreshold{org->id, s.threshold}, s.threshold_fb,
           "Utilization threshold set to " + std::to_string(s.threshold) + " %.");
  }
  widgets::error_text(s.threshold_fb.error);
  widgets::notice_text(s.threshold_fb.notice);

  // Designated administrators.
  section("Designated administrators");
  widgets::muted_text(("They receive threshold alerts and batch summaries (" +
                       source(policy::kNotificationAdmins) + "). With none chosen, the administrators "
                       "with the Numbers or Settings privilege nearest above are told.").c_str());
  for (const Administrator* a : designated_candidates(st, org->id)) {
    bool on = s.recipients.count(a->id.value) > 0;
    const std::string name = a->display_name();
    const std::string label = (name == a->email ? name : name + " (" + a->email + ")") + "##notify";
    if (ImGui::Checkbox(label.c_str(), &on)) {
      if (on) s.recipients.insert(a->id.value);
      else s.recipients.erase(a->id.value);
    }
  }
  ImGui::Checkbox("Send batch summaries", &s.batch_summaries);
  if (ImGui::Button("Save recipients")) {
    const std::vector<std::int64_t> list(s.recipients.begin(), s.recipients.end());
    submit(ctx, SetPolicy{org->id, std::string(policy::kNotificationAdmins), Json(list)}, s.recipients_fb, "") &&
        submit(ctx, SetPolicy{org->id, std::string(policy::kBatchNotifications), Json(s.batch_summaries)},
               s.recipients_fb,
               widgets::plural(list.size(), "designated administrator", "designated administrators") + " saved.");
  }
  widgets::error_text(s.recipients_fb.error);
  widgets::notice_text(s.recipients_fb.notice);
}

}  // namespace linedesk::client
