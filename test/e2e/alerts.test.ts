// Alerts in the app (Chromium against `driftscope serve`): a rule made in the Alerts view fires live, the banner
// appears without a reload, browser notifications are asked for on a click (never on load) and shown once allowed.
import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, before, describe, test } from "node:test";
import type { Browser } from "playwright-core";
import { ARTIFACTS, launchChromium, needsChromium, serve, type Served } from "../support/browser.js";
import { PROJECT_ROOT } from "../support/sharedFixtures.js";

const CLI = join(PROJECT_ROOT, "bin", "driftscope.js");

// A stand-in for the browser's Notification: records what is shown and when permission is asked for, so the test
// can tell "asked on a click" from "asked on load".
const FAKE_NOTIFICATION = `
  window.__notifications = [];
  window.__permissionAsked = 0;
  class FakeNotification {
    static permission = "default";
    static async requestPermission() { window.__permissionAsked++; FakeNotification.permission = "granted"; return "granted"; }
    constructor(title, options) { window.__notifications.push({ title, body: options && options.body }); }
  }
  Object.defineProperty(window, "Notification", { value: FakeNotification, configurable: true, writable: true });
`;

describe("alerts in the app", { skip: needsChromium() }, () => {
  let dir: string;
  let server: Served;
  let browser: Browser;

  before(async () => {
    dir = mkdtempSync(join(tmpdir(), "driftscope-e2e-alerts-"));
    spawnSync(process.execPath, [CLI, "demo", "--dir", join(dir, "d"), "--steps", "100", "--save-every", "10", "--variant", "baseline"]);
    const db = join(dir, "w.db");
    const w = spawnSync(process.execPath, [CLI, "watch", join(dir, "d", "baseline"), "--once", "--quiet-period", "0", "--db", db]);
    assert.equal(w.status, 0, String(w.stderr));
    server = await serve(["--db", db, "--port", "0", "--interval", "0.3", "--quiet-period", "0.5"]);
    browser = await launchChromium();
  });
  after(async () => {
    await browser?.close();
    await server?.stop();
    rmSync(dir, { recursive: true, force: true });
  });

  test("a rule made in the Alerts view fires live: banner, entry, annotation and a notification asked for on a click", async () => {
    const context = await browser.newContext({ viewport: { width: 1440, height: 900 } });
    await context.addInitScript(FAKE_NOTIFICATION);
    const page = await context.newPage();
    const errors: string[] = [];
    page.on("pageerror", (e) => errors.push(e.message));
    await page.goto(server.url);
    await page.getByRole("button", { name: "Alerts" }).click();
    await page.getByRole("button", { name: "Turn on browser notifications" }).waitFor();
    assert.equal(await page.evaluate(() => (globalThis as unknown as { __permissionAsked: number }).__permissionAsked), 0, "not asked on load");
    await page.getByRole("button", { name: "Turn on browser notifications" }).click();
    await page.getByTestId("notifications-on").waitFor();
    assert.equal(await page.evaluate(() => (globalThis as unknown as { __permissionAsked: number }).__permissionAsked), 1, "asked once, on the click");

    await page.getByRole("button", { name: "New rule…" }).click();
    await page.screenshot({ path: join(ARTIFACTS, "alerts-form.png") });
    const form = page.getByRole("group", { name: "New alert rule" });
    await form.getByLabel("Alert on").selectOption({ label: "run baseline" });
    await form.getByLabel("when").selectOption("above");
    await form.getByLabel("Watch").selectOption({ label: "metric reward" });
    await form.getByLabel("Value").fill("0.5");
    await form.getByRole("button", { name: "Add rule" }).click();

    const banner = page.getByTestId("alert-banner");
    await banner.waitFor({ timeout: 15_000 });
    const text = await banner.innerText();
    assert.match(text, /run "baseline": reward above 0\.5: [\d.]+ at step \d+/);
    await page.getByRole("table", { name: "Fired alerts" }).getByText(/reward above 0\.5/).first().waitFor();
    await page.getByRole("table", { name: "Alert rules" }).getByText("run baseline: reward above 0.5").waitFor();
    const shown = await page.evaluate(() => (globalThis as unknown as { __notifications: { title: string; body: string }[] }).__notifications);
    assert.ok(shown.length >= 1 && shown.every((n) => n.title === "Driftscope alert"), JSON.stringify(shown));
    assert.match(shown[0]!.body, /reward above 0\.5/);
    await page.screenshot({ path: join(ARTIFACTS, "alerts.png") });

    // The firing is on the CLI's side of the workspace too, annotated at its step.
    const fired = JSON.parse(String(spawnSync(process.execPath, [CLI, "alerts", "fired", "--json", "--db", join(dir, "w.db")]).stdout)) as { step: number; metric: string }[];
    assert.ok(fired.length >= 1 && fired.every((f) => f.metric === "reward"));
    const annotations = JSON.parse(String(spawnSync(process.execPath, [CLI, "annotations", "baseline", "--json", "--db", join(dir, "w.db")]).stdout)) as { step: number; tags: string[] }[];
    assert.deepEqual(annotations.filter((a) => a.tags.includes("alert")).map((a) => a.step), fired.map((f) => f.step));
    assert.deepEqual(errors, []);
    await context.close();
  });

  test("with the permission granted to the page, the Alerts view says notifications are on", async () => {
    const context = await browser.newContext();
    await context.grantPermissions(["notifications"], { origin: server.origin });
    const page = await context.newPage();
    await page.goto(server.url);
    await page.getByRole("button", { name: "Alerts" }).click();
    await page.getByTestId("notifications-on").waitFor();
    assert.equal(await page.evaluate(() => (globalThis as unknown as { Notification: { permission: string } }).Notification.permission), "granted");
    await context.close();
  });
});
