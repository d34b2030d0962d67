// Benchmark (not a test): the Accounts screen with 100 000 accounts in headless Chromium.
// Prints one JSON line per figure: frame work time while scrolling the table and while typing
// in the search box (p50/p95 ms, from the page's own per-frame timing), and the time from
// choosing a 1000-row file to its dry-run preview on screen.
// Run: scripts/bench.sh (or: LINEDESK_SERVER=... LINEDESK_WEB=... node bench_accounts.mjs).
import { writeFileSync, mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { startServer, launchBrowser, openConsole, admin } from "./harness.mjs";

const ACCOUNTS = Number(process.env.LINEDESK_BENCH_ACCOUNTS || 100000);
const header = "firstname,lastname,email address or device,social_messaging,multiline_number,monitor_calls,monitor_sms,forwarding_number,Language";

function roster(from, count) {
  const lines = [header];
  for (let i = from; i < from + count; ++i) {
    lines.push(`First${i},Last${i % 997},user${i}@example.com,No,,off,off,,English`);
  }
  return lines.join("\n") + "\n";
}

function percentiles(values) {
  const v = [...values].sort((a, b) => a - b);
  const at = (p) => v[Math.min(v.length - 1, Math.floor(p * v.length))];
  return { frames: v.length, p50_ms: +at(0.5).toFixed(2), p95_ms: +at(0.95).toFixed(2), max_ms: +v[v.length - 1].toFixed(2) };
}

const server = await startServer();
const browser = await launchBrowser();
try {
  const login = await fetch(new URL("/api/login", server.url), {
    method: "POST", headers: { "Content-Type": "application/json" },
    body: JSON.stringify({ email: admin.email, password: admin.password }),
  });
  const { token } = await login.json();
  for (let b = 0; b < ACCOUNTS / 1000; ++b) {
    const res = await fetch(new URL(`/api/batches?mode=import&file_name=seed${b}.csv`, server.url), {
      method: "POST", headers: { Authorization: `Bearer ${token}`, "Content-Type": "text/csv" },
      body: roster(b * 1000, 1000),
    });
    if (res.status !== 201) throw new Error(`seeding failed: ${res.status} ${await res.text()}`);
  }

  const ui = await openConsole(browser, server.url, { viewport: { width: 1400, height: 860 } });
  await ui.signIn();
  await ui.waitForState("s.screen === 'main' && s.online && s.version > 0", 120000);
  await ui.click("Accounts");
  await ui.waitForState(`s.accounts.rows === ${ACCOUNTS}`, 120000);
  await ui.frames(10);

  // Scrolling: the wheel over the table, one notch a frame.
  const add = await ui.waitForItem("Add Account");
  await ui.page.mouse.move(add.x + 300, add.y + 300);  // over the table's rows
  await ui.page.evaluate(() => window.linedesk.frameTimes());
  for (let i = 0; i < 120; ++i) {
    await ui.page.mouse.wheel(0, i < 60 ? 300 : -200);
    await ui.frames(1);
  }
  const scroll = await ui.page.evaluate(() => window.linedesk.frameTimes());
  console.log(JSON.stringify({ name: `accounts_${ACCOUNTS / 1000}k_scroll_frame`, ...percentiles(scroll) }));

  // Typing in the search box: a word, letter by letter, then erased.
  await ui.replace("Search", "");
  await ui.page.evaluate(() => window.linedesk.frameTimes());
  for (const ch of "user4242") { await ui.page.keyboard.type(ch); await ui.frames(2); }
  for (let i = 0; i < 8; ++i) { await ui.press("Backspace"); await ui.frames(1); }
  const typing = await ui.page.evaluate(() => window.linedesk.frameTimes());
  console.log(JSON.stringify({ name: `accounts_${ACCOUNTS / 1000}k_search_typing_frame`, ...percentiles(typing) }));

  // Another administrator's edits arriving while the table is shown: each pull changes the
  // state, and the table's sorted rows are rebuilt.
  const listed = await (await fetch(new URL("/api/accounts?limit=20", server.url),
                                    { headers: { Authorization: `Bearer ${token}` } })).json();
  await ui.page.evaluate(() => window.linedesk.frameTimes());
  for (let i = 0; i < 10; ++i) {
    const before = (await ui.state()).version;
    await fetch(new URL(`/api/accounts/${listed.accounts[i].id}`, server.url), {
      method: "PATCH", headers: { Authorization: `Bearer ${token}`, "Content-Type": "application/json" },
      body: JSON.stringify({ fields: { notes: `remote edit ${i}` } }),
    });
    await ui.waitFor((v) => window.linedesk.state().version > v, before, 30000);
    await ui.frames(3);
  }
  const remote = await ui.page.evaluate(() => window.linedesk.frameTimes());
  console.log(JSON.stringify({ name: `accounts_${ACCOUNTS / 1000}k_remote_edit_frame`, ...percentiles(remote) }));

  // Choosing a 1000-row file to its preview shown.
  const dir = mkdtempSync(join(tmpdir(), "linedesk-bench-"));
  const file = join(dir, "roster.csv");
  writeFileSync(file, roster(ACCOUNTS + 10, 1000));
  await ui.click("Add Account");
  await ui.click("Multiple Accounts");
  const runs = [];
  const core = [];
  for (let run = 0; run < 5; ++run) {
    const [chooser] = await Promise.all([ui.page.waitForEvent("filechooser"), ui.click("Upload")]);
    const before = (await ui.state()).accounts.preview;
    const t0 = performance.now();
    await chooser.setFiles(file);
    await ui.waitFor((prev) => {
      const p = window.linedesk.state().accounts.preview;
      return p && p.ok === 1000 && (!prev || p.ms !== prev.ms);
    }, before ?? null, 30000);
    await ui.frames(1);  // drawn
    runs.push(performance.now() - t0);
    core.push((await ui.state()).accounts.preview.ms);
  }
  runs.sort((a, b) => a - b);
  core.sort((a, b) => a - b);
  console.log(JSON.stringify({ name: "import_preview_1000_rows", median_ms: +runs[2].toFixed(1),
                               min_ms: +runs[0].toFixed(1), dry_run_ms: +core[2].toFixed(1), runs: 5 }));
} finally {
  await browser.close();
  await server.dispose();
}
