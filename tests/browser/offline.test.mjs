// Scenario 8 of the sync protocol in a real browser: edit offline (server stopped), reload the
// page — the console comes from the service worker and the edit from IndexedDB, still pending —
// start the server, the edit syncs, and a second browser sees it confirmed.
import { test, before, after } from "node:test";
import assert from "node:assert/strict";
import { startServer, launchBrowser, openConsole, orgName, admin } from "./harness.mjs";

let server;
let browser;

before(async () => {
  server = await startServer();
  browser = await launchBrowser();
});

after(async () => {
  await browser?.close();
  await server?.dispose();
});

test("an edit made offline survives a reload and syncs when the server is back", async () => {
  const ui = await openConsole(browser, server.url);
  await ui.signIn();
  await ui.waitForItem(`${orgName}###org_picker`);
  await ui.waitForState("s.screen === 'main' && s.online && s.version > 0");
  // The service worker holds the console's files before the server goes away.
  await ui.page.evaluate(() => navigator.serviceWorker.ready);
  await ui.page.waitForFunction(() => navigator.serviceWorker.controller !== null, null, { timeout: 10000 })
    .catch(async () => { await ui.page.reload(); await ui.waitForItem(`${orgName}###org_picker`); });

  await server.stop();
  await ui.click("Organizations");
  await ui.click("Create New Sub-Organization");
  await ui.fill("Sub-organization name", "Offline Département");
  await ui.click("Create");
  await ui.waitForState("s.pending === 1 && !s.saving");
  await ui.waitForItem("Offline Département");
  await ui.screenshot("offline-edit");

  // Reload with the server still down: the console and the pending edit come from this device.
  await ui.page.reload();
  await ui.click("Organizations");
  await ui.waitForItem("Offline Département", 30000);
  const st = await ui.state();
  assert.equal(st.screen, "main");
  assert.equal(st.pending, 1, "the edit is still pending after the reload");
  assert.equal(st.online, false);
  await ui.screenshot("offline-after-reload");

  // The server comes back: the queued command is pushed and confirmed.
  await server.start();
  await ui.waitForState("s.pending === 0 && s.online", 30000);
  await ui.screenshot("offline-synced");

  // A second browser signs in and sees the organization the first one created offline.
  const other = await launchBrowser();
  try {
    const second = await openConsole(other, server.url);
    await second.signIn();
    await second.click("Organizations");
    await second.waitForItem("Offline Département", 20000);
    await second.screenshot("offline-second-browser");
  } finally {
    await other.close();
  }
  assert.deepEqual(ui.errors.filter((e) => !/Failed to load resource|ERR_CONNECTION_REFUSED|net::/.test(e)), []);
  await ui.page.context().close();
});

test("a second tab offers to take over and the first one steps aside", async () => {
  const context = await browser.newContext({ viewport: { width: 1000, height: 700 } });
  const first = await context.newPage();
  await first.goto(server.url + "?testhook=1");
  await first.waitForFunction(() => window.linedesk && window.linedesk.item("Email"), null, { timeout: 20000 });
  const second = await context.newPage();
  await second.goto(server.url + "?testhook=1");
  await second.waitForSelector("#ld-elsewhere:not([hidden])");
  assert.equal(await second.evaluate(() => typeof window.linedesk), "undefined", "the second tab waits");
  await second.click("#ld-use-here");
  await second.waitForFunction(() => window.linedesk && window.linedesk.item("Email"), null, { timeout: 20000 });
  await first.waitForSelector("#ld-elsewhere:not([hidden])");
  assert.match(await first.textContent("#ld-elsewhere p"), /moved to another tab/);
  await context.close();
});

test("a change the server refuses is listed under Sync issues, edited there and sent again", async () => {
  const ui = await openConsole(browser, server.url);
  await ui.signIn();
  await ui.waitForItem(`${orgName}###org_picker`);
  await ui.waitForState("s.screen === 'main' && s.online && s.version > 0");

  // This browser goes offline and creates "Twin Team"; meanwhile another administrator's
  // script creates a sibling of the same name on the server.
  await ui.page.context().setOffline(true);
  await ui.click("Organizations");
  await ui.click("Create New Sub-Organization");
  await ui.fill("Sub-organization name", "Twin Team");
  await ui.click("Create");
  await ui.waitForState("s.pending === 1 && !s.saving");
  const login = await fetch(new URL("/api/login", server.url), {
    method: "POST", headers: { "Content-Type": "application/json" },
    body: JSON.stringify({ email: admin.email, password: admin.password }) });
  const { token } = await login.json();
  const orgs = await (await fetch(new URL("/api/orgs", server.url), { headers: { Authorization: `Bearer ${token}` } })).json();
  const made = await fetch(new URL("/api/orgs", server.url), {
    method: "POST", headers: { "Content-Type": "application/json", Authorization: `Bearer ${token}` },
    body: JSON.stringify({ parent: orgs.root, name: "Twin Team" }) });
  assert.equal(made.status, 201);

  // Back online: the push is refused with the server's reason, and nothing is lost.
  await ui.page.context().setOffline(false);
  await ui.waitForState("s.issues === 1 && s.pending === 0", 30000);
  await ui.click("1 sync issue###sync_issues");
  await ui.waitForItem("Edit & resubmit");
  await ui.screenshot("sync-issue-listed");
  await ui.click("Edit & resubmit");
  await ui.fill("New name", "Twin Team West");
  await ui.click("Resubmit edited");
  await ui.waitForState("s.issues === 0 && s.pending === 0 && s.online", 30000);
  await ui.screenshot("sync-issue-resubmitted");
  await ui.waitForItem("Twin Team West");
  await ui.screenshot("sync-issue-resubmitted");
  const after = await (await fetch(new URL("/api/orgs", server.url), { headers: { Authorization: `Bearer ${token}` } })).text();
  assert.match(after, /Twin Team West/);
  await ui.page.context().close();
});
