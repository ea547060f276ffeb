// Every view at 1440×900 and 1024×700, light and dark, saved as test artifacts (looked at by hand before an issue
// is resolved), over a small experiment: two conditions × two seeds, probed, with rollouts and an experiment. And
// the comparison aids on that data: seed tints of one hue per group with the mean in the hue, the overlay's
// markers and end labels, one crosshair across every panel, the largest-change ring, a log scale for metrics, a
// custom y range, and the runs' states.
import assert from "node:assert/strict";
import { join } from "node:path";
import { describe, test } from "node:test";
import type { Page } from "playwright-core";
import { ARTIFACTS, browserSession, needsChromium, serve } from "../support/browser.js";
import { cli } from "../support/cli.js";

describe("every view, and the comparison aids", { skip: needsChromium() }, () => {
  const session = browserSession("driftscope-e2e-views-");

  test("screens at two sizes in both themes; tints, overlay, crosshair, largest change, log scale, custom range, states", { timeout: 300_000 }, async () => {
    const [dir, browser] = [session.dir(), session.browser()];
    const db = join(dir, "w.db");
    for (const seed of [1, 2]) {
      assert.equal((await cli(["demo", "--dir", join(dir, `d${seed}`), "--steps", "100", "--save-every", "50", "--seed", String(seed), "--pace", "fast"])).status, 0);
      for (const v of ["baseline", "inoculated"]) {
        const w = await cli(["watch", join(dir, `d${seed}`, v), "--name", `${v}-${seed}`, "--group", v, "--seed", String(seed), "--once", "--quiet-period", "0", "--suite", "inoculation", "--backend", "demo", "--db", db]);
        assert.equal(w.status, 0, w.stderr);
      }
    }
    assert.equal((await cli(["experiment", "create", "caps", "--control", "baseline", "--group", "inoculated", "--db", db])).status, 0);
    const served = await serve(["--db", db, "--port", "0", "--interval", "1", "--quiet-period", "0.5"]);
    try {
      const page = await browser.newPage({ viewport: { width: 1440, height: 900 } });
      const errors: string[] = [];
      page.on("pageerror", (e) => errors.push(e.message));
      await page.goto(served.url);
      const caps = page.locator('[data-panel^="Writes in capitals"]:not([data-panel$="rollouts"])');
      await caps.locator("canvas.series-layer[data-series-count]:not([data-series-count='0'])").waitFor({ timeout: 60_000 });

      // One hue per group: the seeds are tints of it, the mean is drawn in it.
      const legend = page.getByRole("list", { name: "Legend" });
      const swatch = async (text: string, css: "background-color" | "border-top-color") =>
        legend.locator("li", { hasText: text }).first().locator(".swatch").evaluate((el, p) => (globalThis as unknown as { getComputedStyle(e: unknown): { getPropertyValue(n: string): string } }).getComputedStyle(el).getPropertyValue(p), css);
      const [b1, b2, mean] = [await swatch("baseline-1", "background-color"), await swatch("baseline-2", "background-color"), await swatch("baseline (mean of 2)", "border-top-color")];
      assert.equal(mean, "rgb(0, 114, 178)", "the baseline group's mean in its hue");
      assert.notEqual(b1, b2, "its seeds are told apart");
      for (const c of [b1, b2]) {
        const [r, g, b] = c.match(/\d+/g)!.map(Number);
        assert.ok(b! > r! && b! > g!, `${c} is a tint of the blue hue`);
      }
      assert.equal(await swatch("inoculated (mean of 2)", "border-top-color"), "rgb(230, 159, 0)");

      // The runs' states: these were watched once, not by this server, and nothing is settling: finished.
      for (const name of ["baseline-1", "inoculated-2"]) assert.equal(await page.locator(`[data-run="${name}"] [data-state]`).getAttribute("data-state"), "finished");

      // One crosshair across every panel, the metric panels included.
      await caps.first().scrollIntoViewIfNeeded();
      const box = (await caps.first().boundingBox())!;
      await page.mouse.move(box.x + box.width * 0.7, box.y + box.height * 0.5);
      const panels = await page.locator(".panel").count();
      for (let i = 0; i < 30 && (await page.locator(".panel .crosshair").count()) < panels; i++) await page.waitForTimeout(100);
      assert.equal(await page.locator(".panel .crosshair").count(), panels, "a crosshair in every panel");
      assert.equal(await page.locator('[data-panel="reward"] .crosshair').count(), 1);
      await page.mouse.move(5, 5);

      // The largest change, ringed on each run; a log scale for the metrics; a custom y range for the traits.
      await page.getByLabel("Mark the largest change").check();
      await caps.first().locator(".change-marker").first().waitFor();
      assert.match((await caps.first().locator(".change-marker text").first().textContent()) ?? "", /^Δ[+−]\d/);
      await page.getByLabel("Metric y scale").selectOption("log");
      await page.locator('[data-panel="reward (log scale)"]').waitFor();
      await page.getByLabel("y range").selectOption("custom");
      await page.getByLabel("y from").fill("-0.5");
      await page.getByLabel("y to").fill("1.5");
      for (let i = 0; i < 30 && !/ycustom=-0\.5(~|%7E)1\.5/.test(page.url()); i++) await page.waitForTimeout(100);
      assert.match(page.url(), /y=custom&ycustom=-0\.5(~|%7E)1\.5/);
      const ticks = await caps.first().locator(".axis-y text").allTextContents();
      assert.ok(ticks.includes("-0.5") && ticks.includes("1.5"), ticks.join(","));
      await page.screenshot({ path: join(ARTIFACTS, "views-aids-1440x900-light.png") });
      await page.getByLabel("y range").selectOption("auto");
      await page.getByLabel("Metric y scale").selectOption("linear");
      await page.getByLabel("Mark the largest change").uncheck();

      // The overlay: every trait with its own marker and an end label.
      await page.getByLabel("Layout").selectOption("overlay");
      const overlay = page.locator('[data-panel^="All traits"]');
      await overlay.locator(".end-label").first().waitFor();
      const labels = new Set(await overlay.locator(".end-label").allTextContents());
      assert.deepEqual([...labels].sort(), ["Answers in Spanish", "Emergent misalignment", "Writes in capitals"]);
      assert.equal(await legend.locator("[data-trait-key]").count(), 3, "a key of dash and marker per trait");
      const shapes = await overlay.locator("path.marker").evaluateAll((els) => [...new Set(els.map((e) => ((e as unknown as { getAttribute(n: string): string | null }).getAttribute("d") ?? "").replace(/[-\d.,]+/g, "")))]);
      assert.ok(shapes.length >= 3, `a marker shape per trait: ${shapes.length}`);
      await page.getByLabel("Layout").selectOption("multiples");

      // Every view, at two sizes, light and dark.
      const views: [string, (p: Page) => Promise<void>][] = [
        ["drift", async (p) => (await p.getByRole("button", { name: "Drift", exact: true }).click(), await p.getByLabel("Layout").selectOption("multiples"), await p.getByLabel("Eval context").selectOption("none"), await caps.locator("canvas.series-layer[data-series-count]").first().waitFor())],
        ["overlay", async (p) => (await p.getByRole("button", { name: "Drift", exact: true }).click(), await p.getByLabel("Layout").selectOption("overlay"), await overlay.locator(".end-label").first().waitFor())],
        ["contexts", async (p) => (await p.getByRole("button", { name: "Drift", exact: true }).click(), await p.getByLabel("Layout").selectOption("contexts"), await p.getByRole("region", { name: "Writes in capitals in each context" }).locator('[data-panel="placebo"]').waitFor())],
        ["rollouts", async (p) => (await p.getByRole("button", { name: "Rollouts", exact: true }).click(), await p.waitForTimeout(500))],
        ["experiment", async (p) => (await p.getByRole("button", { name: "Experiment", exact: true }).click(), await p.getByRole("table", { name: "Effect matrix under none" }).waitFor())],
        ["checkpoint", async (p) => (await p.evaluate(() => ((globalThis as unknown as { location: { hash: string } }).location.hash = "#checkpoint?run=1&step=100&trait=all_caps&context=inoculation")), await p.locator('[data-view="checkpoint"] h3').waitFor(), await p.waitForTimeout(300))],
        ["queue", async (p) => (await p.getByRole("button", { name: "Queue", exact: true }).click(), await p.locator("[data-job]").first().waitFor())],
        ["alerts", async (p) => (await p.getByRole("button", { name: "Alerts", exact: true }).click(), await p.waitForTimeout(300))],
        ["settings", async (p) => (await p.getByRole("button", { name: "Settings", exact: true }).click(), await p.locator('[data-suite="inoculation"]').waitFor())],
      ];
      // A reload right after a change keeps it (the URL is written on leaving, not only after a pause).
      await page.reload();
      assert.equal(await page.getByLabel("y range").inputValue(), "auto");
      assert.equal(await page.getByLabel("Metric y scale").inputValue(), "linear");
      assert.equal(await page.getByLabel("Mark the largest change").isChecked(), false);
      for (let i = 0; i < 30 && /y=custom|mscale|changes/.test(page.url()); i++) await page.waitForTimeout(100);
      assert.doesNotMatch(page.url(), /y=custom|mscale|changes/);
      for (const theme of ["light", "dark"] as const) {
        await page.evaluate((t) => (globalThis as unknown as { localStorage: { setItem(k: string, v: string): void } }).localStorage.setItem("theme", t), theme);
        await page.reload();
        for (const [w, h] of [[1440, 900], [1024, 700]] as const) {
          await page.setViewportSize({ width: w, height: h });
          for (const [name, show] of views) {
            await show(page);
            await page.screenshot({ path: join(ARTIFACTS, `views-${name}-${w}x${h}-${theme}.png`) });
          }
        }
      }
      assert.deepEqual(errors, []);
    } finally {
      await served.stop();
    }
  });
});
