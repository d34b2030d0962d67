// Walking skeleton in a real browser: sign in through the ImGui console and see the
// organization name that the server read from SQLite; Unicode, resizes, devicePixelRatio and
// the wheel behave.
import { test, before, after } from "node:test";
import assert from "node:assert/strict";
import { startServer, launchBrowser, openConsole, sqlite, admin, orgName } from "./harness.mjs";

let server;
let browser;

before(async () => {
  // Sixty departments make the organization list long enough to scroll.
  server = await startServer({
    prepare: (db) => {
      const root = sqlite(db, "SELECT id FROM organizations WHERE parent_id IS NULL").trim();
      const values = [];
      for (let i = 1; i <= 60; i++) {
        values.push(`(${1000 + i}, ${root}, 'Département ${String(i).padStart(2, "0")}', '', 0)`);
      }
      sqlite(db, `INSERT INTO organizations(id, parent_id, name, description, created_ms) VALUES ${values.join(",")}`);
    },
  });
  browser = await launchBrowser();
});

after(async () => {
  await browser?.close();
  await server?.dispose();
});

test("an administrator signs in and the header shows the organization from the server", async () => {
  const ui = await openConsole(browser, server.url);
  await ui.screenshot("login");
  assert.equal((await ui.state()).screen, "login");

  await ui.signIn(admin.email, admin.password);
  const picker = await ui.waitForItem(`${orgName}###org_picker`);
  assert.equal(picker.text, orgName, "the header names the organization read from SQLite");
  assert.equal((await ui.state()).screen, "main");
  assert.ok(await ui.page.evaluate((s) => window.linedesk.hasGlyphs(s), orgName),
            "every character of the name has a glyph in the embedded font");
  assert.ok(await ui.page.evaluate(() => window.linedesk.hasGlyphs("Zoë Müller — Ελλάδα, Київ, €")));
  await ui.screenshot("signed-in");
  assert.deepEqual(ui.errors, []);
  await ui.page.context().close();
});

test("a wrong password keeps the login screen and signs nobody in", async () => {
  const ui = await openConsole(browser, server.url);
  await ui.signIn(admin.email, "not the password");
  await ui.frames(10);
  assert.equal((await ui.state()).screen, "login");
  assert.equal(await ui.item(`${orgName}###org_picker`), null);
  await ui.screenshot("login-refused");
  await ui.page.context().close();
});

test("the canvas fills the window and follows resizes and devicePixelRatio", async () => {
  for (const dpr of [1, 2]) {
    const ui = await openConsole(browser, server.url, { deviceScaleFactor: dpr });
    const check = async (w, h) => {
      await ui.page.setViewportSize({ width: w, height: h });
      await ui.waitFor(([ew, eh]) => {
        const c = document.getElementById("canvas");
        return c.width === ew && c.height === eh;
      }, [w * dpr, h * dpr]);
      await ui.frames(2);
      const st = await ui.state();
      assert.equal(st.dpr, dpr);
      assert.equal(st.display_w, w * dpr);
      assert.equal(st.display_h, h * dpr);
      const css = await ui.page.evaluate(() => {
        const r = document.getElementById("canvas").getBoundingClientRect();
        return [r.width, r.height];
      });
      assert.deepEqual(css, [w, h]);
    };
    await check(1200, 760);
    await check(820, 560);
    // Widgets stay clickable by label at this ratio: sign in for real.
    await ui.signIn();
    await ui.waitForItem(`${orgName}###org_picker`);
    await ui.screenshot(`signed-in-dpr${dpr}`);
    await ui.page.context().close();
  }
});

test("the mouse wheel scrolls a long list by about what the browser would", async () => {
  for (const dpr of [1, 2]) {
    const ui = await openConsole(browser, server.url, { deviceScaleFactor: dpr });
    await ui.signIn();
    await ui.click("Organizations");
    const first = await ui.waitForItem("Département 01");
    // Chromium's device-scale emulation reports deltas in its own unit; measure what the
    // page received and expect a browser-like distance: about one CSS pixel per delta pixel.
    await ui.page.evaluate(() => {
      window.wheelTotal = 0;
      document.getElementById("canvas").addEventListener("wheel", (e) => {
        window.wheelTotal += e.deltaMode === 0 ? e.deltaY : e.deltaY * 33;
      });
    });
    await ui.page.mouse.move(first.x + 40, first.y + 100);
    await ui.page.mouse.wheel(0, 300);  // three notches down
    await ui.frames(3);
    const delta = await ui.page.evaluate(() => window.wheelTotal);
    const moved = first.y - (await ui.items()).find((i) => i.text === "Département 01").y;
    const ratio = moved / delta;
    assert.ok(ratio > 0.5 && ratio < 1.5,
              `a wheel delta of ${delta} scrolled ${moved} CSS px at dpr ${dpr}`);
    await ui.page.mouse.wheel(0, -300);
    await ui.frames(3);
    const back = (await ui.items()).find((i) => i.text === "Département 01").y;
    assert.ok(Math.abs(back - first.y) < 1, "scrolling back up returns to the top");
    await ui.page.context().close();
  }
});
