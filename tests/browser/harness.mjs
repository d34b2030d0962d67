// Browser-test harness: starts linedesk-server on a temp database and a free port, drives
// Debian's Chromium with playwright-core, and clicks ImGui widgets by label through the
// console's test hook (window.linedesk, present with ?testhook=1).
import { spawn, execFileSync } from "node:child_process";
import { mkdtempSync, rmSync, mkdirSync, readFileSync, writeFileSync, existsSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { chromium } from "playwright-core";

export const env = {
  server: process.env.LINEDESK_SERVER,
  web: process.env.LINEDESK_WEB,
  artifacts: process.env.LINEDESK_ARTIFACTS || join(tmpdir(), "linedesk-browser-artifacts"),
};
for (const [k, v] of Object.entries({ LINEDESK_SERVER: env.server, LINEDESK_WEB: env.web })) {
  if (!v) throw new Error(`${k} is not set: run the browser tests through ctest`);
}
mkdirSync(env.artifacts, { recursive: true });

export const admin = { email: "zoe@example.com", password: "Zoë Müller 2026!" };
export const orgName = "Zoë Müller Holdings";

const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

// A linedesk-server on 127.0.0.1 with its own temp folder. `prepare(dbPath)` may seed the
// database (after the first start created it) before the server is started for real.
export async function startServer({ prepare, extra = [] } = {}) {
  const dir = mkdtempSync(join(tmpdir(), "linedesk-browser-"));
  const db = join(dir, "linedesk.db");
  const args = ["--db", db, "--port", "0", "--web", env.web, "--port-file", join(dir, "port"),
                "--org-name", orgName, "--admin-email", admin.email,
                "--admin-password", admin.password, ...extra];
  let server = await launch(args, dir);
  if (prepare) {
    await server.stop();
    prepare(db);
    server = await launch(args, dir);
  }
  // Later starts keep the port: the console's origin (and its service worker) stays the same.
  const fixed = args.map((a, i) => (args[i - 1] === "--port" ? String(server.port) : a));
  server.db = db;
  server.restart = async () => {
    await server.stop();
    const again = await launch(fixed, dir);
    server.stop = again.stop;
    server.output = again.output;
  };
  server.start = async () => {
    const again = await launch(fixed, dir);
    server.stop = again.stop;
    server.output = again.output;
  };
  return server;
}

async function launch(args, dir) {
  const portFile = join(dir, "port");
  rmSync(portFile, { force: true });
  const proc = spawn(env.server, args, { stdio: ["ignore", "pipe", "pipe"] });
  let output = "";
  proc.stdout.on("data", (d) => { output += d; });
  proc.stderr.on("data", (d) => { output += d; });
  for (let i = 0; i < 200 && !existsSync(portFile); i++) {
    if (proc.exitCode !== null) throw new Error("linedesk-server exited:\n" + output);
    await sleep(50);
  }
  const port = Number(readFileSync(portFile, "utf8").trim());
  if (!port) throw new Error("linedesk-server did not report a port:\n" + output);
  return {
    dir, port, url: `http://127.0.0.1:${port}/`, output: () => output,
    async stop() {
      if (proc.exitCode === null) {
        proc.kill("SIGTERM");
        await new Promise((r) => proc.once("exit", r));
      }
    },
    async dispose() { await this.stop(); rmSync(dir, { recursive: true, force: true }); },
    dir,
  };
}

// The server's JSON API with a session token: {status, json, text}.
export async function apiCall(url, token, method, path, body) {
  const res = await fetch(new URL(path, url), {
    method,
    headers: { Authorization: `Bearer ${token}`, "Content-Type": "application/json" },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  const text = await res.text();
  return { status: res.status, json: text.startsWith("{") || text.startsWith("[") ? JSON.parse(text) : null, text };
}

// Signs in through the API and returns the session token.
export async function apiToken(url, email, password) {
  const login = await fetch(new URL("/api/login", url), {
    method: "POST", headers: { "Content-Type": "application/json" },
    body: JSON.stringify({ email, password }),
  });
  const body = await login.json();
  if (!body.token) throw new Error("sign-in failed: " + JSON.stringify(body));
  return body.token;
}

// The outbox's messages to `address` (through `api`, bound to a server and token), polled for
// up to 10 s until there are at least `count`.
export async function outboxTo(api, address, count = 1) {
  let messages = [];
  for (let i = 0; i < 50; ++i) {
    messages = (await api("GET", "/api/outbox")).json.messages.filter((m) => m.to === address);
    if (messages.length >= count) break;
    await sleep(200);
  }
  return messages;
}

// RFC 4180 rows (quotes, doubled quotes, commas and line breaks inside quotes).
export function parseCsv(text) {
  const rows = [];
  let row = [], cell = "", quoted = false;
  for (let i = 0; i < text.length; ++i) {
    const c = text[i];
    if (quoted) {
      if (c === '"' && text[i + 1] === '"') { cell += '"'; ++i; }
      else if (c === '"') quoted = false;
      else cell += c;
    } else if (c === '"') quoted = true;
    else if (c === ",") { row.push(cell); cell = ""; }
    else if (c === "\n" || c === "\r") {
      if (c === "\r" && text[i + 1] === "\n") ++i;
      row.push(cell); rows.push(row); row = []; cell = "";
    } else cell += c;
  }
  if (cell !== "" || row.length) { row.push(cell); rows.push(row); }
  return rows;
}

// The browser download `action` starts: its suggested name and text.
export async function downloadFrom(page, action) {
  const [download] = await Promise.all([page.waitForEvent("download", { timeout: 20000 }), action()]);
  return { name: download.suggestedFilename(), text: readFileSync(await download.path(), "utf8") };
}

// A file in a fresh temp folder (for the browser's file picker).
export function tempFile(name, content) {
  const file = join(mkdtempSync(join(tmpdir(), "linedesk-upload-")), name);
  writeFileSync(file, content);
  return file;
}

export function sqlite(db, sql) {
  return execFileSync("sqlite3", [db, sql], { encoding: "utf8" });
}

export async function launchBrowser() {
  return chromium.launch({
    executablePath: "/usr/bin/chromium",
    args: ["--no-sandbox", "--disable-gpu", "--use-gl=swiftshader", "--enable-unsafe-swiftshader",
           "--disable-quic", "--no-first-run", "--disable-background-networking",
           "--disable-component-update", "--disable-sync"],
  });
}

// Opens the console with the test hook and waits until `label` is on screen.
export async function openConsole(browser, url, { viewport = { width: 1200, height: 760 },
                                                 deviceScaleFactor = 1, waitFor = "Email" } = {}) {
  const context = await browser.newContext({ viewport, deviceScaleFactor });
  const page = await context.newPage();
  const errors = [];
  page.on("pageerror", (e) => errors.push(e.message));
  page.on("console", (m) => { if (m.type() === "error") errors.push(m.text()); });
  await page.goto(url + "?testhook=1");
  const ui = new ConsoleDriver(page, errors);
  await ui.waitForItem(waitFor);
  return ui;
}

export class ConsoleDriver {
  constructor(page, errors) { this.page = page; this.errors = errors; }

  state() { return this.page.evaluate(() => window.linedesk.state()); }
  items() { return this.page.evaluate(() => window.linedesk.items()); }
  item(label) { return this.page.evaluate((l) => window.linedesk.item(l), label); }

  async waitForItem(label, timeout = 20000) {
    await this.page.waitForFunction((l) => window.linedesk && window.linedesk.item(l), label,
                                     { timeout });
    return this.item(label);
  }
  async waitFor(predicate, arg, timeout = 10000) {
    await this.page.waitForFunction(predicate, arg, { timeout });
  }
  // Waits until the console has drawn `n` more frames (so input has been handled).
  async frames(n = 2) {
    const start = (await this.state()).frames;
    await this.waitFor(([s, k]) => window.linedesk.state().frames >= s + k, [start, n]);
  }

  // As a person clicks: the pointer arrives, then the button goes down and up in later frames
  // (ImGui's tabs act on the press, and need the hover of the frame before).
  async click(label) {
    const r = await this.waitForItem(label);
    await this.page.mouse.move(r.x + r.w / 2, r.y + r.h / 2);
    await this.frames(1);
    await this.page.mouse.down();
    await this.frames(1);
    await this.page.mouse.up();
    await this.frames(2);
  }
  // Clicks a text field by its label and waits until ImGui edits it, then types.
  async fill(label, text) {
    const r = await this.waitForItem(label);
    await this.page.mouse.click(r.x + r.w / 2, r.y + r.h / 2);
    await this.waitFor((l) => window.linedesk.state().active === l, label);
    await this.page.keyboard.type(text);
    await this.frames(2);
  }
  // Presses a key or a chord ("Control+A") and holds it for two frames, as a person would:
  // ImGui 1.86 reads key state once a frame, so a press and release between two frames (what
  // keyboard.press does) can go unseen.
  async press(chord) {
    const keys = chord.split("+");
    for (const k of keys) await this.page.keyboard.down(k);
    await this.frames(2);
    for (const k of keys.reverse()) await this.page.keyboard.up(k);
    await this.frames(1);
  }
  // Clicks a text field, waits until ImGui edits it, and replaces its text with `text`.
  async replace(label, text) {
    const r = await this.waitForItem(label);
    await this.page.mouse.click(r.x + r.w / 2, r.y + r.h / 2);
    await this.waitFor((l) => window.linedesk.state().active === l, label);
    await this.press("Control+A");
    await this.press("Backspace");
    if (text) await this.page.keyboard.type(text);
    await this.frames(2);
  }
  async screenshot(name) {
    const path = join(env.artifacts, name + ".png");
    await this.page.screenshot({ path });
    return path;
  }
  // Waits until the console's sync reports `condition` (a function of the test state).
  // On a timeout the error carries the last state, so a failure says what the console showed.
  async waitForState(condition, timeout = 15000) {
    try {
      await this.page.waitForFunction(
        (src) => { const st = window.linedesk && window.linedesk.state(); return st && (new Function("s", "return " + src))(st); },
        condition, { timeout });
    } catch (e) {
      const last = await this.state().catch(() => null);
      e.message += `\nwaiting for: ${condition}\nlast state: ${JSON.stringify(last)}`;
      throw e;
    }
  }
  async signIn(email = admin.email, password = admin.password) {
    await this.fill("Email", email);
    await this.fill("Password", password);
    await this.click("Sign in");
  }
}
