// Profile (seed 004 "Edit Administrator profile": name, address, time zone, phone, photo; Logout)
// and the Admin Activity Report (filter by administrator, action, text and dates; download).
#include <cstdio>

#include "screens.hpp"
#include "view_text.hpp"
#include "shared/time_zone.hpp"

namespace linedesk::client {
namespace {

using widgets::copy_to;

}  // namespace

void ProfileState::load(const Administrator& a) {
  const ProfileForm f = profile_form(a);
  copy_to(first, sizeof first, f.first_name);
  copy_to(last, sizeof last, f.last_name);
  copy_to(phone, sizeof phone, f.phone);
  copy_to(address, sizeof address, f.address);
  copy_to(time_zone, sizeof time_zone, f.time_zone);
  photo = f.photo;
  loaded = true;
}

void ProfileState::file_chosen(const std::string& name, const std::string& data_url) {
  if (data_url.empty()) {
    fb.fail(Error{"invalid_photo", "photo", name + " is not an image this browser can read (use PNG, JPEG or WebP)."});
    return;
  }
  photo = data_url;
  fb.clear();
}

bool draw_profile(const Ui& ui, ConsoleContext& ctx, ProfileState& s) {
  const Administrator& me = *ctx.admin;
  if (!s.open) {
    s.loaded = false;
    return false;
  }
  if (!s.loaded) {
    s.load(me);
    s.fb.clear();
  }
  bool logout = false;
  const ImGuiViewport* vp = ImGui::GetMainViewport();
  ImGui::SetNextWindowPos(ImVec2(vp->WorkPos.x + vp->WorkSize.x * 0.5f, vp->WorkPos.y + ui.px(80.f)),
                          ImGuiCond_Appearing, ImVec2(0.5f, 0.f));
  if (ImGui::Begin("My Profile", &s.open, ImGuiWindowFlags_NoCollapse | ImGuiWindowFlags_AlwaysAutoResize)) {
    // The photo, drawn as the image it is.
    const float side = ui.px(96.f);
    const ImVec2 at = ImGui::GetCursorScreenPos();
    if (ImTextureID tex = s.photo.empty() ? nullptr : ctx.image(s.photo)) {
      ImGui::Image(tex, ImVec2(side, side));
    } else {
      ImGui::Dummy(ImVec2(side, side));
      ImDrawList* dl = ImGui::GetWindowDrawList();
      dl->AddRectFilled(at, ImVec2(at.x + side, at.y + side), IM_COL32(210, 216, 228, 255), ui.px(6.f));
      const std::string initials = std::string(me.first_name.empty() ? "" : me.first_name.substr(0, 1)) +
                                   (me.last_name.empty() ? "" : me.last_name.substr(0, 1));
      const ImVec2 ts = ImGui::CalcTextSize(initials.c_str());
      dl->AddText(ImVec2(at.x + (side - ts.x) * 0.5f, at.y + (side - ts.y) * 0.5f), IM_COL32(60, 70, 90, 255),
                  initials.c_str());
    }
    ImGui::SameLine();
    ImGui::BeginGroup();
    ImGui::Text("%s", me.email.c_str());
    if (const Role* r = ctx.view().role(me.role)) widgets::muted_text(("Role: " + r->name).c_str());
    if (const Organization* o = ctx.view().org(me.org)) widgets::muted_text(("Organization: " + o->name).c_str());
    if (ImGui::Button("Upload photo")) ctx.pick_file(FileKind::kPhoto);
    if (!s.photo.empty()) {
      ImGui::SameLine();
      if (ImGui::Button("Remove photo")) s.photo.clear();
    }
    field_error(s.fb, "photo");
    ImGui::EndGroup();

    const float w = ui.px(360.f);
    widgets::labeled_input("First Name##profile", s.first, sizeof s.first, 0, w);
    field_error(s.fb, "first_name");
    widgets::labeled_input("Last Name##profile", s.last, sizeof s.last, 0, w);
    field_error(s.fb, "last_name");
    widgets::labeled_input("Phone", s.phone, sizeof s.phone, ImGuiInputTextFlags_CharsNoBlank, w);
    field_error(s.fb, "phone");
    widgets::labeled_input("Address", s.address, sizeof s.address, 0, w);
    field_error(s.fb, "address");
    widgets::labeled_input("Time Zone", s.time_zone, sizeof s.time_zone, 0, w);
    widgets::muted_text("An IANA name such as Europe/Rome, America/New_York or UTC.");
    field_error(s.fb, "time_zone");
    if (s.fb.field.empty() || s.fb.field == "actor") widgets::error_text(s.fb.error);
    widgets::notice_text(s.fb.notice);
    if (ImGui::Button("Save##profile")) {
      const ProfileForm form{s.first, s.last, s.phone, s.address, s.time_zone, s.photo};
      const EditProfile c = profile_command(me, form);
      if (c == EditProfile{}) {
        s.fb.done("Nothing changed.");
      } else {
        submit(ctx, c, s.fb, "Profile saved.");
      }
    }
    ImGui::SameLine();
    if (ImGui::Button("Logout##profile")) logout = true;
  }
  ImGui::End();
  return logout;
}

void draw_activity(const Ui& ui, ConsoleContext& ctx, ActivityState& s) {
  const float w = ui.px(150.f);
  ImGui::SetNextItemWidth(ui.px(220.f));
  ImGui::InputTextWithHint("##activity_admin", "Administrator's email", s.admin, sizeof s.admin);
  ImGui::SameLine();
  ImGui::SetNextItemWidth(w);
  ImGui::InputTextWithHint("##activity_action", "Action, e.g. add_account", s.action, sizeof s.action);
  ImGui::SameLine();
  ImGui::SetNextItemWidth(ui.px(180.f));
  ImGui::InputTextWithHint("##activity_text", "Target or summary", s.text, sizeof s.text);
  ImGui::SameLine();
  ImGui::SetNextItemWidth(ui.px(140.f));
  ImGui::InputTextWithHint("##activity_from", "From YYYY-MM-DD", s.from, sizeof s.from);
  ImGui::SameLine();
  ImGui::SetNextItemWidth(ui.px(140.f));
  ImGui::InputTextWithHint("##activity_to", "To YYYY-MM-DD", s.to, sizeof s.to);
  const ActivityFilter filter{s.admin, s.action, s.text, s.from, s.to};
  ImGui::SameLine();
  const bool search = ImGui::Button("Search##activity") || (!s.loaded && ctx.online);
  ImGui::SameLine();
  const bool download = ImGui::Button("Download CSV##activity");
  if ((search || download) && !ctx.online) {
    s.fb.fail(Error{"offline", "", "The Admin Activity Report is kept on the server; it shows once "
                                   "the server can be reached."});
    s.loaded = true;
  } else if (search || download) {
    auto path = activity_path(filter, download);
    if (!path) {
      s.fb.fail(path.error());
      s.loaded = true;
    } else if (download) {
      const int request = s.request = next_request();
      ctx.fetch(*path, [&s, request, save = ctx.download](int status, const std::string& body) {
        if (request != s.request) return;
        if (status != 200) {
          s.fb.fail(Error{"download_failed", "", "The server did not give the report (status " + std::to_string(status) + ")."});
          return;
        }
        save("admin-activity.csv", body);
        ++s.downloads;
        s.fb.done("Admin Activity Report downloaded.");
      });
    } else {
      s.loading = true;
      s.loaded = true;
      const int request = s.request = next_request();
      ctx.fetch_json(*path + (path->find('?') == std::string::npos ? "?" : "&") + "limit=500",
                     [&s, request](Result<Json> answer) {
                       if (request != s.request) return;  // a newer search was sent
                       s.loading = false;
                       if (!answer) return s.fb.fail(answer.error());
                       s.entries = answer->value("entries", Json::array());
                       s.total = answer->value("total", std::int64_t{0});
                       s.open_entry.reset();
                       s.fb.clear();
                     });
    }
  }
  widgets::error_text(s.fb.error);
  widgets::notice_text(s.fb.notice);
  if (s.loading) widgets::muted_text("Asking the server…");
  ImGui::Text("%s%s (times in UTC)", widgets::plural(static_cast<std::size_t>(s.total), "entry", "entries").c_str(),
              s.total > static_cast<std::int64_t>(s.entries.size()) ? ", the newest 500 shown" : "");

  if (ImGui::BeginTable("activity", 6, ImGuiTableFlags_RowBg | ImGuiTableFlags_ScrollY |
                                           ImGuiTableFlags_BordersInnerH | ImGuiTableFlags_SizingStretchProp,
                        ImVec2(0.f, s.open_entry ? ImGui::GetContentRegionAvail().y * 0.6f : 0.f))) {
    ImGui::TableSetupScrollFreeze(0, 1);
    ImGui::TableSetupColumn("Date/Time (UTC)", ImGuiTableColumnFlags_WidthStretch, 1.3f);
    ImGui::TableSetupColumn("Administrator", ImGuiTableColumnFlags_WidthStretch, 1.5f);
    ImGui::TableSetupColumn("Organization", ImGuiTableColumnFlags_WidthStretch, 1.2f);
    ImGui::TableSetupColumn("Action", ImGuiTableColumnFlags_WidthStretch, 1.1f);
    ImGui::TableSetupColumn("Target", ImGuiTableColumnFlags_WidthStretch, 1.6f);
    ImGui::TableSetupColumn("Summary", ImGuiTableColumnFlags_WidthStretch, 3.f);
    ImGui::TableHeadersRow();
    const State& st = ctx.view();
    ImGuiListClipper clipper;
    clipper.Begin(static_cast<int>(s.entries.size()));
    while (clipper.Step()) {
      for (int i = clipper.DisplayStart; i < clipper.DisplayEnd; ++i) {
        const Json& e = s.entries[static_cast<std::size_t>(i)];
        ImGui::TableNextRow();
        ImGui::TableNextColumn();
        ImGui::PushID(i);
        const std::string when = utc_text(e.value("at_ms", std::int64_t{0}));
        if (ImGui::Selectable(when.c_str(), s.open_entry == static_cast<std::size_t>(i),
                              ImGuiSelectableFlags_SpanAllColumns)) {
          s.open_entry = static_cast<std::size_t>(i);
        }
        ImGui::PopID();
        ImGui::TableNextColumn();
        ImGui::TextUnformatted(e.value("admin_email", std::string("LineDesk")).c_str());
        ImGui::TableNextColumn();
        const Organization* o = st.org(OrgId(e.value("org", std::int64_t{0})));
        ImGui::TextUnformatted(o ? o->name.c_str() : "");
        ImGui::TableNextColumn();
        ImGui::TextUnformatted(e.value("action", std::string()).c_str());
        ImGui::TableNextColumn();
        ImGui::TextUnformatted(e.value("target", std::string()).c_str());
        ImGui::TableNextColumn();
        ImGui::TextUnformatted(e.value("summary", std::string()).c_str());
      }
    }
    ImGui::EndTable();
  }
  if (s.open_entry && *s.open_entry < s.entries.size()) {
    const Json& e = s.entries[*s.open_entry];
    ImGui::TextUnformatted("Before");
    ImGui::SameLine(ImGui::GetContentRegionAvail().x * 0.5f);
    ImGui::TextUnformatted("After");
    const float half = ImGui::GetContentRegionAvail().x * 0.5f - ui.px(6.f);
    std::string before = audit_value_text(e.value("before", std::string()));
    std::string after = audit_value_text(e.value("after", std::string()));
    ImGui::InputTextMultiline("##before", before.data(), before.size() + 1, ImVec2(half, 0.f),
                              ImGuiInputTextFlags_ReadOnly);
    ImGui::SameLine();
    ImGui::InputTextMultiline("##after", after.data(), after.size() + 1, ImVec2(half, 0.f),
                              ImGuiInputTextFlags_ReadOnly);
  }
}

}  // namespace linedesk::client
