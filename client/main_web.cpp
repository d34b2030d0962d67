// Entry point of the WASM console: wires the browser platform, the test hook and the App,
// and exports the few functions web/linedesk_web.js calls.
#include <emscripten.h>

#include <cstdlib>
#include <vector>

#include "app.hpp"
#include "shared/json_io.hpp"
#include "http_web.hpp"
#include "imgui.h"
#include "platform_web.hpp"
#include "replica_store_web.hpp"
#include "test_hook.hpp"

namespace linedesk::client {

// 128 random bits from the browser's crypto, as hex (client ids, command UUIDs).
EM_JS(char*, ld_js_random_id, (), {
  const s = window.ldStore.randomId();
  const n = lengthBytesUTF8(s) + 1;
  const p = _malloc(n);
  stringToUTF8(s, p, n);
  return p;
});

std::string random_id() {
  char* id = ld_js_random_id();
  std::string out(id);
  std::free(id);
  return out;
}

void download(const std::string& name, const std::string& text) {
  EM_ASM({ window.linedeskPlatform.download(UTF8ToString($0), UTF8ToString($1)); }, name.c_str(), text.c_str());
}

struct Runtime;
void pick_file(Runtime* rt, FileKind kind) {
  EM_ASM({ window.linedeskPlatform.pickFile($0, $1); }, rt, static_cast<int>(kind));
}

// Everything the console owns; JavaScript holds a pointer to it, not a global.
struct Runtime {
  PlatformWeb platform;
  TestHook hook;
  HttpWeb http;
  ReplicaStoreWeb store{this};
  App app{AppServices{http, store, random_id,
                      [] { return static_cast<TimestampMs>(EM_ASM_DOUBLE({ return Date.now(); })); },
                      download, [this](FileKind kind) { pick_file(this, kind); },
                      [] { return emscripten_get_now(); },
                      [this](const std::string& url) { return platform.image(url); }}};
  std::string scratch;  // answers handed to JavaScript live here until the next call
  // The page's own timing: how long each frame's work took (UI, sync, render submission), for
  // the frame-time benchmark. Kept only in test mode.
  std::vector<double> frame_ms;
};

namespace {

void frame(void* arg) {
  auto* rt = static_cast<Runtime*>(arg);
  const double t0 = emscripten_get_now();
  rt->hook.begin_frame();
  rt->platform.begin_frame();
  rt->app.frame(rt->platform.ui());
  rt->platform.end_frame();
  if (rt->hook.enabled() && rt->frame_ms.size() < 100000) rt->frame_ms.push_back(emscripten_get_now() - t0);
}

}  // namespace
}  // namespace linedesk::client

using linedesk::client::Runtime;

extern "C" {

EMSCRIPTEN_KEEPALIVE void ld_text_input(Runtime* rt, const char* utf8) {
  rt->platform.on_text_input(utf8);
}
EMSCRIPTEN_KEEPALIVE void ld_wheel(Runtime* rt, double dx, double dy, int mode) {
  rt->platform.on_wheel(dx, dy, mode);
}
EMSCRIPTEN_KEEPALIVE void ld_paste(Runtime* rt, const char* utf8) { rt->platform.on_paste(utf8); }
// A file picked in the browser: a CSV's UTF-8 text, or a photo as a data URL (see
// web/linedesk_web.js pickFile).
EMSCRIPTEN_KEEPALIVE void ld_file_chosen(Runtime* rt, int kind, const char* name, const char* text) {
  if (kind < 0 || kind > static_cast<int>(linedesk::client::FileKind::kPhoto)) return;
  rt->app.file_chosen(static_cast<linedesk::client::FileKind>(kind), name, text);
}
EMSCRIPTEN_KEEPALIVE void ld_image_decoded(linedesk::client::PlatformWeb* platform, int key, int w,
                                           int h, const unsigned char* rgba) {
  platform->on_image_decoded(key, w, h, rgba);
}
EMSCRIPTEN_KEEPALIVE void ld_store_done(Runtime* rt, int id, int ok, const char* text) {
  rt->store.on_done(id, ok != 0, text);
}

// Test hook (answers only when the page was opened with ?testhook=1).
EMSCRIPTEN_KEEPALIVE const char* ld_test_items(Runtime* rt) {
  return rt->hook.items_json().c_str();
}
EMSCRIPTEN_KEEPALIVE int ld_test_has_glyphs(Runtime* rt, const char* utf8) {
  return rt->platform.font_has_glyphs(utf8) ? 1 : 0;
}
// The frame times recorded since the last call, as a JSON array of ms; starts a new record.
EMSCRIPTEN_KEEPALIVE const char* ld_test_frame_times(Runtime* rt) {
  rt->scratch = linedesk::Json(rt->frame_ms).dump();
  rt->frame_ms.clear();
  return rt->scratch.c_str();
}
EMSCRIPTEN_KEEPALIVE const char* ld_test_state(Runtime* rt) {
  const ImGuiIO& io = ImGui::GetIO();
  const auto& sync = rt->app.sync();
  rt->scratch = linedesk::Json{{"screen", rt->app.screen()},
                               {"frames", rt->hook.frames()},
                               {"online", sync.status().online},
                               {"pending", sync.status().pending},
                               {"issues", sync.status().issues},
                               {"saving", sync.status().saving},
                               {"session_expired", sync.status().session_expired},
                               {"version", sync.started() ? sync.replica().version() : 0},
                               {"active", rt->hook.active_label()},
                               {"dpr", rt->platform.dpr()},
                               {"display_w", io.DisplaySize.x},
                               {"display_h", io.DisplaySize.y},
                               {"accounts", rt->app.accounts_test_state()},
                               {"console", rt->app.shell_test_state()}}
                    .dump();
  return rt->scratch.c_str();
}

}  // extern "C"

int main() {
  auto* rt = new Runtime();  // lives as long as the page
  if (!rt->platform.init()) {
    EM_ASM({ window.linedeskPlatform.fail("This browser cannot run WebGL2."); });
    return 1;
  }
  const bool test_mode = EM_ASM_INT({ return new URLSearchParams(location.search).has("testhook") ? 1 : 0; });
  rt->hook.install(ImGui::GetCurrentContext(), test_mode != 0);
  EM_ASM({ window.linedeskPlatform.attach($0, $1); }, rt, test_mode);
  rt->app.start();
  emscripten_set_main_loop_arg(linedesk::client::frame, rt, 0, false);
  return 0;
}
