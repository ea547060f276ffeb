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
    // Not set to be probed, so its form opened by itself (to choose suites and a backend); left as it is here.
    const form = page.getByRole("form", { name: "Edit run baseline" });
    await form.waitFor();
    await form.getByRole("button", { name: "Cancel" }).click();
    await form.waitFor({ state: "detached" });
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
    // A row per trait: its contexts on one line, titled in full, on one y scale.
    const row = page.getByRole("region", { name: "Writes in capitals in each context" });
    await row.locator('[data-panel="placebo"]').waitFor();
    const panels = row.locator(".panel");
    const tops = new Set<number>();
    const yTicks = new Set<string>();
    for (let i = 0; i < (await panels.count()); i++) {
      tops.add(Math.round((await panels.nth(i).boundingBox())!.y));
      yTicks.add((await panels.nth(i).locator(".axis-y text").allTextContents()).join(","));
      const title = (await panels.nth(i).locator("svg > text").first().textContent()) ?? "";
      assert.ok(!title.endsWith("…"), `a context's title is not cut: ${title}`);
    }
    assert.ok((await panels.count()) >= 5, "every context of the trait");
    assert.equal(tops.size, 1, "one row");
    assert.equal(yTicks.size, 1, "one y scale across the row");
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
    // The form offers the run nearest the pointer; the annotation goes to the run chosen there.
    await page.getByLabel("Annotation run").selectOption({ label: "demo-baseline" });
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
    // The system prompt those samples were asked under (context "none" has none).
    await page.getByTestId("system-prompt").getByText(/context none \(neutral\)/).waitFor();
    await page.getByLabel("Filter samples").fill("habit");
    const filtered = await page.locator(".sample-row").count();
    assert.ok(filtered > 0 && filtered < 60, `${filtered} rows after filtering`);
    assert.match((await page.getByTestId("sample-count").textContent()) ?? "", new RegExp(`samples 1–${filtered} of ${filtered}`));
    // The same items of the other arm at the same step, side by side.
    const others = await page.getByLabel("Compare with run").locator("option").allTextContents();
    const arm = others.find((o) => o.startsWith("demo-") && !o.startsWith("demo-baseline"))!;
    await page.getByLabel("Compare with run").selectOption({ label: arm });
    await page.locator("th", { hasText: new RegExp(`^${arm.split(" ")[0]} at step \\d+`) }).waitFor();
    await page.getByLabel("Compare with run").selectOption({ label: "this run" });
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
    // Typed key by key: a comma typed mid-way stays (it was dropped at once, "caps, ood" saving as "capsood").
    await page.getByLabel("Annotation tags").fill("");
    await page.getByLabel("Annotation tags").pressSequentially("reward-hacking, check");
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
    await page.getByLabel("Eval context").locator("option", { hasText: /^inoculation$/ }).waitFor({ state: "attached" }); // the traits' contexts have arrived
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

  test("bugs that were: dark-theme contrast, the \"a\" key without tabbing, the hover box at the edge, text selected by a drag, metric clicks, wall-time ticks", async () => {
    await page.getByRole("button", { name: "Settings" }).click();
    await page.getByLabel("Dark theme").check();
    await page.getByRole("button", { name: "Drift" }).click();
    const panel = page.locator('[data-panel^="Writes in capitals"]:not([data-panel$="rollouts"])');
    await panel.locator("canvas.series-layer[data-series-count]").waitFor();
    // Every text of a panel at a contrast of at least 4.5:1 against the panel's own background, from computed styles
    // (a text's opacity blends its colour into the background first).
    const texts = await panel.evaluate((el) => {
      const g = globalThis as unknown as { getComputedStyle(e: unknown): { fill: string; opacity: string; backgroundColor: string } };
      const bg = g.getComputedStyle(el).backgroundColor;
      return Array.from((el as unknown as { querySelectorAll(s: string): ArrayLike<{ textContent: string | null; parentElement: unknown; closest(s: string): unknown }> }).querySelectorAll("svg text, svg tspan")).map((t) => {
        let opacity = 1;
        for (let n = t as unknown as { parentElement: unknown } | null; n && n !== el; n = n.parentElement as { parentElement: unknown } | null) opacity *= Number(g.getComputedStyle(n).opacity);
        return { text: t.textContent ?? "", fill: g.getComputedStyle(t).fill, opacity, bg };
      });
    });
    const rgb = (c: string) => (c.match(/[\d.]+/g) ?? []).slice(0, 3).map(Number) as [number, number, number];
    const lum = ([r, g, b]: number[]) => {
      const f = (v: number) => ((v /= 255) <= 0.03928 ? v / 12.92 : ((v + 0.055) / 1.055) ** 2.4);
      return 0.2126 * f(r!) + 0.7152 * f(g!) + 0.0722 * f(b!);
    };
    assert.ok(texts.length > 5);
    for (const t of texts) {
      const bg = rgb(t.bg);
      const shown = rgb(t.fill).map((v, i) => v * t.opacity + bg[i]! * (1 - t.opacity));
      const [hi, lo] = [lum(shown), lum(bg)].sort((a, b) => b - a) as [number, number];
      const contrast = (hi + 0.05) / (lo + 0.05);
      assert.ok(contrast >= 4.5, `"${t.text}" at ${contrast.toFixed(2)}:1 (${t.fill} x ${t.opacity} on ${t.bg})`);
    }
    await page.screenshot({ path: join(ARTIFACTS, "drift-dark.png") });
    await page.getByRole("button", { name: "Settings" }).click();
    await page.getByLabel("Dark theme").uncheck();
    await page.getByRole("button", { name: "Drift" }).click();

    // A legend names every run drawn, and trait panels come in the order of their roles, each with its role.
    const legend = page.getByRole("list", { name: "Legend" });
    assert.ok((await legend.getByText("demo-baseline").count()) > 0);
    await page.locator(".panels .role-badge").first().waitFor();
    const badges = await page.locator(".panels").first().locator(".role-badge").allTextContents();
    assert.deepEqual(badges.slice(0, 3), ["wanted", "unwanted, in-distribution", "unwanted, out-of-distribution"]);

    // "a" annotates where the pointer is, with no tabbing to the panel first.
    await page.locator("body").click({ position: { x: 2, y: 2 } });
    const box = (await panel.boundingBox())!;
    await page.mouse.move(box.x + box.width * 0.6, box.y + box.height * 0.5);
    await panel.getByRole("tooltip").waitFor();
    await page.keyboard.press("a");
    await page.getByLabel("Annotation text").waitFor();
    await page.getByRole("button", { name: "Cancel" }).click();
    // The hover box near the right edge stays inside the panel.
    await page.mouse.move(box.x + box.width - 8, box.y + box.height * 0.5);
    const tip = panel.getByRole("tooltip");
    await tip.waitFor();
    const tipBox = (await tip.boundingBox())!;
    assert.ok(tipBox.x + tipBox.width <= box.x + box.width + 1 && tipBox.x >= box.x - 1, "the hover box stays inside the panel");
    // A drag (a pan) selects no text.
    await page.mouse.move(box.x + box.width * 0.7, box.y + box.height * 0.6);
    await page.mouse.down();
    await page.mouse.move(box.x + box.width * 0.2, box.y + box.height * 0.9, { steps: 8 });
    await page.mouse.up();
    assert.equal(await page.evaluate(() => String((globalThis as unknown as { getSelection(): unknown }).getSelection())), "");
    await page.getByRole("button", { name: "Reset zoom" }).click();
    // A click on a training-metric panel opens a checkpoint that exists (the nearest one), not the metric's own step.
    const reward = page.locator('[data-panel="reward"]');
    await reward.locator("canvas.series-layer[data-series-count]").waitFor();
    await reward.scrollIntoViewIfNeeded();
    const rbox = (await reward.boundingBox())!;
    await page.mouse.move(rbox.x + rbox.width * 0.43, rbox.y + rbox.height * 0.5);
    await reward.getByRole("tooltip").waitFor();
    await page.mouse.down();
    await page.mouse.up();
    // The runs here save a checkpoint every 10 or 20 steps and log reward at every step: the view lands on a saved one.
    const heading = page.locator('[data-view="checkpoint"] h3');
    await heading.waitFor();
    let opened = NaN;
    for (let i = 0; i < 50 && !(opened % 10 === 0); i++) {
      opened = Number(/step (\d+)/.exec((await heading.textContent()) ?? "")?.[1]);
      if (opened % 10 !== 0) await page.waitForTimeout(100);
    }
    assert.equal(opened % 10, 0, `opened step ${opened}, which is no checkpoint`);
    await page.getByRole("button", { name: "Drift" }).click();
    // A fixed y range makes the trait panels comparable: 0 to 1 for shares.
    await page.getByLabel("y range").selectOption("0-1");
    for (let i = 0; i < 40 && (await panel.locator(".axis-y text").last().textContent()) !== "1"; i++) await page.waitForTimeout(100);
    assert.equal(await panel.locator(".axis-y text").last().textContent(), "1");
    assert.equal(await panel.locator(".axis-y text").first().textContent(), "0");
    await page.getByLabel("y range").selectOption("auto");
    // Wall time: ticks read as times of day or dates, never as "1.8e+9".
    await page.getByLabel("x axis").selectOption("time");
    await panel.locator("canvas.series-layer[data-series-count]").waitFor();
    const ticks = await panel.locator(".axis-x text").allTextContents();
    assert.ok(ticks.length >= 2 && ticks.every((t) => !/e\+/.test(t)), ticks.join(" | "));
    // Hours since each run's start line runs up; the reward panel is drawn there too (values without a wall time
    // placed by step on the run's checkpoint clock), and a click on it opens a checkpoint of that run.
    await page.getByLabel("x axis").selectOption("elapsed");
    const rewardPanel = page.locator('[data-panel="reward"]');
    await rewardPanel.scrollIntoViewIfNeeded();
    const rb = (await rewardPanel.boundingBox())!;
    // The runs' clocks come with the series fetched for this axis: until then the panel has nothing to hover.
    const elapsedTip = rewardPanel.getByRole("tooltip").getByText(/h since the run's first checkpoint/);
    for (let i = 0; i < 50 && (await elapsedTip.count()) === 0; i++) {
      await page.mouse.move(rb.x + rb.width * (0.5 + (i % 2) * 0.01), rb.y + rb.height * 0.5);
      await page.waitForTimeout(100);
    }
    await elapsedTip.waitFor();
    await page.mouse.down();
    await page.mouse.up();
    await page.locator('[data-view="checkpoint"] h3').waitFor();
    await page.getByRole("button", { name: "Drift" }).click();
    await page.getByLabel("x axis").selectOption("step");
  });

  test("settings: test a backend connection, import a suite, see located validation errors", async () => {
    await page.getByRole("button", { name: "Settings" }).click();
    await page.getByRole("button", { name: "New backend" }).click();
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
    // Grouped by run, with counts by state; the filter leaves only the jobs of one state.
    assert.ok((await page.locator("[data-queue-run]").count()) >= 2, "one group per run");
    const summary = (await page.getByTestId("queue-summary").textContent()) ?? "";
    const done = Number(/(\d+) done/.exec(summary)?.[1]);
    assert.ok(done > 0, summary);
    await page.getByLabel("Show jobs").selectOption("done");
    const rows = page.locator("[data-job]");
    for (let i = 0; i < 40 && (await rows.count()) !== done; i++) await page.waitForTimeout(100);
    for (const text of await page.locator("[data-job] td:nth-child(3)").allTextContents()) assert.match(text, /^done/);
    await page.getByLabel("Show jobs").selectOption("all");
    await page.screenshot({ path: join(ARTIFACTS, "queue.png") });
    assert.deepEqual(errors, []);
  });
});
