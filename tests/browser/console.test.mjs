// The console around Accounts in a real browser (seeds 001, 003, 004): sub-organizations are
// created, refused deletion while they hold users, and deleted with the seed's confirmation;
// numbers are imported from a CSV and allocated with the counts following; an administrator is
// invited with a limited role and then sees only their organization; the profile is edited with
// a photo, and Logout signs out.
import { test, before, after } from "node:test";
import assert from "node:assert/strict";
import { startServer, launchBrowser, openConsole, orgName, admin, apiCall, apiToken, outboxTo,
         tempFile, sqlite, downloadFrom } from "./harness.mjs";

let server;
let browser;
let ui;
let token;

const api = (method, path, body) => apiCall(server.url, token, method, path, body);
const consoleState = () => ui.state().then((s) => s.console);

// Opens a combo by its id and picks an entry by label.
async function choose(driver, combo, entry) {
  await driver.click(combo);
  await driver.click(entry);
}

before(async () => {
  server = await startServer();
  browser = await launchBrowser();
  token = await apiToken(server.url, admin.email, admin.password);
  ui = await openConsole(browser, server.url, { viewport: { width: 1400, height: 860 } });
  await ui.signIn();
  await ui.waitForState("s.screen === 'main' && s.online && s.version > 0");
});

after(async () => {
  await browser?.close();
  await server?.dispose();
});

test("sub-organizations: created from the profile menu, delete refused while users remain, then deleted", async () => {
  await ui.click("###profile_menu");
  await ui.click("Sub-Organizations");
  await ui.waitForState("s.console.tab === 'Organizations'");

  // Create, with the name's error shown in the dialog first.
  await ui.click("Create New Sub-Organization");
  await ui.click("Create");
  let st = await consoleState();
  assert.equal(st.orgs.create.field, "name", JSON.stringify(st.orgs));
  await ui.fill("Sub-organization name", "Marketing Département");
  await ui.click("Create");
  await ui.waitForItem("Marketing Département");
  await ui.waitForState("s.pending === 0 && /created/.test(s.console.orgs.feedback.notice)");
  const orgs = (await api("GET", "/api/orgs")).json;
  const marketing = orgs.orgs.find((o) => o.name === "Marketing Département");
  assert.ok(marketing, JSON.stringify(orgs));

  // A branch holding a user: Delete is disabled and says why.
  const sales = (await api("POST", "/api/orgs", { parent: orgs.root, name: "Sales" })).json.result.org;
  const added = await api("POST", "/api/accounts", { org: sales, fields: { account_id: "sam@example.com", first_name: "Sam", last_name: "Seller", invite_address: "sam@example.com" } });
  assert.equal(added.status, 201, added.text);
  await ui.click("Sales");
  await ui.waitForState("s.console.orgs.selected === 'Sales' && /cannot be deleted/.test(s.console.orgs.delete_refusal)");
  assert.match((await consoleState()).orgs.delete_refusal, /1 user and 0 administrators/);
  await ui.click("Delete");
  assert.equal(await ui.item("Yes"), null, "a disabled Delete opened the confirmation");
  await ui.screenshot("orgs-delete-refused");

  // The empty one: the seed's confirmation, then gone here and on the server.
  await ui.click("Marketing Département");
  await ui.waitForState("s.console.orgs.selected === 'Marketing Département' && s.console.orgs.delete_refusal === ''");
  await ui.click("Delete");
  await ui.waitForItem("Yes");
  assert.equal((await consoleState()).orgs.confirming, "Are you sure to delete the selected item/s?");
  await ui.screenshot("orgs-delete-confirm");
  await ui.click("Yes");
  await ui.waitForState("s.pending === 0 && /deleted/.test(s.console.orgs.feedback.notice)");
  assert.equal(await ui.item("Marketing Département"), null);
  const after = (await api("GET", "/api/orgs")).json;
  assert.equal(after.orgs.some((o) => o.name === "Marketing Département"), false);
  assert.equal(after.orgs.some((o) => o.name === "Sales"), true);
  assert.equal(ui.errors.length, 0, ui.errors.join("\n"));
});

test("numbers: a CSV import with a per-row report, then an allocation moves the counts", async () => {
  await ui.click("Numbers");
  await ui.waitForItem("Import numbers");
  const lines = ["number,tag"];
  for (let i = 0; i < 20; ++i) lines.push(`+39 06 5550 ${String(1000 + i)},`);
  lines.push("12,");  // too short: refused with its line
  const file = tempFile("numbers.csv", lines.join("\r\n") + "\r\n");
  const [chooser] = await Promise.all([ui.page.waitForEvent("filechooser"), ui.click("Import numbers")]);
  await chooser.setFiles(file);
  await ui.waitForState("/20 numbers imported, 1 row refused/.test(s.console.numbers.feedback.notice)");
  await ui.waitForState("s.pending === 0 && s.console.numbers.rows === 20");
  let u = (await consoleState()).numbers.utilization;
  assert.equal(u.total, 20);
  assert.equal(u.available, 20);
  assert.equal(u.allocated_to_suborgs, 0);

  const orgs = (await api("GET", "/api/orgs")).json;
  const north = (await api("POST", "/api/orgs", { parent: orgs.root, name: "Branch North" })).json.result.org;
  await ui.click("Allocate");
  await ui.waitForItem("Allocate numbers");
  await choose(ui, "##allocate_to", "Branch North##to");
  await ui.replace("How many", "5");
  await ui.click("Allocate numbers");
  await ui.waitForState("/5 numbers allocated to Branch North/.test(s.console.numbers.feedback.notice) && s.pending === 0");
  u = (await consoleState()).numbers.utilization;
  assert.equal(u.total, 20);
  assert.equal(u.available, 15);
  assert.equal(u.allocated_to_suborgs, 5);
  const server_counts = (await api("GET", "/api/orgs")).json.counts[String(north)];
  assert.equal(server_counts.available, 5);
  assert.equal(server_counts.numbers, 5);
  await ui.screenshot("numbers-allocated");

  // More than the pool holds: the button stays disabled with the reason under it.
  await ui.click("Allocate");
  await choose(ui, "##allocate_to", "Branch North##to");
  await ui.replace("How many", "100");
  await ui.click("Allocate numbers");
  await ui.frames(3);
  u = (await consoleState()).numbers.utilization;
  assert.equal(u.available, 15, "a refused allocation changed the counts");
  await ui.screenshot("numbers-allocate-refused");
  await ui.click("Cancel##allocate");
});

test("an administrator invited with a limited role sees only their organization", async () => {
  const orgs = (await api("GET", "/api/orgs")).json;
  assert.equal((await api("POST", "/api/orgs", { parent: orgs.root, name: "East Team" })).status, 201);
  assert.equal((await api("POST", "/api/orgs", { parent: orgs.root, name: "West Team" })).status, 201);
  await ui.click("Administrators");
  await ui.waitForItem("Invite Administrator");

  await ui.click("Create Role");
  await ui.fill("Role name", "Accounts clerk");
  await ui.click("Accounts##priv");
  await ui.click("Save role");
  await ui.waitForState("/Accounts clerk/.test(s.console.people.roles.notice) && s.pending === 0");

  await ui.click("Invite Administrator");
  await ui.fill("First Name##admin", "Éric");
  await ui.fill("Last Name##admin", "Østergaard");
  await ui.fill("Email##admin", "eric@example.com");
  await ui.waitForState("s.console.people.invite.error === ''");
  await choose(ui, "##admin_org", "East Team##pick");
  await choose(ui, "##admin_role", "Accounts clerk");
  await ui.screenshot("admins-invite");
  await ui.click("Send invitation##admin");
  await ui.waitForState("/eric@example.com/.test(s.console.people.admins.notice) && s.pending === 0");
  await ui.waitForItem("Edit##admin_eric@example.com");  // the new row, with its actions
  const invited = (await api("GET", "/api/admins")).json;
  assert.match(JSON.stringify(invited), /eric@example.com/);

  // The invitation's link sets a password. The API shows mail with its links hidden; the
  // link itself is read from the server's database, as the recipient's mailbox would have it.
  const [mail] = await outboxTo(api, "eric@example.com");
  assert.ok(mail, "no invitation in the outbox");
  assert.equal(mail.kind, "admin_invitation");
  const body = sqlite(server.db, "SELECT body FROM outbox WHERE to_address = 'eric@example.com'");
  const link = body.match(/\/admin-activate\/[A-Za-z0-9_-]{20,64}/);
  assert.ok(link, body);
  const path = link[0];
  const password = "Clerk password 2026";
  const set = await fetch(new URL(path, server.url), {
    method: "POST", headers: { "Content-Type": "application/x-www-form-urlencoded" },
    body: new URLSearchParams({ password, confirm: password }).toString(),
  });
  assert.equal(set.status, 200, await set.text());

  // Signed in elsewhere: East Team only, and only the screens of the role.
  const clerk = await openConsole(browser, server.url);
  await clerk.signIn("eric@example.com", password);
  await clerk.waitForItem("East Team###org_picker");
  await clerk.waitForState("s.screen === 'main' && s.version > 0 && s.console.tab === 'Dashboard'");
  const seen = (await clerk.state()).console;
  assert.deepEqual(seen.visible_orgs, ["East Team"]);
  assert.equal(await clerk.item("Numbers"), null);
  assert.equal(await clerk.item("Administrators"), null);
  await clerk.click("East Team###org_picker");
  await clerk.waitForItem("Apply");
  assert.ok(await clerk.item("East Team"), "the navigator lists their organization");
  assert.equal(await clerk.item("West Team"), null);
  assert.equal(await clerk.item(orgName), null);
  await clerk.screenshot("admins-limited-role-view");
  const theirs = await apiCall(server.url, await apiToken(server.url, "eric@example.com", password), "GET", "/api/orgs");
  assert.deepEqual(theirs.json.orgs.map((o) => o.name), ["East Team"]);
  assert.equal(clerk.errors.length, 0, clerk.errors.join("\n"));
  await clerk.page.context().close();
});

test("the profile: a wrong phone is named, a photo shows as an image, the edit saves; Logout", async () => {
  await ui.click("###profile_menu");
  await ui.click("Profile");
  await ui.waitForState("s.console.profile.open");
  await ui.waitForItem("Save##profile");
  await ui.replace("Phone", "not a phone");
  await ui.click("Save##profile");
  await ui.waitForState("s.console.profile.feedback.field === 'phone'");
  await ui.screenshot("profile-error");

  await ui.replace("Phone", "+39 06 1234 5678");
  await ui.replace("Time Zone", "Europe/Rome");
  await ui.replace("Address", "Via Roma 1, Milano");
  const photo = tempFile("me.png", await ui.page.screenshot({ clip: { x: 0, y: 0, width: 300, height: 200 } }));
  const [chooser] = await Promise.all([ui.page.waitForEvent("filechooser"), ui.click("Upload photo")]);
  await chooser.setFiles(photo);
  await ui.waitForState("s.console.profile.photo_bytes > 1000");
  await ui.waitForItem("Remove photo");
  await ui.click("Save##profile");
  await ui.waitForState("s.pending === 0 && s.console.profile.feedback.notice === 'Profile saved.'");
  await ui.frames(5);  // the photo's texture is decoded by the browser
  await ui.screenshot("profile-saved");
  const profile = (await api("GET", "/api/profile")).json;
  const me = profile.admin || profile;
  assert.equal(me.phone, "+390612345678");
  assert.equal(me.time_zone, "Europe/Rome");
  assert.equal(me.address, "Via Roma 1, Milano");
  assert.match(me.photo, /^data:image\/jpeg;base64,/);

  await ui.click("Logout##profile");
  await ui.waitForState("s.screen === 'login'");
  assert.equal(ui.errors.length, 0, ui.errors.join("\n"));
});

test("keyboard: Tab moves between the fields of a dialog and Enter creates", async () => {
  await ui.replace("Email", admin.email);  // signed out above: the form keeps the address
  await ui.fill("Password", admin.password);
  await ui.click("Sign in");
  await ui.waitForState("s.screen === 'main' && s.online");
  await ui.click("Organizations");
  await ui.click("Create New Sub-Organization");
  await ui.fill("Sub-organization name", "Keyboard Team");
  await ui.press("Tab");
  await ui.waitForState("s.active === 'Description'");
  await ui.page.keyboard.type("Made without the mouse");
  await ui.press("Shift+Tab");
  await ui.waitForState("s.active === 'Sub-organization name'");
  await ui.press("Enter");
  await ui.waitForState("s.pending === 0 && /Keyboard Team/.test(s.console.orgs.feedback.notice)");
  const made = (await api("GET", "/api/orgs")).json.orgs.find((o) => o.name === "Keyboard Team");
  assert.equal(made?.description, "Made without the mouse");
});

test("settings: the invitation template and threshold are saved, a bad threshold is named; the activity report lists and downloads them", async () => {
  await ui.click("Settings");
  await ui.replace("Subject", "Your {organization} line, {name}");
  await ui.click("Save template");
  await ui.waitForState("s.pending === 0 && /Invitation template saved/.test(s.console.settings.template.notice)");
  await ui.replace("Threshold (%)", "0");
  await ui.click("Save threshold");
  await ui.waitForState("s.console.settings.threshold.error !== ''");
  assert.match((await consoleState()).settings.threshold.error, /1.*100/);
  await ui.replace("Threshold (%)", "60");
  await ui.click("Save threshold");
  await ui.waitForState("s.pending === 0 && /60 %/.test(s.console.settings.threshold.notice)");
  await ui.screenshot("settings-saved");
  const orgs = (await api("GET", "/api/orgs")).json;
  const policies = JSON.stringify((await api("GET", `/api/orgs/${orgs.root}/policies`)).json);
  assert.match(policies, /Your \{organization\} line, \{name\}/);
  assert.match(policies, /"utilization_threshold"[^}]*60/);

  await ui.click("Reports");
  await ui.click("Admin Activity Report");
  await ui.waitForState("s.console.activity.entries > 5");
  await ui.fill("##activity_action", "set_policy");
  await ui.fill("##activity_text", "utilization_threshold");
  await ui.click("Search##activity");
  await ui.waitForState("s.console.activity.entries === 1 && s.console.activity.total === 1");
  await ui.screenshot("reports-activity");
  const file = await downloadFrom(ui.page, () => ui.click("Download CSV##activity"));
  assert.equal(file.name, "admin-activity.csv");
  assert.match(file.text, /utilization_threshold/);
  assert.doesNotMatch(file.text, /invitation_subject/);
  // A date the report cannot read is named where the administrator typed it.
  await ui.fill("##activity_from", "2026-13-01");
  await ui.click("Search##activity");
  await ui.waitForState("s.console.activity.feedback.field === 'from'");
  assert.equal(ui.errors.length, 0, ui.errors.join("\n"));
});

test("dashboard: the cycle's figures match the API, the dropdown switches the graph, the pie opens the Detailed Report, the threshold is managed", async () => {
  const orgs = (await api("GET", "/api/orgs")).json;
  const added = await api("POST", "/api/accounts", { org: orgs.root, fields: { account_id: "uma@example.com", first_name: "Uma", last_name: "User", invite_address: "uma@example.com" } });
  assert.equal(added.status, 201, added.text);
  const account = added.json.result.account;
  const now = Date.now();
  const ingest = await api("POST", "/api/usage", [
    { record_id: "b-1", account, kind: "voice", at_ms: now - 60000, quantity: 600, billable: true },
    { record_id: "b-2", account, kind: "message", at_ms: now - 60000, quantity: 12, billable: true },
    { record_id: "b-3", account, kind: "data", at_ms: now - 60000, quantity: 5000000, billable: true },
  ]);
  assert.equal(ingest.status, 200, ingest.text);

  await ui.click("Dashboard");
  await ui.waitForState("s.console.dashboard.loaded && s.console.dashboard.figures.current_usage.voice_seconds === 600", 30000);
  const shown = (await consoleState()).dashboard.figures;
  const served = (await api("GET", `/api/reports/dashboard?org=${orgs.root}`)).json;
  for (const key of ["new_users", "active_users", "current_usage", "past_usage", "per_day", "current", "past"]) {
    assert.deepEqual(shown[key], served[key], key);
  }
  assert.equal((await consoleState()).dashboard.heading, "Voice Usage for The Current Cycle");
  await ui.screenshot("dashboard-voice");
  await choose(ui, "##usage_kind", "Message");
  await ui.waitForState("s.console.dashboard.heading === 'Message Usage for The Current Cycle'");
  await ui.screenshot("dashboard-message");

  await ui.click("Number Utilization##pie");
  await ui.waitForState("s.console.dashboard.detail_open");
  await ui.screenshot("dashboard-detailed-report");
  await ui.click("Close##detail");

  await ui.click("Edit##threshold");
  await ui.replace("Utilization Threshold (%)", "101");
  await ui.click("Save##threshold");
  await ui.waitForState("/between 1% and 100%/.test(s.console.dashboard.threshold)");
  await ui.replace("Utilization Threshold (%)", "70");
  await ui.click("Save##threshold");
  await ui.waitForState("s.pending === 0 && /set to 70/.test(s.console.dashboard.threshold)");
  assert.equal((await api("GET", `/api/reports/dashboard?org=${orgs.root}`)).json.threshold, 70);
  assert.equal(ui.errors.length, 0, ui.errors.join("\n"));
});
