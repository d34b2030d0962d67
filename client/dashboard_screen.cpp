// The Dashboard (seed 004): the current cycle's users and usage with a per-day graph chosen by a
// dropdown, the past cycle, the Number Utilization pie opening its Detailed Report, and the
// Utilization Threshold with Manage Threshold. Usage figures come from the server (the core
// computes them there over the ingested usage); the utilization is this device's own.
#include <algorithm>
#include <cmath>
#include <cstdio>

#include "screens.hpp"
#include "shared/policy.hpp"
#include "shared/reports.hpp"

namespace linedesk::client {
namespace {

constexpr float kPi = 3.14159265358979f;
constexpr ImU32 kInUse = IM_COL32(52, 101, 164, 255);
constexpr ImU32 kAvailable = IM_COL32(140, 200, 150, 255);
constexpr ImU32 kAxis = IM_COL32(110, 115, 130, 255);
constexpr ImU32 kGrid = IM_COL32(210, 214, 222, 255);
constexpr UsageKind kKinds[] = {UsageKind::kVoice, UsageKind::kMessage, UsageKind::kData};

// One figure with its name under it.
void card(const Ui& ui, const char* name, const std::string& value) {
  ImGui::BeginGroup();
  ImGui::PushFont(ui.title);
  ImGui::TextUnformatted(value.c_str());
  ImGui::PopFont();
  widgets::muted_text(name);
  ImGui::EndGroup();
  ImGui::SameLine(0.f, ui.px(40.f));
}

// Bars per day with a labelled value axis and day numbers below.
void day_chart(const Ui& ui, const DashboardFigures& f, UsageKind kind, ImVec2 size) {
  ImDrawList* dl = ImGui::GetWindowDrawList();
  const ImVec2 at = ImGui::GetCursorScreenPos();
  ImGui::Dummy(size);
  const float left = ui.px(56.f), bottom = ui.px(22.f), top = ui.px(8.f);
  const ImVec2 origin(at.x + left, at.y + size.y - bottom);
  const float w = size.x - left - ui.px(8.f), h = size.y - bottom - top;
  double max = 0;
  for (const UsageTotals& d : f.per_day) max = std::max(max, usage_axis_value(kind, d.of(kind)));
  const double top_value = axis_top(max);
  const char* unit = kind == UsageKind::kVoice ? "min" : kind == UsageKind::kData ? "MB" : "";
  for (int i = 0; i <= 4; ++i) {
    const float y = origin.y - h * static_cast<float>(i) / 4.f;
    dl->AddLine(ImVec2(origin.x, y), ImVec2(origin.x + w, y), i == 0 ? kAxis : kGrid);
    char label[32];
    const double v = top_value * i / 4.0;
    std::snprintf(label, sizeof label, v >= 10 || v == 0 ? "%.0f %s" : "%.1f %s", v, unit);
    const ImVec2 ts = ImGui::CalcTextSize(label);
    dl->AddText(ImVec2(origin.x - ts.x - ui.px(6.f), y - ts.y * 0.5f), kAxis, label);
  }
  const std::size_t days = f.per_day.size();
  if (days == 0) return;
  const float slot = w / static_cast<float>(days);
  for (std::size_t d = 0; d < days; ++d) {
    const double v = usage_axis_value(kind, f.per_day[d].of(kind));
    const float bh = static_cast<float>(v / top_value) * h;
    const float x0 = origin.x + slot * static_cast<float>(d) + slot * 0.15f;
    const float x1 = x0 + slot * 0.7f;
    if (bh > 0) dl->AddRectFilled(ImVec2(x0, origin.y - bh), ImVec2(x1, origin.y), kInUse, ui.px(2.f));
    if (d == 0 || (d + 1) % 5 == 0) {
      const std::string day = std::to_string(d + 1);
      const ImVec2 ts = ImGui::CalcTextSize(day.c_str());
      dl->AddText(ImVec2((x0 + x1 - ts.x) * 0.5f, origin.y + ui.px(4.f)), kAxis, day.c_str());
    }
    // The exact figure of the day under the pointer.
    if (ImGui::IsMouseHoveringRect(ImVec2(x0, origin.y - h), ImVec2(x1, origin.y))) {
      ImGui::SetTooltip("Day %zu: %s", d + 1, usage_text(kind, f.per_day[d].of(kind)).c_str());
    }
  }
}

// In use vs Available; returns true when clicked.
bool utilization_pie(const Ui& ui, const NumberUtilization& u, float radius) {
  const ImVec2 at = ImGui::GetCursorScreenPos();
  constexpr const char* kLabel = "Number Utilization##pie";
  const ImGuiID id = ImGui::GetID(kLabel);
  const bool clicked = ImGui::InvisibleButton(kLabel, ImVec2(radius * 2, radius * 2));
  widgets::announce(id, kLabel);  // InvisibleButton announces no label in ImGui 1.86
  if (ImGui::IsItemHovered()) ImGui::SetTooltip("Open the Detailed Report");
  ImDrawList* dl = ImGui::GetWindowDrawList();
  const ImVec2 c(at.x + radius, at.y + radius);
  if (u.total == 0) {
    dl->AddCircleFilled(c, radius, kGrid, 64);
  } else {
    const float share = static_cast<float>(u.in_use()) / static_cast<float>(u.total);
    const float start = -kPi * 0.5f;
    const float split = start + share * 2.f * kPi;
    if (share > 0.f) {
      dl->PathLineTo(c);
      dl->PathArcTo(c, radius, start, split, 64);
      dl->PathFillConvex(kInUse);
    }
    if (share < 1.f) {
      dl->PathLineTo(c);
      dl->PathArcTo(c, radius, split, start + 2.f * kPi, 64);
      dl->PathFillConvex(kAvailable);
    }
  }
  (void)ui;
  return clicked;
}

void legend(ImU32 colour, const std::string& text) {
  const ImVec2 p = ImGui::GetCursorScreenPos();
  const float s = ImGui::GetTextLineHeight();
  ImGui::GetWindowDrawList()->AddRectFilled(p, ImVec2(p.x + s, p.y + s), colour, 2.f);
  ImGui::Dummy(ImVec2(s, s));
  ImGui::SameLine();
  ImGui::TextUnformatted(text.c_str());
}

std::string percent_of(std::int64_t part, std::int64_t total) {
  if (total == 0) return "0 %";
  return std::to_string(part * 100 / total) + " %";
}

}  // namespace

void draw_dashboard(const Ui& ui, ConsoleContext& ctx, DashboardState& s) {
  const State& st = ctx.view();
  const Organization* org = st.org(ctx.org);
  if (!org) return;

  // Usage figures from the server: when the organization changes, when the server's state moved
  // (at most every 5 s), and every minute (usage arrives without changes to the state).
  const std::int64_t version = ctx.replica->version();
  const bool stale = s.loaded_for != org->id ||
                     (version != s.loaded_version && ctx.now - s.loaded_ms > 5'000) ||
                     ctx.now - s.loaded_ms > 60'000;
  if (ctx.online && stale && (!s.loading || s.loaded_for != org->id)) {
    s.loading = true;
    s.loaded_for = org->id;
    s.loaded_version = version;
    s.loaded_ms = ctx.now;
    const int request = s.request = next_request();
    ctx.fetch_json("/api/reports/dashboard?org=" + std::to_string(org->id.value),
                   [&s, request](Result<Json> answer) {
                     if (request != s.request) return;  // an answer for an earlier request
                     s.loading = false;
                     auto figures = answer ? dashboard_figures_from_json(*answer) : Result<DashboardFigures>(answer.error());
                     if (!figures) {
                       s.error = figures.error().code == "offline"
                                     ? "The usage figures need the server; they show once it can be reached."
                                     : figures.error().message;
                       return;
                     }
                     s.figures = std::move(figures).value();
                     s.time_zone = answer->value("time_zone", std::string());
                     s.error.clear();
                   });
  }
  if (!ctx.online && !s.figures) s.error = "The usage figures need the server; they show once it can be reached.";

  ImGui::PushFont(ui.title);
  ImGui::Text("Dashboard · %s", org->name.c_str());
  ImGui::PopFont();
  widgets::error_text(s.error);

  // Current Cycle.
  const float half = ImGui::GetContentRegionAvail().x * 0.62f;
  ImGui::BeginChild("cycle", ImVec2(half, 0.f), true);
  if (s.figures) {
    const DashboardFigures& f = *s.figures;
    ImGui::Text("Current Cycle · %s%s", cycle_name(f.current).c_str(),
                s.time_zone.empty() ? "" : (" (" + s.time_zone + ")").c_str());
    card(ui, "New Users", std::to_string(f.new_users));
    card(ui, "Total Active Users", std::to_string(f.active_users));
    ImGui::NewLine();
    card(ui, "Total Voice Usage", usage_text(UsageKind::kVoice, f.current_usage.voice_seconds));
    card(ui, "Total Message Usage", usage_text(UsageKind::kMessage, f.current_usage.messages));
    card(ui, "Total Data Usage", usage_text(UsageKind::kData, f.current_usage.data_bytes));
    ImGui::NewLine();
    ImGui::Separator();
    const char* kinds[] = {"Voice", "Message", "Data"};
    ImGui::SetNextItemWidth(ui.px(140.f));
    if (widgets::begin_combo("##usage_kind", kinds[s.kind])) {
      for (int i = 0; i < 3; ++i) {
        if (ImGui::Selectable(kinds[i], s.kind == i)) s.kind = i;
      }
      ImGui::EndCombo();
    }
    ImGui::SameLine();
    const UsageKind kind = kKinds[s.kind];
    ImGui::TextUnformatted(usage_heading(kind).c_str());
    day_chart(ui, f, kind, ImVec2(ImGui::GetContentRegionAvail().x, ui.px(220.f)));
    ImGui::Separator();
    ImGui::Text("Past Cycle · %s", cycle_name(f.past).c_str());
    card(ui, "Voice", usage_text(UsageKind::kVoice, f.past_usage.voice_seconds));
    card(ui, "Messages", usage_text(UsageKind::kMessage, f.past_usage.messages));
    card(ui, "Data", usage_text(UsageKind::kData, f.past_usage.data_bytes));
    ImGui::NewLine();
  } else if (s.loading) {
    widgets::muted_text("Asking the server for this cycle's figures…");
  }
  ImGui::EndChild();
  ImGui::SameLine();

  // Number Utilization (this device's copy: it works offline and follows every change).
  ImGui::BeginChild("utilization", ImVec2(0.f, 0.f), true);
  const NumberUtilization u = number_utilization(st, org->id);
  ImGui::TextUnformatted("Number Utilization");
  if (utilization_pie(ui, u, ui.px(90.f))) s.detail_open = true;
  ImGui::SameLine();
  ImGui::BeginGroup();
  ImGui::Dummy(ImVec2(0.f, ui.px(40.f)));
  legend(kInUse, "In use: " + std::to_string(u.in_use()) + " (" + percent_of(u.in_use(), u.total) + ")");
  legend(kAvailable, "Available: " + std::to_string(u.available) + " (" + percent_of(u.available, u.total) + ")");
  if (ImGui::SmallButton("Detailed Report")) s.detail_open = true;
  ImGui::EndGroup();
  ImGui::Separator();
  const std::int64_t threshold = effective_int(st.orgs(), org->id, policy::kUtilizationThreshold);
  ImGui::Text("Utilization Threshold: %lld %%", static_cast<long long>(threshold));
  ImGui::SameLine();
  if (ImGui::SmallButton("Edit##threshold")) {
    s.threshold_open = true;
    s.threshold_edit = static_cast<int>(threshold);
    s.threshold_fb.clear();
  }
  if (threshold_reached(u, threshold)) {
    widgets::error_text("The threshold is reached: designated administrators are emailed on every "
                        "further assignment.");
  }
  widgets::notice_text(s.threshold_fb.notice);
  ImGui::EndChild();

  // Detailed Report.
  if (s.detail_open) {
    widgets::place_dialog(ui);
    if (ImGui::Begin("Detailed Report", &s.detail_open, kDialog)) {
      if (ImGui::BeginTable("detail", 2, ImGuiTableFlags_RowBg | ImGuiTableFlags_BordersInnerH)) {
        const std::pair<const char*, std::int64_t> rows[] = {
            {"Total", u.total},
            {"Activated", u.activated},
            {"Allocated to Sub-Organizations", u.allocated_to_suborgs},
            {"Assigned", u.assigned},
            {"Available", u.available},
            {"Pending invitation", u.pending_invitation},
            {"Reserved", u.reserved}};
        for (const auto& [name, n] : rows) {
          ImGui::TableNextRow();
          ImGui::TableNextColumn();
          ImGui::TextUnformatted(name);
          ImGui::TableNextColumn();
          ImGui::Text("%lld", static_cast<long long>(n));
        }
        ImGui::EndTable();
      }
      if (ImGui::Button("Close##detail")) s.detail_open = false;
    }
    ImGui::End();
  }

  // Manage Threshold: 1 to 100 %, checked by the core.
  if (s.threshold_open) {
    widgets::place_dialog(ui);
    if (ImGui::Begin("Manage Threshold", &s.threshold_open, kDialog)) {
      widgets::labeled_int("Utilization Threshold (%)", &s.threshold_edit, ui.px(160.f));
      widgets::muted_text("Between 1 % and 100 %.");
      widgets::error_text(s.threshold_fb.error);
      if (ImGui::Button("Save##threshold")) {
        if (submit(ctx, SetThreshold{org->id, s.threshold_edit}, s.threshold_fb,
                   "Utilization threshold set to " + std::to_string(s.threshold_edit) + " %.")) {
          s.threshold_open = false;
        }
      }
      ImGui::SameLine();
      if (ImGui::Button("Cancel##threshold")) s.threshold_open = false;
    }
    ImGui::End();
  }
}

}  // namespace linedesk::client
