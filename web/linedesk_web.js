// Browser glue of the LineDesk console: the Emscripten Module settings, the bridges for
// text input, wheel and clipboard, and (with ?testhook=1) the test hook browser tests use.
"use strict";

var Module = {
  canvas: document.getElementById("canvas"),
  print: (text) => console.log(text),
  printErr: (text) => console.warn(text),
  onAbort: (what) => window.linedeskPlatform.fail("The console stopped: " + what),
};

window.linedeskPlatform = (() => {
  const canvas = document.getElementById("canvas");
  const text = document.getElementById("ld-text");
  let rt = 0;
  let textInputOn = false;
  let composing = false;

  function sendText(value) {
    if (!rt || !value) return;
    Module.ccall("ld_text_input", null, ["number", "string"], [rt, value]);
  }

  function attach(runtime, testMode) {
    rt = runtime;
    document.getElementById("ld-status").remove();
    // Keep focus where the console put it: a click on the canvas must not take focus away
    // from the text field while an ImGui input is active.
    canvas.addEventListener("mousedown", (e) => e.preventDefault());
    canvas.addEventListener("contextmenu", (e) => e.preventDefault());
    canvas.addEventListener("wheel", (e) => {
      e.preventDefault();
      Module._ld_wheel(rt, e.deltaX, e.deltaY, e.deltaMode);
    }, { passive: false });
    text.addEventListener("compositionstart", () => { composing = true; });
    text.addEventListener("compositionend", (e) => {
      composing = false;
      sendText(e.data);
      text.value = "";
    });
    text.addEventListener("input", () => {
      if (composing) return;
      const v = text.value;
      text.value = "";
      sendText(v);
    });
    // Enter and Tab reach ImGui as keys (GLFW listens on window); keep them out of the field.
    text.addEventListener("keydown", (e) => {
      if (e.key === "Enter" || e.key === "Tab") e.preventDefault();
    });
    window.addEventListener("paste", (e) => {
      const t = e.clipboardData ? e.clipboardData.getData("text/plain") : "";
      Module.ccall("ld_paste", null, ["number", "string"], [rt, t]);
    });
    if (testMode) installTestHook();
  }

  function setTextInput(on) {
    textInputOn = !!on;
    if (textInputOn) text.focus({ preventScroll: true });
    else if (document.activeElement === text) text.blur();
  }

  const cursors = ["default", "text", "move", "ns-resize", "ew-resize", "nesw-resize",
                   "nwse-resize", "pointer", "not-allowed"];
  function setCursor(n) {
    canvas.style.cursor = n < 0 ? "none" : (cursors[n] || "default");
  }

  function copyText(t) {
    if (navigator.clipboard) navigator.clipboard.writeText(t).catch(() => {});
  }

  // A file the console made (CSV) saved through the browser's own download.
  function download(name, textContent) {
    const blob = new Blob([textContent], { type: "text/csv;charset=utf-8" });
    const url = URL.createObjectURL(blob);
    const a = document.createElement("a");
    a.href = url;
    a.download = name;
    document.body.appendChild(a);
    a.click();
    a.remove();
    setTimeout(() => URL.revokeObjectURL(url), 60000);
  }

  // The browser's file picker. `kind` says what for (client/console_context.hpp FileKind):
  // 0 and 1 are CSV files whose text goes to C++ (heap-allocated: files are large); 2 is a
  // profile photo, shrunk here to at most 160 px and handed over as a JPEG data URL (an empty
  // text when the browser cannot read it as an image).
  function pickFile(runtime, kind) {
    const photo = kind === 2;
    const input = document.createElement("input");
    input.type = "file";
    input.accept = photo ? "image/png,image/jpeg,image/webp" : ".csv,text/csv";
    input.style.display = "none";
    input.addEventListener("change", async () => {
      const file = input.files && input.files[0];
      input.remove();
      if (!file) return;
      let body = "";
      if (photo) {
        try { body = await shrinkImage(file, 160); } catch (e) { body = ""; }
      } else {
        try { body = await file.text(); } catch (e) {
          fail("The file could not be read: " + e.message);
          return;
        }
      }
      const put = (s) => {
        const n = lengthBytesUTF8(s) + 1;
        const p = Module._malloc(n);
        stringToUTF8(s, p, n);
        return p;
      };
      const np = put(file.name);
      const tp = put(body);
      try { Module._ld_file_chosen(runtime, kind, np, tp); } finally { Module._free(np); Module._free(tp); }
    });
    document.body.appendChild(input);
    input.click();
  }

  async function shrinkImage(blob, max) {
    const bitmap = await createImageBitmap(blob);
    const scale = Math.min(1, max / Math.max(bitmap.width, bitmap.height));
    const c = document.createElement("canvas");
    c.width = Math.max(1, Math.round(bitmap.width * scale));
    c.height = Math.max(1, Math.round(bitmap.height * scale));
    const g = c.getContext("2d");
    g.fillStyle = "#fff";
    g.fillRect(0, 0, c.width, c.height);
    g.drawImage(bitmap, 0, 0, c.width, c.height);
    bitmap.close();
    return c.toDataURL("image/jpeg", 0.88);
  }

  // Decodes an image data URL into RGBA pixels for a WebGL texture (PlatformWeb::image), at
  // most 256 px a side (a photo set through the API may be larger than the console shows).
  async function decodeImage(platform, key, url) {
    let w = 0, h = 0, p = 0;
    try {
      const bitmap = await createImageBitmap(await (await fetch(url)).blob());
      const scale = Math.min(1, 256 / Math.max(bitmap.width, bitmap.height));
      w = Math.max(1, Math.round(bitmap.width * scale));
      h = Math.max(1, Math.round(bitmap.height * scale));
      const c = document.createElement("canvas");
      c.width = w; c.height = h;
      const g = c.getContext("2d");
      g.drawImage(bitmap, 0, 0, w, h);
      bitmap.close();
      const data = g.getImageData(0, 0, w, h).data;
      p = Module._malloc(data.length);
      if (!p) throw new Error("out of memory");
      Module.HEAPU8.set(data, p);
    } catch (e) {
      w = 0; h = 0; p = 0;
    }
    try { Module._ld_image_decoded(platform, key, w, h, p); } finally { if (p) Module._free(p); }
  }

  function fail(message) {
    let s = document.getElementById("ld-status");
    if (!s) {
      s = document.createElement("div");
      s.id = "ld-status";
      document.body.appendChild(s);
    }
    s.textContent = message;
  }

  // Test-only: rectangles of labelled ImGui widgets from the last frame, in CSS pixels of the
  // page, so tests click real widgets through the real input path.
  function installTestHook() {
    const toCss = (item) => {
      const r = canvas.getBoundingClientRect();
      const sx = r.width / canvas.width;
      const sy = r.height / canvas.height;
      return Object.assign({}, item, {
        x: r.left + item.x * sx, y: r.top + item.y * sy, w: item.w * sx, h: item.h * sy,
      });
    };
    const items = () => JSON.parse(UTF8ToString(Module._ld_test_items(rt))).map(toCss);
    window.linedesk = {
      items,
      // The first visible item whose full label or visible text equals `label`; "###id" also
      // finds an item by the stable id after its changing text ("Zoë · Admin ▾###profile_menu").
      item(label) {
        const byId = label.startsWith("###");
        return items().find((i) => i.visible && (i.label === label || i.text === label ||
                                                 (byId && i.label.endsWith(label)))) || null;
      },
      state() { return JSON.parse(UTF8ToString(Module._ld_test_state(rt))); },
      // Work time of each frame since the last call (ms), then a new record starts.
      frameTimes() { return JSON.parse(UTF8ToString(Module._ld_test_frame_times(rt))); },
      hasGlyphs(s) { return Module.ccall("ld_test_has_glyphs", "number", ["number", "string"], [rt, s]) === 1; },
      textInputFocused() { return document.activeElement === text; },
    };
  }

  return { attach, setTextInput, setCursor, copyText, fail, download, pickFile, decodeImage };
})();

// The replica on this device (IndexedDB "linedesk"): "meta" holds the session, the queue and
// the confirmed version; "entities" holds one JSON envelope per confirmed entity. Every answer
// goes back to C++ through _ld_store_done(runtime, id, ok, text).
window.ldStore = (() => {
  let opening = null;
  function db() {
    if (!opening) {
      opening = new Promise((resolve, reject) => {
        const req = indexedDB.open("linedesk", 1);
        req.onupgradeneeded = () => {
          req.result.createObjectStore("meta");
          req.result.createObjectStore("entities");
        };
        req.onsuccess = () => resolve(req.result);
        req.onerror = () => reject(req.error);
      });
    }
    return opening;
  }
  // Large texts cross into WebAssembly through the heap, not the stack.
  function answer(rt, id, ok, text) {
    if (text === null || text === undefined) text = "";
    const size = lengthBytesUTF8(text) + 1;
    const ptr = Module._malloc(size);
    stringToUTF8(text, ptr, size);
    try { Module._ld_store_done(rt, id, ok ? 1 : 0, ptr); } finally { Module._free(ptr); }
  }
  function done(tx) {
    return new Promise((resolve, reject) => {
      tx.oncomplete = () => resolve();
      tx.onerror = () => reject(tx.error);
      tx.onabort = () => reject(tx.error || new Error("aborted"));
    });
  }
  async function load(rt, id) {
    try {
      const d = await db();
      const tx = d.transaction(["meta", "entities"], "readonly");
      const meta = tx.objectStore("meta");
      const get = (store, key) => new Promise((res, rej) => {
        const r = store.get(key); r.onsuccess = () => res(r.result); r.onerror = () => rej(r.error);
      });
      const [session, queue, confirmed, entities] = await Promise.all([
        get(meta, "session"), get(meta, "queue"), get(meta, "confirmed"),
        new Promise((res, rej) => {
          const r = tx.objectStore("entities").getAll(); r.onsuccess = () => res(r.result); r.onerror = () => rej(r.error);
        }),
      ]);
      if (!session) return answer(rt, id, true, "{}");
      const s = JSON.parse(session);
      answer(rt, id, true, '{"client_id":' + JSON.stringify(s.client_id) + ',"session":' +
             JSON.stringify(s.session) + ',"queue":' + (queue || "null") + ',"confirmed":' +
             (confirmed || "null") + ',"entities":[' + entities.join(",") + "]}");
    } catch (e) {
      answer(rt, id, false, String(e));
    }
  }
  async function saveQueue(rt, id, text) {
    try {
      const d = await db();
      const tx = d.transaction(["meta"], "readwrite");
      tx.objectStore("meta").put(text, "queue");
      await done(tx);
      answer(rt, id, true, "");
    } catch (e) {
      answer(rt, id, false, String(e));
    }
  }
  async function saveConfirmed(rt, id, text) {
    try {
      const doc = JSON.parse(text);
      const d = await db();
      const tx = d.transaction(["meta", "entities"], "readwrite");
      const entities = tx.objectStore("entities");
      if (doc.reset) entities.clear();
      for (const [key, value] of doc.puts) entities.put(value, key);
      for (const key of doc.deletes) entities.delete(key);
      tx.objectStore("meta").put(JSON.stringify(doc.meta), "confirmed");
      await done(tx);
      answer(rt, id, true, "");
    } catch (e) {
      answer(rt, id, false, String(e));
    }
  }
  async function saveSession(text) {
    try {
      const d = await db();
      const tx = d.transaction(["meta"], "readwrite");
      tx.objectStore("meta").put(text, "session");
      await done(tx);
    } catch (e) {
      console.warn("LineDesk could not keep the session on this device:", e);
    }
  }
  async function clear(rt, id) {
    try {
      const d = await db();
      const tx = d.transaction(["meta", "entities"], "readwrite");
      tx.objectStore("meta").clear();
      tx.objectStore("entities").clear();
      await done(tx);
      answer(rt, id, true, "");
    } catch (e) {
      answer(rt, id, false, String(e));
    }
  }
  // 128 random bits as hex: client ids and command UUIDs.
  function randomId() {
    const b = new Uint8Array(16);
    crypto.getRandomValues(b);
    return Array.from(b, (x) => x.toString(16).padStart(2, "0")).join("");
  }
  return { load, saveQueue, saveConfirmed, saveSession, clear, randomId };
})();

// Start-up: register the service worker (offline start), then run the console in one tab at a
// time. The replica and its queue live once per browser, so the tab holding the
// "linedesk-console" lock is the one that works with them; another tab offers to take over.
(() => {
  if ("serviceWorker" in navigator) {
    navigator.serviceWorker.register("sw.js").catch((e) => console.warn("LineDesk offline start unavailable:", e));
  }
  let started = false;
  function startConsole() {
    if (started) return;
    started = true;
    document.getElementById("ld-elsewhere").hidden = true;
    const script = document.createElement("script");
    script.src = "linedesk_client.js";
    script.async = true;
    document.body.appendChild(script);
  }
  function elsewhere(message) {
    const box = document.getElementById("ld-elsewhere");
    if (message) box.querySelector("p").textContent = message;
    box.hidden = false;
    const status = document.getElementById("ld-status");
    if (status) status.hidden = true;
  }
  function hold(options) {
    return navigator.locks.request("linedesk-console", options, (lock) => {
      if (!lock) {
        elsewhere();
        return;
      }
      startConsole();
      return new Promise(() => {});  // held while this tab lives
    }).catch(() => {
      // Another tab took over: stop this one; its queue is safe on this device.
      if (typeof Module !== "undefined" && Module.pauseMainLoop) Module.pauseMainLoop();
      elsewhere("LineDesk moved to another tab. Reload this one to use it here again.");
      document.getElementById("ld-use-here").onclick = () => location.reload();
    });
  }
  document.getElementById("ld-use-here").onclick = () => hold({ steal: true });
  if (navigator.locks) {
    hold({ ifAvailable: true });
  } else {
    startConsole();
  }
})();
