// Ui: what every screen needs to draw at the right size — device pixel ratio and fonts — and
// small widgets shared by the screens.
#pragma once

#include <string>

#include "imgui.h"
#include "shared/state.hpp"

namespace linedesk::client {

struct Ui {
  float dpr = 1.f;
  ImFont* regular = nullptr;
  ImFont* title = nullptr;

  // CSS pixels to framebuffer pixels.
  float px(float css) const { return css * dpr; }
};

namespace widgets {

// A text field with its label above it (the text before any "##"). The test hook knows the
// field by `label`, as a person would. Returns true when Enter was pressed (with `enter_returns`) or the text changed.
bool labeled_input(const char* label, char* buf, std::size_t size, ImGuiInputTextFlags flags = 0,
                   float width = -1.f);

// An integer field with its label above it, known to the test hook by `label`.
bool labeled_int(const char* label, int* value, float width = -1.f);

// BeginCombo, known to the test hook by `label` (ImGui 1.86's combos announce no label).
bool begin_combo(const char* label, const char* preview);

// Tells the test hook the label of item `id` (no-op without the hook).
void announce(ImGuiID id, const char* label);

// Places the next window (a dialog) centred near the top when it appears.
void place_dialog(const Ui& ui);

// Error text in the console's error colour, wrapped to the available width.
void error_text(const std::string& message);
// Secondary text.
void muted_text(const char* text);
// Green text confirming what was done.
void notice_text(const std::string& message);

// A button that cannot be pressed while `enabled` is false, with `why` on hover (the test hook
// sees it disabled; a person reads why). `small` draws it as a SmallButton (in table rows).
bool button(const char* label, bool enabled = true, const std::string& why = {}, bool small = false);

// Copies `s` into a fixed text buffer of an InputText.
void copy_to(char* buf, std::size_t size, const std::string& s);

// The organizations under `root` as a tree of selectable names ("Name##pick").
void org_picker(const State& st, OrgId root, OrgId& selected, int depth = 0);
// A combo opening org_picker; returns true when the choice changed.
bool org_combo(const char* label, const State& st, OrgId root, OrgId& selected);

// "1 account", "3 accounts".
std::string plural(std::size_t n, const char* one, const char* many);

}  // namespace widgets
}  // namespace linedesk::client
