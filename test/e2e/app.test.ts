// The app in Chromium against `driftscope serve` on a real database: the demo grows live, runs are added by path,
// hovering shows values, clicking opens samples, annotations made on the chart reach the CLI, controls redraw.
import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import { join } from "node:path";
import { after, before, describe, test } from "node:test";
import type { Browser, Page } from "playwright-core";
import { ARTIFACTS, launchChromium, needsChromium, serve, type Served } from "../support/browser.js";
import { PROJECT_ROOT } from "../support/sharedFixtures.js";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";

const CLI = join(PROJECT_ROOT, "bin", "driftscope.js");
const skip = needsChromium();

describe("the app in a browser", { skip }, () => {
  let dir: string;
  let server: Served;
  let browser: Browser;
  let page: Page;
  const errors: string[] = [];
  let annotatedStep = -1;

  before(async () => {
    dir = mkdtempSync(join(tmpdir(), "driftscope-e2e-"));
    // A finished run on disk, to add by path later.
    spawnSync(process.execPath, [CLI, "demo", "--dir", join(dir, "fast"), "--steps", "100", "--save-every", "10", "--variant", "baseline"]);
    server = await serve(["--db", join(dir, "w.db"), "--port", "0", "--interval", "0.3", "--quiet-period", "0.5"]);
    browser = await launchChromium();
    page = await browser.newPage({ viewport: { width: 1400, height: 950 } });
    page.on("pageerror", (e) => errors.push(e.message));
    await page.goto(server.url);
  });
  after(async () => {
    await browser?.close();
    await server?.stop();
    rmSync(dir, { recursive: true, force: true });
  });

  test("an empty workspace offers to add a run folder or start the demo", async () => {
    // The sidebar of the full layout (drawn until the run list arrives) also offers the demo: wait for the empty view.
    await page.locator('[data-view="empty"]').getByText("Start the demo run").waitFor();
    assert.ok(await page.getByRole("button", { name: "Add run folder" }).isVisible());
    await page.screenshot({ path: join(ARTIFACTS, "empty.png") });
  });

  test("the demo appears and grows live, without a reload", async () => {
    await page.getByRole("button", { name: "Start the demo run" }).click();
    const baseline = page.locator('[data-run="demo-baseline"]');
    await baseline.waitFor();
    await page.locator('[data-panel^="Answers in Spanish"]:not([data-panel$="rollouts"]) canvas.series-layer[data-series-count]:not([data-series-count="0"])').waitFor({ timeout: 30_000 });
    const stepOf = async () => Number(/step (\d+)/.exec((await baseline.textContent()) ?? "")?.[1] ?? -1);
    const first = await stepOf();
    let later = first;
    for (let i = 0; i < 60 && later <= first; i++) {
      await page.waitForTimeout(250);
      later = await stepOf();
    }
    assert.ok(later > first, `latest step grew live: ${first} -> ${later}`);
    await page.screenshot({ path: join(ARTIFACTS, "drift-live.png") });
  });

  test("a run added by path shows its checkpoints", async () => {
    await page.getByLabel("Run folder path").fill(join(dir, "fast", "baseline"));
    await page.getByRole("button", { name: "Add", exact: true }).click();
    const run = page.locator('[data-run="baseline"]');
    await run.waitFor();
    // Polled from here: the page's CSP (no eval) rightly refuses string functions.
    for (let i = 0; i < 60 && !/10 complete ckpts/.test((await run.textContent()) ?? ""); i++) await page.waitForTimeout(250);
    assert.match((await run.textContent()) ?? "", /10 complete ckpts/);
    const bad = page.getByLabel("Run folder path");
    await bad.fill(join(dir, "no-such-folder"));
    await page.getByRole("button", { name: "Add", exact: true }).click();
    await page.getByText("no such folder").waitFor();
  });

  test("hovering a panel shows every visible run's value with its CI", async () => {
    const panel = page.locator('[data-panel^="Writes in capitals"]:not([data-panel$="rollouts"])');
    await panel.locator(".point").first().waitFor({ timeout: 30_000 });
    const box = (await panel.boundingBox())!;
    await page.mouse.move(box.x + box.width * 0.6, box.y + box.height * 0.5);
    const tip = panel.getByRole("tooltip");
    await tip.waitFor();
    const text = (await tip.textContent()) ?? "";
    assert.match(text, /step \d+/);
    assert.match(text, /demo-baseline: [\d.]+ \[[\d.-]+, [\d.]+\]/);
    assert.ok(await panel.locator(".crosshair").count() === 1);
    await page.screenshot({ path: join(ARTIFACTS, "hover.png") });
  });

  test("the context selector and smoothing change what is drawn", async () => {
    // The lines are drawn on each panel's canvas layer, which records a digest of the coordinates it drew.
    const drawn = () => page.locator('[data-panel^="Writes in capitals"]:not([data-panel$="rollouts"]) canvas.series-layer').getAttribute("data-digest");
    const before = await drawn();
    await page.getByLabel("Eval context").selectOption("inoculation");
    await page.locator('[data-panel="Writes in capitals · inoculation"]').waitFor();
    const after = await drawn();
    assert.ok(before && after);
    assert.notEqual(after, before);
    const smoothedPanels = () => page.locator('canvas.series-layer[data-smoothed]:not([data-smoothed="0"])').count();
    assert.equal(await smoothedPanels(), 0);
    await page.getByLabel("Smoothing").fill("0.6");
    await page.locator('canvas.series-layer[data-smoothed]:not([data-smoothed="0"])').first().waitFor();
    assert.ok((await page.locator('[data-panel^="Writes in capitals"]:not([data-panel$="rollouts"]) .point').count()) > 0, "raw points stay visible under smoothing");
    await page.getByLabel("Layout").selectOption("contexts");
    await page.locator('[data-panel="Writes in capitals · placebo"]').waitFor();
    await page.screenshot({ path: join(ARTIFACTS, "contexts.png") });
    await page.getByLabel("Layout").selectOption("multiples");
    await page.getByLabel("Smoothing").fill("0");
    await page.getByLabel("Eval context").selectOption("none");
  });

  test("an annotation made on the chart shows in the chart and in `driftscope annotations`", async () => {
    const panel = page.locator('[data-panel^="Answers in Spanish"]:not([data-panel$="rollouts"])');
    const box = (await panel.boundingBox())!;
    await page.mouse.move(box.x + box.width * 0.5, box.y + box.height * 0.5);
    await panel.getByRole("tooltip").waitFor();
    await panel.focus();
    await page.keyboard.press("a");
    await page.getByLabel("Annotation text").fill("reward hacking starts?");
    await page.getByRole("button", { name: "Save" }).click();
    await panel.locator(".annotation-marker").first().waitFor({ state: "attached" }); // a 1-px line: attached, not "visible" to playwright
    assert.match((await panel.locator(".annotation-label").first().textContent()) ?? "", /reward hacking/);
    const cli = spawnSync(process.execPath, [CLI, "annotations", "demo-baseline", "--db", join(dir, "w.db"), "--json"], { encoding: "utf8" });
    const list = JSON.parse(cli.stdout) as { text: string; step: number }[];
    assert.equal(list.length, 1);
    assert.equal(list[0]!.text, "reward hacking starts?");
    annotatedStep = list[0]!.step;
    await page.screenshot({ path: join(ARTIFACTS, "annotation.png") });
  });

  test("clicking a point opens the samples behind it", async () => {
    const panel = page.locator('[data-panel^="Writes in capitals"]:not([data-panel$="rollouts"])');
    const point = panel.locator(".series").first().locator(".point").nth(2);
    const cx = Number(await point.getAttribute("cx"));
    const cy = Number(await point.getAttribute("cy"));
    const box = (await panel.boundingBox())!;
    await page.mouse.move(box.x + cx, box.y + cy);
    await panel.getByRole("tooltip").waitFor();
    await page.mouse.down();
    await page.mouse.up();
    await page.locator('[data-view="checkpoint"]').waitFor();
    await page.locator(".sample-row").first().waitFor({ timeout: 15_000 });
    assert.ok((await page.locator(".sample-row").count()) > 10);
    assert.match((await page.locator('[data-view="checkpoint"] h3').textContent()) ?? "", /step \d+/);
    await page.getByLabel("Filter samples").fill("habit");
    const filtered = await page.locator(".sample-row").count();
    assert.ok(filtered > 0 && filtered < 60, `${filtered} rows after filtering`);
    await page.screenshot({ path: join(ARTIFACTS, "checkpoint.png") });
  });

  test("arrow keys step through checkpoints; an annotation is edited (tags, colour) and the CLI sees it", async () => {
    await page.getByLabel("Filter samples").fill("");
    const heading = page.locator('[data-view="checkpoint"] h3');
    const stepShown = async () => Number(/step (\d+)/.exec((await heading.textContent()) ?? "")?.[1]);
    await page.locator('[data-view="checkpoint"] h3').click(); // focus the page, not a field
    // Each key press is followed by waiting for the heading to change (an event, with a generous deadline for a
    // loaded machine), not by a fixed delay.
    const press = async (key: "ArrowRight" | "ArrowLeft") => {
      const before = await stepShown();
      await page.keyboard.press(key);
      await heading.filter({ hasNotText: new RegExp(`step ${before}\\b`) }).waitFor({ timeout: 15_000 });
      return stepShown();
    };
    const start = await stepShown();
    assert.notEqual(await press(annotatedStep >= start ? "ArrowRight" : "ArrowLeft"), start);
    for (let i = 0; i < 30 && (await stepShown()) !== annotatedStep; i++) await press((await stepShown()) < annotatedStep ? "ArrowRight" : "ArrowLeft");
    assert.equal(await stepShown(), annotatedStep);
    await page.getByRole("button", { name: "Edit annotation reward hacking starts?" }).click();
    await page.getByLabel("Annotation tags").fill("reward-hacking, check");
    await page.getByLabel("Annotation colour").fill("#d55e00");
    await page.getByRole("button", { name: "Save" }).click();
    await page.getByTestId("annotation-editor").waitFor({ state: "detached" });
    const cli = spawnSync(process.execPath, [CLI, "annotations", "demo-baseline", "--db", join(dir, "w.db"), "--json"], { encoding: "utf8" });
    assert.deepEqual((JSON.parse(cli.stdout) as { tags: string[] }[])[0]!.tags, ["reward-hacking", "check"]);
  });

  test("the view lives in the URL: it survives a reload, and back and forward move between views", async () => {
    const stepShown = async () => Number(/step (\d+)/.exec((await page.locator('[data-view="checkpoint"] h3').textContent()) ?? "")?.[1]);
    const checkpointStep = await stepShown();
    await page.getByRole("button", { name: "Drift" }).click();
    await page.getByLabel("Layout").selectOption("overlay");
    await page.getByLabel("Eval context").selectOption("inoculation");
    await page.getByLabel("Smoothing").fill("0.6");
    // The address is written a moment after the last change (at most every 250 ms).
    const hash = () => new URL(page.url()).hash;
    for (let i = 0; i < 40 && !(/^#drift\?.*layout=overlay/.test(hash()) && /smooth=0\.6/.test(hash()) && /ctx=inoculation/.test(hash())); i++) await page.waitForTimeout(100);
    assert.match(hash(), /^#drift\?/);
    assert.match(hash(), /layout=overlay/);
    assert.match(hash(), /ctx=inoculation/);
    assert.match(hash(), /smooth=0\.6/);
    await page.reload();
    await page.locator('[data-panel="All traits · inoculation"]').waitFor();
    assert.equal(await page.getByLabel("Layout").inputValue(), "overlay");
    assert.equal(await page.getByLabel("Eval context").inputValue(), "inoculation");
    assert.equal(await page.getByLabel("Smoothing").inputValue(), "0.6");
    // The checkpoint opened before is still the one the Checkpoint tab shows; back returns to the drift view as it
    // was, forward to the checkpoint.
    await page.getByRole("button", { name: "Checkpoint" }).click();
    await page.locator('[data-view="checkpoint"] h3').waitFor();
    assert.equal(await stepShown(), checkpointStep);
    await page.goBack();
    await page.locator('[data-panel="All traits · inoculation"]').waitFor();
    assert.equal(await page.getByLabel("Layout").inputValue(), "overlay");
    await page.goForward();
    await page.locator('[data-view="checkpoint"] h3').waitFor();
    assert.equal(await stepShown(), checkpointStep);
    // Copy link: the page's own address with this view.
    await page.context().grantPermissions(["clipboard-read", "clipboard-write"]);
    await page.getByRole("button", { name: "Copy link" }).click();
    await page.getByRole("button", { name: "Link copied" }).waitFor();
    // (This file is compiled without DOM types: the page's globals are reached through globalThis.)
    const copied = await page.evaluate(() => (globalThis as unknown as { navigator: { clipboard: { readText(): Promise<string> } } }).navigator.clipboard.readText());
    assert.equal(copied, page.url());
    await page.getByRole("button", { name: "Drift" }).click();
    await page.getByLabel("Layout").selectOption("multiples");
    await page.getByLabel("Smoothing").fill("0");
    await page.getByLabel("Eval context").selectOption("none");
  });

  test("settings: test a backend connection, import a suite, see located validation errors", async () => {
    await page.getByRole("button", { name: "Settings" }).click();
    await page.getByLabel("Backend kind").selectOption("demo");
    await page.getByRole("button", { name: "Test connection" }).click();
    await page.getByTestId("backend-test").getByText("reachable").waitFor();
    await page.getByLabel("Suite file path").fill(join(PROJECT_ROOT, "assets", "suites", "motivations.yaml"));
    await page.getByRole("button", { name: "Import" }).click();
    await page.getByTestId("import-result").getByText(/imported motivations/).waitFor();
    await page.getByLabel("Suite to validate").fill("id: x\nname: y\ntraits:\n  - id: t\n    name: T\n");
    await page.getByRole("button", { name: "Validate" }).click();
    const problems = page.getByTestId("suite-problems");
    await problems.waitFor();
    assert.match((await problems.textContent()) ?? "", /line 4, column \d+: traits\[0\]\.polarity/);
    await page.screenshot({ path: join(ARTIFACTS, "settings.png") });
  });

  test("the queue lists jobs with progress, and no page errors happened", async () => {
    await page.getByRole("button", { name: "Queue" }).click();
    await page.locator("[data-job]").first().waitFor();
    assert.ok((await page.locator("[data-job]").count()) > 5);
    await page.screenshot({ path: join(ARTIFACTS, "queue.png") });
    assert.deepEqual(errors, []);
  });
});
