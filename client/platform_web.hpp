// PlatformWeb: the browser side of the console — canvas, WebGL2 through GLFW, device pixel
// ratio, wheel, text input (IME and non-US characters) and clipboard bridges, cursor shapes.
#pragma once

#include <cstdint>
#include <string>
#include <unordered_map>
#include <vector>

#include "imgui.h"
#include "ui.hpp"

struct GLFWwindow;
struct ImFont;

namespace linedesk::client {

class PlatformWeb {
 public:
  // Creates the window on #canvas, the ImGui context and its GLFW/OpenGL3 backends, and
  // loads the embedded DejaVu font. Returns false (after logging) when WebGL2 is missing.
  bool init();
  void shutdown();

  // Starts an ImGui frame: follows the canvas's CSS size and devicePixelRatio (rebuilding the
  // font atlas when the ratio changes), then calls the backends' NewFrame.
  void begin_frame();
  // Renders the frame and updates the cursor shape and the text-input element.
  void end_frame();

  float dpr() const { return dpr_; }
  // Scale and fonts for this frame's screens.
  Ui ui() const { return Ui{dpr_, font_, title_font_}; }
  // True when every code point of `utf8` has a glyph in the UI font (no fallback box).
  bool font_has_glyphs(const char* utf8) const;

  // Called from JavaScript (see web/index.html).
  void on_text_input(const char* utf8);
  void on_wheel(double dx, double dy, int delta_mode);
  void on_paste(const char* utf8);
  const char* clipboard() const { return clipboard_.c_str(); }

  // A texture of the image in `data_url` (a profile photo), or null while the browser decodes
  // it (web/linedesk_web.js, decodeImage) or when it could not. Keeps the few last images.
  ImTextureID image(const std::string& data_url);
  // Called from JavaScript with the decoded pixels (RGBA, w*h*4 bytes; null when it failed).
  void on_image_decoded(int key, int width, int height, const unsigned char* rgba);

 private:
  void build_fonts();
  void sync_canvas_size();

  GLFWwindow* window_ = nullptr;
  ImFont* font_ = nullptr;
  ImFont* title_font_ = nullptr;
  float dpr_ = 0.f;
  float font_dpr_ = 0.f;
  int fb_width_ = 0;
  int fb_height_ = 0;
  bool text_input_active_ = false;
  int last_cursor_ = -2;
  std::string clipboard_;
  struct Image {
    int key = 0;
    unsigned texture = 0;  // 0 while decoding or after a failure
    bool failed = false;
    std::uint64_t used = 0;
  };
  std::unordered_map<std::string, Image> images_;
  std::vector<unsigned> retired_textures_;  // deleted at the next frame's start, not mid-frame
  int next_image_key_ = 1;
  std::uint64_t image_clock_ = 0;
};

}  // namespace linedesk::client
