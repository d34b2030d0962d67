// The Accounts screen in a real browser (seeds 000-003): Save & Invite reaches the outbox, a
// 1000-row CSV with 20 errors is previewed, imported and reported, a move is refused while the
// destination lacks numbers and then done, and the accounts download parses.
import { test, before, after } from "node:test";
import assert from "node:assert/strict";
import { writeFileSync, readFileSync, mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { startServer, launchBrowser, openConsole, orgName, admin, apiCall, apiToken, outboxTo, parseCsv,
         downloadFrom } from "./harness.mjs";

let server;
let browser;
let ui;
let token;

const api = (method, path, body) => apiCall(server.url, token, method, path, body);
const mailTo = (address, count = 1) => outboxTo(api, address, count);
const downloadOf = (action) => downloadFrom(ui.page, action);

const accounts = () => ui.state().then((s) => s.accounts);

before(async () => {
  server = await startServer();
  browser = await launchBrowser();
  token = await apiToken(server.url, admin.email, admin.password);
  const entries = Array.from({ length: 30 }, (_, i) => ({ number: `+1555010${String(i).padStart(4, "0")}`, tag: "" }));
  assert.equal((await api("POST", "/api/numbers/import", { entries })).status, 200);
  ui = await openConsole(browser, server.url, { viewport: { width: 1400, height: 860 } });
  await ui.signIn();
  await ui.waitForState("s.screen === 'main' && s.online && s.version > 0");
  await ui.click("Accounts");
  await ui.waitForItem("Add Account");
});

after(async () => {
  await browser?.close();
  await server?.dispose();
});

test("a single account: field errors inline, then Save & Invite puts the invitation in the outbox", async () => {
  await ui.click("Add Account");
  await ui.waitForItem("Single Account");
  await ui.fill("First Name", "Ada");
  await ui.fill("Last Name", "Lovelace");
  await ui.fill("Email or Device #", "ada@");
  await ui.click("Save & Invite");
  let st = await accounts();
  assert.equal(st.form_error_field, "invite_address", JSON.stringify(st));
  assert.equal(st.rows, 0);
  await ui.screenshot("accounts-add-single-error");

  await ui.fill("Email or Device #", "example.com");  // the field keeps "ada@": now a full address
  await ui.click("Save & Invite");
  await ui.waitForState("s.accounts.rows === 1 && s.pending === 0");
  st = await accounts();
  assert.match(st.notice, /Added Ada Lovelace and queued the invitation/);
  // The server sends it: the outbox lists a message to Ada.
  assert.equal((await mailTo("ada@example.com")).length, 1);
  const listed = (await api("GET", "/api/accounts?q=ada")).json;
  assert.equal(listed.total, 1);
  assert.equal(listed.accounts[0].status, "invited");
  await ui.screenshot("accounts-table");
});

test("a 1000-row CSV with 20 errors: preview counts, Import, the report downloads, the batch is listed", async () => {
  const dir = mkdtempSync(join(tmpdir(), "linedesk-csv-"));
  const file = join(dir, "roster.csv");
  const lines = ["firstname,lastname,email address or device,social_messaging,multiline_number,monitor_calls,monitor_sms,forwarding_number,Language"];
  const bad = new Set();
  for (let i = 0; i < 1000; ++i) {
    let row = [`First${i}`, `Last${i}`, `user${i}@example.com`, "No", "", "off", "off", "", "English"];
    if (i % 50 === 7) {  // 20 rows, each with a different kind of mistake
      bad.add(i);
      const k = bad.size % 4;
      if (k === 0) row[2] = `user${i}@`;
      if (k === 1) row[3] = "Maybe";
      if (k === 2) row[5] = "sometimes";
      if (k === 3) row[8] = "Klingon";
    }
    lines.push(row.join(","));
  }
  writeFileSync(file, lines.join("\r\n") + "\r\n");

  await ui.click("Add Account");
  await ui.click("Multiple Accounts");
  const [chooser] = await Promise.all([ui.page.waitForEvent("filechooser"), ui.click("Upload")]);
  await chooser.setFiles(file);
  await ui.waitForState("s.accounts.preview && s.accounts.preview.ok + s.accounts.preview.failed === 1000", 30000);
  const st = await accounts();
  assert.equal(st.preview.ok, 980);
  assert.equal(st.preview.failed, 20);
  assert.equal(st.preview.error, "");
  await ui.screenshot("accounts-import-preview");

  const report = await downloadOf(async () => {
    await ui.click("Import");
    await ui.waitForState("s.accounts.import && s.accounts.import.done", 30000);
  });
  const after = await accounts();
  assert.equal(after.import.failed, false, JSON.stringify(after.import));
  assert.equal(after.import.report_downloaded, true);
  await ui.screenshot("accounts-import-done");
  assert.equal(report.name, "roster-report.csv");
  const rows = parseCsv(report.text);
  const header = rows[0];
  const status = header.indexOf("status"), reason = header.indexOf("reason");
  assert.ok(status >= 0 && reason >= 0, header.join("|"));
  const failed = rows.slice(1).filter((r) => r[status] === "failed");
  assert.equal(failed.length, 20);
  const klingon = failed.find((r) => r.includes("Klingon"));
  assert.ok(klingon && /Language/i.test(klingon[reason]), JSON.stringify(klingon));
  assert.equal(rows.slice(1).filter((r) => r[status] === "imported").length, 980);
  assert.equal((await api("GET", "/api/accounts?limit=1")).json.total, 981);

  await ui.click("Close");
  await ui.click("Reports");
  await ui.waitForItem("Download##roster.csv" + after.import.batch);
  await ui.screenshot("reports-batches");
  await ui.click("Accounts");
});

test("a move is refused while the destination lacks numbers, then done", async () => {
  const orgs = (await api("GET", "/api/orgs")).json;
  const made = await api("POST", "/api/orgs", { parent: orgs.root, name: "Empty Branch" });
  assert.equal(made.status, 201, made.text);
  const branch = made.json.result.org;
  await ui.waitForState("s.pending === 0");
  await ui.fill("Search", "ada@");
  await ui.waitForState("s.accounts.rows === 1");
  await ui.click("Ada Lovelace##row_ada@example.com");
  assert.equal((await accounts()).selected, 1);
  await ui.click("Move");
  await ui.click("Empty Branch##pick");
  await ui.waitForState("s.accounts.move_refusal !== ''");
  assert.match((await accounts()).move_refusal,
    /^Unable to move account\(s\)\. You do not have enough numbers available in the selected organization/);
  await ui.screenshot("accounts-move-refused");

  assert.equal((await api("POST", "/api/numbers/allocate", { to: branch, count: 2 })).status, 200);
  await ui.waitForState("s.accounts.move_refusal === ''", 20000);
  await ui.click("Move accounts");
  await ui.waitForState("s.pending === 0 && /Moved 1 account/.test(s.accounts.notice)");
  const ada = (await api("GET", "/api/accounts?q=ada")).json.accounts[0];
  assert.equal(ada.org, branch);
});

test("Download gives every account of the organization as the seed's CSV", async () => {
  await ui.replace("Search", "");
  await ui.waitForState("s.accounts.rows === 981");
  const file = await downloadOf(() => ui.click("Download"));
  assert.equal(file.name, `accounts-${orgName}.csv`);
  const rows = parseCsv(file.text.replace(/^\uFEFF/, ""));
  const at = rows.findIndex((r) => r.includes("Account ID") && r.includes("MultiLine status"));
  assert.ok(at > 0, "a report preamble, then the header");
  assert.ok(rows.slice(0, at).some((r) => r[0] === "Report name"));
  const data = rows.slice(at + 1).filter((r) => r.length > 1);
  assert.equal(data.length, 981);
  const idCol = rows[at].indexOf("Account ID");
  assert.ok(data.some((r) => r[idCol] === "ada@example.com"));
  const activity = (await api("GET", "/api/reports/activity?action=download_accounts")).json;
  assert.equal(activity.total, 1);
  assert.equal(ui.errors.length, 0, ui.errors.join("\n"));
});

test("offline: an account added with Save & Invite and a download wait for nothing; the invitation goes out once back online", async () => {
  await ui.page.context().setOffline(true);
  await ui.click("Add Account");
  await ui.click("Single Account");
  await ui.fill("First Name", "Grace");
  await ui.fill("Last Name", "Hopper");
  await ui.fill("Email or Device #", "grace@example.com");
  await ui.click("Save & Invite");
  // The push fails at once: the change waits on this device.
  await ui.waitForState("s.pending === 1 && !s.saving && !s.online");
  assert.equal((await accounts()).rows, 982);  // shown at once, from this device's copy
  const file = await downloadOf(() => ui.click("Download"));
  const rows = parseCsv(file.text.replace(/^\uFEFF/, ""));
  assert.ok(rows.some((r) => r.includes("grace@example.com")), "the offline copy has the new account");
  assert.match((await accounts()).notice, /^Offline: /);
  await ui.screenshot("accounts-offline");

  await ui.page.context().setOffline(false);
  await ui.waitForState("s.online && s.pending === 0", 40000);
  assert.equal((await mailTo("grace@example.com")).length, 1, "the invitation was sent after the sync");
  // Only the online download is in the Admin Activity Report.
  assert.equal((await api("GET", "/api/reports/activity?action=download_accounts")).json.total, 1);
  assert.equal(ui.errors.filter((e) => !/Failed to load resource|ERR_INTERNET_DISCONNECTED/.test(e)).length, 0, ui.errors.join("\n"));
});

test("edit, resend and delete one account from the table", async () => {
  await ui.replace("Search", "grace@");
  await ui.waitForState("s.accounts.rows === 1 && !s.accounts.searching");
  await ui.click("Grace Hopper##row_grace@example.com");
  await ui.click("Edit");
  await ui.fill("Notes", "Prefers SMS");
  await ui.click("Save changes");
  await ui.waitForState("s.pending === 0 && /Saved grace@example.com/.test(s.accounts.notice)");
  assert.equal((await api("GET", "/api/accounts?q=grace@")).json.accounts[0].notes, "Prefers SMS");

  await ui.click("Resend Invitation");
  await ui.waitForState("s.pending === 0 && /Invitations queued for 1 account/.test(s.accounts.notice)");
  assert.equal((await mailTo("grace@example.com", 2)).length, 2, "the first invitation and the resent one");

  await ui.click("Delete");
  await ui.screenshot("accounts-delete-confirm");
  await ui.click("Delete accounts");
  await ui.waitForState("s.pending === 0 && s.accounts.rows === 0 && s.accounts.selected === 0");
  assert.equal((await api("GET", "/api/accounts?q=grace@")).json.total, 0);
});
