// Ui: what every screen needs to draw at the right size — device pixel ratio and fonts — and
// small widgets shared by the screens.
#pragma once

#include <string>

#include "imgui.h"

namespace linedesk::client {

struct Ui {
  float dpr = 1.f;
  ImFont* regular = nullptr;
  ImFont* title = nullptr;

  // CSS pixels to framebuffer pixels.
  float px(float css) const { return css * dpr; }
};

namespace widgets {

// A text field with its label above it. The test hook knows the field by `label`, as a
// person would. Returns true when Enter was pressed (with `enter_returns`) or the text changed.
bool labeled_input(const char* label, char* buf, std::size_t size, ImGuiInputTextFlags flags = 0,
                   float width = -1.f);

// Error text in the console's error colour, wrapped to the available width.
void error_text(const std::string& message);
// Secondary text.
void muted_text(const char* text);

}  // namespace widgets
}  // namespace linedesk::client
