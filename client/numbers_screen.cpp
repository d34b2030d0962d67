// Numbers: the inventory by state with search and filters, import from CSV with a per-row
// report, allocate to a sub-organization, reserve with a tag, release, a number's history.
#include <algorithm>
#include <cstdio>

#include "screens.hpp"
#include "view_text.hpp"
#include "shared/exports.hpp"
#include "shared/reports.hpp"
#include "shared/time_zone.hpp"

namespace linedesk::client {
namespace {

using widgets::button;
using widgets::plural;

constexpr NumberState kStates[] = {NumberState::kAvailable, NumberState::kReserved,
                                   NumberState::kPendingInvitation, NumberState::kAssigned,
                                   NumberState::kActivated};
std::vector<std::string> selected_numbers(const State& st, const std::set<NumberId>& sel) {
  std::vector<std::string> out;
  for (NumberId id : sel) {
    if (const Number* n = st.number(id)) out.push_back(n->e164);
  }
  return out;
}

}  // namespace

void NumbersState::file_chosen(const std::string& name, const std::string& text, ConsoleContext& ctx) {
  import_file = name;
  import_result = Json();
  auto entries = number_entries_from_csv(text);
  if (!entries) {
    fb.fail(Error{entries.error().code, entries.error().field, name + ": " + entries.error().message});
    return;
  }
  auto r = ctx.submit(ImportNumbers{std::move(entries).value()}, nullptr, {});
  if (!r) {
    fb.fail(Error{r.error().code, r.error().field, name + ": " + r.error().message});
    return;
  }
  import_result = r->result;
  const auto imported = import_result.value("imported", std::int64_t{0});
  const auto failed = import_result.value("failed", std::int64_t{0});
  fb.done(name + ": " + plural(static_cast<std::size_t>(imported), "number imported", "numbers imported") +
          (failed ? ", " + plural(static_cast<std::size_t>(failed), "row refused", "rows refused") +
                        " (see the report)"
                  : std::string()) +
          "." + (ctx.online ? "" : " Saved on this device; it syncs when the server can be reached."));
}

void draw_numbers(const Ui& ui, ConsoleContext& ctx, NumbersState& s) {
  const State& st = ctx.view();
  const Organization* org = st.org(ctx.org);
  if (!org) {
    widgets::muted_text("Loading the number inventory from the server…");
    return;
  }

  // Counts as the Dashboard's detailed report tells them.
  const NumberUtilization u = number_utilization(st, org->id);
  ImGui::Text("%s: %lld numbers · %lld available · %lld reserved · %lld allocated to "
              "sub-organizations · %lld assigned · %lld activated · %lld pending invitation",
              org->name.c_str(), static_cast<long long>(u.total), static_cast<long long>(u.available),
              static_cast<long long>(u.reserved), static_cast<long long>(u.allocated_to_suborgs),
              static_cast<long long>(u.assigned), static_cast<long long>(u.activated),
              static_cast<long long>(u.pending_invitation));

  // Filters.
  const char* state_names[] = {"All states", "Available", "Reserved", "Pending invitation", "Assigned", "Activated"};
  ImGui::SetNextItemWidth(ui.px(170.f));
  ImGui::Combo("##state", &s.state_filter, state_names, IM_ARRAYSIZE(state_names));
  ImGui::SameLine();
  ImGui::SetNextItemWidth(ui.px(160.f));
  ImGui::InputTextWithHint("##number_search", "Search digits", s.search, sizeof s.search);
  ImGui::SameLine();
  ImGui::SetNextItemWidth(ui.px(140.f));
  ImGui::InputTextWithHint("##tag_filter", "Tag", s.tag, sizeof s.tag);
  ImGui::SameLine();
  ImGui::Checkbox("Include sub-organizations##numbers", &s.include_suborgs);

  NumberQuery q;
  q.org = org->id;
  q.include_suborgs = s.include_suborgs;
  if (s.state_filter > 0) q.state = kStates[s.state_filter - 1];
  q.tag = s.tag;
  q.text = s.search;
  q.limit = 0;
  // The selection is of numbers shown: another organization starts afresh, and numbers a filter
  // or a change (released, moved elsewhere) took out of the table are forgotten.
  if (s.shown_for != org->id) {
    s.selected.clear();
    s.shown_for = org->id;
  }
  if (s.table.refresh(st, q) && !s.selected.empty()) {
    const std::set<NumberId> shown(s.table.rows().begin(), s.table.rows().end());
    for (auto it = s.selected.begin(); it != s.selected.end();) {
      it = shown.count(*it) ? std::next(it) : s.selected.erase(it);
    }
  }

  // Actions.
  if (ImGui::Button("Import numbers")) ctx.pick_file(FileKind::kNumbersCsv);
  if (ImGui::IsItemHovered()) {
    ImGui::SetTooltip("A CSV with a \"number\" column (E.164, with country code) and an optional "
                      "\"tag\" column; numbers go to the enterprise's pool.");
  }
  ImGui::SameLine();
  if (ImGui::Button("Allocate")) {
    s.allocate_open = true;
    s.allocate_fb.clear();
    s.allocate_selected = !s.selected.empty();
  }
  ImGui::SameLine();
  const std::size_t nsel = s.selected.size();
  if (button("Reserve", nsel > 0, "Select available numbers first.")) {
    s.reserve_open = true;
    s.reserve_fb.clear();
  }
  ImGui::SameLine();
  if (button("Release", nsel > 0, "Select reserved numbers first.")) {
    submit(ctx, ReleaseNumbers{selected_numbers(st, s.selected)}, s.fb,
           plural(nsel, "number released.", "numbers released."));
  }
  ImGui::SameLine();
  if (button("History", nsel == 1, "Select one number to see who had it.")) {
    const Number* n = st.number(*s.selected.begin());
    s.history_number = n ? n->e164 : "";
    s.history = Json();
    s.history_error.clear();
    if (!ctx.online) {
      s.history_error = "The assignment history is kept on the server; it shows once the server can be reached.";
    } else if (n) {
      s.history_loading = true;
      const int request = s.history_request = next_request();
      ctx.fetch_json("/api/numbers/" + url_encode(n->e164) + "/history", [&s, request](Result<Json> answer) {
        if (request != s.history_request) return;  // another number was asked for since
        s.history_loading = false;
        if (answer) {
          s.history = answer->value("history", Json::array());
        } else {
          s.history_error = answer.error().message;
        }
      });
    }
  }
  ImGui::SameLine();
  if (ImGui::Button("Download numbers")) ctx.download("numbers-" + org->name + ".csv", numbers_csv(st, org->id));
  ImGui::SameLine();
  if (button("Clear selection##numbers", nsel > 0)) s.selected.clear();
  widgets::error_text(s.fb.error);
  widgets::notice_text(s.fb.notice);
  if (s.import_result.is_object()) {
    if (ImGui::Button("Download import report")) {
      ctx.download(s.import_file.substr(0, s.import_file.rfind('.')) + "-report.csv",
                   number_import_report_csv(s.import_result));
    }
  }

  // History of one number.
  if (!s.history_number.empty()) {
    ImGui::Separator();
    ImGui::Text("History of %s", s.history_number.c_str());
    ImGui::SameLine();
    if (ImGui::SmallButton("Close##history")) s.history_number.clear();
    if (s.history_loading) widgets::muted_text("Asking the server…");
    widgets::error_text(s.history_error);
    if (s.history.is_array()) {
      if (s.history.empty()) widgets::muted_text("Nothing happened to this number yet.");
      for (const Json& e : s.history) {
        const std::string line = utc_text(e.value("at_ms", std::int64_t{0})) + " UTC  " +
                                 e.value("admin_email", std::string("LineDesk")) + "  " +
                                 e.value("summary", std::string());
        ImGui::TextUnformatted(line.c_str());
      }
    }
  }

  // The inventory.
  ImGui::Text("%s%s", plural(s.table.rows().size(), "number", "numbers").c_str(),
              nsel ? (" · " + std::to_string(nsel) + " selected").c_str() : "");
  const ImGuiTableFlags flags = ImGuiTableFlags_RowBg | ImGuiTableFlags_ScrollY |
                                ImGuiTableFlags_BordersInnerH | ImGuiTableFlags_SizingStretchProp;
  if (ImGui::BeginTable("numbers", 6, flags)) {
    ImGui::TableSetupScrollFreeze(0, 1);
    ImGui::TableSetupColumn("##check", ImGuiTableColumnFlags_WidthFixed, ui.px(28.f));
    ImGui::TableSetupColumn("Number", ImGuiTableColumnFlags_WidthStretch, 1.4f);
    ImGui::TableSetupColumn("State", ImGuiTableColumnFlags_WidthStretch, 1.2f);
    ImGui::TableSetupColumn("Organization", ImGuiTableColumnFlags_WidthStretch, 1.6f);
    ImGui::TableSetupColumn("Tag", ImGuiTableColumnFlags_WidthStretch, 1.f);
    ImGui::TableSetupColumn("Account", ImGuiTableColumnFlags_WidthStretch, 1.8f);
    ImGui::TableHeadersRow();
    ImGuiListClipper clipper;
    clipper.Begin(static_cast<int>(s.table.rows().size()));
    while (clipper.Step()) {
      for (int i = clipper.DisplayStart; i < clipper.DisplayEnd; ++i) {
        const Number* n = st.number(s.table.rows()[static_cast<std::size_t>(i)]);
        if (!n) continue;
        ImGui::TableNextRow();
        ImGui::TableNextColumn();
        ImGui::PushID(n->e164.c_str());
        bool on = s.selected.count(n->id) > 0;
        if (ImGui::Checkbox("##sel", &on)) {
          if (on) s.selected.insert(n->id);
          else s.selected.erase(n->id);
        }
        ImGui::PopID();
        ImGui::TableNextColumn();
        const std::string label = n->e164 + "##number";
        if (ImGui::Selectable(label.c_str(), s.selected.count(n->id) > 0,
                              ImGuiSelectableFlags_SpanAllColumns | ImGuiSelectableFlags_AllowItemOverlap)) {
          if (!ImGui::GetIO().KeyCtrl) s.selected.clear();
          if (!s.selected.insert(n->id).second) s.selected.erase(n->id);
        }
        ImGui::TableNextColumn();
        ImGui::TextUnformatted(std::string(number_state_label(n->state)).c_str());
        ImGui::TableNextColumn();
        const Organization* o = st.org(n->org);
        ImGui::TextUnformatted(o ? o->name.c_str() : "");
        ImGui::TableNextColumn();
        ImGui::TextUnformatted(n->tag.c_str());
        ImGui::TableNextColumn();
        const Account* a = n->account.valid() ? st.account(n->account) : nullptr;
        ImGui::TextUnformatted(a ? (a->name().empty() ? a->account_id : a->name()).c_str() : "");
      }
    }
    ImGui::EndTable();
  }

  // Allocate: a count of the lowest free numbers, or the selected ones.
  if (s.allocate_open) {
    widgets::place_dialog(ui);
    if (ImGui::Begin("Allocate numbers", &s.allocate_open, kDialog)) {
      const std::vector<OrgId> targets = allocation_targets(st, org->id);
      if (std::find(targets.begin(), targets.end(), s.allocate_to) == targets.end()) {
        s.allocate_to = targets.empty() ? OrgId() : targets.back();
      }
      ImGui::Text("From %s (%lld available)", org->name.c_str(),
                  static_cast<long long>(st.pool(org->id).available));
      ImGui::TextUnformatted("To organization");
      const Organization* to = st.org(s.allocate_to);
      ImGui::SetNextItemWidth(ui.px(300.f));
      if (widgets::begin_combo("##allocate_to", to ? to->name.c_str() : "Choose Organization")) {
        for (OrgId id : targets) {
          const Organization* t = st.org(id);
          const std::string label = (id == org->parent ? t->name + " (give back)" : t->name) + "##to";
          if (ImGui::Selectable(label.c_str(), id == s.allocate_to)) s.allocate_to = id;
        }
        ImGui::EndCombo();
      }
      if (targets.empty()) widgets::muted_text("This organization has no sub-organization to allocate to.");
      if (!s.selected.empty()) {
        ImGui::Checkbox(("The " + plural(s.selected.size(), "selected number", "selected numbers")).c_str(),
                        &s.allocate_selected);
      }
      if (!s.allocate_selected || s.selected.empty()) {
        widgets::labeled_int("How many", &s.allocate_count, ui.px(140.f));
      }
      AllocateNumbers c;
      c.to = s.allocate_to;
      c.from = org->id;
      if (s.allocate_selected && !s.selected.empty()) c.numbers = selected_numbers(st, s.selected);
      else c.count = s.allocate_count;
      const std::optional<Error>& why = s.refusals.get(st, ctx.admin->id, ctx.now, c);
      if (button("Allocate numbers", !why, why ? why->message : std::string())) {
        const std::size_t n = c.numbers.empty() ? static_cast<std::size_t>(c.count) : c.numbers.size();
        if (submit(ctx, c, s.fb, plural(n, "number", "numbers") + " allocated to " + (to ? to->name : "") + ".")) {
          s.allocate_open = false;
          s.selected.clear();
        } else {
          s.allocate_fb = s.fb;
          s.fb.clear();
        }
      }
      ImGui::SameLine();
      if (ImGui::Button("Cancel##allocate")) s.allocate_open = false;
      if (why) widgets::error_text(why->message);
      widgets::error_text(s.allocate_fb.error);
    }
    ImGui::End();
  }

  // Reserve the selected numbers with a tag.
  if (s.reserve_open) {
    widgets::place_dialog(ui);
    if (ImGui::Begin("Reserve numbers", &s.reserve_open, kDialog)) {
      ImGui::TextUnformatted(plural(s.selected.size(), "selected number", "selected numbers").c_str());
      const bool enter = widgets::labeled_input("Tag", s.reserve_tag, sizeof s.reserve_tag,
                                                ImGuiInputTextFlags_EnterReturnsTrue, ui.px(220.f));
      widgets::muted_text("e.g. PORTED: accounts can be given a number reserved with this tag.");
      if (ImGui::Button("Reserve##do") || enter) {
        if (submit(ctx, ReserveNumbers{selected_numbers(st, s.selected), s.reserve_tag}, s.fb,
                   plural(s.selected.size(), "number", "numbers") + " reserved as " + s.reserve_tag + ".")) {
          s.reserve_open = false;
        } else {
          s.reserve_fb = s.fb;
          s.fb.clear();
        }
      }
      ImGui::SameLine();
      if (ImGui::Button("Cancel##reserve")) s.reserve_open = false;
      widgets::error_text(s.reserve_fb.error);
    }
    ImGui::End();
  }
}

}  // namespace linedesk::client
