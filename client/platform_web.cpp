// Browser platform layer for the console (Emscripten + GLFW + WebGL2).
#include "platform_web.hpp"

#include <GLFW/glfw3.h>
#include <emscripten.h>
#include <emscripten/html5.h>

#include <cmath>
#include <cstdint>
#include <cstdio>

#include "backends/imgui_impl_glfw.h"
#include "backends/imgui_impl_opengl3.h"
#include "imgui.h"
#include "imgui_internal.h"

namespace linedesk::client {
namespace {

constexpr float kBaseFontPx = 16.f;
constexpr float kTitleFontPx = 22.f;
constexpr const char* kFontPath = "/fonts/DejaVuSans.ttf";

// Latin with extensions, Greek, Cyrillic, punctuation, currency, arrows, shapes and symbols
// used by the console: every name an administrator may type in Europe renders.
constexpr ImWchar kGlyphRanges[] = {
    0x0020, 0x024F, 0x0370, 0x03FF, 0x0400, 0x052F, 0x1E00, 0x1EFF, 0x2000, 0x206F,
    0x20A0, 0x20CF, 0x2100, 0x214F, 0x2190, 0x21FF, 0x2200, 0x22FF, 0x2500, 0x257F,
    0x25A0, 0x25FF, 0x2600, 0x26FF, 0x2700, 0x27BF, 0,
};

void set_clipboard(void* user, const char* text) {
  static_cast<PlatformWeb*>(user)->on_paste(text);  // keep a local copy for paste
  EM_ASM({ window.linedeskPlatform.copyText(UTF8ToString($0)); }, text);
}

const char* get_clipboard(void* user);

}  // namespace

bool PlatformWeb::init() {
  if (!glfwInit()) {
    std::fprintf(stderr, "GLFW could not start\n");
    return false;
  }
  glfwWindowHint(GLFW_CLIENT_API, GLFW_OPENGL_ES_API);
  glfwWindowHint(GLFW_CONTEXT_VERSION_MAJOR, 3);
  glfwWindowHint(GLFW_CONTEXT_VERSION_MINOR, 0);
  window_ = glfwCreateWindow(1280, 800, "LineDesk", nullptr, nullptr);
  if (!window_) {
    std::fprintf(stderr, "WebGL2 is not available in this browser\n");
    return false;
  }
  glfwMakeContextCurrent(window_);

  IMGUI_CHECKVERSION();
  ImGui::CreateContext();
  ImGuiIO& io = ImGui::GetIO();
  io.IniFilename = nullptr;  // layout is the app's, not a file's
  io.ConfigFlags |= ImGuiConfigFlags_NavEnableKeyboard;
  io.SetClipboardTextFn = set_clipboard;
  io.GetClipboardTextFn = get_clipboard;
  io.ClipboardUserData = this;

  ImGui_ImplGlfw_InitForOpenGL(window_, true);
  // Characters arrive through the hidden text field (web/index.html) so that IME, dead keys
  // and non-US characters work; GLFW's keypress path would drop or double them.
  glfwSetCharCallback(window_, nullptr);
  // The wheel arrives from JavaScript with its deltaMode, which GLFW's callback loses.
  glfwSetScrollCallback(window_, nullptr);
  ImGui_ImplOpenGL3_Init("#version 300 es");

  sync_canvas_size();
  build_fonts();
  return true;
}

void PlatformWeb::shutdown() {
  ImGui_ImplOpenGL3_Shutdown();
  ImGui_ImplGlfw_Shutdown();
  ImGui::DestroyContext();
  glfwTerminate();
}

void PlatformWeb::sync_canvas_size() {
  double css_w = 0, css_h = 0;
  emscripten_get_element_css_size("#canvas", &css_w, &css_h);
  dpr_ = static_cast<float>(emscripten_get_device_pixel_ratio());
  if (dpr_ <= 0.f) dpr_ = 1.f;
  const int w = std::max(1, static_cast<int>(std::lround(css_w * dpr_)));
  const int h = std::max(1, static_cast<int>(std::lround(css_h * dpr_)));
  if (w != fb_width_ || h != fb_height_) {
    fb_width_ = w;
    fb_height_ = h;
    // One canvas pixel per device pixel. Not glfwSetWindowSize: Emscripten's version requests
    // fullscreen when the size equals the screen's. Browser.setCanvasSize notifies GLFW through
    // its resize listener instead.
    EM_ASM({ Browser.setCanvasSize($0, $1); }, w, h);
  }
}

void PlatformWeb::build_fonts() {
  ImGuiIO& io = ImGui::GetIO();
  io.Fonts->Clear();
  ImFontConfig cfg;
  cfg.OversampleH = 2;
  cfg.OversampleV = 1;
  font_ = io.Fonts->AddFontFromFileTTF(kFontPath, std::round(kBaseFontPx * dpr_), &cfg,
                                       kGlyphRanges);
  if (!font_) {
    std::fprintf(stderr, "the embedded font %s is missing; using ImGui's default\n", kFontPath);
    font_ = io.Fonts->AddFontDefault();
    title_font_ = font_;
  } else {
    title_font_ = io.Fonts->AddFontFromFileTTF(kFontPath, std::round(kTitleFontPx * dpr_), &cfg,
                                               kGlyphRanges);
  }
  io.Fonts->Build();
  ImGui_ImplOpenGL3_DestroyFontsTexture();
  ImGui_ImplOpenGL3_CreateFontsTexture();

  ImGuiStyle style;
  ImGui::StyleColorsLight(&style);
  style.WindowRounding = 6.f;
  style.FrameRounding = 4.f;
  style.GrabRounding = 4.f;
  style.PopupRounding = 4.f;
  style.FramePadding = ImVec2(8.f, 5.f);
  style.ItemSpacing = ImVec2(8.f, 7.f);
  style.WindowPadding = ImVec2(12.f, 12.f);
  style.ScrollbarSize = 14.f;
  style.ScaleAllSizes(dpr_);
  ImGui::GetStyle() = style;
  font_dpr_ = dpr_;
}

bool PlatformWeb::font_has_glyphs(const char* utf8) const {
  if (!font_) return false;
  const char* p = utf8;
  while (*p) {
    unsigned int c = 0;
    const int n = ImTextCharFromUtf8(&c, p, nullptr);
    if (n <= 0) return false;
    p += n;
    if (c < 0x20) continue;
    if (!font_->FindGlyphNoFallback(static_cast<ImWchar>(c))) return false;
  }
  return true;
}

void PlatformWeb::begin_frame() {
  // Textures dropped from the image cache during the last frame: its draw data is rendered.
  if (!retired_textures_.empty()) {
    glDeleteTextures(static_cast<GLsizei>(retired_textures_.size()), retired_textures_.data());
    retired_textures_.clear();
  }
  sync_canvas_size();
  if (dpr_ != font_dpr_) build_fonts();
  ImGui_ImplOpenGL3_NewFrame();
  ImGui_ImplGlfw_NewFrame();
  ImGuiIO& io = ImGui::GetIO();
  if (io.DeltaTime <= 0.f) io.DeltaTime = 1.f / 1000.f;  // ImGui 1.86 asserts DeltaTime > 0
  ImGui::NewFrame();
}

void PlatformWeb::end_frame() {
  ImGui::Render();
  int w = 0, h = 0;
  glfwGetFramebufferSize(window_, &w, &h);
  glViewport(0, 0, w, h);
  glClearColor(0.94f, 0.95f, 0.97f, 1.f);
  glClear(GL_COLOR_BUFFER_BIT);
  ImGui_ImplOpenGL3_RenderDrawData(ImGui::GetDrawData());

  const ImGuiIO& io = ImGui::GetIO();
  if (io.WantTextInput != text_input_active_) {
    text_input_active_ = io.WantTextInput;
    EM_ASM({ window.linedeskPlatform.setTextInput($0); }, text_input_active_ ? 1 : 0);
  }
  const int cursor = ImGui::GetMouseCursor();
  if (cursor != last_cursor_) {
    last_cursor_ = cursor;
    EM_ASM({ window.linedeskPlatform.setCursor($0); }, cursor);
  }
}

void PlatformWeb::on_text_input(const char* utf8) { ImGui::GetIO().AddInputCharactersUTF8(utf8); }

void PlatformWeb::on_wheel(double dx, double dy, int delta_mode) {
  // DOM deltas: pixels (mode 0), lines (1) or pages (2); ImGui wants "notches" where one
  // notch scrolls a few lines, and positive means up/left.
  double scale = 1.0 / 100.0;
  if (delta_mode == 1) scale = 1.0 / 3.0;
  if (delta_mode == 2) scale = 3.0;
  ImGuiIO& io = ImGui::GetIO();
  io.MouseWheelH += static_cast<float>(-dx * scale);
  io.MouseWheel += static_cast<float>(-dy * scale);
}

void PlatformWeb::on_paste(const char* utf8) { clipboard_ = utf8 ? utf8 : ""; }

ImTextureID PlatformWeb::image(const std::string& data_url) {
  if (data_url.empty()) return nullptr;
  auto it = images_.find(data_url);
  if (it == images_.end()) {
    constexpr std::size_t kKept = 6;
    if (images_.size() >= kKept) {
      // Forget the least recently drawn image.
      auto oldest = images_.begin();
      for (auto i = images_.begin(); i != images_.end(); ++i) {
        if (i->second.used < oldest->second.used) oldest = i;
      }
      if (oldest->second.texture) retired_textures_.push_back(oldest->second.texture);
      images_.erase(oldest);
    }
    Image img;
    img.key = next_image_key_++;
    it = images_.emplace(data_url, img).first;
    EM_ASM({ window.linedeskPlatform.decodeImage($0, $1, UTF8ToString($2)); }, this, img.key,
           data_url.c_str());
  }
  it->second.used = ++image_clock_;
  return it->second.texture ? reinterpret_cast<ImTextureID>(static_cast<std::intptr_t>(it->second.texture))
                            : nullptr;
}

void PlatformWeb::on_image_decoded(int key, int width, int height, const unsigned char* rgba) {
  for (auto& [url, img] : images_) {
    if (img.key != key) continue;
    if (!rgba || width <= 0 || height <= 0) {
      img.failed = true;
      return;
    }
    GLuint tex = 0;
    glGenTextures(1, &tex);
    glBindTexture(GL_TEXTURE_2D, tex);
    glTexParameteri(GL_TEXTURE_2D, GL_TEXTURE_MIN_FILTER, GL_LINEAR);
    glTexParameteri(GL_TEXTURE_2D, GL_TEXTURE_MAG_FILTER, GL_LINEAR);
    glTexParameteri(GL_TEXTURE_2D, GL_TEXTURE_WRAP_S, GL_CLAMP_TO_EDGE);
    glTexParameteri(GL_TEXTURE_2D, GL_TEXTURE_WRAP_T, GL_CLAMP_TO_EDGE);
    glPixelStorei(GL_UNPACK_ALIGNMENT, 1);
    glTexImage2D(GL_TEXTURE_2D, 0, GL_RGBA, width, height, 0, GL_RGBA, GL_UNSIGNED_BYTE, rgba);
    img.texture = tex;
    return;
  }
}

namespace {

const char* get_clipboard(void* user) {
  // Filled by the browser's paste event (and by our own copies), which fires before the
  // frame that handles Ctrl+V.
  return static_cast<PlatformWeb*>(user)->clipboard();
}

}  // namespace

}  // namespace linedesk::client
